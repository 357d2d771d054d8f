"""The contract of Store and SqlRecorder, written once and run on SQLite and PostgreSQL.

``StoreContract`` holds the behaviour every backend must show; ``TestStoreContract``
binds it to the ``database_url`` fixture, which gives each test a fresh empty database
of each kind (ids ``[sqlite]`` and ``[postgres]``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, inspect, select, text

from ledger.store import Store
from ledger.store.recorder import SqlRecorder
from ledger.store.schema import events, meta
from tests.conftest import fresh_database_url

TOPIC = "tests.contract:Happened"
OTHER_TOPIC = "tests.contract:Other"


def stored(
    originator_id: UUID, version: int, *, topic: str = TOPIC, state: bytes | None = None
) -> StoredEvent:
    return StoredEvent(
        originator_id=originator_id,
        originator_version=version,
        topic=topic,
        state=state if state is not None else f"{originator_id}:{version}".encode(),
    )


def versions(events_: Sequence[StoredEvent]) -> list[int]:
    return [e.originator_version for e in events_]


class HookFailed(Exception):
    pass


class StoreContract:
    """Abstract: subclasses provide a ``store`` fixture (a Store on an empty database)."""

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        raise NotImplementedError("bind the contract to a backend with a `store` fixture")

    @pytest.fixture
    def recorder(self, store: Store) -> SqlRecorder:
        store.initialise()
        return SqlRecorder(store)

    # -- lifecycle -------------------------------------------------------------------

    def test_exists_is_false_before_initialise_and_creates_nothing(self, store: Store) -> None:
        assert store.exists() is False
        assert store.exists() is False
        if store.sqlite_path is not None:
            assert not store.sqlite_path.exists(), "exists() must not create the SQLite file"
        else:
            with store.engine.connect() as conn:
                assert inspect(conn).get_table_names() == []

    def test_require_initialised_raises_before_initialise(self, store: Store) -> None:
        from ledger.errors import NotInitialised

        with pytest.raises(NotInitialised):
            store.require_initialised()

    def test_initialise_reports_new_once_and_is_idempotent(self, store: Store) -> None:
        assert store.initialise() is True
        assert store.exists() is True
        assert store.initialise() is False
        assert store.initialise() is False
        store.require_initialised()
        with store.read() as conn:
            keys = conn.execute(select(meta.c.key).order_by(meta.c.key)).scalars().all()
        assert keys == ["created_at", "schema_version"]

    def test_initialise_again_keeps_stored_events(self, store: Store) -> None:
        store.initialise()
        recorder = SqlRecorder(store)
        aggregate = uuid4()
        recorder.insert_events([stored(aggregate, 1), stored(aggregate, 2)])
        assert store.initialise() is False
        assert versions(recorder.select_events(aggregate)) == [1, 2]

    def test_second_store_on_same_database_sees_it_initialised(self, store: Store) -> None:
        store.initialise()
        other = Store(store.url)
        try:
            assert other.exists() is True
            assert other.initialise() is False
        finally:
            other.dispose()

    # -- positions -------------------------------------------------------------------

    def test_max_notification_id_is_none_when_empty(self, recorder: SqlRecorder) -> None:
        assert recorder.max_notification_id() is None
        assert recorder.select_notifications(start=None, limit=10) == []

    def test_insert_events_returns_gap_free_positions_from_one(self, recorder: SqlRecorder) -> None:
        a, b, c = uuid4(), uuid4(), uuid4()
        assert recorder.insert_events([stored(a, 1)]) == [1]
        assert recorder.insert_events([stored(b, 1), stored(b, 2), stored(a, 2)]) == [2, 3, 4]
        assert recorder.insert_events([]) == []
        assert recorder.insert_events([stored(c, 1), stored(c, 2)]) == [5, 6]
        assert recorder.max_notification_id() == 6
        notifications = recorder.select_notifications(start=None, limit=100)
        assert [n.id for n in notifications] == [1, 2, 3, 4, 5, 6]
        assert [(n.originator_id, n.originator_version) for n in notifications] == [
            (a, 1),
            (b, 1),
            (b, 2),
            (a, 2),
            (c, 1),
            (c, 2),
        ]

    def test_concurrent_writers_get_distinct_gap_free_positions(
        self, recorder: SqlRecorder
    ) -> None:
        writers, batches = 4, 8
        results: list[int] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def write() -> None:
            try:
                aggregate = uuid4()
                for version in range(1, batches + 1):
                    positions = recorder.insert_events([stored(aggregate, version)])
                    with lock:
                        results.extend(positions)
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        threads = [threading.Thread(target=write) for _ in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(results) == list(range(1, writers * batches + 1))
        assert recorder.max_notification_id() == writers * batches

    # -- reading events --------------------------------------------------------------

    def test_select_events_round_trips_every_field(self, recorder: SqlRecorder) -> None:
        aggregate = uuid4()
        state = bytes(range(256)) + b"\x00\xff"
        recorder.insert_events([stored(aggregate, 1, topic=OTHER_TOPIC, state=state)])
        (event,) = recorder.select_events(aggregate)
        assert event == StoredEvent(aggregate, 1, OTHER_TOPIC, state)
        assert isinstance(event.originator_id, UUID)
        assert type(event.state) is bytes
        assert recorder.select_events(str(aggregate)) == [event]

    def test_select_events_filters_orders_and_limits(self, recorder: SqlRecorder) -> None:
        mine, other = uuid4(), uuid4()
        for version in range(1, 6):
            recorder.insert_events([stored(mine, version), stored(other, version)])

        assert versions(recorder.select_events(mine)) == [1, 2, 3, 4, 5]
        assert {e.originator_id for e in recorder.select_events(mine)} == {mine}
        assert versions(recorder.select_events(mine, gt=2)) == [3, 4, 5]
        assert versions(recorder.select_events(mine, lte=3)) == [1, 2, 3]
        assert versions(recorder.select_events(mine, gt=1, lte=4)) == [2, 3, 4]
        assert versions(recorder.select_events(mine, desc=True)) == [5, 4, 3, 2, 1]
        assert versions(recorder.select_events(mine, limit=2)) == [1, 2]
        assert versions(recorder.select_events(mine, desc=True, limit=2)) == [5, 4]
        assert versions(recorder.select_events(mine, lte=4, desc=True, limit=2)) == [4, 3]
        assert versions(recorder.select_events(mine, gt=5)) == []
        assert recorder.select_events(uuid4()) == []

    # -- reading notifications -------------------------------------------------------

    def test_select_notifications_start_stop_limit(self, recorder: SqlRecorder) -> None:
        aggregate = uuid4()
        recorder.insert_events([stored(aggregate, v) for v in range(1, 11)])

        def ids(**kwargs: Any) -> list[int]:
            return [n.id for n in recorder.select_notifications(**kwargs)]

        assert ids(start=None, limit=3) == [1, 2, 3]
        assert ids(start=4, limit=3) == [4, 5, 6]
        assert ids(start=4, limit=3, inclusive_of_start=False) == [5, 6, 7]
        assert ids(start=None, limit=100, inclusive_of_start=False) == list(range(1, 11))
        assert ids(start=8, limit=100) == [8, 9, 10]
        assert ids(start=3, limit=100, stop=5) == [3, 4, 5]
        assert ids(start=3, limit=2, stop=9) == [3, 4]
        assert ids(start=5, limit=10, stop=5) == [5]
        assert ids(start=5, limit=10, stop=5, inclusive_of_start=False) == []
        assert ids(start=11, limit=10) == []

    def test_select_notifications_by_topic(self, recorder: SqlRecorder) -> None:
        aggregate = uuid4()
        recorder.insert_events(
            [
                stored(aggregate, 1, topic=TOPIC),
                stored(aggregate, 2, topic=OTHER_TOPIC),
                stored(aggregate, 3, topic=TOPIC),
                stored(aggregate, 4, topic="tests.contract:Third"),
            ]
        )

        def ids(topics: Sequence[str], **kwargs: Any) -> list[int]:
            return [n.id for n in recorder.select_notifications(None, 100, topics=topics, **kwargs)]

        assert ids([TOPIC]) == [1, 3]
        assert ids([OTHER_TOPIC, "tests.contract:Third"]) == [2, 4]
        assert ids(["tests.contract:Nothing"]) == []
        assert ids([]) == [1, 2, 3, 4]
        assert [
            n.id for n in recorder.select_notifications(2, 1, topics=[TOPIC])
        ] == [3]  # fmt: skip

    def test_notifications_carry_the_stored_event(self, recorder: SqlRecorder) -> None:
        aggregate = uuid4()
        recorder.insert_events([stored(aggregate, 1, state=b"\x00payload\xff")])
        (notification,) = recorder.select_notifications(1, 1)
        assert notification.id == 1
        assert notification.originator_id == aggregate
        assert notification.originator_version == 1
        assert notification.topic == TOPIC
        assert notification.state == b"\x00payload\xff"

    # -- integrity -------------------------------------------------------------------

    def test_duplicate_aggregate_version_raises_and_writes_nothing(
        self, recorder: SqlRecorder
    ) -> None:
        taken, bystander = uuid4(), uuid4()
        assert recorder.insert_events([stored(taken, 1)]) == [1]

        with pytest.raises(IntegrityError):
            recorder.insert_events([stored(bystander, 1), stored(taken, 1, state=b"second")])

        assert recorder.max_notification_id() == 1
        assert recorder.select_events(bystander) == []
        assert [e.state for e in recorder.select_events(taken)] == [stored(taken, 1).state]
        assert recorder.insert_events([stored(bystander, 1)]) == [2], "no position was used"

    def test_duplicate_within_one_batch_raises_and_writes_nothing(
        self, recorder: SqlRecorder
    ) -> None:
        aggregate = uuid4()
        with pytest.raises(IntegrityError):
            recorder.insert_events([stored(aggregate, 1), stored(aggregate, 1)])
        assert recorder.max_notification_id() is None
        assert recorder.insert_events([stored(aggregate, 1)]) == [1]

    # -- append hooks ----------------------------------------------------------------

    def test_append_hook_sees_positions_and_writes_in_the_same_transaction(
        self, store: Store, recorder: SqlRecorder
    ) -> None:
        calls: list[tuple[list[int], list[int]]] = []

        def hook(conn: Connection, positions: Sequence[int], batch: Sequence[Any]) -> None:
            assert conn.in_transaction()
            # The events are visible to the hook: same connection, same transaction.
            seen = conn.execute(select(events.c.notification_id)).scalars().all()
            assert set(positions) <= set(seen)
            calls.append((list(positions), versions(batch)))
            conn.execute(meta.insert(), [{"key": f"hook-{positions[-1]}", "value": "x"}])

        store.append_hooks.append(hook)
        aggregate = uuid4()
        recorder.insert_events([stored(aggregate, 1), stored(aggregate, 2)])
        recorder.insert_events([stored(aggregate, 3)])

        assert calls == [([1, 2], [1, 2]), ([3], [3])]
        with store.read() as conn:
            hook_rows = conn.execute(
                select(meta.c.key).where(meta.c.key.like("hook-%")).order_by(meta.c.key)
            )
            assert hook_rows.scalars().all() == ["hook-2", "hook-3"]

    def test_failing_append_hook_rolls_back_events_and_hook_writes(
        self, store: Store, recorder: SqlRecorder
    ) -> None:
        aggregate = uuid4()
        recorder.insert_events([stored(aggregate, 1)])

        def hook(conn: Connection, positions: Sequence[int], batch: Sequence[Any]) -> None:
            conn.execute(meta.insert(), [{"key": "hook-wrote", "value": "x"}])
            raise HookFailed("the tamper-evident log refused the entry")

        store.append_hooks.append(hook)
        with pytest.raises(HookFailed):
            recorder.insert_events([stored(aggregate, 2), stored(uuid4(), 1)])

        assert recorder.max_notification_id() == 1
        assert versions(recorder.select_events(aggregate)) == [1]
        with store.read() as conn:
            assert conn.execute(select(meta.c.key).where(meta.c.key == "hook-wrote")).all() == []

        store.append_hooks.clear()
        assert recorder.insert_events([stored(aggregate, 2)]) == [2]


class TestStoreContract(StoreContract):
    """The contract on each backend from the ``database_url`` fixture."""

    @pytest.fixture
    def store(self, database_url: str) -> Iterator[Store]:
        store = Store(database_url)
        try:
            yield store
        finally:
            store.dispose()


# -- properties over many fresh databases (one per hypothesis example) ---------------


@settings(max_examples=15)
@given(batches=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=6))
def test_positions_are_gap_free_for_any_batch_sizes(database_kind: str, batches: list[int]) -> None:
    with fresh_database_url(database_kind) as url:
        store = Store(url)
        try:
            store.initialise()
            recorder = SqlRecorder(store)
            positions: list[int] = []
            for size in batches:
                positions += recorder.insert_events([stored(uuid4(), 1) for _ in range(size)])
            assert positions == list(range(1, sum(batches) + 1))
            assert recorder.max_notification_id() == (sum(batches) or None)
        finally:
            store.dispose()


# -- the per-test PostgreSQL schema really isolates tests ----------------------------


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgres_database_url_puts_tables_in_its_own_schema(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.initialise()
        with store.read() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            placed = (
                conn.execute(
                    text(
                        "SELECT table_schema FROM information_schema.tables "
                        "WHERE table_name = :name"
                    ),
                    {"name": events.name},
                )
                .scalars()
                .all()
            )
        assert schema.startswith("t_")
        assert placed == [schema], "the events table must exist only in this test's schema"
    finally:
        store.dispose()
