"""The retention schedule as a pure function: facts and classes in, items with due dates out.

Like :func:`policies.sharing.evaluate`, this touches no database and no key: the retention
service gathers the facts (cases, memberships, subjects, keys, holds, purges) and acts on
the result (records purges, destroys keys). Every rule of the bewaartermijnen lives here:

* each class covering a key yields a due date from its start event (``candidates``);
* minimum classes: the latest wins, and only once no start event is pending;
* limit classes cap that: the earliest limit whose start event happened ends retention;
* a hold on a case protects the case's keys and its members' keys; a hold on a subject
  protects the subject's keys and the access-log months in which it was seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ledger.durations import Duration
from policies.retention import RetentionClass, RetentionFile, duration

SUBJECT, ACCESS_LOG, CASE = "subject", "toegangslog", "case"


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
    year_only: bool = False
    """The start date derives from personal data (a date of birth): a record of the purge
    keeps only the year, so that nothing outlives the destroyed key."""

    def is_due(self, as_of: str) -> bool:
        return self.due is not None and self.due <= as_of and not self.held and not self.purged


@dataclass(frozen=True)
class CaseFacts:
    case_id: str
    ref: str
    ongoing: bool
    closed_on: str | None
    ended_on: str | None
    bewaartermijn: str | None
    last_signal: str | None
    left_step_1: bool
    members: frozenset[str] = frozenset()
    police_received: str | None = None
    """When the police information of the case (the groepsscan) was first received."""

    @property
    def ended(self) -> str | None:
        return self.closed_on or self.ended_on


@dataclass(frozen=True)
class Membership:
    case_id: str
    ended_on: str | None


@dataclass(frozen=True)
class SubjectFacts:
    subject_id: str
    short: str
    categories: tuple[str, ...]
    registered_on: str
    born: date | None
    memberships: tuple[Membership, ...] = ()
    represents: str | None = None
    """For a legal representative: the youth whose cases, registration and age
    (``memberships``, ``registered_on``, ``born`` above) the representative's data follows."""
    represents_short: str | None = None


@dataclass(frozen=True)
class AccessMonth:
    owner: str
    month: str  # YYYY-MM
    held_subject_seen: bool = False


@dataclass(frozen=True)
class Facts:
    cases: dict[str, CaseFacts]
    subjects: Sequence[SubjectFacts]
    case_keys: Iterable[tuple[str, str]]
    """(case id, category) of every key sealed under a case (signals, meeting records)."""
    case_categories: dict[str, str]
    """What each such category is, for the classes: "signals" or "meeting-records"."""
    access_months: Sequence[AccessMonth]
    holds: frozenset[str]
    """Held case references and subject ids."""
    purged: frozenset[tuple[str, str]]
    """(owner, category) of every key a purge was recorded for."""


Candidate = tuple[str, str, str, str]
"""(due date, class id, start event, start date): ISO dates compare as strings."""


def schedule(policy: RetentionFile, facts: Facts) -> list[Item]:
    """Every key holding personal data, with its class, start event and due date."""
    engine = _Engine(policy)
    items = [i for s in facts.subjects for i in engine.subject_items(s, facts)]
    items += engine.case_items(facts)
    items += engine.access_items(facts)
    return items


def _add(start: str, term: Duration) -> str:
    return term.after(date.fromisoformat(start)).isoformat()


class _Engine:
    def __init__(self, policy: RetentionFile) -> None:
        self.classes = list(policy.retention_class)
        self.year_only = set(policy.settings.year_only_starts)
        self.modes = {c.id: c.mode for c in self.classes}

    def decide(self, candidates: list[Candidate], pending: bool) -> Candidate | None:
        limits = [x for x in candidates if self.modes.get(x[1]) == "limit"]
        minimums = [x for x in candidates if self.modes.get(x[1]) != "limit"]
        latest = max(minimums) if minimums and not pending else None
        cap = min(limits) if limits else None
        if latest is not None and cap is not None:
            return min(latest, cap)
        return latest or cap

    def _year_only(self, class_id: str | None) -> bool:
        return any(c.id == class_id and c.start in self.year_only for c in self.classes)

    # -- subjects -------------------------------------------------------------------------

    def subject_items(self, subject: SubjectFacts, facts: Facts) -> list[Item]:
        linked = [
            (m, facts.cases[m.case_id]) for m in subject.memberships if m.case_id in facts.cases
        ]
        refs = tuple(sorted({case.ref for _, case in linked}))
        held = (
            subject.subject_id in facts.holds
            or (subject.represents or "") in facts.holds
            or any(ref in facts.holds for ref in refs)
        )
        out = []
        for category in subject.categories:
            due, cls, event, start = self._subject_due(subject, category, linked)
            if subject.represents_short:
                event = f"volgt {subject.represents_short}: {event}"
            out.append(
                Item(
                    SUBJECT, subject.subject_id, subject.short, category, cls, event, start, due,
                    held, (subject.subject_id, category) in facts.purged, refs,
                    self._year_only(cls),
                )
            )  # fmt: skip
        return out

    def _subject_due(
        self, subject: SubjectFacts, category: str, linked: list[tuple[Membership, CaseFacts]]
    ) -> tuple[str | None, str | None, str, str | None]:
        candidates: list[Candidate] = []
        pending: list[str] = []
        for cls in self.classes:
            if cls.covers != "subject-data" or not cls.applies_to(category):
                continue
            term = cls.duration
            if cls.start == "fixed-date" and cls.start_date is not None:
                start = cls.start_date.isoformat()
                candidates.append((_add(start, term), cls.id, f"vaste datum {start}", start))
            elif cls.start == "police-data-received":
                # The earliest receipt among the subject's cases, else its registration:
                # a ceiling never runs from later than the data can have arrived.
                received = [case.police_received for _, case in linked if case.police_received]
                start = min(received) if received else subject.registered_on
                candidates.append((_add(start, term), cls.id, "politiegegevens ontvangen", start))
            elif cls.start == "age-reached":
                if subject.born is not None:
                    start = Duration(years=cls.age or 0).after(subject.born).isoformat()
                    candidates.append((_add(start, term), cls.id, f"leeftijd {cls.age}", start))
            elif not linked:
                # Never part of an approach: case-based terms run from registration.
                start = subject.registered_on
                candidates.append(
                    (_add(start, term), cls.id, "geregistreerd zonder groepsaanpak", start)
                )
            else:
                for member, case in linked:
                    found = _case_start(cls, member, case)
                    if found is None:
                        continue
                    if isinstance(found, str):
                        pending.append(f"{case.ref}: {cls.start}")
                        continue
                    start, event, agreed = found
                    chosen = duration(agreed) if agreed else term
                    candidates.append((_add(start, chosen), cls.id, event, start))
        decided = self.decide(candidates, bool(pending))
        if decided is not None:
            return decided
        if pending:
            return None, None, "wacht op " + "; ".join(sorted(pending)), None
        return None, None, "geen bewaarklasse van toepassing", None

    # -- keys of a case -------------------------------------------------------------------

    def case_items(self, facts: Facts) -> list[Item]:
        kinds = facts.case_categories
        keys = set(facts.case_keys) | {(o, c) for o, c in facts.purged if c in kinds}
        out = []
        for owner, category in sorted(keys):
            case = facts.cases.get(owner)
            if case is None:
                continue
            candidates, pending = self._case_candidates(case, kinds[category], category)
            held = case.ref in facts.holds or bool(case.members & facts.holds)
            decided = self.decide(candidates, pending)
            if decided is None:
                event = (
                    f"wacht op het einde van {case.ref}"
                    if pending
                    else "geen bewaarklasse van toepassing"
                )
                due, cls_id, start = None, None, None
            else:
                due, cls_id, event, start = decided
            out.append(
                Item(
                    CASE, owner, case.ref, category, cls_id, event, start, due, held,
                    (owner, category) in facts.purged, (case.ref,),
                )
            )  # fmt: skip
        return out

    def _case_candidates(
        self, case: CaseFacts, covers: str, category: str
    ) -> tuple[list[Candidate], bool]:
        candidates: list[Candidate] = []
        pending = False
        ended = case.ended
        for cls in self.classes:
            if cls.covers != covers or (cls.categories and not cls.applies_to(category)):
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
                    event = f"{case.ref} afgerond of beëindigd"
                    candidates.append((_add(ended, cls.duration), cls.id, event, ended))
            elif cls.start == "police-data-received" and case.police_received:
                start = case.police_received
                event = f"{case.ref}: politiegegevens ontvangen"
                candidates.append((_add(start, cls.duration), cls.id, event, start))
            elif cls.start == "signal-without-follow-up" and not case.left_step_1:
                if ended is None:
                    pending = True
                elif case.last_signal is not None:
                    start = case.last_signal[:10]
                    event = f"{case.ref}: signalen zonder vervolg"
                    candidates.append((_add(start, cls.duration), cls.id, event, start))
        return candidates, pending

    # -- the access log -------------------------------------------------------------------

    def access_items(self, facts: Facts) -> list[Item]:
        classes = [c for c in self.classes if c.covers == "access-log"]
        if not classes:
            return []
        out = []
        for month in facts.access_months:
            year, mon = int(month.month[:4]), int(month.month[5:7])
            start = date(year + (mon == 12), mon % 12 + 1, 1).isoformat()
            due, cls_id = max((_add(start, cls.duration), cls.id) for cls in classes)
            out.append(
                Item(
                    ACCESS_LOG, month.owner, month.month, ACCESS_LOG, cls_id,
                    f"toegang vastgelegd in {month.month}", start, due, month.held_subject_seen,
                    (month.owner, ACCESS_LOG) in facts.purged,
                )
            )  # fmt: skip
        return out


PENDING = "pending"


def _case_start(
    cls: RetentionClass, member: Membership, case: CaseFacts
) -> tuple[str, str, str | None] | str | None:
    """(start date, start event, agreed term or None), PENDING, or None (not applicable)."""
    ref, ended = case.ref, case.ended
    if cls.start == "membership-ended":
        if member.ended_on is None:
            if case.ongoing or ended is None:
                return PENDING
            return ended, f"{ref} afgesloten (lidmaatschap liep tot het einde)", None
        return member.ended_on, f"lidmaatschap {ref} beëindigd", None
    if cls.start == "case-closed":
        if ended is None:
            return PENDING
        return ended, f"{ref} {'afgesloten' if case.closed_on else 'beëindigd'}", None
    if cls.start == "agreed-at-step-7":
        if case.ongoing:
            return PENDING
        if case.closed_on is None or not case.bewaartermijn:
            return None
        return (
            case.closed_on,
            f"{ref} afgesloten, bewaartermijn {case.bewaartermijn}",
            case.bewaartermijn,
        )
    return None
