"""Seal and open personal fields with the subject's data key (AES-256-GCM).

The associated data binds each ciphertext to its subject, field and category, so a
sealed value copied to another subject or field does not open. A field whose key was
destroyed opens as :data:`MASKED`, never as an error.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.crypto.keystore import KeyStore, KeyStoreError

MASKED = "[gewist]"
Sealed = dict[str, str]


def key_slot(sealed: Sealed) -> str:
    """The key-store slot a sealed value opens with: its category's, or a later generation."""
    return sealed.get("k", sealed["cat"])


def _aad(subject_id: str, field: str, category: str) -> bytes:
    return f"regie-field:v1:{subject_id}:{field}:{category}".encode()


class Sealer:
    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore

    def seal(
        self, subject_id: str, field: str, category: str, value: Any, slot: str | None = None
    ) -> Sealed:
        """Under the category's newest key generation, or the given ``slot``; a value
        under a later generation names it (``k``), so that opening finds its key."""
        slot = slot or self.keystore.current_slot(subject_id, category)
        key = self.keystore.get_or_create(subject_id, slot)
        nonce = secrets.token_bytes(12)
        plaintext = json.dumps(value, ensure_ascii=False).encode()
        ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(subject_id, field, category))
        sealed = {
            "cat": category,
            "n": base64.b64encode(nonce).decode(),
            "c": base64.b64encode(ciphertext).decode(),
        }
        if slot != category:
            sealed["k"] = slot
        return sealed

    def open(self, subject_id: str, field: str, sealed: Sealed) -> Any:
        key = self.keystore.get(subject_id, key_slot(sealed))
        if key is None:
            return MASKED
        try:
            plaintext = AESGCM(key).decrypt(
                base64.b64decode(sealed["n"]),
                base64.b64decode(sealed["c"]),
                _aad(subject_id, field, sealed["cat"]),
            )
        except InvalidTag as exc:
            raise KeyStoreError(
                f"sealed field '{field}' of subject {subject_id} does not open: tampered or "
                "moved ciphertext"
            ) from exc
        return json.loads(plaintext)
