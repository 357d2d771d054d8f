"""End-to-end through the command line: exit codes, one-line errors, --json, --help."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.main import regie
from tests.paths import ROOT


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The CLI on a SQLite ledger, acting as whoever REGIE_ACTOR names.

    (On PostgreSQL the actor is the database user; tests/integration/test_identity.py covers that.)
    """
    monkeypatch.setenv("REGIE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("REGIE_ACTOR", raising=False)
    monkeypatch.delenv("REGIE_ROLE", raising=False)
    runner = CliRunner()

    def invoke(*args: str, actor: str | None = "regisseur-test") -> Result:
        env = {"REGIE_ACTOR": actor} if actor else {}
        return runner.invoke(regie, list(args), env=env, catch_exceptions=False)

    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def events(run) -> int:  # type: ignore[no-untyped-def]
    from ledger.bootstrap import open_ledger
    from ledger.config import load_settings

    with open_ledger(load_settings().database_url) as ledger:
        return ledger.app.recorder.max_notification_id() or 0


@pytest.fixture
def seeded(run):  # type: ignore[no-untyped-def]
    ok(run("init"))
    ok(
        run(
            "actor",
            "add",
            "beheer-test",
            "--name",
            "Test Beheer",
            "--org",
            "gemeente",
            "--role",
            "administrator",
            actor=None,
        )
    )
    ok(
        run(
            "actor",
            "add",
            "regisseur-test",
            "--name",
            "Test Regisseur",
            "--org",
            "gemeente",
            "--role",
            "regisseur",
            actor="beheer-test",
        )
    )
    ok(
        run(
            "actor",
            "add",
            "uc-test",
            "--name",
            "Test UC",
            "--org",
            "politie",
            "--role",
            "uitvoeringscoordinator",
            actor="beheer-test",
        )
    )
    return run


def test_commands_before_init_say_so_in_one_line(run) -> None:  # type: ignore[no-untyped-def]
    line = one_line_error(run("case", "list"), 1)
    assert "regie init" in line


def test_init_is_idempotent(run) -> None:  # type: ignore[no-untyped-def]
    ok(run("init"))
    again = ok(run("init", "--json"))
    assert json.loads(again.output)["created"] is False


def test_a_case_through_the_cli(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = seeded
    opened = json.loads(
        ok(
            run(
                "case",
                "open",
                "--name",
                "Groep Testplein",
                "--municipality",
                "Teststad",
                "--area",
                "Noord",
                "--json",
            )
        ).output
    )
    ref = opened["case"]
    ok(
        run(
            "signal",
            "add",
            ref,
            "--kind",
            "overlast",
            "--location",
            "Testplein",
            "--source-org",
            "politie",
            "--source-role",
            "wijkagent",
            "--text",
            "Groep hangt rond",
        )
    )
    ok(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "signalen"))
    ok(run("case", "designate", ref, "uc-test"))
    ok(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "beeld"))
    ok(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "advies"))
    items = [
        "--item",
        "doelen-en-kaders=x",
        "--item",
        "sturing=x",
        "--item",
        "informeermomenten=x",
        "--item",
        "strafrechtelijk-traject=x",
        "--item",
        "externe-communicatie=x",
    ]
    ok(run("decision", "record", ref, "--prioritised", "--body", "driehoek", *items))
    ok(run("step", "advance", ref, "--body", "driehoek", "--reason", "prioriteit"))
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'goals = ["Overlast halveren"]\n[[track]]\nkind = "groep"\ndescription = "Groep"\n'
        '[[action]]\ndescription = "Inloop"\ntrack = "groep"\norganisation = "jongerenwerk"\n'
        'person = "Jongerenwerker Test"\ndue = 2020-01-15\n',
        encoding="utf-8",
    )
    ok(run("plan", "set", ref, "--file", str(plan)))
    ok(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "plan"))
    overdue = json.loads(ok(run("action", "list", "--overdue", "--json")).output)
    assert [a["id"] for a in overdue] == ["A1"]
    ok(run("action", "escalate", ref, "A1", "--to", "Teamleider", "--reason", "niet gedaan"))
    ok(run("action", "done", ref, "A1"))
    ok(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "afronden"))
    criteria = [
        f"--criterion={k}=ok"
        for k in (
            "rolverdeling",
            "informatieoverdracht",
            "inzet",
            "effectiviteit",
            "snelheid",
            "looptijd",
            "knelpunten",
        )
    ]
    ok(
        run(
            "case",
            "close",
            ref,
            "--goals-reached",
            "ja",
            "--assessment",
            "bereikt",
            "--bewaartermijn",
            "P2Y",
            *criteria,
        )
    )
    shown = json.loads(ok(run("case", "show", ref, "--json")).output)
    assert shown["status"] == "afgesloten"
    assert shown["escalations"][0]["action"] == "A1"
    listed = json.loads(ok(run("case", "list", "--json")).output)
    assert [c["ref"] for c in listed] == [ref]
    assert "Groep Testplein" in ok(run("case", "show", ref)).output
    ok(run("plan", "show", ref))
    ok(run("signal", "list"))
    rebuilt = json.loads(ok(run("projections", "rebuild", "--json")).output)
    assert rebuilt["replayed"] == events(run)


def test_refusals_exit_1_with_the_rule_and_write_nothing(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded
    ref = json.loads(
        ok(
            run(
                "case",
                "open",
                "--name",
                "Groep X",
                "--municipality",
                "Teststad",
                "--area",
                "Noord",
                "--json",
            )
        ).output
    )["case"]
    before = events(run)
    line = one_line_error(run("step", "advance", ref, "--body", "ketenoverleg", "--reason", "r"), 1)
    assert "[rule step.signal-before-2]" in line
    line = one_line_error(
        run("step", "back", ref, "--to", "3", "--body", "ketenoverleg", "--reason", "r"), 1
    )
    assert "[rule step.back-from-6]" in line
    line = one_line_error(run("decision", "record", ref, "--prioritised", "--body", "driehoek"), 1)
    assert "rule decision.at-step-4" in line
    assert events(run) == before


def test_bad_input_exits_2_and_writes_nothing(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded
    ref = json.loads(
        ok(
            run(
                "case",
                "open",
                "--name",
                "Groep X",
                "--municipality",
                "Teststad",
                "--area",
                "Noord",
                "--json",
            )
        ).output
    )["case"]
    before = events(run)
    bad = [
        (
            "signal",
            "add",
            ref,
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
            "--observed-on",
            "22-11-2026",
        ),
        (
            "signal",
            "add",
            ref,
            "--kind",
            "vuurwerk",
            "--location",
            "x",
            "--source-org",
            "politie",
            "--source-role",
            "r",
            "--text",
            "t",
        ),
        (
            "signal",
            "add",
            "not-a-case",
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
        ),
        ("step", "advance", ref, "--body", "kantine", "--reason", "r"),
        ("step", "advance", "JG-2026-404", "--body", "ketenoverleg", "--reason", "r"),
        ("action", "done", ref, "B7"),
        (
            "case",
            "close",
            ref,
            "--goals-reached",
            "ja",
            "--assessment",
            "x",
            "--bewaartermijn",
            "2 jaar",
        ),
        ("case", "open", "--name", "Groep"),
    ]
    for args in bad:
        line = one_line_error(run(*args), 2)
        assert line.startswith("Error: "), (args, line)
    assert events(run) == before


def test_unknown_and_missing_actors_are_refused(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded
    args = ("case", "open", "--name", "Groep X", "--municipality", "Teststad", "--area", "Noord")
    assert "REGIE_ACTOR" in one_line_error(run(*args, actor=None), 1)
    assert "unknown actor" in one_line_error(run(*args, actor="onbekend-test"), 1)
    ok(run("actor", "deactivate", "uc-test", "--reason", "vertrokken", actor="beheer-test"))
    assert "deactivated" in one_line_error(run(*args, actor="uc-test"), 1)


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            out.extend(_all_commands(command, path))
        else:
            out.append(path)
    return out


@pytest.mark.parametrize("path", _all_commands(regie), ids=" ".join)
def test_every_command_has_help_with_an_example_and_json(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(regie, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "--json" in result.output


def test_demo_writes_a_closed_case_and_refuses_a_used_ledger(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "demo.sqlite"
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    first = runner.invoke(regie, ["demo", "--db", str(target), "--json"], env=env)
    assert first.exit_code == 0, first.output
    overview = json.loads(first.output)["overview"]
    assert overview["status"] == "afgesloten"
    kinds = [s["kind"] for s in overview["step_history"]]
    assert "terug" in kinds and overview["escalations"]
    waited = [d for d in overview["decisions"] if d["outcome"] == "afwachten"]
    assert waited and waited[0]["step"] == 1 and waited[0]["review_on"]  # a working decision
    notice = json.loads(first.output)["same_person"]  # a youth registered twice is noticed
    assert notice.startswith("this person may already be registered as P-")
    again = runner.invoke(regie, ["demo", "--db", str(target)], env=env)
    assert again.exit_code == 1
    assert "--db" in again.output
    env["REGIE_ACTOR"] = "regisseur-demo"
    listed = runner.invoke(regie, ["--db", str(target), "case", "list", "--json"], env=env)
    assert json.loads(listed.output)[0]["ref"] == overview["ref"]
    ref = overview["ref"]
    actions = runner.invoke(regie, ["--db", str(target), "action", "list", ref, "--json"], env=env)
    urgent = [a for a in json.loads(actions.output) if a["urgent"]]
    assert urgent and all(a["ratified_by"] for a in urgent)  # an urgent measure, ratified
    reused = runner.invoke(regie, ["--db", str(target), "share", "reuses", ref, "--json"], env=env)
    assert [r["action"] for r in json.loads(reused.output)] == [4]  # the plan uses a provision
    checked = runner.invoke(
        regie, ["--db", str(target), "checklist", "show", ref, "--sleutel", "4", "--json"], env=env
    )
    answers = [i["answer"] for i in json.loads(checked.output)["items"]]
    assert len(answers) == 10 and all(answers)  # one completed checklist


def test_the_cli_reference_in_docs_is_current() -> None:
    from cli.reference import render

    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), "regenerate with: python -m cli.reference > docs/cli.md"
