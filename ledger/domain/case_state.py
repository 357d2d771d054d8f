"""What every part of a case reads: its state, the shared checks, and the words of its
statuses. The parts (steps, plan, group) are mixins of :class:`~ledger.domain.case.Case`;
eventsourcing re-declares their event classes on ``Case``, so every stored topic stays
``ledger.domain.case:Case.<Event>`` (pinned by tests/fixtures/topics.txt)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.domain import rules

STEP_NAMES = {
    1: "Signalen over groepsgedrag delen",
    2: "Informatie verzamelen en verbinden",
    3: "Maken integraal beeld en concept plan van aanpak",
    4: "Adviseren en prioriteren",
    5: "Maken integraal plan van aanpak",
    6: "Uitvoeren en monitoren",
    7: "Afronden en evalueren",
}

PRIORITISED = "geprioriteerd"
NOT_PRIORITISED = "niet-geprioriteerd"
EXTRA_ANALYSIS = "extra-analyse"
DECISION_OUTCOMES = (PRIORITISED, NOT_PRIORITISED, EXTRA_ANALYSIS)

OPEN, DONE, WITHDRAWN, HANDED_OVER = "open", "afgerond", "vervallen", "overgedragen"
ACTIVE, ENDED, CLOSED = "lopend", "beeindigd", "afgesloten"


class CaseState:
    """The state that the events of a case assign (see ``Case.__init__``)."""

    ref: str
    working_name: str
    municipality: str
    area: str
    opened_on: str
    opened_by: str
    added_participants: dict[str, str]
    step: int
    status: str
    merged_4_5: bool
    coordinator: str | None
    signal_count: int
    decision_count: int
    last_decision: str | None
    plan_version: int
    actions: dict[int, str]
    unratified: set[int]
    members: dict[str, dict[str, Any]]
    former_members: set[str]
    namenlijst_version: int
    namenlijst_subjects: list[str]
    namenlijst_agreed_on: str | None
    groepsscans_requested: int
    groepsscans_received: int

    if TYPE_CHECKING:

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    def _require_active(self) -> None:
        if self.status != ACTIVE:
            raise rules.CASE_CLOSED.refuse(
                f"case {self.ref} is {self.status}; it accepts no changes"
            )

    @property
    def open_actions(self) -> list[int]:
        return sorted(n for n, status in self.actions.items() if status == OPEN)

    @property
    def participants(self) -> set[str]:
        people = {self.opened_by, *self.added_participants}
        if self.coordinator is not None:
            people.add(self.coordinator)
        return people
