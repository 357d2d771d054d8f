"""Meetings through `regie serve`: a client with no key and no database plans a meeting,
records its agenda and minutes, and writes the notulen as a document here; what it shows is
what the embedded CLI shows, and no database layer is imported on the client."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.documents import text_of
from tests.e2e.test_client import PROBE, TIMEOUT, Client, _case_ref, _ok
from tests.e2e.test_client import client as client  # the module's fixture
from tests.paths import ROOT

MINUTES = "Synthetisch verslag: de groep is rustiger, toezicht loopt door."


def test_a_meeting_through_the_server_and_its_minutes_written_here(client: Client) -> None:
    ref = _case_ref(client)
    today = _ok(client.run("case", "show", ref, "--json", actor="regisseur"))
    assert json.loads(today)["ref"] == ref
    planned = json.loads(
        _ok(
            client.run(
                "meeting", "plan", ref, "--kind", "casusoverleg", "--on",
                json.loads(today)["opened_on"], "--json", actor="regisseur",
            )
        )
    )  # fmt: skip
    meeting = planned["meeting"]
    _ok(client.run("meeting", "agenda", ref, meeting, "--item", "Stand van zaken",
                   actor="regisseur"))  # fmt: skip
    _ok(client.run("meeting", "minutes", ref, meeting, "--text", MINUTES, actor="regisseur"))
    shown = json.loads(
        _ok(client.run("meeting", "show", ref, meeting, "--json", actor="regisseur"))
    )
    assert shown["minutes_text"] == MINUTES and shown["agenda"] == ["Stand van zaken"]
    target = client.home / "notulen.docx"
    _ok(client.run("meeting", "document", ref, meeting, "--what", "notulen", "--output",
                   str(target), actor="regisseur"))  # fmt: skip
    assert MINUTES in text_of(target.read_bytes(), "docx")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "meeting", "document", ref, meeting, "--what", "agenda",
         "--format", "md", "--output", str(client.home / "agenda.md")],
        env={**client.env, "REGIE_TOKEN": client.token("regisseur"), "PYTHONPATH": str(ROOT)},
        cwd=client.home,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Stand van zaken" in (client.home / "agenda.md").read_text(encoding="utf-8")
