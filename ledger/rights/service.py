"""The register of the data subject's rights requests (AVG art. 12, 15-21).

A request is opened on the day it was received; its answer is due one calendar month
later (policy), extendable once by two months with a reason. While it is pending a legal
hold protects the subject, so that no retention run destroys what the request is about;
deciding the request lifts that hold in the same transaction. Overdue requests are
findings for the privacy officer (:func:`overdue`).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import AccessLog, Gate, Seen, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.seal import Sealed
from ledger.domain.acting import Acting
from ledger.domain.retention import LegalHold
from ledger.domain.rights_request import DECIDED, PENDING, RightsRequest, request_ref
from ledger.domain.subject import Subject
from ledger.persons.service import Persons
from ledger.projections.queries import Queries
from ledger.projections.rights_tables import rights_requests as rr
from ledger.rights import rectify
from ledger.rights.commands import DecideRequest, ExtendRequest, OpenRequest, RectifyField
from policies.rights import RightsFile

Row = dict[str, Any]
OVERDUE = "te laat"
REPORTED = (
    "request", "kind", "article", "received_on", "deadline", "extended", "status", "outcome",
    "decided_on",
)  # fmt: skip
"""What the subject report shows of each request."""


class Rights:
    def __init__(
        self, app: Regie, queries: Queries, persons: Persons, gate: Gate, log: AccessLog
    ) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.gate = gate
        self.log = log

    @property
    def policy(self) -> RightsFile:
        return self.app.policies.rights

    # -- the register ---------------------------------------------------------------------

    @gated("request.open")
    def open(self, cmd: OpenRequest, by: Acting) -> Row:
        """Record a request received on a day, its deadline, and the hold it places."""
        self.app.check_key("request kind", cmd.kind, (k.key for k in self.policy.kind))
        kind = next(k for k in self.policy.kind if k.key == cmd.kind)
        subject = self.persons.subject(cmd.subject)
        subject.require_not_erased()
        category = self.policy.settings.category
        self.persons.may_handle(subject, by, "request.open", (category,))
        received = self.app.day(cmd.received_on)
        deadline = self.policy.deadline.after(date.fromisoformat(received)).isoformat()
        request_id = RightsRequest.new_id()
        hold = LegalHold(
            hold_id=LegalHold.new_id(),
            target_kind="subject",
            target=str(subject.id),
            reason=f"rechtenverzoek {request_ref(request_id)} ({kind.key}, {kind.article})",
            placed_on=received,
            by=by.record(),
            request=request_id,
        )
        request = RightsRequest(
            request_id=request_id,
            subject=str(subject.id),
            kind=kind.key,
            article=kind.article,
            received_on=received,
            deadline=deadline,
            note=self._seal(subject, request_id, "note", cmd.note) if cmd.note else None,
            hold=str(hold.id),
            by=by.record(),
        )
        log = self._entries(by, "request.open", "create", subject)
        self.app.commit(request, hold, *log)
        return {"request": request.ref, "subject": subject.short, "deadline": deadline}

    def _entries(self, by: Acting, command: str, action: str, subject: Subject) -> list[Any]:
        """The access-log entry of a change of a request: its sealed texts are the
        subject's personal data (category of the policy)."""
        seen = [Seen(str(subject.id), (self.policy.settings.category,))]
        return list(self.log.entries(by, command, action, seen, ""))

    @gated("request.extend")
    def extend(self, cmd: ExtendRequest, by: Acting) -> Row:
        """Extend the deadline once, by the policy's extension (AVG art. 12(3))."""
        request = self.request(cmd.request)
        subject = self.persons.subject(request.subject)
        self.persons.may_handle(subject, by, "request.extend", (self.policy.settings.category,))
        day = self.app.day(cmd.extended_on)
        deadline = self.policy.extension.after(date.fromisoformat(request.deadline)).isoformat()
        reason = self._seal(subject, str(request.id), "extension", cmd.reason)
        request.extend(reason, day, deadline, by)
        self.app.commit(request, *self._entries(by, "request.extend", "update", subject))
        return {"request": request.ref, "deadline": deadline}

    @gated("request.decide")
    def decide(self, cmd: DecideRequest, by: Acting) -> Row:
        """Record the decision on its date and lift the request's legal hold with it."""
        request = self.request(cmd.request)
        subject = self.persons.subject(request.subject)
        self.persons.may_handle(subject, by, "request.decide", (self.policy.settings.category,))
        day = self.app.day(cmd.decided_on)
        reason = self._seal(subject, str(request.id), "decision", cmd.reason)
        request.decide(cmd.outcome, reason, day, by)
        hold: object = self.app.repository.get(UUID(request.hold))
        changed: list[Any] = [request]
        if isinstance(hold, LegalHold) and hold.active:
            hold.lift(f"rechtenverzoek {request.ref} besloten", day, by, for_request=True)
            changed.append(hold)
        self.app.commit(*changed, *self._entries(by, "request.decide", "update", subject))
        late = day > request.deadline
        return {"request": request.ref, "outcome": cmd.outcome, "late": late}

    @gated("request.list")
    def listing(
        self, by: Acting, pending_only: bool = False, overdue_only: bool = False
    ) -> list[Row]:
        """The register: pseudonyms, kinds and dates, no personal data; logged as a search."""
        self.log.record(by, "request.list", "search", [], DEFAULT_PURPOSE)
        today = self.app.clock().isoformat()
        rows = [
            _row(r, today)
            for r in self.queries.rows(select(rr).order_by(rr.c.received_on, rr.c.ref))
        ]
        if pending_only:
            rows = [r for r in rows if r["status"] != DECIDED]
        if overdue_only:
            rows = [r for r in rows if r["status"] == OVERDUE]
        return rows

    @gated("request.show")
    def show(self, ref: str, by: Acting) -> Row:
        """One request with its note and reasons opened, after logging the access."""
        request = self.request(ref)
        subject = self.persons.subject(request.subject)
        category = self.policy.settings.category
        cases = self.persons.may_handle(subject, by, "request.show", (category,))
        self.log.record(
            by, "request.show", "read", [Seen(request.subject, (category,))], DEFAULT_PURPOSE,
            case=cases[0].ref if len(cases) == 1 else None,
        )  # fmt: skip
        row = _row(self._row_of(str(request.id)), self.app.clock().isoformat())
        texts = {
            name: self.persons.open_field(subject, f"request:{request.id}:{name}", sealed)
            for name, sealed in request.texts.items()
        }
        return {**row, "texts": texts}

    # -- for the privacy officer -----------------------------------------------------------

    def of_subject(self, subject_id: str) -> list[Row]:
        """The requests of one subject, for the subject report (its caller passed the gate)."""
        today = self.app.clock().isoformat()
        query = select(rr).where(rr.c.subject_id == subject_id).order_by(rr.c.received_on)
        return [{k: _row(r, today)[k] for k in REPORTED} for r in self.queries.rows(query)]

    # -- rectification --------------------------------------------------------------------

    @gated("subject.rectify")
    def rectify(self, cmd: RectifyField, by: Acting) -> Row:
        """Replace a sealed field; the old value's key is destroyed (decision 0031)."""
        subject = self.persons.subject(cmd.subject)
        linked = None
        if cmd.request is not None:
            linked = self.request(cmd.request)
            rectify.check_request(linked, subject, self.policy.settings.rectification_kind)
        rows = self.queries.rows(select(rr.c.request_id).where(rr.c.subject_id == str(subject.id)))
        requests = [
            linked if linked is not None and str(linked.id) == r["request_id"]
            else self.request(r["request_id"])
            for r in rows
        ]  # fmt: skip
        return rectify.rectify(self.app, self.persons, self.log, subject, cmd, linked, by, requests)

    # -- lookup ---------------------------------------------------------------------------

    def request(self, ref: str) -> RightsRequest:
        text = ref.strip()
        if text[:2].upper() == "V-":
            text = text[2:]
        prefix = c.id_prefix(text, "the request")
        matches = self.queries.ids_starting(rr.c.request_id, prefix)
        request_id = c.one_match(matches, prefix, "rights request", "regie request list")
        return self.app.get_as(
            request_id, RightsRequest, f"no rights request starts with '{prefix}'"
        )

    def _row_of(self, request_id: str) -> Row:
        return self.queries.rows(select(rr).where(rr.c.request_id == request_id))[0]

    def _seal(self, subject: Subject, request_id: str, field: str, text: str) -> Sealed:
        return self.persons.sealer.seal(
            str(subject.id), f"request:{request_id}:{field}", self.policy.settings.category, text
        )


def status(row: Row, today: str) -> str:
    """Pending, decided, or overdue: computed at query time from the stored deadline."""
    if row["outcome"] is not None:
        return DECIDED
    return OVERDUE if row["deadline"] < today else PENDING


def _row(r: Row, today: str) -> Row:
    return {
        "request": r["ref"],
        "subject": r["short"],
        "kind": r["kind"],
        "article": r["article"],
        "received_on": r["received_on"],
        "deadline": r["deadline"],
        "extended": bool(r["extended"]),
        "status": status(r, today),
        "outcome": r["outcome"],
        "decided_on": r["decided_on"],
        "decided_by": r["decided_by"],
        "opened_by": r["actor"],
    }


def overdue(queries: Queries, today: date) -> list[Row]:
    """Requests past their deadline: still pending, or answered after it (findings)."""
    day = today.isoformat()
    out = []
    for r in queries.rows(select(rr).order_by(rr.c.deadline)):
        if r["outcome"] is None and r["deadline"] < day:
            late = f"termijn {r['deadline']} verstreken, nog niet beantwoord"
        elif r["decided_on"] is not None and r["decided_on"] > r["deadline"]:
            late = f"beantwoord op {r['decided_on']}, na de termijn {r['deadline']}"
        else:
            continue
        out.append(
            {
                "on": r["deadline"],
                "actor": r["decided_by"] or r["actor"],
                "detail": f"{r['kind']}-verzoek {r['ref']} van {r['short']} "
                f"(ontvangen {r['received_on']}): {late}",
            }
        )
    return out
