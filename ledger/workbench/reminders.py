"""Reminders: what is due or overdue, across the cases an actor may see (issue 13, item 5).

Seed 003 finds the lack of reminders one of GCOS's weaknesses (L2260-2265). A reminder
names a case, a kind, a date and who follows it up, never a person's name or the text of
an action: reminders leave the ledger (a calendar file, a phone), so they carry only what
points back into it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.domain.acting import Acting
from ledger.domain.case_state import ACTIVE, OPEN
from ledger.domain.case_working import WAIT
from ledger.errors import BadInput
from ledger.letters.service import Letters
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.projections.rights_tables import rights_requests

Row = dict[str, Any]

ACTION, LETTER, DEFERRAL, WAITING = "actie", "informatieplicht", "uitstel", "afwachten"
REQUEST = "verzoek"
MEETING, INTERIM, POINT = "overleg", "tussenevaluatie", "actiepunt"
HOLD = "blokkade"
KINDS = (ACTION, LETTER, DEFERRAL, WAITING, REQUEST, MEETING, INTERIM, POINT, HOLD)


def reminder(kind: str, due: str, case: str, what: str, owner: str, today: date, key: str) -> Row:
    return {
        "kind": kind,
        "due": due,
        "case": case,
        "what": what,
        "owner": owner,
        "overdue": due < today.isoformat(),
        "uid": f"{kind}-{key}",
    }


class Reminders:
    def __init__(self, app: Regie, gate: Gate, queries: Queries, letters: Letters) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.letters = letters

    @gated("reminders")
    def reminders(
        self,
        by: Acting,
        as_of: date | None = None,
        for_actor: str | None = None,
        within: int = 14,
    ) -> list[Row]:
        """Everything due within ``within`` days of ``as_of`` (default today), or overdue:
        open actions, information-duty letters, deferrals and decisions to wait whose
        review day has come, rights requests to decide, meetings without minutes yet,
        tussenevaluaties due and legal holds to review. ``for_actor`` keeps what that
        actor follows up: the actions of their organisation, and what they recorded or
        coordinate."""
        if within < 0:
            raise BadInput("--within counts days ahead: 0 or more")
        today = as_of or self.app.clock()
        until = (today + timedelta(days=within)).isoformat()
        visible = self._visible_cases(by)
        items = [
            *self._actions(until, today),
            *self._waiting(until, today),
            *self._letters(by, today, until),
        ]
        items = [i for i in items if i["case"] in visible]
        items += self._monitoring(sorted(visible), until, today)
        items += self._requests(by, until, today)  # a subject's, not a case's
        items += self._holds(by, visible, until, today)
        if for_actor is not None:
            actor = self.app.actor(for_actor)
            coordinated = {r for r in visible if self.app.case(r).coordinator == actor.handle}
            mine = {actor.handle, actor.organisation}
            items = [
                i
                for i in items
                if i["owner"] in mine or (i["kind"] != REQUEST and i["case"] in coordinated)
            ]
        return sorted(items, key=lambda i: (i["due"], i["case"], i["kind"], i["uid"]))

    def _visible_cases(self, by: Acting) -> set[str]:
        """Every case (the information duty outlives a closed case); for roles that work on
        their own cases, only those."""
        rows = self.queries.rows(select(t.cases.c.ref))
        refs = {r["ref"] for r in rows}
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is not None and permission.cases == "all":
            return refs
        return {r for r in refs if by.actor in self.app.case(r).participants}

    def _actions(self, until: str, today: date) -> list[Row]:
        a, cases = t.actions, t.cases
        query = (
            select(cases.c.ref, a.c.number, a.c.track, a.c.organisation, a.c.due)
            .join(cases, cases.c.case_id == a.c.case_id)
            .where(a.c.status == OPEN, a.c.due <= until, cases.c.status == ACTIVE)
        )
        return [
            reminder(
                ACTION,
                r["due"],
                r["ref"],
                f"Actie A{r['number']} ({r['track']}, {r['organisation']}) uiterlijk {r['due']}",
                r["organisation"],
                today,
                f"{r['ref']}-A{r['number']}",
            )
            for r in self.queries.rows(query)
        ]

    def _waiting(self, until: str, today: date) -> list[Row]:
        """A decision to wait whose review day comes, while it is the case's last word."""
        d, cases = t.decisions, t.cases
        last = (
            select(d.c.case_id, func.max(d.c.number).label("number"))
            .group_by(d.c.case_id)
            .subquery()
        )
        query = (
            select(cases.c.ref, d.c.number, d.c.review_on, d.c.actor)
            .join(last, (last.c.case_id == d.c.case_id) & (last.c.number == d.c.number))
            .join(cases, cases.c.case_id == d.c.case_id)
            .where(d.c.outcome == WAIT, d.c.review_on <= until, cases.c.status == ACTIVE)
        )
        return [
            reminder(
                WAITING,
                r["review_on"],
                r["ref"],
                f"Besluit {r['number']} (afwachten): opnieuw bekijken op {r['review_on']}",
                r["actor"],
                today,
                f"{r['ref']}-B{r['number']}",
            )
            for r in self.queries.rows(query)
        ]

    def _monitoring(self, refs: list[str], until: str, today: date) -> list[Row]:
        """Meetings of active cases that have no minutes yet (the regisseur takes care of
        agenda, notulen and voortgang actiepunten, 004 L144), their open action points that
        follow up no plan action, and a tussenevaluatie planned and not yet held."""
        out = []
        for ref in refs:
            case = self.app.case(ref)
            if case.status != ACTIVE:
                continue
            for held in case.meetings.values():
                if held["minutes"] is None and held["on"] <= until:
                    out.append(
                        reminder(
                            MEETING,
                            held["on"],
                            ref,
                            f"Overleg M{held['number']} ({held['kind']}) op {held['on']}: "
                            "agenda en notulen",
                            held["planned_by"],
                            today,
                            f"{ref}-M{held['number']}",
                        )
                    )
                for point in held["action_points"]:
                    standalone = point["action"] is None and not point.get("done_on")
                    if standalone and point["due"] <= until:
                        out.append(
                            reminder(
                                POINT,
                                point["due"],
                                ref,
                                f"Actiepunt P{point['number']} van overleg M{held['number']} "
                                f"({point['organisation']}) uiterlijk {point['due']}",
                                point["organisation"],
                                today,
                                f"{ref}-P{point['number']}",
                            )
                        )
            due = case.tussenevaluatie_due
            if due is not None and due <= until:
                owner = case.coordinator or case.opened_by
                out.append(
                    reminder(
                        INTERIM,
                        due,
                        ref,
                        f"Tussenevaluatie uiterlijk {due}",
                        owner,
                        today,
                        f"{ref}-T{len(case.tussenevaluaties) + 1}",
                    )
                )
        return out

    def _requests(self, by: Acting, until: str, today: date) -> list[Row]:
        """Rights requests still open whose deadline comes (AVG art. 12(3)), for roles that
        keep the register; named by the request's reference, never the subject's."""
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is None or not permission.allows("request.list"):
            return []
        r = rights_requests
        query = select(r.c.ref, r.c.kind, r.c.deadline, r.c.actor).where(
            r.c.outcome.is_(None), r.c.deadline <= until
        )
        return [
            reminder(
                REQUEST,
                row["deadline"],
                row["ref"],
                f"Verzoek {row['ref']} ({row['kind']}): beslissen uiterlijk {row['deadline']}",
                row["actor"],
                today,
                row["ref"],
            )
            for row in self.queries.rows(query)
        ]

    def _holds(self, by: Acting, visible: set[str], until: str, today: date) -> list[Row]:
        """Legal holds whose review day comes (decision 0050), for roles that may lift them;
        a hold on a subject is named by the hold's short id, never the subject's."""
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is None or not permission.allows("retention.hold.review"):
            return []
        h = t.holds
        query = select(h.c.hold_id, h.c.target_kind, h.c.target, h.c.review_on, h.c.placed_by)
        query = query.where(h.c.lifted_on.is_(None), h.c.review_on <= until)
        out = []
        for row in self.queries.rows(query):
            short = row["hold_id"][:8]
            case = row["target"] if row["target_kind"] == "case" else ""
            if case and case not in visible:
                continue
            what = f"Blokkade {short}: opheffen of houden (`regie retention hold review {short}`)"
            out.append(
                reminder(HOLD, row["review_on"], case, what, row["placed_by"], today, short)
            )
        return out

    def _letters(self, by: Acting, today: date, until: str) -> list[Row]:
        """Letters due per case and deadline (a count, never who), and deferrals to review."""
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is None or not permission.allows("letters.due"):
            return []
        rows = self.letters.due(by, as_of=date.fromisoformat(until), purpose="informatieplicht")
        due: dict[tuple[str, str], int] = {}
        out = []
        for r in rows:
            if r["review_due"]:
                out.append(
                    reminder(
                        DEFERRAL,
                        r["deferred_until"],
                        r["case"],
                        f"Uitgestelde informatieplicht {r['subject']}: herbeoordelen",
                        r["deferred_by"] or "",
                        today,
                        f"{r['case']}-{r['subject']}",
                    )
                )
            elif r["deadline"] <= until:
                key = (r["case"], r["deadline"])
                due[key] = due.get(key, 0) + 1
        for (case, deadline), count in due.items():
            owner = self.app.case(case).coordinator or ""
            noun = "jongere" if count == 1 else "jongeren"
            out.append(
                reminder(
                    LETTER,
                    deadline,
                    case,
                    f"Informatieplicht: {count} {noun} te informeren, uiterlijk {deadline}",
                    owner,
                    today,
                    f"{case}-{deadline}",
                )
            )
        return out
