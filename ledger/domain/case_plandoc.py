"""What the regisseur adds to the plan van aanpak as a document (seed 004): the texts of
the sections the ledger cannot know, and the rough estimate of costs and effort the step-4
decision needs (000 L2170-2176). Texts arrive sealed under the case's key, so purging the
case makes them unreadable with the rest of it."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState
from ledger.domain.rule import rule

SECTION_STEP = rule(
    "plandoc.step",
    "plan texts and the estimate are written from step 3 on, when the concept plan is drafted",
    "000 L2170-2176",
)
FILLED_BY_LEDGER = rule(
    "plandoc.filled-by-ledger",
    "this section of the plan is filled from the ledger itself; record the facts instead",
    "004; policies/defaults/plan.toml (a section without `asks`)",
)
RISK_LEVEL = rule(
    "plandoc.risk",
    "the duiding of the group names the risk level the partners assign (--risk); other "
    "sections take none",
    "004 L38",
)
ANONYMOUS = rule(
    "plandoc.concept-anonymous",
    "the concept plan for the step-4 decision is anonymised: a text in it names a person of "
    "the case; reword that text (the refusal names the section, not the person)",
    "000 L2174-2176",
)


class CasePlanDocument(CaseState):
    class PlanSectionSupplied(Aggregate.Event):
        """The regisseur's text for one section of the plan document (a later one for the
        same section replaces it); ``text`` is sealed under the case's key."""

        class_version = 1

        key: str
        text: str
        risk: str | None
        supplied_on: str
        policy_hash: str | None
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            pass  # the document reads the texts from the case's history

    class PlanEstimateRecorded(Aggregate.Event):
        """The rough estimate of hours and costs of the concept plan (000 L2170-2176), with
        a sealed note on what it covers; a later estimate replaces it."""

        class_version = 1

        hours: int
        cost_eur: int
        note: str
        estimated_on: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            pass  # the document reads the estimate from the case's history

    def _require_plan_step(self) -> None:
        self._require_active()
        if self.step < 3:
            raise SECTION_STEP.refuse(
                f"the concept plan is drafted from step 3 on (case {self.ref} is at step "
                f"{self.step})"
            )

    def supply_plan_section(
        self,
        key: str,
        text: str,
        risk: str | None,
        supplied_on: str,
        by: Acting,
        *,
        policy_hash: str | None = None,
    ) -> None:
        self._require_plan_step()
        self.trigger_event(
            self.PlanSectionSupplied,
            key=key,
            text=text,
            risk=risk,
            supplied_on=supplied_on,
            policy_hash=policy_hash,
            by=by.record(),
        )

    def record_plan_estimate(
        self, hours: int, cost_eur: int, note: str, estimated_on: str, by: Acting
    ) -> None:
        self._require_plan_step()
        self.trigger_event(
            self.PlanEstimateRecorded,
            hours=hours,
            cost_eur=cost_eur,
            note=note,
            estimated_on=estimated_on,
            by=by.record(),
        )
