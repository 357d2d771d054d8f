"""Roles and permissions as policy data: which role runs which command on which cases."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Literal

from pydantic import Field, model_validator

from policies.model import _Strict

CaseScope = Literal["all", "participant"]
PersonalData = Literal["none", "participant", "all"]


class RolePermission(_Strict):
    key: str
    commands: list[str] = Field(min_length=1)
    cases: CaseScope
    personal_data: PersonalData

    def allows(self, command: str) -> bool:
        return any(fnmatchcase(command, pattern) for pattern in self.commands)


class PermissionsFile(_Strict):
    role: list[RolePermission] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> PermissionsFile:
        keys = [r.key for r in self.role]
        if len(keys) != len(set(keys)):
            raise ValueError("a role is listed twice")
        return self

    def for_role(self, role: str) -> RolePermission | None:
        for entry in self.role:
            if entry.key == role:
                return entry
        return None
