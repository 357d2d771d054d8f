"""Pull the notification log into the read models; position tracked in the same transaction."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Mapper
from sqlalchemy import Connection, inspect, select

from ledger.projections import tables as t
from ledger.projections.workspace import Opener, Workspace
from ledger.store import Store
from ledger.store.recorder import SqlRecorder

NAME = "read-models"
SHAPE_ROW = "read-models-shape"
BATCH = 5000

Progress = Callable[[int, int], None]
"""Called with (done, total) after each batch."""


class Projections:
    def __init__(
        self,
        store: Store,
        recorder: SqlRecorder,
        mapper: Mapper[Any],
        opener: Opener | None = None,
    ) -> None:
        self.store = store
        self.recorder = recorder
        self.mapper = mapper
        self.opener = opener
        self._shape_checked = False

    def _position(self, conn: Connection, *, lock: bool) -> int:
        query = select(t.tracking.c.position).where(t.tracking.c.name == NAME)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        return int(conn.execute(query).scalar() or 0)

    def _save_position(self, conn: Connection, position: int, *, existed: bool) -> None:
        if existed:
            conn.execute(
                t.tracking.update().where(t.tracking.c.name == NAME).values(position=position)
            )
        else:
            conn.execute(t.tracking.insert().values(name=NAME, position=position))

    def position(self) -> int:
        with self.store.read() as conn:
            return self._position(conn, lock=False)

    def behind(self) -> tuple[int, int]:
        """The tracked position and the newest event's, read in one read transaction.

        A catch-up that finds them equal is done without ever asking for the write lock,
        so reads keep working while another connection writes (or rebuilds)."""
        with self.store.read() as conn:
            return self._position(conn, lock=False), self.recorder.last_position(conn)

    def _apply(self, ws: Workspace, conn: Connection, after: int, limit: int) -> int:
        """Apply up to ``limit`` events after ``after``; returns the new position."""
        # The handlers import every capability's domain events: only when there is work.
        from ledger.projections.projector import HANDLERS

        notifications = self.recorder.read_notifications(
            conn, after, limit, inclusive_of_start=False
        )
        to_domain_event = self.mapper.to_domain_event
        for notification in notifications:
            domain_event = to_domain_event(notification)
            handler = HANDLERS.get(type(domain_event))
            if handler is not None:
                handler(ws, domain_event)
        return notifications[-1].id if notifications else after

    def current_shape(self) -> bool:
        """True when the stored read models have the shape this version writes."""
        with self.store.read() as conn:
            if not inspect(conn).has_table(t.tracking.name):
                return False
            stored = conn.execute(
                select(t.tracking.c.position).where(t.tracking.c.name == SHAPE_ROW)
            ).scalar()
        return stored == t.SHAPE

    def catch_up(self, progress: Progress | None = None) -> int:
        """Bring the read models up to the newest event; returns how many were applied.

        Read models of another shape (written by another version) are rebuilt first."""
        if not self._shape_checked:
            if not self.current_shape():
                return self.rebuild(progress)
            self._shape_checked = True
        position, latest = self.behind()
        if position >= latest:
            return 0  # read-only: no write lock (SQLite), no row lock (PostgreSQL)
        applied = 0
        while True:
            with self.store.write(lock=False) as conn:
                position = self._position(conn, lock=True)
                if position >= latest:
                    return applied
                had_row = (
                    conn.execute(select(t.tracking.c.name).where(t.tracking.c.name == NAME)).first()
                    is not None
                )
                ws = Workspace(fresh=False)
                ws.opener = self.opener
                ws.conn = conn
                new_position = self._apply(ws, conn, position, BATCH)
                ws.flush(conn)
                self._save_position(conn, new_position, existed=had_row)
            applied += new_position - position
            if progress is not None:
                progress(new_position, latest)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the read models and replay the whole log into them, in one transaction."""
        # The workspace keeps every read-model row until the flush: a heap that grows by
        # a few objects per event and holds no reference cycles. The cyclic collector's
        # full passes over it cost ~10% of a rebuild's CPU (tests/benchmarks), for
        # nothing, so it pauses for the rebuild and resumes after, however it ends.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._rebuild(progress)
        finally:
            if collecting:
                gc.enable()

    def _rebuild(self, progress: Progress | None) -> int:
        with self.store.write(lock=False) as conn:
            latest = self.recorder.last_position(conn)
            t.read_models.drop_all(conn)
            t.read_models.create_all(conn)
            ws = Workspace(fresh=True)
            ws.opener = self.opener
            position = 0
            while position < latest:
                position = self._apply(ws, conn, position, BATCH)
                if progress is not None:
                    progress(position, latest)
            ws.flush(conn)
            self._save_position(conn, position, existed=False)
            conn.execute(t.tracking.insert().values(name=SHAPE_ROW, position=t.SHAPE))
        self._shape_checked = True
        return position
