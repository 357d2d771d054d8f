"""Who acts: recorded on every event, never inferred from the step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Acting:
    """The actor, the role they act in and the organisation they act for."""

    actor: str
    role: str
    organisation: str

    def record(self) -> dict[str, Any]:
        return {"actor": self.actor, "role": self.role, "org": self.organisation}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Acting:
        return cls(actor=data["actor"], role=data["role"], organisation=data["org"])
