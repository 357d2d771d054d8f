"""The retention plan as shown: one row per key, holding only what may leave the ledger.

An age limit's due date would reveal the date of birth, so a row carries its year only;
its status is judged here, on the full date, for the day asked. The rows are plain data,
so a client of the server prints from their JSON exactly what the embedded CLI prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policies.retention_schedule import Item

if TYPE_CHECKING:
    from ledger.retention.destructions import Unfinished

DESTROYED, NOT_DESTROYED = "vernietigd", "nog niet vernietigd"
HELD, EXPIRED, RUNNING = "vastgehouden", "vervallen", "loopt"


@dataclass(frozen=True)
class PlanRow:
    """One key: where it belongs, when it expires, and where it stands on the plan's day."""

    case: str
    class_id: str
    what: str
    category: str
    start_event: str
    due: str | None
    """The due date; for an age limit only its year."""
    status: str
    pending: bool
    """Needs attention on the plan's day (due, held, or purged with its key still alive):
    what the plan lists without ``--all``."""


@dataclass(frozen=True)
class Plan:
    as_of: str
    rows: list[PlanRow]
    unfinished: int
    """Recorded erasures and purges whose keys still exist (the next run destroys them)."""


def destroyed(item: Item, unfinished: Sequence[Unfinished]) -> bool:
    """Purged, and the key is really gone."""
    return item.purged and not any(
        u.owner == item.owner and item.category in u.alive for u in unfinished
    )


def plan_on(items: Sequence[Item], unfinished: Sequence[Unfinished], day: str) -> Plan:
    """The plan on ``day`` of the schedule's items."""
    rows = [_row(item, destroyed(item, unfinished), day) for item in items]
    return Plan(day, rows, len(unfinished))


def _row(item: Item, gone: bool, day: str) -> PlanRow:
    expired = item.due is not None and item.due <= day
    if item.purged:
        status = DESTROYED if gone else NOT_DESTROYED
    else:
        status = HELD if item.held else EXPIRED if expired else RUNNING
    return PlanRow(
        case=", ".join(item.cases) or "-",
        class_id=item.class_id or "-",
        what=f"{item.owner_kind} {item.label}",
        category=item.category,
        start_event=item.start_event,
        due=item.due[:4] if item.due and item.year_only else item.due,
        status=status,
        pending=(item.purged and not gone) or (not item.purged and (item.held or expired)),
    )
