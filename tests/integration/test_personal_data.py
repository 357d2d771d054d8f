"""Personal data under seal: no plaintext in any database, crypto-shredding, key rotation."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.crypto.keystore import KeyStoreError, data_keys
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused
from ledger.persons.family import LinkSubjects
from tests import builders as b
from tests.conftest import FixedClock

NAME = "Qwxzy Vlomperdinck"
ADDRESS = "Zwarbelsteeg 77, Teststad"
BSN = "111222333"
NOTE = "Spijbelt structureel op dinsdag Kwarbelmoment"
SUMMARY = "Groepsscan noemt Vlomperdinck als kopstuk"
RELATION = "halfzus"  # a policy word, but never in plaintext in a database
NEEDLES = [
    NAME.encode(),
    b"Vlomperdinck",
    ADDRESS.encode(),
    b"Zwarbelsteeg",
    BSN.encode(),
    b"Kwarbelmoment",
    b"halfzus",
]


def register(ledger: Ledger, by: Acting, name: str = NAME, **extra: object) -> str:
    values: dict[str, object] = {
        "kind": "jongere",
        "name": name,
        "date_of_birth": date(2010, 3, 4),
        "address": ADDRESS,
    }
    values.update(extra)
    return ledger.persons.register(c.build(c.RegisterSubject, **values), by).short


def case_at_step(ledger: Ledger, by: Acting, step: int) -> str:
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, step)
    return ref


def full_person_scenario(ledger: Ledger) -> tuple[str, str, Acting]:
    by = b.seed_actors(ledger)
    ref = case_at_step(ledger, by, 2)
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    subject = register(ledger, by, bsn=BSN)
    persons = ledger.persons
    persons.record_note(c.build(c.RecordNote, subject=subject, category="school", text=NOTE), by)
    ledger.group.add_member(
        c.build(
            c.Membership, case=ref, subject=subject, core="kern", influence="negatief", kopstuk=True
        ),
        by,
    )
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[subject], partners=["gemeente", "politie"]),
        by,
    )
    ledger.group.request_groepsscan(
        c.build(
            c.RequestGroepsscan, case=ref, requested_by="burgemeester", motivation="zicht nodig"
        ),
        by,
    )
    ledger.group.receive_groepsscan(
        c.build(
            c.ReceiveGroepsscan,
            case=ref,
            recipients=["burgemeester"],
            unknown_names=0,
            informatiepositie="sterk",
            summary=SUMMARY,
        ),
        by,
    )
    ledger.queries.cases()  # read models caught up
    return ref, subject, by


def raw_database_bytes(ledger: Ledger, database_url: str) -> bytes:
    """Every byte the database holds: files on SQLite, every row as text on PostgreSQL."""
    if ledger.store.sqlite_path is not None:
        path = ledger.store.sqlite_path
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), *ledger.keys.directory.iterdir()]
        return b"".join(f.read_bytes() for f in files if f.is_file())
    chunks: list[bytes] = []
    with ledger.store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        for table in tables:
            # Every row as text, and every binary value as its raw bytes.
            for (text,) in conn.exec_driver_sql(f'SELECT t::text FROM "{table}" t'):
                chunks.append(text.encode())
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                chunks.extend(bytes(v) for v in row if isinstance(v, (bytes, memoryview)))
    return b"\n".join(chunks)


def test_no_personal_data_in_plaintext_anywhere(ledger: Ledger, database_url: str) -> None:
    ref, subject, by = full_person_scenario(ledger)
    # The blind index and a family link (decision 0027) hold no plaintext either.
    namesake = register(ledger, by, new_person=True)
    link = c.build(LinkSubjects, subject=subject, other=namesake, relation=RELATION)
    ledger.persons.link(link, by)
    assert ledger.persons.view(subject, by)["links"][0]["relation"] == RELATION
    # The data is really there, sealed: the view opens it.
    view = ledger.persons.view(subject, by)
    assert view["fields"]["name"] == NAME
    assert view["notes"][0]["text"] == NOTE
    assert ledger.group.groepsscans(ref, by)[0]["summary"] == SUMMARY
    ledger.store.dispose()
    raw = raw_database_bytes(ledger, database_url)
    # Positive control: the scan does see the databases' contents (the working name).
    assert b"Groep Testplein" in raw
    found = [needle.decode() for needle in NEEDLES if needle in raw]
    assert not found, f"plaintext personal data in the database: {found}"


def test_erasure_masks_everywhere_and_never_recreates_the_key(ledger: Ledger) -> None:
    ref, subject, by = full_person_scenario(ledger)
    persons = ledger.persons
    outcome = persons.erase(
        c.build(
            c.EraseSubject, subject=subject, reason="verzoek betrokkene", basis="AVG art. 17(1)"
        ),
        by,
    )
    assert outcome == "erased"
    view = persons.view(subject, by)
    assert view["erased"] is True
    assert set(view["fields"].values()) == {MASKED}
    assert [n["text"] for n in view["notes"]] == [MASKED]
    assert [m["name"] for m in ledger.group.members(ref, True, by)] == [MASKED]
    with ledger.keystore.engine.connect() as conn:
        remaining = conn.execute(
            select(data_keys.c.category).where(data_keys.c.subject_id == persons.resolve(subject))
        ).all()
    assert remaining == []
    # A fresh process (no caches) sees the same.
    fresh = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=FixedClock())
    try:
        assert fresh.persons.view(subject, by)["fields"]["name"] == MASKED
        with pytest.raises(KeyStoreError, match="destroyed"):
            fresh.keystore.get_or_create(fresh.persons.resolve(subject), "identificatie")
        with pytest.raises(Refused, match=r"subject\.erased"):
            fresh.persons.record_note(
                c.build(c.RecordNote, subject=subject, category="school", text="x"), by
            )
        with pytest.raises(Refused):
            fresh.persons.erase(c.build(c.EraseSubject, subject=subject, reason="r", basis="b"), by)
        # Registering the same person again makes a new subject.
        again = register(fresh, by)
        assert again != subject
        assert fresh.persons.view(again, by)["fields"]["name"] == NAME
        # Projections replay without error after shredding.
        fresh.projections.rebuild()
        assert fresh.persons.view(subject, by)["fields"]["name"] == MASKED
        assert fresh.audit_log.verify().events > 0
    finally:
        fresh.close()


def test_an_interrupted_erasure_is_completed_by_running_it_again(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    aggregate = ledger.persons.subject(subject)
    aggregate.erase("verzoek", "AVG art. 17", ledger.app.clock().isoformat(), by)
    ledger.app.save(aggregate)  # event stored, keys not yet destroyed: a crash in between
    assert ledger.persons.view(subject, by)["fields"]["name"] == MASKED
    outcome = ledger.persons.erase(
        c.build(c.EraseSubject, subject=subject, reason="r", basis="b"), by
    )
    assert outcome == "completed"
    assert ledger.keystore.get(ledger.persons.resolve(subject), "identificatie") is None


def test_a_sealed_value_does_not_open_for_another_subject(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first = ledger.persons.subject(register(ledger, by))
    second = ledger.persons.subject(register(ledger, by, name="Tweede Testpersoon"))
    moved = first.fields["name"]
    with pytest.raises(KeyStoreError, match="tampered or moved"):
        ledger.sealer.open(str(second.id), "name", moved)
    with pytest.raises(KeyStoreError):
        ledger.sealer.open(str(first.id), "address", moved)


def test_key_rotation_rewraps_without_touching_events(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    master_file = ledger.keys.directory / "master.key"
    old_master = master_file.read_bytes()
    events_before = ledger.app.recorder.select_notifications(1, 10_000)
    result = ledger.rotate_master_key()
    assert result["rewrapped"] >= 1
    assert master_file.read_bytes() != old_master
    assert ledger.app.recorder.select_notifications(1, 10_000) == events_before
    fresh = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=FixedClock())
    try:
        assert fresh.persons.view(subject, by)["fields"]["name"] == NAME
        assert fresh.keystore.master_ids_in_use() == {result["key_id"]}
    finally:
        fresh.close()


def test_init_creates_private_key_files(ledger: Ledger) -> None:
    for name in ("master.key", "signing.key"):
        mode = stat.S_IMODE((ledger.keys.directory / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    assert (ledger.keys.directory / "signing.pub").read_bytes().startswith(b"-----BEGIN PUBLIC")
    before = (ledger.keys.directory / "master.key").read_bytes()
    ledger.initialise()
    assert (ledger.keys.directory / "master.key").read_bytes() == before


def test_a_server_can_pass_the_master_key_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import secrets

    monkeypatch.setenv("REGIE_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    ledger = open_ledger(
        f"sqlite:///{tmp_path}/l.sqlite",
        key_dir=tmp_path / "keys",
        require_initialised=False,
        clock=FixedClock(),
    )
    try:
        ledger.initialise()
        assert not (tmp_path / "keys" / "master.key").exists()
        by = b.seed_actors(ledger)
        subject = register(ledger, by)
        assert ledger.persons.view(subject, by)["fields"]["name"] == NAME
    finally:
        ledger.close()
    monkeypatch.setenv("REGIE_MASTER_KEY", "bm90IGEga2V5")
    with pytest.raises(BadInput, match="32 bytes"):
        _ = open_ledger(f"sqlite:///{tmp_path}/l.sqlite", key_dir=tmp_path / "keys").keystore


def test_persons_only_from_step_2_with_a_coordinator(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    ref = b.open_case(ledger, by)
    member = c.build(c.Membership, case=ref, subject=subject, core="kern", influence="negatief")
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(Refused, match=r"member\.not-in-step-1"):
        ledger.group.add_member(member, by)
    ledger.cases.record_signal(b.signal(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(Refused, match=r"member\.needs-coordinator"):
        ledger.group.add_member(member, by)
    assert ledger.app.recorder.max_notification_id() == before
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    ledger.group.add_member(member, by)
    with pytest.raises(Refused, match=r"member\.known"):
        ledger.group.add_member(member, by)


def test_groepsscan_follows_the_namenlijst(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = case_at_step(ledger, by, 2)
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    request = c.build(c.RequestGroepsscan, case=ref, requested_by="burgemeester", motivation="m")
    with pytest.raises(Refused, match=r"groepsscan\.after-namenlijst"):
        ledger.group.request_groepsscan(request, by)
    stranger = register(ledger, by)
    with pytest.raises(Refused, match=r"member\.known"):
        ledger.group.agree_namenlijst(
            c.build(c.AgreeNamenlijst, case=ref, subjects=[stranger], partners=["politie"]), by
        )
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=stranger, core="kern", influence="meeloper"), by
    )
    receive = c.build(
        c.ReceiveGroepsscan,
        case=ref,
        recipients=["burgemeester"],
        unknown_names=1,
        informatiepositie="zwak",
        summary="s",
    )
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[stranger], partners=["politie"]), by
    )
    with pytest.raises(Refused, match=r"groepsscan\.requested-first"):
        ledger.group.receive_groepsscan(receive, by)
    ledger.group.request_groepsscan(request, by)
    ledger.group.receive_groepsscan(receive, by)
    ledger.group.note_police_report(c.build(c.NotePoliceReport, case=ref, subject=stranger), by)
    scans = ledger.group.groepsscans(ref, by)
    assert scans[0]["unknown_names"] == 1 and scans[0]["summary"] == "s"


def test_representatives_link_to_a_youth_and_bad_bsn_is_refused(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    youth = register(ledger, by)
    parent = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="wettelijk-vertegenwoordiger",
            name="Test Ouder",
            representative_of=youth,
        ),
        by,
    )
    assert ledger.persons.view(youth, by)["representatives"] == [parent.short]
    with pytest.raises(BadInput, match="elfproef"):
        register(ledger, by, bsn="123456789")
    with pytest.raises(BadInput, match="date of birth"):
        ledger.persons.register(c.build(c.RegisterSubject, kind="jongere", name="X Test"), by)
    with pytest.raises(Refused):
        ledger.persons.register(
            c.build(
                c.RegisterSubject,
                kind="wettelijk-vertegenwoordiger",
                name="Test Ouder 2",
                representative_of=parent.short,
            ),
            by,
        )


def test_the_read_models_hold_pseudonyms_only(ledger: Ledger) -> None:
    full_person_scenario(ledger)
    snapshot = ledger.queries.tables_snapshot()
    text = repr(snapshot).encode()
    assert not [n for n in NEEDLES if n in text]
    assert any("P-" in repr(rows) for rows in snapshot.values())
