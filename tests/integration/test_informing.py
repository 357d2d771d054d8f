"""Informing as practised (AVG art. 14 is vormvrij, 000 L1553-1561, L280-282): by phone
through a partner, at the home conversation, with or without a generated letter; the
two-step deferral (UAVG art. 41); the deadline at the first provision; and what the
privacy officer finds. Everybody in here is synthetic ("Test Jongere Een")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused, Unauthorised
from ledger.letters.commands import (
    DecideDeferral,
    DeferLetters,
    DeliverLetter,
    GenerateLetters,
    InformSubject,
)
from ledger.store.schema import events
from policies.loader import PolicyError, load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_letters import LETTER_DAY, World, born, build_world, generate

TOLD = "Moeder gebeld door Loket Jeugd: uitgelegd welke gegevens we delen en waarom"


def _row(ledger: Ledger, world: World, **kwargs: Any) -> dict[str, Any]:
    rows = [r for r in ledger.letters.due(world.by, **kwargs) if r["subject"] == world.youth]
    assert rows, "the youth is listed"
    return rows[0]


def inform(world: World, **fields: Any) -> InformSubject:
    return c.build(InformSubject, subject=world.youth, **fields)


def refused(rule: str, attempt: Any) -> None:
    with pytest.raises(Refused) as info:
        attempt()
    assert info.value.rule == rule


def _findings(ledger: Ledger, kind: str) -> list[dict[str, Any]]:
    return [f for f in ledger.privacy.findings(b.privacy_officer(ledger)) if f["kind"] == kind]


def test_a_partner_phones_the_parents_and_the_youth_is_told_at_home(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = build_world(ledger, clock, born(14), shares=())
    partner = b.provider(ledger, world.by, world.ref, "jongerenwerk")
    clock.set(date(2026, 9, 20))
    phoned = ledger.letters.inform(
        inform(world, how="telefoon", to="vertegenwoordiger", told=TOLD), partner
    )
    assert (phoned["addressee"], phoned["kind"], phoned["by_org"]) == (
        world.representatives[0],
        "wettelijk-vertegenwoordiger",
        "jongerenwerk",
    )
    assert phoned["letter_sha256"] is None and phoned["on"] == "2026-09-20"
    row = _row(ledger, world, everything=True)
    assert row["status"] == "due"  # the youth has not been told yet
    ledger.letters.inform(
        inform(world, how="huisgesprek", to="jongere", told="Uitgelegd bij het huisgesprek"),
        world.by,
    )
    row = _row(ledger, world, everything=True)
    assert row["status"] == "informed" and not row["open"] and not row["late"]
    assert {(x["how"], x["by"], x["org"]) for x in row["informed"]} == {
        ("telefoon", partner.actor, "jongerenwerk"),
        ("huisgesprek", b.REGISSEUR, "gemeente"),
    }
    assert all(not x["with_letter"] for x in row["informed"])
    refused(
        "informing.once",
        lambda: ledger.letters.inform(
            inform(world, how="telefoon", to="jongere", told="nogmaals"), world.by
        ),
    )
    # What was told is sealed: nowhere in the events in plain text.
    with ledger.store.read() as conn:
        stored = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert TOLD.encode() not in stored and b"Moeder gebeld" not in stored


def test_the_letter_handed_over_by_the_jongerenwerker(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17), shares=())
    partner = b.provider(ledger, world.by, world.ref, "jongerenwerk")
    clock.set(date(2026, 9, 10))
    refused(
        "letter.generate-first",
        lambda: ledger.letters.inform(
            inform(world, how="via-partner", to="jongere", with_letter=True), partner
        ),
    )
    (letter,) = generate(ledger, world, tmp_path)
    handed = ledger.letters.inform(
        inform(world, how="via-partner", to="jongere", with_letter=True), partner
    )
    assert handed["letter_sha256"] == letter.content_sha256
    row = _row(ledger, world, everything=True)
    assert row["status"] == "informed" and row["letters"][0]["delivered_on"] == "2026-09-10"


def test_who_may_record_informing_and_for_whom(ledger: Ledger, clock: FixedClock) -> None:
    world = build_world(ledger, clock, born(14), representatives=2, shares=())
    partner = b.provider(ledger, world.by, world.ref, "jongerenwerk")
    # A partner contact records only what their own organisation did.
    refused(
        "informing.own-organisation",
        lambda: ledger.letters.inform(
            inform(world, how="telefoon", to="jongere", by_org="politie", told=TOLD), partner
        ),
    )
    # Through a partner means another organisation than the sender.
    refused(
        "informing.via-partner",
        lambda: ledger.letters.inform(
            inform(world, how="via-partner", to="jongere", told=TOLD), world.by
        ),
    )
    with pytest.raises(BadInput, match="--addressee"):
        ledger.letters.inform(
            inform(world, how="telefoon", to="vertegenwoordiger", told=TOLD), world.by
        )
    with pytest.raises(BadInput, match="--told"):
        ledger.letters.inform(inform(world, how="telefoon", to="jongere"), world.by)
    refused(
        "informing.addressee",
        lambda: ledger.letters.inform(
            inform(world, how="telefoon", to="vertegenwoordiger", addressee=world.youth, told=TOLD),
            world.by,
        ),
    )
    refused(
        "informing.date",
        lambda: ledger.letters.inform(
            inform(world, how="telefoon", to="jongere", told=TOLD, informed_on=date(2026, 9, 1)),
            world.by,
        ),
    )
    chosen = ledger.letters.inform(
        inform(
            world,
            how="telefoon",
            to="vertegenwoordiger",
            addressee=world.representatives[1],
            told=TOLD,
        ),
        partner,
    )
    assert chosen["addressee"] == world.representatives[1]
    # A partner contact of another case may not record it at all.
    outsider = _outsider(ledger)
    with pytest.raises(Unauthorised):
        ledger.letters.inform(inform(world, how="telefoon", to="jongere", told=TOLD), outsider)


def _outsider(ledger: Ledger) -> Acting:
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle="buiten-test",
            display_name="Test Buiten",
            organisation="jongerenwerk",
            roles=["partner-contact"],
        ),
        ledger.app.acting(b.ADMIN),
    )
    return ledger.app.acting("buiten-test")


def test_a_youth_of_12_to_15_without_a_representative_is_a_finding(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(13), representatives=0, shares=())
    (letter,) = generate(ledger, world, tmp_path)
    assert letter.kind == "jongere"
    ledger.letters.hand_over(
        c.build(
            DeliverLetter,
            subject=world.youth,
            addressee=letter.addressee,
            how="overhandigd",
        ),
        world.by,
    )
    row = _row(ledger, world)  # still listed: the parents are not informed
    assert row["missing_representative"] and row["open"]
    [found] = _findings(ledger, "vertegenwoordiger-onbekend")
    assert world.youth in found["detail"] and found["case"] == world.ref


def test_a_youth_of_16_needs_no_representative(ledger: Ledger, clock: FixedClock) -> None:
    world = build_world(ledger, clock, born(16), representatives=0, shares=())
    assert not _row(ledger, world)["missing_representative"]
    assert not _findings(ledger, "vertegenwoordiger-onbekend")


def test_overdue_letters_are_findings_and_the_deadline_is_the_first_provision(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = build_world(ledger, clock, born(17))  # the police provided on 2026-09-05
    row = _row(ledger, world)
    assert row["deadline"] == "2026-09-05" and row["status"] == "overdue"
    [late] = _findings(ledger, "informatieplicht-te-laat")
    assert late["on"] == "2026-09-05" and world.youth in late["detail"]
    ledger.letters.inform(inform(world, how="telefoon", to="jongere", told=TOLD), world.by)
    [late] = _findings(ledger, "informatieplicht-te-laat")
    assert "na de termijn" in late["detail"]  # informed, but late: still on the record


def test_the_deadline_at_first_provision_is_policy_data(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    default = Path(ledger.app.policies.sources["letters"])
    (policy_dir / "letters.toml").write_text(
        default.read_text(encoding="utf-8").replace(
            "deadline_at_first_disclosure = true", "deadline_at_first_disclosure = false"
        ),
        encoding="utf-8",
    )
    ledger.app.policies = load_policies(policy_dir)
    world = build_world(ledger, clock, born(17))
    assert _row(ledger, world)["deadline"] == "2026-10-03"


def test_a_deferral_under_uavg41_waits_for_the_privacy_officer(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17), shares=())
    clock.set(date(2026, 9, 20))
    defer = c.build(
        DeferLetters,
        subject=world.youth,
        ground="uavg41",
        reason="Lopend opsporingsonderzoek",
        review_date=date(2027, 1, 15),
    )
    ledger.letters.defer(defer, world.by)
    row = _row(ledger, world)
    assert row["status"] == "deferral awaiting the privacy officer" and row["open"]
    assert row["deferred_until"] is None
    clock.set(date(2026, 10, 10))
    assert _row(ledger, world)["late"]  # the deadline runs while the deferral waits
    officer = b.privacy_officer(ledger)
    # Only the privacy officer decides, and never whoever deferred.
    decide = c.build(DecideDeferral, subject=world.youth, confirm=False, reason="Geen onderzoek")
    refused("letter.deferral-confirmer", lambda: ledger.letters.decide_deferral(decide, world.by))
    assert ledger.letters.decide_deferral(decide, officer) == "rejected"
    assert _row(ledger, world)["status"] == "overdue"
    refused("letter.deferral-not-pending", lambda: ledger.letters.decide_deferral(decide, officer))
    # Deferred again, and confirmed: now it holds, and generation waits for it.
    ledger.letters.defer(defer.model_copy(update={"deferred_on": date(2026, 10, 10)}), world.by)
    confirm = decide.model_copy(update={"confirm": True, "reason": "Bevestigd"})
    assert ledger.letters.decide_deferral(confirm, officer) == "confirmed"
    row = _row(ledger, world, everything=True)
    assert row["status"] == "deferred until 2027-01-15" and row["deferred_by"] == b.REGISSEUR
    with pytest.raises(Refused):
        ledger.letters.generate(
            c.build(GenerateLetters, subject=world.youth, format="txt"), world.by, tmp_path
        )


def test_art14_5b_takes_effect_at_once_unless_the_policy_asks_confirmation(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = build_world(ledger, clock, born(17), shares=())
    defer = c.build(
        DeferLetters,
        subject=world.youth,
        ground="art14-5b",
        reason="Informeren schaadt de aanpak",
        review_date=date(2027, 1, 15),
    )
    ledger.letters.defer(defer, world.by)
    assert _row(ledger, world, everything=True)["status"] == "deferred until 2027-01-15"


def test_a_letter_naming_a_controller_without_details_is_refused(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    default = Path(ledger.app.policies.sources["letters"]).read_text(encoding="utf-8")
    start = default.index('[[controller]]\norganisation = "zvh"')
    end = default.index("[[controller]]", start + 1)
    (policy_dir / "letters.toml").write_text(default[:start] + default[end:], encoding="utf-8")
    ledger.app.policies = load_policies(policy_dir)
    world = build_world(ledger, clock, born(17), partners=("politie", "zvh"))
    out = tmp_path / "out"
    with pytest.raises(Refused) as info:
        generate(ledger, world, out)
    assert info.value.rule == "letter.controller-details" and "'zvh'" in info.value.message
    assert not out.exists()


def test_the_sender_needs_a_signatory(tmp_path: Path) -> None:
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    default = (Path(load_policies().sources["letters"])).read_text(encoding="utf-8")
    (policy_dir / "letters.toml").write_text(
        default.replace('signatory = "A. Voorbeeld"\n', ""), encoding="utf-8"
    )
    with pytest.raises(PolicyError) as info:
        load_policies(policy_dir)
    assert "letters.toml" in str(info.value) and "signatory" in str(info.value)


def test_every_category_is_explained_to_the_youth(tmp_path: Path) -> None:
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    default = (Path(load_policies().sources["letters"])).read_text(encoding="utf-8")
    lines = [x for x in default.splitlines() if not x.startswith("sociale-media = ")]
    (policy_dir / "letters.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policies(policy_dir)
    assert "explain.sociale-media" in str(info.value)


def test_the_personal_paragraph_is_sealed_with_the_letter(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17), shares=())
    personal = "We maken ons zorgen omdat Test Jongere Een vaak laat op straat is."
    (letter,) = generate(ledger, world, tmp_path, personal=personal)
    assert personal in letter.text
    with ledger.store.read() as conn:
        stored = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert b"vaak laat op straat" not in stored
    assert LETTER_DAY.isoformat() == letter.path.stem[-10:]


def test_a_partner_contact_records_their_own_handing_over(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(14), shares=())
    partner = b.provider(ledger, world.by, world.ref, "jongerenwerk")
    made = generate(ledger, world, tmp_path)
    for letter in made:
        ledger.letters.hand_over(
            c.build(
                DeliverLetter, subject=world.youth, addressee=letter.addressee, how="overhandigd"
            ),
            partner,
        )
    row = _row(ledger, world, everything=True)
    assert row["status"] == "handed over"
    assert {x["by"] for x in row["informed"]} == {partner.actor}
    with pytest.raises(Unauthorised):  # generating stays with the municipality
        generate(ledger, World(world.ref, world.youth, [], partner, world.expected), tmp_path)
