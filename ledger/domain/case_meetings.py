"""A case's meetings (overleggen): agenda, attendees, minutes, the decisions taken in them
and the action points agreed, with their link to the plan's actions (seed 004 L144: the
regisseur "zorg[t] voor agenda, notulen en voortgang actiepunten").

Free texts (agenda items, minutes, action points) arrive sealed under the case's
verslaglegging key, so destroying that key leaves them unreadable; the events hold the
sealed envelopes only.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState
from ledger.domain.rule import rule

MEETING_KNOWN = rule("meeting.known", "the case has no meeting with this number", "004 L144")
MINUTES_AFTER = rule(
    "meeting.minutes-after",
    "minutes are recorded on or after the day of the meeting",
    "004 L144",
)
MINUTES_TEXT = rule("meeting.minutes-text", "minutes need a text", "004 L144")
AGENDA_TEXT = rule("meeting.agenda-text", "an agenda item needs a text", "004 L144")
ATTENDEES = rule(
    "meeting.attendees",
    "attendees are named as actors of the ledger or organisations of the policy",
    "004 L191-195; 000 L2455-2461",
)
DECISION_KNOWN = rule(
    "meeting.decision-known",
    "only a decision recorded for this case can be linked to its meeting",
    "000 L2219-2260",
)
DECISION_ONCE = rule(
    "meeting.decision-once",
    "a decision is taken in one meeting; it is linked to that meeting once",
    "000 L2219-2260",
)
ACTION_KNOWN = rule(
    "meeting.action-known",
    "an action point follows up an action of this case's plan, or stands alone",
    "004 L144; 000 L2316-2322",
)

POINT_KNOWN = rule(
    "meeting.action-point-known", "the case has no action point with this number", "004 L144"
)
POINT_LINKED = rule(
    "meeting.action-point-linked",
    "an action point that follows up a plan action is done when that action is done",
    "004 L144; 000 L2316-2322",
)
POINT_OPEN = rule("meeting.action-point-open", "an action point is completed once", "004 L144")


def meeting_label(number: int) -> str:
    return f"M{number}"


class CaseMeetings(CaseState):
    meetings: dict[int, dict[str, Any]] = {}  # noqa: RUF012 (replaced, never mutated)
    """By number: kind, on, agenda, attendees, minutes, decisions, action points."""
    action_points: int = 0

    def change_meeting(self, number: int, **changes: Any) -> None:
        self.meetings = {**self.meetings, number: {**self.meetings[number], **changes}}

    class MeetingPlanned(Aggregate.Event):
        class_version = 1

        number: int
        kind: str
        on: str
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            case.meetings = {
                **case.meetings,
                self.number: {
                    "number": self.number,
                    "kind": self.kind,
                    "on": self.on,
                    "planned_by": self.by["actor"],
                    "agenda": [],
                    "actors": [],
                    "organisations": [],
                    "minutes": None,
                    "decisions": [],
                    "action_points": [],
                },
            }

    class AgendaItemAdded(Aggregate.Event):
        class_version = 1

        meeting: int
        text: str
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            agenda = [*case.meetings[self.meeting]["agenda"], self.text]
            case.change_meeting(self.meeting, agenda=agenda)

    class AttendeesRecorded(Aggregate.Event):
        class_version = 1

        meeting: int
        actors: list[str]
        organisations: list[str]
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            held = case.meetings[self.meeting]
            case.change_meeting(
                self.meeting,
                actors=sorted({*held["actors"], *self.actors}),
                organisations=sorted({*held["organisations"], *self.organisations}),
            )

    class MinutesRecorded(Aggregate.Event):
        """The minutes (notulen) as agreed; a later version replaces the earlier one, which
        stays in the history."""

        class_version = 1

        meeting: int
        version: int
        text: str
        held_on: str
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            minutes = {
                "version": self.version,
                "text": self.text,
                "held_on": self.held_on,
                "by": self.by["actor"],
            }
            case.change_meeting(self.meeting, minutes=minutes)

    class DecisionLinked(Aggregate.Event):
        class_version = 1

        meeting: int
        decision: int
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            decisions = sorted([*case.meetings[self.meeting]["decisions"], self.decision])
            case.change_meeting(self.meeting, decisions=decisions)

    class ActionPointAgreed(Aggregate.Event):
        class_version = 1

        meeting: int
        number: int
        text: str
        action: int | None
        organisation: str
        due: str
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            point = {
                "number": self.number,
                "text": self.text,
                "action": self.action,
                "organisation": self.organisation,
                "due": self.due,
            }
            points = [*case.meetings[self.meeting]["action_points"], point]
            case.action_points = self.number
            case.change_meeting(self.meeting, action_points=points)

    class ActionPointCompleted(Aggregate.Event):
        """An action point that stands alone, done; one that follows up a plan action is
        done with that action (its progress is the action's)."""

        class_version = 1

        meeting: int
        number: int
        completed_on: str
        note: str
        by: dict[str, Any]

        def apply(self, case: CaseMeetings) -> None:
            points = [
                {**p, "done_on": self.completed_on, "done_note": self.note}
                if p["number"] == self.number
                else p
                for p in case.meetings[self.meeting]["action_points"]
            ]
            case.change_meeting(self.meeting, action_points=points)

    # -- commands -------------------------------------------------------------------------

    def meeting(self, number: int) -> dict[str, Any]:
        found = self.meetings.get(number)
        if found is None:
            raise MEETING_KNOWN.refuse(f"case {self.ref} has no meeting {meeting_label(number)}")
        return found

    def plan_meeting(self, kind: str, on: str, by: Acting) -> int:
        self._require_active()
        number = max(self.meetings, default=0) + 1
        self.trigger_event(self.MeetingPlanned, number=number, kind=kind, on=on, by=by.record())
        return number

    def add_agenda_items(self, meeting: int, texts: list[str], by: Acting) -> int:
        self._require_active()
        self.meeting(meeting)
        if not texts or any(not t for t in texts):
            raise AGENDA_TEXT.refuse()
        for text in texts:
            self.trigger_event(self.AgendaItemAdded, meeting=meeting, text=text, by=by.record())
        return len(self.meetings[meeting]["agenda"])

    def record_attendees(
        self, meeting: int, actors: list[str], organisations: list[str], by: Acting
    ) -> None:
        self._require_active()
        self.meeting(meeting)
        if not actors and not organisations:
            raise ATTENDEES.refuse("name at least one attendee (--actor or --organisation)")
        self.trigger_event(
            self.AttendeesRecorded,
            meeting=meeting,
            actors=sorted(set(actors)),
            organisations=sorted(set(organisations)),
            by=by.record(),
        )

    def record_minutes(self, meeting: int, text: str, held_on: str, by: Acting) -> int:
        self._require_active()
        held = self.meeting(meeting)
        if not text:
            raise MINUTES_TEXT.refuse()
        if held_on < held["on"]:
            raise MINUTES_AFTER.refuse(
                f"meeting {meeting_label(meeting)} is on {held['on']}; minutes dated "
                f"{held_on} come before it"
            )
        version = int((held["minutes"] or {}).get("version", 0)) + 1
        self.trigger_event(
            self.MinutesRecorded,
            meeting=meeting,
            version=version,
            text=text,
            held_on=held_on,
            by=by.record(),
        )
        return version

    def link_decision(self, meeting: int, decision: int, by: Acting) -> None:
        self._require_active()
        self.meeting(meeting)
        if not 1 <= decision <= self.decision_count:
            raise DECISION_KNOWN.refuse(f"case {self.ref} has no decision {decision}")
        for other in self.meetings.values():
            if decision in other["decisions"]:
                raise DECISION_ONCE.refuse(
                    f"decision {decision} is linked to meeting {meeting_label(other['number'])}"
                )
        self.trigger_event(self.DecisionLinked, meeting=meeting, decision=decision, by=by.record())

    def agree_action_point(
        self,
        meeting: int,
        text: str,
        action: int | None,
        organisation: str,
        due: str,
        by: Acting,
    ) -> int:
        self._require_active()
        self.meeting(meeting)
        if not text:
            raise AGENDA_TEXT.refuse("an action point needs a text")
        if action is not None and action not in self.actions:
            raise ACTION_KNOWN.refuse(f"case {self.ref} has no action A{action}")
        number = self.action_points + 1
        self.trigger_event(
            self.ActionPointAgreed,
            meeting=meeting,
            number=number,
            text=text,
            action=action,
            organisation=organisation,
            due=due,
            by=by.record(),
        )
        return number

    def complete_action_point(self, number: int, completed_on: str, note: str, by: Acting) -> None:
        self._require_active()
        for held in self.meetings.values():
            for point in held["action_points"]:
                if point["number"] != number:
                    continue
                if point["action"] is not None:
                    raise POINT_LINKED.refuse(
                        f"action point P{number} follows up A{point['action']}; complete that "
                        "action with `regie action done`"
                    )
                if point.get("done_on"):
                    raise POINT_OPEN.refuse(
                        f"action point P{number} was completed on {point['done_on']}"
                    )
                self.trigger_event(
                    self.ActionPointCompleted,
                    meeting=held["number"],
                    number=number,
                    completed_on=completed_on,
                    note=note,
                    by=by.record(),
                )
                return
        raise POINT_KNOWN.refuse(f"case {self.ref} has no action point P{number}")
