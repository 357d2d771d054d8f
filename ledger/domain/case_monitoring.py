"""Monitoring a case's plan van aanpak: indicators per goal, measurements over time, and
the tussenevaluatie with the questions of the plan template (seed 004 L197-222; 001
L1640-1692: "Met een monitor toets je of de doelstellingen uit het plan van aanpak zijn
gehaald"; 000 L2310-2330, step 6).

Counts are plain numbers; free-text answers and notes arrive sealed under the case's
verslaglegging key.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState
from ledger.domain.rule import rule

PLAN_FIRST = rule(
    "monitoring.plan-first",
    "indicators measure the goals of a plan van aanpak: set the plan first",
    "001 L1688-1692; 000 L2274-2300",
)
GOAL_KNOWN = rule(
    "monitoring.goal-known",
    "an indicator measures one goal of the plan, named by its number",
    "001 L1688-1692",
)
INDICATOR_ONCE = rule(
    "monitoring.indicator-once", "a case measures an indicator under one key", "001 L1688-1692"
)
INDICATOR_KNOWN = rule(
    "monitoring.indicator-known",
    "a measurement belongs to an indicator chosen for this case (`regie monitor indicator`)",
    "001 L1688-1692",
)
EVALUATION_STEP = rule(
    "evaluation.during-execution",
    "the tussenevaluatie is planned at step 5 or 6 and held during the execution, step 6",
    "004 L199-222; 000 L2310-2330",
)
EVALUATION_COMPLETE = rule(
    "evaluation.all-questions",
    "the tussenevaluatie answers every question of the policy",
    "004 L207-222",
)
REPORT_AFTER_CLOSE = rule(
    "evaluation.report-after-close",
    "the evaluation report is made once the case is closed at step 7 with its evaluation",
    "000 L2350-2360",
)


class CaseMonitoring(CaseState):
    indicators: dict[str, dict[str, Any]] = {}  # noqa: RUF012 (replaced, never mutated)
    """By key: label, unit, goal (its number in the plan), own (not a policy default)."""
    measurements: dict[str, list[dict[str, Any]]] = {}  # noqa: RUF012 (replaced)
    tussenevaluatie_due: str | None = None
    tussenevaluaties: list[dict[str, Any]] = []  # noqa: RUF012 (replaced, never mutated)

    class IndicatorChosen(Aggregate.Event):
        class_version = 1

        key: str
        label: str
        unit: str
        goal: int
        own: bool
        by: dict[str, Any]

        def apply(self, case: CaseMonitoring) -> None:
            indicator = {
                "key": self.key,
                "label": self.label,
                "unit": self.unit,
                "goal": self.goal,
                "own": self.own,
            }
            case.indicators = {**case.indicators, self.key: indicator}

    class Measured(Aggregate.Event):
        class_version = 1

        indicator: str
        value: float
        on: str
        note: str
        by: dict[str, Any]

        def apply(self, case: CaseMonitoring) -> None:
            measured = {"on": self.on, "value": self.value, "note": self.note}
            series = sorted(
                [*case.measurements.get(self.indicator, []), measured], key=lambda m: m["on"]
            )
            case.measurements = {**case.measurements, self.indicator: series}

    class TussenevaluatiePlanned(Aggregate.Event):
        class_version = 1

        due: str
        by: dict[str, Any]

        def apply(self, case: CaseMonitoring) -> None:
            case.tussenevaluatie_due = self.due

    class TussenevaluatieRecorded(Aggregate.Event):
        """The answers as given: counts as numbers, free texts sealed; with the policy hash
        of the questions they answered."""

        class_version = 1

        number: int
        on: str
        counts: dict[str, int]
        texts: dict[str, str]
        policy_hash: str | None
        by: dict[str, Any]

        def apply(self, case: CaseMonitoring) -> None:
            held = {
                "number": self.number,
                "on": self.on,
                "counts": self.counts,
                "texts": self.texts,
                "by": self.by["actor"],
            }
            case.tussenevaluaties = [*case.tussenevaluaties, held]
            case.tussenevaluatie_due = None

    # -- commands -------------------------------------------------------------------------

    def choose_indicator(
        self, key: str, label: str, unit: str, goal: int, goals: int, own: bool, by: Acting
    ) -> None:
        self._require_active()
        if self.plan_version == 0:
            raise PLAN_FIRST.refuse()
        if not 1 <= goal <= goals:
            raise GOAL_KNOWN.refuse(
                f"the plan of case {self.ref} has goals 1..{goals}, not {goal}"
                if goals
                else f"the plan of case {self.ref} names no goals"
            )
        if key in self.indicators:
            raise INDICATOR_ONCE.refuse(f"case {self.ref} already measures '{key}'")
        self.trigger_event(
            self.IndicatorChosen,
            key=key,
            label=label,
            unit=unit,
            goal=goal,
            own=own,
            by=by.record(),
        )

    def measure(self, indicator: str, value: float, on: str, note: str, by: Acting) -> int:
        self._require_active()
        if indicator not in self.indicators:
            chosen = ", ".join(sorted(self.indicators)) or "none yet"
            raise INDICATOR_KNOWN.refuse(
                f"case {self.ref} does not measure '{indicator}' (chosen: {chosen})"
            )
        self.trigger_event(
            self.Measured, indicator=indicator, value=value, on=on, note=note, by=by.record()
        )
        return len(self.measurements[indicator])

    def plan_tussenevaluatie(self, due: str, by: Acting) -> None:
        self._require_active()
        if self.step not in (5, 6):
            raise EVALUATION_STEP.refuse(
                f"case {self.ref} is at step {self.step}; the tussenevaluatie is planned at "
                "step 5 or 6"
            )
        self.trigger_event(self.TussenevaluatiePlanned, due=due, by=by.record())

    def record_tussenevaluatie(
        self,
        on: str,
        counts: dict[str, int],
        texts: dict[str, str],
        questions: list[str],
        policy_hash: str | None,
        by: Acting,
    ) -> int:
        self._require_active()
        if self.step != 6:
            raise EVALUATION_STEP.refuse(
                f"case {self.ref} is at step {self.step}; the tussenevaluatie is held at step 6"
            )
        answered = {k for k, v in texts.items() if v} | set(counts)
        missing = [q for q in questions if q not in answered]
        if missing:
            raise EVALUATION_COMPLETE.refuse("the tussenevaluatie lacks: " + ", ".join(missing))
        number = len(self.tussenevaluaties) + 1
        self.trigger_event(
            self.TussenevaluatieRecorded,
            number=number,
            on=on,
            counts=dict(sorted(counts.items())),
            texts=dict(sorted(texts.items())),
            policy_hash=policy_hash,
            by=by.record(),
        )
        return number
