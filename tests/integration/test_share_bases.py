"""What a provision rests on, through the command line (issue 11 items 2 and 4): the police
cite their besluit ex art. 20 Wpg, an article is one of the matrix's, an ad-hoc provision
names a legal basis of the policy's, and the privacy officer's verdict on it; an unlawful
one opens a finding that closes only with a reason and the decision on a breach notice."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_sharing import (  # noqa: F401 (the cli fixture)
    CONVENANT,
    KEY,
    OFFICER,
    POLICE,
    cli,
    ok,
    one_line_error,
    write,
)


@pytest.fixture
def case(cli: Any, tmp_path: Path) -> str:  # noqa: F811
    """A case at step 1 (group level) under the test convenant, signed by the gemeente and
    the police, in force since 2020 with its rows from step 1."""
    opened = ok(
        cli("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
    )
    ref: str = json.loads(opened.output)["case"]
    ok(cli(f"case participant add {ref} {POLICE} --reason Wijkagent"))
    path = write(
        tmp_path,
        CONVENANT.replace("valid_until = 2026-12-31\n", "")
        .replace("valid_from = 2026-01-01", "valid_from = 2020-01-01")
        .replace("from_step = 2", "from_step = 1"),
    )
    ok(cli(f"convenant add {KEY} --file {shlex.quote(str(path))}"))
    ok(cli(f"convenant sign {KEY} --party politie --signer Teamchef"))
    ok(cli(f"convenant sign {KEY} --party gemeente --signer Burgemeester"))
    return ref


def shares(run: Any, ref: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok(run(f"share list {ref} --json")).output)
    return rows


def police(ref: str, extra: str = "") -> str:
    return (
        f"share add {ref} --from politie --to gemeente --category groepspositie "
        f"--purpose groepsaanpak --convenant {KEY} --necessity 'Beeld van de groep' {extra}"
    )


def test_a_police_provision_cites_its_besluit_or_is_refused_naming_the_rule(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    shown = json.loads(ok(cli(f"convenant show {KEY} --json")).output)
    [besluit] = next(p for p in shown["party"] if p["organisation"] == "politie")["instrument"]
    assert (besluit["kind"], besluit["id"], besluit["date"]) == (
        "wpg-art-20-besluit",
        "BESLUIT-1",
        "2026-01-05",
    )
    table = ok(cli(f"convenant show {KEY}")).output
    assert "Instrumenten" in table and "BESLUIT-1" in table

    line = one_line_error(cli(police(case, "--article 'art. 6 lid 1'"), POLICE), 1)
    assert line.startswith("Error: share recorded as refused") and "art. 20 Wpg" in line
    assert line.endswith("[rule DEEL-10]")
    # Another party's instrument is no besluit of the police's.
    line = one_line_error(
        cli(police(case, "--article 'art. 6 lid 1' --instrument WJSG-1"), POLICE), 1
    )
    assert line.endswith("[rule DEEL-10]")
    ok(cli(police(case, "--article 'art. 6 lid 1' --instrument BESLUIT-1"), POLICE))
    assert [(s["outcome"], s["refused_by"], s["instrument"]) for s in shares(cli, case)] == [
        ("geweigerd", ["DEEL-10"], None),
        ("geweigerd", ["DEEL-10"], "WJSG-1"),
        ("verstrekt", [], "BESLUIT-1"),
    ]
    [provided] = json.loads(ok(cli("audit disclosures --json", OFFICER)).output)
    assert provided["basis"] == f"{KEY} v1 art. 6 lid 1, BESLUIT-1"
    assert "BESLUIT-1" in ok(cli("audit disclosures", OFFICER)).output


def test_an_article_not_in_the_matrix_is_refused_with_the_articles_there_are(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    line = one_line_error(
        cli(police(case, "--article 'art. 99' --instrument BESLUIT-1"), POLICE), 1
    )
    assert "has no article 'art. 99'" in line and "its articles: art. 6 lid 1, art. 7" in line
    assert line.endswith("[rule share.article]")
    # A request names an article of the matrix too; nothing was written.
    asked = police(case, "--article 'art. 99'").replace("share add", "share request")
    assert one_line_error(cli(asked), 1).endswith("[rule share.article]")
    assert shares(cli, case) == []
    assert json.loads(ok(cli("share requests --json")).output) == []


def ad_hoc(ref: str, basis: str, category: str = "zorg-en-gezondheid") -> str:
    return (
        f"share add {ref} --from gemeente --to veilig-thuis --category {category} "
        f"--purpose 'bescherming van de jongere' --legal-basis {shlex.quote(basis)} "
        "--necessity 'Levensgevaar; toestemming vragen kan niet'"
    )


def test_a_free_text_legal_basis_is_bad_input_listing_the_bases(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    line = one_line_error(cli(ad_hoc(case, "omdat het moet")), 2)
    assert "--legal-basis is not an ad-hoc basis 'gemeente' may use" in line
    assert "avg-9-2-c-vitaal-belang" in line and "omdat" not in line
    # The police's own basis is not the gemeente's.
    assert "choose one of" in one_line_error(cli(ad_hoc(case, "wpg-art-19")), 2)
    assert shares(cli, case) == []


def test_health_information_on_vital_interest_is_provided_and_judged_lawful(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    flagged = ok(cli(ad_hoc(case, "avg-9-2-c-vitaal-belang"))).output
    assert "flagged for the privacy officer" in flagged
    # The BSN is a special category vital interest does not carry.
    line = one_line_error(cli(ad_hoc(case, "avg-9-2-c-vitaal-belang", "bsn")), 1)
    assert line.endswith("[rule DEEL-04]")
    provided, _refused = shares(cli, case)
    assert (provided["review"], provided["verdict"]) == ("te beoordelen", None)
    findings = json.loads(ok(cli("audit findings --json", OFFICER)).output)
    assert any(
        f["kind"] == "ad-hoc-te-beoordelen" and provided["share"] in f["detail"] for f in findings
    )

    judged = ok(
        cli(
            f"share review {provided['share']} --verdict rechtmatig "
            "--reason 'Vitaal belang aannemelijk; alleen het nodige verstrekt'",
            OFFICER,
        )
    )
    assert judged.output.strip() == f"Share {provided['share']} judged rechtmatig."
    [row] = json.loads(ok(cli("audit disclosures --json", OFFICER)).output)
    assert (row["verdict"], row["review"], row["finding_open"]) == (
        "rechtmatig",
        "rechtmatig",
        False,
    )
    assert row["review_comment"] == "Vitaal belang aannemelijk; alleen het nodige verstrekt"
    kinds = {f["kind"] for f in json.loads(ok(cli("audit findings --json", OFFICER)).output)}
    assert not kinds & {"ad-hoc-te-beoordelen", "onrechtmatige-verstrekking"}
    line = one_line_error(
        cli(f"share review {provided['share']} --verdict onrechtmatig --reason x", OFFICER), 1
    )
    assert line.endswith("[rule share.review]")
    line = one_line_error(
        cli(f"share review {provided['share']} --verdict misschien --reason x", OFFICER), 2
    )
    assert "--verdict" in line


def test_an_unlawful_verdict_opens_a_finding_that_closes_only_with_a_reason(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    ok(cli(ad_hoc(case, "wmo-5-2-6-veilig-thuis", "gezinssituatie")))
    [share] = shares(cli, case)
    ref = share["share"]
    said = ok(
        cli(f"share review {ref} --verdict onrechtmatig --reason 'Geen meldcode gevolgd'", OFFICER)
    )
    assert "a finding is open" in said.output

    def open_findings() -> list[dict[str, Any]]:
        rows = json.loads(ok(cli("audit findings --json", OFFICER)).output)
        return [f for f in rows if f["kind"] == "onrechtmatige-verstrekking"]

    [finding] = open_findings()
    assert finding["case"] == case and ref in finding["detail"]
    assert "veilig-thuis" in finding["detail"] and "AVG art. 33" in finding["detail"]
    assert "onrechtmatig (bevinding open)" in ok(cli(f"share list {case}", OFFICER)).output

    close = f"share close-finding {ref}"
    line = one_line_error(cli(f"{close} --reason 'Verwijderd'", OFFICER), 2)
    assert "--breach-notified-on DATE or --no-breach-notification" in line
    both = "--no-breach-notification --breach-notified-on 2026-01-02"
    assert one_line_error(cli(f"{close} --reason x {both}", OFFICER), 2)
    line = one_line_error(cli(f"{close} --no-breach-notification", OFFICER), 2)
    assert "--reason" in line
    line = one_line_error(
        cli(
            f"{close} --reason x --no-breach-notification --recipient-asked-on 2019-01-01", OFFICER
        ),
        2,
    )
    assert "--recipient-asked-on must lie between the provision" in line
    # Only the privacy officer closes it.
    assert one_line_error(cli(f"{close} --reason x --no-breach-notification"), 1).endswith(
        "[rule permission.denied]"
    )
    assert len(open_findings()) == 1

    today = share["decided_on"]
    closed = ok(
        cli(
            f"{close} --recipient-asked-on {today} --no-breach-notification "
            "--reason 'Veilig Thuis bevestigde verwijdering; geen risico voor de jongere'",
            OFFICER,
        )
    )
    assert closed.output.strip() == f"Finding on share {ref} closed."
    assert open_findings() == []
    [row] = shares(cli, case)
    assert (row["verdict"], row["finding_open"], row["finding_closed_on"]) == (
        "onrechtmatig",
        False,
        today,
    )
    assert row["finding_closure"].startswith("Veilig Thuis bevestigde")
    line = one_line_error(cli(f"{close} --reason x --no-breach-notification", OFFICER), 1)
    assert line.endswith("[rule share.finding-open]")


def test_an_ad_hoc_police_provision_rests_on_art_19_and_cites_no_besluit(
    cli: Any,  # noqa: F811
    case: str,
) -> None:
    asked = (
        f"share request {case} --from politie --to gemeente --category groepspositie "
        "--purpose 'acute dreiging' --legal-basis wpg-art-19 --necessity 'Dreiging' --json"
    )
    request = json.loads(ok(cli(asked)).output)["request"]
    line = one_line_error(cli(f"share confirm {request[:8]} --instrument BESLUIT-1", POLICE), 2)
    assert "own legal basis" in line
    assert shares(cli, case) == []
    ok(cli(f"share confirm {request[:8]}", POLICE))
    [provided] = shares(cli, case)
    assert (provided["basis"], provided["instrument"], provided["review"]) == (
        "ad hoc: wpg-art-19",
        None,
        "te beoordelen",
    )
