"""What the ledger knows for each part of the plan document, as plain JSON values: read
from the read models and the case's history, never from the regisseur. The concept keeps
counts only where the full plan lists people (pseudonyms), signals or the groepsscan."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import select

from ledger.cases.group import Group
from ledger.crypto.envelope import open_text
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.case_state import OPEN, STEP_NAMES
from ledger.errors import NotFound
from ledger.projections import tables as t

Row = dict[str, Any]


class PlanFacts:
    """The facts of one case for the plan document; ``concept`` leaves out every list of
    people, signal texts and the groepsscan's summary, keeping counts."""

    def __init__(self, group: Group, case: Case, concept: bool, by: Acting) -> None:
        self.group = group
        self.by = by
        self.app = group.app
        self.queries = group.queries
        self.case = case
        self.concept = concept
        self.key = str(case.id)

    def _rows(self, table: Any, order: Any) -> list[Row]:
        with self.queries.store.read() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(table).where(table.c.case_id == self.key).order_by(order)
                ).mappings()
            ]

    def _label(self, kind: str, key: str) -> str:
        """The policy's label without its explanation: "Gemeente (burgemeester, ...)" is
        "Gemeente" in a table of a plan."""
        return self.app.policies.label(kind, key).split(" (")[0]

    def signalen(self) -> Row:
        signals = self.queries.signals(self.case.ref)
        kinds = Counter(self._label("signal_kind", s["kind"]) for s in signals)
        out: Row = {
            "count": len(signals),
            "first": signals[0]["observed_on"] if signals else None,
            "kinds": sorted(kinds.items()),
        }
        if not self.concept:
            out["list"] = [
                {
                    "on": s["observed_on"],
                    "kind": self._label("signal_kind", s["kind"]),
                    "location": s["location"],
                    "from": self._label("organisation", s["source_org"]),
                    "text": s["text"],
                }
                for s in signals
            ]
        return out

    def _groepsscans(self) -> list[Row]:
        return [r for r in self._rows(t.groepsscans, t.groepsscans.c.number) if r["received_on"]]

    def groepsscan(self) -> Row:
        scans = self._groepsscans()
        out: Row = {"received": len(scans), "last_on": scans[-1]["received_on"] if scans else None}
        if not self.concept and scans:
            sealer = self.group.persons.sealer
            for e in self.app.repository.event_store.get(self.case.id):
                if isinstance(e, Case.GroepsscanReceived) and e.number == scans[-1]["number"]:
                    out["summary"] = sealer.open(self.key, f"groepsscan:{e.number}", e.summary)
        return out

    def leden(self) -> Row:
        rows = self.group.member_rows(self.case.ref, False, self.by)
        current = [r for r in rows if r["ended_on"] is None]
        out: Row = {
            "current": len(current),
            "former": len(rows) - len(current),
            "core": sorted(Counter(r["core"] for r in current).items()),
            "influence": sorted(Counter(r["influence"] for r in current).items()),
            "kopstukken": sum(1 for r in current if r["kopstuk"]),
        }
        if not self.concept:
            out["list"] = [
                {
                    "subject": r["subject"],
                    "core": r["core"],
                    "influence": r["influence"],
                    "kopstuk": r["kopstuk"],
                    "since": r["first_from"],
                    "ended_on": r["ended_on"],
                }
                for r in rows
            ]
        return out

    def politiemeldingen(self) -> Row:
        reports = self._rows(t.police_reports, t.police_reports.c.seq)
        return {"members": len({r["subject_id"] for r in reports}), "reports": len(reports)}

    def _plan(self) -> Row | None:
        try:
            return self.queries.plan(self.case.ref)
        except NotFound:
            return None

    def doelen(self) -> Row:
        plan = self._plan()
        if plan is None:
            return {"version": 0, "goals": []}
        return {"version": plan["version"], "set_at": plan["set_at"][:10], "goals": plan["goals"]}

    def sporen(self) -> Row:
        plan = self._plan()
        tracks = plan["tracks"] if plan else []
        return {
            "tracks": [
                {"track": self._label("track", tr["kind"]), "description": tr["description"]}
                for tr in tracks
            ]
        }

    def acties(self, tracks: list[str]) -> Row:
        plan = self._plan()
        actions = [a for a in (plan["actions"] if plan else []) if a["track"] in tracks]
        return {
            "list": [
                {
                    "number": f"A{a['number']}",
                    "description": a["description"],
                    "organisation": self._label("organisation", a["organisation"]),
                    **({} if self.concept else {"person": a["person"]}),
                    "due": a["due"],
                    "status": a["status"],
                }
                for a in actions
            ]
        }

    def informatiepositie(self) -> Row:
        scans = self._groepsscans()
        last = scans[-1] if scans else None
        return {
            "informatiepositie": last["informatiepositie"] if last else None,
            "unknown_names": last["unknown_names"] if last else None,
        }

    def partners(self) -> Row:
        rows = self._rows(t.participants, t.participants.c.actor)
        handles = [self.case.opened_by, *(r["actor"] for r in rows if r["active"])]
        if self.case.coordinator and self.case.coordinator not in handles:
            handles.append(self.case.coordinator)
        people = []
        for handle in dict.fromkeys(handles):
            actor = self.app.actor(handle)
            role = (
                "regisseur (opende de zaak)"
                if handle == self.case.opened_by
                else "uitvoeringscoördinator"
                if handle == self.case.coordinator
                else next((r["reason"] for r in rows if r["actor"] == handle), "deelnemer")
            )
            people.append(
                {
                    "organisation": self._label("organisation", actor.organisation),
                    "name": actor.display_name,
                    "role": role,
                }
            )
        plan = self._plan()
        with_actions = Counter(
            self._label("organisation", a["organisation"])
            for a in (plan["actions"] if plan else [])
        )
        organisations = sorted({p["organisation"] for p in people} | set(with_actions))
        out: Row = {
            "organisations": [
                {"organisation": o, "actions": with_actions.get(o, 0)} for o in organisations
            ]
        }
        if not self.concept:
            out["people"] = people
        return out

    def overleggen(self) -> Row:
        decisions = self._rows(t.decisions, t.decisions.c.number)
        steps = self._rows(t.step_history, t.step_history.c.seq)
        return {
            "decisions": [
                {
                    "number": d["number"],
                    "on": d["decided_on"],
                    "meeting": self._label("deciding_body", d["body"]),
                    "step": d["step"],
                    "outcome": d["outcome"],
                    "items": sorted(json.loads(d["items"])) if d["items"] else [],
                }
                for d in decisions
            ],
            "steps": [
                {
                    "on": s["decided_on"],
                    "meeting": self._label("deciding_body", s["body"]),
                    "from": s["from_step"],
                    "to": s["to_step"],
                    "kind": s["kind"],
                }
                for s in steps
            ],
        }

    def voortgang(self) -> Row:
        plan = self._plan()
        actions = list(plan["actions"] if plan else [])
        today = self.app.clock().isoformat()
        return {
            "step": self.case.step,
            "step_name": STEP_NAMES.get(self.case.step, ""),
            "status": self.case.status,
            "actions": sorted(Counter(a["status"] for a in actions).items()),
            "overdue": sum(1 for a in actions if a["status"] == OPEN and a["due"] < today),
            "escalations": sum(a["escalations"] for a in actions),
            "plan_version": plan["version"] if plan else 0,
        }

    def evaluatie(self) -> Row:
        row = self.queries.case_overview(self.case.ref)
        out: Row = {"closed_on": row.get("closed_on"), "goals_reached": row.get("goals_reached")}
        if not self.concept:
            out["criteria"] = sorted((row.get("evaluation") or {}).items())
        return out

    def schatting(self) -> Row:
        latest: Row = {}
        for e in self.app.repository.event_store.get(self.case.id):
            if isinstance(e, Case.PlanEstimateRecorded):
                latest = {
                    "hours": e.hours,
                    "cost_eur": e.cost_eur,
                    "note": open_text(
                        self.group.persons.sealer.open, self.key, "plan-estimate", e.note
                    ),
                    "on": e.estimated_on,
                    "by": e.by["actor"],
                }
        return latest
