"""The plan van aanpak as a document partners sign (seed 004): the regisseur's texts for
the sections the ledger cannot know, the estimate for the step-4 decision, and the
document's content, filled from the ledger. The content comes back as JSON; the file
(.docx, .pdf, .md) is rendered where the command runs (ledger/workbench/plandoc/build.py).

The full plan lists members by pseudonym, the signals and the groepsscan's summary: it is
logged as an export of those members' data before anything is read. The concept for the
step-4 decision carries counts only, and is refused when a text in it names a person of
the case (000 L2174-2176)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.access.gate import Gate, Seen, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.cases.group import Group
from ledger.crypto.envelope import open_text
from ledger.crypto.seal import MASKED
from ledger.domain import case_plandoc as pd
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.subject import IDENTIFICATION
from ledger.errors import BadInput
from ledger.projections import tables as t
from ledger.workbench.plandoc import anonymity
from ledger.workbench.plandoc.commands import RecordPlanEstimate, SupplyPlanSection
from ledger.workbench.plandoc.facts import PlanFacts

Row = dict[str, Any]
GROUP_POSITION = "groepspositie"
POLICE_INFORMATION = "politie-informatie"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class PlanDocuments:
    def __init__(self, app: Regie, gate: Gate, group: Group) -> None:
        self.app = app
        self.gate = gate
        self.group = group
        self.queries = group.queries
        self.log = group.log
        # Set by bootstrap: the printed checkpoint every document carries.
        self.checkpoint_line: Callable[[], str] = str

    # -- what the regisseur supplies -------------------------------------------------------

    @gated("plan.section")
    def supply_section(self, cmd: SupplyPlanSection, by: Acting) -> None:
        """A section's text, sealed under the case's key; the latest one is the document's."""
        plan = self.app.policies.plan
        section = plan.section_of(cmd.key)
        if section is None:
            keys = ", ".join(s.key for s in plan.section if s.supplied)
            raise BadInput(f"the plan has no section '{cmd.key}'; choose one of: {keys}")
        if not section.supplied:
            raise pd.FILLED_BY_LEDGER.refuse(
                f"section '{cmd.key}' is filled from the ledger ({', '.join(section.fills)}); "
                "record those facts instead"
            )
        if section.risk and cmd.risk is None:
            levels = ", ".join(plan.risk_keys)
            raise pd.RISK_LEVEL.refuse(
                f"section '{cmd.key}' names the risk level the partners assign: --risk {levels}"
            )
        if cmd.risk is not None:
            if not section.risk:
                raise pd.RISK_LEVEL.refuse(f"section '{cmd.key}' takes no risk level")
            self.app.check_key("risk level", cmd.risk, plan.risk_keys)
        case = self.app.case(cmd.case)
        case.supply_plan_section(
            cmd.key,
            self.app.sealed_record(case.id, "plan-section", cmd.text),
            cmd.risk,
            self.app.day(cmd.supplied_on),
            by,
            policy_hash=self.app.policies.policy_hash,
        )
        self.app.commit(case)

    @gated("plan.estimate")
    def record_estimate(self, cmd: RecordPlanEstimate, by: Acting) -> None:
        """The rough estimate of hours and costs the step-4 decision weighs (000 L2170-2176)."""
        if cmd.hours == 0 and cmd.cost_eur == 0:
            raise BadInput("an estimate names hours (--hours) or costs (--cost), or both")
        case = self.app.case(cmd.case)
        case.record_plan_estimate(
            cmd.hours,
            cmd.cost_eur,
            self.app.sealed_record(case.id, "plan-estimate", cmd.note),
            self.app.day(cmd.estimated_on),
            by,
        )
        self.app.commit(case)

    # -- the document ----------------------------------------------------------------------

    @gated("plan.document", case="ref")
    def document(
        self, ref: str, by: Acting, concept: bool = False, purpose: str = DEFAULT_PURPOSE
    ) -> Row:
        """The plan's content, section by section as plan.toml lists them: what the ledger
        fills, what the regisseur supplied (or None: the document shows a placeholder)."""
        case = self.app.case(ref.upper())
        self.queries.projections.catch_up()
        people = self._people(case)
        if concept:
            # The names are opened to look for them, not to show them: logged as a read.
            seen = [Seen(s, (IDENTIFICATION,)) for s in people]
            self.gate.personal_data(by, "plan.document", [case], seen)
            self.log.record(
                by, "plan.document", "read", seen, purpose, case=case.ref,
                reason="anonimiteitscontrole concept plan van aanpak (niets getoond)",
            )  # fmt: skip
        else:
            seen = self._shown(case)
            self.gate.personal_data(by, "plan.document", [case], seen)
            self.log.record(
                by, "plan.document", "export", seen, purpose, case=case.ref,
                reason="plan van aanpak (document)",
            )  # fmt: skip
        sections = self._sections(case, concept, by)
        if concept:
            self._refuse_names(case, sections, people)
        plan = self.app.policies.plan
        title = plan.concept_title if concept else plan.title
        return {
            "ref": case.ref,
            "group": case.working_name,
            "municipality": case.municipality,
            "area": case.area,
            "step": case.step,
            "status": case.status,
            "concept": concept,
            "title": title.replace("{group}", case.working_name),
            "made_on": self.app.clock().isoformat(),
            "made_by": by.actor,
            "purpose": purpose,
            "checkpoint": self.checkpoint_line(),
            "sections": sections,
        }

    def _supplied(self, case: Case) -> dict[str, Row]:
        out: dict[str, Row] = {}
        opener = self.group.persons.sealer.open
        for e in self.app.repository.event_store.get(case.id):
            if isinstance(e, Case.PlanSectionSupplied):
                out[e.key] = {
                    "text": open_text(opener, str(case.id), "plan-section", e.text),
                    "risk": e.risk,
                    "on": e.supplied_on,
                    "by": e.by["actor"],
                }
        return out

    def _sections(self, case: Case, concept: bool, by: Acting) -> list[Row]:
        plan = self.app.policies.plan
        facts = PlanFacts(self.group, case, concept, by)
        supplied = self._supplied(case)
        risk_labels = {r.key: r.label for r in plan.risk_level}
        out = []
        for section in plan.section:
            if (section.concept_only and not concept) or (concept and not section.concept):
                continue
            fills = {
                fill: facts.acties(section.tracks) if fill == "acties" else getattr(facts, fill)()
                for fill in section.fills
            }
            given = supplied.get(section.key) if section.supplied else None
            if given and given["risk"]:
                given["risk_label"] = risk_labels.get(given["risk"], given["risk"])
            out.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "level": section.level,
                    "source": section.source,
                    "asks": section.asks,
                    "fills": fills,
                    "supplied": given,
                }
            )
        return out

    def _members(self, case: Case) -> list[str]:
        return [
            r["subject_id"]
            for r in self.queries.rows(
                select(t.members.c.subject_id).where(t.members.c.case_id == str(case.id))
            )
        ]

    def _people(self, case: Case) -> list[str]:
        """The case's members, past and present, and their legal representatives."""
        members = self._members(case)
        representatives = [
            r["subject_id"]
            for r in self.queries.rows(
                select(t.subjects.c.subject_id).where(t.subjects.c.youth_id.in_(members))
            )
        ]
        return sorted({*members, *representatives})

    def _shown(self, case: Case) -> list[Seen]:
        """Whose data the full plan shows: members' positions, police reports on members."""
        reported = {
            r["subject_id"]
            for r in self.queries.rows(
                select(t.police_reports.c.subject_id).where(
                    t.police_reports.c.case_id == str(case.id)
                )
            )
        }
        return [
            Seen(s, (GROUP_POSITION, POLICE_INFORMATION) if s in reported else (GROUP_POSITION,))
            for s in sorted(self._members(case))
        ]

    def _identifying(self, people: list[str]) -> list[str]:
        values: list[str] = []
        persons = self.group.persons
        for subject_id in people:
            subject = persons.subject(subject_id)
            for name, sealed in subject.fields.items():
                value = persons.open_field(subject, name, sealed)
                if isinstance(value, str) and value != MASKED:
                    values.append(value)
                    with contextlib.suppress(ValueError):  # a date of birth, as written
                        values += anonymity.date_forms(date.fromisoformat(value))
        # A professional's display name of two words or more is a person's name; a
        # one-word one ("Beheerder") is a function and may stand in a plan.
        values += [
            a["display_name"] for a in self.queries.actors() if " " in a["display_name"].strip()
        ]
        return anonymity.identifying(values)

    def _refuse_names(self, case: Case, sections: list[Row], people: list[str]) -> None:
        forbidden = self._identifying(people)
        for section in sections:
            if any(anonymity.found(text, forbidden) for text in _strings(section)):
                raise pd.ANONYMOUS.refuse(
                    f"section '{section['key']}' of the concept names a person of case "
                    f"{case.ref}; reword it (`regie plan section {case.ref} {section['key']}`"
                    " or the plan's goals and actions) and make the concept again"
                )
