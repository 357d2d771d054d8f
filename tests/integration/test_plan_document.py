"""The plan van aanpak as a document (issue 13, item 1): the sections of seed 004 in
order, filled from the ledger, the regisseur's texts sealed and marked, placeholders where
nothing was supplied, the access logged, and an anonymised concept for step 4."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.workbench.document import render
from ledger.workbench.plandoc.build import document as build
from ledger.workbench.plandoc.commands import RecordPlanEstimate, SupplyPlanSection
from policies.loader import load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.documents import docx_headings, pdf_pages, text_of
from tests.integration.test_sharing import events_since, mark

SEEDS = Path("/work/shared/seeds")

SEED_004_SECTIONS = [
    "Probleemanalyse",
    "Aanleiding",
    "De jeugdgroep",
    "Bekend strafrecht / OM",
    "Duiding van de groep",
    "Wat is nodig?",
    "Doelstellingen aanpak",
    "Plan van aanpak",
    "1. Informatiepositie versterken",
    "2. Inzet op het individu",
    "3. Inzet op de groep",
    "4. Inzet op locatie",
    "Rollen partners",
    "Overlegstructuur",
    "Monitoring van het plan van aanpak",
    "Tussenevaluatie",
]
"""The headings of the template (004 L4-L207), in its order."""

YOUTH = "Testjongere Kwispeldoorn"
ADDRESS = "Kwispelsteeg 7, Teststad"


def supply(ref: str, key: str, text: str, risk: str | None = None) -> SupplyPlanSection:
    return c.build(SupplyPlanSection, case=ref, key=key, text=text, risk=risk)


def with_member(ledger: Ledger, by: Acting, step: int = 3) -> tuple[str, str]:
    """A case at ``step`` with one youth as member; returns (case, pseudonym)."""
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, min(step, 3))
    youth = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name=YOUTH,
            date_of_birth=date(2011, 3, 4),
            address=ADDRESS,
        ),
        by,
    )
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=youth.short, core="kern", influence="negatief"),
        by,
    )
    if step >= 5:
        ledger.cases.advance(b.advance(ref), by)
        ledger.cases.record_decision(b.decision(ref), by)
        ledger.cases.advance(b.advance(ref), by)
        ledger.cases.set_plan(b.plan(ref, actions=2), by)
    return ref, youth.short


def test_the_default_sections_are_the_template_of_seed_004() -> None:
    plan = load_policies().plan
    titles = [s.title for s in plan.section if not s.concept_only]
    assert titles == SEED_004_SECTIONS
    found = sorted(SEEDS.glob("004_*")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seed documents are not on this machine")
    lines = found[0].read_text("utf-8").splitlines()
    for section in plan.section:
        cited = re.match(r"(\d{3}) L(\d+)", section.source)
        assert cited is not None, section.key
        if cited[1] != "004":
            continue
        line = lines[int(cited[2]) - 1].replace("[bookmark: Begin]", "")
        assert section.title.lower() in line.lower(), (section.key, line)


def test_the_document_has_every_section_in_order(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, _ = with_member(ledger, by, step=5)
    content = ledger.plan_documents.document(ref, by)
    data = render(build(content), "docx")
    headings = [text for style, text in docx_headings(data) if style != "Title"]
    assert headings == SEED_004_SECTIONS
    assert ("Heading 2", "Aanleiding") in docx_headings(data)
    concept = ledger.plan_documents.document(ref, by, concept=True)
    assert [s["title"] for s in concept["sections"]][-1] == "Globale schatting van kosten en inzet"


def test_the_ledger_fills_what_it_knows_and_marks_what_the_regisseur_supplies(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref, pseudonym = with_member(ledger, by, step=5)
    ledger.plan_documents.supply_section(
        supply(ref, "aanleiding", "Sinds de zomer overlast.\n\nDrie incidenten."), by
    )
    ledger.plan_documents.supply_section(
        supply(ref, "duiding", "Zorgelijke groep.", risk="hoog-risico"), by
    )
    md = text_of(render(build(ledger.plan_documents.document(ref, by)), "md"), "md")
    assert "Groep van ca. 8 jongeren" in md  # the signal, from the ledger
    assert pseudonym in md and "kern" in md
    assert "Jongerenwerker Test" in md and "2027-01-15" in md  # owner and due date
    assert "Overlast halveren" in md  # the goal
    assert "Driehoek" in md  # the decision with its meeting
    assert "Aangeleverd door de regisseur" in md and "Drie incidenten." in md
    assert "Risiconiveau volgens de partners: hoog risico." in md
    assert "[nog in te vullen door de regisseur: waarom een integrale aanpak" in md
    assert "[nog in te vullen door de regisseur: wanneer de problemen" not in md
    assert "Controlepunt grootboek: " in md
    assert YOUTH not in md and ADDRESS not in md  # pseudonyms, never names


def test_a_later_text_replaces_the_earlier_one(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, _ = with_member(ledger, by)
    ledger.plan_documents.supply_section(supply(ref, "wat-is-nodig", "Eerste versie"), by)
    ledger.plan_documents.supply_section(supply(ref, "wat-is-nodig", "Tweede versie"), by)
    sections = {s["key"]: s for s in ledger.plan_documents.document(ref, by)["sections"]}
    assert sections["wat-is-nodig"]["supplied"]["text"] == "Tweede versie"


def test_what_the_ledger_fills_or_the_rules_refuse_writes_nothing(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    early = b.open_case(ledger, by, "Groep Vroeg")
    ref, _ = with_member(ledger, by)
    before = mark(ledger)
    refusals = [
        (supply(ref, "doelstellingen", "tekst"), "plandoc.filled-by-ledger"),
        (supply(ref, "duiding", "tekst"), "plandoc.risk"),
        (supply(ref, "aanleiding", "tekst", risk="hoog-risico"), "plandoc.risk"),
        (supply(early, "aanleiding", "tekst"), "plandoc.step"),
    ]
    for cmd, rule in refusals:
        with pytest.raises(Refused) as refused:
            ledger.plan_documents.supply_section(cmd, by)
        assert refused.value.rule == rule
    with pytest.raises(BadInput, match="no section 'bestaat-niet'; choose one of: aanleiding"):
        ledger.plan_documents.supply_section(supply(ref, "bestaat-niet", "tekst"), by)
    with pytest.raises(BadInput, match="unknown risk level"):
        ledger.plan_documents.supply_section(supply(ref, "duiding", "t", risk="laag"), by)
    with pytest.raises(BadInput, match="hours"):
        ledger.plan_documents.record_estimate(
            c.build(RecordPlanEstimate, case=ref, hours=0, cost_eur=0), by
        )
    assert mark(ledger) == before


def exports(ledger: Ledger, ref: str) -> list[dict[str, object]]:
    ledger.projections.catch_up()
    with ledger.store.read() as conn:
        return [
            dict(r)
            for r in conn.execute(
                select(t.access_log).where(
                    t.access_log.c.command == "plan.document", t.access_log.c.case_ref == ref
                )
            ).mappings()
        ]


def test_the_full_plan_is_logged_as_an_export_with_its_purpose(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, pseudonym = with_member(ledger, by)
    subject_id = ledger.persons.resolve(pseudonym)
    content = ledger.plan_documents.document(ref, by, purpose="jeugdgroepenoverleg")
    logged = exports(ledger, ref)
    assert [(e["action"], e["subject_id"], e["purpose"]) for e in logged] == [
        ("export", subject_id, "jeugdgroepenoverleg")
    ]
    assert "groepspositie" in str(logged[0]["categories"])
    # The document is made from the ledger after its own access was recorded.
    assert content["checkpoint"] == ledger.integrity.document_line()
    ledger.plan_documents.document(ref, by, concept=True)
    concept = [e for e in exports(ledger, ref) if e["action"] == "read"]
    assert len(concept) == 1 and "anonimiteitscontrole" in str(concept[0]["reason"])


def test_someone_outside_the_case_sees_no_plan_and_the_denial_is_logged(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref, _ = with_member(ledger, by)
    outsider = b.provider(ledger, by, ref, "jongerenwerk")
    with pytest.raises(Exception, match="may not run `plan document`"):
        ledger.plan_documents.document(ref, outsider)
    assert [e["outcome"] for e in exports(ledger, ref)] == ["denied"]


def test_the_concept_is_refused_while_a_text_names_a_person(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, _ = with_member(ledger, by)
    named = f"Gesprek met {YOUTH.upper()} gevoerd."
    ledger.plan_documents.supply_section(supply(ref, "wat-is-nodig", named), by)
    with pytest.raises(Refused) as refused:
        ledger.plan_documents.document(ref, by, concept=True)
    assert refused.value.rule == "plandoc.concept-anonymous"
    assert "wat-is-nodig" in str(refused.value) and "Kwispeldoorn" not in str(refused.value)
    for text in ("Woont op kwispelsteeg 7, Teststad.", "Geboren 4-3-2011.", "Test Coordinator"):
        ledger.plan_documents.supply_section(supply(ref, "wat-is-nodig", text), by)
        with pytest.raises(Refused):
            ledger.plan_documents.document(ref, by, concept=True)
    ledger.plan_documents.supply_section(
        supply(ref, "wat-is-nodig", "Een jongere uit de kern."), by
    )
    assert ledger.plan_documents.document(ref, by, concept=True)["concept"] is True


def test_the_concept_carries_the_estimate_and_counts_only(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, pseudonym = with_member(ledger, by)
    concept = build(ledger.plan_documents.document(ref, by, concept=True))
    assert "[nog in te vullen door de regisseur: de globale schatting" in text_of(
        render(concept, "md"), "md"
    )
    ledger.plan_documents.record_estimate(
        c.build(RecordPlanEstimate, case=ref, hours=320, cost_eur=14500, note="zes maanden"), by
    )
    for fmt in ("md", "docx", "pdf"):
        text = text_of(render(build(ledger.plan_documents.document(ref, by, True)), fmt), fmt)
        assert "320" in text and "14.500" in text and "zes maanden" in text
        assert pseudonym not in text and "Groep van ca. 8 jongeren" not in text
        assert "1 huidige groepsleden" in text
    full = text_of(render(build(ledger.plan_documents.document(ref, by)), "md"), "md")
    assert "Globale schatting" not in full


def test_the_pdf_renders_to_pages_and_the_word_file_opens(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref, _ = with_member(ledger, by, step=5)
    made = build(ledger.plan_documents.document(ref, by))
    pages = pdf_pages(render(made, "pdf"), scale=0.5)
    assert len(pages) >= 2 and all(p.size[0] > 200 for p in pages)
    text = text_of(render(made, "pdf"), "pdf")
    assert "Inzet op het individu" in text and "nog in te vullen door de regisseur" in text
    assert docx_headings(render(made, "docx"))[0] == ("Title", made.title)


def test_a_purged_case_leaves_its_plan_texts_unreadable(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    ledger.plan_documents.supply_section(supply(ref, "aanleiding", "Overlast Kwispelsteeg"), by)
    ledger.plan_documents.record_estimate(
        c.build(RecordPlanEstimate, case=ref, hours=10, cost_eur=0, note="Kwispelnotitie"), by
    )
    ledger.cases.end_early(
        c.build(
            c.EndEarly, case=ref, outcome="regulier-afgehandeld", body="regulier-overleg",
            reason="Afgehandeld",
        ),
        by,
    )  # fmt: skip
    assert events_since(ledger, 0)["Case.PlanSectionSupplied"] == 1
    clock.advance(365 * 6)
    b.purge_due(ledger)
    content = ledger.plan_documents.document(ref, by, concept=True)
    sections = {s["key"]: s for s in content["sections"]}
    assert sections["aanleiding"]["supplied"]["text"] == "[gewist]"
    assert sections["kosten-en-inzet"]["fills"]["schatting"]["note"] == "[gewist]"
    with ledger.store.read() as conn:
        stored = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert b"Kwispel" not in stored
