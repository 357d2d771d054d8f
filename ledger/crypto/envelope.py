"""Sealed free text inside ordinary string fields of case events.

Signals and meeting records (reasons, motivations, evaluations) are sealed under keys of
the case itself, so a retention class can expire them by destroying one key. The sealed
value travels in the same ``str`` field as before, wrapped in a recognisable envelope,
so the aggregates and their rules do not change.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from ledger.crypto.seal import MASKED, Sealer

PREFIX = "sealed:v1:"
SIGNALS = "signalen"
RECORDS = "verslaglegging"

Opener = Callable[[str, str, dict[str, str]], Any]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def wrap(sealed: dict[str, str]) -> str:
    return PREFIX + base64.urlsafe_b64encode(json.dumps(sealed).encode()).decode()


def unwrap(value: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(base64.urlsafe_b64decode(value[len(PREFIX) :]))
    return data


class CaseTexts:
    """Seal a case's free texts; empty text stays empty, so 'required' rules still bite."""

    def __init__(self, sealer: Callable[[], Sealer]) -> None:
        self._sealer = sealer

    def seal(self, case_id: str, category: str, field: str, text: str) -> str:
        if not text or not text.strip():
            return ""
        return wrap(self._sealer().seal(case_id, field, category, text.strip()))

    def seal_values(
        self, case_id: str, category: str, field: str, values: dict[Any, str]
    ) -> dict[Any, str]:
        return {k: self.seal(case_id, category, field, v) for k, v in values.items()}


def open_text(opener: Opener | None, owner: str, field: str, value: Any) -> Any:
    """The plain text of a (possibly sealed) value; [gewist] once its key is destroyed."""
    if not is_sealed(value):
        return value
    if opener is None:
        return MASKED
    return opener(owner, field, unwrap(value))
