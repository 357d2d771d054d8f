"""Convenants and sharing decisions: the file format, versions and signatures, refused and
ad-hoc shares, the privacy officer's review, and the command line round trip."""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import BadInput, NotFound, Refused
from ledger.sharing.convenantfile import load_convenant
from ledger.sharing.service import ShareRefused
from ledger.sharing.verdicts import ReviewShare
from policies.loader import load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.paths import ROOT

KEY = "jga-test"
OFFICER = "privacy-test"
POLICE = "wijkagent-test"
OM = "officier-test"

CONVENANT = """\
name = "Testconvenant jeugdgroepen"
valid_from = 2026-01-01
valid_until = 2026-12-31

[[purpose]]
key = "groepsaanpak"
label = "Uitvoering van de groepsaanpak"

[[party]]
organisation = "gemeente"
role = "kernpartner"
legal_basis = ["AVG art. 6(1)(e)"]

[[party]]
organisation = "politie"
role = "kernpartner"
legal_basis = ["Wpg art. 20"]

[[party.instrument]]
kind = "wpg-art-20-besluit"
id = "BESLUIT-1"
date = 2026-01-05
version = "1"
scope = "Politiegegevens aan de partners voor de groepsaanpak"

[[party]]
organisation = "om"
role = "kernpartner"
legal_basis = ["Wjsg art. 39f"]

[[party.instrument]]
kind = "wjsg"
id = "WJSG-1"
date = 2026-01-01
version = "1"
scope = "Strafvorderlijke gegevens aan de gemeente"

[[share]]
article = "art. 6 lid 1"
from = "politie"
to = ["gemeente"]
categories = ["identificatie", "groepspositie", "politie-informatie"]
from_step = 2
purposes = ["groepsaanpak"]

[[share]]
article = "art. 7"
from = "om"
to = ["gemeente"]
categories = ["strafrechtelijke-informatie"]
from_step = 3
purposes = ["groepsaanpak"]
"""

EXTRA_PARTY = """
[[party]]
organisation = "{org}"
role = "netwerkpartner"
legal_basis = ["AVG art. 6(1)(e)"]
"""


def provide(ledger: Ledger, cmd: c.RecordShare, by: Acting) -> str:
    """Record ``cmd`` as an actor of its provider (rule share.provider), in ``by``'s case."""
    return ledger.sharing.record_share(cmd, b.provider(ledger, by, cmd.case, cmd.from_org))


def provisions(ledger: Ledger, officer: Acting, **filters: Any) -> list[dict[str, Any]]:
    """The register of disclosures without the namenlijst and groepsscan rows (0030)."""
    rows = ledger.privacy.disclosures(officer, **filters)
    return [row for row in rows if row["kind"] == "verstrekking"]


def write(directory: Path, text: str, name: str = "convenant.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def events_since(ledger: Ledger, mark: int) -> Counter[str]:
    """New events by topic (class name only), after notification ``mark``."""
    notifications = ledger.app.recorder.select_notifications(mark + 1, 100_000)
    return Counter(n.topic.rsplit(":", 1)[-1] for n in notifications)


def mark(ledger: Ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


# -- the convenant file ---------------------------------------------------------------------


def edited(old: str, new: str) -> str:
    """The test convenant with the first ``old`` replaced by ``new``; appended if no ``old``."""
    if not old:
        return CONVENANT + new
    assert old in CONVENANT
    return CONVENANT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        pytest.param(
            "",
            EXTRA_PARTY.format(org="brandweer"),
            "party 'brandweer'",
            "is not a known organisation",
            id="unknown-party",
        ),
        pytest.param(
            '"politie-informatie"]',
            '"schoenmaat"]',
            "share[0].categories",
            "unknown category 'schoenmaat'",
            id="unknown-category",
        ),
        pytest.param(
            'from_step = 3\npurposes = ["groepsaanpak"]',
            'from_step = 3\npurposes = ["nazorg"]',
            "share[1]",
            "purpose 'nazorg' is not declared",
            id="undeclared-purpose",
        ),
        pytest.param(
            "valid_until = 2026-12-31",
            "valid_until = 2025-12-31",
            "convenant",
            "valid_until lies before valid_from",
            id="until-before-from",
        ),
        pytest.param(
            "",
            EXTRA_PARTY.format(org="gemeente"),
            "convenant",
            "a party is listed twice",
            id="duplicate-party",
        ),
        pytest.param(
            'to = ["gemeente"]',
            'to = ["zvh"]',
            "share[0]",
            "'zvh' is not a party",
            id="matrix-names-a-non-party",
        ),
        pytest.param(
            "from_step = 2",
            "from_step = 9",
            "share.0.from_step",
            "less than or equal to 7",
            id="step-out-of-range",
        ),
        pytest.param(
            "[[share]]", "[[deel]]", "deel", "Extra inputs are not permitted", id="unknown-key"
        ),
        pytest.param(
            'kind = "wpg-art-20-besluit"',
            'kind = "besluit"',
            "party[1].instrument[0].kind",
            "unknown instrument kind 'besluit'; known: wpg-art-20-besluit, wjsg",
            id="unknown-instrument-kind",
        ),
        pytest.param(
            "date = 2026-01-05\n",
            "",
            "party.1.instrument.0.date",
            "Field required",
            id="instrument-without-date",
        ),
        pytest.param(
            'id = "WJSG-1"',
            'id = "WJSG-1"\nscope_extra = "x"',
            "party.2.instrument.0.scope_extra",
            "Extra inputs are not permitted",
            id="instrument-unknown-key",
        ),
    ],
)
def test_convenant_file_errors_name_the_file_the_key_and_the_problem(
    tmp_path: Path, old: str, new: str, where: str, problem: str
) -> None:
    path = write(tmp_path, edited(old, new))
    with pytest.raises(BadInput) as raised:
        load_convenant(path, load_policies())
    message = raised.value.message
    assert message.startswith(f"{path}: "), message
    assert where in message and problem in message, message
    assert "\n" not in message


def test_the_example_convenant_loads() -> None:
    example = ROOT / "ledger" / "examples" / "convenant.toml"
    content = load_convenant(example, load_policies())
    assert {p["organisation"] for p in content["party"]} >= {"gemeente", "politie", "om"}


def test_a_bad_convenant_file_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    by = b.seed_actors(ledger)
    before = mark(ledger)
    with pytest.raises(BadInput, match="not valid TOML"):
        ledger.sharing.add_convenant(KEY, write(tmp_path, "name = "), by)
    with pytest.raises(BadInput, match="cannot read"):
        ledger.sharing.add_convenant(KEY, tmp_path / "absent.toml", by)
    with pytest.raises(BadInput, match="unknown category"):
        ledger.sharing.add_convenant(
            KEY, write(tmp_path, edited('"identificatie", ', '"x-ray", ')), by
        )
    assert mark(ledger) == before
    with pytest.raises(NotFound, match=KEY):
        ledger.sharing.convenant(KEY)


# -- versions and signatures ------------------------------------------------------------------


def sign(ledger: Ledger, by: Acting, party: str, on: date | None = None, **extra: Any) -> int:
    return ledger.sharing.sign_convenant(
        c.build(
            c.SignConvenant,
            convenant=KEY,
            party=party,
            signer=f"Ondertekenaar {party}",
            signed_on=on,
            **extra,
        ),
        by,
    )


def test_amending_makes_version_2_and_keeps_version_1_with_its_signatures(
    ledger: Ledger, tmp_path: Path
) -> None:
    by = b.seed_actors(ledger)
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    assert sign(ledger, by, "gemeente", date(2026, 1, 10)) == 1
    amended = CONVENANT.replace("Testconvenant jeugdgroepen", "Testconvenant, herzien")
    assert ledger.sharing.amend_convenant(KEY, write(tmp_path, amended, "v2.toml"), by) == 2
    assert sign(ledger, by, "politie") == 2  # the newest version by default

    first = ledger.sharing.convenant_view(KEY, by, 1)
    assert first["name"] == "Testconvenant jeugdgroepen"
    assert (first["version"], first["versions"]) == (1, 2)
    assert first["signatures"] == {
        "gemeente": {"signer": "Ondertekenaar gemeente", "signed_on": "2026-01-10"}
    }
    newest = ledger.sharing.convenant_view(KEY, by)
    assert newest["name"] == "Testconvenant, herzien"
    assert (newest["version"], set(newest["signatures"])) == (2, {"politie"})
    # The old version can still be signed; the listing shows the newest version.
    assert sign(ledger, by, "om", version=1) == 1
    assert set(ledger.sharing.convenant_view(KEY, by, 1)["signatures"]) == {"gemeente", "om"}
    [listed] = ledger.sharing.convenants(by)
    assert (listed["convenant"], listed["version"], listed["signed_by"]) == (KEY, 2, ["politie"])
    with pytest.raises(Refused, match=r"convenant\.version"):
        ledger.sharing.convenant_view(KEY, by, 3)
    with pytest.raises(Refused, match=r"convenant\.unique"):
        ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)


def test_signing_by_a_non_party_or_twice_is_refused_and_writes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    by = b.seed_actors(ledger)
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    sign(ledger, by, "politie")
    before = mark(ledger)
    with pytest.raises(Refused, match=r"not a party.*\[rule convenant\.party\]"):
        sign(ledger, by, "jongerenwerk")
    with pytest.raises(Refused, match=r"already signed.*\[rule convenant\.party\]"):
        sign(ledger, by, "politie")
    with pytest.raises(Refused, match=r"convenant\.version"):
        sign(ledger, by, "gemeente", version=2)
    with pytest.raises(Refused, match="future"):
        sign(ledger, by, "gemeente", date(2030, 1, 1))
    assert mark(ledger) == before


# -- sharing decisions ---------------------------------------------------------------------------


def register(ledger: Ledger, by: Acting, name: str) -> str:
    return ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name=name, date_of_birth=date(2010, 3, 4)), by
    ).short


def person_level_case(ledger: Ledger, tmp_path: Path) -> tuple[str, str, Acting, Acting]:
    """A case at step 3 with a coordinator, one member on an agreed namenlijst, and the
    test convenant signed by all its parties; returns (ref, member, regisseur, officer)."""
    by = b.seed_actors(ledger)
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=OFFICER,
            display_name="Test Privacy Officer",
            organisation="gemeente",
            roles=["privacy-officer"],
        ),
        ledger.app.acting(b.ADMIN),
    )
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    member = register(ledger, by, "Testpersoon Lid")
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=member, core="kern", influence="negatief"), by
    )
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[member], partners=["gemeente", "politie"]),
        by,
    )
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    for party in ("gemeente", "politie", "om"):
        sign(ledger, by, party, date(2026, 1, 15))
    b.provider(ledger, by, ref, "politie")  # who records the police's provisions
    return ref, member, by, ledger.app.acting(OFFICER, "privacy-officer")


def share(ref: str, **overrides: Any) -> c.RecordShare:
    """An allowed share politie -> gemeente under the test convenant, then ``overrides``."""
    values: dict[str, Any] = dict(
        case=ref,
        from_org="politie",
        to_orgs=["gemeente"],
        categories=["groepspositie"],
        purpose="groepsaanpak",
        convenant=KEY,
        article="art. 6 lid 1",
        necessity="Nodig voor het plan van aanpak",
    )
    values.update(overrides)
    if values.get("convenant") and "instrument" not in overrides:
        values["instrument"] = INSTRUMENTS.get(values["from_org"])  # rule DEEL-10
    return c.build(c.RecordShare, **{k: v for k, v in values.items() if v is not None})


INSTRUMENTS = {"politie": "BESLUIT-1", "om": "WJSG-1"}
"""The instrument each provider that needs one cites, in the test convenant."""


def review_of(share_id: str, verdict: str = "rechtmatig", reason: str = "ok") -> ReviewShare:
    return c.build(ReviewShare, share=share_id, verdict=verdict, reason=reason)


def ad_hoc(ref: str, **overrides: Any) -> c.RecordShare:
    return share(
        ref,
        **{
            "convenant": None,
            "article": None,
            "legal_basis": "avg-9-2-c-vitaal-belang",
            "from_org": "gemeente",
            "to_orgs": ["veilig-thuis"],
            "categories": ["gezinssituatie"],
            "purpose": "zorgen over de thuissituatie",
            "necessity": "Acute zorg",
            **overrides,
        },
    )


def test_an_allowed_share_is_in_the_register_of_disclosures(ledger: Ledger, tmp_path: Path) -> None:
    ref, member, by, officer = person_level_case(ledger, tmp_path)
    share_id = provide(
        ledger, share(ref, subjects=[member], categories=["identificatie", "groepspositie"]), by
    )
    [row] = provisions(ledger, officer)
    assert row["share_id"] == share_id
    # The decision names the policy set that judged it (decision 0022).
    decided = ledger.app.repository.get(UUID(share_id))
    assert decided.policy_hash == ledger.policies.policy_hash
    assert (row["case"], row["step"], row["from"], row["to"]) == (ref, 3, "politie", ["gemeente"])
    assert (row["subjects"], row["categories"]) == (1, ["groepspositie", "identificatie"])
    assert (row["basis"], row["outcome"], row["ad_hoc"]) == (
        f"{KEY} v1 art. 6 lid 1, BESLUIT-1",
        "verstrekt",
        False,
    )
    assert [r["share_id"] for r in provisions(ledger, officer, to_org="politie")] == []
    seen = [r for r in ledger.privacy.who_saw(member, officer) if r["kind"] == "verstrekking"]
    assert [(r["recipients"], r["basis"], r["outcome"]) for r in seen] == [
        (["gemeente"], f"{KEY} v1 art. 6 lid 1, BESLUIT-1", "verstrekt")
    ]


def test_a_refused_share_is_recorded_with_every_rule_and_says_why(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, by, officer = person_level_case(ledger, tmp_path)
    before = mark(ledger)
    with pytest.raises(ShareRefused) as raised:
        provide(
            ledger,
            share(
                ref,
                subjects=[member],
                categories=["strafrechtelijke-informatie"],
                purpose="nieuwsgierigheid",
            ),
            by,
        )
    refused = raised.value
    # The police pass on the OM's criminal information without naming its source: DOEL-01.
    assert refused.rule == "DEEL-04, DEEL-06, DEEL-08, DOEL-01"
    assert refused.exit_code == 1
    assert refused.message.endswith("[rule DEEL-04, DEEL-06, DEEL-08, DOEL-01]")
    assert "Het doel moet een van de doelen van het convenant zijn" in refused.message
    assert "\n" not in refused.message
    assert events_since(ledger, before) == Counter({"Share.Decided": 1})
    [row] = ledger.sharing.share_rows(outcome="geweigerd")
    assert row["share_id"] == refused.share_id
    assert row["refused_by"] == ["DEEL-04", "DEEL-06", "DEEL-08", "DOEL-01"]
    assert row["subjects"] == 1
    assert provisions(ledger, officer) == []
    kinds = [f["kind"] for f in ledger.privacy.findings(officer)]
    assert kinds.count("verstrekking-geweigerd") == 1


def test_criminal_information_from_the_om_waits_for_step_3(ledger: Ledger, tmp_path: Path) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 2)
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    for party in ("gemeente", "om"):
        sign(ledger, by, party, date(2026, 1, 15))
    from_om = share(
        ref, from_org="om", categories=["strafrechtelijke-informatie"], article="art. 7"
    )
    with pytest.raises(ShareRefused) as raised:
        provide(ledger, from_om, by)
    # The matrix also allows it only from step 3, so DEEL-04 and DEEL-08 refuse too.
    assert raised.value.rule == "DEEL-03, DEEL-04, DEEL-08"
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    ledger.cases.advance(b.advance(ref), by)
    provide(ledger, from_om, by)


def test_an_ad_hoc_share_is_flagged_until_the_privacy_officer_reviews_it(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, by, officer = person_level_case(ledger, tmp_path)
    share_id = provide(ledger, ad_hoc(ref, subjects=[member]), by)
    [row] = ledger.sharing.share_rows(ref)
    assert (row["outcome"], row["ad_hoc"], row["reviewed"]) == ("verstrekt", True, False)
    assert row["basis"] == "ad hoc: avg-9-2-c-vitaal-belang"
    assert row["review"] == "te beoordelen"
    assert [r["share_id"] for r in provisions(ledger, officer)] == [share_id]

    def flagged() -> list[dict[str, Any]]:
        return [f for f in ledger.privacy.findings(officer) if f["kind"] == "ad-hoc-te-beoordelen"]

    [finding] = flagged()
    assert share_id[:8] in finding["detail"] and finding["case"] == ref

    before = mark(ledger)
    for wildcard in ("%%%%%%", "______", share_id[:6] + "%"):
        with pytest.raises(BadInput, match=r"^share: the start of an id"):
            ledger.sharing.review(review_of(wildcard), officer)
    assert mark(ledger) == before and len(flagged()) == 1

    review = review_of(share_id[:8], reason="Grondslag en noodzaak voldoende")
    assert ledger.sharing.review(review, officer) == share_id
    assert flagged() == []
    [row] = ledger.sharing.share_rows(ref)
    assert (row["reviewed"], row["review_comment"]) == (True, "Grondslag en noodzaak voldoende")
    assert (row["verdict"], row["review"], row["finding_open"]) == (
        "rechtmatig",
        "rechtmatig",
        False,
    )

    before = mark(ledger)
    with pytest.raises(Refused, match=r"already reviewed.*\[rule share\.review\]"):
        ledger.sharing.review(review, officer)
    assert mark(ledger) == before


def test_only_a_provided_ad_hoc_share_awaits_review(ledger: Ledger, tmp_path: Path) -> None:
    ref, _member, by, officer = person_level_case(ledger, tmp_path)
    under_convenant = provide(ledger, share(ref), by)
    with pytest.raises(ShareRefused) as raised:
        # A special category goes ad hoc only on a basis that carries it: vital interest
        # does not carry the BSN.
        provide(ledger, ad_hoc(ref, categories=["bsn"]), by)
    assert raised.value.rule == "DEEL-04"
    flagged = [f for f in ledger.privacy.findings(officer) if f["kind"] == "ad-hoc-te-beoordelen"]
    assert flagged == []
    before = mark(ledger)
    for share_id in (under_convenant, raised.value.share_id):
        with pytest.raises(Refused, match=r"share\.review"):
            ledger.sharing.review(review_of(share_id), officer)
    with pytest.raises(NotFound):
        ledger.sharing.review(review_of("ffffffff"), officer)
    assert mark(ledger) == before


def test_a_share_about_a_non_member_is_bad_input_and_writes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, by, _officer = person_level_case(ledger, tmp_path)
    stranger = register(ledger, by, "Testpersoon Buitenstaander")
    before = mark(ledger)
    with pytest.raises(BadInput, match="members of the case"):
        provide(ledger, share(ref, subjects=[member, stranger]), by)
    with pytest.raises(BadInput, match="not both"):
        provide(ledger, share(ref, legal_basis="AVG art. 6"), by)
    with pytest.raises(BadInput, match="name the basis"):
        provide(ledger, share(ref, convenant=None, article=None), by)
    with pytest.raises(BadInput, match="--article"):
        provide(ledger, share(ref, article=None), by)
    with pytest.raises(BadInput, match="unknown organisation"):
        provide(ledger, share(ref, to_orgs=["brandweer"]), by)
    with pytest.raises(NotFound):
        provide(ledger, share(ref, convenant="geen-convenant"), by)
    assert mark(ledger) == before
    assert ledger.sharing.share_rows() == []


@pytest.mark.parametrize(
    ("signed", "decided_on", "refused"),
    [
        ({"gemeente": "2026-01-15", "politie": "2026-01-15"}, date(2026, 12, 31), False),
        ({"gemeente": "2026-01-15", "politie": "2026-01-15"}, None, True),  # today: expired
        ({"gemeente": "2026-01-15"}, date(2026, 6, 1), True),  # politie never signed
        ({"gemeente": "2026-01-15", "politie": "2026-03-01"}, date(2026, 2, 28), True),
        ({"gemeente": "2026-01-15", "politie": "2026-03-01"}, date(2026, 3, 1), False),
    ],
    ids=["last-valid-day", "expired", "unsigned", "before-signature", "on-signature-day"],
)
def test_a_share_under_an_expired_or_unsigned_convenant_is_refused_by_deel_05(
    ledger: Ledger,
    tmp_path: Path,
    clock: FixedClock,
    signed: dict[str, str],
    decided_on: date | None,
    refused: bool,
) -> None:
    # The case is at step 3 before any of the dates: a provision is judged on its date.
    clock.set(date(2026, 1, 10))
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    clock.set(date(2027, 1, 5))  # after the test convenant's valid_until (2026-12-31)
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    for party, on in signed.items():
        sign(ledger, by, party, date.fromisoformat(on))
    command = share(ref, decided_on=decided_on)
    if not refused:
        provide(ledger, command, by)
        return
    with pytest.raises(ShareRefused) as raised:
        provide(ledger, command, by)
    assert raised.value.rule == "DEEL-05"
    [row] = ledger.sharing.share_rows(outcome="geweigerd")
    assert row["refused_by"] == ["DEEL-05"]


# -- the command line (SQLite) --------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The CLI on a SQLite ledger with an administrator, a regisseur and a privacy officer.

    ``cli("share list --json", actor=...)`` runs one command line (split like a shell).
    """
    monkeypatch.setenv("REGIE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("REGIE_ACTOR", raising=False)
    monkeypatch.delenv("REGIE_ROLE", raising=False)
    runner = CliRunner()

    def invoke(command: str, actor: str | None = b.REGISSEUR) -> Result:
        env = {"REGIE_ACTOR": actor} if actor else {}
        return runner.invoke(regie, shlex.split(command), env=env, catch_exceptions=False)

    ok(invoke("init"))
    for handle, role, by in (
        (b.ADMIN, "administrator", None),
        (b.REGISSEUR, "regisseur", b.ADMIN),
        (OFFICER, "privacy-officer", b.ADMIN),
    ):
        ok(invoke(f"actor add {handle} --name 'Test {role}' --org gemeente --role {role}", by))
    for handle, org in ((POLICE, "politie"), (OM, "om")):
        ok(
            invoke(
                f"actor add {handle} --name 'Test {org}' --org {org} --role partner-contact",
                b.ADMIN,
            )
        )
    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_convenants_and_shares_through_the_command_line(cli: Any, tmp_path: Path) -> None:
    run = cli
    opened = ok(
        run("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
    )
    ref = json.loads(opened.output)["case"]
    ok(run(f"case participant add {ref} {POLICE} --reason Wijkagent"))
    # Valid from long ago and without end, so that "today" (the real clock) falls inside;
    # group-level shares from step 1.
    path = write(
        tmp_path,
        CONVENANT.replace("valid_until = 2026-12-31\n", "")
        .replace("valid_from = 2026-01-01", "valid_from = 2020-01-01")
        .replace("from_step = 2", "from_step = 1"),
    )
    ok(run(f"convenant add {KEY} --file {shlex.quote(str(path))}"))
    ok(run(f"convenant sign {KEY} --party politie --signer Teamchef"))
    ok(run(f"convenant sign {KEY} --party gemeente --signer Burgemeester"))
    line = one_line_error(run(f"convenant sign {KEY} --party politie --signer Teamchef"), 1)
    assert "already signed" in line and "convenant.party" in line

    shown = json.loads(ok(run(f"convenant show {KEY} --json")).output)
    assert (shown["version"], set(shown["signatures"])) == (1, {"gemeente", "politie"})
    assert "Deelmatrix" in ok(run(f"convenant show {KEY}")).output
    [listed] = json.loads(ok(run("convenant list --json")).output)
    assert (listed["convenant"], listed["signed_by"]) == (KEY, ["gemeente", "politie"])

    under_convenant = (
        f"share add {ref} --from politie --to gemeente --purpose groepsaanpak "
        f"--convenant {KEY} --article 'art. 6 lid 1' --necessity 'Beeld van de groep'"
        " --instrument BESLUIT-1"
    )
    line = one_line_error(run(f"{under_convenant} --category groepspositie"), 1)
    assert line.endswith("[rule share.provider]")
    added = json.loads(ok(run(f"{under_convenant} --category groepspositie --json", POLICE)).output)
    assert (added["outcome"], added["ad_hoc"]) == ("verstrekt", False)
    line = one_line_error(
        run(f"{under_convenant} --category strafrechtelijke-informatie", POLICE), 1
    )
    assert line.startswith("Error: share recorded as refused")
    assert line.endswith("[rule DEEL-04, DEEL-08, DOEL-01]")

    flagged = ok(
        run(
            f"share add {ref} --from gemeente --to veilig-thuis --category gezinssituatie "
            "--purpose zorg --legal-basis avg-9-2-c-vitaal-belang --necessity 'Acute zorg'"
        )
    )
    assert "flagged for the privacy officer" in flagged.output

    shares = json.loads(ok(run(f"share list {ref} --json")).output)
    assert [(s["outcome"], s["refused_by"], s["ad_hoc"]) for s in shares] == [
        ("verstrekt", [], False),
        ("geweigerd", ["DEEL-04", "DEEL-08", "DOEL-01"], False),
        ("verstrekt", [], True),
    ]
    ad_hoc_share = shares[2]
    judge = "--verdict rechtmatig --reason"
    line = one_line_error(run(f"share review % {judge} x", actor=OFFICER), 2)
    assert line.startswith("Error: SHARE must be the start of an id")
    ok(run(f"share review {ad_hoc_share['share']} {judge} 'Voldoende'", actor=OFFICER))
    line = one_line_error(run(f"share review {ad_hoc_share['share']} {judge} x", OFFICER), 1)
    assert "share.review" in line

    exported = ok(run("audit disclosures --csv", actor=OFFICER)).output
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["share_id"], r["from"], r["to"], r["categories"], r["basis"]) for r in rows] == [
        (
            added["share"],
            "politie",
            "gemeente",
            "groepspositie",
            f"{KEY} v1 art. 6 lid 1, BESLUIT-1",
        ),
        (
            ad_hoc_share["share_id"],
            "gemeente",
            "veilig-thuis",
            "gezinssituatie",
            "ad hoc: avg-9-2-c-vitaal-belang",
        ),
    ]
    assert {(r["case"], r["outcome"]) for r in rows} == {(ref, "verstrekt")}
    assert [r["reviewed"] for r in rows] == ["False", "True"]
