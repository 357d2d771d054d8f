"""Destruction lists (vernietigingslijsten), as in Open Archiefbeheer (decision 0033).

A retention run with four-eyes on proposes a list: the keys due on its day. Each reviewer
role of the policy (by default a proceseigenaar and an archivaris) approves it, and may
exclude items with a reason; only then is it executed. Execution re-judges every item on
the current schedule, so a hold placed since the proposal still protects; what is not
destroyed is kept on record with its reason. The run's purges and that record together
are the verklaring van vernietiging (Archiefbesluit 1995 art. 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ledger.domain.retention import RetentionRun
from ledger.errors import BadInput
from policies.retention_schedule import Item

PROPOSED, EXCLUDED, DESTROYED, NOT_DESTROYED = (
    "voorgesteld",
    "uitgezonderd",
    "vernietigd",
    "nog niet vernietigd",
)
HELD_SINCE, NOT_DUE, GONE = (
    "juridische blokkade sinds het voorstel",
    "niet meer vervallen op de lijstdatum",
    "niet meer in het bewaarschema",
)


@dataclass(frozen=True)
class ListItem:
    number: int
    what: str
    category: str
    class_id: str
    due: str
    status: str
    reason: str


def excluded_items(
    run: RetentionRun, numbers: Sequence[int], reason: str | None
) -> list[dict[str, str]]:
    """The items a reviewer excludes, by their number on the list, each with the reason."""
    if numbers and not reason:
        raise BadInput("--exclude needs --reason: say why the item is kept")
    out = []
    for number in sorted(set(numbers)):
        if not 1 <= number <= len(run.items):
            raise BadInput(f"--exclude: the list has items 1 to {len(run.items)}")
        item = run.items[number - 1]
        out.append(
            {
                "owner": item["owner"],
                "category": item["category"],
                "label": item["label"],
                "reason": reason or "",
            }
        )
    return out


def to_execute(
    run: RetentionRun, schedule: Sequence[Item]
) -> tuple[list[Item], list[dict[str, str]]]:
    """What executing the list destroys now, and what it keeps with the reason why."""
    current = {(i.owner, i.category): i for i in schedule}
    excluded = run.excluded()
    due: list[Item] = []
    kept: list[dict[str, str]] = []
    for record in run.items:
        key = (record["owner"], record["category"])
        item = current.get(key)
        reason = excluded.get(key)
        if reason is None and item is not None and item.purged:
            # Recorded by an earlier, interrupted execution: destroy its key (again).
            due.append(item)
            continue
        if reason is None:
            reason = (
                GONE
                if item is None
                else HELD_SINCE
                if item.held
                else NOT_DUE
                if not item.is_due(run.as_of)
                else None
            )
        if reason is None and item is not None:
            due.append(item)
        else:
            kept.append({"owner": key[0], "category": key[1], "label": record["label"],
                         "reason": reason or GONE})  # fmt: skip
    return due, kept


def view(
    run: RetentionRun, purged: set[tuple[str, str]], alive: set[tuple[str, str]]
) -> dict[str, Any]:
    """The list as shown: each item's number and status, the reviews, and the outcome."""
    excluded = run.excluded()
    kept = {(k["owner"], k["category"]): k["reason"] for k in run.kept}
    items = []
    for number, record in enumerate(run.items, start=1):
        key = (record["owner"], record["category"])
        if key in purged:
            status, reason = (NOT_DESTROYED if key in alive else DESTROYED), ""
        elif run.completed:
            status, reason = (EXCLUDED if key in excluded else NOT_DESTROYED), kept.get(key, "")
        elif key in excluded:
            status, reason = EXCLUDED, excluded[key]
        else:
            status, reason = PROPOSED, ""
        what = f"{record.get('kind', '')} {record['label']}".strip()
        items.append(
            ListItem(number, what, record["category"], record.get("class", "-"),
                     record["due"], status, reason)
        )  # fmt: skip
    reviews = [
        {
            "role": role,
            "approved": role in run.reviews,
            "by": run.reviews.get(role, {}).get("actor"),
            "on": run.reviews.get(role, {}).get("reviewed_on"),
            "comment": run.reviews.get(role, {}).get("comment"),
        }
        for role in run.reviewers
    ]
    return {
        "list": str(run.id),
        "as_of": run.as_of,
        "proposed_by": run.proposed_by,
        "reviews": reviews,
        "approved": run.approved,
        "executed": run.completed,
        "items": [item.__dict__ for item in items],
    }


def item_record(item: Item) -> dict[str, str]:
    """An item as the list records it: an age limit's due date by its year only, since the
    full date would reveal the date of birth after the key is gone."""
    due = item.due or ""
    return {
        "owner": item.owner,
        "kind": item.owner_kind,
        "category": item.category,
        "label": item.label,
        "class": item.class_id or "-",
        "due": due[:4] if item.year_only else due,
    }


def shown(item: Item) -> dict[str, Any]:
    """An item as a run reports it: an age limit's dates by their year only (as the plan)."""
    out = asdict(item)
    if item.year_only:
        out["due"] = item.due[:4] if item.due else None
        out["start_date"] = item.start_date[:4] if item.start_date else None
    return out
