"""The information duty (AVG art. 13/14): letters due, generated, delivered and deferred.

The checker below reads the rendered text of a letter and looks for every element AVG
art. 14 requires, with the values the scenario itself put into the ledger. Everybody in
here is synthetic ("Test Jongere Een").
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cli.main import regie
from ledger import commands as c
from ledger.access.gate import AccessLog
from ledger.bootstrap import Ledger, open_ledger
from ledger.demo.sharing import EXAMPLE_CONVENANT
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused, Unauthorised
from ledger.letters.commands import (
    DecideDeferral,
    DeferLetters,
    DeliverLetter,
    GenerateLetters,
    ResumeLetters,
)
from ledger.letters.service import age_on
from ledger.letters.triggers import letter_of
from ledger.projections import tables as t
from ledger.store.schema import events
from policies.loader import PolicyError, load_policies
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url
from tests.letter_checker import ControllerFacts, Expected, missing_art14_elements, pdf_facts

LETTER_DAY = date(2026, 11, 22)
BUILD_DAY = date(2026, 9, 1)
LISTED_ON = date(2026, 9, 3)
YOUTH_NAME = "Test Jongere Een"
CONVENANT = tomllib.loads(EXAMPLE_CONVENANT.read_text(encoding="utf-8"))
POLICIES = load_policies()

# Shares that the example convenant's matrix allows from step 2 (and one ad hoc).
SHARES: dict[str, dict[str, Any]] = {
    "politie-gemeente": dict(
        from_org="politie",
        to_orgs=["gemeente"],
        categories=["identificatie", "groepspositie"],
        purpose="groepsaanpak",
        convenant="jga-test",
        article="art. 6 lid 1",
        instrument="JGA-2026-01",  # the example's besluit ex art. 20 Wpg (DEEL-10)
    ),
    "gemeente-partners": dict(
        from_org="gemeente",
        to_orgs=["politie", "jongerenwerk"],
        categories=["school"],
        purpose="groepsaanpak",
        convenant="jga-test",
        article="art. 6 lid 2",
    ),
    "jongerenwerk-gemeente": dict(
        from_org="jongerenwerk",
        to_orgs=["gemeente"],
        categories=["sociale-media"],
        purpose="groepsaanpak",
        convenant="jga-test",
        article="art. 8",
    ),
    "ad-hoc-veilig-thuis": dict(
        from_org="gemeente",
        to_orgs=["veilig-thuis"],
        categories=["gezinssituatie"],
        purpose="zorgen over de thuissituatie",
        legal_basis="wmo-5-2-6-veilig-thuis",
    ),
}


# -- the checker (tests/letter_checker.py) -------------------------------------------------


def provide(ledger: Ledger, cmd: c.RecordShare, by: Acting) -> str:
    """Record ``cmd`` as an actor of its provider (rule share.provider), in ``by``'s case."""
    return ledger.sharing.record_share(cmd, b.provider(ledger, by, cmd.case, cmd.from_org))


# -- building a scenario ---------------------------------------------------------------------


@dataclass
class World:
    ref: str
    youth: str
    representatives: list[str]
    by: Acting
    expected: Expected


def _label(kind: str, key: str) -> str:
    return POLICIES.label(kind, key)


def _advance_to_close(ledger: Ledger, by: Acting, ref: str, term: str) -> None:
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.record_decision(b.decision(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.set_plan(b.plan(ref, actions=2), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    handover = {n: {"organisation": "jongerenwerk", "note": "regulier"} for n in (1, 2)}
    ledger.cases.close_case(b.close(ref, handover=handover, bewaartermijn=term), by)


def _convenant(ledger: Ledger, by: Acting) -> None:
    ledger.sharing.add_convenant("jga-test", EXAMPLE_CONVENANT, by)
    for party in ("gemeente", "politie", "om", "jongerenwerk"):
        ledger.sharing.sign_convenant(
            c.build(
                c.SignConvenant,
                convenant="jga-test",
                party=party,
                signer="Test Ondertekenaar",
                signed_on=date(2026, 1, 10),
            ),
            by,
        )


def build_world(
    ledger: Ledger,
    clock: FixedClock,
    date_of_birth: date,
    representatives: int = 1,
    partners: tuple[str, ...] = ("politie", "jongerenwerk"),
    shares: tuple[str, ...] = ("politie-gemeente",),
    note: str | None = None,
    close_term: str | None = None,
) -> World:
    """A case at step 3 with one youth on the namenlijst, optional shares, closed or not."""
    clock.set(BUILD_DAY)
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    persons = ledger.persons
    youth = persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name=YOUTH_NAME,
            date_of_birth=date_of_birth,
            address="Teststraat 1, Teststad",
        ),
        by,
    ).short
    reps = [
        persons.register(
            c.build(
                c.RegisterSubject,
                kind="wettelijk-vertegenwoordiger",
                name=f"Test Vertegenwoordiger {i + 1}",
                address="Teststraat 1, Teststad",
                representative_of=youth,
            ),
            by,
        ).short
        for i in range(representatives)
    ]
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=youth, core="kern", influence="negatief"), by
    )
    if note:
        persons.record_note(
            c.build(c.RecordNote, subject=youth, category=note, text="Synthetische notitie"), by
        )
    clock.set(LISTED_ON)
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[youth], partners=list(partners)), by
    )
    if any("convenant" in SHARES[s] for s in shares):
        _convenant(ledger, by)
    for number, key in enumerate(shares):
        clock.set(LISTED_ON + timedelta(days=2 + number))
        provide(
            ledger,
            c.build(
                c.RecordShare,
                case=ref,
                subjects=[youth],
                necessity="Nodig voor de groepsaanpak",
                **SHARES[key],
            ),
            by,
        )
    if close_term:
        clock.set(date(2026, 10, 1))
        _advance_to_close(ledger, by, ref, close_term)
    clock.set(LETTER_DAY)
    return World(ref, youth, reps, by, expected(partners, shares, note, close_term))


def controller_facts(org: str) -> ControllerFacts:
    found = POLICIES.letters.controller_of(org)
    assert found is not None, f"the default letters.toml names controller {org}"
    return ControllerFacts(found.name, found.address, found.contact, found.fg)


def org_name(org: str) -> str:
    found = POLICIES.letters.controller_of(org)
    return found.name if found is not None else _label("organisation", org)


def expected(
    partners: tuple[str, ...],
    shares: tuple[str, ...],
    note: str | None,
    close_term: str | None,
    personal: str | None = None,
) -> Expected:
    letters = POLICIES.letters
    used = [SHARES[s] for s in shares]
    convenant_used = any("convenant" in s for s in used)
    controllers = ["gemeente"]
    bases: list[str] = []
    if convenant_used:
        controllers += [party["organisation"] for party in CONVENANT["party"]]
        for party in CONVENANT["party"]:
            bases += party["legal_basis"]
    else:
        bases += letters.sender.legal_basis
    controllers += list(partners)
    purposes = [letters.sender.purpose]
    labels = {p["key"]: p["label"] for p in CONVENANT["purpose"]}
    for share in used:
        purposes.append(labels.get(share["purpose"], share["purpose"]))
        if "legal_basis" in share:  # the policy's citation of the ad-hoc basis
            bases.append(POLICIES.sharing.citation(share["legal_basis"]))
    categories = {"identificatie", "groepspositie", *([note] if note else [])}
    for share in used:
        categories.update(share["categories"])
    sources = {"gemeente", *partners, *(s["from_org"] for s in used)}
    recipients = {p for p in partners if p != "gemeente"}
    for share in used:
        recipients.update(share["to_orgs"])
    intended: set[str] = set()
    if convenant_used:
        for rule in CONVENANT["share"]:
            if categories & set(rule["categories"]):
                intended.update(o for o in rule["to"] if o != "gemeente")
    retention = []
    if close_term:
        years = int(close_term[1:-1])
        retention.append(f"{years} jaar te bewaren, tot ")
    else:
        retention.append("de termijn wordt bij de afronding afgesproken")
    sender = letters.controller_of("gemeente")
    assert sender is not None and sender.signatory
    return Expected(
        controllers=[controller_facts(o) for o in dict.fromkeys(controllers)],
        purposes=purposes,
        legal_bases=bases,
        categories=[_label("category", k) for k in sorted(categories)],
        sources=[org_name(k) for k in sorted(sources)],
        recipients=[org_name(k) for k in sorted(recipients)],
        intended=[org_name(k) for k in sorted(intended - recipients)],
        arrangement=letters.texts.arrangement,
        signatory=sender.signatory,
        retention=retention,
        personal=personal,
    )


def youth_expected(base: Expected) -> Expected:
    """The youth's letter says the same in plain words: the youth's arrangement text
    and a plain explanation of every category."""
    letters = POLICIES.letters
    keys = {_label("category", c.key): c.key for c in POLICIES.persoonsgegevens.category}
    return Expected(
        **{
            **base.__dict__,
            "arrangement": letters.texts.arrangement_youth,
            "explanations": {label: letters.explain[keys[label]] for label in base.categories},
        }
    )


def born(age: int, extra_days: int = 0) -> date:
    """A date of birth: ``age`` years old on LETTER_DAY, plus ``extra_days`` older."""
    return LETTER_DAY.replace(year=LETTER_DAY.year - age) - timedelta(days=extra_days)


def generate(
    ledger: Ledger,
    world: World,
    out: Path,
    fmt: str = "txt",
    on: date | None = None,
    personal: str | None = None,
) -> list[Any]:
    cmd = c.build(
        GenerateLetters, subject=world.youth, format=fmt, letter_date=on, personal=personal
    )
    return ledger.letters.generate(cmd, world.by, out)


def letter_text(letter: Any) -> str:
    """What the addressee reads: the file's text, or the text extracted from the PDF."""
    if letter.path.suffix == ".pdf":
        return pdf_facts(letter.path.read_bytes()).text
    return str(letter.path.read_text(encoding="utf-8"))


def check(letter: Any, world: World) -> list[str]:
    wanted = world.expected if letter.kind != "jongere" else youth_expected(world.expected)
    return missing_art14_elements(letter_text(letter), wanted, youth=letter.kind == "jongere")


def refused_by(rule: str, attempt: Any) -> None:
    with pytest.raises(Refused) as info:
        attempt()
    assert info.value.rule == rule


# -- the property: every letter is complete ---------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "age": draw(st.one_of(st.sampled_from([11, 12, 15, 16]), st.integers(8, 20))),
        "extra_days": draw(st.integers(min_value=0, max_value=364)),
        "representatives": draw(st.integers(min_value=0, max_value=2)),
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
        "close_term": draw(st.sampled_from([None, None, "P1Y", "P3Y"])),
        "format": draw(st.sampled_from(["txt", "md", "pdf"])),
        "personal": draw(
            st.sampled_from(
                [None, "We maken ons zorgen omdat Test Jongere Een vaak laat op straat is."]
            )
        ),
    }


@settings(max_examples=25)
@given(scenario=scenarios())
def test_every_generated_letter_has_every_art14_element(
    database_kind: str, scenario: dict[str, Any]
) -> None:
    clock = FixedClock(LETTER_DAY)
    with fresh_database_url(database_kind) as url, tempfile.TemporaryDirectory() as out:
        ledger = open_ledger(url, require_initialised=False, clock=clock)
        try:
            ledger.initialise()
            world = build_world(
                ledger,
                clock,
                born(scenario["age"], scenario["extra_days"]),
                representatives=scenario["representatives"],
                partners=scenario["partners"],
                shares=scenario["shares"],
                note=scenario["note"],
                close_term=scenario["close_term"],
            )
            age = scenario["age"]
            kinds = set()
            if age >= 12:
                kinds.add("jongere")
            if age < 16 and scenario["representatives"]:
                kinds.add("wettelijk-vertegenwoordiger")
            if not kinds:
                refused_by("letter.no-addressee", lambda: generate(ledger, world, Path(out)))
                return
            personal = scenario["personal"]
            world.expected.personal = personal
            made = generate(ledger, world, Path(out), scenario["format"], personal=personal)
            assert {m.kind for m in made} == kinds
            for letter in made:
                assert check(letter, world) == []
                if scenario["format"] == "pdf":
                    facts = pdf_facts(letter.path.read_bytes())
                    assert facts.ink_in_margin == [] and facts.bold_font
                    if letter.kind == "jongere":
                        assert facts.pages <= 2
                    continue
                text = letter.path.read_text(encoding="utf-8")
                assert text == letter.text
                # Every letter carries the ledger's checkpoint, and the ledger answers for it.
                [answer] = ledger.operations.check_document(text, ledger.app.acting(b.ADMIN))
                assert "consistent" in answer and "NOT" not in answer
        finally:
            ledger.close()


def test_the_checker_notices_a_missing_element(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17))
    (letter,) = generate(ledger, world, tmp_path / "out")
    wanted = youth_expected(world.expected)
    assert missing_art14_elements(letter.text, wanted, youth=True) == []
    without_ap = letter.text.replace("Autoriteit Persoonsgegevens", "toezichthouder")
    assert missing_art14_elements(without_ap, wanted, youth=True) == ["complaint to the AP"]
    without_objection = re.sub(r"artikel 21", "artikel 99", letter.text)
    assert missing_art14_elements(without_objection, wanted, youth=True) == [
        "right of bezwaar (21)"
    ]
    iso = letter.text.replace("Datum: ", "Datum: 2026-01-01 ")
    assert "Dutch dates only (no ISO date)" in missing_art14_elements(iso, wanted, youth=True)
    fg = world.expected.controllers[0].fg
    assert f"FG of {world.expected.controllers[0].name}" in missing_art14_elements(
        letter.text.replace(fg, "contactgegevens op de website"), wanted, youth=True
    )


# -- addressees by age on the letter date -------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "age"),
    [
        (date(2014, 11, 22), 12),  # turns 12 on the letter date
        (date(2014, 11, 23), 11),  # turns 12 the day after
        (date(2010, 11, 22), 16),
        (date(2010, 11, 23), 15),
        (date(2012, 2, 29), 14),
    ],
)
def test_age_on_the_letter_date(date_of_birth: date, age: int) -> None:
    assert age_on(date_of_birth, LETTER_DAY) == age


@pytest.mark.parametrize(
    ("date_of_birth", "kinds"),
    [
        (date(2014, 11, 23), {"wettelijk-vertegenwoordiger"}),  # 11
        (date(2014, 11, 22), {"jongere", "wettelijk-vertegenwoordiger"}),  # 12 today
        (date(2010, 11, 23), {"jongere", "wettelijk-vertegenwoordiger"}),  # 15
        (date(2010, 11, 22), {"jongere"}),  # 16 today
    ],
    ids=["11", "12", "15", "16"],
)
def test_age_boundaries_pick_the_addressees(
    ledger: Ledger, clock: FixedClock, tmp_path: Path, date_of_birth: date, kinds: set[str]
) -> None:
    world = build_world(ledger, clock, date_of_birth, representatives=2)
    made = generate(ledger, world, tmp_path)
    assert {m.kind for m in made} == kinds
    reps = [m for m in made if m.kind == "wettelijk-vertegenwoordiger"]
    if "wettelijk-vertegenwoordiger" in kinds:
        assert sorted(m.addressee for m in reps) == sorted(world.representatives)
    # Each addressee gets their own letter, addressed to them.
    assert len({m.path for m in made}) == len(made)
    for letter in reps:
        number = world.representatives.index(letter.addressee) + 1
        assert f"Aan: Test Vertegenwoordiger {number}" in letter.text


def test_the_age_bands_are_policy_data(tmp_path: Path) -> None:
    text = (Path(POLICIES.sources["letters"])).read_text(encoding="utf-8")
    (tmp_path / "letters.toml").write_text(
        text.replace("until_age = 12", "until_age = 14").replace("from_age = 12", "from_age = 14"),
        encoding="utf-8",
    )
    letters = load_policies(tmp_path).letters
    assert letters.addressee_kinds(13) == ("wettelijk-vertegenwoordiger",)
    assert letters.addressee_kinds(14) == ("jongere", "wettelijk-vertegenwoordiger")


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("from_age = 16", "from_age = 17", "", "gap or overlap at age"),
        ('deadline = "P1M"', 'deadline = "een maand"', "deadline", "ISO 8601 duration"),
        ('jongere = "jongere.j2"', 'jongere = "kind.j2"', "templates.jongere", "not found"),
        ('jongere = "jongere.j2"', 'jongere = "../x.j2"', "templates.jongere", "file name"),
        ('organisation = "gemeente"', 'organisation = "nasa"', "sender.organisation", "known"),
    ],
)
def test_an_invalid_letters_policy_names_file_key_and_problem(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    text = Path(POLICIES.sources["letters"]).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "letters.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    assert info.value.file == path
    assert info.value.key == key
    assert problem in info.value.problem


def test_a_municipality_can_bring_its_own_template(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    policy_dir = tmp_path / "policy"
    (policy_dir / "templates" / "letters").mkdir(parents=True)
    default = Path(POLICIES.sources["letters"])
    (policy_dir / "letters.toml").write_text(
        default.read_text(encoding="utf-8").replace("jongere.j2", "eigen.j2"), encoding="utf-8"
    )
    shipped = default.parent.parent / "templates" / "letters" / "jongere.j2"
    (policy_dir / "templates" / "letters" / "eigen.j2").write_text(
        "Brief van Teststad\n\n" + shipped.read_text(encoding="utf-8"), encoding="utf-8"
    )
    ledger.app.policies = load_policies(policy_dir)
    world = build_world(ledger, clock, born(17))
    (letter,) = generate(ledger, world, tmp_path / "out")
    assert letter.text.startswith("Brief van Teststad")
    assert check(letter, world) == []


# -- language -----------------------------------------------------------------------------


def test_the_youth_reads_je_and_the_representative_u(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(13))
    made = {m.kind: m.text for m in generate(ledger, world, tmp_path)}
    youth, rep = made["jongere"], made["wettelijk-vertegenwoordiger"]
    assert re.search(r"\bje\b", youth) and re.search(r"\bjouw\b", youth)
    assert not re.search(r"\bu\b", youth)
    assert "Beste Test Jongere Een" in youth
    assert re.search(r"\bu\b", rep) and re.search(r"\buw\b", rep)
    assert not re.search(r"\b(je|jij|jouw)\b", rep)
    assert "Geachte Test Vertegenwoordiger 1" in rep and YOUTH_NAME in rep

    def words_per_sentence(text: str) -> float:
        prose = " ".join(line for line in text.splitlines() if not line.startswith("- "))
        sentences = [s for s in re.split(r"[.?!]\s", prose) if s.strip()]
        return sum(len(s.split()) for s in sentences) / len(sentences)

    assert words_per_sentence(youth) < words_per_sentence(rep)


# -- generation is recorded and logged first ---------------------------------------------------


def test_generation_is_recorded_with_the_hash_and_logged_first(
    ledger: Ledger, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(ledger, clock, born(13))
    out = tmp_path / "brieven"
    files_at_log: list[list[Path]] = []
    original = AccessLog.record

    def spy(self: AccessLog, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        files_at_log.append(sorted(out.glob("*")) if out.exists() else [])

    monkeypatch.setattr(AccessLog, "record", spy)
    made = generate(ledger, world, out, "pdf")
    assert files_at_log and files_at_log[0] == [], "files were written before the access log"
    for letter in made:
        data = letter.path.read_bytes()
        assert data.startswith(b"%PDF")
        assert letter.content_sha256 == hashlib.sha256(data).hexdigest()
        assert YOUTH_NAME not in letter.path.name
    history = letter_of(ledger.app, ledger.persons.resolve(world.youth))
    assert history is not None
    recorded = {e["addressee"]: e for e in history.history if e["kind"] == "generated"}
    assert {a: e["content_sha256"] for a, e in recorded.items()} == {
        m.addressee: m.content_sha256 for m in made
    }
    assert all(e["format"] == "pdf" and e["on"] == "2026-11-22" for e in recorded.values())
    ledger.projections.catch_up()
    with ledger.store.read() as conn:
        exports = [
            dict(r)
            for r in conn.execute(
                select(t.access_log).where(t.access_log.c.command == "letters.generate")
            ).mappings()
        ]
        states = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    subjects = {
        ledger.persons.resolve(world.youth),
        ledger.persons.resolve(world.representatives[0]),
    }
    assert {e["subject_id"] for e in exports} == subjects
    assert all(e["action"] == "export" and e["outcome"] == "granted" for e in exports)
    # No names in any event: the letter events carry pseudonyms and hashes only.
    assert YOUTH_NAME.encode() not in states and b"Test Vertegenwoordiger" not in states


def test_a_failing_access_log_writes_no_letter(
    ledger: Ledger, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from ledger.store.recorder import SqlRecorder

    world = build_world(ledger, clock, born(13))
    original = SqlRecorder.insert_events

    def failing(self: SqlRecorder, stored: Any, **kwargs: Any) -> Any:
        if any("Access.Recorded" in e.topic for e in stored):
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return original(self, stored, **kwargs)

    monkeypatch.setattr(SqlRecorder, "insert_events", failing)
    out = tmp_path / "out"
    with pytest.raises(OperationalError):
        generate(ledger, world, out)
    assert not out.exists()
    assert letter_of(ledger.app, ledger.persons.resolve(world.youth)) is None


def test_generation_needs_a_trigger_a_youth_and_an_addressee(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(10), representatives=0)
    out = tmp_path / "out"
    refused_by("letter.no-addressee", lambda: generate(ledger, world, out))
    assert not out.exists()
    refused_by("letter.no-trigger", lambda: generate(ledger, world, tmp_path, on=date(2026, 9, 2)))
    rep = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="wettelijk-vertegenwoordiger",
            name="Test Vertegenwoordiger 1",
            representative_of=world.youth,
        ),
        world.by,
    ).short
    other = World(world.ref, rep, [], world.by, world.expected)
    refused_by("letter.youth", lambda: generate(ledger, other, tmp_path))
    (letter,) = generate(ledger, world, tmp_path)
    assert letter.addressee == rep and "Aan: Test Vertegenwoordiger 1" in letter.text


def test_a_non_participant_cannot_generate_and_the_denial_is_logged(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17))
    admin = ledger.app.acting(b.ADMIN)
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle="uc-ander",
            display_name="Test Andere Coordinator",
            organisation="gemeente",
            roles=["uitvoeringscoordinator"],
        ),
        admin,
    )
    outsider = ledger.app.acting("uc-ander")
    cmd = c.build(GenerateLetters, subject=world.youth, format="txt")
    with pytest.raises(Unauthorised, match="may not see personal data"):
        ledger.letters.generate(cmd, outsider, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert ledger.letters.due(outsider) == []  # not their case: not their list


# -- status: due, overdue, generated, delivered ----------------------------------------------------


def _row(ledger: Ledger, world: World, **kwargs: Any) -> dict[str, Any] | None:
    rows = [r for r in ledger.letters.due(world.by, **kwargs) if r["subject"] == world.youth]
    return rows[0] if rows else None


def test_due_overdue_generated_and_delivered(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(13))
    row = _row(ledger, world, as_of=date(2026, 9, 4))
    assert row is not None
    # Due a month after the namenlijst, but the police provided data on 2026-09-05:
    # informing is due at the latest then (AVG art. 14(3)(c)).
    assert (row["trigger"], row["triggered_on"], row["first_disclosure"], row["deadline"]) == (
        "namenlijst",
        "2026-09-03",
        "2026-09-05",
        "2026-09-05",
    )
    assert row["status"] == "due" and not row["late"]
    assert {a["kind"] for a in row["addressees"]} == {"jongere", "wettelijk-vertegenwoordiger"}
    assert _row(ledger, world, as_of=date(2026, 9, 2)) is None  # before the trigger
    overdue = _row(ledger, world)
    assert overdue is not None and overdue["status"] == "overdue" and overdue["late"]

    made = generate(ledger, world, tmp_path)
    row = _row(ledger, world)
    assert row is not None and row["status"] == "generated"
    youth, rep = (
        next(m.addressee for m in made if m.kind == kind)
        for kind in ("jongere", "wettelijk-vertegenwoordiger")
    )
    letters = ledger.letters

    def deliver(cmd: DeliverLetter, by: Acting) -> str:
        return (letters.hand_over if cmd.how == "overhandigd" else letters.send)(cmd, by)

    deliver(
        c.build(DeliverLetter, subject=world.youth, addressee=youth, how="overhandigd"), world.by
    )
    row = _row(ledger, world)
    assert row is not None and row["status"] == "generated"  # one addressee still waits
    refused_by(
        "letter.delivered-once",
        lambda: deliver(
            c.build(DeliverLetter, subject=world.youth, addressee=youth, how="verzonden"),
            world.by,
        ),
    )
    refused_by(
        "letter.delivery-after-generation",
        lambda: deliver(
            c.build(
                DeliverLetter,
                subject=world.youth,
                addressee=rep,
                how="verzonden",
                delivered_on=date(2026, 11, 21),
            ),
            world.by,
        ),
    )
    stranger = b.UC  # not a subject at all
    with pytest.raises(BadInput, match="must be a pseudonym"):
        deliver(
            c.build(DeliverLetter, subject=world.youth, addressee=stranger, how="verzonden"),
            world.by,
        )
    deliver(c.build(DeliverLetter, subject=world.youth, addressee=rep, how="verzonden"), world.by)
    assert _row(ledger, world) is None  # nothing left to do
    row = _row(ledger, world, everything=True)
    assert row is not None and row["status"] == "sent" and row["late"]
    letters = {x["addressee"]: x for x in row["letters"]}
    assert letters[youth]["how"] == "overhandigd" and letters[rep]["how"] == "verzonden"
    assert letters[rep]["delivered_on"] == "2026-11-22"
    # As of the day before, nothing had been generated yet.
    earlier = _row(ledger, world, as_of=date(2026, 11, 21))
    assert earlier is not None and earlier["status"] == "overdue"


def test_handed_over_to_every_addressee(ledger: Ledger, clock: FixedClock, tmp_path: Path) -> None:
    world = build_world(ledger, clock, born(17), shares=())
    clock.set(date(2026, 9, 10))
    (letter,) = generate(ledger, world, tmp_path)
    ledger.letters.hand_over(
        c.build(DeliverLetter, subject=world.youth, addressee=letter.addressee, how="overhandigd"),
        world.by,
    )
    row = _row(ledger, world, everything=True)
    assert row is not None and row["status"] == "handed over" and not row["late"]
    assert row["deadline"] == "2026-10-03"  # no provision yet: one month after the namenlijst


def test_a_share_before_the_namenlijst_triggers_the_duty(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    # Since decision 0030 rule NAAM-01 refuses a provision about someone not on the
    # namenlijst; a municipality that dropped it (or a provision recorded before) can
    # still provide first: the duty starts with whichever came first.
    default = Path(POLICIES.sources["sharing"])
    text = default.read_text(encoding="utf-8")
    blocks = text.split("\n[[rule]]\n")
    kept = [block for block in blocks if not block.startswith('id = "NAAM-01"')]
    (tmp_path / "sharing.toml").write_text("\n[[rule]]\n".join(kept), encoding="utf-8")
    ledger.app.policies = load_policies(tmp_path)
    world = build_world(ledger, clock, born(17), shares=())
    clock.set(date(2026, 9, 10))
    other = ledger.persons.register(
        c.build(
            c.RegisterSubject, kind="jongere", name="Test Jongere Twee", date_of_birth=born(17)
        ),
        world.by,
    ).short
    ledger.group.add_member(
        c.build(c.Membership, case=world.ref, subject=other, core="aanhang", influence="meeloper"),
        world.by,
    )
    provide(
        ledger,
        c.build(
            c.RecordShare,
            case=world.ref,
            subjects=[other],
            necessity="Nodig",
            decided_on=date(2026, 9, 5),
            **SHARES["ad-hoc-veilig-thuis"],
        ),
        world.by,
    )
    ledger.group.agree_namenlijst(
        c.build(
            c.AgreeNamenlijst,
            case=world.ref,
            subjects=[world.youth, other],
            partners=["politie"],
            agreed_on=date(2026, 9, 10),
        ),
        world.by,
    )
    clock.set(LETTER_DAY)
    rows = {r["subject"]: r for r in ledger.letters.due(world.by)}
    assert (rows[other]["trigger"], rows[other]["triggered_on"]) == ("verstrekking", "2026-09-05")
    # The trigger is itself a provision: informing is due that day (AVG art. 14(3)(c)).
    assert rows[other]["deadline"] == "2026-09-05"
    assert rows[world.youth]["triggered_on"] == "2026-09-03"  # its first namenlijst


# -- deferral ------------------------------------------------------------------------------------


def test_deferral_hides_the_letter_until_review_then_resume_lifts_it(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17))
    reason = "Lopend opsporingsonderzoek Kwispeltest"
    defer = c.build(
        DeferLetters,
        subject=world.youth,
        ground="uavg41",
        reason=reason,
        review_date=date(2027, 1, 15),
    )
    assert ledger.letters.defer(defer, world.by) == "2027-01-15"
    # UAVG art. 41 needs the privacy officer's second decision: until then it stays due.
    pending = _row(ledger, world)
    assert pending is not None and pending["open"] and pending["deferred_until"] is None
    assert pending["pending_deferral"]["by"] == b.REGISSEUR
    officer = _privacy_officer(ledger)
    findings = ledger.privacy.findings(officer)
    assert [f["kind"] for f in findings if f["kind"] == "uitstel-ter-bevestiging"] == [
        "uitstel-ter-bevestiging"
    ]
    confirm = c.build(DecideDeferral, subject=world.youth, confirm=True, reason="Bevestigd")
    assert ledger.letters.decide_deferral(confirm, officer) == "confirmed"
    assert _row(ledger, world) is None
    row = _row(ledger, world, everything=True)
    assert row is not None
    assert row["status"] == "deferred until 2027-01-15" and not row["review_due"]
    assert (row["ground"], row["deferred_by"]) == ("uavg41", b.REGISSEUR)
    refused_by("letter.deferred", lambda: generate(ledger, world, tmp_path))

    refused_by("report.restricted", lambda: ledger.privacy.subject_report(world.youth, officer))
    report = ledger.privacy.subject_report(world.youth, officer, limited=True)
    assert report["limited"] and report["recipients"] == [] and report["provisions"] == []
    assert not [f for f in ledger.privacy.findings(officer) if f["kind"] == "uitstel-herbeoordelen"]

    clock.set(date(2027, 1, 15))  # the review date comes
    row = _row(ledger, world)
    assert row is not None and row["review_due"] and row["status"].startswith("deferred until")
    findings = [f for f in ledger.privacy.findings(officer) if f["kind"] == "uitstel-herbeoordelen"]
    assert len(findings) == 1
    assert world.youth in findings[0]["detail"] and findings[0]["on"] == "2027-01-15"

    ledger.letters.resume(
        c.build(ResumeLetters, subject=world.youth, reason="Onderzoek afgerond"), world.by
    )
    row = _row(ledger, world)
    assert row is not None and row["status"] == "overdue" and row["deferred_until"] is None
    assert ledger.privacy.subject_report(world.youth, officer)["limited"] is False
    assert not [f for f in ledger.privacy.findings(officer) if f["kind"] == "uitstel-herbeoordelen"]
    refused_by(
        "letter.not-deferred",
        lambda: ledger.letters.resume(
            c.build(ResumeLetters, subject=world.youth, reason="nogmaals"), world.by
        ),
    )
    assert generate(ledger, world, tmp_path)
    # The motivation is sealed: it is nowhere in the events in plain text.
    with ledger.store.read() as conn:
        states = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert b"Kwispeltest" not in states and b"Onderzoek afgerond" not in states


def test_deferral_rules(ledger: Ledger, clock: FixedClock, tmp_path: Path) -> None:
    world = build_world(ledger, clock, born(17))

    def defer(review: date, on: date | None = None) -> str:
        cmd = c.build(
            DeferLetters,
            subject=world.youth,
            ground="art14-5b",
            reason="Informeren schaadt de aanpak ernstig",
            review_date=review,
            deferred_on=on,
        )
        return ledger.letters.defer(cmd, world.by)

    refused_by("letter.review-date", lambda: defer(LETTER_DAY))
    refused_by("letter.review-date", lambda: defer(date(2027, 5, 23)))  # beyond P6M
    assert defer(date(2027, 5, 22)) == "2027-05-22"
    assert defer(date(2027, 3, 1)) == "2027-03-01"  # a new decision replaces the review date
    row = _row(ledger, world, everything=True)
    assert row is not None and row["status"] == "deferred until 2027-03-01"
    ledger.letters.resume(c.build(ResumeLetters, subject=world.youth, reason="klaar"), world.by)
    (letter,) = generate(ledger, world, tmp_path)
    ledger.letters.send(
        c.build(DeliverLetter, subject=world.youth, addressee=letter.addressee, how="verzonden"),
        world.by,
    )
    refused_by("letter.informed", lambda: defer(date(2027, 1, 1)))


def _privacy_officer(ledger: Ledger) -> Acting:
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle="fg-test",
            display_name="Test FG",
            organisation="gemeente",
            roles=["privacy-officer"],
        ),
        ledger.app.acting(b.ADMIN),
    )
    return ledger.app.acting("fg-test")


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path}/letters.sqlite"
    monkeypatch.setenv("REGIE_DATABASE_URL", url)
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    clock = FixedClock(LETTER_DAY)
    ledger = open_ledger(url, require_initialised=False, clock=clock)
    try:
        ledger.initialise()
        world = build_world(ledger, clock, born(14, 100))
        _privacy_officer(ledger)
    finally:
        ledger.close()
    yield {"world": world, "out": tmp_path / "brieven"}


DAY = LETTER_DAY.isoformat()


def cli(*args: str, actor: str = b.REGISSEUR) -> Result:
    return CliRunner().invoke(regie, list(args), env={"REGIE_ACTOR": actor})


def test_letters_through_the_cli(cli_world: dict[str, Any]) -> None:
    world: World = cli_world["world"]
    out: Path = cli_world["out"]
    due = cli("letters", "due", "--as-of", DAY, "--json")
    assert due.exit_code == 0, due.output
    (row,) = json.loads(due.output)
    assert row["subject"] == world.youth and row["status"] == "overdue"
    table = cli("letters", "due", "--as-of", DAY)
    assert table.exit_code == 0 and "Informatieplicht" in table.output
    assert cli("--as", "privacy-officer", "letters", "due", actor="fg-test").exit_code == 0

    made = cli(
        "letters",
        "generate",
        world.youth,
        "--format",
        "txt",
        "--out",
        str(out),
        "--on",
        DAY,
        "--json",
    )
    assert made.exit_code == 0, made.output
    files = json.loads(made.output)
    assert {f["kind"] for f in files} == {"jongere", "wettelijk-vertegenwoordiger"}
    for f in files:
        text = Path(f["file"]).read_text(encoding="utf-8")
        youth = f["kind"] == "jongere"
        wanted = youth_expected(world.expected) if youth else world.expected
        assert missing_art14_elements(text, wanted, youth=youth) == []
        assert hashlib.sha256(text.encode()).hexdigest() == f["content_sha256"]
    assert YOUTH_NAME not in made.output

    pdf = cli("letters", "generate", world.youth, "--out", str(out / "pdf"), "--on", DAY)
    assert pdf.exit_code == 0, pdf.output
    assert all(p.read_bytes().startswith(b"%PDF") for p in (out / "pdf").glob("*.pdf"))

    for f in files:
        verb = "handed" if f["kind"] == "jongere" else "sent"
        done = cli(
            "letters", verb, world.youth, "--addressee", f["addressee"], "--on", DAY, "--json"
        )
        assert done.exit_code == 0, done.output
    again = cli(
        "letters", "sent", world.youth, "--addressee", world.representatives[0], "--on", DAY
    )
    assert again.exit_code == 1 and "letter.delivered-once" in again.output
    assert json.loads(cli("letters", "due", "--as-of", DAY, "--json").output) == []
    (row,) = json.loads(cli("letters", "due", "--as-of", DAY, "--all", "--json").output)
    assert row["status"] == "sent"

    refused = cli(
        "letters",
        "defer",
        world.youth,
        "--ground",
        "uavg41",
        "--reason",
        "Lopend onderzoek",
        "--review-date",
        "2027-01-01",
        "--on",
        DAY,
    )
    assert refused.exit_code == 1 and "[rule letter.informed]" in refused.output
    bad = cli("letters", "defer", world.youth, "--ground", "art99", "--reason", "x")
    assert bad.exit_code == 2


def test_defer_and_resume_through_the_cli(cli_world: dict[str, Any]) -> None:
    world: World = cli_world["world"]
    deferred = cli(
        "letters",
        "defer",
        world.youth,
        "--ground",
        "art14-5b",
        "--reason",
        "Informeren brengt de aanpak ernstig in gevaar",
        "--review-date",
        "2027-02-01",
        "--on",
        DAY,
        "--json",
    )
    assert deferred.exit_code == 0, deferred.output
    assert json.loads(deferred.output)["deferred_until"] == "2027-02-01"
    (row,) = json.loads(cli("letters", "due", "--as-of", DAY, "--all", "--json").output)
    assert row["status"] == "deferred until 2027-02-01"
    blocked = cli("letters", "generate", world.youth, "--out", str(cli_world["out"]), "--on", DAY)
    assert blocked.exit_code == 1 and "letter.deferred" in blocked.output
    report = cli("--as", "privacy-officer", "audit", "subject-report", world.youth, actor="fg-test")
    assert report.exit_code == 1 and "[rule report.restricted]" in report.output
    report = cli(
        "--as", "privacy-officer", "audit", "subject-report", world.youth, "--limited",
        actor="fg-test",
    )  # fmt: skip
    assert report.exit_code == 0 and "artikel 41" in report.output
    assert "uitgesteld" not in report.output and "vertrouwelijk" not in report.output
    resumed = cli("letters", "resume", world.youth, "--reason", "Risico geweken", "--on", DAY)
    assert resumed.exit_code == 0, resumed.output
    (row,) = json.loads(cli("letters", "due", "--as-of", DAY, "--json").output)
    assert row["status"] == "overdue"


def test_who_may_run_letters(cli_world: dict[str, Any]) -> None:
    coordinator = cli("letters", "due", "--as-of", DAY, "--json", actor=b.UC)
    assert coordinator.exit_code == 0  # the coordinator takes part in the case
    assert [r["subject"] for r in json.loads(coordinator.output)] == [cli_world["world"].youth]
    admin = cli("letters", "due", actor=b.ADMIN)
    assert admin.exit_code == 1 and "may not run" in admin.output
    assert "Traceback" not in admin.output and YOUTH_NAME not in admin.output
