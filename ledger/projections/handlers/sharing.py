"""Convenants, sharing decisions and the access log: their read models."""

from __future__ import annotations

from typing import Any

from ledger.crypto.envelope import open_text
from ledger.crypto.seal import MASKED
from ledger.domain.access import Access, period_owner
from ledger.domain.case import Case, case_id
from ledger.domain.convenant import Convenant
from ledger.domain.share import Share
from ledger.domain.share_request import CONFIRMED, DECLINED, OPEN, Verzoek
from ledger.projections import tables as t
from ledger.projections.handlers.common import Handler, by_of, dump, stamp
from ledger.projections.reuse_table import reuses
from ledger.projections.workspace import Workspace

# -- sharing ------------------------------------------------------------------------------


def _convenant_version(ws: Workspace, e: Any, version: int, content: dict[str, Any]) -> None:
    ws.append(
        t.convenant_versions,
        {
            "convenant_id": str(e.originator_id),
            "version": version,
            "content": dump(content),
            "valid_from": content["valid_from"],
            "valid_until": content.get("valid_until"),
            **by_of(e),
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
            "updated_at": stamp(e),
        },
    )
    _convenant_version(ws, e, 1, e.content)


def convenant_amended(ws: Workspace, e: Convenant.Amended) -> None:
    row = ws.require(t.convenants, str(e.originator_id))
    row.update(versions=e.version, name=e.content["name"], updated_at=stamp(e))
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
            **by_of(e),
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
            "to_orgs": dump(r["to_orgs"]),
            "named_recipients": dump(r.get("named_recipients", [])),
            "meeting": r.get("meeting"),
            "subject_count": len(r["subjects"]),
            "categories": dump(r["categories"]),
            "purpose": r["purpose"],
            "convenant": r.get("convenant"),
            "convenant_version": r.get("convenant_version"),
            "article": r.get("article"),
            "legal_basis": r.get("legal_basis"),
            "necessity": open_text(ws.opener, str(case_id(e.case)), "necessity", r["necessity"]),
            "outcome": e.outcome,
            "refusals": dump(e.refusals),
            "ad_hoc": e.ad_hoc,
            "reviewed_at": None,
            "reviewed_by": None,
            "review_comment": None,
            "policy_hash": e.policy_hash,
            "request_id": r.get("requested", {}).get("request"),
            "requested_by": r.get("requested", {}).get("by"),
            "source_share_id": r.get("source"),
            "compatibility": (
                open_text(ws.opener, str(case_id(e.case)), "compatibility", r["compatibility"])
                if r.get("compatibility")
                else None
            ),
            "instrument": r.get("instrument"),
            "verdict": None,
            "finding_closed_on": None,
            "finding_closure": None,
            **by_of(e),
        },
    )
    for subject in sorted(set(r["subjects"])):
        ws.append(t.share_subjects, {"share_id": share_id, "subject_id": subject})
    for org in sorted(set(r["to_orgs"])):
        ws.append(t.share_recipients, {"share_id": share_id, "organisation": org})


def share_reviewed(ws: Workspace, e: Share.Reviewed) -> None:
    row = ws.require(t.shares, str(e.originator_id))
    comment = open_text(ws.opener, str(case_id(row["case_ref"])), "review-comment", e.comment)
    row.update(
        reviewed_at=stamp(e), reviewed_by=e.by["actor"], review_comment=comment, verdict=e.verdict
    )
    ws.touch(t.shares, row)


def share_finding_closed(ws: Workspace, e: Share.FindingClosed) -> None:
    row = ws.require(t.shares, str(e.originator_id))
    reason = open_text(ws.opener, str(case_id(row["case_ref"])), "finding-reason", e.reason)
    row.update(finding_closed_on=e.closed_on, finding_closure=reason)
    ws.touch(t.shares, row)


def provision_reused(ws: Workspace, e: Case.ProvisionReused) -> None:
    ws.put(
        reuses,
        {
            "case_ref": ws.require(t.cases, str(e.originator_id))["ref"],
            "number": e.number,
            "share_id": e.share_id,
            "action": e.action,
            "purpose": e.purpose,
            "used_on": e.on,
            "assessed": e.compatibility is not None,
            "compatibility": (
                open_text(ws.opener, str(e.originator_id), "compatibility", e.compatibility)
                if e.compatibility
                else None
            ),
            "reviewed_at": None,
            "reviewed_by": None,
            "review_comment": None,
            **by_of(e),
        },
    )


def reuse_reviewed(ws: Workspace, e: Case.ReuseReviewed) -> None:
    ref = ws.require(t.cases, str(e.originator_id))["ref"]
    row = ws.require(reuses, ref, e.number)
    comment = open_text(ws.opener, str(e.originator_id), "review-comment", e.comment)
    row.update(reviewed_at=stamp(e), reviewed_by=e.by["actor"], review_comment=comment)
    ws.touch(reuses, row)


def request_recorded(ws: Workspace, e: Verzoek.Requested) -> None:
    cmd = e.command
    ws.put(
        t.share_requests,
        {
            "request_id": str(e.originator_id),
            "case_ref": e.case,
            "requested_on": cmd["decided_on"],
            "from_org": cmd["from_org"],
            "to_orgs": dump(sorted(set(cmd["to_orgs"]))),
            "subject_count": len(cmd["subjects"]),
            "categories": dump(sorted(set(cmd["categories"]))),
            "om_conditions": dump(e.om_conditions),
            "status": OPEN,
            "share_id": None,
            "answered_by": None,
            "answered_org": None,
            "reason": None,
            **by_of(e),
        },
    )


def request_confirmed(ws: Workspace, e: Verzoek.Confirmed) -> None:
    row = ws.require(t.share_requests, str(e.originator_id))
    row.update(
        status=CONFIRMED, share_id=e.share_id, answered_by=e.by["actor"], answered_org=e.by["org"]
    )
    ws.touch(t.share_requests, row)


def request_declined(ws: Workspace, e: Verzoek.Declined) -> None:
    row = ws.require(t.share_requests, str(e.originator_id))
    reason = open_text(ws.opener, str(case_id(row["case_ref"])), "refusal-reason", e.reason)
    row.update(status=DECLINED, reason=reason, answered_by=e.by["actor"], answered_org=e.by["org"])
    ws.touch(t.share_requests, row)


def access_recorded(ws: Workspace, e: Access.Recorded) -> None:
    subject = None
    if e.subject is not None and ws.opener is not None:
        opened = ws.opener(period_owner(e.on), "subject", e.subject)
        subject = None if opened == MASKED else str(opened)
    ws.append(
        t.access_log,
        {
            "access_id": str(e.originator_id),
            "at": stamp(e),
            "on_date": e.on,
            "action": e.action,
            "command": e.command,
            "subject_id": subject,
            "case_ref": e.case,
            "categories": dump(e.categories),
            "purpose": e.purpose,
            "outcome": e.outcome,
            "reason": e.reason,
            "actor": e.by["actor"],
            "role": e.by["role"],
            "org": e.by["org"],
            "trace_id": e.trace_id,
            "operation_id": e.operation_id,
            "parent_operation_id": e.parent_operation_id,
            "activity": e.activity,
            "retention": e.retention,
            "application": e.application,
        },
    )


HANDLERS: dict[type, Handler] = {
    Convenant.Drafted: convenant_drafted,
    Convenant.Amended: convenant_amended,
    Convenant.Signed: convenant_signed,
    Share.Decided: share_decided,
    Share.Reviewed: share_reviewed,
    Share.FindingClosed: share_finding_closed,
    Verzoek.Requested: request_recorded,
    Verzoek.Confirmed: request_confirmed,
    Verzoek.Declined: request_declined,
    Access.Recorded: access_recorded,
    Case.ProvisionReused: provision_reused,
    Case.ReuseReviewed: reuse_reviewed,
}
