"""Input that once slipped through: each is refused in one line, and nothing is written.

Everyone here is synthetic; the command lines run in-process with click's CliRunner on a
SQLite ledger (the services behave the same on PostgreSQL, see tests/integration/test_sharing.py).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shlex
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.retention import LegalHold
from ledger.errors import BadInput
from tests import builders as b
from tests.conftest import FixedClock

Run = Callable[..., Result]
OFFICER = "privacy-test"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.sqlite"


@pytest.fixture
def cli(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """The CLI with an administrator and a regisseur; ``cli("case list", actor=...)``."""
    monkeypatch.setenv("REGIE_DATABASE_URL", database)
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("REGIE_ACTOR", raising=False)
    monkeypatch.delenv("REGIE_ROLE", raising=False)
    runner = CliRunner()

    def invoke(command: str | list[str], actor: str | None = b.REGISSEUR) -> Result:
        env = {"REGIE_ACTOR": actor} if actor else {}
        args = shlex.split(command) if isinstance(command, str) else command
        return runner.invoke(regie, args, env=env, catch_exceptions=False)

    ok(invoke("init"))
    for handle, role, by in (
        (b.ADMIN, "administrator", None),
        (b.REGISSEUR, "regisseur", b.ADMIN),
        (OFFICER, "privacy-officer", b.ADMIN),
    ):
        ok(invoke(f"actor add {handle} --name 'Test {role}' --org gemeente --role {role}", by))
    yield invoke


def events(database: str) -> int:
    with open_ledger(database) as ledger:
        return ledger.app.recorder.max_notification_id() or 0


def open_case(run: Run) -> str:
    opened = ok(
        run("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
    )
    ref: str = json.loads(opened.output)["case"]
    return ref


def active_holds(run: Run) -> list[str]:
    return [h["hold_id"] for h in json.loads(ok(run("retention holds --json")).output)]


# -- A1: id prefixes ------------------------------------------------------------------


NOT_AN_ID_PREFIX = ["%", "%%%%%%%%", "____", "3f9a%", "3f9_", "abc", "3f9a2c1d-", "ａｂｃｄ", " "]


def test_a_hold_id_must_be_hex_and_wildcards_lift_nothing(cli: Run, database: str) -> None:
    ref = open_case(cli)
    ok(cli(f"retention hold place {ref} --reason 'Bezwaarprocedure loopt'"))
    [hold] = active_holds(cli)
    before = events(database)
    for bad in NOT_AN_ID_PREFIX:
        line = one_line_error(cli(["retention", "hold", "lift", bad, "--reason", "r"]), 2)
        assert "HOLD_ID" in line and "hex digits" in line, line
    assert events(database) == before
    assert active_holds(cli) == [hold]
    other = ("0" if hold[0] != "0" else "1") + hold[1:8]
    assert "no legal hold starts with" in one_line_error(
        cli(f"retention hold lift {other} --reason r"), 2
    )
    # Upper case names the same hold.
    ok(cli(f"retention hold lift {hold[:8].upper()} --reason 'Procedure afgerond'"))
    assert active_holds(cli) == []


def test_an_ambiguous_hold_prefix_is_refused_not_picked(
    cli: Run, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = iter(str(UUID(f"abcd{n:04d}" + "0" * 24)) for n in range(1, 3))
    monkeypatch.setattr(LegalHold, "new_id", staticmethod(lambda: next(ids)))
    ref = open_case(cli)
    ok(cli(f"retention hold place {ref} --reason 'Eerste procedure'"))
    ok(cli(f"retention hold place {ref} --reason 'Tweede procedure'"))
    before = events(database)
    line = one_line_error(cli("retention hold lift abcd --reason r"), 2)
    assert "starts 2 legal holds" in line and "more digits" in line
    assert events(database) == before and len(active_holds(cli)) == 2
    ok(cli("retention hold lift ABCD0002 --reason r"))
    assert active_holds(cli) == ["abcd0001-0000-0000-0000-000000000000"]


def test_id_prefixes_are_hex_digits_laid_out_like_a_uuid() -> None:
    full = "3f9a2c1d-0b4e-4c1a-9d2e-5f6a7b8c9d0e"
    assert c.normal_id_prefix(full.upper()) == full
    assert c.normal_id_prefix(full.replace("-", "")) == full
    assert c.normal_id_prefix(" 3F9A2C1D0B ") == "3f9a2c1d-0b"
    assert c.normal_id_prefix("3f9a") == "3f9a"
    for bad in [*NOT_AN_ID_PREFIX, full + "0", "3f9a-2c1d", "-3f9a"]:
        assert c.normal_id_prefix(bad) is None, bad


def test_a_run_id_must_be_hex_and_wildcards_approve_nothing(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    ledger.policies.retention.settings.__dict__["reviewers"] = []  # one second actor approves
    ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name="Test Lijst", date_of_birth="2011-02-03"),
        by,
    )
    clock.advance(365 * 3)  # due: a run proposes a list of it
    proposal = ledger.retention.run(None, b.privacy_officer(ledger))
    assert proposal.proposal and proposal.run_id is not None
    other = b.privacy_officer(ledger, second=True)
    before = ledger.app.recorder.max_notification_id()
    for bad in ("%", "%%%%%%%%", "________", proposal.run_id[:8] + "%"):
        with pytest.raises(BadInput, match=r"^RUN_ID must be the start of an id"):
            ledger.retention.approve(bad, "lijst gecontroleerd", other)
    assert ledger.app.recorder.max_notification_id() == before
    ledger.retention.approve(proposal.run_id[:8].upper(), "lijst gecontroleerd", other)
    assert ledger.app.recorder.max_notification_id() != before


# -- A2, A3: the BSN and the date of birth ------------------------------------------------

SYNTHETIC_BSN = "123456782"  # passes the elfproef; a well-known test number, nobody's


def subjects(run: Run) -> int:
    return len(json.loads(ok(run("subject list --json")).output))


def test_a_bsn_is_nine_ascii_digits_and_nothing_else(cli: Run, database: str) -> None:
    add = ["subject", "add", "--name", "Test Jongere Een", "--dob", "2010-04-01", "--bsn"]
    before = events(database)
    fullwidth = SYNTHETIC_BSN.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    arabic_indic = SYNTHETIC_BSN.translate({ord(d): 0x0660 + int(d) for d in "0123456789"})
    for bad in (fullwidth, arabic_indic, SYNTHETIC_BSN + "\n", SYNTHETIC_BSN + "0"):
        line = one_line_error(cli([*add, bad]), 2)
        assert "elfproef" in line and SYNTHETIC_BSN not in line
    assert events(database) == before
    ok(cli([*add, SYNTHETIC_BSN]))
    assert subjects(cli) == 1


def test_a_date_of_birth_in_the_future_is_refused(cli: Run, database: str) -> None:
    before = events(database)
    line = one_line_error(cli("subject add --name 'Test Jongere Twee' --dob 2999-01-01"), 2)
    assert line == "Error: --dob: a date of birth cannot lie in the future"
    assert events(database) == before


def test_the_date_of_birth_is_checked_against_the_ledger_clock(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)

    def register(born: date, new_person: bool = False) -> None:
        ledger.persons.register(
            c.build(
                c.RegisterSubject,
                kind="jongere",
                name="Test Jongere Drie",
                date_of_birth=born,
                new_person=new_person,
            ),
            by,
        )

    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(BadInput, match="cannot lie in the future"):
        register(clock() + timedelta(days=1))
    assert ledger.app.recorder.max_notification_id() == before
    register(clock())  # born today, by the ledger's clock
    clock.advance(1)
    register(clock() - timedelta(days=1), new_person=True)  # the same birthday (0027)


# -- A4: every free text is bounded ----------------------------------------------------


def test_a_huge_purpose_is_refused_before_anything_is_logged(cli: Run, database: str) -> None:
    added = ok(cli("subject add --name 'Test Jongere Vier' --dob 2010-04-01 --json"))
    subject = json.loads(added.output)["subject"]
    before = events(database)
    huge = "doel " * 24_000  # 120 KB
    line = one_line_error(cli(["--purpose", huge, "subject", "show", subject]), 2)
    assert "--purpose" in line and "at most 200 characters" in line
    assert len(line) < 300
    line = one_line_error(cli(["--purpose", "  ", "subject", "show", subject]), 2)
    assert "--purpose" in line and "empty" in line
    assert events(database) == before
    ok(cli(["--purpose", "uitvoering groepsaanpak", "subject", "show", subject]))
    assert events(database) == before + 1  # the access, with its bounded purpose


def test_reasons_comments_notes_and_motivations_are_bounded(cli: Run, database: str) -> None:
    ref = open_case(cli)
    long = "x" * 4001
    signal = f"signal add {ref} --kind overlast --source-org politie --source-role wijkagent"
    decision = f"decision record {ref} --body driehoek"
    before = events(database)
    for command, where, actor in (
        (f"retention hold place {ref} --reason {long}", "--reason", b.REGISSEUR),
        (f"retention hold place {ref} --reason ' '", "--reason", b.REGISSEUR),
        (f"retention hold lift abcd --reason {long}", "--reason", b.REGISSEUR),
        (f"retention approve abcd --comment {long}", "--comment", OFFICER),
        (f"{decision} --not-prioritised --motivation {long}", "motivation", b.REGISSEUR),
        (f"{decision} --prioritised --item sturing={long}", "--item", b.REGISSEUR),
        (f"action done {ref} A1 --note {long}", "note", b.REGISSEUR),
        (f"{signal} --location {'x' * 201} --text t", "location", b.REGISSEUR),
        (f"{signal} --location plein --text {long}", "text", b.REGISSEUR),
    ):
        line = one_line_error(cli(command, actor=actor), 2)
        option = where if where.startswith("--") else f"--{where.split('.')[0]}"
        assert re.match(rf"^Error: {option}s?\b", line), line  # the option, in words
        assert "characters" in line or "empty" in line, line
    assert events(database) == before


def test_an_audited_actor_id_is_an_actor_id(cli: Run, database: str) -> None:
    """It is written into the access log with the search: never a name, never a page."""
    before = events(database)
    for bad in ("x" * 120_000, "Test Persoon", "%"):
        line = one_line_error(cli(["audit", "actor", bad], actor=OFFICER), 2)
        assert line.startswith("Error: ACTOR_ID: expected an actor id"), line[:200]
        assert bad not in line
    assert events(database) == before
    ok(cli(["audit", "actor", b.REGISSEUR.upper()], actor=OFFICER))
    assert events(database) == before + 1


# -- A5, A6: the key store must be this ledger's, opened by the configured master key ----


def random_master_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def data_keys(key_dir: Path) -> int:
    with closing(sqlite3.connect(key_dir / "keys.sqlite")) as conn:
        count: int = conn.execute("SELECT count(*) FROM regie_data_keys").fetchone()[0]
    return count


def test_a_wrong_master_key_in_the_environment_is_refused(
    cli: Run, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_dir = tmp_path / "cli.sqlite.keys"
    added = ok(cli("subject add --name 'Test Jongere Vijf' --dob 2010-04-01 --json"))
    subject = json.loads(added.output)["subject"]
    before, keys_before = events(database), data_keys(key_dir)
    wrong = random_master_key()
    monkeypatch.setenv("REGIE_MASTER_KEY", wrong)
    for command in (
        f"subject show {subject}",
        "subject add --name 'Test Jongere Zes' --dob 2011-05-02",
    ):
        line = one_line_error(cli(command), 2)
        assert "REGIE_MASTER_KEY" in line and "does not open this ledger's key store" in line
        assert wrong not in line and wrong[:8] not in line
    assert (events(database), data_keys(key_dir)) == (before, keys_before)
    # The right key, given in the environment, opens it.
    monkeypatch.setenv("REGIE_MASTER_KEY", (key_dir / "master.key").read_text().strip())
    ok(cli(f"subject show {subject}"))


def test_an_interrupted_rotation_can_still_be_completed(ledger: Ledger, database_url: str) -> None:
    by = b.seed_actors(ledger)
    ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name="Test Jongere Zeven",
            date_of_birth=date(2010, 1, 1),
        ),
        by,
    )
    staged = ledger.keys.stage_next_master()
    ledger.keystore.rewrap(staged)  # ... and killed before master.key.next became master.key
    with open_ledger(database_url, key_dir=ledger.keys.directory) as again:
        assert again.keystore.opens_with(staged) is True
        again.rotate_master_key()
    with open_ledger(database_url, key_dir=ledger.keys.directory) as after:
        assert after.keys.staged_master() is None
        assert after.keystore.opens_with(after.keys.current_master()) is True


def test_a_missing_key_store_is_named_and_never_silently_recreated(
    cli: Run, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_dir = tmp_path / "cli.sqlite.keys"
    added = ok(cli("subject add --name 'Test Jongere Acht' --dob 2010-04-01 --json"))
    subject = json.loads(added.output)["subject"]
    before = events(database)
    (key_dir / "keys.sqlite").rename(tmp_path / "keys.sqlite.elsewhere")
    for command in (f"subject show {subject}", "init"):
        line = one_line_error(cli(command), 1)
        assert "no key store at" in line and "REGIE_KEY_DIR" in line, line
        assert not (key_dir / "keys.sqlite").exists()
    # A key directory that is not the ledger's: nothing is made there either.
    elsewhere = tmp_path / "other-keys"
    monkeypatch.setenv("REGIE_KEY_DIR", str(elsewhere))
    assert "REGIE_KEY_DIR" in one_line_error(cli("init"), 1)
    assert not elsewhere.exists()
    monkeypatch.delenv("REGIE_KEY_DIR")
    assert events(database) == before
    (tmp_path / "keys.sqlite.elsewhere").rename(key_dir / "keys.sqlite")
    ok(cli(f"subject show {subject}"))
