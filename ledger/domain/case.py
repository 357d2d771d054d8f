"""The groepsaanpak: one case walked through the 7-stappenmodel.

Public methods check the rules (raising :class:`~ledger.errors.Refused` with the rule's
id) and then trigger one event; event ``apply`` methods only assign, so replaying
history never re-runs a rule. Payloads hold plain JSON values (dates as ISO strings).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain.acting import Acting
from ledger.domain.case_checklist import CaseChecklist
from ledger.domain.case_group import CaseGroup
from ledger.domain.case_meetings import CaseMeetings
from ledger.domain.case_monitoring import CaseMonitoring
from ledger.domain.case_plan import CasePlan
from ledger.domain.case_plandoc import CasePlanDocument
from ledger.domain.case_reuse import CaseReuse
from ledger.domain.case_state import ACTIVE as ACTIVE
from ledger.domain.case_state import CLOSED as CLOSED
from ledger.domain.case_state import DECISION_OUTCOMES as DECISION_OUTCOMES
from ledger.domain.case_state import DONE as DONE
from ledger.domain.case_state import ENDED as ENDED
from ledger.domain.case_state import EXTRA_ANALYSIS as EXTRA_ANALYSIS
from ledger.domain.case_state import HANDED_OVER as HANDED_OVER
from ledger.domain.case_state import NOT_PRIORITISED as NOT_PRIORITISED
from ledger.domain.case_state import OPEN as OPEN
from ledger.domain.case_state import PRIORITISED as PRIORITISED
from ledger.domain.case_state import STEP_NAMES as STEP_NAMES
from ledger.domain.case_state import WITHDRAWN as WITHDRAWN
from ledger.domain.case_steps import CaseSteps
from ledger.domain.case_working import CaseWorking

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/case")


def case_id(ref: str) -> UUID:
    """Case ids derive from the reference, so a duplicate reference cannot be stored."""
    return uuid5(_NAMESPACE, ref.upper())


class Case(
    CaseSteps,
    CaseWorking,
    CaseReuse,
    CaseChecklist,
    CasePlanDocument,
    CaseMeetings,
    CaseMonitoring,
    CasePlan,
    CaseGroup,
    Aggregate,
):
    """A groepsaanpak. Working names are non-identifying ("Groep Stationsplein").

    Its parts are mixins: :class:`CaseSteps`, :class:`CasePlan`, :class:`CaseGroup`,
    :class:`CaseMeetings`, :class:`CaseMonitoring`."""

    # -- opening ------------------------------------------------------------------

    class Opened(Aggregate.Created):
        class_version = 1

        ref: str
        working_name: str
        municipality: str
        area: str
        opened_on: str
        by: dict[str, Any]

    @event(Opened)
    def __init__(
        self,
        ref: str,
        working_name: str,
        municipality: str,
        area: str,
        opened_on: str,
        by: dict[str, Any],
    ) -> None:
        self.ref = ref
        self.working_name = working_name
        self.municipality = municipality
        self.area = area
        self.opened_on = opened_on
        self.opened_by: str = by["actor"]
        self.added_participants: dict[str, str] = {}
        self.step = 1
        self.status = ACTIVE
        self.merged_4_5 = False
        self.coordinator: str | None = None
        self.signal_count = 0
        self.decision_count = 0
        self.last_decision: str | None = None
        self.plan_version = 0
        self.actions: dict[int, str] = {}
        self.unratified: set[int] = set()  # urgent measures awaiting a decision
        self.members: dict[str, dict[str, Any]] = {}
        self.former_members: set[str] = set()
        self.namenlijst_version = 0
        self.namenlijst_subjects: list[str] = []
        self.namenlijst_agreed_on: str | None = None
        self.groepsscans_requested = 0
        self.groepsscans_received = 0

    @classmethod
    def create_id(cls, ref: str, **_: Any) -> UUID:
        return case_id(ref)

    @classmethod
    def open(
        cls, ref: str, working_name: str, municipality: str, area: str, opened_on: str, by: Acting
    ) -> Case:
        return cls(
            ref=ref,
            working_name=working_name,
            municipality=municipality,
            area=area,
            opened_on=opened_on,
            by=by.record(),
        )
