"""What the sharing rules know of a case: the case on the provision's date (decision 0030)."""

from __future__ import annotations

from ledger.application import Regie
from ledger.domain.case import Case
from ledger.domain.case_on import CaseOn, case_on
from ledger.errors import BadInput
from policies.sharing import CaseFacts


def case_then(app: Regie, case: Case, day: str) -> CaseOn:
    """The case on ``day``; a provision cannot be dated before the case was opened."""
    then = case_on(app.repository.event_store.get(case.id), day)
    if not then.opened:
        raise BadInput(
            f"case {case.ref} was opened on {then.opened_on}; "
            "a provision in it cannot be dated before that"
        )
    return then


def facts_of(then: CaseOn) -> CaseFacts:
    listed = then.namenlijst
    return CaseFacts(
        step=then.step,
        coordinator=then.coordinator is not None,
        namenlijst=listed is not None,
        on_namenlijst=listed.subjects & then.joined if listed is not None else frozenset(),
    )
