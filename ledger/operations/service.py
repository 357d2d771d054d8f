"""Commands over the ledger as a whole, each behind the gate like any other.

Verification and proofs read only hashes and signatures (no personal data); a rebuild
replays every event into new read models; rotation re-wraps every data key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.access.gate import Gate, gated
from ledger.audit import verify as v
from ledger.audit.checkpoint import Checkpoint
from ledger.audit.service import LogAudit
from ledger.domain.acting import Acting
from ledger.projections.runner import Progress, Projections


class Operations:
    def __init__(
        self,
        gate: Gate,
        log: LogAudit,
        projections: Projections,
        rotate: Callable[[], dict[str, object]],
    ) -> None:
        self.gate = gate
        self.log = log
        self.projections = projections
        self._rotate = rotate

    @gated("audit.verify")
    def verify(self, by: Acting, progress: v.Progress | None = None) -> v.VerifyReport:
        return self.log.verify(progress)

    @gated("audit.checkpoint")
    def checkpoint(self, by: Acting) -> dict[str, Any]:
        return self.log.checkpoint()

    @gated("audit.checkpoint")
    def checkpoints(self, by: Acting) -> list[Checkpoint]:
        return self.log.checkpoints()

    @gated("audit.prove")
    def prove(self, position: int, by: Acting, with_event: bool = False) -> dict[str, Any]:
        return self.log.prove(position, with_event)

    @gated("audit.consistency")
    def consistency(self, old_size: int, new_size: int, by: Acting) -> dict[str, Any]:
        return self.log.consistency(old_size, new_size)

    @gated("projections.rebuild")
    def rebuild(self, by: Acting, progress: Progress | None = None) -> int:
        return self.projections.rebuild(progress)

    @gated("keys.rotate")
    def rotate_master_key(self, by: Acting) -> dict[str, object]:
        return self._rotate()
