"""The commands that write or read files through the server, and the retention plan: from
a client home with no key, each says what the embedded CLI says on the same ledger, and a
role that may not run it is refused in one line, exit 1, with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_client import PROBE, TIMEOUT, Client, _case_ref, _ok
from tests.e2e.test_client import client as client  # the module's fixture
from tests.paths import ROOT


def _youth(client: Client) -> str:
    """The tour's youth, by its pseudonym."""
    rows = json.loads(_ok(client.run("letters", "due", "--all", "--json", actor="coordinator")))
    return str(rows[0]["subject"])


def _same(text: str, out: Path) -> str:
    """What two generations share: each letter carries the checkpoint it was made at, so
    its hash differs from the next one's."""
    text = re.sub(r"[0-9a-f]{64}", "HASH", text.replace(str(out), "DIR"))
    return re.sub(r"Controlepunt grootboek: \S+", "Controlepunt grootboek: CHECKPOINT", text)


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


@pytest.mark.parametrize(
    "args",
    ["retention plan", "retention plan --all", "retention plan --all --json",
     "retention plan --all --csv", "retention plan --as-of 2099-01-01 --json"],
)  # fmt: skip
def test_the_retention_plan_is_the_embedded_clis(client: Client, args: str) -> None:
    through = client.run(*args.split(), actor="privacy")
    assert (through.returncode, through.stdout) == (
        0,
        _ok(client.on_server(*args.split(), actor="privacy")),
    )


def test_the_retention_plan_over_http_carries_an_age_limit_by_its_year_only(
    client: Client,
) -> None:
    rows = json.loads(_ok(client.run("retention", "plan", "--all", "--json", actor="privacy")))
    assert rows and all(r["due"] is None or re.fullmatch(r"\d{4}(-\d\d-\d\d)?", r["due"])
                        for r in rows)  # fmt: skip
    assert "2010-04-01" not in json.dumps(rows)  # the tour's date of birth


def test_the_retention_plan_is_refused_to_a_partner_as_on_the_server(client: Client) -> None:
    through = _refused(client.run("retention", "plan", actor="wijkagent"))
    assert through == client.on_server("retention", "plan", actor="wijkagent").stderr


def test_a_hold_on_a_subject_is_placed_through_the_server(client: Client) -> None:
    youth = _youth(client)
    done = client.run("retention", "hold", "place", youth, "--reason", "Bezwaar loopt",
                      "--json", actor="privacy")  # fmt: skip
    placed = json.loads(_ok(done))
    assert placed["target"] == youth
    holds = json.loads(_ok(client.on_server("retention", "holds", "--json", actor="privacy")))
    [held] = [h for h in holds if h["hold_id"] == placed["hold"]]
    assert held["target_kind"] == "subject"
    assert _ok(client.run("retention", "holds", actor="privacy")) == _ok(
        client.on_server("retention", "holds", actor="privacy")
    )
    text = _ok(client.run("retention", "hold", "place", _case_ref(client), "--reason", "Zaak",
                          actor="privacy"))  # fmt: skip
    assert re.fullmatch(rf"Legal hold [0-9a-f]{{8}} placed on {_case_ref(client)}\.\n", text)


def test_a_hold_is_refused_in_one_line_and_a_bad_subject_is_bad_input(client: Client) -> None:
    before = _ok(client.run("retention", "holds", "--json", actor="privacy"))
    youth = _youth(client)
    _refused(client.run("retention", "hold", "place", youth, "--reason", "x", actor="wijkagent"))
    done = client.run("retention", "hold", "place", "Jan Jansen", "--reason", "x", actor="privacy")
    embedded = client.on_server("retention", "hold", "place", "Jan Jansen", "--reason", "x",
                                actor="privacy")  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (2, "", embedded.stderr)
    assert "Jan" not in done.stderr and done.stderr.count("\n") == 1
    assert _ok(client.run("retention", "holds", "--json", actor="privacy")) == before


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_letters_are_generated_on_the_server_and_written_here(client: Client, fmt: str) -> None:
    youth = _youth(client)
    here, there = client.home / f"brieven-{fmt}", client.home / f"brieven-{fmt}-embedded"
    args = ("letters", "generate", youth, "--format", fmt)
    through = _ok(client.run(*args, "--out", str(here), actor="coordinator"))
    embedded = _ok(client.on_server(*args, "--out", str(there), actor="coordinator"))
    assert _same(through, here) == _same(embedded, there)
    names = sorted(p.name for p in here.iterdir())
    assert names and names == sorted(p.name for p in there.iterdir())
    if fmt == "md":  # a PDF carries its creation time; the text is the same
        assert [_same((here / n).read_text(encoding="utf-8"), here) for n in names] == [
            _same((there / n).read_text(encoding="utf-8"), there) for n in names
        ]
    rows = json.loads(_ok(client.run("letters", "due", "--all", "--json", actor="coordinator")))
    assert [r["status"] for r in rows if r["subject"] == youth] == ["generated"]


def test_letters_generate_json_names_the_files_written_here(client: Client) -> None:
    youth = _youth(client)
    out = client.home / "brieven-json"
    rows = json.loads(_ok(client.run("letters", "generate", youth, "--format", "txt", "--out",
                                     str(out), "--json", actor="coordinator")))  # fmt: skip
    assert rows and {r["file"] for r in rows} == {str(p) for p in out.iterdir()}
    assert {"addressee", "kind", "file", "content_sha256"} == set(rows[0])
    for row in rows:  # what the server recorded is what was written here
        assert hashlib.sha256(Path(row["file"]).read_bytes()).hexdigest() == row["content_sha256"]


def test_letters_generate_is_refused_to_a_partner_and_nothing_is_written(
    client: Client,
) -> None:
    out = client.home / "brieven-geweigerd"
    youth = _youth(client)
    message = _refused(client.run("letters", "generate", youth, "--out", str(out),
                                  actor="wijkagent"))  # fmt: skip
    assert "Test Jongere" not in message
    assert not out.exists()


def test_letters_that_cannot_be_written_here_are_not_generated_there(client: Client) -> None:
    blocker = client.home / "geen-map"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    youth = _youth(client)
    before = _ok(client.run("letters", "due", "--all", "--json", actor="coordinator"))
    for out in (blocker, blocker / "sub"):
        args = ("letters", "generate", youth, "--out", str(out))
        done = client.run(*args, actor="coordinator")
        embedded = client.on_server(*args, actor="coordinator")
        assert (done.returncode, done.stdout, done.stderr) == (2, "", embedded.stderr)
        assert done.stderr.startswith("Error: ")  # click already refuses a file as --out
        assert done.stderr.count("\n") == 1
    assert _ok(client.run("letters", "due", "--all", "--json", actor="coordinator")) == before


def _exported(client: Client, name: str) -> Path:
    """The newest checkpoint, exported on the server and kept in the client's home."""
    path = client.home / name
    _ok(client.on_server("audit", "checkpoint", "--export", str(path), actor="privacy"))
    return path


def test_verify_against_checkpoints_read_here_is_the_embedded_clis(client: Client) -> None:
    kept = _exported(client, "kept.json")
    folder = client.home / "checkpoints"
    folder.mkdir(exist_ok=True)
    (folder / "one.json").write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
    key = next((client.home.parent / "server").rglob("signing.pub"))
    for args in (
        ("--against", str(kept)),
        ("--against", str(kept), "--against", str(folder), "--json"),
        ("--against", str(kept), "--first-key", str(key)),
    ):
        through = client.run("audit", "verify", *args, actor="privacy")
        embedded = client.on_server("audit", "verify", *args, actor="privacy")
        assert (through.returncode, through.stdout) == (0, _ok(embedded)), args


def test_a_checkpoint_the_ledger_does_not_extend_fails_as_embedded(client: Client) -> None:
    forged = _exported(client, "forged.json")
    head = json.loads(forged.read_text(encoding="utf-8"))
    head["root_hash"] = "00" * 32
    forged.write_text(json.dumps(head), encoding="utf-8")
    through = client.run("audit", "verify", "--against", str(forged), actor="privacy")
    assert (
        _refused(through)
        == client.on_server("audit", "verify", "--against", str(forged), actor="privacy").stderr
    )
    assert str(forged) in through.stderr
    missing = client.home / "missing.json"
    done = client.run("audit", "verify", "--against", str(missing), actor="privacy")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"Error: {missing}: no such checkpoint file or directory\n"


def test_verify_against_is_refused_to_a_partner(client: Client) -> None:
    kept = _exported(client, "kept-partner.json")
    _refused(client.run("audit", "verify", "--against", str(kept), actor="wijkagent"))


def test_these_commands_import_no_database_layer_on_the_client(client: Client) -> None:
    kept = _exported(client, "probe.json")
    out = client.home / "brieven-probe"
    for actor, args in (
        ("privacy", ("retention", "plan", "--all")),
        ("coordinator", ("letters", "generate", _youth(client), "--format", "txt", "--out",
                         str(out))),
        ("privacy", ("audit", "verify", "--against", str(kept))),
    ):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            env={**client.env, "REGIE_TOKEN": client.token(actor), "PYTHONPATH": str(ROOT)},
            cwd=client.home,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def test_a_letter_names_the_servers_privacy_contact_never_the_clients(client: Client) -> None:
    youth = _youth(client)
    out = client.home / "brieven-fg"
    _ok(client.run("letters", "generate", youth, "--format", "txt", "--out", str(out),
                   actor="coordinator", REGIE_FG_CONTACT="fg@client-gekozen.example"))  # fmt: skip
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir()]
    assert texts and not any("client-gekozen" in text for text in texts)


def _reviewer(client: Client, handle: str, role: str) -> None:
    if (client.tokens / handle).exists():
        return
    _ok(client.run("actor", "add", handle, "--name", f"Test {role}", "--org", "gemeente",
                   "--role", role, actor="beheer"))  # fmt: skip
    issued = json.loads(_ok(client.run("token", "issue", handle, "--json", actor="beheer")))
    (client.tokens / handle).write_text(issued["token"], encoding="utf-8")


def test_a_destruction_list_is_reviewed_and_executed_through_the_server(client: Client) -> None:
    _reviewer(client, "proceseigenaar", "proceseigenaar")
    _reviewer(client, "archivaris", "archivaris")
    today = dt.date.today()
    ahead = ("retention", "run", "--dry-run", "--as-of", f"{today.year + 1}-12-31", "--json")
    before = json.loads(_ok(client.run(*ahead, actor="privacy")))
    _ok(client.run("subject", "add", "--name", "Test Jongere Later", "--dob", "2011-05-06",
                   "--registered-on", (today - dt.timedelta(days=365)).isoformat(),
                   actor="coordinator"))  # fmt: skip
    through = json.loads(_ok(client.run(*ahead, actor="privacy")))
    assert through == json.loads(_ok(client.on_server(*ahead, actor="privacy")))
    assert len(through["purged"]) == len(before["purged"]) + 1  # due next year, listed now
    assert "2011-05-06" not in json.dumps(through)
    back = (today - dt.timedelta(days=365 * 3)).isoformat()
    _ok(client.run("subject", "add", "--name", "Test Jongere Lang Geleden", "--dob", "2011-05-06",
                   "--registered-on", back, actor="coordinator"))  # fmt: skip
    run = json.loads(_ok(client.run("retention", "run", "--json", actor="privacy")))
    assert run["proposal"] and run["purged"]
    list_id = run["run"][:8]
    _refused(client.run("retention", "list", "execute", list_id, actor="privacy"))
    _ok(client.run("retention", "list", "approve", list_id, "--as", "proceseigenaar",
                   actor="proceseigenaar"))  # fmt: skip
    shown = _ok(client.run("retention", "list", "show", list_id, actor="archivaris"))
    assert shown == _ok(client.on_server("retention", "list", "show", list_id,
                                         actor="archivaris"))  # fmt: skip
    _ok(client.run("retention", "list", "approve", list_id, actor="archivaris"))
    done = json.loads(_ok(client.run("retention", "list", "execute", list_id, "--json",
                                     actor="privacy")))  # fmt: skip
    assert done["run"] == run["run"] and done["purged"]
    view = json.loads(_ok(client.run("retention", "list", "show", list_id, "--json",
                                     actor="privacy")))  # fmt: skip
    assert view["executed"] and [r["by"] for r in view["reviews"]] == [
        "proceseigenaar",
        "archivaris",
    ]
