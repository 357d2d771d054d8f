"""Read side: every query first catches the read models up with the event log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ledger.domain.case import OPEN, case_id
from ledger.errors import NotFound
from ledger.projections import tables as t
from ledger.projections.runner import Projections
from ledger.store import Store

Row = dict[str, Any]


class Queries:
    def __init__(self, store: Store, projections: Projections, clock: Callable[[], date]) -> None:
        self.store = store
        self.projections = projections
        self.clock = clock

    def rows(self, query: Any) -> list[Row]:
        """Catch the read models up, then run one query: the read every service shares."""
        self.projections.catch_up()
        with self.store.read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def ids_starting(self, column: Any, prefix: str) -> list[str]:
        """The ids in ``column`` that start with ``prefix``: how a short id finds its record."""
        rows = self.rows(select(column).where(column.startswith(prefix, autoescape=True)))
        return [str(next(iter(r.values()))) for r in rows]

    def cases_opened_in(self, year: int) -> int:
        self.projections.catch_up()
        with self.store.read() as conn:
            return int(
                conn.execute(select(func.count()).where(t.cases.c.year == year)).scalar() or 0
            )

    def actors(self) -> list[Row]:
        rows = self.rows(select(t.actors).order_by(t.actors.c.handle))
        for row in rows:
            row["roles"] = row["roles"].split(",")
            row.pop("actor_id")
        return rows

    def cases(self, status: str | None = None) -> list[Row]:
        query = select(t.cases).order_by(t.cases.c.ref)
        if status:
            query = query.where(t.cases.c.status == status)
        rows = self.rows(query)
        today = self.clock().isoformat()
        overdue = self._overdue_counts(today)
        open_counts = self._open_counts()
        return [self._case_summary(r, open_counts, overdue) for r in rows]

    def _open_counts(self) -> dict[str, int]:
        query = (
            select(t.actions.c.case_id, func.count())
            .where(t.actions.c.status == OPEN)
            .group_by(t.actions.c.case_id)
        )
        with self.store.read() as conn:
            return {k: int(v) for k, v in conn.execute(query)}

    def _overdue_counts(self, today: str) -> dict[str, int]:
        query = (
            select(t.actions.c.case_id, func.count())
            .where(t.actions.c.status == OPEN, t.actions.c.due < today)
            .group_by(t.actions.c.case_id)
        )
        with self.store.read() as conn:
            return {k: int(v) for k, v in conn.execute(query)}

    @staticmethod
    def _case_summary(row: Row, open_counts: dict[str, int], overdue: dict[str, int]) -> Row:
        return {
            "ref": row["ref"],
            "working_name": row["working_name"],
            "municipality": row["municipality"],
            "area": row["area"],
            "status": row["status"],
            "step": row["step"],
            "coordinator": row["coordinator"],
            "opened_on": row["opened_on"],
            "open_actions": open_counts.get(row["case_id"], 0),
            "overdue_actions": overdue.get(row["case_id"], 0),
        }

    def _case_row(self, ref: str) -> Row:
        rows = self.rows(select(t.cases).where(t.cases.c.case_id == str(case_id(ref))))
        if not rows:
            raise NotFound(f"there is no case {ref}; see `regie case list`")
        return rows[0]

    def case_overview(self, ref: str) -> Row:
        row = self._case_row(ref)
        key = row["case_id"]
        today = self.clock().isoformat()
        with self.store.read() as conn:
            steps = [
                dict(r)
                for r in conn.execute(
                    select(t.step_history)
                    .where(t.step_history.c.case_id == key)
                    .order_by(t.step_history.c.seq)
                ).mappings()
            ]
            decisions = [
                dict(r)
                for r in conn.execute(
                    select(t.decisions)
                    .where(t.decisions.c.case_id == key)
                    .order_by(t.decisions.c.number)
                ).mappings()
            ]
            escalations = [
                dict(r)
                for r in conn.execute(
                    select(t.escalations)
                    .where(t.escalations.c.case_id == key)
                    .order_by(t.escalations.c.seq)
                ).mappings()
            ]
        actions = self.actions(ref)
        for e in escalations:
            e.pop("case_id")
            e["action"] = f"A{e.pop('number')}"
        for d in decisions:
            d["items"] = json.loads(d["items"])
            d.pop("case_id")
        for s in steps:
            s.pop("case_id")
        overview = {k: v for k, v in row.items() if k not in ("case_id", "year", "evaluation")}
        overview["evaluation"] = json.loads(row["evaluation"]) if row["evaluation"] else None
        overview["step_history"] = steps
        overview["decisions"] = decisions
        overview["actions"] = actions
        overview["escalations"] = escalations
        overview["open_actions"] = [a for a in actions if a["status"] == OPEN]
        overview["overdue_actions"] = [
            a for a in actions if a["status"] == OPEN and a["due"] < today
        ]
        return overview

    def signals(self, ref: str | None = None) -> list[Row]:
        query = select(t.signals, t.cases.c.ref).join(
            t.cases, t.cases.c.case_id == t.signals.c.case_id
        )
        if ref:
            self._case_row(ref)
            query = query.where(t.signals.c.case_id == str(case_id(ref)))
        rows = self.rows(query.order_by(t.cases.c.ref, t.signals.c.number))
        for row in rows:
            row.pop("case_id")
        return rows

    def actions(
        self, ref: str | None = None, status: str | None = None, overdue: bool = False
    ) -> list[Row]:
        query = select(t.actions, t.cases.c.ref).join(
            t.cases, t.cases.c.case_id == t.actions.c.case_id
        )
        if ref:
            query = query.where(t.actions.c.case_id == str(case_id(ref)))
        if status:
            query = query.where(t.actions.c.status == status)
        today = self.clock().isoformat()
        if overdue:
            query = query.where(t.actions.c.status == OPEN, t.actions.c.due < today)
        rows = self.rows(query.order_by(t.cases.c.ref, t.actions.c.number))
        for row in rows:
            row.pop("case_id")
            row["id"] = f"A{row['number']}"
            row["overdue"] = row["status"] == OPEN and row["due"] < today
        return rows

    def plan(self, ref: str) -> Row:
        row = self._case_row(ref)
        with self.store.read() as conn:
            versions = [
                dict(r)
                for r in conn.execute(
                    select(t.plans)
                    .where(t.plans.c.case_id == row["case_id"])
                    .order_by(t.plans.c.version)
                ).mappings()
            ]
        if not versions:
            raise NotFound(f"case {ref} has no plan van aanpak yet; set one with `regie plan set`")
        current = versions[-1]
        return {
            "ref": ref,
            "version": current["version"],
            "goals": json.loads(current["goals"]),
            "tracks": json.loads(current["tracks"]),
            "set_by": current["actor"],
            "set_at": current["recorded_at"],
            "history": [
                {
                    "version": v["version"],
                    "set_by": v["actor"],
                    "set_at": v["recorded_at"],
                    "withdrawn": json.loads(v["withdrawn"]),
                }
                for v in versions
            ],
            "actions": [a for a in self.actions(ref) if a["status"] != "vervallen"],
        }

    def tables_snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every read-model row, ordered by key: what `projections rebuild` must reproduce."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.store.read() as conn:
            for table in (*t.ALL, t.tracking):
                order = list(table.primary_key.columns)
                out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
        return out
