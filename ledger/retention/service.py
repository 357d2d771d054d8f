"""The retention engine: when every piece of personal data expires, and purging it.

The schedule is derived from the read models (cases, memberships, subjects, holds, purges)
and the key store's inventory: for each key — a subject's data category, or a month of
access-log references — every retention class that covers it yields a due date from its
start event; the key expires at the latest of them, and not while any start event is still
pending or a legal hold applies. A run records each purge, then destroys the key.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from sqlalchemy import func, select

from ledger import commands as c
from ledger.application import Regie
from ledger.crypto.envelope import RECORDS, SIGNALS
from ledger.crypto.keystore import KeyStore, data_keys
from ledger.crypto.seal import MASKED, Sealer
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.retention import LegalHold, Purge, RetentionRun
from ledger.durations import Duration
from ledger.errors import Inconsistent, NotFound
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from policies.retention import RetentionClass, duration

SUBJECT, ACCESS_LOG, CASE = "subject", "toegangslog", "case"
CASE_CATEGORIES = {
    SIGNALS: "signals",
    RECORDS: "meeting-records",
    "politie-informatie": "meeting-records",  # the groepsscan summary, sealed per case
}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Item:
    """One key and when it expires; ``due`` is None while a start event is pending."""

    owner_kind: str
    owner: str
    label: str
    category: str
    class_id: str | None
    start_event: str
    start_date: str | None
    due: str | None
    held: bool
    purged: bool
    cases: tuple[str, ...] = ()

    def is_due(self, as_of: str) -> bool:
        return self.due is not None and self.due <= as_of and not self.held and not self.purged


@dataclass(frozen=True)
class RunResult:
    run_id: str | None
    as_of: str
    purged: list[dict[str, Any]]
    completed: int
    held: int
    proposal: bool
    dry_run: bool


def _add(start: str, term: Duration) -> str:
    return term.after(date.fromisoformat(start)).isoformat()


class Retention:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        keystore: Callable[[], KeyStore],
        sealer: Callable[[], Sealer],
    ) -> None:
        self.app = app
        self.queries = queries
        self._keystore = keystore
        self._sealer = sealer

    @property
    def classes(self) -> list[RetentionClass]:
        return list(self.app.policies.retention.retention_class)

    # -- holds ----------------------------------------------------------------------------

    def place_hold(self, target: str, reason: str, by: Acting, subject_id: str | None) -> str:
        """Hold a case (JG-...) or a subject (its id, resolved by the caller)."""
        reason = c.free_text(reason, "--reason")
        if subject_id is not None:
            kind, key = "subject", subject_id
        else:
            kind, key = "case", self.app.case(target).ref
        hold = LegalHold(
            hold_id=LegalHold.new_id(),
            target_kind=kind,
            target=key,
            reason=reason,
            placed_on=self.app._day(None),
            by=by.record(),
        )
        self.app._save(hold)
        return str(hold.id)

    def lift_hold(self, hold_ref: str, reason: str, by: Acting) -> str:
        prefix = c.id_prefix(hold_ref, "HOLD_ID")
        reason = c.free_text(reason, "--reason")
        rows = self._rows(
            select(t.holds.c.hold_id).where(t.holds.c.hold_id.startswith(prefix, autoescape=True))
        )
        hold_id = c.one_match(
            [r["hold_id"] for r in rows], prefix, "legal hold", "regie retention holds"
        )
        hold: object = self.app.repository.get(UUID(hold_id))
        if not isinstance(hold, LegalHold):
            raise NotFound(f"no legal hold starts with '{prefix}'; see `regie retention holds`")
        hold.lift(reason, self.app._day(None), by)
        self.app._save(hold)
        return str(hold.id)

    def holds(self, active_only: bool = True) -> list[dict[str, Any]]:
        query = select(t.holds).order_by(t.holds.c.placed_on)
        if active_only:
            query = query.where(t.holds.c.lifted_on.is_(None))
        return self._rows(query)

    # -- the schedule ---------------------------------------------------------------------

    def _rows(self, query: Any) -> list[dict[str, Any]]:
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def schedule(self) -> list[Item]:
        """Every key holding personal data, with its class, start event and due date."""
        cases = {r["case_id"]: r for r in self._rows(select(t.cases))}
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self._rows(select(t.members)):
            members[row["subject_id"]].append(row)
        held = {r["target"] for r in self.holds()}
        done = {(r["owner"], r["category"]) for r in self._rows(select(t.purges))}
        items: list[Item] = []
        for subject in self._rows(select(t.subjects).where(t.subjects.c.erased_at.is_(None))):
            items.extend(
                self._subject_items(subject, members[subject["subject_id"]], cases, held, done)
            )
        items.extend(self._case_items(cases, members, held, done))
        items.extend(self._access_items(held, done))
        return items

    def _case_items(
        self,
        cases: dict[str, dict[str, Any]],
        members: dict[str, list[dict[str, Any]]],
        held: set[str],
        done: set[tuple[str, str]],
    ) -> list[Item]:
        """Signals and meeting records, sealed under keys of the case itself."""
        with self._keystore().engine.connect() as conn:
            keys = {
                (r[0], r[1])
                for r in conn.execute(
                    select(data_keys.c.subject_id, data_keys.c.category).where(
                        data_keys.c.category.in_(list(CASE_CATEGORIES))
                    )
                )
            }
        keys |= {(o, cat) for o, cat in done if cat in CASE_CATEGORIES}
        case_members: dict[str, set[str]] = defaultdict(set)
        for subject_id, rows in members.items():
            for row in rows:
                case_members[row["case_id"]].add(subject_id)
        last_signal = {
            r["case_id"]: r["last"]
            for r in self._rows(
                select(
                    t.signals.c.case_id, func.max(t.signals.c.observed_on).label("last")
                ).group_by(t.signals.c.case_id)
            )
        }
        left_step_1 = {
            r["case_id"]
            for r in self._rows(
                select(t.step_history.c.case_id).where(
                    t.step_history.c.from_step == 1, t.step_history.c.kind == "vooruit"
                )
            )
        }
        out = []
        for owner, category in sorted(keys):
            case = cases.get(owner)
            if case is None:
                continue
            covers = CASE_CATEGORIES[category]
            candidates: list[tuple[str, str, str, str]] = []
            pending = False
            ended = case["closed_on"] or case["ended_on"]
            for cls in self.classes:
                if cls.covers != covers:
                    continue
                if cls.start == "fixed-date" and cls.start_date is not None:
                    start = cls.start_date.isoformat()
                    candidates.append(
                        (_add(start, cls.duration), cls.id, f"vaste datum {start}", start)
                    )
                elif cls.start == "case-closed":
                    if ended is None:
                        pending = True
                    else:
                        candidates.append(
                            (
                                _add(ended, cls.duration),
                                cls.id,
                                f"{case['ref']} afgerond of beëindigd",
                                ended,
                            )
                        )
                elif cls.start == "signal-without-follow-up" and owner not in left_step_1:
                    if ended is None:
                        pending = True
                    elif owner in last_signal:
                        start = last_signal[owner][:10]
                        candidates.append(
                            (
                                _add(start, cls.duration),
                                cls.id,
                                f"{case['ref']}: signalen zonder vervolg",
                                start,
                            )
                        )
            is_held = case["ref"] in held or bool(case_members[owner] & held)
            decided = self._decide(candidates, pending)
            if decided is None:
                event = (
                    f"wacht op het einde van {case['ref']}"
                    if pending
                    else "geen bewaarklasse van toepassing"
                )
                out.append(
                    Item(
                        CASE,
                        owner,
                        case["ref"],
                        category,
                        None,
                        event,
                        None,
                        None,
                        is_held,
                        (owner, category) in done,
                        (case["ref"],),
                    )
                )
                continue
            due, cls_id, event, start = decided
            out.append(
                Item(
                    CASE,
                    owner,
                    case["ref"],
                    category,
                    cls_id,
                    event,
                    start,
                    due,
                    is_held,
                    (owner, category) in done,
                    (case["ref"],),
                )
            )
        return out

    def _subject_items(
        self,
        subject: dict[str, Any],
        memberships: list[dict[str, Any]],
        cases: dict[str, dict[str, Any]],
        held: set[str],
        done: set[tuple[str, str]],
    ) -> list[Item]:
        subject_id = subject["subject_id"]
        # Case holds name the case by its reference; subject holds by the subject's id.
        is_held = subject_id in held or any(
            m["case_id"] in cases and cases[m["case_id"]]["ref"] in held for m in memberships
        )
        out = []
        refs = tuple(
            sorted({cases[m["case_id"]]["ref"] for m in memberships if m["case_id"] in cases})
        )
        for category in json.loads(subject["categories"]):
            due, cls, event, start = self._subject_due(subject, category, memberships, cases)
            out.append(
                Item(
                    SUBJECT,
                    subject_id,
                    subject["short"],
                    category,
                    cls,
                    event,
                    start,
                    due,
                    is_held,
                    (subject_id, category) in done,
                    refs,
                )
            )
        return out

    def _subject_due(
        self,
        subject: dict[str, Any],
        category: str,
        memberships: list[dict[str, Any]],
        cases: dict[str, dict[str, Any]],
    ) -> tuple[str | None, str | None, str, str | None]:
        """(due, class, start event, start date) — the latest; due None when pending."""
        candidates: list[tuple[str, str, str, str]] = []
        pending: list[str] = []
        linked = [(m, cases[m["case_id"]]) for m in memberships if m["case_id"] in cases]
        registered = subject["registered_on"]
        for cls in self.classes:
            if cls.covers != "subject-data" or category not in cls.categories:
                continue
            term = cls.duration
            if cls.start == "fixed-date" and cls.start_date is not None:
                start = cls.start_date.isoformat()
                candidates.append((_add(start, term), cls.id, f"vaste datum {start}", start))
            elif cls.start == "age-reached":
                born = self._date_of_birth(subject)
                if born is not None:
                    start = Duration(years=cls.age or 0).after(born).isoformat()
                    candidates.append((_add(start, term), cls.id, f"leeftijd {cls.age}", start))
            elif not linked:
                # Never part of an approach: case-based terms run from registration.
                candidates.append(
                    (
                        _add(registered, term),
                        cls.id,
                        "geregistreerd zonder groepsaanpak",
                        registered,
                    )
                )
            else:
                for member, case in linked:
                    found = _case_start(cls, member, case)
                    if found is None:
                        continue
                    if isinstance(found, str):
                        pending.append(f"{case['ref']}: {cls.start}")
                        continue
                    start, event, agreed = found
                    chosen = duration(agreed) if agreed else term
                    candidates.append((_add(start, chosen), cls.id, event, start))
        decided = self._decide(candidates, bool(pending))
        if decided is not None:
            return decided
        if pending:
            return None, None, "wacht op " + "; ".join(sorted(pending)), None
        return None, None, "geen bewaarklasse van toepassing", None

    def _decide(
        self, candidates: list[tuple[str, str, str, str]], pending: bool
    ) -> tuple[str, str, str, str] | None:
        """Minimum classes: the latest wins, and only once nothing is pending. Limit classes
        cap that: the earliest limit whose start event happened ends retention."""
        modes = {c.id: c.mode for c in self.classes}
        limits = [x for x in candidates if modes.get(x[1]) == "limit"]
        minimums = [x for x in candidates if modes.get(x[1]) != "limit"]
        latest = max(minimums) if minimums and not pending else None
        cap = min(limits) if limits else None
        if latest is not None and cap is not None:
            return min(latest, cap)
        return latest or cap

    def _date_of_birth(self, subject: dict[str, Any]) -> date | None:
        sealed = subject.get("dob_sealed")
        if not sealed:
            return None
        value = self._sealer().open(subject["subject_id"], "date_of_birth", json.loads(sealed))
        return None if value in (None, MASKED) else date.fromisoformat(str(value))

    def _access_items(self, held: set[str], done: set[tuple[str, str]]) -> list[Item]:
        classes = [c for c in self.classes if c.covers == "access-log"]
        if not classes:
            return []
        with self._keystore().engine.connect() as conn:
            owners = sorted(
                {
                    r[0]
                    for r in conn.execute(
                        select(data_keys.c.subject_id).where(
                            data_keys.c.subject_id.startswith(f"{ACCESS_LOG}:", autoescape=True)
                        )
                    )
                }
            )
        owners += sorted({o for o, cat in done if o.startswith(f"{ACCESS_LOG}:")} - set(owners))
        held_subjects = [h for h in held if len(h) == 36]
        out = []
        for owner in owners:
            month = owner.split(":", 1)[1]
            year, mon = int(month[:4]), int(month[5:7])
            start = date(year + (mon == 12), mon % 12 + 1, 1).isoformat()
            due, cls_id = max((_add(start, cls.duration), cls.id) for cls in classes)
            is_held = bool(held_subjects) and bool(
                self._rows(
                    select(t.access_log.c.access_id)
                    .where(
                        t.access_log.c.on_date.startswith(month, autoescape=True),
                        t.access_log.c.subject_id.in_(held_subjects),
                    )
                    .limit(1)
                )
            )
            out.append(
                Item(
                    ACCESS_LOG,
                    owner,
                    month,
                    ACCESS_LOG,
                    cls_id,
                    f"toegang vastgelegd in {month}",
                    start,
                    due,
                    is_held,
                    (owner, ACCESS_LOG) in done,
                )
            )
        return out

    # -- purging -----------------------------------------------------------------------------

    def _unfinished(self, items: Iterable[Item]) -> list[Item]:
        """Purges that were recorded but whose key still exists (a run was interrupted)."""
        purged = [i for i in items if i.purged]
        if not purged:
            return []
        with self._keystore().engine.connect() as conn:
            alive = {
                (r[0], r[1])
                for r in conn.execute(select(data_keys.c.subject_id, data_keys.c.category))
            }
        return [i for i in purged if (i.owner, i.category) in alive]

    def run(
        self,
        as_of: date | None,
        by: Acting,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RunResult:
        day = self.app._day(as_of)
        items = self.schedule()
        due = [i for i in items if i.is_due(day)]
        unfinished = self._unfinished(items)
        held = sum(1 for i in items if i.held and i.due is not None and i.due <= day)
        if dry_run:
            return RunResult(
                None, day, [asdict(i) for i in due], len(unfinished), held, False, True
            )
        four_eyes = self.app.policies.retention.settings.four_eyes
        run = RetentionRun(
            run_id=RetentionRun.new_id(),
            as_of=day,
            items=[_item_record(i) for i in due],
            proposal=four_eyes,
            by=by.record(),
        )
        self.app._save(run)
        completed = self._complete(unfinished)
        if four_eyes:
            return RunResult(
                str(run.id), day, [asdict(i) for i in due], completed, held, True, False
            )
        purged = self._execute(run, due, by, progress)
        return RunResult(str(run.id), day, purged, completed, held, False, False)

    def approve(
        self, run_ref: str, comment: str, by: Acting, progress: Progress | None = None
    ) -> RunResult:
        prefix = c.id_prefix(run_ref, "RUN_ID")
        comment = c.free_text(comment, "--comment")
        runs = t.retention_runs.c.run_id
        rows = self._rows(select(runs).where(runs.startswith(prefix, autoescape=True)))
        run_id = c.one_match([r["run_id"] for r in rows], prefix, "retention run")
        run: object = self.app.repository.get(UUID(run_id))
        if not isinstance(run, RetentionRun):
            raise NotFound(f"no retention run starts with '{prefix}'")
        run.approve(comment, by)
        self.app._save(run)
        # Re-check every proposed item now: a hold may have been placed since the proposal.
        current = {(i.owner, i.category): i for i in self.schedule()}
        due = [
            current[(r["owner"], r["category"])]
            for r in run.items
            if (r["owner"], r["category"]) in current
            and current[(r["owner"], r["category"])].is_due(run.as_of)
        ]
        purged = self._execute(run, due, by, progress)
        return RunResult(str(run.id), run.as_of, purged, 0, 0, True, False)

    def _execute(
        self, run: RetentionRun, due: list[Item], by: Acting, progress: Progress | None
    ) -> list[dict[str, Any]]:
        keystore = self._keystore()
        executed_on = self.app.clock().isoformat()
        purged: list[dict[str, Any]] = []
        for number, item in enumerate(due, start=1):
            if item.due is None or item.start_date is None or not item.class_id:
                raise Inconsistent(
                    f"retention item {item.label} ({item.category}) is due without a class "
                    "or dates; nothing more was purged"
                )
            # A date derived from the date of birth would outlive the destroyed key: the
            # record of an age limit keeps only the year in which it was reached.
            start_date, due_date = (
                (item.start_date[:4] + "-01-01", item.due[:4] + "-01-01")
                if item.start_event.startswith("leeftijd")
                else (item.start_date, item.due)
            )
            purge = Purge(
                owner=item.owner,
                owner_kind=item.owner_kind,
                label=item.label,
                category=item.category,
                class_id=item.class_id,
                start_event=item.start_event,
                start_date=start_date,
                due_date=due_date,
                executed_on=executed_on,
                run_id=str(run.id),
                by=by.record(),
            )
            try:
                self.app.save(purge)  # recorded first: never a destroyed key without a record
            except IntegrityError:
                pass  # another run recorded it first; make sure the key is gone below
            else:
                purged.append(asdict(item))
            keystore.shred(item.owner, [item.category])
            if progress is not None:
                progress(number, len(due))
        self._shred_finished_subjects(due)
        run.complete(len(purged), by)
        self.app._save(run)
        return purged

    def _complete(self, unfinished: list[Item]) -> int:
        keystore = self._keystore()
        for item in unfinished:
            keystore.shred(item.owner, [item.category])
        self._shred_finished_subjects(unfinished)
        return len(unfinished)

    def _shred_finished_subjects(self, items: Iterable[Item]) -> None:
        """When every category of a subject is purged, destroy the subject as a whole."""
        subjects = {i.owner for i in items if i.owner_kind == SUBJECT}
        if not subjects:
            return
        remaining = {
            (i.owner, i.category) for i in self.schedule() if i.owner in subjects and not i.purged
        }
        keystore = self._keystore()
        for subject in subjects:
            if not any(owner == subject for owner, _ in remaining):
                keystore.shred(subject, None)

    # -- the proof of destruction ---------------------------------------------------------

    def report(self, since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
        query = select(t.purges).order_by(
            t.purges.c.executed_on, t.purges.c.label, t.purges.c.category
        )
        if since is not None:
            query = query.where(t.purges.c.executed_on >= since.isoformat())
        if until is not None:
            query = query.where(t.purges.c.executed_on <= until.isoformat())
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
            }
            for r in self._rows(query)
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


PENDING = "pending"


def _case_start(
    cls: RetentionClass, member: dict[str, Any], case: dict[str, Any]
) -> tuple[str, str, str | None] | str | None:
    """(start date, start event, agreed term or None), PENDING, or None (not applicable)."""
    ref = case["ref"]
    ended = case["closed_on"] or case["ended_on"]
    if cls.start == "membership-ended":
        if member["ended_on"] is None:
            return (
                "pending"
                if case["status"] == "lopend"
                else (ended, f"{ref} afgesloten (lidmaatschap liep tot het einde)", None)
            )
        return member["ended_on"], f"lidmaatschap {ref} beëindigd", None
    if cls.start == "case-closed":
        if ended is None:
            return PENDING
        return ended, f"{ref} {'afgesloten' if case['closed_on'] else 'beëindigd'}", None
    if cls.start == "agreed-at-step-7":
        if case["status"] == "lopend":
            return PENDING
        if case["closed_on"] is None or not case["bewaartermijn"]:
            return None
        return (
            case["closed_on"],
            f"{ref} afgesloten, bewaartermijn {case['bewaartermijn']}",
            case["bewaartermijn"],
        )
    return None


def _item_record(item: Item) -> dict[str, str]:
    return {
        "owner": item.owner,
        "category": item.category,
        "label": item.label,
        "due": item.due or "",
    }
