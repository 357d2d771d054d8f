"""A sharing decision recorded as refused: what the CLI shows, with every refusing rule."""

from __future__ import annotations

from ledger.errors import Refused
from policies.sharing import Verdict


class ShareRefused(Refused):
    """Recorded, and refused: the message lists every rule that refused it."""

    def __init__(self, share_id: str, verdict: Verdict) -> None:
        ids = ", ".join(r.rule for r in verdict.refusals)
        reasons = " ".join(r.text for r in verdict.refusals)
        Refused.__init__(self, ids, f"share recorded as refused ({share_id[:8]}): {reasons}")
        self.share_id = share_id
        self.verdict = verdict
