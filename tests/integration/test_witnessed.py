"""A witnessed log: the attacks that a self-consistent ledger cannot show by itself.

An attacker with write access to the database (triggers dropped) cuts the tail, puts an
older copy back, takes out a checkpoint, or re-signs history with a key of their own.
Each is caught: by the high-water mark kept beside the signing key, by checkpoints held
outside (exported, witnesses, printed on documents), or by the chain of checkpoints.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from ledger import commands as c
from ledger.audit import triggers
from ledger.audit.checkpoint import Checkpoint
from ledger.audit.document import line
from ledger.audit.log import row_to_checkpoint
from ledger.audit.verify import VerificationFailed
from ledger.bootstrap import Ledger, open_ledger
from ledger.documents import subject_report_text
from ledger.domain.acting import Acting
from ledger.operations.integrity import RolledBack
from tests import builders as b
from tests.conftest import FixedClock

EVENTS, LOG, CHECKPOINTS = "regie_events", "regie_log", "regie_checkpoints"


@contextmanager
def attacker(ledger: Ledger) -> Iterator[Connection]:
    """A raw transaction without the append-only triggers: what a DB superuser can do."""
    with ledger.store.engine.begin() as conn:
        triggers.drop(conn)
        yield conn


def truncate(ledger: Ledger, keep: int) -> None:
    with attacker(ledger) as conn:
        conn.execute(text(f"DELETE FROM {EVENTS} WHERE notification_id > {keep}"))
        conn.execute(text(f"DELETE FROM {LOG} WHERE position > {keep}"))
        conn.execute(text(f"DELETE FROM {CHECKPOINTS} WHERE tree_size > {keep}"))


class Killed(Exception):
    """Stands for kill -9 at that point."""


def snapshot(path: Path, to: Path) -> None:
    source, target = sqlite3.connect(path), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def history(ledger: Ledger) -> tuple[Acting, str]:
    """Eleven events in eleven transactions (policies, five actors, a case to step 3)."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    return by, ref


def reopen(ledger: Ledger, clock: FixedClock) -> Ledger:
    """The next process opening the same ledger."""
    return open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=clock)


def export(ledger: Ledger, path: Path) -> Path:
    by = ledger.app.acting(b.ADMIN)
    path.write_text(json.dumps(ledger.operations.checkpoint(by)), encoding="utf-8")
    return path


def officer(ledger: Ledger) -> Acting:
    return b.privacy_officer(ledger)


@pytest.mark.parametrize("cut", [1, 5])
def test_a_cut_tail_is_caught_by_the_high_water_mark(
    ledger: Ledger, clock: FixedClock, cut: int
) -> None:
    by, _ = history(ledger)
    size = ledger.app.recorder.max_notification_id() or 0
    truncate(ledger, size - cut)
    assert ledger.audit_log.verify().events == size - cut  # consistent in itself
    with pytest.raises(VerificationFailed, match=r"high-water mark .*rollback or truncation"):
        ledger.operations.verify(officer(ledger))
    with reopen(ledger, clock) as next_process:
        with pytest.raises(RolledBack, match=f"holds {size - cut} events"):
            next_process.cases.cases(by)
        with pytest.raises(RolledBack):  # and nothing reuses the lost positions
            b.open_case(next_process, by)
        assert next_process.app.recorder.max_notification_id() == size - cut


def test_an_older_copy_of_the_file_put_back_is_caught(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(f"sqlite:///{path}", require_initialised=False, clock=clock) as first:
        first.initialise()
        by = b.seed_actors(first)
        snapshot(path, tmp_path / "older.sqlite")  # a backup, as anyone could take one
        ref = b.open_case(first, by)
        first.cases.record_signal(b.signal(ref), by)
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copy(tmp_path / "older.sqlite", path)
    with open_ledger(f"sqlite:///{path}", clock=clock) as restored:
        with pytest.raises(RolledBack, match="rollback or truncation"):
            restored.cases.cases(restored.app.acting(b.REGISSEUR))
        with pytest.raises(VerificationFailed, match="high-water mark"):
            restored.operations.verify(officer(restored))


def test_a_checkpoint_taken_out_of_the_chain_is_named(ledger: Ledger) -> None:
    history(ledger)
    with attacker(ledger) as conn:
        conn.execute(text(f"DELETE FROM {CHECKPOINTS} WHERE tree_size = 6"))
    with pytest.raises(VerificationFailed, match="checkpoint 6 is missing: checkpoint 7"):
        ledger.audit_log.verify()


def test_history_re_signed_with_another_key_is_caught(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    history(ledger)
    kept_elsewhere = tmp_path / "first.pub"
    shutil.copy(ledger.keys.directory / "signing.first.pub", kept_elsewhere)
    witnessed = export(ledger, tmp_path / "witnessed.json")
    forged = Ed25519PrivateKey.generate()
    with attacker(ledger) as conn:
        rows = conn.execute(text(f"SELECT * FROM {CHECKPOINTS}")).all()
        for row in rows:
            old = row_to_checkpoint(ledger.origin(), row)
            new = Checkpoint.sign(
                forged, old.origin, old.tree_size, old.root_hash, old.timestamp, old.previous
            )
            conn.execute(
                text(f"UPDATE {CHECKPOINTS} SET signature = :s, key_id = :k WHERE tree_size = :t"),
                {"s": new.signature, "k": new.key_id, "t": new.tree_size},
            )
    pem = forged.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for name in ("signing.pub", "signing.first.pub"):
        (ledger.keys.directory / name).write_bytes(pem)
    (ledger.keys.directory / "checkpoint.json").unlink()  # the attacker hides the mark too
    with reopen(ledger, clock) as fresh:
        by = officer(fresh)
        with pytest.raises(VerificationFailed, match="signed by key"):
            fresh.operations.verify(by, first_key=kept_elsewhere)
        with pytest.raises(VerificationFailed, match="not in this ledger's key chain"):
            fresh.operations.verify(by, against=[witnessed])


def test_the_signing_key_rotates_through_the_log(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    by, ref = history(ledger)
    first = tmp_path / "first.pub"
    shutil.copy(ledger.keys.directory / "signing.first.pub", first)
    before = export(ledger, tmp_path / "before.json")
    admin = ledger.app.acting(b.ADMIN)
    rotated = ledger.operations.rotate_signing_key(admin)
    ledger.cases.record_signal(b.signal(ref), by)
    heads = ledger.operations.checkpoints(admin)
    assert heads[-1].key_id == rotated["new_key_id"] != heads[0].key_id
    report = ledger.operations.verify(officer(ledger), first_key=first, against=[before])
    assert report.events == heads[-1].tree_size


def test_a_rotation_interrupted_after_its_event_is_completed(
    ledger: Ledger, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    by, ref = history(ledger)
    first = tmp_path / "first.pub"
    shutil.copy(ledger.keys.directory / "signing.first.pub", first)

    def killed() -> None:
        raise Killed

    monkeypatch.setattr(ledger.integrity.signing, "promote_next", killed)
    with pytest.raises(Killed):  # the event is stored, the new key not yet in place
        ledger.operations.rotate_signing_key(ledger.app.acting(b.ADMIN))
    with reopen(ledger, clock) as fresh:
        fresh.cases.record_signal(b.signal(ref), by)  # signed by the new key
        assert not (fresh.keys.directory / "signing.key.next").exists()
        fresh.operations.verify(officer(fresh), first_key=first)


def test_a_rotation_interrupted_before_its_event_signs_nothing(
    ledger: Ledger, clock: FixedClock
) -> None:
    by, ref = history(ledger)
    ledger.integrity.signing.stage_next()  # then the process died
    with reopen(ledger, clock) as fresh:
        fresh.cases.record_signal(b.signal(ref), by)
        assert not (fresh.keys.directory / "signing.key.next").exists()
        fresh.operations.verify(officer(fresh))


def test_witnesses_receive_every_checkpoint_and_catch_a_cut(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    by, ref = history(ledger)
    place = tmp_path / "fg"
    admin = ledger.app.acting(b.ADMIN)
    ledger.operations.add_witness("fg", place, admin)
    ledger.cases.record_signal(b.signal(ref), by)
    size = ledger.app.recorder.max_notification_id() or 0
    [held] = [json.loads(p.read_text()) for p in place.glob("*.json")]
    assert held["tree_size"] == size
    assert ledger.operations.verify(officer(ledger), witnesses=True).events == size
    truncate(ledger, size - 2)
    (ledger.keys.directory / "checkpoint.json").unlink()  # the mark gone too: the witness
    expected = r"witness fg .*rollback or truncation"
    with reopen(ledger, clock) as fresh, pytest.raises(VerificationFailed, match=expected):
        fresh.operations.verify(officer(fresh), witnesses=True)


def test_a_witness_out_of_reach_is_a_finding_and_never_blocks(
    ledger: Ledger, tmp_path: Path
) -> None:
    by, ref = history(ledger)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the witness's directory should be", encoding="utf-8")
    ledger.operations.add_witness("partner", blocked, ledger.app.acting(b.ADMIN))
    ledger.cases.record_signal(b.signal(ref), by)  # written all the same
    findings = ledger.privacy.findings(officer(ledger))
    [missed] = [f for f in findings if f["kind"] == "getuige-niet-bereikt"]
    assert "partner" in missed["detail"]


def test_an_accepted_rollback_is_on_record_and_the_ledger_works_again(
    ledger: Ledger, clock: FixedClock
) -> None:
    by, _ = history(ledger)
    size = ledger.app.recorder.max_notification_id() or 0
    truncate(ledger, size - 3)
    with reopen(ledger, clock) as fresh:
        admin = fresh.app.acting(b.ADMIN)
        result = fresh.operations.accept_rollback("Hersteld uit de back-up (test)", admin)
        assert (result["witnessed"], result["ledger"]) == (size, size - 3)
        fresh.cases.cases(by)  # works again
        # The record of it: the signing-key record begun, and the accepted rollback.
        assert fresh.operations.verify(officer(fresh)).events == size - 3 + 2


def test_a_document_carries_its_checkpoint_and_the_ledger_answers_for_it(
    ledger: Ledger, clock: FixedClock
) -> None:
    history(ledger)
    admin = ledger.app.acting(b.ADMIN)
    heads = ledger.operations.checkpoints(admin)
    document = f"Brief aan Test Jongere (synthetisch)\n\n{line(heads[-1])}\n"
    [answer] = ledger.operations.check_document(document, admin)
    assert "consistent" in answer and "NOT" not in answer
    typed = line(heads[4]).split(": ", 1)[1].upper()  # typed back, in capitals
    assert "NOT" not in ledger.operations.check_document(typed, admin)[0]
    truncate(ledger, heads[-1].tree_size - 1)
    with reopen(ledger, clock) as fresh:
        [answer] = fresh.operations.check_document(document, fresh.app.acting(b.ADMIN))
        assert "NOT consistent" in answer


def test_an_untouched_ledger_raises_no_alarm(ledger: Ledger, tmp_path: Path) -> None:
    by, ref = history(ledger)
    exported = [export(ledger, tmp_path / "one.json")]
    ledger.cases.record_signal(b.signal(ref), by)
    exported.append(export(ledger, tmp_path / "two.json"))
    ledger.operations.verify(officer(ledger), against=[tmp_path], witnesses=True)


# -- the property: witnessed checkpoints catch every cut and every rewrite -------------

TAMPERS = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.just("truncate"), st.integers(1, 5)),
    st.tuples(st.just("rollback"), st.just(0)),
    st.tuples(st.just("rollback-and-write"), st.integers(1, 4)),
)


@settings(max_examples=60, deadline=None)
@given(
    writes=st.integers(2, 8),
    witnessed=st.sets(st.integers(0, 8), max_size=4),
    snapshot_after=st.integers(0, 8),
    tamper=TAMPERS,
)
def test_witnessed_checkpoints_catch_every_cut_and_rewrite_and_nothing_else(
    writes: int, witnessed: set[int], snapshot_after: int, tamper: tuple[str, int]
) -> None:
    kind, amount = tamper
    clock = FixedClock()
    with tempfile.TemporaryDirectory(prefix="regie-witnessed-") as scratch:
        root = Path(scratch)
        path, seen = root / "ledger.sqlite", root / "seen"
        seen.mkdir()
        sizes = []
        with open_ledger(f"sqlite:///{path}", require_initialised=False, clock=clock) as lg:
            lg.initialise()
            by = b.seed_actors(lg)
            ref = b.open_case(lg, by)
            for i in range(writes + 1):
                if i:
                    lg.cases.record_signal(b.signal(ref), by)
                size = lg.app.recorder.max_notification_id() or 0
                sizes.append(size)
                if i in witnessed:
                    export(lg, seen / f"at-{size}.json")
                if i == min(snapshot_after, writes):
                    snapshot(path, root / "older.sqlite")
                    snapshot_size = size
            current = common = sizes[-1]
            if kind == "truncate":
                current = common = max(sizes[-1] - amount, sizes[0])
                truncate(lg, current)
        if kind.startswith("rollback"):
            for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            shutil.copy(root / "older.sqlite", path)
            current = common = snapshot_size
        (path.with_name(path.name + ".keys") / "checkpoint.json").unlink()  # witnesses alone
        with open_ledger(f"sqlite:///{path}", clock=clock) as lg:
            if kind == "rollback-and-write":
                for _ in range(amount):
                    lg.cases.record_signal(b.signal(ref), lg.app.acting(b.REGISSEUR, "regisseur"))
                current = lg.app.recorder.max_notification_id() or 0
            alarm = any(s > common for s in (sizes[i] for i in witnessed if i <= writes))
            against = [seen] if any(seen.iterdir()) else []
            verdict = "alarm" if alarm else "quiet"
            event(f"{kind}: {verdict}")
            if alarm:
                expected = r"rollback or truncation|rewritten|differs"
                with pytest.raises(VerificationFailed, match=expected):
                    lg.operations.verify(b.privacy_officer(lg), against=against)
            else:
                report = lg.operations.verify(b.privacy_officer(lg), against=against)
                assert report.events == current


def test_every_document_the_ledger_hands_out_carries_its_checkpoint(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    """Subject reports and the proof of destruction (letters: tests/integration/test_letters)."""
    by, _ = history(ledger)
    register = c.build(
        c.RegisterSubject, kind="jongere", name="Test Document", date_of_birth="2011-02-03"
    )
    subject = ledger.persons.register(register, by).short
    officer_ = officer(ledger)
    report = ledger.privacy.subject_report(subject, officer_)
    text = subject_report_text(report)
    [answer] = ledger.operations.check_document(text, officer_)
    assert "consistent" in answer and "NOT" not in answer
    proof = ledger.retention.proof_of_destruction(officer_)
    [answer] = ledger.operations.check_document(proof["checkpoint"], officer_)
    assert "NOT" not in answer
