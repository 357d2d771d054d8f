"""Actors and cases along the 7 steps: their read models."""

from __future__ import annotations

from typing import Any

from ledger.domain.actor import Actor
from ledger.domain.case import (
    ACTIVE,
    CLOSED,
    DONE,
    ENDED,
    HANDED_OVER,
    OPEN,
    WITHDRAWN,
    Case,
)
from ledger.projections import tables as t
from ledger.projections.handlers.common import Handler, by_of, case_row, case_text, dump, stamp
from ledger.projections.workspace import Row, Workspace

# -- actors ----------------------------------------------------------------------


def actor_registered(ws: Workspace, e: Actor.Registered) -> None:
    ws.put(
        t.actors,
        {
            "actor_id": str(e.originator_id),
            "handle": e.handle,
            "display_name": e.display_name,
            "organisation": e.organisation,
            "roles": ",".join(e.roles),
            "active": True,
            "bootstrap": e.bootstrap,
            "db_user": e.db_user,
            "registered_at": stamp(e),
            "registered_by": e.by["actor"],
            "deactivated_at": None,
        },
    )


def actor_deactivated(ws: Workspace, e: Actor.Deactivated) -> None:
    row = ws.require(t.actors, str(e.originator_id))
    row["active"] = False
    row["deactivated_at"] = stamp(e)
    ws.touch(t.actors, row)


# -- cases -----------------------------------------------------------------------


def case_opened(ws: Workspace, e: Case.Opened) -> None:
    ws.put(
        t.cases,
        {
            "case_id": str(e.originator_id),
            "ref": e.ref,
            "year": int(e.opened_on[:4]),
            "working_name": e.working_name,
            "municipality": e.municipality,
            "area": e.area,
            "status": ACTIVE,
            "step": 1,
            "merged_4_5": False,
            "coordinator": None,
            "opened_on": e.opened_on,
            "opened_by": e.by["actor"],
            "signal_count": 0,
            "decision_count": 0,
            "last_decision": None,
            "plan_version": 0,
            "ended_outcome": None,
            "ended_on": None,
            "closed_on": None,
            "goals_reached": None,
            "goals_assessment": None,
            "bewaartermijn": None,
            "evaluation": None,
            "updated_at": stamp(e),
        },
    )


def signal_recorded(ws: Workspace, e: Case.SignalRecorded) -> None:
    case_row(ws, e)["signal_count"] = e.number
    ws.append(
        t.signals,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "observed_on": e.observed_on,
            "kind": e.kind,
            "location": case_text(ws, e, "signal-location", e.location),
            "source_org": e.source_org,
            "source_role": e.source_role,
            "text": case_text(ws, e, "signal-text", e.text),
            **by_of(e),
        },
    )


def coordinator_designated(ws: Workspace, e: Case.CoordinatorDesignated) -> None:
    case_row(ws, e)["coordinator"] = e.coordinator


def _step(ws: Workspace, e: Any, kind: str, to_step: int | None, outcome: str | None) -> None:
    ws.append(
        t.step_history,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "kind": kind,
            "from_step": getattr(e, "from_step", None) or e.at_step,
            "to_step": to_step,
            "body": e.body,
            "reason": case_text(ws, e, "reason", e.reason),
            "outcome": outcome,
            "decided_on": e.decided_on,
            "policy_hash": getattr(e, "policy_hash", None),
            **by_of(e),
        },
    )


def step_advanced(ws: Workspace, e: Case.StepAdvanced) -> None:
    case_row(ws, e)["step"] = e.to_step
    _step(ws, e, t.STEP_FORWARD, e.to_step, None)


def steps_merged(ws: Workspace, e: Case.StepsMerged) -> None:
    row = case_row(ws, e)
    row["step"] = e.to_step
    row["merged_4_5"] = True
    _step(ws, e, "samengevoegd", e.to_step, None)


def stepped_back(ws: Workspace, e: Case.SteppedBack) -> None:
    row = case_row(ws, e)
    row["step"] = e.to_step
    row["merged_4_5"] = False
    _step(ws, e, "terug", e.to_step, None)


def ended_early(ws: Workspace, e: Case.EndedEarly) -> None:
    row = case_row(ws, e)
    row["status"] = ENDED
    row["ended_outcome"] = e.outcome
    row["ended_on"] = e.decided_on
    _step(ws, e, "beeindigd", None, e.outcome)


def working_decision_recorded(ws: Workspace, e: Case.WorkingDecisionRecorded) -> None:
    row = case_row(ws, e)
    row["decision_count"] = e.number
    ws.append(
        t.decisions,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "step": e.step,
            "outcome": e.kind,
            "items": dump({}),
            "motivation": case_text(ws, e, "motivation", e.motivation),
            "body": e.body,
            "decided_on": e.decided_on,
            "policy_hash": e.policy_hash,
            "review_on": e.review_on,
            "level": e.level,
            **by_of(e),
        },
    )


def decision_recorded(ws: Workspace, e: Case.DecisionRecorded) -> None:
    row = case_row(ws, e)
    row["decision_count"] = e.number
    row["last_decision"] = e.outcome
    ws.append(
        t.decisions,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "step": e.step,
            "outcome": e.outcome,
            "items": dump({k: case_text(ws, e, "items", v) for k, v in e.items.items()}),
            "motivation": case_text(ws, e, "motivation", e.motivation),
            "body": e.body,
            "decided_on": e.decided_on,
            "policy_hash": e.policy_hash,
            "review_on": None,
            "level": None,
            **by_of(e),
        },
    )


_FRESH_ACTION: dict[str, Any] = {
    "status": OPEN,
    "completed_on": None,
    "note": None,
    "escalations": 0,
    "last_escalated_to": None,
    "last_escalated_on": None,
    "handed_over_to": None,
    "urgent": False,
    "urgent_reason": None,
    "authorised_by": None,
    "ratified_by": None,
}
"""What a new action's row starts with, however it was added (plan, action, urgency)."""


def plan_version_set(ws: Workspace, e: Case.PlanVersionSet) -> None:
    case_key = str(e.originator_id)
    case_row(ws, e)["plan_version"] = e.version
    for action in e.actions:
        row = ws.get(t.actions, case_key, action["number"])
        if row is None:
            row = {"case_id": case_key, "number": action["number"], **_FRESH_ACTION}
        row.update(
            description=case_text(ws, e, "action", action["description"]),
            track=action["track"],
            organisation=action["organisation"],
            person=case_text(ws, e, "action-person", action["person"]),
            due=action["due"],
            plan_version=e.version,
        )
        ws.put(t.actions, row)
    for number in e.withdrawn:
        row = ws.require(t.actions, case_key, number)
        row["status"] = WITHDRAWN
        ws.touch(t.actions, row)
    ws.append(
        t.plans,
        {
            "case_id": case_key,
            "version": e.version,
            "goals": dump([case_text(ws, e, "goal", g) for g in e.goals]),
            "tracks": dump(
                [
                    {**tr, "description": case_text(ws, e, "track", tr["description"])}
                    for tr in e.tracks
                ]
            ),
            "actions": dump([a["number"] for a in e.actions]),
            "withdrawn": dump(e.withdrawn),
            **by_of(e),
        },
    )


def _new_action(ws: Workspace, e: Case.ActionAdded | Case.UrgentMeasureTaken) -> Row:
    """The read-model row of an action just added, to a plan or as an urgent measure."""
    return {
        "case_id": str(e.originator_id),
        "number": e.number,
        "description": case_text(ws, e, "action", e.description),
        "track": e.track,
        "organisation": e.organisation,
        "person": case_text(ws, e, "action-person", e.person),
        "due": e.due,
        "plan_version": 0,
        **_FRESH_ACTION,
    }


def action_added(ws: Workspace, e: Case.ActionAdded) -> None:
    case_row(ws, e)
    ws.put(t.actions, {**_new_action(ws, e), "plan_version": e.plan_version})


def urgent_measure_taken(ws: Workspace, e: Case.UrgentMeasureTaken) -> None:
    case_row(ws, e)
    row = _new_action(ws, e)
    row.update(
        urgent=True,
        urgent_reason=case_text(ws, e, "urgent-reason", e.reason),
        authorised_by=case_text(ws, e, "action-person", e.authorised_by),
    )
    ws.put(t.actions, row)


def urgent_measure_ratified(ws: Workspace, e: Case.UrgentMeasureRatified) -> None:
    case_row(ws, e)
    row = ws.require(t.actions, str(e.originator_id), e.number)
    row.update(ratified_by=e.decision)
    ws.touch(t.actions, row)


def action_completed(ws: Workspace, e: Case.ActionCompleted) -> None:
    case_row(ws, e)
    row = ws.require(t.actions, str(e.originator_id), e.number)
    row.update(
        status=DONE, completed_on=e.completed_on, note=case_text(ws, e, "note", e.note) or None
    )
    ws.touch(t.actions, row)


def action_escalated(ws: Workspace, e: Case.ActionEscalated) -> None:
    case_row(ws, e)
    row = ws.require(t.actions, str(e.originator_id), e.number)
    row.update(
        escalations=row["escalations"] + 1,
        last_escalated_to=case_text(ws, e, "escalated-to", e.escalated_to),
        last_escalated_on=e.escalated_on,
    )
    ws.touch(t.actions, row)
    ws.append(
        t.escalations,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "number": e.number,
            "escalated_to": case_text(ws, e, "escalated-to", e.escalated_to),
            "reason": case_text(ws, e, "escalation-reason", e.reason),
            "escalated_on": e.escalated_on,
            **by_of(e),
        },
    )


def case_closed(ws: Workspace, e: Case.Closed) -> None:
    row = case_row(ws, e)
    row.update(
        status=CLOSED,
        closed_on=e.closed_on,
        goals_reached=e.goals_reached,
        goals_assessment=case_text(ws, e, "goals-assessment", e.goals_assessment),
        bewaartermijn=e.bewaartermijn,
        evaluation=dump({k: case_text(ws, e, "evaluation", v) for k, v in e.evaluation.items()}),
    )
    for number, handover in e.handover.items():
        action = ws.require(t.actions, str(e.originator_id), int(number))
        action.update(status=HANDED_OVER, handed_over_to=handover["organisation"])
        ws.touch(t.actions, action)


HANDLERS: dict[type, Handler] = {
    Actor.Registered: actor_registered,
    Actor.Deactivated: actor_deactivated,
    Case.Opened: case_opened,
    Case.SignalRecorded: signal_recorded,
    Case.CoordinatorDesignated: coordinator_designated,
    Case.StepAdvanced: step_advanced,
    Case.StepsMerged: steps_merged,
    Case.SteppedBack: stepped_back,
    Case.EndedEarly: ended_early,
    Case.DecisionRecorded: decision_recorded,
    Case.WorkingDecisionRecorded: working_decision_recorded,
    Case.UrgentMeasureTaken: urgent_measure_taken,
    Case.UrgentMeasureRatified: urgent_measure_ratified,
    Case.PlanVersionSet: plan_version_set,
    Case.ActionAdded: action_added,
    Case.ActionCompleted: action_completed,
    Case.ActionEscalated: action_escalated,
    Case.Closed: case_closed,
}
