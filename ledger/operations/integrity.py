"""The log held against what is kept outside it, and kept up to date there.

After every commit the newest checkpoint goes to the high-water mark and to every
registered witness (never blocking the ledger: a failed delivery is a finding). Before the
first command of a process the ledger is held against its mark; a ledger that fell behind
it, or no longer extends it, refuses everything but ``audit verify`` and the one recovery
(``audit accept-rollback``). Signing keys rotate through the log itself.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic
from sqlalchemy import select

from ledger.application import Regie
from ledger.audit.against import ledger_head, problem_with
from ledger.audit.checkpoint import Checkpoint, public_key_id
from ledger.audit.document import PrintedCheckpoint, found_in, line, printed
from ledger.audit.exported import checkpoint_texts
from ledger.audit.highwater import (
    HighWaterMark,
    checkpoint_from,
    read_checkpoint_file,
    write_atomically,
)
from ledger.audit.log import TamperEvidentLog, checkpoint_row, row_to_checkpoint
from ledger.audit.service import LogAudit
from ledger.crypto.keyfiles import KeyFiles, SigningKeyFiles, public_key_hex
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.log import SIGNING_KEYS_ID, SigningKeys, Witness
from ledger.errors import BadInput, RegieError
from ledger.store import Store
from ledger.store.schema import events

EXEMPT = frozenset({"audit.verify", "audit.check-document", "audit.accept-rollback"})
"""What a ledger behind its high-water mark still runs: the checks and the recovery."""
STATUS_FILE = "witness-status.json"
REGISTRY_FILE = "witnesses.json"
"""The witnesses, also kept beside the signing key: whoever cuts the log's tail must not
cut the list of those who would notice."""


class RolledBack(RegieError):
    """The ledger fell behind, or diverged from, a checkpoint kept outside it."""

    exit_code = 1


class Integrity:
    def __init__(
        self,
        app: Regie,
        store: Store,
        keys: KeyFiles,
        log: TamperEvidentLog,
        audit: LogAudit,
        origin: Callable[[], str],
    ) -> None:
        self.app = app
        self.store = store
        self.log = log
        self.audit = audit
        self.origin = origin
        self.mark = HighWaterMark(keys.directory)
        self.signing = SigningKeyFiles(keys)
        self.status_path = keys.directory / STATUS_FILE
        self.registry_path = keys.directory / REGISTRY_FILE
        self._checked = False
        self._witnesses: list[dict[str, str]] | None = None

    # -- after every commit -----------------------------------------------------------

    def after_commit(self) -> None:
        head = self.log.take()
        if head is None:
            return
        try:
            self.mark.raise_to(head)
        except OSError as exc:
            self._note("hoogwatermerk", str(self.mark.path), head, exc.strerror or "error")
        for witness in self.witnesses():
            self.deliver(witness, head)

    def deliver(self, witness: dict[str, str], head: Checkpoint) -> None:
        """Write ``head`` to the witness's place, if newer than what it holds."""
        target = Path(witness["location"]) / f"{head.origin.replace('/', '-')}.json"
        try:
            if target.exists():
                held = read_checkpoint_file(target)
                if held.origin == head.origin and held.tree_size >= head.tree_size:
                    return
            write_atomically(target, json.dumps(head.to_json(), indent=2) + "\n")
        except (OSError, RegieError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            self._note(witness["name"], witness["location"], head, reason or "error")
        else:
            self._note(witness["name"], witness["location"], head, None)

    def _note(self, name: str, where: str, head: Checkpoint, error: str | None) -> None:
        """Delivery status per witness, for `audit findings` (never raises)."""
        try:
            status = json.loads(self.status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            status = {}
        entry = status.get(name, {})
        if error is None:
            entry = {"where": where, "delivered": head.tree_size}
        else:
            entry.update(where=where, error=error, pending=head.tree_size)
            entry.setdefault("since", datetime.now(UTC).isoformat())
        status[name] = entry
        # If even the status cannot be kept, there is nothing more to do without blocking.
        with contextlib.suppress(OSError):
            write_atomically(self.status_path, json.dumps(status, indent=2) + "\n")

    def delivery_problems(self) -> list[dict[str, Any]]:
        try:
            status = json.loads(self.status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [{"witness": k, **v} for k, v in sorted(status.items()) if "error" in v]

    # -- the guard ----------------------------------------------------------------------

    def guard(self, command: str) -> None:
        """Refuse to act on a ledger that is behind or beside its high-water mark."""
        if self._checked or command in EXEMPT:
            return
        self.finish_rotation()
        problem = self.rollback_problem()
        if problem is not None:
            raise RolledBack(
                f"{problem}; nothing runs but `regie audit verify` until an administrator "
                "accepts it with `regie audit accept-rollback --reason ...` (docs/operations.md)"
            )
        self._checked = True

    def kept_size(self) -> set[int]:
        """The size of the high-water mark, whose checkpoint verify checks the signature
        of in any case (an unreadable mark is rollback_problem's to report)."""
        try:
            mark = self.mark.read()
        except BadInput:
            return set()
        return set() if mark is None else {mark.tree_size}

    def rollback_problem(self) -> str | None:
        mark = self.mark.read()
        if mark is None:
            return None
        if mark.origin != self.origin():
            return f"the high-water mark {self.mark.path} belongs to another ledger"
        chain = self.audit.chain()
        with self.store.read() as conn:
            return problem_with(conn, mark, chain, f"high-water mark {self.mark.path}")

    # -- verification against outside checkpoints ---------------------------------------

    def problems_against(
        self, paths: list[Path], witnesses: bool, texts: dict[str, str] | None = None
    ) -> list[str]:
        """``texts``: checkpoint files read by a client, by the name it knows them by."""
        given = {**checkpoint_texts(paths), **(texts or {})}
        heads = [(what, checkpoint_from(text, what)) for what, text in given.items()]
        if witnesses:
            for witness in self.witnesses():
                place = Path(witness["location"])
                for f in sorted(place.glob("*.json")) if place.is_dir() else []:
                    head = read_checkpoint_file(f)
                    if head.origin == self.origin():
                        heads.append((f"witness {witness['name']} ({f})", head))
        chain = self.audit.chain()
        out = []
        with self.store.read() as conn:
            for what, head in heads:
                if head.origin != self.origin():
                    out.append(f"{what}: a checkpoint of another ledger ({head.origin})")
                    continue
                problem = problem_with(conn, head, chain, what)
                if problem is not None:
                    out.append(problem)
        return out

    def check_document(self, text: str) -> list[str]:
        """For each printed checkpoint: does the ledger still extend it? One line each."""
        out = []
        with self.store.read() as conn:
            size, _ = ledger_head(conn)
            for seen in found_in(text):
                out.append(self._judge(conn, seen, size))
        return out

    def _judge(self, conn: Any, seen: PrintedCheckpoint, size: int) -> str:
        if seen.tree_size > size:
            return f"{seen}: NOT consistent: the ledger holds only {size} events (rolled back)"
        row = checkpoint_row(conn, seen.tree_size)
        if row is None:
            return f"{seen}: NOT consistent: the ledger has no checkpoint of that size"
        stored = printed(row_to_checkpoint(self.origin(), row))
        if (stored.root_prefix, stored.signature_prefix) != (
            seen.root_prefix,
            seen.signature_prefix,
        ):
            return f"{seen}: NOT consistent: the ledger's checkpoint {seen.tree_size} differs"
        return f"{seen}: consistent: the ledger (size {size}) extends this checkpoint"

    def document_line(self) -> str:
        """The newest checkpoint as printed on a document; empty on an empty ledger."""
        with self.store.read() as conn:
            row = checkpoint_row(conn)
        return "" if row is None else line(row_to_checkpoint(self.origin(), row))

    # -- witnesses ------------------------------------------------------------------------

    def witnesses(self) -> list[dict[str, str]]:
        """The registered witnesses: those the log records and those kept beside the key.

        Read once per process (every commit delivers to them): a witness added here is
        added to the list at once; one added by another process counts from its next start.
        """
        if self._witnesses is None:
            kept = self._kept_witnesses()
            names = {w["name"] for w in kept}
            recorded = [w for w in self._recorded_witnesses() if w["name"] not in names]
            self._witnesses = kept + recorded
        return list(self._witnesses)

    def _kept_witnesses(self) -> list[dict[str, str]]:
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [{k: str(w[k]) for k in ("name", "kind", "location")} for w in data]

    def _recorded_witnesses(self) -> list[dict[str, str]]:
        with self.store.read() as conn:
            rows = conn.execute(
                select(events.c.state)
                .where(events.c.topic == get_topic(Witness.Registered))
                .order_by(events.c.notification_id)
            ).all()
        out = []
        for (state,) in rows:
            data = json.loads(bytes(state))
            out.append({k: str(data[k]) for k in ("name", "kind", "location")})
        return out

    def add_witness(self, name: str, directory: Path, by: Acting) -> dict[str, str]:
        if any(w["name"] == name for w in self.witnesses()):
            raise rules.WITNESS_UNIQUE.refuse(f"a witness '{name}' is already registered")
        location = str(directory.expanduser().resolve())
        self.app.commit(Witness(name=name, kind="dir", location=location, by=by.record()))
        witness = {"name": name, "kind": "dir", "location": location}
        kept = [w for w in self._kept_witnesses() if w["name"] != name]
        write_atomically(self.registry_path, json.dumps([*kept, witness], indent=2) + "\n")
        self._witnesses = None
        with self.store.read() as conn:
            row = checkpoint_row(conn)
        if row is not None:  # the newest checkpoint at once, then every new one
            self.deliver(witness, row_to_checkpoint(self.origin(), row))
        return witness

    # -- recovery and rotation ------------------------------------------------------------

    def accept_rollback(self, reason: str, by: Acting) -> dict[str, Any]:
        mark = self.mark.read()
        problem = self.rollback_problem()
        if mark is None or problem is None:
            raise rules.NO_ROLLBACK.refuse()
        self.audit.verify()  # the ledger as it is must hold up in itself
        with self.store.read() as conn:
            size, _ = ledger_head(conn)
        keys = self._signing_keys(by)
        keys.accept_rollback(mark.tree_size, mark.root_hash.hex(), size, reason, by)
        self.app.commit(keys)
        head = self.log.take() or self._newest()
        self.mark.replace(head)
        self._checked = True
        return {"witnessed": mark.tree_size, "ledger": size, "now": head.tree_size}

    def _newest(self) -> Checkpoint:
        with self.store.read() as conn:
            return row_to_checkpoint(self.origin(), checkpoint_row(conn))

    def _signing_keys(self, by: Acting) -> SigningKeys:
        try:
            found: object = self.app.repository.get(SIGNING_KEYS_ID)
        except AggregateNotFoundError:
            return SigningKeys(by=by.record())
        if not isinstance(found, SigningKeys):
            raise BadInput("the signing-key record of this ledger is not readable")
        return found

    def rotate_signing(self, by: Acting) -> dict[str, str]:
        """Record the next key in a checkpoint the old key signs, then switch to it."""
        self.finish_rotation()
        old = self.log.key.public_key()
        new = self.signing.stage_next().public_key()
        keys = self._signing_keys(by)
        keys.rotate(public_key_id(old), public_key_id(new), public_key_hex(new), by)
        self.app.commit(keys)
        self.signing.promote_next()
        self.log.reload_key()
        return {"old_key_id": public_key_id(old), "new_key_id": public_key_id(new)}

    def finish_rotation(self) -> None:
        """A rotation interrupted after its event committed is completed; one interrupted
        before is undone (its staged key never signed anything)."""
        staged = self.signing.staged()
        if staged is None:
            return
        with self.store.read() as conn:
            last = conn.execute(
                select(events.c.state)
                .where(events.c.topic == get_topic(SigningKeys.Rotated))
                .order_by(events.c.notification_id.desc())
                .limit(1)
            ).scalar()
        named = json.loads(bytes(last))["new_key_id"] if last is not None else None
        if named == public_key_id(staged.public_key()):
            self.signing.promote_next()
            self.log.reload_key()
        else:
            self.signing.discard_next()
