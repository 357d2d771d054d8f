"""Meetings of a case (issue 13, item 2): planned with a kind from the policy, given an
agenda, attendees, minutes, the decisions taken and the action points agreed.

Agenda items, minutes and action points are sealed case texts: every read that opens them
(`meeting show`, `meeting document`) first records an access, and for roles that work on
their own cases only for the cases they take part in (the gate). Listings name a meeting's
kind, day and counts, never its texts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ledger.access.gate import AccessLog, Gate, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.envelope import open_text
from ledger.crypto.seal import Sealer
from ledger.domain import case_meetings as rules
from ledger.domain.acting import Acting
from ledger.domain.case import Case, case_id
from ledger.domain.case_meetings import meeting_label
from ledger.domain.case_state import DONE, OPEN
from ledger.errors import BadInput, NotFound
from ledger.meetings import commands as mc
from ledger.projections import tables as t
from ledger.projections.queries import Queries

Row = dict[str, Any]

AGENDA, MINUTES = "agenda", "notulen"
DOCUMENTS = (AGENDA, MINUTES)


class Meetings:
    def __init__(
        self,
        app: Regie,
        gate: Gate,
        queries: Queries,
        access_log: AccessLog,
        sealer: Callable[[], Sealer],
    ) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.access_log = access_log
        self._sealer = sealer

    # -- commands --------------------------------------------------------------------------

    @gated("meeting.plan")
    def plan(self, cmd: mc.PlanMeeting, by: Acting) -> int:
        """Plan a meeting of a kind the policy names (werkbank.toml [[overleg]]), on a day
        that may lie ahead; returns its number (M1, M2, ...)."""
        kinds = {k.key for k in self.app.policies.werkbank.overleg}
        self.app.check_key("meeting kind", cmd.kind, kinds)
        case = self.app.case(cmd.case)
        number = case.plan_meeting(cmd.kind, cmd.on.isoformat(), by)
        self.app.commit(case)
        return number

    @gated("meeting.agenda")
    def add_agenda(self, cmd: mc.AddAgendaItems, by: Acting) -> int:
        """Add items to a meeting's agenda, in order; returns how many it holds now."""
        case = self.app.case(cmd.case)
        count = case.add_agenda_items(
            cmd.meeting, [self.app.sealed_record(case.id, "agenda", i) for i in cmd.items], by
        )
        self.app.commit(case)
        return count

    @gated("meeting.attend")
    def record_attendees(self, cmd: mc.RecordAttendees, by: Acting) -> None:
        """Who attended: actors of the ledger and organisations of the policy."""
        for org in cmd.organisations:
            self.app.check_key("organisation", org, self.app.policies.organisation_keys)
        for handle in cmd.actors:
            try:
                self.app.actor(handle)
            except NotFound:
                raise rules.ATTENDEES.refuse(f"there is no actor '{handle}'") from None
        case = self.app.case(cmd.case)
        case.record_attendees(cmd.meeting, cmd.actors, cmd.organisations, by)
        self.app.commit(case)

    @gated("meeting.minutes")
    def record_minutes(self, cmd: mc.RecordMinutes, by: Acting) -> int:
        """The minutes, sealed; a new version replaces the shown one (the history keeps
        both). Returns the version."""
        case = self.app.case(cmd.case)
        version = case.record_minutes(
            cmd.meeting,
            self.app.sealed_record(case.id, "minutes", cmd.text),
            self.app.day(cmd.held_on),
            by,
        )
        self.app.commit(case)
        return version

    @gated("meeting.link")
    def link_decision(self, cmd: mc.LinkDecision, by: Acting) -> None:
        """Record that a decision of the case was taken in this meeting."""
        case = self.app.case(cmd.case)
        case.link_decision(cmd.meeting, cmd.decision, by)
        self.app.commit(case)

    @gated("meeting.action-point")
    def agree_action_point(self, cmd: mc.AgreeActionPoint, by: Acting) -> int:
        """An action point agreed in the meeting, optionally following up a plan action
        (its progress is then the action's); returns its number (P1, P2, ...)."""
        self.app.check_key("organisation", cmd.organisation, self.app.policies.organisation_keys)
        case = self.app.case(cmd.case)
        number = case.agree_action_point(
            cmd.meeting,
            self.app.sealed_record(case.id, "action-point", cmd.text),
            cmd.action,
            cmd.organisation,
            cmd.due.isoformat(),
            by,
        )
        self.app.commit(case)
        return number

    @gated("meeting.done")
    def complete_action_point(self, cmd: mc.CompleteActionPoint, by: Acting) -> None:
        """An action point that stands alone, done (one that follows up a plan action is
        done with `action done`)."""
        case = self.app.case(cmd.case)
        case.complete_action_point(
            cmd.number,
            self.app.day(cmd.completed_on),
            self.app.sealed_record(case.id, "action-point-note", cmd.note),
            by,
        )
        self.app.commit(case)

    # -- reads -----------------------------------------------------------------------------

    @gated("meeting.list", case="ref")
    def meetings(self, by: Acting, ref: str | None = None, upcoming: bool = False) -> list[Row]:
        """The meetings of one case, or of every case the actor may see: kind, day and
        counts, no texts. ``upcoming`` keeps those from today on."""
        today = self.app.clock().isoformat()
        refs = [ref.upper()] if ref else self.visible_cases(by)
        out = []
        for case_ref in refs:
            case = self.app.case(case_ref)
            for held in case.meetings.values():
                if upcoming and held["on"] < today:
                    continue
                out.append(self._summary(case, held))
        return sorted(out, key=lambda r: (r["on"], r["case"], r["meeting"]))

    @gated("meeting.show", case="ref")
    def show(self, ref: str, meeting: int, by: Acting, purpose: str = DEFAULT_PURPOSE) -> Row:
        """One meeting with its agenda, attendees, minutes, decisions and action points and
        their progress; the read is logged as an access before anything is opened."""
        return self._opened(ref, meeting, by, purpose, "meeting.show")

    @gated("meeting.document", case="ref")
    def document(
        self, ref: str, meeting: int, what: str, by: Acting, purpose: str = DEFAULT_PURPOSE
    ) -> Row:
        """What the agenda or the minutes as a document hold (rendered by the caller to
        Markdown, Word or PDF); logged as an access like `meeting show`."""
        if what not in DOCUMENTS:
            raise BadInput(f"choose the document {' or '.join(DOCUMENTS)}, not '{what}'")
        shown = self._opened(ref, meeting, by, purpose, "meeting.document")
        return {**shown, "document": what}

    # -- helpers ---------------------------------------------------------------------------

    def visible_cases(self, by: Acting) -> list[str]:
        """Every case for roles that see all; the actor's own cases for the others."""
        refs = sorted(r["ref"] for r in self.queries.rows(select(t.cases.c.ref)))
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is not None and permission.cases == "all":
            return refs
        return [r for r in refs if by.actor in self.app.case(r).participants]

    def _summary(self, case: Case, held: Row) -> Row:
        today = self.app.clock().isoformat()
        kinds = {k.key: k.label for k in self.app.policies.werkbank.overleg}
        return {
            "case": case.ref,
            "meeting": meeting_label(held["number"]),
            "number": held["number"],
            "kind": held["kind"],
            "kind_label": kinds.get(held["kind"], held["kind"]),
            "on": held["on"],
            "agenda_items": len(held["agenda"]),
            "attendees": len(held["actors"]) + len(held["organisations"]),
            "minutes": held["minutes"] is not None,
            "decisions": len(held["decisions"]),
            "action_points": len(held["action_points"]),
            "due": held["minutes"] is None and held["on"] >= today,
        }

    def _opened(self, ref: str, meeting: int, by: Acting, purpose: str, command: str) -> Row:
        case = self.app.case(ref)
        held = case.meeting(meeting)
        self.access_log.record(by, command, "read", [], purpose, case=case.ref)
        owner = str(case.id)

        def text(field: str, value: str) -> str:
            opener = lambda o, f, s: self._sealer().open(o, f, s)  # noqa: E731
            return str(open_text(opener, owner, field, value))

        minutes = held["minutes"]
        return {
            **self._summary(case, held),
            "working_name": case.working_name,
            "municipality": case.municipality,
            "planned_by": held["planned_by"],
            "agenda": [text("agenda", item) for item in held["agenda"]],
            "actors": list(held["actors"]),
            "organisations": list(held["organisations"]),
            "minutes_text": text("minutes", minutes["text"]) if minutes else None,
            "minutes_version": minutes["version"] if minutes else None,
            "held_on": minutes["held_on"] if minutes else None,
            "minutes_by": minutes["by"] if minutes else None,
            "decision_rows": self._decisions(case, held["decisions"]),
            "action_point_rows": self._points(case, held["action_points"], text),
        }

    def _decisions(self, case: Case, numbers: list[int]) -> list[Row]:
        if not numbers:
            return []
        d = t.decisions
        rows = self.queries.rows(
            select(d.c.number, d.c.step, d.c.outcome, d.c.body, d.c.decided_on)
            .where(d.c.case_id == str(case_id(case.ref)), d.c.number.in_(numbers))
            .order_by(d.c.number)
        )
        return [dict(r) for r in rows]

    def _points(self, case: Case, points: list[Row], text: Callable[[str, str], str]) -> list[Row]:
        today = self.app.clock().isoformat()
        done = {
            r["number"]: r["completed_on"]
            for r in self.queries.actions(case.ref)
            if r["completed_on"] is not None
        }
        out = []
        for point in points:
            action = point["action"]
            if action is not None:
                status = case.actions.get(action, OPEN)
                completed = done.get(action)
            else:
                status = DONE if point.get("done_on") else OPEN
                completed = point.get("done_on")
            out.append(
                {
                    "number": f"P{point['number']}",
                    "text": text("action-point", point["text"]),
                    "organisation": point["organisation"],
                    "due": point["due"],
                    "action": f"A{action}" if action is not None else None,
                    "progress": status,
                    "completed_on": completed,
                    "overdue": status == OPEN and point["due"] < today,
                }
            )
        return out
