"""What the history of one youth's information duty amounts to on a given day.

The Letter aggregate (ledger.domain.letter) appends one plain entry per event; this fold
reads them: the current round of generated letters, who was informed (by a delivered
letter or by informing recorded some other way), and the deferral in force or pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.domain import letter_rules, rules
from ledger.domain.acting import Acting


@dataclass
class LetterState:
    round: int = 0
    letters: dict[str, dict[str, Any]] = field(default_factory=dict)
    informed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per addressee pseudonym: the first time they were informed, however."""
    deferral: dict[str, Any] | None = None
    """The deferral in force: decided, and confirmed where the ground needs that."""
    pending: dict[str, Any] | None = None
    """A deferral awaiting the privacy officer's decision; the letter stays due."""

    @property
    def delivered_all(self) -> bool:
        return bool(self.letters) and all(x.get("delivered_on") for x in self.letters.values())

    def informed_all(self, addressees: Iterable[str]) -> bool:
        """Whether every one of ``addressees`` was informed (False for nobody)."""
        wanted = set(addressees)
        return bool(wanted) and wanted <= set(self.informed)


def fold(history: list[dict[str, Any]], day: str | None) -> LetterState:
    """Fold the entries dated on or before ``day`` (ISO; everything when None)."""
    out = LetterState()
    for entry in history:
        if day is not None and entry["on"] > day:
            continue
        kind = entry["kind"]
        if kind == "generated":
            if entry["round"] != out.round:
                out.round = entry["round"]
                out.letters = {}
            out.letters[entry["addressee"]] = dict(entry)
        elif kind == "delivered":
            letter = out.letters.get(entry["addressee"])
            if letter is not None:
                letter.update(delivered_on=entry["on"], how=entry["how"], by=entry["by"])
            out.informed.setdefault(entry["addressee"], dict(entry))
        elif kind == "informed":
            out.informed.setdefault(entry["addressee"], dict(entry))
            letter = out.letters.get(entry["addressee"])
            if letter is not None and entry.get("letter_sha256") == letter["content_sha256"]:
                letter.update(delivered_on=entry["on"], how=entry["how"], by=entry["by"])
        elif kind == "deferred":
            if entry.get("pending"):
                out.pending = dict(entry)
            else:
                out.deferral, out.pending = dict(entry), None
        elif kind == "confirmed" and out.pending is not None:
            out.deferral = {**out.pending, "pending": False, "confirmed_by": entry["by"]}
            out.pending = None
        elif kind == "rejected":
            out.pending = None
        elif kind == "resumed":
            out.deferral = out.pending = None
    return out


def check_informing(state: LetterState, pseudonym: str, on: str, with_letter: bool) -> str | None:
    """Refuse informing that cannot be recorded; the linked letter's hash, if any."""
    if state.deferral is not None:
        raise rules.LETTER_DEFERRED.refuse()
    known = state.informed.get(pseudonym)
    if known is not None:
        raise letter_rules.INFORMING_ONCE.refuse(
            f"{pseudonym} was already recorded as informed ({known['how']}) on {known['on']}"
        )
    if not with_letter:
        return None
    letter = state.letters.get(pseudonym)
    if letter is None:
        raise rules.LETTER_GENERATE_FIRST.refuse(
            f"no letter was generated for {pseudonym}; generate it with "
            "`regie letters generate`, or record the informing without --with-letter"
        )
    if on < letter["on"]:
        raise rules.LETTER_DELIVERY_DATE.refuse(
            f"the letter to {pseudonym} was generated on {letter['on']}"
        )
    return str(letter["content_sha256"])


def check_decision(pending: dict[str, Any] | None, on: str, by: Acting) -> None:
    """A pending deferral is decided once, later, by someone other than who deferred."""
    if pending is None:
        raise letter_rules.DEFERRAL_NOT_PENDING.refuse()
    if pending["by"] == by.actor:
        raise letter_rules.DEFERRAL_CONFIRMER.refuse(
            f"'{by.actor}' deferred this information duty and cannot also decide it"
        )
    if on < pending["on"]:
        raise letter_rules.DEFERRAL_NOT_PENDING.refuse(
            f"the deferral was decided on {pending['on']}, not before"
        )
