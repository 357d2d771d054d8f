"""Rights requests and rectifications: the register, and what a rectification changes in
the subject's row (the sealed date of birth the retention engine opens)."""

from __future__ import annotations

import json

from ledger.domain.rights_request import RightsRequest, request_ref
from ledger.domain.subject import Subject, short_id
from ledger.projections import tables as t
from ledger.projections.handlers.common import Handler, by_of, dump
from ledger.projections.rights_tables import rectifications, rights_requests
from ledger.projections.workspace import Workspace


def request_opened(ws: Workspace, e: RightsRequest.Opened) -> None:
    ws.put(
        rights_requests,
        {
            "request_id": str(e.originator_id),
            "ref": request_ref(e.originator_id),
            "subject_id": e.subject,
            "short": short_id(e.subject),
            "kind": e.kind,
            "article": e.article,
            "received_on": e.received_on,
            "deadline": e.deadline,
            "extended": False,
            "extended_on": None,
            "hold_id": e.hold,
            "outcome": None,
            "decided_on": None,
            "decided_by": None,
            **by_of(e),
        },
    )


def request_extended(ws: Workspace, e: RightsRequest.Extended) -> None:
    row = ws.require(rights_requests, str(e.originator_id))
    row.update(extended=True, extended_on=e.extended_on, deadline=e.deadline)
    ws.touch(rights_requests, row)


def request_decided(ws: Workspace, e: RightsRequest.Decided) -> None:
    row = ws.require(rights_requests, str(e.originator_id))
    row.update(outcome=e.outcome, decided_on=e.decided_on, decided_by=e.by["actor"])
    ws.touch(rights_requests, row)


def subject_rectified(ws: Workspace, e: Subject.Rectified) -> None:
    ws.append(
        rectifications,
        {
            "subject_id": str(e.originator_id),
            "seq": e.originator_version,
            "short": short_id(e.originator_id),
            "field": e.field,
            "category": e.category,
            "retired": e.retired,
            "request_id": e.request,
            "rectified_on": e.rectified_on,
            **by_of(e),
        },
    )
    row = ws.require(t.subjects, str(e.originator_id))
    if "date_of_birth" in e.fields:
        row["dob_sealed"] = dump(e.fields["date_of_birth"])
    row["categories"] = dump(sorted({*json.loads(row["categories"]), e.category}))
    ws.touch(t.subjects, row)


HANDLERS: dict[type, Handler] = {
    RightsRequest.Opened: request_opened,
    RightsRequest.Extended: request_extended,
    RightsRequest.Decided: request_decided,
    Subject.Rectified: subject_rectified,
}
