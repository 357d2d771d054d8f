"""Commands over the ledger as a whole, each behind the gate like any other.

Verification and proofs read only hashes and signatures (no personal data); a rebuild
replays every event into new read models; rotation re-wraps every data key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ledger.access.gate import Gate, gated
from ledger.audit import verify as v
from ledger.audit.checkpoint import Checkpoint
from ledger.audit.service import LogAudit
from ledger.crypto.keyfiles import load_public_key, public_key_from
from ledger.domain.acting import Acting
from ledger.operations.integrity import Integrity
from ledger.projections.runner import Progress, Projections


class Operations:
    def __init__(
        self,
        gate: Gate,
        log: LogAudit,
        projections: Projections,
        rotate: Callable[[], dict[str, object]],
        integrity: Integrity,
    ) -> None:
        self.gate = gate
        self.log = log
        self.projections = projections
        self._rotate = rotate
        self.integrity = integrity

    @gated("audit.verify")
    def verify(
        self,
        by: Acting,
        progress: v.Progress | None = None,
        against: Sequence[Path] = (),
        witnesses: bool = False,
        first_key: Path | None = None,
        checkpoints: dict[str, str] | None = None,
        first_key_file: dict[str, str] | None = None,
        full: bool = False,
    ) -> v.VerifyReport:
        """The whole log recomputed, then held against the high-water mark, the given
        exported checkpoints (files or directories) and, with ``witnesses``, every
        registered witness; the first problem fails the verification, naming what.
        Every checkpoint signature with ``full``, else the newest, the first, those at
        key rotations and the mark's, and a random sample (docs/operations.md).
        Through the server, ``checkpoints`` and ``first_key_file`` carry the client's
        files: their text by the name the client gave."""
        first = load_public_key(first_key) if first_key is not None else None
        for name, text in (first_key_file or {}).items():
            first = public_key_from(text.encode("utf-8"), name)
        report = self.log.verify(progress, first, full=full, also=self.integrity.kept_size())
        problems = [p for p in [self.integrity.rollback_problem()] if p]
        problems += self.integrity.problems_against(list(against), witnesses, checkpoints)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise v.VerificationFailed(None, problems[0] + more)
        return report

    @gated("audit.check-document")
    def check_document(self, text: str, by: Acting) -> list[str]:
        return self.integrity.check_document(text)

    @gated("audit.witness.add")
    def add_witness(self, name: str, directory: Path, by: Acting) -> dict[str, str]:
        return self.integrity.add_witness(name, directory, by)

    @gated("audit.witness.list")
    def witnesses(self, by: Acting) -> list[dict[str, str]]:
        return self.integrity.witnesses()

    @gated("audit.accept-rollback")
    def accept_rollback(self, reason: str, by: Acting) -> dict[str, Any]:
        return self.integrity.accept_rollback(reason, by)

    @gated("keys.rotate-signing")
    def rotate_signing_key(self, by: Acting) -> dict[str, str]:
        return self.integrity.rotate_signing(by)

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
