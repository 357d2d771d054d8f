"""Read a plan van aanpak from TOML (the format `regie plan set --file` takes).

\b
    goals = ["Overlast op het Stationsplein halveren voor 2027-06-01"]
    [[track]]
    kind = "groep"
    description = "Groepsgerichte aanpak"
    [[action]]
    id = "A2"                 # optional: revises open action A2; omit for a new one
    description = "Wekelijkse inloop"
    track = "groep"
    organisation = "jongerenwerk"
    person = "Jongerenwerker Centrum"
    due = 2027-01-15
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.errors import BadInput

EXAMPLE = __doc__ or ""
_KEYS = {"goals", "track", "action"}


def load_plan(path: Path, case: str) -> c.SetPlan:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the plan ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise BadInput(
            f"{path}: unknown key '{unknown[0]}'; a plan has goals, [[track]], [[action]]"
        )
    actions: list[dict[str, Any]] = []
    for index, action in enumerate(raw.get("action", [])):
        if not isinstance(action, dict):
            raise BadInput(f"{path}: action[{index}] must be a table")
        entry = dict(action)
        ref = entry.pop("id", None)
        if ref is not None:
            entry["number"] = c.parse_action_number(str(ref))
        actions.append(entry)
    try:
        return c.build(
            c.SetPlan,
            case=case,
            goals=raw.get("goals", []),
            tracks=raw.get("track", []),
            actions=actions,
        )
    except BadInput as exc:
        message = exc.message.replace("tracks.", "track[").replace("actions.", "action[")
        raise BadInput(f"{path}: {message}") from exc
