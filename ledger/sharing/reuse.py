"""Provisions used again in the plan (decision 0032): an action that builds on a provision
names it; the sharing rules that judge onward provisions judge this use too (DOEL-02,
DOEL-03), and a use for another purpose on an assessment waits for the privacy officer."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.persons.service import Persons
from ledger.projections.queries import Queries
from ledger.projections.reuse_table import reuses
from policies.provenance import SourceFacts
from policies.reuse import judge_reuse
from policies.sharing import ShareRequest


class ReuseProvision(c.Command):
    """Action ``action`` of ``case`` builds on provision ``share``."""

    case: c.CaseRef
    action: int = Field(ge=1)
    share: c.IdPrefix
    compatibility: c.Text | None = None
    on: date | None = None


class ReviewReuse(c.Command):
    case: c.CaseRef
    number: int = Field(ge=1)
    comment: c.Text


class Hergebruik:
    """Part of :class:`ledger.sharing.service.Sharing`: reuse of provisions in the plan."""

    app: Regie
    queries: Queries
    persons: Persons
    gate: Gate

    def _source(self, ref: str, case_ref: str) -> tuple[str, SourceFacts]:
        raise NotImplementedError

    @gated("action.reuse")
    def reuse_provision(self, cmd: ReuseProvision, by: Acting) -> int:
        """Record that a plan action uses a provision; refused (nothing written) when the
        provision did not reach the actor's organisation, or was received for another
        purpose or case and no compatibility assessment (AVG art. 6(4)) is given."""
        case = self.app.case(cmd.case)
        share_id, source = self._source(cmd.share, case.ref)
        sharing = self.app.policies.sharing
        day = self.app.day(cmd.on)
        use = ShareRequest(
            from_org=by.organisation,
            to_orgs=(by.organisation,),
            subjects=(),
            categories=source.categories,
            purpose=sharing.plan_purpose,
            on=day,
            source=source,
            compatibility=cmd.compatibility is not None,
        )
        verdict = judge_reuse(sharing, use, sharing.origin)
        if not verdict.allowed:
            ids = ", ".join(r.rule for r in verdict.refusals)
            raise rules.REUSE_PURPOSE.refuse(
                f"share {share_id[:8]} cannot be used for action {cmd.action} ({ids}): "
                + " ".join(r.text for r in verdict.refusals)
            )
        assessment = (
            self.app.sealed_record(case.id, "compatibility", cmd.compatibility)
            if cmd.compatibility
            else None
        )
        number = case.reuse_provision(
            share_id, cmd.action, sharing.plan_purpose, assessment, day, by
        )
        self.app.commit(case)
        return number

    @gated("share.review-reuse")
    def review_reuse(self, cmd: ReviewReuse, by: Acting) -> None:
        """The privacy officer's review of a use on a compatibility assessment."""
        case = self.app.case(cmd.case)
        comment = self.app.sealed_record(case.id, "review-comment", cmd.comment)
        case.review_reuse(cmd.number, comment, by)
        self.app.commit(case)

    @gated("share.reuses", case="case_ref")
    def reuses(self, by: Acting, case_ref: str | None = None) -> list[dict[str, Any]]:
        """Every recorded use of a provision in a plan, of one case or all."""
        query = select(reuses).order_by(reuses.c.case_ref, reuses.c.number)
        if case_ref:
            query = query.where(reuses.c.case_ref == case_ref.upper())
        return [reuse_row(r) for r in self.queries.rows(query)]

    def reuses_to_review(self) -> list[dict[str, Any]]:
        """Uses on an assessment not yet reviewed: findings for the privacy officer."""
        query = select(reuses).where(reuses.c.assessed, reuses.c.reviewed_at.is_(None))
        return [reuse_row(r) for r in self.queries.rows(query)]


def reuse_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": r["case_ref"],
        "number": r["number"],
        "action": r["action"],
        "share": r["share_id"][:8],
        "share_id": r["share_id"],
        "purpose": r["purpose"],
        "used_on": r["used_on"],
        "compatibility": r["compatibility"],
        "reviewed": r["reviewed_at"] is not None,
        "review_comment": r["review_comment"],
        "recorded_by": r["actor"],
        "organisation": r["org"],
    }
