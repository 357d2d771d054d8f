"""Rights requests and rectification through the command line: the register, its
deadlines and decisions, the hold it places, refusals in one line with their rule."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.e2e.test_cli import events, ok, one_line_error
from tests.e2e.test_cli import run as run  # a fixture
from tests.e2e.test_cli import seeded as seeded  # a fixture


def _subject(cli) -> str:  # type: ignore[no-untyped-def]
    added = cli(
        "subject", "add", "--name", "Test Cli Verzoeker", "--dob", "2010-01-02",
        "--address", "Teststraat 1", "--json",
    )  # fmt: skip
    return str(json.loads(ok(added).output)["subject"])


def _officer(cli) -> None:  # type: ignore[no-untyped-def]
    ok(
        cli(
            "actor", "add", "fg-test", "--name", "Test FG", "--org", "gemeente",
            "--role", "privacy-officer", actor="beheer-test",
        )
    )  # fmt: skip


def test_a_request_through_the_cli(seeded) -> None:  # type: ignore[no-untyped-def]
    cli = seeded
    _officer(cli)
    subject = _subject(cli)
    received = date.today() - timedelta(days=40)
    opened = json.loads(
        ok(
            cli(
                "request", "open", subject, "--kind", "rectificatie", "--received-on",
                received.isoformat(), "--note", "Test notitie", "--json",
            )
        ).output
    )  # fmt: skip
    ref = opened["request"]
    assert opened["deadline"] > received.isoformat()
    listed = json.loads(ok(cli("request", "list", "--overdue", "--json", actor="fg-test")).output)
    assert [r["request"] for r in listed] == [ref]
    held = json.loads(ok(cli("retention", "holds", "--json")).output)
    assert [h["label"] for h in held] == [subject]
    line = one_line_error(
        cli("retention", "hold", "lift", held[0]["hold_id"][:8], "--reason", "x"), 1
    )
    assert "[rule hold.request]" in line
    found = json.loads(ok(cli("audit", "findings", "--json", actor="fg-test")).output)
    assert any(f["kind"] == "verzoek-te-laat" and ref in f["detail"] for f in found)
    line = one_line_error(cli("request", "extend", ref, "--reason", "Test"), 1)
    assert "[rule request.extend-in-time]" in line
    done = cli(
        "subject", "rectify", subject, "--field", "address", "--value", "Teststraat 2",
        "--request", ref,
    )  # fmt: skip
    assert "the old value is destroyed" in ok(done).output
    shown = json.loads(ok(cli("subject", "show", subject, "--json")).output)
    assert shown["fields"]["address"] == "Teststraat 2"
    assert shown["fields"]["name"] == "Test Cli Verzoeker"
    decided = ok(cli("request", "decide", ref, "--outcome", "toegewezen", "--reason", "Test"))
    assert "after its deadline" in decided.output
    assert json.loads(ok(cli("retention", "holds", "--json")).output) == []
    text = ok(cli("request", "show", ref, actor="fg-test")).output
    assert "Test notitie" in text and "toegewezen" in text
    report = ok(cli("audit", "subject-report", subject, actor="fg-test")).output
    assert "rectificatie (AVG art. 16)" in report


def test_refusals_and_bad_input_write_nothing(seeded) -> None:  # type: ignore[no-untyped-def]
    cli = seeded
    subject = _subject(cli)
    before = events(cli)
    later = (date.today() + timedelta(days=2)).isoformat()  # a midnight may pass meanwhile
    line = one_line_error(
        cli("request", "open", subject, "--kind", "inzage", "--received-on", later), 1
    )
    assert "[rule date.not-future]" in line
    line = one_line_error(
        cli("request", "open", subject, "--kind", "klacht", "--received-on", "2026-01-05"), 2
    )
    assert "unknown request kind" in line
    line = one_line_error(
        cli("subject", "rectify", subject, "--field", "bsn", "--value", "123456789"), 2
    )
    assert "elfproef" in line and "123456789" not in line
    assert events(cli) == before
    line = one_line_error(cli("request", "list", actor="uc-test"), 1)
    assert "may not run `request list`" in line
