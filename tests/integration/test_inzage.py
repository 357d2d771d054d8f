"""The answer to an inzageverzoek (AVG art. 15; issue 12 item 4, decision 0038).

For random ledgers (members, notes, family links, shares under the convenant and ad hoc,
the namenlijst and the groepsscan, closed cases, deferrals) the report must hold a copy of
every personal field and note, name every category held and every recipient in words (the
policy's labels, never a key), and never say a word about a deferral. While the
information duty is deferred the full report is refused ([rule report.restricted]); the
limited answer names UAVG art. 41 and shows nothing the deferral keeps from the subject.
The expectations come from what the scenario recorded, not from the report's code.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.documents import subject_report_text
from ledger.errors import Refused
from ledger.letters.commands import DecideDeferral, DeferLetters, ResumeLetters
from ledger.persons.family import LinkSubjects
from ledger.projections import tables as t
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url
from tests.integration.test_letters import (
    LETTER_DAY,
    POLICIES,
    SHARES,
    YOUTH_NAME,
    World,
    born,
    build_world,
)

SCAN_RECIPIENTS = ["burgemeester", "OM gebiedsofficier"]
TIP_OFF = re.compile(
    r"uitstel|uitgesteld|vertrouwelijk|onderzoek|opsporing|informatieplicht|strafbaar|defer",
    re.IGNORECASE,
)
RAW_DURATION = re.compile(r"\bP\d+[YMWD]\b")
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


def label(kind: str, key: str) -> str:
    return POLICIES.label(kind, key)


def scan(ledger: Ledger, world: World) -> None:
    ledger.group.request_groepsscan(
        c.build(
            c.RequestGroepsscan,
            case=world.ref,
            requested_by="burgemeester",
            motivation="Zicht op de rolverdeling nodig (test)",
        ),
        world.by,
    )
    ledger.group.receive_groepsscan(
        c.build(
            c.ReceiveGroepsscan,
            case=world.ref,
            recipients=SCAN_RECIPIENTS,
            unknown_names=0,
            informatiepositie="matig",
            summary="Synthetische samenvatting",
        ),
        world.by,
    )


def sibling(ledger: Ledger, world: World) -> None:
    other = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name="Test Broer",
            date_of_birth=born(13),
            new_person=True,
        ),
        world.by,
    ).short
    ledger.persons.link(
        c.build(LinkSubjects, subject=world.youth, other=other, relation="broer"), world.by
    )


def defer(ledger: Ledger, world: World) -> None:
    ledger.letters.defer(
        c.build(
            DeferLetters,
            subject=world.youth,
            ground="uavg41",
            reason="Synthetische reden voor uitstel",
            review_date=LETTER_DAY + timedelta(days=60),
        ),
        world.by,
    )
    # UAVG art. 41: the deferral takes effect once the privacy officer confirms it.
    confirm = c.build(DecideDeferral, subject=world.youth, confirm=True, reason="Bevestigd")
    ledger.letters.decide_deferral(confirm, b.privacy_officer(ledger))


def expected(world: World, scenario: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The categories and recipients the scenario recorded, as the policy labels them."""
    categories = {"identificatie", "groepspositie"}
    recipients = {p for p in scenario["partners"] if p != "gemeente"}  # the namenlijst
    for key in scenario["shares"]:
        categories.update(SHARES[key]["categories"])
        recipients.update(SHARES[key]["to_orgs"])
    if scenario["note"]:
        categories.add(scenario["note"])
    if scenario["sibling"]:
        categories.add("gezinssituatie")
    if scenario["scan"]:
        categories.add("politie-informatie")
        recipients.add("politie")
    labels = {label("category", k) for k in categories}
    named = {label("organisation", o) for o in recipients}
    if scenario["scan"]:
        named.update(r[:1].upper() + r[1:] for r in SCAN_RECIPIENTS)
    return labels, named


def no_keys(text: str, scenario: dict[str, Any]) -> list[str]:
    """Raw keys of the ledger that the subject-facing text contains."""
    found = []
    if RAW_DURATION.search(text):
        found.append("an ISO 8601 duration")
    if re.search(r"\b\d{4}-\d{2}-\d{2}\b", text):
        found.append("an ISO date")
    keys = {k for s in scenario["shares"] for k in SHARES[s]["categories"] if "-" in k}
    keys |= {o for s in scenario["shares"] for o in SHARES[s]["to_orgs"] if "-" in o}
    for purpose in {s["purpose"] for s in SHARES.values() if s.get("convenant")}:
        if f"doel: {purpose};" in text or f"  - {purpose}\n" in text:
            found.append(purpose)  # the convenant's key of a purpose, not its label
    for key in sorted(k for k in keys if k):
        if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text):
            found.append(key)
    for line in text.splitlines():
        item = line.strip().removeprefix("- ")
        if item in {o.key for o in POLICIES.organisations.organisation}:
            found.append(item)
    return found


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "partners": tuple(
            draw(
                st.lists(
                    st.sampled_from(["gemeente", "politie", "jongerenwerk", "zvh"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
        ),
        "shares": tuple(draw(st.lists(st.sampled_from(sorted(SHARES)), max_size=3, unique=True))),
        "note": draw(st.sampled_from([None, "school", "gezinssituatie"])),
        "close_term": draw(st.sampled_from([None, "P1Y", "P3Y"])),
        "scan": draw(st.booleans()),
        "sibling": draw(st.booleans()),
        "deferred": draw(st.booleans()),
    }


@settings(max_examples=20, deadline=None)
@given(scenario=scenarios())
def test_the_report_is_complete_in_words_and_never_tips_off(
    database_kind: str, scenario: dict[str, Any]
) -> None:
    clock = FixedClock(LETTER_DAY)
    with fresh_database_url(database_kind) as url, tempfile.TemporaryDirectory():
        ledger = open_ledger(url, require_initialised=False, clock=clock)
        try:
            ledger.initialise()
            world = build_world(
                ledger,
                clock,
                born(15),
                partners=scenario["partners"],
                shares=scenario["shares"],
                note=scenario["note"],
                close_term=scenario["close_term"],
            )
            if scenario["scan"] and not scenario["close_term"]:  # a closed case takes none
                scan(ledger, world)
            else:
                scenario = {**scenario, "scan": False}
            if scenario["sibling"]:
                sibling(ledger, world)
            officer = b.privacy_officer(ledger)
            if scenario["deferred"] and not scenario["close_term"]:
                defer(ledger, world)
                for subject in (world.youth, *world.representatives):
                    with pytest.raises(Refused) as refused:
                        ledger.privacy.subject_report(subject, officer)
                    assert refused.value.rule == "report.restricted"
                report = ledger.privacy.subject_report(world.youth, officer, limited=True)
                text = subject_report_text(report)
                assert report["limited"] and "artikel 41" in text
                assert report["recipients"] == [] and report["provisions"] == []
                assert report["notes"] == [] and report["memberships"] == []
                assert YOUTH_NAME in text  # the copy of the identifying data stays
                assert not TIP_OFF.search(text), TIP_OFF.search(text)
                assert no_keys(text, scenario) == []
                return
            report = ledger.privacy.subject_report(world.youth, officer)
            text = subject_report_text(report)
            categories, recipients = expected(world, scenario)
            assert set(report["categories"]) == categories
            assert set(report["recipients"]) == recipients
            for item in categories | recipients:
                assert f"  - {item}" in text
            # A copy of the data themselves (art. 15(3)), dates in Dutch.
            assert f"Naam: {YOUTH_NAME}" in text and "Adres: Teststraat 1, Teststad" in text
            day = born(15)
            assert f"Geboortedatum: {day.day} {MONTHS.split()[day.month - 1]} {day.year}" in text
            if scenario["note"]:
                assert "Synthetische notitie" in text
            if scenario["sibling"]:
                assert "uw broer" in text
            if scenario["close_term"]:
                assert f"{scenario['close_term'][1]} jaar te bewaren" in text
            assert not TIP_OFF.search(text), TIP_OFF.search(text)
            assert no_keys(text, scenario) == []
            assert not report["limited"] and report["limitation"] is None
        finally:
            ledger.close()


def test_the_report_is_logged_as_an_export_for_the_inzageverzoek(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = build_world(ledger, clock, born(17))
    officer = b.privacy_officer(ledger)
    ledger.privacy.subject_report(world.youth, officer)
    ledger.queries.projections.catch_up()
    rows = ledger.queries.rows(
        select(t.access_log).where(t.access_log.c.command == "audit.subject-report")
    )
    assert [(r["action"], r["purpose"], r["outcome"]) for r in rows] == [
        ("export", "inzageverzoek", "granted")
    ]


def test_a_limited_answer_is_only_given_while_a_deferral_holds(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = build_world(ledger, clock, born(17))
    officer = b.privacy_officer(ledger)
    assert ledger.privacy.subject_report(world.youth, officer, limited=True)["limited"] is False
    defer(ledger, world)
    before = ledger.queries.rows(select(t.access_log))
    with pytest.raises(Refused) as refused:
        ledger.privacy.subject_report(world.youth, officer)
    assert refused.value.rule == "report.restricted"
    assert YOUTH_NAME not in str(refused.value)
    assert ledger.queries.rows(select(t.access_log)) == before  # a refusal writes nothing
    ledger.letters.resume(
        c.build(ResumeLetters, subject=world.youth, reason="Synthetische reden"), world.by
    )
    report = ledger.privacy.subject_report(world.youth, officer)
    assert not report["limited"] and report["provisions"]


def test_dates_in_the_report_are_dutch() -> None:
    from ledger.privacy.inzage import words_date

    assert words_date("2028-02-29") == "29 februari 2028"
    assert words_date(date(2030, 12, 31)) == "31 december 2030"
    assert words_date(None) is None
