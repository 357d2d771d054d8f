"""The data subject's rights requests (AVG art. 15-21) as policy data: kinds, deadlines.

Which kinds of request exist (inzage, rectificatie, ...) and the article of each, how long
after receipt the answer is due (art. 12(3): one month) and by how much it may be
extended once (two months), are data a municipality can replace with its own
``rights.toml``; each is validated on load.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from ledger.durations import Duration
from policies.letters import _duration
from policies.model import _Strict

_KEY = r"^[a-z0-9][a-z0-9-]*$"


class RequestKind(_Strict):
    """One kind of request and the article that gives the right."""

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1)
    article: str = Field(min_length=1)


class RightsSettings(_Strict):
    deadline: str
    extension: str
    rectification_kind: str = Field(pattern=_KEY)
    """The kind a rectification (`subject rectify --request`) must be linked to."""
    category: str = Field(pattern=_KEY)
    """The subject's data category the sealed note and reasons of a request fall under."""

    @field_validator("deadline", "extension")
    @classmethod
    def _durations(cls, value: str) -> str:
        return _duration(value)


class RightsFile(_Strict):
    settings: RightsSettings
    kind: list[RequestKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _kinds(self) -> RightsFile:
        keys = [k.key for k in self.kind]
        if len(set(keys)) != len(keys):
            raise ValueError("a request kind is listed twice")
        if self.settings.rectification_kind not in keys:
            raise ValueError(
                f"settings.rectification_kind '{self.settings.rectification_kind}' "
                "is not one of the kinds"
            )
        return self

    @property
    def deadline(self) -> Duration:
        return Duration.parse(self.settings.deadline)

    @property
    def extension(self) -> Duration:
        return Duration.parse(self.settings.extension)
