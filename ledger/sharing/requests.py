"""Requests for a provision (verzoeken): the regisseur asks, an actor of the provider answers.

Cooperation creates no new legal basis: the police or the OM decide themselves whether they
provide (000 L2044-2046). A request is not a provision; it becomes one when an actor of the
providing organisation confirms it (judged by the sharing rules on that day), or is refused
with a reason. A request for criminal information from the OM records the OM's conditions
(000 L2056-2064).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import gated
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case import case_id
from ledger.domain.share import Share
from ledger.domain.share_request import Verzoek
from ledger.errors import BadInput
from ledger.projections import tables as t
from ledger.sharing.refused import ShareRefused

if TYPE_CHECKING:
    from ledger.access.gate import Gate
    from ledger.application import Regie
    from ledger.persons.service import Persons
    from ledger.projections.queries import Queries
    from policies.sharing import Verdict


class AnswerRequest(c.Command):
    request: c.IdPrefix
    reason: c.Text | None = None
    on: date | None = None
    instrument: c.Name | None = None  # on a confirmation: the provider's instrument it cites


class Verzoeken:
    """The request half of the sharing service (mixed into ``Sharing``)."""

    app: Regie
    queries: Queries
    persons: Persons
    gate: Gate

    def _check_keys(self, cmd: c.RecordShare) -> None:
        raise NotImplementedError

    def cited(self, cmd: c.RecordShare) -> tuple[Any, int | None]:
        raise NotImplementedError

    def judged(
        self,
        cmd: c.RecordShare,
        by: Acting,
        sealed_necessity: str | None = None,
        requested: dict[str, Any] | None = None,
        sealed_compatibility: str | None = None,
    ) -> tuple[Share, Verdict]:
        raise NotImplementedError

    @gated("share.request")
    def request_share(self, cmd: c.RecordShare, by: Acting) -> str:
        """Record a request to another organisation for a provision; nothing is provided."""
        self._check_keys(cmd)
        if by.organisation == cmd.from_org:
            raise BadInput(f"'{cmd.from_org}' is your own organisation: record the provision")
        known = self.app.policies.sharing.om_conditions
        for condition in cmd.om_conditions:
            self.app.check_key("OM condition", condition, known)
        case = self.app.case(cmd.case)
        subjects = sorted({self.persons.resolve(s) for s in cmd.subjects})
        if any(s not in case.members.keys() | case.former_members for s in subjects):
            raise BadInput("a share can only be about (former) members of the case")
        self.cited(cmd)  # bad input first; then the article is in the matrix (share.article)
        command = cmd.model_dump(mode="json", exclude={"om_conditions"})
        command.update(
            subjects=subjects,
            decided_on=self.app.day(cmd.decided_on),
            necessity=self.app.sealed_record(case.id, "necessity", cmd.necessity),
            compatibility=(
                self.app.sealed_record(case.id, "compatibility", cmd.compatibility)
                if cmd.compatibility
                else None
            ),
        )
        request_id = Verzoek.new_id()
        verzoek = Verzoek(
            request_id=request_id,
            case=case.ref,
            step=case.step,
            command=command,
            om_conditions=sorted(set(cmd.om_conditions)),
            by=by.record(),
        )
        self.app.commit(verzoek)
        return request_id

    def _verzoek(self, ref: str) -> Verzoek:
        prefix = c.id_prefix(ref, "request")
        matches = self.queries.ids_starting(t.share_requests.c.request_id, prefix)
        request_id = c.one_match(matches, prefix, "request", "regie share requests")
        return self.app.get_as(
            request_id, Verzoek, f"no request starts with '{prefix}'; see `regie share requests`"
        )

    @gated("share.confirm")
    def confirm_request(self, cmd: AnswerRequest, by: Acting) -> str:
        """An actor of the provider provides what was asked; returns the share's id."""
        verzoek = self._verzoek(cmd.request)
        self.gate.authorise(by, "share.confirm", verzoek.case)  # a participant of its case
        verzoek.check_answerable(by)
        command = dict(verzoek.command)
        sharing = self.app.policies.sharing
        om_conditions = set(sharing.om_conditions)
        if (
            verzoek.provider == sharing.om_organisation
            and sharing.criminal_category in command["categories"]
            and not om_conditions <= set(verzoek.om_conditions)
        ):
            missing = ", ".join(sorted(om_conditions - set(verzoek.om_conditions)))
            raise rules.SHARE_OM_CONDITIONS.refuse(
                f"the request does not record the OM's conditions ({missing});"
                " the regisseur records a new request with --om-condition"
            )
        sealed = command.pop("necessity")
        assessment = command.pop("compatibility", None)
        command.update(necessity="-", decided_on=cmd.on, compatibility="-" if assessment else None)
        if cmd.instrument is not None:  # the provider names its own instrument
            if command.get("convenant") is None:
                raise BadInput("an ad-hoc request rests on its own legal basis: no --instrument")
            command["instrument"] = cmd.instrument
        record = c.RecordShare.model_construct(**command)
        share, verdict = self.judged(
            record,
            by,
            sealed_necessity=sealed,
            sealed_compatibility=assessment,
            requested={"request": str(verzoek.id), "by": verzoek.requested_by["actor"]},
        )
        if not verdict.allowed:
            self.app.commit(share)
            raise ShareRefused(str(share.id), verdict)
        verzoek.confirm(str(share.id), by)
        self.app.commit(share, verzoek)
        return str(share.id)

    @gated("share.refuse")
    def refuse_request(self, cmd: AnswerRequest, by: Acting) -> str:
        """An actor of the provider declines the request, with a reason; never a provision."""
        if cmd.reason is None:
            raise BadInput("a refusal names its reason (--reason)")
        verzoek = self._verzoek(cmd.request)
        self.gate.authorise(by, "share.refuse", verzoek.case)  # a participant of its case
        verzoek.decline(
            self.app.sealed_record(case_id(verzoek.case), "refusal-reason", cmd.reason), by
        )
        self.app.commit(verzoek)
        return str(verzoek.id)

    @gated("share.requests", case="case_ref")
    def requests(
        self, by: Acting, case_ref: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        return self.request_rows(status, case_ref)

    def request_rows(
        self, status: str | None = None, case_ref: str | None = None
    ) -> list[dict[str, Any]]:
        """Every request (or those of one case / status: open, bevestigd, afgewezen)."""
        r = t.share_requests
        query = select(r).order_by(r.c.requested_on, r.c.recorded_at)
        if case_ref:
            query = query.where(r.c.case_ref == case_ref.upper())
        if status:
            query = query.where(r.c.status == status)
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [dict(x) for x in conn.execute(query).mappings()]
        return [
            {
                "request": x["request_id"][:8],
                "request_id": x["request_id"],
                "case": x["case_ref"],
                "requested_on": x["requested_on"],
                "from": x["from_org"],
                "to": json.loads(x["to_orgs"]),
                "subjects": x["subject_count"],
                "categories": json.loads(x["categories"]),
                "om_conditions": json.loads(x["om_conditions"]),
                "requested_by": x["actor"],
                "status": x["status"],
                "answered_by": x["answered_by"] and f"{x['answered_by']} ({x['answered_org']})",
                "share": x["share_id"] and x["share_id"][:8],
                "reason": x["reason"],
            }
            for x in rows
        ]
