"""The information duty (AVG art. 13/14) as policy data: deadline, addressees, texts.

Who receives a letter depends on the youth's age on the letter date; the bands, the
deadline, the sending organisation, the templates and the fixed texts are all data a
municipality can replace with its own ``letters.toml``.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ledger.durations import Duration
from ledger.errors import BadInput
from policies.model import _Strict

AddresseeKind = Literal["jongere", "wettelijk-vertegenwoordiger"]
ADDRESSEE_KINDS: tuple[AddresseeKind, ...] = ("jongere", "wettelijk-vertegenwoordiger")
YOUTH_TERMS = (
    "groepsscan",
    "functionaris-gegevensbescherming",
    "autoriteit-persoonsgegevens",
    "convenant",
)
"""Terms the youth's letter uses that need a plain explanation in [explain]."""
_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.j2$")
_KEY = r"^[a-z0-9][a-z0-9-]*$"


def _duration(value: str) -> str:
    try:
        Duration.parse(value)
    except BadInput as exc:
        raise ValueError(exc.message) from None
    return value.strip().upper()


class AgeBand(_Strict):
    """Who receives the letter while the youth's age is in [from_age, until_age)."""

    from_age: int = Field(ge=0, le=120)
    until_age: int | None = Field(default=None, ge=1, le=120)
    to: list[AddresseeKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AgeBand:
        if self.until_age is not None and self.until_age <= self.from_age:
            raise ValueError("until_age must be above from_age")
        if len(set(self.to)) != len(self.to):
            raise ValueError("an addressee kind is listed twice")
        return self

    def covers(self, age: int) -> bool:
        return self.from_age <= age and (self.until_age is None or age < self.until_age)


class Sender(_Strict):
    """The organisation that sends the letters, and what it says when no convenant does."""

    organisation: str = Field(pattern=_KEY)
    contact: str = Field(min_length=1)
    purpose: str = Field(min_length=1)
    legal_basis: list[str] = Field(min_length=1)


class Texts(_Strict):
    """Fixed sentences: how to exercise the rights, how to reach the supervisor, the
    essence of the joint arrangement (AVG art. 26(2)), automated decision-making (art.
    14(2)(g)), the group context and the choice the youth has (000 L1553-1561); each in
    formal Dutch for representatives and in plain Dutch for the youth."""

    exercise_rights: str = Field(min_length=1)
    exercise_rights_youth: str = Field(min_length=1)
    authority_contact: str = Field(min_length=1)
    contact_via_sender: str = Field(min_length=1)
    arrangement: str = Field(min_length=1)
    arrangement_youth: str = Field(min_length=1)
    automated: str = Field(min_length=1)
    automated_youth: str = Field(min_length=1)
    group_context: str = Field(min_length=1)
    group_context_youth: str = Field(min_length=1)
    choice: str = Field(min_length=1)
    choice_youth: str = Field(min_length=1)


class Controller(_Strict):
    """One controller as a letter names it (AVG art. 14(1)(a)-(b)): who, where, how to
    reach it and its privacy officer; the sender's also who signs."""

    organisation: str = Field(pattern=_KEY)
    name: str = Field(min_length=1)
    address: str = Field(min_length=1)
    contact: str = Field(min_length=1)
    fg: str = Field(min_length=1)
    signatory: str | None = Field(default=None, min_length=1)
    signatory_function: str | None = Field(default=None, min_length=1)


class Deferral(_Strict):
    """Which deferral grounds need a second decision, and by which role (UAVG art. 41)."""

    confirm_grounds: list[Literal["art14-5b", "uavg41"]] = Field(default_factory=list)
    confirmed_by: str = Field(default="privacy-officer", pattern=_KEY)


class Templates(_Strict):
    jongere: str
    wettelijk_vertegenwoordiger: str = Field(alias="wettelijk-vertegenwoordiger")

    @field_validator("jongere", "wettelijk_vertegenwoordiger")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _TEMPLATE_NAME.match(value):
            raise ValueError("a template is a file name ending in .j2, without a folder")
        return value

    def for_kind(self, kind: AddresseeKind) -> str:
        return self.jongere if kind == "jongere" else self.wettelijk_vertegenwoordiger


class LettersFile(_Strict):
    deadline: str
    max_review_period: str
    deferral_category: str = Field(pattern=_KEY)
    deadline_at_first_disclosure: bool = True
    personal_category: str = Field(default="gezinssituatie", pattern=_KEY)
    sender: Sender
    deferral: Deferral = Field(default_factory=Deferral)
    controller: list[Controller] = Field(default_factory=list)
    explain: dict[str, str] = Field(default_factory=dict)
    """Plain explanations for the youth's letter: per data category and per term."""
    age_band: list[AgeBand] = Field(min_length=1)
    templates: Templates
    texts: Texts

    @field_validator("deadline", "max_review_period")
    @classmethod
    def _durations(cls, value: str) -> str:
        return _duration(value)

    @model_validator(mode="after")
    def _bands(self) -> LettersFile:
        bands = sorted(self.age_band, key=lambda b: b.from_age)
        if bands[0].from_age != 0:
            raise ValueError("the first age band starts at from_age = 0")
        for before, after in pairwise(bands):
            if before.until_age != after.from_age:
                raise ValueError(
                    f"age bands leave a gap or overlap at age {before.until_age or after.from_age}"
                )
        if bands[-1].until_age is not None:
            raise ValueError("the last age band has no until_age (it runs on for every age)")
        keys = [c.organisation for c in self.controller]
        if len(set(keys)) != len(keys):
            raise ValueError("a [[controller]] organisation is listed twice")
        return self

    def controller_of(self, organisation: str) -> Controller | None:
        return next((c for c in self.controller if c.organisation == organisation), None)

    @property
    def deadline_duration(self) -> Duration:
        return Duration.parse(self.deadline)

    @property
    def review_duration(self) -> Duration:
        return Duration.parse(self.max_review_period)

    def addressee_kinds(self, age: int) -> tuple[AddresseeKind, ...]:
        """Who receives a letter about a youth of ``age`` on the letter date."""
        for band in self.age_band:
            if band.covers(age):
                return tuple(band.to)
        raise AssertionError("validated bands cover every age")  # pragma: no cover


TEMPLATES = Path(__file__).parent / "templates" / "letters"


def template_dirs(letters_file: Path) -> list[Path]:
    """Where templates are looked up: beside a municipality's letters.toml, then shipped."""
    own = letters_file.parent / "templates" / "letters"
    return [own, TEMPLATES] if own != TEMPLATES and own.is_dir() else [TEMPLATES]


def check_letters(
    letters: LettersFile, source: Path, organisations: frozenset[str], categories: frozenset[str]
) -> list[tuple[str, str]]:
    """Problems across policy files, as (key, problem) pairs: unknown keys, missing templates."""
    problems: list[tuple[str, str]] = []
    if letters.sender.organisation not in organisations:
        problems.append(
            ("sender.organisation", f"'{letters.sender.organisation}' is not a known organisation")
        )
    # The shipped defaults name the shipped organisations; a municipality with its own
    # organisations.toml may leave some of them unused (generation still refuses a letter
    # naming a controller without details). Its own letters.toml is checked in full.
    own = source.parent.resolve() != (Path(__file__).parent / "defaults").resolve()
    for index, controller in enumerate(letters.controller):
        if own and controller.organisation not in organisations:
            problems.append(
                (
                    f"controller[{index}].organisation",
                    f"'{controller.organisation}' is not a known organisation",
                )
            )
    for key in sorted(categories - set(letters.explain)) if own else []:
        problems.append((f"explain.{key}", "no plain explanation for this data category"))
    for term in YOUTH_TERMS:
        if term not in letters.explain:
            problems.append((f"explain.{term}", "no plain explanation for this term"))
    sender = letters.controller_of(letters.sender.organisation)
    if sender is not None and not (sender.signatory and sender.signatory_function):
        problems.append(
            (
                f"controller[{letters.controller.index(sender)}]",
                "the sender's controller needs signatory and signatory_function",
            )
        )
    if letters.personal_category not in categories:
        problems.append(
            ("personal_category", f"'{letters.personal_category}' is not a known data category")
        )
    if letters.deferral_category not in categories:
        problems.append(
            ("deferral_category", f"'{letters.deferral_category}' is not a known data category")
        )
    dirs = template_dirs(source)
    for kind in ADDRESSEE_KINDS:
        name = letters.templates.for_kind(kind)
        if not any((d / name).is_file() for d in dirs):
            where = ", ".join(str(d) for d in dirs)
            problems.append((f"templates.{kind}", f"template '{name}' not found in {where}"))
    return problems
