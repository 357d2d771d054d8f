"""Audit-first: every command that shows personal data logs the access before any output,
and shows nothing when that log entry cannot be written."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import regie
from ledger import commands as c
from ledger.access.gate import AccessLog
from ledger.bootstrap import open_ledger
from tests import builders as b
from tests.conftest import FixedClock

NAME = "Pluvio Testerdonk"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A SQLite ledger with a case at step 3, one member, a namenlijst and a groepsscan."""
    url = f"sqlite:///{tmp_path}/access.sqlite"
    monkeypatch.setenv("REGIE_DATABASE_URL", url)
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
    try:
        ledger.initialise()
        by = b.seed_actors(ledger)
        ledger.actors.register_actor(
            c.build(
                c.RegisterActor,
                handle="partner-test",
                display_name="Test Partner",
                organisation="jongerenwerk",
                roles=["partner-contact"],
            ),
            ledger.app.acting(b.ADMIN),
        )
        ledger.actors.register_actor(
            c.build(
                c.RegisterActor,
                handle="fg-test",
                display_name="Test FG",
                organisation="gemeente",
                roles=["privacy-officer"],
            ),
            ledger.app.acting(b.ADMIN),
        )
        ref = b.open_case(ledger, by)
        b.walk_to_step(ledger, by, ref, 3)
        subject = ledger.persons.register(
            c.build(c.RegisterSubject, kind="jongere", name=NAME, date_of_birth="2011-02-03"), by
        ).short
        ledger.group.add_member(
            c.build(c.Membership, case=ref, subject=subject, core="kern", influence="negatief"),
            by,
        )
        ledger.group.agree_namenlijst(
            c.build(c.AgreeNamenlijst, case=ref, subjects=[subject], partners=["politie"]), by
        )
        ledger.group.request_groepsscan(
            c.build(c.RequestGroepsscan, case=ref, requested_by="burgemeester", motivation="m"),
            by,
        )
        ledger.group.receive_groepsscan(
            c.build(
                c.ReceiveGroepsscan,
                case=ref,
                recipients=["burgemeester"],
                unknown_names=0,
                informatiepositie="sterk",
                summary=f"{NAME} is kopstuk",
            ),
            by,
        )
    finally:
        ledger.close()
    return {"url": url, "ref": ref, "subject": subject}


def cli(*args: str, actor: str = b.REGISSEUR) -> Result:
    return CliRunner().invoke(regie, list(args), env={"REGIE_ACTOR": actor})


def access_log(url: str) -> list[dict[str, Any]]:
    ledger = open_ledger(url)
    try:
        ledger.projections.catch_up()
        from sqlalchemy import select

        from ledger.projections import tables as t

        with ledger.store.read() as conn:
            return [
                dict(r)
                for r in conn.execute(select(t.access_log).order_by(t.access_log.c.at)).mappings()
            ]
    finally:
        ledger.close()


PERSONAL_DATA_COMMANDS: list[Callable[[dict[str, Any]], tuple[str, ...]]] = [
    lambda w: ("subject", "show", w["subject"]),
    lambda w: ("member", "list", w["ref"], "--names"),
    lambda w: ("case", "show", w["ref"], "--members"),
    lambda w: ("groepsscan", "show", w["ref"]),
    lambda w: ("--as", "privacy-officer", "audit", "subject-report", w["subject"]),
]
IDS = [
    "subject show",
    "member list --names",
    "case show --members",
    "groepsscan show",
    "audit subject-report",
]


def _actor_for(args: tuple[str, ...]) -> str:
    return "fg-test" if "privacy-officer" in args else b.REGISSEUR


@pytest.mark.parametrize("command", PERSONAL_DATA_COMMANDS, ids=IDS)
def test_the_access_is_logged_before_anything_is_shown(
    world: dict[str, Any],
    command: Callable[[dict[str, Any]], tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = command(world)
    original = AccessLog.record
    moments: list[bytes] = []

    def spy(self: AccessLog, *a: Any, **k: Any) -> None:
        original(self, *a, **k)
        moments.append(sys.stdout.buffer.getvalue())  # what was printed so far

    monkeypatch.setattr(AccessLog, "record", spy)
    before = len(access_log(world["url"]))
    result = cli(*args, actor=_actor_for(args))
    assert result.exit_code == 0, result.output
    assert NAME in result.output or "kopstuk" in result.output
    assert moments, "no access event was written"
    assert moments[0] == b"", "output appeared before the access event was written"
    entries = access_log(world["url"])[before:]
    granted = [e for e in entries if e["outcome"] == "granted"]
    assert granted and all(e["actor"] == _actor_for(args) for e in granted)
    assert all(e["purpose"] and e["role"] and e["org"] for e in granted)


@pytest.mark.parametrize("command", PERSONAL_DATA_COMMANDS, ids=IDS)
def test_a_failing_access_log_shows_nothing(
    world: dict[str, Any],
    command: Callable[[dict[str, Any]], tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ledger.store.recorder import SqlRecorder

    original = SqlRecorder.insert_events

    def failing(self: SqlRecorder, stored: Any, **kwargs: Any) -> Any:
        if any("Access.Recorded" in e.topic for e in stored):
            from sqlalchemy.exc import OperationalError

            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return original(self, stored, **kwargs)

    monkeypatch.setattr(SqlRecorder, "insert_events", failing)
    args = command(world)
    result = cli(*args, actor=_actor_for(args))
    assert result.exit_code != 0
    assert NAME not in result.output and "Testerdonk" not in result.output
    assert "kopstuk" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_a_non_participant_sees_nothing_and_the_denial_is_logged(world: dict[str, Any]) -> None:
    result = cli("member", "list", world["ref"], "--names", actor="partner-test")
    assert result.exit_code == 1
    assert NAME not in result.output
    denied = [e for e in access_log(world["url"]) if e["outcome"] == "denied"]
    assert denied and denied[-1]["actor"] == "partner-test"


def test_a_role_without_the_command_is_denied_and_logged(world: dict[str, Any]) -> None:
    result = cli(
        "signal",
        "add",
        world["ref"],
        "--kind",
        "overlast",
        "--location",
        "x",
        "--source-org",
        "politie",
        "--source-role",
        "r",
        "--text",
        "t",
        actor="fg-test",
    )
    assert result.exit_code == 1
    assert "may not run" in result.output
    entry = access_log(world["url"])[-1]
    assert (entry["command"], entry["outcome"], entry["actor"]) == (
        "signal.add",
        "denied",
        "fg-test",
    )


def test_audit_queries_are_themselves_logged(world: dict[str, Any]) -> None:
    result = cli("audit", "who-saw", world["subject"], "--json", actor="fg-test")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[-1]["command"] == "audit.who-saw"  # the query sees itself
    entry = access_log(world["url"])[-1]
    assert (entry["command"], entry["action"], entry["actor"]) == (
        "audit.who-saw",
        "search",
        "fg-test",
    )


def test_who_saw_lists_accesses_and_shares_in_time_order(world: dict[str, Any]) -> None:
    assert cli("subject", "show", world["subject"]).exit_code == 0
    result = cli("audit", "who-saw", world["subject"], "--csv", actor="fg-test")
    assert result.exit_code == 0, result.output
    header, *lines = result.output.strip().splitlines()
    assert header.startswith("at,kind,action")
    assert any("subject.show" in line and b.REGISSEUR in line for line in lines)
    stamps = [line.split(",")[0] for line in lines]
    assert stamps == sorted(stamps)


def test_the_subject_report_is_dutch_text_and_pdf(world: dict[str, Any], tmp_path: Path) -> None:
    text = cli(
        "--as", "privacy-officer", "audit", "subject-report", world["subject"], actor="fg-test"
    )
    assert text.exit_code == 0, text.output
    assert "Welke soorten gegevens" in text.output and "Autoriteit Persoonsgegevens" in text.output
    out = tmp_path / "inzage.pdf"
    pdf = cli(
        "audit",
        "subject-report",
        world["subject"],
        "--format",
        "pdf",
        "--out",
        str(out),
        actor="fg-test",
    )
    assert pdf.exit_code == 0, pdf.output
    assert out.read_bytes().startswith(b"%PDF")


def test_reading_requires_a_known_actor(world: dict[str, Any]) -> None:
    result = CliRunner().invoke(regie, ["subject", "show", world["subject"]], env={})
    assert result.exit_code == 1
    assert NAME not in result.output


def _register_outsider(url: str) -> None:
    ledger = open_ledger(url)
    try:
        ledger.actors.register_actor(
            c.build(
                c.RegisterActor,
                handle="uc-elders",
                display_name="Test UC Elders",
                organisation="gemeente",
                roles=["uitvoeringscoordinator"],
            ),
            ledger.app.acting(b.ADMIN),
        )
    finally:
        ledger.close()


def test_an_outsider_cannot_note_or_erase_a_members_data(world: dict[str, Any]) -> None:
    _register_outsider(world["url"])
    note = cli(
        "subject",
        "note",
        world["subject"],
        "--category",
        "school",
        "--text",
        "x",
        actor="uc-elders",
    )
    assert note.exit_code == 1
    erase = cli(
        "subject", "erase", world["subject"], "--reason", "r", "--basis", "b", actor="uc-elders"
    )
    assert erase.exit_code == 1
    assert NAME in cli("subject", "show", world["subject"]).output  # still there


def test_a_representative_is_as_protected_as_their_youth(world: dict[str, Any]) -> None:
    _register_outsider(world["url"])
    added = cli(
        "subject",
        "add",
        "--kind",
        "wettelijk-vertegenwoordiger",
        "--name",
        "Test Ouder Testerdonk",
        "--representative-of",
        world["subject"],
        "--json",
    )
    assert added.exit_code == 0, added.output
    parent = json.loads(added.output)["subject"]
    shown = cli("subject", "show", parent, actor="uc-elders")
    assert shown.exit_code == 1
    assert "Testerdonk" not in shown.output
    assert "Testerdonk" in cli("subject", "show", parent).output  # a participant may


def test_erasure_waits_for_a_legal_hold(world: dict[str, Any]) -> None:
    held = cli(
        "--as",
        "privacy-officer",
        "retention",
        "hold",
        "place",
        world["subject"],
        "--reason",
        "bezwaarprocedure",
        actor="fg-test",
    )
    assert held.exit_code == 0, held.output
    erase = cli(
        "subject", "erase", world["subject"], "--reason", "verzoek", "--basis", "AVG art. 17"
    )
    assert erase.exit_code == 1
    assert "subject.held" in erase.output
    assert NAME in cli("subject", "show", world["subject"]).output


def test_case_scoped_roles_list_one_case_at_a_time(world: dict[str, Any]) -> None:
    everything = cli("signal", "list", actor="partner-test")
    assert everything.exit_code == 1
    assert "name the case" in everything.output


def test_a_name_typed_where_a_pseudonym_belongs_is_not_echoed(world: dict[str, Any]) -> None:
    result = cli("subject", "show", "Pluvio Testerdonk")
    assert result.exit_code == 2
    assert "Testerdonk" not in result.output
