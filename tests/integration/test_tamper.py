"""Tamper evidence, on SQLite and PostgreSQL.

* The database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the history tables.
* An attacker who drops those triggers and changes, removes, reorders or inserts exactly
  one row is caught by ``verify``, which names the first position that no longer holds.
* Crypto-shredding, a projection rebuild and a master-key rotation leave the log intact.
* The same through the CLI: ``regie audit verify / prove / consistency / check-proof``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from cli.main import regie
from ledger import commands as c
from ledger.audit import triggers
from ledger.audit.checkpoint import public_key_id
from ledger.audit.log import LogInconsistent, checkpoint_row, row_to_checkpoint
from ledger.audit.verify import VerificationFailed, VerifyReport
from ledger.bootstrap import Ledger, open_ledger
from ledger.config import default_key_dir
from ledger.crypto.keystore import data_keys
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url

EVENTS, LOG, CHECKPOINTS = "regie_events", "regie_log", "regie_checkpoints"
PRIMARY_KEY = {EVENTS: "notification_id", LOG: "position", CHECKPOINTS: "tree_size"}
REFUSED = "history is append-only"
LAST = "notification_id = 11"  # the last event of small_history


# -- ledgers --------------------------------------------------------------------------


@contextmanager
def initialised_ledger(url: str) -> Iterator[Ledger]:
    ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
    try:
        ledger.initialise()
        yield ledger
    finally:
        ledger.close()


def register_subject(ledger: Ledger, by: Acting) -> str:
    """A youth with sealed personal data; returns the pseudonym."""
    cmd = c.build(
        c.RegisterSubject,
        kind="jongere",
        name="Test Jongere Een",
        date_of_birth=date(2010, 4, 1),
        address="Teststraat 1",
    )
    return ledger.persons.register(cmd, by).short


def erase_subject(ledger: Ledger, by: Acting, pseudonym: str) -> None:
    cmd = c.build(c.EraseSubject, subject=pseudonym, reason="verzoek", basis="AVG art. 17")
    assert ledger.persons.erase(cmd, by) == "erased"


def small_history(ledger: Ledger) -> str:
    """Eleven events in eleven transactions: policies, five actors, a case walked to step 3."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    return ref


def rows(ledger: Ledger, table: str) -> list[tuple[Any, ...]]:
    with ledger.store.engine.connect() as conn:
        query = text(f"SELECT * FROM {table} ORDER BY {PRIMARY_KEY[table]}")
        return [tuple(row) for row in conn.execute(query)]


def assert_verifies(ledger: Ledger) -> VerifyReport:
    """verify passes, covers every event and reports the newest signed root."""
    report = ledger.audit_log.verify()
    head = ledger.audit_log.checkpoint()
    assert report.root_hash == head["root_hash"]
    assert report.events == head["tree_size"] == ledger.app.recorder.max_notification_id()
    assert report.checkpoints == len(ledger.audit_log.checkpoints())
    return report


@contextmanager
def attacker(ledger: Ledger) -> Iterator[Connection]:
    """A raw transaction without the append-only triggers: what a DB superuser can do."""
    with ledger.store.engine.begin() as conn:
        triggers.drop(conn)
        yield conn


# -- the ledger the property builds ---------------------------------------------------


@dataclass(frozen=True)
class Shape:
    extra_actors: int
    cases: list[tuple[int, int]]  # (extra signals, step to walk to) per case
    subject: str  # "none", "kept" or "erased"


SHAPES = st.builds(
    Shape,
    extra_actors=st.integers(0, 2),
    cases=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 7)), max_size=3),
    subject=st.sampled_from(["none", "kept", "erased"]),
)


def build(ledger: Ledger, shape: Shape) -> None:
    app = ledger.app
    by = b.seed_actors(ledger)
    admin = app.acting(b.ADMIN)
    for i in range(shape.extra_actors):
        cmd = c.build(
            c.RegisterActor,
            handle=f"extra-{i}-test",
            display_name=f"Test Extra {i}",
            organisation="gemeente",
            roles=["regisseur"],
        )
        ledger.actors.register_actor(cmd, admin)
    for number, (signals, step) in enumerate(shape.cases):
        ref = b.open_case(ledger, by, f"Groep {number}")
        for _ in range(signals):
            ledger.cases.record_signal(b.signal(ref), by)
        b.walk_to_step(ledger, by, ref, step)
    if shape.subject != "none":
        pseudonym = register_subject(ledger, by)
        if shape.subject == "erased":
            erase_subject(ledger, by, pseudonym)


# -- tamperings: each changes exactly one thing, and knows where verify must point ----


@dataclass(frozen=True)
class Tampering:
    description: str
    position: int | None  # the position verify must name; None for a checkpoint
    apply: Callable[[Connection], None] = field(repr=False, compare=False)


def event_row(conn: Connection, position: int) -> Any:
    return conn.execute(
        text(f"SELECT * FROM {EVENTS} WHERE notification_id = :p"), {"p": position}
    ).one()


def insert_event(
    conn: Connection, position: int, originator_id: str, version: int, topic: str, state: bytes
) -> None:
    conn.execute(
        text(
            f"INSERT INTO {EVENTS} (notification_id, originator_id, originator_version, "
            "topic, state) VALUES (:p, :oid, :v, :topic, :state)"
        ),
        {"p": position, "oid": originator_id, "v": version, "topic": topic, "state": state},
    )


def xor_byte(data: bytes, index: int, mask: int) -> bytes:
    """``data`` with one byte changed (mask is non-zero, so the byte always differs)."""
    index %= len(data)
    return data[:index] + bytes([data[index] ^ mask]) + data[index + 1 :]


def flip_state_byte(position: int, index: int, mask: int) -> Tampering:
    def apply(conn: Connection) -> None:
        state = xor_byte(bytes(event_row(conn, position).state), index, mask)
        conn.execute(
            text(f"UPDATE {EVENTS} SET state = :s WHERE notification_id = :p"),
            {"s": state, "p": position},
        )

    return Tampering(f"flip a byte of event {position}'s state", position, apply)


def rename_topic(position: int) -> Tampering:
    def apply(conn: Connection) -> None:
        conn.execute(
            text(f"UPDATE {EVENTS} SET topic = topic || 'X' WHERE notification_id = :p"),
            {"p": position},
        )

    return Tampering(f"change event {position}'s topic", position, apply)


def bump_version(position: int, by: int) -> Tampering:
    def apply(conn: Connection) -> None:
        # Far above any real version, so the (aggregate, version) unique key still holds.
        conn.execute(
            text(
                f"UPDATE {EVENTS} SET originator_version = originator_version + :by "
                "WHERE notification_id = :p"
            ),
            {"by": 1000 * by, "p": position},
        )

    return Tampering(f"change event {position}'s originator_version", position, apply)


def delete_event(position: int) -> Tampering:
    def apply(conn: Connection) -> None:
        conn.execute(text(f"DELETE FROM {EVENTS} WHERE notification_id = :p"), {"p": position})

    return Tampering(f"delete event {position}", position, apply)


def swap_events(first: int, second: int) -> Tampering:
    """Reorder: two events exchange their contents, their positions stay."""

    def apply(conn: Connection) -> None:
        one, other = event_row(conn, first), event_row(conn, second)
        # Delete and re-insert: an UPDATE per row would trip the unique (aggregate, version).
        conn.execute(
            text(f"DELETE FROM {EVENTS} WHERE notification_id IN (:a, :b)"),
            {"a": first, "b": second},
        )
        for position, row in ((first, other), (second, one)):
            insert_event(
                conn,
                position,
                row.originator_id,
                row.originator_version,
                row.topic,
                bytes(row.state),
            )

    return Tampering(f"swap events {first} and {second}", min(first, second), apply)


def append_replayed_event(n: int, copy_of: int, gap: int) -> Tampering:
    """An extra event at n + gap: a copy of an earlier one, as its aggregate's next version."""

    def apply(conn: Connection) -> None:
        row = event_row(conn, copy_of)
        newest = conn.execute(
            text(f"SELECT max(originator_version) FROM {EVENTS} WHERE originator_id = :oid"),
            {"oid": row.originator_id},
        ).scalar_one()
        insert_event(conn, n + gap, row.originator_id, newest + 1, row.topic, bytes(row.state))

    return Tampering(f"insert a copy of event {copy_of} at {n + gap}", n + 1, apply)


def append_forged_event(n: int, state: bytes) -> Tampering:
    def apply(conn: Connection) -> None:
        oid = str(UUID(int=n + 1))
        insert_event(conn, n + 1, oid, 1, "ledger.domain.actor:Actor.Registered", state)

    return Tampering(f"insert a forged event at {n + 1}", n + 1, apply)


def alter_leaf(position: int, index: int, mask: int) -> Tampering:
    def apply(conn: Connection) -> None:
        leaf = conn.execute(
            text(f"SELECT leaf_hash FROM {LOG} WHERE position = :p"), {"p": position}
        ).scalar_one()
        conn.execute(
            text(f"UPDATE {LOG} SET leaf_hash = :h WHERE position = :p"),
            {"h": xor_byte(bytes(leaf), index, mask), "p": position},
        )

    return Tampering(f"alter log leaf {position}", position, apply)


def delete_leaf(position: int) -> Tampering:
    def apply(conn: Connection) -> None:
        conn.execute(text(f"DELETE FROM {LOG} WHERE position = :p"), {"p": position})

    return Tampering(f"delete log leaf {position}", position, apply)


def append_leaf(n: int, leaf: bytes) -> Tampering:
    def apply(conn: Connection) -> None:
        conn.execute(
            text(f"INSERT INTO {LOG} (position, leaf_hash) VALUES (:p, :h)"),
            {"p": n + 1, "h": leaf},
        )

    return Tampering(f"insert a log leaf at {n + 1}", n + 1, apply)


def alter_checkpoint(tree_size: int, column: str, index: int, mask: int) -> Tampering:
    def apply(conn: Connection) -> None:
        value = conn.execute(
            text(f"SELECT {column} FROM {CHECKPOINTS} WHERE tree_size = :s"), {"s": tree_size}
        ).scalar_one()
        conn.execute(
            text(f"UPDATE {CHECKPOINTS} SET {column} = :v WHERE tree_size = :s"),
            {"v": xor_byte(bytes(value), index, mask), "s": tree_size},
        )

    return Tampering(f"alter the {column} of checkpoint {tree_size}", None, apply)


def tamperings(n: int, checkpoint_sizes: list[int]) -> st.SearchStrategy[Tampering]:
    """Exactly one change to a ledger of ``n`` events (n >= 2)."""
    position = st.integers(1, n)
    index = st.integers(0, 1 << 16)
    mask = st.integers(1, 255)
    return st.one_of(
        st.builds(flip_state_byte, position, index, mask),
        st.builds(rename_topic, position),
        st.builds(bump_version, position, st.integers(1, 3)),
        st.builds(delete_event, position),
        st.lists(position, min_size=2, max_size=2, unique=True).map(
            lambda pair: swap_events(*pair)
        ),
        st.builds(append_replayed_event, st.just(n), position, st.integers(1, 3)),
        st.builds(append_forged_event, st.just(n), st.binary(min_size=1, max_size=64)),
        st.builds(alter_leaf, position, index, mask),
        st.builds(delete_leaf, position),
        st.builds(append_leaf, st.just(n), st.binary(min_size=32, max_size=32)),
        st.builds(
            alter_checkpoint,
            st.sampled_from(checkpoint_sizes),
            st.sampled_from(["root_hash", "signature"]),
            index,
            mask,
        ),
    )


# -- 1. the triggers ------------------------------------------------------------------

UPDATES: dict[str, tuple[str, dict[str, Any]]] = {
    EVENTS: (f"UPDATE {EVENTS} SET topic = topic || 'X' WHERE notification_id = 1", {}),
    LOG: (f"UPDATE {LOG} SET leaf_hash = :h WHERE position = 1", {"h": bytes(32)}),
    CHECKPOINTS: (
        f"UPDATE {CHECKPOINTS} SET timestamp = '1970-01-01T00:00:00+00:00' "
        f"WHERE tree_size = (SELECT min(tree_size) FROM {CHECKPOINTS})",
        {},
    ),
}


def statement(table: str, operation: str) -> tuple[str, dict[str, Any]]:
    if operation == "UPDATE":
        return UPDATES[table]
    if operation == "DELETE":
        return f"DELETE FROM {table}", {}
    return f"TRUNCATE {table}", {}


@pytest.mark.parametrize("operation", ["UPDATE", "DELETE", "TRUNCATE"])
@pytest.mark.parametrize("table", [EVENTS, LOG, CHECKPOINTS])
def test_the_database_refuses_to_rewrite_history(
    ledger: Ledger, table: str, operation: str
) -> None:
    if operation == "TRUNCATE" and ledger.store.dialect == "sqlite":
        pytest.skip("SQLite has no TRUNCATE")
    small_history(ledger)
    before = rows(ledger, table)
    assert before
    sql, params = statement(table, operation)
    with pytest.raises(DBAPIError, match=REFUSED), ledger.store.engine.begin() as conn:
        conn.execute(text(sql), params)
    assert rows(ledger, table) == before
    assert_verifies(ledger)


@pytest.mark.parametrize("table", [EVENTS, LOG, CHECKPOINTS])
def test_without_the_triggers_an_update_goes_through_and_verify_catches_it(
    ledger: Ledger, table: str
) -> None:
    small_history(ledger)
    before = rows(ledger, table)
    sql, params = UPDATES[table]
    with attacker(ledger) as conn:
        assert conn.execute(text(sql), params).rowcount == 1
    assert rows(ledger, table) != before
    with pytest.raises(VerificationFailed):
        ledger.audit_log.verify()


# -- 2. the property: any single tampering is detected, at its position ---------------


@settings(max_examples=25, deadline=None)
@given(shape=SHAPES, data=st.data())
def test_any_single_tampering_is_detected_at_the_tampered_position(
    database_kind: str, shape: Shape, data: st.DataObject
) -> None:
    with fresh_database_url(database_kind) as url, initialised_ledger(url) as ledger:
        build(ledger, shape)
        # Untouched, the ledger verifies, also after a subject was crypto-shredded.
        n = assert_verifies(ledger).events
        sizes = [head.tree_size for head in ledger.audit_log.checkpoints()]
        tampering = data.draw(tamperings(n, sizes), label="tampering")
        event(re.sub(r"\d+", "N", tampering.description))  # --hypothesis-show-statistics
        with attacker(ledger) as conn:
            tampering.apply(conn)
        with pytest.raises(VerificationFailed) as failure:
            ledger.audit_log.verify()
        if tampering.position is not None:
            assert failure.value.position == tampering.position, failure.value


# Every kind at its edges (first, last, middle), so each run covers all of them whatever
# the property above happens to draw. small_history writes 11 events, one per checkpoint.
EVERY_KIND: dict[str, Callable[[int], Tampering]] = {
    "state of the first event": lambda n: flip_state_byte(1, 0, 0xFF),
    "topic of the last event": lambda n: rename_topic(n),
    "version of a middle event": lambda n: bump_version(n // 2, 1),
    "first event deleted": lambda n: delete_event(1),
    "last event deleted": lambda n: delete_event(n),
    "adjacent events swapped": lambda n: swap_events(n - 1, n),
    "first and last events swapped": lambda n: swap_events(n, 1),
    "replayed event appended": lambda n: append_replayed_event(n, 4, 1),
    "replayed event beyond the end": lambda n: append_replayed_event(n, 4, 5),
    "forged event appended": lambda n: append_forged_event(n, b"{}"),
    "first leaf altered": lambda n: alter_leaf(1, 0, 1),
    "middle leaf deleted": lambda n: delete_leaf(n // 2),
    "last leaf deleted": lambda n: delete_leaf(n),
    "leaf appended": lambda n: append_leaf(n, bytes(32)),
    "newest checkpoint root": lambda n: alter_checkpoint(n, "root_hash", 0, 1),
    "first checkpoint signature": lambda n: alter_checkpoint(1, "signature", 63, 0x80),
}


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_each_kind_of_tampering_is_detected_at_the_tampered_position(
    ledger: Ledger, kind: str
) -> None:
    small_history(ledger)
    n = assert_verifies(ledger).events
    tampering = EVERY_KIND[kind](n)
    with attacker(ledger) as conn:
        tampering.apply(conn)
    with pytest.raises(VerificationFailed) as failure:
        ledger.audit_log.verify()
    assert failure.value.position == tampering.position, failure.value


# -- 3. legitimate operations keep the log intact -------------------------------------


def test_erasure_rebuild_and_key_rotation_leave_a_verifiable_log(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 4)
    pseudonym = register_subject(ledger, by)
    assert ledger.persons.view(pseudonym, by)["fields"]["name"] == "Test Jongere Een"
    assert_verifies(ledger)
    history = rows(ledger, EVENTS)

    erase_subject(ledger, by, pseudonym)
    assert ledger.persons.view(pseudonym, by)["fields"]["name"] == MASKED
    # Shredding destroys keys; the sealed event bytes (and so the leaves) stay as they were.
    assert rows(ledger, EVENTS)[: len(history)] == history
    erased = assert_verifies(ledger)

    ledger.projections.rebuild()
    assert assert_verifies(ledger) == erased

    # Every remaining key is re-wrapped; none of them is the erased subject's.
    with ledger.keystore.engine.connect() as conn:
        owners = [r[0] for r in conn.execute(select(data_keys.c.subject_id))]
    assert ledger.persons.resolve(pseudonym) not in owners
    assert ledger.rotate_master_key()["rewrapped"] == len(owners)
    assert assert_verifies(ledger) == erased


def test_key_rotation_with_live_data_keys_leaves_a_verifiable_log(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    pseudonym = register_subject(ledger, by)
    before = assert_verifies(ledger)
    assert ledger.rotate_master_key()["rewrapped"] != 0  # the subject's data key
    assert assert_verifies(ledger) == before
    assert ledger.persons.view(pseudonym, by)["fields"]["name"] == "Test Jongere Een"


# -- regressions: tamperings that once slipped through or crashed verify -------------


def test_verify_detects_an_originator_id_rewritten_in_another_spelling(
    ledger: Ledger,
) -> None:
    ref = small_history(ledger)
    assert ledger.app.recorder.max_notification_id() == 11  # policies, 5 actors, 5 case events
    with attacker(ledger) as conn:
        conn.execute(text(f"UPDATE {EVENTS} SET originator_id = upper(originator_id) WHERE {LAST}"))
    # The rewrite matters: replayed afresh, the case lost its last step advance.
    with open_ledger(ledger.store.url, key_dir=ledger.keys.directory) as fresh:
        assert fresh.app.case(ref).step == 2
    with pytest.raises(VerificationFailed) as failure:
        ledger.audit_log.verify()
    assert failure.value.position == 11


@pytest.mark.parametrize(
    ("column", "value"), [("originator_version", -1), ("originator_id", "not-a-uuid")]
)
def test_verify_reports_an_unencodable_event_row_as_tampering(
    ledger: Ledger, column: str, value: Any
) -> None:
    small_history(ledger)
    with attacker(ledger) as conn:
        conn.execute(
            text(f"UPDATE {EVENTS} SET {column} = :v WHERE notification_id = 2"), {"v": value}
        )
    with pytest.raises(VerificationFailed) as failure:
        ledger.audit_log.verify()
    assert failure.value.position == 2


# -- 4. the command line --------------------------------------------------------------


@dataclass
class Cli:
    url: str
    key_dir: Path
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str) -> Result:
        env = {"REGIE_DATABASE_URL": self.url, "REGIE_ACTOR": b.REGISSEUR}
        return self.runner.invoke(regie, list(args), env=env, catch_exceptions=False)

    def check_proof(self, path: Path) -> Result:
        return self("audit", "check-proof", str(path), "--public-key", str(self.public_key))

    @property
    def public_key(self) -> Path:
        return self.key_dir / "signing.pub"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A SQLite ledger with a case at step 5, and the CLI pointed at it."""
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    url = f"sqlite:///{tmp_path}/ledger.sqlite"
    with initialised_ledger(url) as ledger:
        by = b.seed_actors(ledger)
        b.walk_to_step(ledger, by, b.open_case(ledger, by), 5)
    key_dir = default_key_dir(url)
    assert key_dir == tmp_path / "ledger.sqlite.keys"
    return Cli(url, key_dir)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    return lines[0]


def flip_hex_digit(path: Path, key: str) -> None:
    """Change one hex digit of the first entry of the proof's ``key`` list."""
    proof = json.loads(path.read_text(encoding="utf-8"))
    entry = proof[key][0]
    proof[key][0] = ("1" if entry[0] == "0" else "0") + entry[1:]
    path.write_text(json.dumps(proof), encoding="utf-8")


def test_cli_verify_passes_then_names_the_tampered_position(cli: Cli) -> None:
    verified = json.loads(ok(cli("audit", "verify", "--json")).output)
    head = json.loads(ok(cli("audit", "checkpoint", "--json")).output)
    assert verified["verified"] is True
    assert verified["root_hash"] == head["root_hash"]
    assert verified["events"] == head["tree_size"]
    assert "OK:" in ok(cli("audit", "verify")).output

    engine = create_engine(cli.url)
    try:
        with engine.begin() as conn:
            triggers.drop(conn)
            flip_state_byte(5, index=3, mask=0xFF).apply(conn)
    finally:
        engine.dispose()
    line = one_line_error(cli("audit", "verify"))
    assert "position 5" in line


def test_cli_inclusion_proof_checks_offline_and_fails_when_altered(
    cli: Cli, tmp_path: Path
) -> None:
    proof = tmp_path / "proof-5.json"
    ok(cli("audit", "prove", "5", "--out", str(proof)))
    assert json.loads(proof.read_text(encoding="utf-8"))["audit_path"]
    assert "event 5 is included" in ok(cli.check_proof(proof)).output
    flip_hex_digit(proof, "audit_path")
    one_line_error(cli.check_proof(proof))


def test_cli_consistency_proof_checks_offline_and_fails_when_altered(
    cli: Cli, tmp_path: Path
) -> None:
    sizes = [
        h["tree_size"]
        for h in json.loads(ok(cli("audit", "checkpoint", "--list", "--json")).output)
    ]
    old, new = sizes[len(sizes) // 2], sizes[-1]
    assert 0 < old < new
    proof = tmp_path / "consistency.json"
    ok(cli("audit", "consistency", str(old), str(new), "--out", str(proof)))
    assert "append-only" in ok(cli.check_proof(proof)).output
    flip_hex_digit(proof, "consistency_path")
    one_line_error(cli.check_proof(proof))


def test_verify_detects_a_tampered_frontier_before_it_blocks_writes(ledger: Ledger) -> None:
    small_history(ledger)
    with attacker(ledger) as conn:
        conn.execute(text(f"UPDATE {CHECKPOINTS} SET frontier = '[]' WHERE tree_size = 8"))
    with pytest.raises(VerificationFailed, match="frontier"):
        ledger.audit_log.verify()


def test_a_newest_checkpoint_not_signed_by_the_ledgers_keys_is_never_extended(
    ledger: Ledger,
) -> None:
    """Someone with database rights but not the signing key re-signs the newest checkpoint
    with a key of their own: the next write refuses to build on it, and writes nothing."""
    ref = small_history(ledger)
    by = ledger.app.acting(b.REGISSEUR, "regisseur")
    own = Ed25519PrivateKey.generate()
    with ledger.store.read() as conn:
        head = row_to_checkpoint(ledger.origin(), checkpoint_row(conn))
    forged = own.sign(head.signed_body)
    with attacker(ledger) as conn:
        conn.execute(
            text(f"UPDATE {CHECKPOINTS} SET key_id = :k, signature = :s WHERE tree_size = :n"),
            {"k": public_key_id(own.public_key()), "s": forged, "n": head.tree_size},
        )
    before = ledger.app.sql_recorder.max_notification_id()
    fresh = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=FixedClock())
    try:
        fresh.integrity.guard = lambda _command: None  # past the mark: the log's own check
        fresh.gate.guard = fresh.integrity.guard
        with pytest.raises(LogInconsistent, match="cannot be extended"):
            fresh.cases.record_signal(b.signal(ref), by)
        assert fresh.app.sql_recorder.max_notification_id() == before
    finally:
        fresh.close()
