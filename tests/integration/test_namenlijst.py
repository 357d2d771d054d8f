"""Namenlijst discipline (issue 11, item 5; decision 0030): a provision about a person is
about someone on the namenlijst in force on its date, or waits for a motivated addition the
partners agree; and a provision dated in the past is judged against the case as it was on
that date, not as it is today."""

from __future__ import annotations

import json
import shlex
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.cases.group import AddToNamenlijst
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.errors import BadInput, Refused
from ledger.sharing.requests import AnswerRequest
from ledger.sharing.service import ShareRefused
from ledger.store.schema import events
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url
from tests.integration.test_sharing import (  # noqa: F401 (the cli fixture)
    CONVENANT,
    KEY,
    OFFICER,
    POLICE,
    cli,
    events_since,
    mark,
    ok,
    one_line_error,
    provide,
    register,
    share,
    sign,
    write,
)

MOTIVATION = "Bij de vechtpartij bij het metrostation op naam aangesproken (Testmotivering)"


def addition(ref: str, subject: str, **values: object) -> AddToNamenlijst:
    fields: dict[str, object] = dict(
        case=ref, subject=subject, motivation=MOTIVATION, agreed_by=["politie", "om"]
    )
    fields.update(values)
    return c.build(AddToNamenlijst, **fields)


def resolve(ledger: Ledger, short: str) -> str:
    return ledger.persons.resolve(short)


def member(ledger: Ledger, by: Acting, ref: str, name: str, **values: object) -> str:
    subject = register(ledger, by, name)
    ledger.group.add_member(
        c.build(
            c.Membership, case=ref, subject=subject, core="aanhang", influence="meeloper", **values
        ),
        by,
    )
    return subject


def convenant(ledger: Ledger, by: Acting, tmp_path: Path) -> None:
    ledger.sharing.add_convenant(KEY, write(tmp_path, CONVENANT), by)
    for party in ("gemeente", "politie", "om"):
        sign(ledger, by, party, date(2026, 1, 15))


def executing_case(ledger: Ledger, tmp_path: Path) -> tuple[str, str, Acting]:
    """A case at step 6 whose namenlijst (version 1) names one member; returns
    (ref, that member, the regisseur)."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    first = member(ledger, by, ref, "Testpersoon Eerste")
    ledger.group.agree_namenlijst(
        c.build(
            c.AgreeNamenlijst, case=ref, subjects=[first], partners=["gemeente", "politie", "om"]
        ),
        by,
    )
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.record_decision(b.decision(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.set_plan(b.plan(ref, actions=2), by)
    ledger.cases.advance(b.advance(ref), by)
    assert ledger.app.case(ref).step == 6
    convenant(ledger, by, tmp_path)
    b.provider(ledger, by, ref, "politie")
    return ref, first, by


# -- item 1: on the namenlijst ---------------------------------------------------------------


def test_a_youth_first_identified_at_step_6_waits_for_a_motivated_addition(
    ledger: Ledger, tmp_path: Path
) -> None:
    """000 L1018: at the fight the police ask youths for their ID and record them by name;
    one of them was never on the agreed namenlijst."""
    ref, first, by = executing_case(ledger, tmp_path)
    newcomer = member(ledger, by, ref, "Testpersoon Nieuw")
    about_newcomer = share(ref, subjects=[newcomer])

    before = mark(ledger)
    with pytest.raises(ShareRefused) as raised:
        provide(ledger, about_newcomer, by)
    assert raised.value.rule == "NAAM-01"
    assert "regie namenlijst add" in raised.value.message
    assert events_since(ledger, before) == Counter({"Share.Decided": 1})  # recorded, refused
    # The others on the list are not held up: a share about them alone is allowed.
    provide(ledger, share(ref, subjects=[first]), by)
    with pytest.raises(ShareRefused, match=r"\[rule NAAM-01\]"):
        provide(ledger, share(ref, subjects=[first, newcomer]), by)

    version = ledger.group.add_to_namenlijst(addition(ref, newcomer), by)
    assert version == 2
    on_list = ledger.app.case(ref).namenlijst_subjects
    assert on_list == sorted([resolve(ledger, first), resolve(ledger, newcomer)])
    provide(ledger, about_newcomer, by)
    provided = ledger.sharing.share_rows(ref, "verstrekt")
    assert [(r["subjects"], r["step"]) for r in provided] == [(1, 6), (1, 6)]


def test_the_addition_is_a_new_version_with_a_sealed_motivation_and_its_partners(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, first, by = executing_case(ledger, tmp_path)
    newcomer = member(ledger, by, ref, "Testpersoon Nieuw")
    before = mark(ledger)
    ledger.group.add_to_namenlijst(addition(ref, newcomer, agreed_by=["om", "politie"]), by)
    # The addition and its access-log entry (a create of personal data, decision 0044).
    assert events_since(ledger, before) == Counter(
        {"Case.NamenlijstAgreed": 1, "Access.Recorded": 1}
    )
    case = ledger.app.case(ref)
    agreed = [
        e
        for e in ledger.app.repository.event_store.get(case.id)
        if isinstance(e, Case.NamenlijstAgreed)
    ]
    assert [e.version for e in agreed] == [1, 2]
    latest = agreed[-1]
    assert latest.partners == ["om", "politie"]
    assert latest.subjects == sorted([resolve(ledger, first), resolve(ledger, newcomer)])
    [added] = latest.additions
    assert added["subject"] == resolve(ledger, newcomer)
    with ledger.store.read() as conn:
        states = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert b"Testmotivering" not in states  # sealed, never in the clear
    # The first version, agreed as a whole, records no additions.
    assert agreed[0].additions == []


def test_an_addition_that_adds_nothing_or_nobody_known_is_refused_and_writes_nothing(
    ledger: Ledger, tmp_path: Path, clock: FixedClock
) -> None:
    ref, first, by = executing_case(ledger, tmp_path)
    stranger = register(ledger, by, "Testpersoon Buiten")
    before = mark(ledger)
    with pytest.raises(Refused, match=r"\[rule namenlijst\.addition\]"):
        ledger.group.add_to_namenlijst(addition(ref, first), by)  # on it already
    with pytest.raises(Refused, match=r"\[rule member\.known\]"):
        ledger.group.add_to_namenlijst(addition(ref, stranger), by)
    with pytest.raises(Refused, match=r"\[rule namenlijst\.date-order\]"):
        newcomer = member(ledger, by, ref, "Testpersoon Laat")
        before = mark(ledger)
        ledger.group.add_to_namenlijst(addition(ref, newcomer, agreed_on=date(2026, 1, 2)), by)
    with pytest.raises(BadInput, match="motivation"):
        ledger.group.add_to_namenlijst(addition(ref, newcomer, motivation="  "), by)
    with pytest.raises(BadInput, match="unknown organisation"):
        ledger.group.add_to_namenlijst(addition(ref, newcomer, agreed_by=["brandweer"]), by)
    assert mark(ledger) == before
    # Without a first namenlijst there is nothing to add to.
    other = b.open_case(ledger, by, "Groep Testhaven")
    b.walk_to_step(ledger, by, other, 3)
    youth = member(ledger, by, other, "Testpersoon Haven")
    with pytest.raises(Refused, match=r"namenlijst agree.*\[rule namenlijst\.addition\]"):
        ledger.group.add_to_namenlijst(addition(other, youth), by)


def test_a_request_about_someone_off_the_list_is_refused_at_its_confirmation(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, _first, by = executing_case(ledger, tmp_path)
    newcomer = member(ledger, by, ref, "Testpersoon Nieuw")
    police = b.provider(ledger, by, ref, "politie")
    asked = ledger.sharing.request_share(share(ref, subjects=[newcomer]), by)
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.confirm_request(c.build(AnswerRequest, request=asked), police)
    assert raised.value.rule == "NAAM-01"
    ledger.group.add_to_namenlijst(addition(ref, newcomer), by)
    again = ledger.sharing.request_share(share(ref, subjects=[newcomer]), by)
    ledger.sharing.confirm_request(c.build(AnswerRequest, request=again), police)


# -- item 2: judged on its date ---------------------------------------------------------------


def dated_case(ledger: Ledger, clock: FixedClock, tmp_path: Path) -> tuple[str, str, Acting]:
    """A case walked over a year: step 2 from 2026-02-02, coordinator 2026-03-02, a member
    from 2026-03-09, namenlijst agreed 2026-04-01, step 3 2026-05-04, step 5 2026-07-01;
    today is 2026-11-22. Returns (ref, the member, the regisseur)."""
    clock.set(date(2026, 2, 1))
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    convenant(ledger, by, tmp_path)
    ledger.cases.record_signal(b.signal(ref), by)
    clock.set(date(2026, 2, 2))
    ledger.cases.advance(b.advance(ref), by)
    clock.set(date(2026, 3, 2))
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    clock.set(date(2026, 3, 9))
    youth = member(ledger, by, ref, "Testpersoon Lid")
    clock.set(date(2026, 4, 1))
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[youth], partners=["gemeente", "politie"]),
        by,
    )
    clock.set(date(2026, 5, 4))
    ledger.cases.advance(b.advance(ref), by)
    clock.set(date(2026, 6, 1))
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.record_decision(b.decision(ref), by)
    clock.set(date(2026, 7, 1))
    ledger.cases.advance(b.advance(ref), by)
    clock.set(date(2026, 11, 22))
    assert ledger.app.case(ref).step == 5
    for org in ("politie", "om"):
        b.provider(ledger, by, ref, org)
    return ref, youth, by


def test_a_provision_dated_before_the_namenlijst_is_refused_though_there_is_one_now(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    ref, youth, by = dated_case(ledger, clock, tmp_path)
    with pytest.raises(ShareRefused) as raised:
        provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 3, 20)), by)
    assert raised.value.rule == "DEEL-02"
    [refused] = ledger.sharing.share_rows(ref, "geweigerd")
    assert (refused["step"], refused["decided_on"]) == (2, "2026-03-20")
    # On the day it was agreed, and today, the same provision is allowed.
    provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 4, 1)), by)
    provide(ledger, share(ref, subjects=[youth]), by)
    # Before the coordinator was designated, even a list would not have helped.
    with pytest.raises(ShareRefused, match=r"\[rule DEEL-02\]"):
        provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 2, 20)), by)


def test_a_provision_dated_in_step_2_is_judged_by_the_rules_of_step_2(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    ref, youth, by = dated_case(ledger, clock, tmp_path)
    criminal = dict(from_org="om", categories=["strafrechtelijke-informatie"], article="art. 7")
    with pytest.raises(ShareRefused) as raised:
        provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 4, 20), **criminal), by)
    # In step 2 no criminal information from the OM, and the matrix allows it from step 3.
    assert raised.value.rule == "DEEL-03, DEEL-04, DEEL-08"
    # The same provision dated after step 3 began, or today at step 5, is allowed.
    provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 5, 4), **criminal), by)
    provide(ledger, share(ref, subjects=[youth], **criminal), by)
    steps = [(r["decided_on"], r["step"]) for r in ledger.sharing.share_rows(ref)]
    assert steps == [("2026-04-20", 2), ("2026-05-04", 3), ("2026-11-22", 5)]


def test_a_provision_dated_before_membership_or_the_case_itself(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    ref, youth, by = dated_case(ledger, clock, tmp_path)
    # A member whose membership runs from a later day was on no namenlijst on an earlier one.
    clock.set(date(2026, 8, 1))
    late = member(ledger, by, ref, "Testpersoon Later", from_date=date(2026, 8, 1))
    ledger.group.add_to_namenlijst(addition(ref, late), by)
    clock.set(date(2026, 11, 22))
    with pytest.raises(ShareRefused, match=r"\[rule NAAM-01\]"):
        provide(ledger, share(ref, subjects=[late], decided_on=date(2026, 7, 15)), by)
    provide(ledger, share(ref, subjects=[late], decided_on=date(2026, 8, 1)), by)
    # A former member stays someone a provision on a day of their membership can be about.
    ledger.group.end_member(
        c.build(c.EndMembership, case=ref, subject=youth, reason="Verhuisd (test)"), by
    )
    provide(ledger, share(ref, subjects=[youth], decided_on=date(2026, 9, 1)), by)
    # Nothing is judged of a case before it existed: bad input, nothing written.
    before = mark(ledger)
    with pytest.raises(BadInput, match="opened on 2026-02-01"):
        provide(ledger, share(ref, decided_on=date(2026, 1, 20)), by)
    assert mark(ledger) == before


# -- the property: judged on day D as a ledger that knows only what took effect by D ----------

DAY0 = date(2026, 2, 2)
GAPS = st.sampled_from((0, 1, 3, 7))
COURSE = (
    "advance", "designate", "member a", "agree", "member b", "advance", "add b", "end a",
    "advance", "advance", "member a", "add a",
)  # fmt: skip
"""A usual course of a case; a timeline leaves out some and swaps some neighbours."""


@dataclass
class Model:
    """Just enough of the case to skip operations the domain would refuse."""

    step: int = 1
    coordinator: bool = False
    members: set[str] = field(default_factory=set)
    joined: set[str] = field(default_factory=set)
    listed: set[str] | None = None

    def allows(self, op: str) -> bool:
        verb, _, who = op.partition(" ")
        person_level = self.step >= 2 and self.coordinator
        if verb == "advance":
            return self.step < 6 and (self.step != 2 or self.coordinator)
        if verb == "designate":
            return not self.coordinator
        if verb == "member":
            return person_level and who not in self.joined
        if verb == "agree":
            return person_level and self.listed is None and bool(self.members)
        if verb == "add":
            return self.listed is not None and who in self.members and who not in self.listed
        return who in self.members  # end

    def apply(self, op: str) -> None:
        verb, _, who = op.partition(" ")
        if verb == "advance":
            self.step += 1
        elif verb == "designate":
            self.coordinator = True
        elif verb == "member":
            self.members.add(who)
            self.joined.add(who)
        elif verb == "agree":
            self.listed = set(self.members)
        elif verb == "add" and self.listed is not None:
            self.listed.add(who)
        else:
            self.members.discard(who)


@st.composite
def timelines(draw: st.DrawFn) -> list[tuple[int, str]]:
    """Operations on a case in the order recorded, each on a day (offset from DAY0) no
    earlier than the one before; only those the domain accepts at that point."""
    ops = [op for op in COURSE if draw(st.sampled_from((True, True, True, False)))]
    for _ in range(draw(st.integers(0, 3))):
        if len(ops) > 1:
            i = draw(st.integers(0, len(ops) - 2))
            ops[i], ops[i + 1] = ops[i + 1], ops[i]
    model, day, out = Model(), 0, []
    for op in ops:
        if model.allows(op):
            day += draw(GAPS)
            model.apply(op)
            out.append((day, op))
    return out


def run(
    ledger: Ledger, clock: FixedClock, timeline: list[tuple[int, str]]
) -> tuple[str, dict[str, str]]:
    """The case of ``timeline``, each operation on its day; returns (ref, subjects by label)."""
    clock.set(DAY0)
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    ledger.cases.record_signal(b.signal(ref), by)
    refs = {label: register(ledger, by, f"Testpersoon {label.upper()}") for label in "ab"}
    for offset, op in timeline:
        clock.set(DAY0 + timedelta(days=offset))
        verb, _, who = op.partition(" ")
        case = ledger.app.case(ref)
        if verb == "advance":
            if case.step == 4:
                ledger.cases.record_decision(b.decision(ref), by)
            if case.step == 5:
                ledger.cases.set_plan(b.plan(ref), by)
            ledger.cases.advance(b.advance(ref), by)
        elif verb == "designate":
            ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
        elif verb == "member":
            ledger.group.add_member(
                c.build(
                    c.Membership, case=ref, subject=refs[who], core="kern", influence="negatief"
                ),
                by,
            )
        elif verb == "agree":
            listed = [refs[x] for x in "ab" if resolve(ledger, refs[x]) in case.members]
            ledger.group.agree_namenlijst(
                c.build(c.AgreeNamenlijst, case=ref, subjects=listed, partners=["politie"]), by
            )
        elif verb == "add":
            ledger.group.add_to_namenlijst(addition(ref, refs[who]), by)
        else:
            ledger.group.end_member(
                c.build(c.EndMembership, case=ref, subject=refs[who], reason="Verhuisd"), by
            )
    return ref, refs


KINDS = {
    "politie": {"categories": ["groepspositie"]},  # the matrix: from step 2
    "om": {"from_org": "om", "categories": ["strafrechtelijke-informatie"], "article": "art. 7"},
}


def verdict(
    ledger: Ledger,
    ref: str,
    refs: dict[str, str],
    subjects: str,
    kind: str,
    on: date | None,
    directory: Path,
) -> tuple[object, ...]:
    """Allowed (with the step recorded), refused (with its rules and step), or bad input."""
    by = ledger.app.acting(b.REGISSEUR, "regisseur")
    convenant(ledger, by, directory)
    command = share(ref, subjects=[refs[x] for x in subjects], decided_on=on, **KINDS[kind])
    try:
        provide(ledger, command, by)
    except ShareRefused as exc:
        return ("refused", exc.rule, ledger.sharing.share_rows(ref)[-1]["step"])
    except BadInput:
        return ("bad input",)
    return ("allowed", ledger.sharing.share_rows(ref)[-1]["step"])


@settings(max_examples=12, deadline=None)
@given(
    timeline=timelines(),
    offset=st.integers(0, 70),
    subjects=st.sampled_from(("", "a", "b", "ab")),
    kind=st.sampled_from(sorted(KINDS)),
)
def test_judging_on_a_day_equals_judging_a_ledger_of_what_took_effect_by_that_day(
    database_kind: str, timeline: list[tuple[int, str]], offset: int, subjects: str, kind: str
) -> None:
    last = timeline[-1][0] if timeline else 0
    offset = min(offset, last + 2)
    day = DAY0 + timedelta(days=offset)
    with (
        fresh_database_url(database_kind) as now_url,
        fresh_database_url(database_kind) as then_url,
        TemporaryDirectory() as directory,
    ):
        now_clock, then_clock = FixedClock(), FixedClock()
        now = open_ledger(now_url, require_initialised=False, clock=now_clock)
        then = open_ledger(then_url, require_initialised=False, clock=then_clock)
        try:
            now.initialise()
            then.initialise()
            # Today's ledger knows the whole history and judges a provision dated ``day``.
            ref, refs = run(now, now_clock, timeline)
            now_clock.set(DAY0 + timedelta(days=last + 3))
            backdated = verdict(now, ref, refs, subjects, kind, day, Path(directory))
            # The other knows only what took effect by ``day``, and judges it on that day.
            then_ref, then_refs = run(then, then_clock, [x for x in timeline if x[0] <= offset])
            then_clock.set(day)
            on_the_day = verdict(then, then_ref, then_refs, subjects, kind, None, Path(directory))
        finally:
            now.close()
            then.close()
    event(f"{on_the_day[0]} on the day")
    if on_the_day == ("bad input",):
        # Nobody by that day: today's ledger knows the subject, and refuses the provision.
        assert backdated[0] in ("refused", "bad input")
    else:
        assert backdated == on_the_day


# -- the command line (SQLite) ----------------------------------------------------------------


def test_the_namenlijst_discipline_through_the_command_line(cli: Any, tmp_path: Path) -> None:  # noqa: F811
    run = cli
    ok(
        run(
            "actor add uc-cli --name 'Test UC' --org gemeente --role uitvoeringscoordinator",
            b.ADMIN,
        )
    )
    ref = json.loads(
        ok(
            run("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
        ).output
    )["case"]
    ok(run(f"case participant add {ref} {POLICE} --reason Wijkagent"))
    ok(
        run(
            f"signal add {ref} --kind overlast --location Testplein --source-org politie "
            "--source-role wijkagent --text 'Groep hangt rond'"
        )
    )
    ok(run(f"step advance {ref} --body ketenoverleg --reason signalen"))
    ok(run(f"case designate {ref} uc-cli"))
    ok(run(f"step advance {ref} --body ketenoverleg --reason beeld"))
    youths = []
    for name in ("Test Jongere Een", "Test Jongere Twee"):
        added = json.loads(ok(run(f"subject add --name '{name}' --dob 2010-04-01 --json")).output)
        youths.append(added["subject"])
        ok(run(f"member add {ref} {added['subject']} --core kern --influence negatief"))
    first, later = youths
    ok(run(f"namenlijst agree {ref} --subject {first} --partner gemeente --partner politie"))
    path = write(
        tmp_path,
        CONVENANT.replace("valid_until = 2026-12-31\n", "").replace(
            "valid_from = 2026-01-01", "valid_from = 2020-01-01"
        ),
    )
    ok(run(f"convenant add {KEY} --file {shlex.quote(str(path))}"))
    ok(run(f"convenant sign {KEY} --party politie --signer Teamchef"))
    ok(run(f"convenant sign {KEY} --party gemeente --signer Burgemeester"))
    about_later = (
        f"share add {ref} --from politie --to gemeente --purpose groepsaanpak --subject {later} "
        f"--convenant {KEY} --article 'art. 6 lid 1' --necessity 'Beeld' --category groepspositie "
        "--instrument BESLUIT-1"
    )
    line = one_line_error(run(about_later, POLICE), 1)
    assert line.endswith("[rule NAAM-01]") and "regie namenlijst add" in line

    line = one_line_error(run(f"namenlijst add {ref} {later} --agreed-by politie"), 2)
    assert "--motivation" in line
    added = json.loads(
        ok(
            run(
                f"namenlijst add {ref} {later} --motivation 'Bij de vechtpartij op naam' "
                "--agreed-by politie --agreed-by om --json"
            )
        ).output
    )
    assert added == {"case": ref, "version": 2, "added": later}
    line = one_line_error(run(f"namenlijst add {ref} {later} --motivation x --agreed-by om"), 1)
    assert line.endswith("[rule namenlijst.addition]")
    ok(run(about_later, POLICE))

    register = json.loads(ok(run("audit disclosures --json", OFFICER)).output)
    assert [(r["kind"], r["share"]) for r in register if r["kind"] == "namenlijst"] == [
        ("namenlijst", "namenlijst v1"),
        ("namenlijst", "namenlijst v2"),
    ]
    assert "namenlijst" in ok(run("audit disclosures", OFFICER)).output
    seen = json.loads(ok(run(f"audit who-saw {later} --json", OFFICER)).output)
    assert [r["recipients"] for r in seen if r["kind"] == "namenlijst"] == [["om", "politie"]]
