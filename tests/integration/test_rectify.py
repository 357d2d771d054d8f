"""Rectification (AVG art. 16) replaces a sealed field: the new value and the other fields
read, the old value reads [gewist] in replay and history, and its key destruction is
crash-safe like an erasure's (decisions 0010, 0019, 0031). Also: a pending request's hold
keeps a retention run off the subject until the request is decided."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.crypto.keystore import KeyStore
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from ledger.domain.subject import Subject
from ledger.errors import BadInput, Refused, Unauthorised
from ledger.rights.commands import DecideRequest, OpenRequest, RectifyField
from tests import builders as b
from tests.conftest import FixedClock

OLD, NEW = "Teststraat 1", "Teststraat 2"


class Killed(Exception):
    """Stands for kill -9 between the record of a rectification and its key destruction."""


def register(ledger: Ledger, by: Acting, name: str = "Test Rectificatie") -> str:
    cmd = c.build(
        c.RegisterSubject,
        kind="jongere",
        name=name,
        date_of_birth=date(2010, 2, 3),
        address=OLD,
        bsn="111222333",
    )
    return ledger.persons.register(cmd, by).short


def rectify(ledger: Ledger, by: Acting, subject: str, **values: Any) -> dict[str, Any]:
    cmd = c.build(RectifyField, subject=subject, **{"field": "address", "value": NEW, **values})
    return ledger.rights.rectify(cmd, by)


def sealed_history(ledger: Ledger, subject: str, field: str) -> list[Any]:
    """Every value the events ever held for ``field``, opened as a replay would."""
    subject_id = ledger.persons.resolve(subject)
    out = []
    for e in ledger.app.repository.event_store.get(Subject.create_id(subject_id)):
        fields = getattr(e, "fields", None) or {}
        if field in fields:
            out.append(ledger.sealer.open(subject_id, field, fields[field]))
    return out


@contextmanager
def next_process(ledger: Ledger, clock: FixedClock) -> Iterator[Ledger]:
    fresh = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=clock)
    try:
        yield fresh
    finally:
        fresh.close()


def test_the_old_value_is_gone_the_new_one_and_the_rest_read(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    ledger.persons.record_note(
        c.build(c.RecordNote, subject=subject, category="identificatie", text="Test notitie"), by
    )
    done = rectify(ledger, by, subject)
    assert done["resealed"] == ["date_of_birth", "name", "note:1"]
    view = ledger.persons.view(subject, by)
    assert view["fields"] == {
        "name": "Test Rectificatie",
        "date_of_birth": "2010-02-03",
        "address": NEW,
        "bsn": "111222333",
    }
    assert view["notes"][0]["text"] == "Test notitie"
    assert sealed_history(ledger, subject, "address") == [MASKED, NEW]
    assert sealed_history(ledger, subject, "name") == [MASKED, "Test Rectificatie"]
    ledger.operations.rebuild(b.privacy_officer(ledger))  # the read models replay the same
    assert ledger.persons.view(subject, by)["fields"]["address"] == NEW
    with next_process(ledger, FixedClock(ledger.app.clock())) as fresh:
        assert fresh.persons.view(subject, by)["fields"]["address"] == NEW
        assert sealed_history(fresh, subject, "address") == [MASKED, NEW]
    # Later data of the category goes under the new key, and rectifying twice works.
    ledger.persons.record_note(
        c.build(c.RecordNote, subject=subject, category="identificatie", text="Test later"), by
    )
    rectify(ledger, by, subject, field="birth_date", value="2010-02-04")
    view = ledger.persons.view(subject, by)
    assert view["fields"]["date_of_birth"] == "2010-02-04"
    assert view["fields"]["address"] == NEW
    assert [n["text"] for n in view["notes"]] == ["Test notitie", "Test later"]
    assert sealed_history(ledger, subject, "address") == [MASKED, MASKED, NEW]


def test_erasure_and_purge_take_every_generation(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    rectify(ledger, by, subject)
    ledger.persons.erase(
        c.build(c.EraseSubject, subject=subject, reason="Test", basis="AVG art. 17"), by
    )
    subject_id = ledger.persons.resolve(subject)
    assert ledger.keystore.alive([subject_id]) == set()
    assert set(ledger.persons.view(subject, by)["fields"].values()) == {MASKED}


def test_a_field_under_its_own_key_and_a_field_without_value(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    assert rectify(ledger, by, subject, field="bsn", value="123456782")["resealed"] == []
    assert sealed_history(ledger, subject, "bsn") == [MASKED, "123456782"]
    assert sealed_history(ledger, subject, "name") == ["Test Rectificatie"]
    bare = ledger.persons.register(
        c.build(
            c.RegisterSubject, kind="jongere", name="Test Zonder", date_of_birth=date(2011, 1, 1)
        ),
        by,
    ).short
    rectify(ledger, by, bare)
    assert ledger.persons.view(bare, by)["fields"]["address"] == NEW
    assert sealed_history(ledger, bare, "name") == ["Test Zonder"]


def test_the_same_person_index_follows_the_rectified_name(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    rectify(ledger, by, subject, field="name", value="Test Verbeterd")
    again = c.build(
        c.RegisterSubject, kind="jongere", name="Test Verbeterd", date_of_birth=date(2010, 2, 3)
    )
    with pytest.raises(Refused) as known:
        ledger.persons.register(again, by)
    assert known.value.rule == "subject.maybe-registered"
    old = c.build(
        c.RegisterSubject, kind="jongere", name="Test Rectificatie", date_of_birth=date(2010, 2, 3)
    )
    ledger.persons.register(old, by)


def test_linked_to_a_pending_rectification_request(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    today = ledger.app.clock()
    inzage = ledger.rights.open(
        c.build(OpenRequest, subject=subject, kind="inzage", received_on=today), by
    )
    with pytest.raises(Refused) as wrong:
        rectify(ledger, by, subject, request=inzage["request"])
    assert wrong.value.rule == "subject.rectify-request"
    request = ledger.rights.open(
        c.build(OpenRequest, subject=subject, kind="rectificatie", received_on=today), by
    )
    assert rectify(ledger, by, subject, request=request["request"])["request"] == request["request"]
    # The requests' texts shared the retired key: they were sealed again, and still read.
    with_note = ledger.rights.open(
        c.build(OpenRequest, subject=subject, kind="bezwaar", received_on=today, note="Test n"),
        by,
    )
    rectify(ledger, by, subject, value="Teststraat 4")
    assert ledger.rights.show(with_note["request"], by)["texts"] == {"note": "Test n"}
    ledger.rights.decide(
        c.build(DecideRequest, request=request["request"], outcome="toegewezen", reason="Test"),
        by,
    )
    with pytest.raises(Refused):
        rectify(ledger, by, subject, value="Teststraat 3", request=request["request"])


def test_refusals_write_nothing(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    position = ledger.app.sql_recorder.max_notification_id()
    with pytest.raises(Unauthorised):
        rectify(ledger, ledger.app.acting(b.UC), subject)
    with pytest.raises(Unauthorised):
        rectify(ledger, b.privacy_officer(ledger), subject)
    with pytest.raises(BadInput):
        rectify(ledger, by, subject, field="date_of_birth", value="2099-01-01")
    with pytest.raises(BadInput):
        rectify(ledger, by, subject, field="bsn", value="123456789")
    # Only the two denials were written, as access events; the bad input wrote nothing.
    assert ledger.app.sql_recorder.max_notification_id() == (position or 0) + 2
    assert sealed_history(ledger, subject, "address") == [OLD]


def test_a_killed_rectification_is_finished_by_the_next_write(
    ledger: Ledger, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)

    def killed(self: KeyStore, *args: Any, **kwargs: Any) -> int:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(KeyStore, "retire", killed)
        with pytest.raises(Killed):
            rectify(ledger, by, subject)
    officer = b.privacy_officer(ledger)
    # This process wrote before: its findings report what the next process's first write
    # finishes (the findings query writes an access event, so it would finish it).
    found = [f for f in ledger.privacy.findings(officer) if f["kind"] == "vernietiging-onvoltooid"]
    assert len(found) == 1 and "rectification" in found[0]["detail"]
    assert sealed_history(ledger, subject, "address") == [OLD, NEW]  # not yet destroyed
    with next_process(ledger, clock) as fresh:
        register(fresh, by, "Test Volgende")  # the next write finishes it
        assert sealed_history(fresh, subject, "address") == [MASKED, NEW]
        assert fresh.persons.view(subject, by)["fields"]["name"] == "Test Rectificatie"
        assert not [
            f for f in fresh.privacy.findings(officer) if f["kind"] == "vernietiging-onvoltooid"
        ]


RETENTION = """
[[class]]
id = "test-identificatie"
label = "Identificatie"
covers = "subject-data"
categories = ["identificatie", "bsn"]
start = "case-closed"
term = "P30D"
source = "test"
local_choice = "a short term, so the test sees a purge"

[settings]
four_eyes = false
"""


def test_a_pending_request_keeps_a_retention_run_off_the_subject(tmp_path: Path) -> None:
    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    (policy_dir / "retention.toml").write_text(RETENTION, encoding="utf-8")
    clock = FixedClock(date(2026, 1, 5))
    ledger = open_ledger(
        f"sqlite:///{tmp_path}/ledger.sqlite",
        policy_dir=policy_dir,
        key_dir=tmp_path / "keys",
        clock=clock,
        require_initialised=False,
    )
    try:
        ledger.initialise()
        by = b.seed_actors(ledger)
        admin = ledger.app.acting(b.ADMIN)
        subject = register(ledger, by)
        rectify(ledger, by, subject)  # a later key generation is purged as well
        clock.advance(20)
        request = ledger.rights.open(
            c.build(OpenRequest, subject=subject, kind="wissing", received_on=clock.today), by
        )
        clock.advance(20)  # due under the class, but held
        assert ledger.retention.run(None, admin).purged == []
        assert ledger.persons.view(subject, by)["fields"]["address"] == NEW
        ledger.rights.decide(
            c.build(DecideRequest, request=request["request"], outcome="afgewezen", reason="Test"),
            by,
        )
        purged = ledger.retention.run(None, admin).purged
        assert {p["category"] for p in purged} == {"identificatie", "bsn"}
        assert set(ledger.persons.view(subject, by)["fields"].values()) == {MASKED}
        assert ledger.keystore.alive([ledger.persons.resolve(subject)]) == set()
    finally:
        ledger.close()
