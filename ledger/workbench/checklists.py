"""Self-checks (issue 13, item 6; decision 0035): the "4 sleutels" checklists of seed 001
walked for a case, with what the ledger can answer itself, and the informatiematrix of the
werkproces per step: what each partner is expected to bring now."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.domain.acting import Acting
from ledger.domain.case import Case, case_id
from ledger.domain.case_checklist import ANSWERS
from ledger.domain.case_state import OPEN, PRIORITISED
from ledger.domain.convenant import Convenant, convenant_id
from ledger.errors import BadInput
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from policies.workbench import Sleutel

Row = dict[str, Any]
Evidence = tuple[str | None, str]
"""The ledger's answer (ja, nee, or None when it can only give the fact) and the fact."""


class AnswerChecklist(c.Command):
    case: c.CaseRef
    sleutel: int = Field(ge=1)
    answers: dict[int, str] = Field(min_length=1)
    on: date | None = None


class Checklists:
    def __init__(self, app: Regie, gate: Gate, queries: Queries) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.evidence: dict[str, Callable[[Case], Evidence]] = {
            "regisseur-aangesteld": self._regisseur,
            "uitvoeringscoordinator": lambda case: (
                ("ja", f"uitvoeringscoördinator: {case.coordinator}")
                if case.coordinator
                else ("nee", "geen uitvoeringscoördinator aangewezen")
            ),
            "convenant-actueel": self._convenant,
            "driehoek-geprioriteerd": lambda case: (
                ("ja", "de groep is geprioriteerd (stap 4)")
                if case.last_decision == PRIORITISED
                else ("nee", "geen besluit tot prioritering")
            ),
            "plan-met-doelen": self._goals,
            "acties-belegd": self._actions,
            "groepsscan-ontvangen": lambda case: (
                ("ja", f"{case.groepsscans_received} groepsscan(s) ontvangen")
                if case.groepsscans_received
                else ("nee", "geen groepsscan ontvangen")
            ),
            "namenlijst-afgestemd": lambda case: (
                ("ja", f"namenlijst versie {case.namenlijst_version} afgestemd")
                if case.namenlijst_version
                else ("nee", "geen namenlijst afgestemd")
            ),
        }

    def _sleutel(self, number: int) -> Sleutel:
        sleutel = self.app.policies.werkbank.sleutel_of(number)
        if sleutel is None:
            known = ", ".join(str(s.number) for s in self.app.policies.werkbank.sleutel)
            raise BadInput(f"there is no sleutel {number}; the checklists are {known}")
        return sleutel

    @gated("checklist.show", case="ref")
    def checklist(self, ref: str, sleutel: int, by: Acting) -> Row:
        """The items of one sleutel: the ledger's own answer where it has one, and the
        answers last recorded for this case."""
        case = self.app.case(ref)
        chosen = self._sleutel(sleutel)
        recorded = case.checklist_answers.get(chosen.number, {})
        given = recorded.get("answers", {})
        items = []
        for item in chosen.item:
            ledger_answer, fact = (
                self.evidence[item.evidence](case) if item.evidence else (None, "")
            )
            items.append(
                {
                    "number": item.number,
                    "text": item.text,
                    "ledger": ledger_answer,
                    "fact": fact,
                    "answer": given.get(str(item.number)),
                }
            )
        return {
            "case": case.ref,
            "sleutel": chosen.number,
            "title": chosen.title,
            "source": chosen.source,
            "answered_on": recorded.get("on"),
            "answered_by": recorded.get("by"),
            "items": items,
        }

    @gated("checklist.answer")
    def answer(self, cmd: AnswerChecklist, by: Acting) -> int:
        """Record the answers to one sleutel for a case; returns how many were given."""
        chosen = self._sleutel(cmd.sleutel)
        numbers = {i.number for i in chosen.item}
        unknown = sorted(set(cmd.answers) - numbers)
        if unknown:
            raise BadInput(f"sleutel {chosen.number} has items 1..{len(numbers)}, not {unknown[0]}")
        wrong = sorted(a for a in cmd.answers.values() if a not in ANSWERS)
        if wrong:
            raise BadInput(f"answer ja or nee, not '{wrong[0]}'")
        case = self.app.case(cmd.case)
        case.answer_checklist(
            chosen.number,
            cmd.answers,
            self.app.day(cmd.on),
            self.app.policies.policy_hash,
            by,
        )
        self.app.commit(case)
        return len(cmd.answers)

    @gated("step.info", case="ref")
    def step_info(self, ref: str, by: Acting) -> Row:
        """What each partner is expected to bring in the case's current step."""
        case = self.app.case(ref)
        expected = [
            {"organisation": e.organisation, "brings": e.brings, "source": e.source}
            for e in self.app.policies.werkbank.informatie
            if e.step == case.step
        ]
        return {"case": case.ref, "step": case.step, "expected": expected}

    # -- what the ledger knows -------------------------------------------------------------

    def _regisseur(self, case: Case) -> Evidence:
        for handle in sorted(case.participants):
            if "regisseur" in self.app.actor(handle).roles:
                return "ja", f"regisseur: {handle}"
        return "nee", "geen regisseur neemt deel aan de case"

    def _convenant(self, case: Case) -> Evidence:
        today = self.app.clock().isoformat()
        rows = self.queries.rows(select(t.convenants.c.key))
        for key in sorted(r["key"] for r in rows):
            convenant: object = self.app.repository.get(convenant_id(key))
            if not isinstance(convenant, Convenant):
                continue
            version = convenant.current_version
            content = convenant.content_of(version)
            in_force = content["valid_from"] <= today and (
                content.get("valid_until") is None or today <= content["valid_until"]
            )
            parties = {p["organisation"] for p in content["party"]}
            signed = all(convenant.signed_by(version, p, today) for p in parties)
            if in_force and signed:
                return "ja", f"convenant {key} v{version} geldt en is door alle partijen getekend"
        return "nee", "geen convenant dat vandaag geldt en door alle partijen is getekend"

    def _goals(self, case: Case) -> Evidence:
        if case.plan_version == 0:
            return "nee", "nog geen plan van aanpak"
        plans = self.queries.rows(
            select(t.plans.c.goals)
            .where(t.plans.c.case_id == str(case_id(case.ref)))
            .order_by(t.plans.c.version.desc())
            .limit(1)
        )
        goals = len(json.loads(plans[0]["goals"])) if plans else 0
        return None, f"{goals} doel(en) in plan versie {case.plan_version}; SMART beoordeelt u"

    def _actions(self, case: Case) -> Evidence:
        open_actions = [n for n, status in case.actions.items() if status == OPEN]
        if not open_actions:
            return "nee", "geen open acties in het plan"
        return "ja", f"{len(open_actions)} open actie(s), elk met organisatie, persoon en termijn"
