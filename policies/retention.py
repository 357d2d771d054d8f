"""Retention classes (bewaartermijnen) as validated policy data."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ledger.durations import Duration
from ledger.errors import BadInput
from policies.model import _Strict

Covers = Literal["subject-data", "signals", "meeting-records", "access-log"]
Start = Literal[
    "case-closed",
    "agreed-at-step-7",
    "membership-ended",
    "signal-without-follow-up",
    "fixed-date",
    "age-reached",
    "access-recorded",
    "police-data-received",
]

AGE_REACHED: Start = "age-reached"
EVERY_CATEGORY = "*"
"""In ``categories``: every category of a subject's data (e.g. removed at 23)."""

_STARTS_FOR: dict[str, set[str]] = {
    "subject-data": {
        "case-closed",
        "agreed-at-step-7",
        "membership-ended",
        "fixed-date",
        "age-reached",
        "police-data-received",
    },
    "signals": {"case-closed", "signal-without-follow-up", "fixed-date"},
    "meeting-records": {"case-closed", "fixed-date", "police-data-received"},
    "access-log": {"access-recorded"},
}


class RetentionClass(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str = Field(min_length=1)
    covers: Covers
    categories: list[str] = Field(default_factory=list)
    start: Start
    term: str
    min_term: str | None = None
    max_term: str | None = None
    start_date: date | None = None
    age: int | None = Field(default=None, ge=1, le=120)
    mode: Literal["minimum", "limit"] = "minimum"
    source: str = Field(min_length=1)
    source_term: str | None = None
    """The term the cited source itself sets; the class's ``term`` must match it."""
    local_choice: str | None = Field(default=None, min_length=1)
    """Why the term is a local policy choice (the source sets no term, or another one)."""

    @field_validator("term", "min_term", "max_term", "source_term")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.strip().upper() in ("P0D", "P0Y", "P0M"):
            return "P0D"
        Duration.parse(value)  # raises with a clear message
        return value.strip().upper()

    @model_validator(mode="after")
    def _consistent(self) -> RetentionClass:
        if self.start not in _STARTS_FOR[self.covers]:
            raise ValueError(f"start '{self.start}' does not apply to {self.covers}")
        if self.covers == "subject-data" and not self.categories:
            raise ValueError("a class covering subject-data names its categories")
        if self.start == "fixed-date" and self.start_date is None:
            raise ValueError("start 'fixed-date' needs start_date")
        if self.start == "age-reached" and self.age is None:
            raise ValueError("start 'age-reached' needs age")
        if (self.min_term or self.max_term) and self.start != "agreed-at-step-7":
            raise ValueError("min_term/max_term only bound a term agreed at step 7")
        if self.local_choice is None:
            if self.source_term is None:
                raise ValueError(
                    f"class {self.id}: give source_term (the term its source sets) or "
                    "local_choice (why this term is a local policy choice)"
                )
            if self.source_term != self.term:
                raise ValueError(
                    f"class {self.id}: term {self.term} does not match source_term "
                    f"{self.source_term} of its source; match it or give local_choice"
                )
        return self

    def applies_to(self, category: str) -> bool:
        return EVERY_CATEGORY in self.categories or category in self.categories

    @property
    def duration(self) -> Duration:
        return duration(self.term)


def duration(text: str) -> Duration:
    return Duration() if text == "P0D" else Duration.parse(text)


class RetentionSettings(_Strict):
    four_eyes: bool = True
    """On (the default): a run proposes a destruction list that every role in
    ``reviewers`` approves before it is executed (Archiefwet 1995 art. 3, Archiefbesluit
    1995 art. 8). Off: single approval, the one who runs it executes it at once."""
    reviewers: list[str] = Field(
        default_factory=lambda: ["proceseigenaar", "archivaris"], min_length=1
    )
    """The roles (of permissions.toml) that each review a destruction list."""
    hold_review: str = "P6M"
    """How long after it is placed a legal hold is looked at again, unless its placing names
    a day (``retention hold place --review-on``): a hold is not forever (decision 0050)."""
    year_only_starts: list[Start] = Field(default_factory=lambda: [AGE_REACHED])
    """Start events derived from personal data (a date of birth): the record of a purge
    keeps only their year, so that no date of birth outlives its destroyed key."""

    @field_validator("hold_review")
    @classmethod
    def _review(cls, value: str) -> str:
        try:
            Duration.parse(value)
        except BadInput:
            raise ValueError(
                "a hold is looked at again some time after it is placed: a positive ISO 8601 "
                "duration such as P6M"
            ) from None
        return value.strip().upper()

    @field_validator("reviewers")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(value) != len(set(value)):
            raise ValueError("a role reviews a destruction list once: reviewers repeat")
        return value


class RetentionFile(_Strict):
    retention_class: list[RetentionClass] = Field(alias="class", min_length=1)
    settings: RetentionSettings = Field(default_factory=RetentionSettings)

    @model_validator(mode="after")
    def _unique(self) -> RetentionFile:
        ids = [c.id for c in self.retention_class]
        if len(ids) != len(set(ids)):
            raise ValueError("two retention classes share an id")
        return self

    def for_agreed_term(self) -> list[RetentionClass]:
        return [c for c in self.retention_class if c.start == "agreed-at-step-7"]
