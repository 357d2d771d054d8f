"""`regie token`: the secret is printed once, listings never show it, revocation sticks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import regie


def _run(*args: str, actor: str | None = "beheer-test") -> Result:
    env = {"REGIE_ACTOR": actor} if actor else {}
    return CliRunner().invoke(regie, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def ledger_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGIE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    assert _run("init").exit_code == 0
    for handle, role in [("beheer-test", "administrator"), ("regisseur-test", "regisseur")]:
        added = _run(
            "actor", "add", handle, "--name", "Test", "--org", "gemeente", "--role", role,
            actor=None if role == "administrator" else "beheer-test",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
    return tmp_path


def test_issue_list_and_revoke(ledger_dir: Path) -> None:
    issued = _run("token", "issue", "regisseur-test", "--expires", "2999-12-31", "--json")
    assert issued.exit_code == 0, issued.output
    data = json.loads(issued.output)
    assert data["token"].startswith(data["token_id"] + ".")
    text = _run("token", "issue", "regisseur-test")
    assert text.output.splitlines()[-1].startswith("tok_")
    listed = _run("token", "list", "--json")
    rows = json.loads(listed.output)
    assert [r["status"] for r in rows] == ["active", "active"]
    assert data["token"].split(".")[1] not in listed.output
    assert _run("token", "list").exit_code == 0
    revoked = _run("token", "revoke", data["token_id"], "--reason", "test")
    assert revoked.exit_code == 0, revoked.output
    again = _run("token", "revoke", data["token_id"])
    assert again.exit_code == 1
    assert again.output.count("\n") == 1 and "token.revoked" in again.output
    assert _run("token", "revoke", "tok_zz").exit_code == 2
    assert {r["token_id"]: r["status"] for r in json.loads(_run("token", "list", "--json").output)}[
        data["token_id"]
    ] == "revoked"
    refused = _run("token", "issue", "regisseur-test", actor="regisseur-test")
    assert refused.exit_code == 1 and "may not run `token issue`" in refused.output
