"""Subjects, memberships, namenlijst, groepsscan and participants: their read models."""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.case import (
    Case,
)
from ledger.domain.subject import Subject, short_id
from ledger.projections import tables as t
from ledger.projections.handlers.common import Handler, by_of, case_row, case_text, dump, stamp
from ledger.projections.workspace import Workspace

# -- persons ---------------------------------------------------------------------------


def subject_registered(ws: Workspace, e: Subject.Registered) -> None:
    ws.put(
        t.subjects,
        {
            "subject_id": str(e.originator_id),
            "short": short_id(e.originator_id),
            "kind": e.kind,
            "youth_id": e.youth,
            "registered_at": stamp(e),
            "registered_on": e.registered_on,
            "registered_by": e.by["actor"],
            "note_count": 0,
            "categories": dump(sorted({f["cat"] for f in e.fields.values()})),
            "dob_sealed": dump(e.fields["date_of_birth"]) if "date_of_birth" in e.fields else None,
            "erased_at": None,
            "erased_by": None,
            "erasure_basis": None,
        },
    )


def subject_note(ws: Workspace, e: Subject.NoteRecorded) -> None:
    row = ws.require(t.subjects, str(e.originator_id))
    row["note_count"] += 1
    row["categories"] = dump(sorted({*json.loads(row["categories"]), e.category}))
    ws.touch(t.subjects, row)


def subject_erased(ws: Workspace, e: Subject.Erased) -> None:
    ws.append(
        t.erasures,
        {
            "subject_id": str(e.originator_id),
            "seq": e.originator_version,
            "short": short_id(e.originator_id),
            "categories": None if e.categories is None else dump(sorted(e.categories)),
            "erased_on": e.erased_on,
            **by_of(e),
        },
    )
    if e.categories is not None:
        return
    row = ws.require(t.subjects, str(e.originator_id))
    row.update(erased_at=stamp(e), erased_by=e.by["actor"], erasure_basis=e.basis)
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
            **by_of(e),
        },
    )


def member_added(ws: Workspace, e: Case.MemberAdded) -> None:
    case_row(ws, e)
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
    case_row(ws, e)
    row = ws.require(t.members, str(e.originator_id), e.subject)
    row.update(core=e.core, influence=e.influence, kopstuk=e.kopstuk, since=e.from_date)
    ws.touch(t.members, row)
    _member_history(ws, e, "gewijzigd", e.from_date)


def member_ended(ws: Workspace, e: Case.MemberEnded) -> None:
    case_row(ws, e)
    row = ws.require(t.members, str(e.originator_id), e.subject)
    row["ended_on"] = e.to_date
    ws.touch(t.members, row)
    _member_history(ws, e, "beeindigd", e.to_date)


def namenlijst_agreed(ws: Workspace, e: Case.NamenlijstAgreed) -> None:
    case_row(ws, e)
    ws.append(
        t.namenlijsten,
        {
            "case_id": str(e.originator_id),
            "version": e.version,
            "subjects": dump(e.subjects),
            "partners": dump(e.partners),
            "agreed_on": e.agreed_on,
            "additions": len(e.additions),
            **by_of(e),
        },
    )


def groepsscan_requested(ws: Workspace, e: Case.GroepsscanRequested) -> None:
    case_row(ws, e)
    ws.put(
        t.groepsscans,
        {
            "case_id": str(e.originator_id),
            "number": e.number,
            "requested_by": e.requested_by,
            "addressed_to": e.addressed_to,
            "motivation": case_text(ws, e, "motivation", e.motivation),
            "requested_on": e.requested_on,
            "received_on": None,
            "recipients": None,
            "unknown_names": None,
            "informatiepositie": None,
            "requested_org": e.by["org"],
            "requested_actor": e.by["actor"],
            "requested_role": e.by["role"],
            "requested_at": stamp(e),
            "received_actor": None,
            "received_role": None,
            "received_org": None,
            "received_at": None,
        },
    )


def groepsscan_received(ws: Workspace, e: Case.GroepsscanReceived) -> None:
    case_row(ws, e)
    row = ws.require(t.groepsscans, str(e.originator_id), e.number)
    row.update(
        received_on=e.received_on,
        recipients=dump(e.recipients),
        unknown_names=e.unknown_names,
        informatiepositie=e.informatiepositie,
        received_actor=e.by["actor"],
        received_role=e.by["role"],
        received_org=e.by["org"],
        received_at=stamp(e),
    )
    ws.touch(t.groepsscans, row)


def police_report(ws: Workspace, e: Case.PoliceReportExists) -> None:
    case_row(ws, e)
    ws.append(
        t.police_reports,
        {
            "case_id": str(e.originator_id),
            "seq": e.originator_version,
            "subject_id": e.subject,
            "reported_on": e.reported_on,
            **by_of(e),
        },
    )


def participant_added(ws: Workspace, e: Case.ParticipantAdded) -> None:
    case_row(ws, e)
    ws.put(
        t.participants,
        {
            "case_id": str(e.originator_id),
            "actor": e.actor,
            "reason": case_text(ws, e, "participant-reason", e.reason),
            "active": True,
        },
    )


def participant_removed(ws: Workspace, e: Case.ParticipantRemoved) -> None:
    case_row(ws, e)
    row = ws.require(t.participants, str(e.originator_id), e.actor)
    row["active"] = False
    ws.touch(t.participants, row)


HANDLERS: dict[type, Handler] = {
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
}
