"""Management information across cases (issue 13, item 4): groups per step, time per step,
open and overdue actions per organisation, letters due, provisions per legal basis and
partner, purges done. Counts only: no name, no pseudonym, no working name of a group, so
the report can go to the driehoek or the council (seed 003 L2260-2265 finds this lacking)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.domain.acting import Acting
from ledger.domain.case_state import OPEN, STEP_NAMES
from ledger.domain.share import PROVIDED
from ledger.errors import BadInput
from ledger.letters.service import Letters
from ledger.projections import tables as t
from ledger.projections.queries import Queries

Row = dict[str, Any]


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


class Overview:
    def __init__(self, app: Regie, gate: Gate, queries: Queries, letters: Letters) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.letters = letters
        # Set by bootstrap: the printed checkpoint every document carries.
        self.checkpoint_line: Callable[[], str] = str

    @gated("report.overview")
    def overview(self, by: Acting, since: date | None = None, until: date | None = None) -> Row:
        """The figures of the overview report. ``since``/``until`` bound the provisions,
        purges and finished stays counted; the groups per step are as of ``until``'s state
        today (the read models hold the present)."""
        today = self.app.clock()
        end = until or today
        start = since or date(end.year, 1, 1)
        if start > end:
            raise BadInput("--from lies after --to")
        first, last = start.isoformat(), end.isoformat()
        cases = self._cases(by)
        refs = {c["ref"] for c in cases}
        return {
            "made_on": today.isoformat(),
            "from": first,
            "to": last,
            "cases": len(cases),
            "per_step": self._per_step(cases),
            "status": dict(sorted(Counter(c["status"] for c in cases).items())),
            "time_per_step": self._time_per_step(cases, first, last),
            "actions": self._actions(refs, today),
            "letters": self._letters(by, today, refs),
            "provisions": self._provisions(refs, first, last),
            "purges": self._purges(first, last),
            "checkpoint": self.checkpoint_line(),
        }

    def _cases(self, by: Acting) -> list[Row]:
        rows = self.queries.rows(select(t.cases))
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is not None and permission.cases == "all":
            return rows
        return [r for r in rows if by.actor in self.app.case(r["ref"]).participants]

    @staticmethod
    def _per_step(cases: list[Row]) -> list[Row]:
        running = Counter(c["step"] for c in cases if c["status"] == "lopend")
        return [
            {"step": n, "name": name, "groups": running.get(n, 0)} for n, name in STEP_NAMES.items()
        ]

    def _time_per_step(self, cases: list[Row], first: str, last: str) -> list[Row]:
        """Days spent in each step, per stay that ended within the period (the step
        history's dates: a case enters step 1 when it opens)."""
        by_case = {c["case_id"]: c for c in cases}
        history: dict[str, list[Row]] = defaultdict(list)
        for h in self.queries.rows(select(t.step_history).order_by(t.step_history.c.seq)):
            if h["case_id"] in by_case:
                history[h["case_id"]].append(h)
        stays: dict[int, list[int]] = defaultdict(list)
        for case_id, case in by_case.items():
            step, entered = 1, case["opened_on"]
            for h in history[case_id]:
                if first <= h["decided_on"] <= last:
                    stays[h["from_step"]].append(max(0, _days(entered, h["decided_on"])))
                step, entered = h["to_step"] or step, h["decided_on"]
        return [
            {
                "step": n,
                "stays": len(stays[n]),
                "median_days": statistics.median(stays[n]) if stays[n] else None,
                "longest_days": max(stays[n]) if stays[n] else None,
            }
            for n in STEP_NAMES
        ]

    def _actions(self, refs: set[str], today: date) -> list[Row]:
        a, cases = t.actions, t.cases
        query = (
            select(cases.c.ref, a.c.organisation, a.c.due)
            .join(cases, cases.c.case_id == a.c.case_id)
            .where(a.c.status == OPEN)
        )
        open_: Counter[str] = Counter()
        overdue: Counter[str] = Counter()
        for r in self.queries.rows(query):
            if r["ref"] in refs:
                open_[r["organisation"]] += 1
                overdue[r["organisation"]] += r["due"] < today.isoformat()
        return [
            {"organisation": org, "open": open_[org], "overdue": overdue[org]}
            for org in sorted(open_)
        ]

    def _letters(self, by: Acting, today: date, refs: set[str]) -> Row | None:
        """Letters still to send, and how many are late; None if the role may not see them."""
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is None or not permission.allows("letters.due"):
            return None
        rows = [r for r in self.letters.due(by, as_of=today) if r["case"] in refs]
        waiting = [r for r in rows if not r["deferred_until"]]
        return {
            "due": len(waiting),
            "overdue": sum(1 for r in waiting if r["late"]),
            "deferred": sum(1 for r in rows if r["deferred_until"]),
        }

    def _provisions(self, refs: set[str], first: str, last: str) -> list[Row]:
        s = t.shares
        query = select(s.c.case_ref, s.c.from_org, s.c.convenant, s.c.outcome).where(
            s.c.decided_on >= first, s.c.decided_on <= last
        )
        counted: Counter[tuple[str, str, str]] = Counter()
        for r in self.queries.rows(query):
            if r["case_ref"] in refs:
                basis = "convenant" if r["convenant"] else "ad hoc"
                outcome = "verstrekt" if r["outcome"] == PROVIDED else "geweigerd"
                counted[(r["from_org"], basis, outcome)] += 1
        return [
            {"from": org, "basis": basis, "outcome": outcome, "count": n}
            for (org, basis, outcome), n in sorted(counted.items())
        ]

    def _purges(self, first: str, last: str) -> list[Row]:
        """Keys destroyed per month, by kind of data: what the retention job did."""
        p = t.purges
        query = select(p.c.executed_on, p.c.owner_kind).where(
            p.c.executed_on >= first, p.c.executed_on <= last
        )
        months: Counter[str] = Counter(r["executed_on"][:7] for r in self.queries.rows(query))
        return [{"month": m, "count": n} for m, n in sorted(months.items())]
