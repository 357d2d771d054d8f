"""The regisseur's self-check of a case on one of the "4 sleutels" (seed 001): the answers
as given, on the date, with the policy hash of the checklist they answered (decision 0035)."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState

ANSWERS = ("ja", "nee")


class CaseChecklist(CaseState):
    checklist_answers: dict[int, dict[str, Any]] = {}  # noqa: RUF012 (replaced, never mutated)
    """Per sleutel, the last answers: {"on", "answers": {item: ja|nee}, "by"}."""

    class ChecklistAnswered(Aggregate.Event):
        class_version = 1

        sleutel: int
        answers: dict[str, str]  # item number (as text: JSON keys) -> ja | nee
        on: str
        policy_hash: str | None
        by: dict[str, Any]

        def apply(self, case: CaseChecklist) -> None:
            case.checklist_answers = {
                **case.checklist_answers,
                self.sleutel: {"on": self.on, "answers": self.answers, "by": self.by["actor"]},
            }

    def answer_checklist(
        self, sleutel: int, answers: dict[int, str], on: str, policy_hash: str | None, by: Acting
    ) -> None:
        self.trigger_event(
            self.ChecklistAnswered,
            sleutel=sleutel,
            answers={str(n): a for n, a in sorted(answers.items())},
            on=on,
            policy_hash=policy_hash,
            by=by.record(),
        )
