"""The privacy officer's verdict on an ad-hoc provision, and the finding an unlawful one opens.

A provision outside the convenant rests on a basis of its own (000 L957-961) and waits for
the privacy officer. Reviewed ``onrechtmatig``, it opens a finding with its follow-up: ask
the recipients to delete what they received, and decide on a data-breach notification to
the Autoriteit Persoonsgegevens (AVG art. 33; art. 33(5): every breach is documented). The
finding stays open until the officer closes it with a reason and what was done.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from ledger import commands as c
from ledger.access.gate import gated
from ledger.domain.acting import Acting
from ledger.domain.case import case_id
from ledger.domain.share import NO_VERDICT, PROVIDED, UNLAWFUL
from ledger.errors import BadInput

if TYPE_CHECKING:
    from ledger.application import Regie
    from ledger.domain.share import Share


class ReviewShare(c.Command):
    share: c.IdPrefix
    verdict: Literal["rechtmatig", "onrechtmatig"]
    reason: c.Text


class CloseFinding(c.Command):
    share: c.IdPrefix
    reason: c.Text
    recipient_asked_on: date | None = None
    """The day the recipients were asked to delete what they received."""
    breach_notified_on: date | None = None
    """The day the breach was notified to the Autoriteit Persoonsgegevens (AVG art. 33)."""
    no_breach_notification: bool = False
    """The officer decided no notification was due (the reason says why)."""
    on: date | None = None


FOLLOW_UP = (
    "ask {to} to delete what they received; consider a data-breach notification (AVG art. 33)"
)
"""What an open finding of an unlawful provision asks of the privacy officer."""


class Verdicts:
    """The review half of the sharing service (mixed into ``Sharing``)."""

    app: Regie

    def _share(self, ref: str) -> Share:
        raise NotImplementedError

    @gated("share.review")
    def review(self, cmd: ReviewShare, by: Acting) -> str:
        """The privacy officer's verdict on an ad-hoc provision, with the reason (sealed)."""
        share = self._share(cmd.share)
        sealed = self.app.sealed_record(case_id(share.case), "review-comment", cmd.reason)
        share.review(sealed, cmd.verdict, by)
        self.app.commit(share)
        return str(share.id)

    @gated("share.close-finding")
    def close_finding(self, cmd: CloseFinding, by: Acting) -> str:
        """Close the finding an unlawful verdict opened: what was done, and why that is all."""
        if (cmd.breach_notified_on is None) == (not cmd.no_breach_notification):
            raise BadInput(
                "record the decision on a data-breach notification (AVG art. 33): "
                "--breach-notified-on DATE or --no-breach-notification, one of the two"
            )
        share = self._share(cmd.share)
        closed_on = self.app.day(cmd.on)
        dates = {}
        for name, value in (
            ("recipient-asked-on", cmd.recipient_asked_on),
            ("breach-notified-on", cmd.breach_notified_on),
        ):
            if value is not None:
                day = self.app.day(value)
                if not share.decided_on <= day <= closed_on:
                    raise BadInput(
                        f"--{name} must lie between the provision ({share.decided_on}) and the "
                        f"closing of the finding ({closed_on})"
                    )
                dates[name] = day
        share.close_finding(
            self.app.sealed_record(case_id(share.case), "finding-reason", cmd.reason),
            closed_on,
            dates.get("recipient-asked-on"),
            dates.get("breach-notified-on"),
            by,
        )
        self.app.commit(share)
        return str(share.id)


def review_text(r: dict[str, Any]) -> str | None:
    """The privacy officer's verdict in words: awaited, given, with an open finding."""
    if not r["ad_hoc"] or r["outcome"] != PROVIDED:
        return None
    if r["reviewed_at"] is None:
        return "te beoordelen"
    if r["verdict"] == NO_VERDICT:
        return "opmerking, geen oordeel"
    open_finding = r["verdict"] == UNLAWFUL and r["finding_closed_on"] is None
    return str(r["verdict"]) + (" (bevinding open)" if open_finding else "")
