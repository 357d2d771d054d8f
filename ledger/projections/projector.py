"""How each event changes the read models. Pure assignment, no rules: history is fact."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ledger.crypto.envelope import open_text
from ledger.crypto.seal import MASKED
from ledger.domain.access import Access, period_owner
from ledger.domain.actor import Actor
from ledger.domain.case import CLOSED, DONE, ENDED, HANDED_OVER, OPEN, WITHDRAWN, Case, case_id
from ledger.domain.convenant import Convenant
from ledger.domain.retention import LegalHold, Purge, RetentionRun
from ledger.domain.share import Share
from ledger.domain.subject import Subject, short_id
from ledger.projections import tables as t
from ledger.projections.workspace import Workspace

Handler = Callable[[Workspace, Any], None]


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _at(e: Any) -> str:
    return str(e.timestamp.isoformat())


def _by(e: Any) -> dict[str, str]:
    return {"actor": e.by["actor"], "role": e.by["role"], "org": e.by["org"], "recorded_at": _at(e)}


def _t(ws: Workspace, e: Any, field: str, value: Any) -> Any:
    """A case's free text as plain text: opened when sealed, [gewist] once purged."""
    return open_text(ws.opener, str(e.originator_id), field, value)


def _case(ws: Workspace, e: Any) -> dict[str, Any]:
    row = ws.require(t.cases, str(e.originator_id))
    row["updated_at"] = _at(e)
    ws.touch(t.cases, row)
    return row


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
            "registered_at": _at(e),
            "registered_by": e.by["actor"],
            "deactivated_at": None,
        },
    )


def actor_deactivated(ws: Workspace, e: Actor.Deactivated) -> None:
    row = ws.require(t.actors, str(e.originator_id))
    row["active"] = False
    row["deactivated_at"] = _at(e)
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
            "status": "lopend",
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
            "updated_at": _at(e),
        },
    )


def signal_recorded(ws: Workspace, e: Case.SignalRecorded) -> None:
    _case(ws, e)["signal_count"] = e.number
    ws.append(
        t.signals,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "observed_on": e.observed_on,
            "kind": e.kind,
            "location": _t(ws, e, "signal-location", e.location),
            "source_org": e.source_org,
            "source_role": e.source_role,
            "text": _t(ws, e, "signal-text", e.text),
            **_by(e),
        },
    )


def coordinator_designated(ws: Workspace, e: Case.CoordinatorDesignated) -> None:
    _case(ws, e)["coordinator"] = e.coordinator


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
            "reason": _t(ws, e, "reason", e.reason),
            "outcome": outcome,
            "decided_on": e.decided_on,
            **_by(e),
        },
    )


def step_advanced(ws: Workspace, e: Case.StepAdvanced) -> None:
    _case(ws, e)["step"] = e.to_step
    _step(ws, e, "vooruit", e.to_step, None)


def steps_merged(ws: Workspace, e: Case.StepsMerged) -> None:
    row = _case(ws, e)
    row["step"] = e.to_step
    row["merged_4_5"] = True
    _step(ws, e, "samengevoegd", e.to_step, None)


def stepped_back(ws: Workspace, e: Case.SteppedBack) -> None:
    row = _case(ws, e)
    row["step"] = e.to_step
    row["merged_4_5"] = False
    _step(ws, e, "terug", e.to_step, None)


def ended_early(ws: Workspace, e: Case.EndedEarly) -> None:
    row = _case(ws, e)
    row["status"] = ENDED
    row["ended_outcome"] = e.outcome
    row["ended_on"] = e.decided_on
    _step(ws, e, "beeindigd", None, e.outcome)


def decision_recorded(ws: Workspace, e: Case.DecisionRecorded) -> None:
    row = _case(ws, e)
    row["decision_count"] = e.number
    row["last_decision"] = e.outcome
    ws.append(
        t.decisions,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "step": e.step,
            "outcome": e.outcome,
            "items": _dump({k: _t(ws, e, "items", v) for k, v in e.items.items()}),
            "motivation": _t(ws, e, "motivation", e.motivation),
            "body": e.body,
            "decided_on": e.decided_on,
            **_by(e),
        },
    )


def plan_version_set(ws: Workspace, e: Case.PlanVersionSet) -> None:
    case_key = str(e.originator_id)
    _case(ws, e)["plan_version"] = e.version
    for action in e.actions:
        row = ws.get(t.actions, case_key, action["number"])
        if row is None:
            row = {
                "case_id": case_key,
                "number": action["number"],
                "status": OPEN,
                "completed_on": None,
                "note": None,
                "escalations": 0,
                "last_escalated_to": None,
                "last_escalated_on": None,
                "handed_over_to": None,
            }
        row.update(
            description=_t(ws, e, "action", action["description"]),
            track=action["track"],
            organisation=action["organisation"],
            person=_t(ws, e, "action-person", action["person"]),
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
            "goals": _dump([_t(ws, e, "goal", g) for g in e.goals]),
            "tracks": _dump(
                [{**tr, "description": _t(ws, e, "track", tr["description"])} for tr in e.tracks]
            ),
            "actions": _dump([a["number"] for a in e.actions]),
            "withdrawn": _dump(e.withdrawn),
            **_by(e),
        },
    )


def action_added(ws: Workspace, e: Case.ActionAdded) -> None:
    _case(ws, e)
    ws.put(
        t.actions,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "description": _t(ws, e, "action", e.description),
            "track": e.track,
            "organisation": e.organisation,
            "person": _t(ws, e, "action-person", e.person),
            "due": e.due,
            "status": OPEN,
            "plan_version": e.plan_version,
            "completed_on": None,
            "note": None,
            "escalations": 0,
            "last_escalated_to": None,
            "last_escalated_on": None,
            "handed_over_to": None,
        },
    )


def action_completed(ws: Workspace, e: Case.ActionCompleted) -> None:
    _case(ws, e)
    row = ws.require(t.actions, str(e.originator_id), e.number)
    row.update(status=DONE, completed_on=e.completed_on, note=_t(ws, e, "note", e.note) or None)
    ws.touch(t.actions, row)


def action_escalated(ws: Workspace, e: Case.ActionEscalated) -> None:
    _case(ws, e)
    row = ws.require(t.actions, str(e.originator_id), e.number)
    row.update(
        escalations=row["escalations"] + 1,
        last_escalated_to=_t(ws, e, "escalated-to", e.escalated_to),
        last_escalated_on=e.escalated_on,
    )
    ws.touch(t.actions, row)
    ws.append(
        t.escalations,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "number": e.number,
            "escalated_to": _t(ws, e, "escalated-to", e.escalated_to),
            "reason": _t(ws, e, "escalation-reason", e.reason),
            "escalated_on": e.escalated_on,
            **_by(e),
        },
    )


def case_closed(ws: Workspace, e: Case.Closed) -> None:
    row = _case(ws, e)
    row.update(
        status=CLOSED,
        closed_on=e.closed_on,
        goals_reached=e.goals_reached,
        goals_assessment=_t(ws, e, "goals-assessment", e.goals_assessment),
        bewaartermijn=e.bewaartermijn,
        evaluation=_dump({k: _t(ws, e, "evaluation", v) for k, v in e.evaluation.items()}),
    )
    for number, handover in e.handover.items():
        action = ws.require(t.actions, str(e.originator_id), int(number))
        action.update(status=HANDED_OVER, handed_over_to=handover["organisation"])
        ws.touch(t.actions, action)


# -- persons ---------------------------------------------------------------------------


def subject_registered(ws: Workspace, e: Subject.Registered) -> None:
    ws.put(
        t.subjects,
        {
            "subject_id": str(e.originator_id),
            "short": short_id(e.originator_id),
            "kind": e.kind,
            "youth_id": e.youth,
            "registered_at": _at(e),
            "registered_on": e.registered_on,
            "registered_by": e.by["actor"],
            "note_count": 0,
            "categories": _dump(sorted({f["cat"] for f in e.fields.values()})),
            "dob_sealed": _dump(e.fields["date_of_birth"]) if "date_of_birth" in e.fields else None,
            "erased_at": None,
            "erased_by": None,
            "erasure_basis": None,
        },
    )


def subject_note(ws: Workspace, e: Subject.NoteRecorded) -> None:
    row = ws.require(t.subjects, str(e.originator_id))
    row["note_count"] += 1
    row["categories"] = _dump(sorted({*json.loads(row["categories"]), e.category}))
    ws.touch(t.subjects, row)


def subject_erased(ws: Workspace, e: Subject.Erased) -> None:
    if e.categories is not None:
        return
    row = ws.require(t.subjects, str(e.originator_id))
    row.update(erased_at=_at(e), erased_by=e.by["actor"], erasure_basis=e.basis)
    ws.touch(t.subjects, row)


def _member_history(ws: Workspace, e: Any, change: str, on_date: str) -> None:
    ws.append(
        t.member_history,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "subject_id": e.subject,
            "change": change,
            "core": getattr(e, "core", None),
            "influence": getattr(e, "influence", None),
            "kopstuk": getattr(e, "kopstuk", None),
            "on_date": on_date,
            **_by(e),
        },
    )


def member_added(ws: Workspace, e: Case.MemberAdded) -> None:
    _case(ws, e)
    ws.put(
        t.members,
        {
            "case_id": str(e.originator_id),
            "subject_id": e.subject,
            "core": e.core,
            "influence": e.influence,
            "kopstuk": e.kopstuk,
            "since": e.from_date,
            "first_from": e.from_date,
            "ended_on": None,
        },
    )
    _member_history(ws, e, "toegevoegd", e.from_date)


def member_changed(ws: Workspace, e: Case.MemberPositionChanged) -> None:
    _case(ws, e)
    row = ws.require(t.members, str(e.originator_id), e.subject)
    row.update(core=e.core, influence=e.influence, kopstuk=e.kopstuk, since=e.from_date)
    ws.touch(t.members, row)
    _member_history(ws, e, "gewijzigd", e.from_date)


def member_ended(ws: Workspace, e: Case.MemberEnded) -> None:
    _case(ws, e)
    row = ws.require(t.members, str(e.originator_id), e.subject)
    row["ended_on"] = e.to_date
    ws.touch(t.members, row)
    _member_history(ws, e, "beeindigd", e.to_date)


def namenlijst_agreed(ws: Workspace, e: Case.NamenlijstAgreed) -> None:
    _case(ws, e)
    ws.append(
        t.namenlijsten,
        {
            "case_id": str(e.originator_id),
            "version": e.version,
            "subjects": _dump(e.subjects),
            "partners": _dump(e.partners),
            "agreed_on": e.agreed_on,
            **_by(e),
        },
    )


def groepsscan_requested(ws: Workspace, e: Case.GroepsscanRequested) -> None:
    _case(ws, e)
    ws.put(
        t.groepsscans,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "requested_by": e.requested_by,
            "addressed_to": e.addressed_to,
            "motivation": _t(ws, e, "motivation", e.motivation),
            "requested_on": e.requested_on,
            "received_on": None,
            "recipients": None,
            "unknown_names": None,
            "informatiepositie": None,
        },
    )


def groepsscan_received(ws: Workspace, e: Case.GroepsscanReceived) -> None:
    _case(ws, e)
    row = ws.require(t.groepsscans, str(e.originator_id), e.number)
    row.update(
        received_on=e.received_on,
        recipients=_dump(e.recipients),
        unknown_names=e.unknown_names,
        informatiepositie=e.informatiepositie,
    )
    ws.touch(t.groepsscans, row)


def police_report(ws: Workspace, e: Case.PoliceReportExists) -> None:
    _case(ws, e)
    ws.append(
        t.police_reports,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "subject_id": e.subject,
            "reported_on": e.reported_on,
            **_by(e),
        },
    )


def participant_added(ws: Workspace, e: Case.ParticipantAdded) -> None:
    _case(ws, e)
    ws.put(
        t.participants,
        {
            "case_id": str(e.originator_id),
            "actor": e.actor,
            "reason": _t(ws, e, "participant-reason", e.reason),
            "active": True,
        },
    )


def participant_removed(ws: Workspace, e: Case.ParticipantRemoved) -> None:
    _case(ws, e)
    row = ws.require(t.participants, str(e.originator_id), e.actor)
    row["active"] = False
    ws.touch(t.participants, row)


# -- sharing ------------------------------------------------------------------------------


def _convenant_version(ws: Workspace, e: Any, version: int, content: dict[str, Any]) -> None:
    ws.append(
        t.convenant_versions,
        {
            "convenant_id": str(e.originator_id),
            "version": version,
            "content": _dump(content),
            "valid_from": content["valid_from"],
            "valid_until": content.get("valid_until"),
            **_by(e),
        },
    )


def convenant_drafted(ws: Workspace, e: Convenant.Drafted) -> None:
    ws.put(
        t.convenants,
        {
            "convenant_id": str(e.originator_id),
            "key": e.key,
            "name": e.content["name"],
            "versions": 1,
            "updated_at": _at(e),
        },
    )
    _convenant_version(ws, e, 1, e.content)


def convenant_amended(ws: Workspace, e: Convenant.Amended) -> None:
    row = ws.require(t.convenants, str(e.originator_id))
    row.update(versions=e.version, name=e.content["name"], updated_at=_at(e))
    ws.touch(t.convenants, row)
    _convenant_version(ws, e, e.version, e.content)


def convenant_signed(ws: Workspace, e: Convenant.Signed) -> None:
    ws.append(
        t.convenant_signatures,
        {
            "convenant_id": str(e.originator_id),
            "version": e.version,
            "party": e.party,
            "signer": e.signer,
            "signed_on": e.signed_on,
            **_by(e),
        },
    )


def share_decided(ws: Workspace, e: Share.Decided) -> None:
    r = e.request
    share_id = str(e.originator_id)
    ws.put(
        t.shares,
        {
            "share_id": share_id,
            "case_ref": e.case,
            "step": e.step,
            "decided_on": r["on"],
            "from_org": r["from_org"],
            "to_orgs": _dump(r["to_orgs"]),
            "named_recipients": _dump(r.get("named_recipients", [])),
            "meeting": r.get("meeting"),
            "subject_count": len(r["subjects"]),
            "categories": _dump(r["categories"]),
            "purpose": r["purpose"],
            "convenant": r.get("convenant"),
            "convenant_version": r.get("convenant_version"),
            "article": r.get("article"),
            "legal_basis": r.get("legal_basis"),
            "necessity": open_text(ws.opener, str(case_id(e.case)), "necessity", r["necessity"]),
            "outcome": e.outcome,
            "refusals": _dump(e.refusals),
            "ad_hoc": e.ad_hoc,
            "reviewed_at": None,
            "reviewed_by": None,
            "review_comment": None,
            **_by(e),
        },
    )
    for subject in sorted(set(r["subjects"])):
        ws.append(t.share_subjects, {"share_id": share_id, "subject_id": subject})
    for org in sorted(set(r["to_orgs"])):
        ws.append(t.share_recipients, {"share_id": share_id, "organisation": org})


def share_reviewed(ws: Workspace, e: Share.Reviewed) -> None:
    row = ws.require(t.shares, str(e.originator_id))
    comment = open_text(ws.opener, str(case_id(row["case_ref"])), "review-comment", e.comment)
    row.update(reviewed_at=_at(e), reviewed_by=e.by["actor"], review_comment=comment)
    ws.touch(t.shares, row)


def access_recorded(ws: Workspace, e: Access.Recorded) -> None:
    subject = None
    if e.subject is not None and ws.opener is not None:
        opened = ws.opener(period_owner(e.on), "subject", e.subject)
        subject = None if opened == MASKED else str(opened)
    ws.append(
        t.access_log,
        {
            "access_id": str(e.originator_id),
            "at": _at(e),
            "on_date": e.on,
            "action": e.action,
            "command": e.command,
            "subject_id": subject,
            "case_ref": e.case,
            "categories": _dump(e.categories),
            "purpose": e.purpose,
            "outcome": e.outcome,
            "reason": e.reason,
            "actor": e.by["actor"],
            "role": e.by["role"],
            "org": e.by["org"],
        },
    )


# -- retention ---------------------------------------------------------------------------


def hold_placed(ws: Workspace, e: LegalHold.Placed) -> None:
    ws.put(
        t.holds,
        {
            "hold_id": str(e.originator_id),
            "target_kind": e.target_kind,
            "target": e.target,
            "label": short_id(e.target) if e.target_kind == "subject" else e.target,
            "reason": e.reason,
            "placed_on": e.placed_on,
            "placed_by": e.by["actor"],
            "lifted_on": None,
            "lifted_by": None,
        },
    )


def hold_lifted(ws: Workspace, e: LegalHold.Lifted) -> None:
    row = ws.require(t.holds, str(e.originator_id))
    row.update(lifted_on=e.lifted_on, lifted_by=e.by["actor"])
    ws.touch(t.holds, row)


def purged(ws: Workspace, e: Purge.Purged) -> None:
    ws.append(
        t.purges,
        {
            "purge_id": str(e.originator_id),
            "owner": e.owner,
            "owner_kind": e.owner_kind,
            "label": e.label,
            "category": e.category,
            "class_id": e.class_id,
            "start_event": e.start_event,
            "start_date": e.start_date,
            "due_date": e.due_date,
            "executed_on": e.executed_on,
            "run_id": e.run_id,
            **_by(e),
        },
    )
    if e.owner_kind == "toegangslog":
        _scrub(
            ws,
            t.access_log,
            t.access_log.c.on_date.startswith(e.label, autoescape=True),
            lambda row: row["on_date"].startswith(e.label),
            {"subject_id": None},
        )
    elif e.owner_kind == "subject" and e.category == "identificatie":
        row = ws.get(t.subjects, e.owner)
        if row is not None:  # even the sealed date of birth leaves the read model
            row["dob_sealed"] = None
            ws.touch(t.subjects, row)
    elif e.owner_kind == "case":
        for table, columns in CASE_TEXT_COLUMNS.get(e.category, ()):
            # Most tables key a case by id; the share register by its reference.
            column, value = ("case_id", e.owner) if "case_id" in table.c else ("case_ref", e.label)
            _scrub(
                ws,
                table,
                table.c[column] == value,
                _row_matches(column, value),
                {c: MASKED for c in columns},
            )


CASE_TEXT_COLUMNS: dict[str, tuple[tuple[Any, tuple[str, ...]], ...]] = {
    "signalen": ((t.signals, ("location", "text")),),
    "verslaglegging": (
        (t.step_history, ("reason",)),
        (t.plans, ("goals", "tracks")),
        (t.shares, ("necessity", "review_comment")),
        (t.decisions, ("items", "motivation")),
        (t.escalations, ("escalated_to", "reason")),
        (t.actions, ("note", "last_escalated_to", "description", "person")),
        (t.cases, ("goals_assessment", "evaluation")),
        (t.participants, ("reason",)),
        (t.groepsscans, ("motivation",)),
    ),
}


def _row_matches(column: str, value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda row: bool(row[column] == value)


def _scrub(
    ws: Workspace,
    table: Any,
    where: Any,
    matches: Callable[[dict[str, Any]], bool],
    values: dict[str, Any],
) -> None:
    """Overwrite purged text everywhere it may sit: rows in memory, and rows written."""
    for row in ws.pending_rows(table):
        if matches(row):
            row.update({k: v for k, v in values.items() if row.get(k) is not None})
    if ws.conn is not None and not ws.fresh:
        for column, value in values.items():
            ws.conn.execute(
                table.update().where(where, table.c[column].is_not(None)).values({column: value})
            )


def run_started(ws: Workspace, e: RetentionRun.Started) -> None:
    ws.put(
        t.retention_runs,
        {
            "run_id": str(e.originator_id),
            "as_of": e.as_of,
            "items": len(e.items),
            "proposal": e.proposal,
            "proposed_by": e.by["actor"],
            "approved_by": None,
            "purged": None,
            "started_at": _at(e),
            "completed_at": None,
        },
    )


def run_approved(ws: Workspace, e: RetentionRun.Approved) -> None:
    row = ws.require(t.retention_runs, str(e.originator_id))
    row["approved_by"] = e.by["actor"]
    ws.touch(t.retention_runs, row)


def run_completed(ws: Workspace, e: RetentionRun.Completed) -> None:
    row = ws.require(t.retention_runs, str(e.originator_id))
    row.update(purged=e.purged, completed_at=_at(e))
    ws.touch(t.retention_runs, row)


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
    Case.PlanVersionSet: plan_version_set,
    Case.ActionAdded: action_added,
    Case.ActionCompleted: action_completed,
    Case.ActionEscalated: action_escalated,
    Case.Closed: case_closed,
    Subject.Registered: subject_registered,
    Subject.NoteRecorded: subject_note,
    Subject.Erased: subject_erased,
    Case.MemberAdded: member_added,
    Case.MemberPositionChanged: member_changed,
    Case.MemberEnded: member_ended,
    Case.NamenlijstAgreed: namenlijst_agreed,
    Case.GroepsscanRequested: groepsscan_requested,
    Case.GroepsscanReceived: groepsscan_received,
    Case.PoliceReportExists: police_report,
    Case.ParticipantAdded: participant_added,
    Case.ParticipantRemoved: participant_removed,
    Convenant.Drafted: convenant_drafted,
    Convenant.Amended: convenant_amended,
    Convenant.Signed: convenant_signed,
    Share.Decided: share_decided,
    Share.Reviewed: share_reviewed,
    Access.Recorded: access_recorded,
    LegalHold.Placed: hold_placed,
    LegalHold.Lifted: hold_lifted,
    Purge.Purged: purged,
    RetentionRun.Started: run_started,
    RetentionRun.Approved: run_approved,
    RetentionRun.Completed: run_completed,
}
