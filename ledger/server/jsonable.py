"""What a service method returns, as JSON: rows as they are, aggregates by id only.

An aggregate is never dumped whole: its state may hold sealed or personal data that only
the services' own views (which log every access first) may show.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import BaseModel

_NAMES = (
    "ref", "handle", "key", "token_id", "short", "kind", "step", "working_name",
    "organisation", "roles",
)  # fmt: skip
"""Public names an aggregate is known by, returned beside its id, and what the CLI says
after a command (a case's step and non-identifying working name, a subject's kind)."""


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Aggregate):
        out: dict[str, Any] = {"id": str(value.id), "version": value.version}
        for name in _NAMES:
            public = getattr(value, name, None)
            if isinstance(public, str | int) and not isinstance(public, bool):
                out[name] = public
            elif isinstance(public, list) and all(isinstance(v, str) for v in public):
                out[name] = list(public)
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return {"kind": type(value).__name__}
