"""What every handler module shares: JSON for read-model cells, who recorded an event and
when, a case's row, a case's free text opened."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ledger.crypto.envelope import open_text
from ledger.projections import tables as t
from ledger.projections.workspace import Workspace

Handler = Callable[[Workspace, Any], None]
"""Applies one event to the read models in a workspace."""


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stamp(e: Any) -> str:
    return str(e.timestamp.isoformat())


def by_of(e: Any) -> dict[str, str]:
    return {
        "actor": e.by["actor"],
        "role": e.by["role"],
        "org": e.by["org"],
        "recorded_at": stamp(e),
    }


def case_text(ws: Workspace, e: Any, field: str, value: Any) -> Any:
    """A case's free text as plain text: opened when sealed, [gewist] once purged."""
    return open_text(ws.opener, str(e.originator_id), field, value)


def case_row(ws: Workspace, e: Any) -> dict[str, Any]:
    row = ws.require(t.cases, str(e.originator_id))
    row["updated_at"] = stamp(e)
    ws.touch(t.cases, row)
    return row
