"""Rejected input reads as one plain sentence naming the option; the value is never echoed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.inputerrors import PATTERNS
from cli.main import regie

Run = Callable[..., Result]

SIGNAL = ["--kind", "overlast", "--location", "Testplein", "--source-org", "politie"]
SIGNAL += ["--source-role", "wijkagent"]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The CLI on a fresh SQLite ledger with an administrator and a regisseur."""
    monkeypatch.setenv("REGIE_DATABASE_URL", f"sqlite:///{tmp_path}/input.sqlite")
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("REGIE_ROLE", raising=False)
    runner = CliRunner()

    def invoke(*args: str, actor: str | None = "regisseur-test") -> Result:
        env = {"REGIE_ACTOR": actor} if actor else {}
        return runner.invoke(regie, list(args), env=env, catch_exceptions=False)

    admin = ["--name", "Test Beheer", "--org", "gemeente", "--role", "administrator"]
    assert invoke("init").exit_code == 0
    assert invoke("actor", "add", "beheer-test", *admin, actor=None).exit_code == 0
    regisseur = ["--name", "Test Regisseur", "--org", "gemeente", "--role", "regisseur"]
    assert invoke("actor", "add", "regisseur-test", *regisseur, actor="beheer-test").exit_code == 0
    opened = invoke("case", "open", "--name", "Groep Test", "--municipality", "T", "--area", "N")
    assert opened.exit_code == 0, opened.output
    return invoke


def refused(result: Result, *, hidden: str) -> str:
    """The one line of a bad-input refusal, checked for what it must not contain."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    line = lines[0]
    assert line.startswith("Error: ")
    assert hidden not in line, line
    for raw in ("String should", "pattern", "Input should", "Traceback", "^"):
        assert raw not in line, line
    return line


def test_a_bad_actor_handle_names_the_argument_and_the_form(run: Run) -> None:
    line = refused(
        run(
            "actor",
            "add",
            "Test Persoon!",
            "--name",
            "Test",
            "--org",
            "gemeente",
            "--role",
            "regisseur",
            actor="beheer-test",
        ),
        hidden="Test Persoon",
    )
    assert "ACTOR_ID must be 2 to 63 letters, digits, dots, dashes or underscores" in line
    assert "regie actor add --help" in line


def test_a_bad_organisation_key_names_the_option(run: Run) -> None:
    line = refused(
        run(
            "actor",
            "add",
            "uc-test",
            "--name",
            "Test",
            "--org",
            "De Gemeente",
            "--role",
            "regisseur",
            actor="beheer-test",
        ),
        hidden="De Gemeente",
    )
    assert "--org must be a key of lowercase letters, digits and dashes" in line


def test_a_bad_date_is_not_echoed(run: Run) -> None:
    line = refused(
        run("subject", "add", "--name", "Test Jongere", "--dob", "01-04-2010"), hidden="01-04-2010"
    )
    assert "'--dob'" in line and "ISO 8601 date such as 2026-11-22" in line


def test_too_long_a_text_says_the_limit(run: Run) -> None:
    line = refused(
        run("signal", "add", "JG-2026-001", *SIGNAL, "--text", "x" * 4001), hidden="xxxxxxxx"
    )
    assert "--text is too long: at most 4000 characters" in line


def test_an_empty_text_is_refused(run: Run) -> None:
    line = refused(run("signal", "add", "JG-2026-001", *SIGNAL, "--text", "   "), hidden="   .")
    assert "--text must not be empty" in line


def test_a_bad_case_reference_names_the_form(run: Run) -> None:
    line = refused(run("signal", "add", "JG-26-1", *SIGNAL, "--text", "t"), hidden="JG-26-1")
    assert "CASE_REF must be a case reference such as JG-2026-001" in line


def test_a_bad_pseudonym_is_not_echoed(run: Run) -> None:
    def representative_of(typed: str) -> str:
        return refused(
            run(
                "subject",
                "add",
                "--kind",
                "wettelijk-vertegenwoordiger",
                "--name",
                "Test Ouder",
                "--representative-of",
                typed,
            ),
            hidden=typed,
        )

    short = representative_of("Test")  # refused by the command's shape
    assert "--representative-of must be a pseudonym such as P-3f9a2c1d0b" in short
    assert "a pseudonym such as P-3f9a2c1d0b" in representative_of("Test Naam Ouder")


def test_a_malformed_key_value_is_not_echoed(run: Run) -> None:
    refused(
        run(
            "decision",
            "record",
            "JG-2026-001",
            "--prioritised",
            "--body",
            "driehoek",
            "--item",
            "Test Persoon zonder sleutel",
        ),
        hidden="Test Persoon",
    )


def _patterns(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _patterns(item)


def test_every_pattern_of_the_commands_is_said_in_words() -> None:
    import ledger.letters.commands
    import ledger.tokens.commands  # noqa: F401
    from ledger.commands import Command

    models: list[type[Command]] = []
    pending: list[type[Command]] = [Command]
    while pending:
        model = pending.pop()
        models.append(model)
        pending.extend(model.__subclasses__())
    used = {p for model in models[1:] for p in _patterns(model.model_json_schema())}
    assert used, "no patterns found: has the schema changed?"
    assert used <= PATTERNS.keys(), f"describe in cli/inputerrors.py: {used - PATTERNS.keys()}"
