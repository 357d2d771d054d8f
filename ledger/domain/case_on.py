"""A case as it was on one day: what a provision dated that day is judged against.

A provision can be dated in the past (``--on``). It is judged against the case on that
date, not today's: its step, its coordinator, the namenlijst version in force and who had
joined the group. Each event of a case that changes these carries the day it took effect
(decided on, from, to, agreed on); the case on day D folds, in the order they were
recorded, the events that took effect on or before D. Replaying never re-runs a rule, so
a later correction dated earlier (a member added with an earlier ``--from``) counts from
its own date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger.domain.case import Case


@dataclass(frozen=True)
class NamenlijstOn:
    """The namenlijst version in force: who is on it, who agreed it, when."""

    version: int
    subjects: frozenset[str]
    partners: tuple[str, ...]
    agreed_on: str


_STEP_CHANGES = (Case.StepAdvanced, Case.StepsMerged, Case.SteppedBack)


@dataclass(frozen=True)
class CaseOn:
    """What the sharing rules judge of a case on ``day``; never written, only read."""

    day: str
    opened_on: str
    step: int
    coordinator: str | None
    members: frozenset[str]
    former_members: frozenset[str]
    namenlijst: NamenlijstOn | None

    @property
    def opened(self) -> bool:
        return self.opened_on <= self.day

    @property
    def joined(self) -> frozenset[str]:
        """Who had joined the group by the day: members and former members."""
        return self.members | self.former_members


def case_on(events: Iterable[object], day: str) -> CaseOn:
    """The case on ``day`` (ISO), from its stored events (``Case.Opened`` first)."""
    opened_on = ""
    step = 1
    coordinator: str | None = None
    members: set[str] = set()
    former: set[str] = set()
    namenlijst: NamenlijstOn | None = None
    for e in events:
        if isinstance(e, Case.Opened):
            opened_on = e.opened_on
        elif isinstance(e, Case.CoordinatorDesignated) and e.decided_on <= day:
            coordinator = e.coordinator
        elif isinstance(e, _STEP_CHANGES) and e.decided_on <= day:
            step = e.to_step
        elif isinstance(e, Case.MemberAdded) and e.from_date <= day:
            members.add(e.subject)
            former.discard(e.subject)
        elif isinstance(e, Case.MemberEnded) and e.to_date <= day:
            members.discard(e.subject)
            former.add(e.subject)
        elif isinstance(e, Case.NamenlijstAgreed) and e.agreed_on <= day:
            namenlijst = NamenlijstOn(
                version=e.version,
                subjects=frozenset(e.subjects),
                partners=tuple(e.partners),
                agreed_on=e.agreed_on,
            )
    return CaseOn(
        day=day,
        opened_on=opened_on,
        step=step,
        coordinator=coordinator,
        members=frozenset(members),
        former_members=frozenset(former),
        namenlijst=namenlijst,
    )
