"""A named rule with its source: what a refusal cites (``[rule <id>]``). The rules
themselves are in :mod:`ledger.domain.rules`; every rule made is in :data:`RULES`."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import Refused


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    source: str

    def refuse(self, detail: str | None = None) -> Refused:
        return Refused(self.id, detail or self.text)


RULES: dict[str, Rule] = {}


def rule(id: str, text: str, source: str) -> Rule:
    made = Rule(id, text, source)
    RULES[id] = made
    return made
