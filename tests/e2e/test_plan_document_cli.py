"""The plan document through the command line: the demo's plan in Word and PDF and its
concept with no name in it; a section supplied from a file; refusals in one line with
their rule, and nothing logged for a document that could not be written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import regie
from ledger.demo.scenario import ACTORS
from tests.documents import docx_headings, pdf_pages, text_of
from tests.e2e.test_cli import events, ok, one_line_error
from tests.e2e.test_cli import run as run  # a fixture
from tests.e2e.test_cli import seeded as seeded  # a fixture

DEMO_PEOPLE = [
    "Demo Jongere Een",
    "Demo Jongere Twee",
    "Demo Jongere Drie",
    "Demo Jongere Vier",
    "Demo Ouder Drie",
    "Demostraat",
]


def test_the_demo_writes_its_plan_and_a_concept_that_names_nobody(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "demo.sqlite"
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    folder = tmp_path / "plan"
    made = runner.invoke(
        regie, ["demo", "--db", str(target), "--documents", str(folder), "--json"], env=env
    )
    assert made.exit_code == 0, made.output
    shown = json.loads(made.output)
    ref = shown["case"]
    assert sorted(Path(p).name for p in shown["documents"]) == sorted(
        [f"plan-{ref}.docx", f"plan-{ref}.pdf", f"plan-{ref}-concept.pdf"]
        + [f"{ref}-M{n}-{what}" for n in (1, 2) for what in ("agenda.docx", "notulen.pdf")]
        + [f"{ref}-tussenevaluatie.docx", f"{ref}-eindverslag.pdf"]
        + ["overzicht.html", "overzicht.pdf", "herinneringen.ics"]
    )
    env["REGIE_ACTOR"] = "regisseur-demo"
    members = runner.invoke(regie, ["--db", str(target), "member", "list", ref, "--json"], env=env)
    pseudonyms = [m["subject"] for m in json.loads(members.output)]
    word = (folder / f"plan-{ref}.docx").read_bytes()
    assert ("Heading 1", "Rollen partners") in docx_headings(word)
    full = text_of((folder / f"plan-{ref}.pdf").read_bytes(), "pdf")
    assert all(p in full for p in pseudonyms) and "Aangeleverd door de regisseur" in full
    concept_pdf = (folder / f"plan-{ref}-concept.pdf").read_bytes()
    assert len(pdf_pages(concept_pdf, scale=0.3)) >= 2
    concept = text_of(concept_pdf, "pdf")
    assert "Globale schatting van kosten en inzet" in concept and "12.000" in concept
    names = DEMO_PEOPLE + [name for _, name, _, _ in ACTORS]
    assert [n for n in names + pseudonyms if n.lower() in concept.lower()] == []


def test_a_section_from_a_file_and_the_refusals(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = seeded
    ref = json.loads(
        ok(
            cli("case", "open", "--name", "Groep Cliplein", "--municipality", "Teststad",
                "--area", "Zuid", "--json")
        ).output
    )["case"]  # fmt: skip
    text = tmp_path / "aanleiding.txt"
    text.write_text("Overlast sinds de zomer.\n\nTwee incidenten.", encoding="utf-8")
    line = one_line_error(cli("plan", "section", ref, "aanleiding", "--file", str(text)), 1)
    assert "[rule plandoc.step]" in line  # step 1: no concept plan yet
    line = one_line_error(cli("plan", "section", ref, "doelstellingen", "--file", str(text)), 1)
    assert "[rule plandoc.filled-by-ledger]" in line
    line = one_line_error(cli("plan", "section", ref, "onbekend", "--file", str(text)), 2)
    assert "choose one of: aanleiding" in line
    line = one_line_error(cli("plan", "estimate", ref), 2)
    assert "--hours" in line
    before = events(cli)
    line = one_line_error(
        cli("plan", "document", ref, "--out", str(tmp_path / "nergens" / "plan.docx")), 2
    )
    assert "cannot write" in line and events(cli) == before  # no access logged
    out = tmp_path / "plan.md"
    shown = json.loads(
        ok(cli("plan", "document", ref, "--format", "md", "--out", str(out), "--json")).output
    )
    assert shown["file"] == str(out) and "aanleiding" in shown["missing"]
    assert shown["checkpoint"].startswith("Controlepunt grootboek: ")
    written = out.read_text(encoding="utf-8")
    assert "# Integraal plan van aanpak Groep Cliplein" in written
    assert "[nog in te vullen door de regisseur: wanneer de problemen" in written


def test_the_demo_writes_every_workbench_document(tmp_path: Path) -> None:
    """Issue 13's demo: meetings with agenda and notulen, the tussenevaluatie and the
    evaluation report with its chart, the overview with charts and the reminders."""
    from icalendar import Calendar

    runner = CliRunner()
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    folder = tmp_path / "docs"
    made = runner.invoke(
        regie,
        ["demo", "--db", str(tmp_path / "demo.sqlite"), "--documents", str(folder), "--json"],
        env=env,
    )
    assert made.exit_code == 0, made.output
    ref = json.loads(made.output)["case"]
    for n in (1, 2):
        agenda = docx_headings((folder / f"{ref}-M{n}-agenda.docx").read_bytes())
        assert agenda[0][0] == "Title" and agenda[0][1].startswith("Agenda ")
        assert ("Heading 1", "Agendapunten") in agenda
        minutes = text_of((folder / f"{ref}-M{n}-notulen.pdf").read_bytes(), "pdf")
        assert minutes.startswith("Notulen ") and ref in minutes
    report = text_of((folder / f"{ref}-eindverslag.pdf").read_bytes(), "pdf")
    assert report.startswith("Evaluatieverslag groepsaanpak") and "Doelen en indicatoren" in report
    interim = docx_headings((folder / f"{ref}-tussenevaluatie.docx").read_bytes())
    assert ("Heading 1", "Vragen van de tussenevaluatie") in interim
    page = (folder / "overzicht.html").read_text(encoding="utf-8")
    assert page.count("<img") + page.count("<svg") >= 2
    assert pdf_pages((folder / "overzicht.pdf").read_bytes(), scale=0.3)
    calendar = Calendar.from_ical((folder / "herinneringen.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) >= 1
    names = DEMO_PEOPLE + [name for _, name, _, _ in ACTORS]
    assert [n for n in names if n.lower() in page.lower()] == []  # counts only
