"""The verwerkingsregister (AVG art. 30) as policy data: the processing activities.

Every access-log entry names the processing activity it belongs to (Logboek
Dataverwerkingen: ``dpl.core.processing_activity_id``), takes its purpose from it unless
the user named one, and keeps the activity's retention term. Which commands belong to an
activity is a list of patterns (``letters.*``); the first activity that matches wins, and
the ``default`` activity takes the rest. A municipality replaces the file with its own
register; it is validated on load (decision 0044).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from pydantic import Field, field_validator, model_validator

from policies.letters import _duration
from policies.model import _Strict

_ID = r"^[a-z0-9][a-z0-9-]*$"


class Activity(_Strict):
    """One processing activity of the register."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    purpose: str = Field(min_length=1, max_length=200)
    legal_basis: str = Field(min_length=1)
    retention: str
    """How long the access-log entries of this activity are kept (ISO 8601 duration)."""
    commands: list[str] = Field(default_factory=list)

    @field_validator("retention")
    @classmethod
    def _term(cls, value: str) -> str:
        return _duration(value)

    def covers(self, command: str) -> bool:
        return any(fnmatchcase(command, pattern) for pattern in self.commands)


class RegisterSettings(_Strict):
    application: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    """The application id every entry names (NEN 7513: from which system)."""
    uri: str = Field(min_length=1)
    """Where the register is published; an activity's URI is this plus ``#<id>``."""
    default: str = Field(pattern=_ID)
    """The activity of commands no other activity lists."""
    identification: str = Field(pattern=_ID)
    """The activity failed identifications (unknown, deactivated actors) are logged under."""
    unknown_actor_entries_per_day: int = Field(ge=0, le=100_000)
    """How many attempts by unknown or deactivated actors are logged per day; past it, the
    day's last entry counts the attempts not logged (the log cannot be flooded)."""


class RegisterFile(_Strict):
    settings: RegisterSettings
    activity: list[Activity] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RegisterFile:
        ids = [a.id for a in self.activity]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"activity '{twice[0]}' is listed twice")
        for name in ("default", "identification"):
            value = getattr(self.settings, name)
            if value not in ids:
                raise ValueError(f"settings.{name} '{value}' is not an activity")
        return self

    def activity_of(self, command: str) -> Activity:
        """The processing activity a command belongs to."""
        for activity in self.activity:
            if activity.covers(command):
                return activity
        default = self.by_id_or_none(self.settings.default)
        return default if default is not None else self.activity[-1]  # checked on load

    def by_id_or_none(self, activity_id: str) -> Activity | None:
        """An activity by id; None for one a later register no longer lists."""
        return next((a for a in self.activity if a.id == activity_id), None)

    def uri(self, activity: Activity) -> str:
        return f"{self.settings.uri}#{activity.id}"
