"""Meetings, monitoring and evaluation through the command line, on the demo: its two
meetings with agenda and minutes, its indicators and tussenevaluatie, the documents written
and opened, and refusals in one line with their rule."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.documents import text_of
from tests.e2e.test_cli import ok, one_line_error
from tests.e2e.test_cli import run as run  # a fixture


@pytest.fixture
def demo(run):  # type: ignore[no-untyped-def]
    """The CLI on a fresh demo ledger, acting as its regisseur; and the demo case."""
    written = json.loads(ok(run("demo", "--json", actor=None)).output)

    def cli(*args: str, actor: str = "regisseur-demo"):  # type: ignore[no-untyped-def]
        return run(*args, actor=actor)

    return cli, written["case"]


def test_the_demo_has_two_meetings_with_agenda_minutes_and_action_points(demo) -> None:  # type: ignore[no-untyped-def]
    cli, ref = demo
    listed = json.loads(ok(cli("meeting", "list", ref, "--json")).output)
    assert [(m["meeting"], m["kind"]) for m in listed] == [
        ("M1", "driehoek"),
        ("M2", "jeugdgroepenoverleg"),
    ]
    assert all(m["agenda_items"] and m["minutes"] and m["attendees"] for m in listed)
    first = json.loads(ok(cli("meeting", "show", ref, "M1", "--json")).output)
    assert [d["outcome"] for d in first["decision_rows"]] == ["geprioriteerd"]
    second = json.loads(ok(cli("meeting", "show", ref, "2", "--json")).output)
    progress = {p["action"]: p["progress"] for p in second["action_point_rows"]}
    assert progress == {"A2": "afgerond", "A4": "overgedragen", None: "afgerond"}
    text = ok(cli("meeting", "show", ref, "M2")).output
    assert "Notulen (versie 1" in text and "Actiepunten" in text


def test_the_demo_documents_are_written_and_open(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, ref = demo
    minutes = tmp_path / "notulen.docx"
    ok(cli("meeting", "document", ref, "M2", "--what", "notulen", "--output", str(minutes)))
    said = text_of(minutes.read_bytes(), "docx")
    assert "Notulen Jeugdgroepenoverleg" in said and "het toezicht in het weekend" in said.lower()
    report = tmp_path / "evaluatie.pdf"
    written = json.loads(
        ok(
            cli(
                "evaluation", "document", ref, "--what", "eindverslag", "--format", "pdf",
                "--output", str(report), "--json",
            )
        ).output
    )  # fmt: skip
    assert written["file"] == str(report)
    said = text_of(report.read_bytes(), "pdf")
    assert "Evaluatieverslag groepsaanpak" in said and "Overige knelpunten" in said
    interim = tmp_path / "tussen.docx"
    ok(cli("evaluation", "document", ref, "--what", "tussenevaluatie", "--output", str(interim)))
    import docx

    assert docx.Document(io.BytesIO(interim.read_bytes())).inline_shapes  # the chart
    shown = json.loads(ok(cli("monitor", "show", ref, "--json")).output)
    assert {i["key"] for i in shown["indicators"]} >= {"incidenten-per-maand", "leden-in-zorg"}
    assert all(i["measurements"] for i in shown["indicators"])


def test_refusals_are_one_line_and_write_nothing(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, ref = demo
    line = one_line_error(cli("meeting", "plan", ref, "--kind", "ketenoverleg", "--on",
                              "2026-01-05"), 1)  # fmt: skip
    assert "[rule case.closed]" in line
    line = one_line_error(cli("meeting", "show", ref, "M9"), 1)
    assert "[rule meeting.known]" in line
    line = one_line_error(cli("meeting", "show", ref, "X1"), 2)
    assert "meeting such as M1" in line
    target = tmp_path / "nothing.md"
    line = one_line_error(
        cli("meeting", "document", ref, "M1", "--what", "agenda", "--output", str(target),
            actor="privacy-demo"), 1
    )  # fmt: skip
    assert "may not run" in line and not target.exists()
