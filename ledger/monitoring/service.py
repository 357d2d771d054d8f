"""Monitoring and evaluation (issue 13, item 3): indicators per goal of the plan, their
measurements over time, the tussenevaluatie with the questions of seed 004, and at step 7
what the evaluation report on the seven criteria holds ("Van de evaluatie wordt een verslag
opgemaakt dat in het ketenoverleg besproken wordt", 000 L2360).

Measurements are counts about the group, never about a person. Notes and free-text
answers are sealed case texts: every read that opens them is logged as an access first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.access.gate import AccessLog, Gate, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.envelope import open_text
from ledger.crypto.seal import Sealer
from ledger.domain import case_monitoring as rules
from ledger.domain.acting import Acting
from ledger.domain.case import CLOSED, Case
from ledger.domain.case_meetings import meeting_label
from ledger.durations import Duration
from ledger.errors import BadInput, NotFound
from ledger.monitoring import commands as mo
from ledger.projections.queries import Queries
from policies.workbench import Question

Row = dict[str, Any]

TUSSENEVALUATIE, EINDVERSLAG = "tussenevaluatie", "eindverslag"
DOCUMENTS = (TUSSENEVALUATIE, EINDVERSLAG)


class Monitoring:
    def __init__(
        self,
        app: Regie,
        gate: Gate,
        queries: Queries,
        access_log: AccessLog,
        sealer: Callable[[], Sealer],
    ) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.access_log = access_log
        self._sealer = sealer

    # -- indicators and measurements ---------------------------------------------------------

    @gated("monitor.indicator")
    def choose_indicator(self, cmd: mo.ChooseIndicator, by: Acting) -> str:
        """Measure a goal of the plan on an indicator: a default of the policy
        (werkbank.toml [[indicator]]) or the regisseur's own, with --label and --unit."""
        defaults = {i.key: i for i in self.app.policies.werkbank.indicator}
        default = defaults.get(cmd.key)
        if default is None and (cmd.label is None or cmd.unit is None):
            known = ", ".join(sorted(defaults)) or "none"
            raise BadInput(
                f"'{cmd.key}' is not a default indicator ({known}); an own indicator needs "
                "--label and --unit"
            )
        label = cmd.label or (default.label if default else cmd.key)
        unit = cmd.unit or (default.unit if default else "")
        case = self.app.case(cmd.case)
        case.choose_indicator(
            cmd.key, label, unit, cmd.goal, len(self._goals(case)), default is None, by
        )
        self.app.commit(case)
        return cmd.key

    @gated("monitor.measure")
    def measure(self, cmd: mo.Measure, by: Acting) -> int:
        """One measurement of an indicator on a day (not in the future); returns how many
        the indicator has now."""
        case = self.app.case(cmd.case)
        count = case.measure(
            cmd.indicator,
            float(cmd.value),
            self.app.day(cmd.on),
            self.app.sealed_record(case.id, "measurement-note", cmd.note),
            by,
        )
        self.app.commit(case)
        return count

    @gated("monitor.show", case="ref")
    def monitor(self, ref: str, by: Acting, purpose: str = DEFAULT_PURPOSE) -> Row:
        """The case's goals with their indicators and every measurement in time order;
        opening the notes is logged as an access first."""
        case = self.app.case(ref)
        self.access_log.record(by, "monitor.show", "read", [], purpose, case=case.ref)
        return self._monitoring(case)

    # -- tussenevaluatie ------------------------------------------------------------------

    def _questions(self) -> list[Question]:
        settings = self.app.policies.werkbank.tussenevaluatie
        if settings is None:
            raise BadInput("the policy has no [tussenevaluatie] in werkbank.toml")
        return list(settings.vraag)

    @gated("evaluation.questions")
    def questions(self, by: Acting) -> list[Row]:
        """The questions of the tussenevaluatie (werkbank.toml [tussenevaluatie]): key,
        kind (aantal: a number; tekst: a sealed text) and the question."""
        return [{"key": q.key, "kind": q.kind, "text": q.text} for q in self._questions()]

    @gated("evaluation.plan")
    def plan_tussenevaluatie(self, cmd: mo.PlanTussenevaluatie, by: Acting) -> str:
        """When the tussenevaluatie falls due: the day given, or the policy's months
        (werkbank.toml [tussenevaluatie] after_months, 6 in seed 004) from today."""
        settings = self.app.policies.werkbank.tussenevaluatie
        months = settings.after_months if settings else 6
        today = self.app.clock()
        due = cmd.due or Duration.parse(f"P{months}M").after(today)
        case = self.app.case(cmd.case)
        case.plan_tussenevaluatie(due.isoformat(), by)
        self.app.commit(case)
        return due.isoformat()

    @gated("evaluation.record")
    def record_tussenevaluatie(self, cmd: mo.RecordTussenevaluatie, by: Acting) -> int:
        """The answers to the questions of the tussenevaluatie: a number where the
        question counts, a sealed text where it asks what we know."""
        questions = {q.key: q for q in self._questions()}
        counts: dict[str, int] = {}
        texts: dict[str, str] = {}
        case = self.app.case(cmd.case)
        for key, answer in cmd.answers.items():
            question = questions.get(key)
            if question is None:
                raise BadInput(
                    f"unknown question '{key}'; the questions are: {', '.join(questions)}"
                )
            if question.kind == "aantal":
                if not answer.isdigit():
                    raise BadInput(f"question '{key}' counts: answer a whole number, like 3")
                counts[key] = int(answer)
            else:
                texts[key] = self.app.sealed_record(case.id, "tussenevaluatie", answer)
        number = case.record_tussenevaluatie(
            self.app.day(cmd.on),
            counts,
            texts,
            list(questions),
            self.app.policies.policy_hash,
            by,
        )
        self.app.commit(case)
        return number

    @gated("evaluation.show", case="ref")
    def evaluation(self, ref: str, by: Acting, purpose: str = DEFAULT_PURPOSE) -> Row:
        """The tussenevaluaties held and the one due, and once closed the evaluation on the
        seven criteria; logged as an access before the answers are opened."""
        case = self.app.case(ref)
        self.access_log.record(by, "evaluation.show", "read", [], purpose, case=case.ref)
        return self._evaluation(case)

    @gated("evaluation.document", case="ref")
    def document(self, ref: str, what: str, by: Acting, purpose: str = DEFAULT_PURPOSE) -> Row:
        """What the tussenevaluatie or the evaluation report (eindverslag) as a document
        holds, with the indicators over time for its chart; rendered by the caller."""
        if what not in DOCUMENTS:
            raise BadInput(f"choose the document {' or '.join(DOCUMENTS)}, not '{what}'")
        case = self.app.case(ref)
        if what == EINDVERSLAG and case.status != CLOSED:
            raise rules.REPORT_AFTER_CLOSE.refuse(
                f"case {case.ref} is {case.status}; close it with `regie case close` first"
            )
        if what == TUSSENEVALUATIE and not case.tussenevaluaties:
            raise NotFound(
                f"case {case.ref} has no tussenevaluatie yet; record one with "
                "`regie evaluation record`"
            )
        self.access_log.record(by, "evaluation.document", "read", [], purpose, case=case.ref)
        return {
            "document": what,
            **self._evaluation(case),
            **self._monitoring(case),
            "meetings": self._meetings(case),
            "actions": self._actions(case),
        }

    # -- what the documents hold ----------------------------------------------------------

    def _open(self, case: Case, field: str, value: str) -> str:
        def opener(owner: str, name: str, sealed: dict[str, str]) -> Any:
            return self._sealer().open(owner, name, sealed)

        return str(open_text(opener, str(case.id), field, value))

    def _goals(self, case: Case) -> list[str]:
        try:
            return [str(g) for g in self.queries.plan(case.ref)["goals"]]
        except NotFound:
            return []

    def _monitoring(self, case: Case) -> Row:
        goals = self._goals(case)
        indicators = []
        for key, indicator in sorted(case.indicators.items(), key=lambda i: (i[1]["goal"], i[0])):
            measured = [
                {
                    "on": m["on"],
                    "value": m["value"],
                    "note": self._open(case, "measurement-note", m["note"]),
                }
                for m in case.measurements.get(key, [])
            ]
            goal = indicator["goal"]
            indicators.append(
                {
                    **indicator,
                    "goal_text": goals[goal - 1] if goal <= len(goals) else "",
                    "measurements": measured,
                    "last": measured[-1]["value"] if measured else None,
                }
            )
        return {
            "case": case.ref,
            "working_name": case.working_name,
            "municipality": case.municipality,
            "step": case.step,
            "status": case.status,
            "goals": goals,
            "indicators": indicators,
        }

    def _evaluation(self, case: Case) -> Row:
        settings = self.app.policies.werkbank.tussenevaluatie
        questions = {q.key: q.text for q in settings.vraag} if settings else {}
        held = []
        for evaluation in case.tussenevaluaties:
            answers = {k: str(v) for k, v in evaluation["counts"].items()}
            answers.update(
                {k: self._open(case, "tussenevaluatie", v) for k, v in evaluation["texts"].items()}
            )
            held.append(
                {
                    "number": evaluation["number"],
                    "on": evaluation["on"],
                    "by": evaluation["by"],
                    "answers": [
                        {"key": k, "question": questions.get(k, k), "answer": answers[k]}
                        for k in [*questions, *sorted(set(answers) - set(questions))]
                        if k in answers
                    ],
                }
            )
        overview = self.queries.case_overview(case.ref)
        closure = None
        if case.status == CLOSED:
            given = overview["evaluation"] or {}
            closure = {
                "closed_on": overview["closed_on"],
                "goals_reached": overview["goals_reached"],
                "goals_assessment": overview["goals_assessment"],
                "criteria": [
                    {
                        "key": key,
                        "label": self.app.policies.label("evaluation_criterion", key),
                        "answer": given.get(key, ""),
                    }
                    for key in self.app.policies.evaluation_criteria
                ],
            }
        return {
            "case": case.ref,
            "tussenevaluatie_due": case.tussenevaluatie_due,
            "tussenevaluaties": held,
            "closure": closure,
            "opened_on": case.opened_on,
        }

    def _meetings(self, case: Case) -> list[Row]:
        return [
            {
                "meeting": meeting_label(m["number"]),
                "kind": m["kind"],
                "on": m["on"],
                "minutes": m["minutes"] is not None,
                "decisions": len(m["decisions"]),
                "action_points": len(m["action_points"]),
            }
            for m in case.meetings.values()
        ]

    def _actions(self, case: Case) -> Row:
        counts: dict[str, int] = {}
        for status in case.actions.values():
            counts[status] = counts.get(status, 0) + 1
        return counts
