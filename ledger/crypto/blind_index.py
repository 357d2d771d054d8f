"""A keyed blind index of name and date of birth, to notice a person registered twice.

The digest is HMAC-SHA256 under one index key of the ledger, kept (wrapped) in the key
store like every data key; the entries live in the key store too, never in an event,
and are deleted with the subject's identifying key (decision 0027). Without the key a
digest cannot be recomputed from a guessed name, so the table alone is no name list.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date

from sqlalchemy import select

from ledger.crypto.keystore import KeyStore, blind_index

INDEX_OWNER = "blind-index:v1"
INDEX_CATEGORY = "blind-index"


def normalised(name: str, date_of_birth: date) -> str:
    """Casefolded, accents stripped (NFKD), whitespace collapsed; then the ISO date."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split()) + "\x1f" + date_of_birth.isoformat()


class BlindIndex:
    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore
        self._ready = False

    def _prepare(self) -> None:
        if not self._ready:
            with self.keystore.engine.begin() as conn:
                blind_index.create(conn, checkfirst=True)
            self._ready = True

    @staticmethod
    def _digest(key: bytes, name: str, date_of_birth: date) -> str:
        message = normalised(name, date_of_birth).encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def matches(self, name: str, date_of_birth: date) -> list[str]:
        """Subjects whose entry has this digest; none before the index key exists."""
        key = self.keystore.get(INDEX_OWNER, INDEX_CATEGORY)
        if key is None:
            return []
        self._prepare()
        digest = self._digest(key, name, date_of_birth)
        with self.keystore.engine.connect() as conn:
            rows = conn.execute(
                select(blind_index.c.subject_id).where(blind_index.c.digest == digest)
            ).all()
        return sorted(str(r[0]) for r in rows)

    def enter(self, subject_id: str, name: str, date_of_birth: date) -> None:
        key = self.keystore.get_or_create(INDEX_OWNER, INDEX_CATEGORY)
        self._prepare()
        with self.keystore.engine.begin() as conn:  # a rectification replaces the entry
            conn.execute(blind_index.delete().where(blind_index.c.subject_id == subject_id))
            conn.execute(
                blind_index.insert().values(
                    subject_id=subject_id, digest=self._digest(key, name, date_of_birth)
                )
            )
