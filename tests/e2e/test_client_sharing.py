"""What a provision rests on, through the server (issue 11 items 2 and 4): from a client home
with no key, a police provision without its besluit is refused naming the rule, an article
not in the matrix and a free-text basis are refused, a vital-interest provision is judged
lawful and an unlawful one opens a finding that closes only with a reason; each answer is
the embedded CLI's (one line on stderr, the same exit code)."""

from __future__ import annotations

import json
import subprocess

from tests.e2e.test_client import Client, _case_ref, _ok
from tests.e2e.test_client import client as client  # the module's fixture


def _error(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert (done.returncode, done.stdout) == (code, ""), done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr.strip()


def _police(client: Client, *extra: str) -> subprocess.CompletedProcess[str]:
    return client.run(
        "share", "add", _case_ref(client), "--from", "politie", "--to", "gemeente",
        "--category", "groepspositie", "--purpose", "groepsaanpak", "--convenant", "jga",
        "--necessity", "Beeld van de groep", *extra, actor="wijkagent",
    )  # fmt: skip


def test_a_police_provision_without_its_besluit_is_refused_naming_the_rule(
    client: Client,
) -> None:
    line = _error(_police(client, "--article", "art. 6"), 1)
    assert "art. 20 Wpg" in line and line.endswith("[rule DEEL-10]")
    line = _error(_police(client, "--article", "art. 99", "--instrument", "JGA-1"), 1)
    assert "its articles: art. 6" in line and line.endswith("[rule share.article]")


def _ad_hoc(client: Client, basis: str, category: str) -> subprocess.CompletedProcess[str]:
    return client.run(
        "share", "add", _case_ref(client), "--from", "gemeente", "--to", "veilig-thuis",
        "--category", category, "--purpose", "bescherming van de jongere",
        "--legal-basis", basis, "--necessity", "Levensgevaar", "--json", actor="coordinator",
    )  # fmt: skip


def test_a_free_text_basis_is_refused_and_a_vital_interest_one_judged_lawful(
    client: Client,
) -> None:
    line = _error(_ad_hoc(client, "omdat het moet", "zorg-en-gezondheid"), 2)
    assert "avg-9-2-c-vitaal-belang" in line
    added = json.loads(_ok(_ad_hoc(client, "avg-9-2-c-vitaal-belang", "zorg-en-gezondheid")))
    share = added["share"][:8]
    judged = client.run(
        "share", "review", share, "--verdict", "rechtmatig", "--reason", "Vitaal belang",
        actor="privacy",
    )  # fmt: skip
    assert _ok(judged).strip() == f"Share {share} judged rechtmatig."
    rows = json.loads(_ok(client.run("audit", "disclosures", "--json", actor="privacy")))
    assert [r["review"] for r in rows if r["share"] == share] == ["rechtmatig"]
    embedded = client.on_server("audit", "disclosures", "--json", actor="privacy")
    assert json.loads(_ok(embedded)) == rows


def test_an_unlawful_verdict_opens_a_finding_that_closes_only_with_a_reason(
    client: Client,
) -> None:
    added = json.loads(_ok(_ad_hoc(client, "wmo-5-2-6-veilig-thuis", "gezinssituatie")))
    share = added["share"][:8]
    _ok(client.run("share", "review", share, "--verdict", "onrechtmatig", "--reason",
                   "Meldcode niet gevolgd", actor="privacy"))  # fmt: skip

    def open_findings() -> list[str]:
        rows = json.loads(_ok(client.run("audit", "findings", "--json", actor="privacy")))
        return [r["detail"] for r in rows if r["kind"] == "onrechtmatige-verstrekking"]

    assert [d for d in open_findings() if share in d]
    close = ("share", "close-finding", share)
    line = _error(client.run(*close, "--reason", "Verwijderd", actor="privacy"), 2)
    assert "--no-breach-notification" in line
    done = client.run(*close, "--reason", "x", "--no-breach-notification", actor="regisseur")
    assert _error(done, 1).endswith("[rule permission.denied]")
    closed = client.run(*close, "--no-breach-notification", "--reason",
                        "Ontvanger verwijderde de gegevens", actor="privacy")  # fmt: skip
    assert _ok(closed).strip() == f"Finding on share {share} closed."
    assert not [d for d in open_findings() if share in d]
    again = client.run(*close, "--reason", "x", "--no-breach-notification", actor="privacy")
    assert _error(again, 1).endswith("[rule share.finding-open]")
