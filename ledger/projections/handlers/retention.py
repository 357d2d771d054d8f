"""Holds, purges and retention runs: their read models (and the scrubbing of purged texts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.crypto.seal import MASKED
from ledger.domain.retention import LegalHold, Purge, RetentionRun
from ledger.domain.subject import short_id
from ledger.projections import tables as t
from ledger.projections.handlers.common import Handler, by_of, stamp
from ledger.projections.reuse_table import reuses
from ledger.projections.workspace import Workspace

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
            "request_id": e.request,
            "review_on": e.review_on,
        },
    )


def hold_reviewed(ws: Workspace, e: LegalHold.Reviewed) -> None:
    row = ws.require(t.holds, str(e.originator_id))
    row.update(review_on=e.review_on)
    ws.touch(t.holds, row)


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
            "policy_hash": e.policy_hash,
            **by_of(e),
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
        (t.shares, ("necessity", "review_comment", "finding_closure", "compatibility")),
        (reuses, ("compatibility", "review_comment")),
        (t.share_requests, ("reason",)),
        (t.decisions, ("items", "motivation")),
        (t.escalations, ("escalated_to", "reason")),
        (
            t.actions,
            (
                "note",
                "last_escalated_to",
                "description",
                "person",
                "urgent_reason",
                "authorised_by",
            ),
        ),
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
            "policy_hash": e.policy_hash,
            "proposed_by": e.by["actor"],
            "approved_by": None,
            "purged": None,
            "started_at": stamp(e),
            "completed_at": None,
        },
    )


def run_approved(ws: Workspace, e: RetentionRun.Approved) -> None:
    row = ws.require(t.retention_runs, str(e.originator_id))
    row["approved_by"] = e.by["actor"]
    ws.touch(t.retention_runs, row)


def run_reviewed(ws: Workspace, e: RetentionRun.Reviewed) -> None:
    """A destruction list's reviews are on the run itself (`retention list show`); the
    read model names the latest reviewer."""
    row = ws.require(t.retention_runs, str(e.originator_id))
    row["approved_by"] = e.by["actor"]
    ws.touch(t.retention_runs, row)


def run_completed(ws: Workspace, e: RetentionRun.Completed) -> None:
    row = ws.require(t.retention_runs, str(e.originator_id))
    row.update(purged=e.purged, completed_at=stamp(e))
    ws.touch(t.retention_runs, row)


HANDLERS: dict[type, Handler] = {
    LegalHold.Placed: hold_placed,
    LegalHold.Lifted: hold_lifted,
    LegalHold.Reviewed: hold_reviewed,
    Purge.Purged: purged,
    RetentionRun.Started: run_started,
    RetentionRun.Approved: run_approved,
    RetentionRun.Reviewed: run_reviewed,
    RetentionRun.Completed: run_completed,
}
