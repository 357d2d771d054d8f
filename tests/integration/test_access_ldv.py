"""The access log per NEN 7513 and the Logboek Dataverwerkingen (issue 12 item 6; 0044).

Creating, changing and deleting personal data is an access too; every entry names its
trace, operation and parent operation, the processing activity of the verwerkingsregister
(policy data), its retention and the application; failed identifications are logged with
what is known and no more than the register allows a day; `audit export --format ldv`
writes the records in the standard's shape.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.errors import Unauthorised
from ledger.persons.family import LinkSubjects
from ledger.projections import tables as t
from policies.loader import DEFAULTS, PolicyError, load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_golden import golden as golden
from tests.integration.test_letters import LETTER_DAY, born, build_world, generate

HEX32, HEX16 = re.compile(r"^[0-9a-f]{32}$"), re.compile(r"^[0-9a-f]{16}$")


def entries(ledger: Ledger, **where: Any) -> list[dict[str, Any]]:
    ledger.queries.projections.catch_up()
    a = t.access_log
    query = select(a).order_by(a.c.at, a.c.access_id)
    for column, value in where.items():
        query = query.where(a.c[column] == value)
    return ledger.queries.rows(query)


def youth(ledger: Ledger, by: Any, name: str = "Test Toegang") -> str:
    cmd = c.build(c.RegisterSubject, kind="jongere", name=name, date_of_birth=born(15))
    return ledger.persons.register(cmd, by).short


def test_changes_of_personal_data_are_accesses_too(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)  # members need a designated coordinator
    subject, other = youth(ledger, by), youth(ledger, by, "Test Zus")
    ledger.persons.record_note(
        c.build(c.RecordNote, subject=subject, category="school", text="Synthetisch"), by
    )
    ledger.persons.link(c.build(LinkSubjects, subject=subject, other=other, relation="zus"), by)
    member = c.build(c.Membership, case=ref, subject=subject, core="kern", influence="negatief")
    ledger.group.add_member(member, by)
    ledger.group.change_member(member.model_copy(update={"influence": "meeloper"}), by)
    ledger.group.end_member(
        c.build(c.EndMembership, case=ref, subject=subject, reason="Synthetisch"), by
    )
    ledger.persons.erase(
        c.build(c.EraseSubject, subject=other, reason="Synthetisch", basis="AVG art. 17"), by
    )
    logged = [(r["command"], r["action"]) for r in entries(ledger, outcome="granted")]
    assert logged == [
        ("subject.add", "create"),
        ("subject.add", "create"),
        ("subject.note", "create"),
        ("subject.link", "update"),
        ("subject.link", "update"),
        ("member.add", "create"),
        ("member.change", "update"),
        ("member.end", "update"),
        ("subject.erase", "delete"),
    ]
    for row in entries(ledger, outcome="granted"):
        assert row["subject_id"] is not None
        assert HEX32.match(row["trace_id"]) and HEX16.match(row["operation_id"])
        assert (row["activity"], row["retention"]) in {
            ("groepsaanpak", "P5Y"),
            ("rechten-betrokkenen", "P5Y"),
        }
        assert row["application"] == "regie/cli"
        assert row["purpose"] in {"uitvoering groepsaanpak", "rechten van betrokkene"}


def test_the_entries_of_one_command_share_its_trace_and_name_their_parent(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject, other = youth(ledger, by), youth(ledger, by, "Test Broer")
    ledger.persons.link(c.build(LinkSubjects, subject=subject, other=other, relation="broer"), by)
    first, second = entries(ledger, command="subject.link")
    assert first["trace_id"] == second["trace_id"]
    assert first["parent_operation_id"] is None
    assert second["parent_operation_id"] == first["operation_id"] != second["operation_id"]
    (add_one, add_two) = entries(ledger, command="subject.add")
    assert add_one["trace_id"] != add_two["trace_id"]  # two commands, two traces


def test_letters_are_logged_for_the_informatieplicht_and_reports_for_the_inzage(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = build_world(ledger, clock, born(17))
    generate(ledger, world, tmp_path)
    ledger.privacy.subject_report(world.youth, b.privacy_officer(ledger))
    letters = [r for r in entries(ledger) if r["command"].startswith("letters.")]
    assert letters and {(r["purpose"], r["activity"]) for r in letters} == {
        ("informatieplicht", "informatieplicht")
    }
    (report,) = entries(ledger, command="audit.subject-report")
    assert (report["purpose"], report["activity"], report["action"]) == (
        "inzageverzoek",
        "inzageverzoek",
        "export",
    )


def test_a_failed_identification_is_logged_without_what_was_typed(
    ledger: Ledger, clock: FixedClock
) -> None:
    b.seed_actors(ledger)
    with pytest.raises(Unauthorised):
        ledger.identify("Test Naam Getypt", None, "subject.show")
    with pytest.raises(Unauthorised):
        ledger.identify("nobody-here", None, "case.list")
    admin = ledger.app.acting(b.ADMIN)
    ledger.actors.deactivate_actor(
        c.build(c.DeactivateActor, handle=b.UC, reason="Synthetisch"), admin
    )
    with pytest.raises(Unauthorised):
        ledger.identify(b.UC, None, "case.list")
    rows = entries(ledger, outcome="denied")
    assert [(r["actor"], r["command"], r["activity"], r["retention"]) for r in rows] == [
        ("(unknown)", "subject.show", "aanmelden", "P6M"),
        ("(unknown)", "case.list", "aanmelden", "P6M"),
        (b.UC, "case.list", "aanmelden", "P6M"),
    ]
    assert "Test Naam" not in " ".join(r["reason"] for r in rows)
    if ledger.store.dialect == "sqlite":  # on PostgreSQL the login is identified first (0025)
        assert "nobody-here" in rows[1]["reason"]  # a well-formed id is kept


def _register_with_limit(tmp_path: Path, limit: int) -> Path:
    policy_dir = tmp_path / "policies"
    policy_dir.mkdir()
    text = (DEFAULTS / "verwerkingsregister.toml").read_text(encoding="utf-8")
    text = re.sub(
        r"unknown_actor_entries_per_day = \d+", f"unknown_actor_entries_per_day = {limit}", text
    )
    (policy_dir / "verwerkingsregister.toml").write_text(text, encoding="utf-8")
    return policy_dir


def test_an_unauthenticated_caller_cannot_grow_the_log_without_bound(
    database_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    opened = open_ledger(
        database_url,
        policy_dir=_register_with_limit(tmp_path, 3),
        require_initialised=False,
        clock=clock,
    )
    try:
        opened.initialise()
        b.seed_actors(opened)
        for n in range(7):
            with pytest.raises(Unauthorised):
                opened.identify(f"stranger-{n}", None, "case.list")
        rows = entries(opened, outcome="denied", activity="aanmelden")
        assert len(rows) == 3
        assert "limit of 3" in rows[-1]["reason"] and "limit" not in rows[0]["reason"]
        clock.advance(1)  # a new day, a new allowance
        with pytest.raises(Unauthorised):
            opened.identify("stranger-x", None, "case.list")
        assert len(entries(opened, outcome="denied", activity="aanmelden")) == 4
    finally:
        opened.close()


def test_the_ldv_export_has_the_standards_fields(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    subject = youth(ledger, by)
    ledger.persons.view(subject, by)
    officer = b.privacy_officer(ledger)
    records = ledger.privacy.export_log(officer, LETTER_DAY.replace(year=1990), None)
    (view,) = [r for r in records if r["name"] == "subject.show"]
    assert set(view) >= {
        "trace_id", "operation_id", "parent_operation_id", "name", "status_code",
        "start_time", "end_time", "resource", "attributes",
    }  # fmt: skip
    attributes = view["attributes"]
    assert attributes["dpl.core.data_subject_id"] == subject
    assert attributes["dpl.core.processing_activity_id"].endswith("#groepsaanpak")
    assert attributes["dpl.regie.user_id"] == by.actor
    assert attributes["dpl.regie.retention"] == "P5Y"
    assert view["status_code"] == "STATUS_CODE_OK" and view["start_time"] > 0
    assert view["resource"]["attributes"]["service.name"] == "regie"
    # The export is itself logged, and a period before anything was logged is empty.
    assert entries(ledger, command="audit.export")
    assert ledger.privacy.export_log(officer, None, LETTER_DAY.replace(year=1990)) == []


def test_entries_about_a_deferred_subject_are_confidential_in_the_export(
    ledger: Ledger, clock: FixedClock
) -> None:
    from tests.integration.test_inzage import defer

    world = build_world(ledger, clock, born(17))
    officer = b.privacy_officer(ledger)
    before = ledger.privacy.export_log(officer)
    assert not [r for r in before if r["attributes"].get("dpl.regie.confidential")]
    defer(ledger, world)
    after = ledger.privacy.export_log(officer)
    family = {world.youth, *world.representatives}  # a representative's follow the youth's
    about = [r for r in after if r["attributes"].get("dpl.core.data_subject_id") in family]
    assert about and all(r["attributes"]["dpl.regie.confidential"] for r in about)
    others = [r for r in after if r not in about]
    assert not [r for r in others if r["attributes"].get("dpl.regie.confidential")]


def test_entries_from_before_the_register_are_derived_when_replayed(golden: Path) -> None:
    """The golden ledger's access events are version 1: each becomes its own trace and
    operation (from its id), and the export takes activity and retention from the register,
    marked as derived."""
    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        ledger.projections.rebuild()
        old = entries(ledger)
        assert old
        for row in old:
            assert row["trace_id"] == row["access_id"].replace("-", "")
            assert row["operation_id"] == row["trace_id"][:16]
            assert (row["activity"], row["retention"]) == ("", "")
        officer = ledger.app.acting("privacy-demo")
        records = ledger.privacy.export_log(officer)
        derived = [r for r in records if r["attributes"].get("dpl.regie.derived")]
        assert len(derived) == len(old)
        assert all(r["attributes"]["dpl.regie.retention"] for r in derived)
    finally:
        ledger.close()


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (lambda s: s.replace('id = "aanmelden"', 'id = "inzageverzoek"'), "", "listed twice"),
        (lambda s: s.replace('default = "groepsaanpak"', 'default = "nergens"'), "", "default"),
        (lambda s: s.replace('retention = "P6M"', 'retention = "zes maanden"'), "activity[5]", ""),
    ],
)
def test_a_bad_register_is_refused_naming_file_key_and_problem(
    tmp_path: Path, edit: Any, key: str, problem: str
) -> None:
    policy_dir = tmp_path / "own"
    policy_dir.mkdir()
    text = (DEFAULTS / "verwerkingsregister.toml").read_text(encoding="utf-8")
    (policy_dir / "verwerkingsregister.toml").write_text(edit(text), encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policies(policy_dir)
    assert refused.value.file.name == "verwerkingsregister.toml"
    assert refused.value.key.startswith(key) and problem in refused.value.problem


def test_the_default_register_covers_every_role_command() -> None:
    policies = load_policies()
    register = policies.verwerkingsregister
    assert register.activity_of("letters.generate").purpose == "informatieplicht"
    assert register.activity_of("audit.subject-report").purpose == "inzageverzoek"
    assert register.activity_of("subject.show").id == register.settings.default
