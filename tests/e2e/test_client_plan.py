"""The plan document through the server: the content comes from the server (its gate, its
access log), the file is written here, and it says what the embedded CLI writes."""

from __future__ import annotations

import re

from tests.e2e.test_client import Client, _case_ref, _ok
from tests.e2e.test_client import client as client  # the module's fixture


def _same(text: str) -> str:
    """Two documents made at different moments differ in their checkpoint and time only."""
    text = re.sub(r"Controlepunt grootboek: \S+", "CHECKPOINT", text)
    return re.sub(r"\*\*Gemaakt op:\*\* \S+", "MADE", text)


def test_the_plan_document_is_written_here_from_the_servers_ledger(client: Client) -> None:
    ref = _case_ref(client)
    here, there = client.home / "plan-hier.md", client.home / "plan-server.md"
    args = ("plan", "document", ref, "--format", "md")
    _ok(client.run(*args, "--out", str(here), actor="regisseur"))
    _ok(client.on_server(*args, "--out", str(there), actor="regisseur"))
    written = here.read_text(encoding="utf-8")
    assert "# Integraal plan van aanpak Groep Stationsplein" in written
    assert _same(written) == _same(there.read_text(encoding="utf-8"))
    docx = client.home / "plan-hier.docx"
    _ok(client.run("plan", "document", ref, "--out", str(docx), actor="regisseur"))
    assert docx.read_bytes().startswith(b"PK")  # a Word file is a zip
