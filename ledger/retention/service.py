"""The retention engine: when every piece of personal data expires, and purging it.

The schedule is derived from the read models (cases, memberships, subjects, holds, purges)
and the key store's inventory: for each key — a subject's data category, or a month of
access-log references — every retention class that covers it yields a due date from its
start event; the key expires at the latest of them, and not while any start event is still
pending or a legal hold applies. A run records each purge, then destroys the key; it also
destroys the keys of earlier erasures and purges that an interruption left alive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.crypto.keystore import KeyStore
from ledger.crypto.seal import Sealer
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.policy import short_hash
from ledger.domain.retention import LegalHold, RetentionRun
from ledger.durations import Duration
from ledger.errors import BadInput
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.retention import facts, lists, purging
from ledger.retention.destructions import PURGE, Destructions, Unfinished
from ledger.retention.plan import DESTROYED, NOT_DESTROYED, Plan, plan_on
from policies import retention_schedule as engine
from policies.retention import RetentionClass, duration
from policies.retention_schedule import SUBJECT, Item

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunResult:
    run_id: str | None
    as_of: str
    purged: list[dict[str, Any]]
    completed: int
    """Purges recorded by an earlier, interrupted run whose keys this run destroyed."""
    held: int
    proposal: bool
    dry_run: bool
    completed_erasures: int = 0
    """Recorded erasures whose keys still existed, destroyed by this run."""


class Retention:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        keystore: Callable[[], KeyStore],
        sealer: Callable[[], Sealer],
        gate: Gate,
    ) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self._keystore = keystore
        self._sealer = sealer
        # Set by bootstrap: the printed checkpoint every document carries.
        self.checkpoint_line: Callable[[], str] = str
        # Set by bootstrap: a subject's id from its pseudonym (:meth:`Persons.resolve`).
        self.resolve_subject: Callable[[str], str] = str
        self.destructions = Destructions(queries, keystore)

    @property
    def classes(self) -> list[RetentionClass]:
        return list(self.app.policies.retention.retention_class)

    # -- holds ----------------------------------------------------------------------------

    @gated("retention.hold.place")
    def place_hold(
        self, target: str, reason: str, by: Acting, review_on: date | None = None
    ) -> str:
        """Hold a case (JG-...) or a subject (its pseudonym, P-...) until it is lifted; it
        is looked at again on ``review_on`` (default: the policy's ``hold_review`` on)."""
        reason = c.free_text(reason, "--reason")
        placed = self.app.clock()
        if review_on is None:
            review_on = Duration.parse(self.app.policies.retention.settings.hold_review).after(
                placed
            )
        if review_on <= placed:
            raise BadInput("--review-on is the day the hold is looked at again: after today")
        if target.upper().startswith("JG-"):
            kind, key = "case", self.app.case(target).ref
        else:
            kind, key = "subject", self.resolve_subject(target)
        hold = LegalHold(
            hold_id=LegalHold.new_id(),
            target_kind=kind,
            target=key,
            reason=reason,
            placed_on=placed.isoformat(),
            by=by.record(),
            review_on=review_on.isoformat(),
        )
        self.app.commit(hold)
        return str(hold.id)

    def _hold(self, hold_ref: str) -> LegalHold:
        prefix = c.id_prefix(hold_ref, "HOLD_ID")
        matches = self.queries.ids_starting(t.holds.c.hold_id, prefix)
        hold_id = c.one_match(matches, prefix, "legal hold", "regie retention holds")
        return self.app.get_as(
            hold_id, LegalHold, f"no legal hold starts with '{prefix}'; see `regie retention holds`"
        )

    @gated("retention.hold.lift")
    def lift_hold(self, hold_ref: str, reason: str, by: Acting) -> str:
        reason = c.free_text(reason, "--reason")
        hold = self._hold(hold_ref)
        hold.lift(reason, self.app.day(None), by)
        self.app.commit(hold)
        return str(hold.id)

    @gated("retention.hold.review")
    def review_hold(self, hold_ref: str, reason: str, review_on: date, by: Acting) -> str:
        """The hold was looked at and stays: why, and the next day it is looked at."""
        reason = c.free_text(reason, "--reason")
        today = self.app.clock()
        if review_on <= today:
            raise BadInput("--next is the day the hold is looked at again: after today")
        hold = self._hold(hold_ref)
        hold.review(reason, today.isoformat(), review_on.isoformat(), by)
        self.app.commit(hold)
        return str(hold.id)

    @gated("retention.holds")
    def holds(self, by: Acting, active_only: bool = True) -> list[dict[str, Any]]:
        return self.hold_rows(active_only)

    @gated("retention.plan")
    def plan(self, by: Acting, as_of: date | None = None) -> Plan:
        """The schedule on a day (default today), for whoever may see it, and how many
        recorded erasures and purges still have keys."""
        day = (as_of or self.app.clock()).isoformat()  # a future day too: what will expire
        return plan_on(self.schedule(), self.destructions.unfinished(), day)

    def hold_rows(self, active_only: bool = True) -> list[dict[str, Any]]:
        query = select(t.holds).order_by(t.holds.c.placed_on)
        if active_only:
            query = query.where(t.holds.c.lifted_on.is_(None))
        return self.queries.rows(query)

    # -- the schedule ---------------------------------------------------------------------

    def _gather(self) -> engine.Facts:
        return facts.gather(self.queries, self._keystore(), self._sealer(), self.hold_rows())

    def schedule(self) -> list[Item]:
        """Every key holding personal data, with its class, start event and due date."""
        return engine.schedule(self.app.policies.retention, self._gather())

    # -- purging -----------------------------------------------------------------------------

    @gated("retention.run")
    def run(
        self,
        as_of: date | None,
        by: Acting,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RunResult:
        # A dry run may look ahead: what a run on a future day would destroy.
        day = (as_of or self.app.clock()).isoformat() if dry_run else self.app.day(as_of)
        items = self.schedule()
        due = [i for i in items if i.is_due(day)]
        # Taken before this run writes: the first write of a process may finish them too.
        unfinished = self.destructions.unfinished()
        purges = sum(1 for u in unfinished if u.what == PURGE)
        erasures = len(unfinished) - purges
        held = sum(1 for i in items if i.held and i.due is not None and i.due <= day)
        if dry_run:
            return RunResult(
                None, day, [lists.shown(i) for i in due], purges, held, False, True, erasures
            )
        settings = self.app.policies.retention.settings
        four_eyes = settings.four_eyes and bool(due)  # an empty list needs no review
        run = RetentionRun(
            run_id=RetentionRun.new_id(),
            as_of=day,
            items=[lists.item_record(i) for i in due],
            proposal=four_eyes,
            policy_hash=self.app.policies.policy_hash,
            reviewers=list(settings.reviewers) if four_eyes else [],
            by=by.record(),
        )
        self.app.commit(run)
        self._complete(unfinished)
        if four_eyes:
            return RunResult(
                str(run.id), day, [lists.shown(i) for i in due], purges, held, True, False, erasures
            )
        purged = self._execute(run, due, items, by, progress)
        return RunResult(str(run.id), day, purged, purges, held, False, False, erasures)

    @gated("retention.approve")
    def approve(
        self, run_ref: str, comment: str, by: Acting, progress: Progress | None = None
    ) -> RunResult:
        comment = c.free_text(comment, "--comment")
        run = self._run(run_ref)
        run.approve(comment, by)
        self.app.commit(run)
        # Re-check every proposed item now: a hold may have been placed since the proposal.
        items = self.schedule()
        due, kept = lists.to_execute(run, items)
        purged = self._execute(run, due, items, by, progress, kept)
        return RunResult(str(run.id), run.as_of, purged, 0, len(kept), False, False)

    # -- destruction lists (decision 0033) ----------------------------------------------------

    def _run(self, run_ref: str) -> RetentionRun:
        prefix = c.id_prefix(run_ref, "RUN_ID")
        matches = self.queries.ids_starting(t.retention_runs.c.run_id, prefix)
        run_id = c.one_match(matches, prefix, "retention run")
        return self.app.get_as(run_id, RetentionRun, f"no retention run starts with '{prefix}'")

    @gated("retention.list.show")
    def show_list(self, run_ref: str, by: Acting) -> dict[str, Any]:
        """A destruction list: its items by number with their status, and its reviews."""
        run = self._run(run_ref)
        p = t.purges
        rows = self.queries.rows(select(p.c.owner, p.c.category).where(p.c.run_id == str(run.id)))
        purged = {(r["owner"], r["category"]) for r in rows}
        return lists.view(run, purged, self.destructions.alive(purged))

    @gated("retention.list.pending")
    def pending_lists(self, by: Acting, all_lists: bool = False) -> list[dict[str, Any]]:
        """Destruction lists not yet executed (all lists: ``all_lists``), oldest first."""
        r = t.retention_runs
        query = select(r).where(r.c.proposal.is_(True)).order_by(r.c.started_at)
        if not all_lists:
            query = query.where(r.c.completed_at.is_(None))
        return self.queries.rows(query)

    @gated("retention.list.approve")
    def approve_list(
        self,
        run_ref: str,
        by: Acting,
        role: str | None = None,
        exclude: list[int] | None = None,
        reason: str | None = None,
        comment: str | None = None,
    ) -> dict[str, Any]:
        """Approve a destruction list in a reviewer role (default: the role acted in),
        excluding items by number with a reason; the excluded items are kept."""
        run = self._run(run_ref)
        role = role or by.role
        if role not in self.app.actor(by.actor).roles:
            raise rules.LIST_REVIEWER.refuse(f"the actor does not hold role '{role}'")
        reason = c.free_text(reason, "--reason") if reason is not None else None
        note = c.free_text(comment, "--comment") if comment else ""
        excluded = lists.excluded_items(run, exclude or [], reason)
        run.review(role, note, excluded, self.app.day(None), by)
        self.app.commit(run)
        return self.show_list(str(run.id), by)

    @gated("retention.list.execute")
    def execute_list(self, run_ref: str, by: Acting, progress: Progress | None = None) -> RunResult:
        """Execute a destruction list every reviewer role approved: destroy its items
        except those excluded or no longer due, and keep the record of both."""
        run = self._run(run_ref)
        run.require_executable()
        items = self.schedule()
        due, kept = lists.to_execute(run, items)
        purged = self._execute(run, due, items, by, progress, kept)
        return RunResult(str(run.id), run.as_of, purged, 0, len(kept), False, False)

    def _execute(
        self,
        run: RetentionRun,
        due: list[Item],
        items: list[Item],
        by: Acting,
        progress: Progress | None,
        kept: list[dict[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        purged = purging.purge(self.app, self._keystore(), str(run.id), due, by, progress)
        # What else each subject still has: the schedule before this run, less its purges.
        gone = {(i.owner, i.category) for i in due}
        left = [i for i in items if not i.purged and (i.owner, i.category) not in gone]
        self._shred_finished_subjects((i.owner for i in due if i.owner_kind == SUBJECT), left)
        run.complete(len(purged), by, kept)
        self.app.commit(run)
        return purged

    def _complete(self, unfinished: list[Unfinished]) -> None:
        """Finish recorded erasures and purges whose keys still exist (idempotent)."""
        self.destructions.finish(unfinished)
        self._shred_finished_subjects(
            u.owner for u in unfinished if u.what == PURGE and u.owner_kind == SUBJECT
        )

    def _shred_finished_subjects(
        self, owners: Iterable[str], unpurged: list[Item] | None = None
    ) -> None:
        """When every category of a subject is purged, destroy the subject as a whole.
        ``unpurged``: the items not purged (default: from the schedule, read anew)."""
        subjects = set(owners)
        if not subjects:
            return
        if unpurged is None:
            unpurged = [i for i in self.schedule() if not i.purged]
        left = {i.owner for i in unpurged if i.owner in subjects}
        finished = sorted(subjects - left)
        for start in range(0, len(finished), purging.BATCH):
            self._keystore().shred_many((s, None) for s in finished[start : start + purging.BATCH])

    # -- the proof of destruction ---------------------------------------------------------

    @gated("retention.report")
    def proof_of_destruction(
        self, by: Acting, since: date | None = None, until: date | None = None
    ) -> dict[str, Any]:
        """The report as a document: its rows and the ledger's checkpoint it was made at."""
        return {"purges": self.report(by, since, until), "checkpoint": self.checkpoint_line()}

    @gated("retention.report")
    def report(
        self, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        query = select(t.purges).order_by(
            t.purges.c.executed_on, t.purges.c.label, t.purges.c.category
        )
        if since is not None:
            query = query.where(t.purges.c.executed_on >= since.isoformat())
        if until is not None:
            query = query.where(t.purges.c.executed_on <= until.isoformat())
        rows = self.queries.rows(query)
        # Recorded is not destroyed: a key that still exists is reported as such.
        alive = self.destructions.alive((r["owner"], r["category"]) for r in rows)
        return [
            {
                "executed_on": r["executed_on"],
                "what": f"{r['owner_kind']} {r['label']}",
                "category": r["category"],
                "class": r["class_id"],
                "start_event": r["start_event"],
                "start_date": r["start_date"],
                "due_date": r["due_date"],
                "run": r["run_id"][:8],
                "by": r["actor"],
                "policy": short_hash(r["policy_hash"]),
                "policy_hash": r["policy_hash"],
                "destroyed": (r["owner"], r["category"]) not in alive,
                "status": NOT_DESTROYED if (r["owner"], r["category"]) in alive else DESTROYED,
            }
            for r in rows
        ]

    def check_agreed_term(self, term: Duration) -> None:
        """At step 7: the agreed term must lie within every agreed-term class's bounds."""
        reference = date(2000, 1, 1)
        agreed = term.after(reference)
        for cls in self.app.policies.retention.for_agreed_term():
            low = duration(cls.min_term).after(reference) if cls.min_term else None
            high = duration(cls.max_term).after(reference) if cls.max_term else None
            if (low and agreed < low) or (high and agreed > high):
                raise rules.TERM_BOUNDS.refuse(
                    f"the agreed bewaartermijn {term.iso()} lies outside {cls.min_term or '-'}.."
                    f"{cls.max_term or '-'} of class {cls.id}"
                )
