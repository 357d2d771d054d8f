"""Imperative commands, validated at the edge. Shape errors become BadInput (exit 2); keys
from policy data are checked by the application, so municipalities can rename them."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from ledger.errors import BadInput, NotFound

TEXT_MAX = 4000
"""Characters in one free text (a reason, a note, a motivation): a page, not a file."""
NAME_MAX = 200

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TEXT_MAX)]
"""Free text that may be left empty."""
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*$")]
HANDLE_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,62}$"
Handle = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=HANDLE_PATTERN)
]
CaseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^JG-\d{4}-\d{3,}$")
]
REF_HELP = "a case reference such as JG-2026-001 (see `regie case list`)"

# -- id prefixes: the start of a stored id (a UUID) as a user types it ----------------

ID_PREFIX_HELP = "the start of an id: 4 or more hex digits (0-9, a-f), such as 3f9a2c1d"
_HEX_DIGITS = re.compile(r"[0-9a-f]{4,32}")
_UUID_CUTS = (0, 8, 12, 16, 20, 32)


def _dashed(digits: str) -> str:
    """Hex digits laid out like the start of a canonical UUID (dashes after 8, 12, 16, 20)."""
    groups = pairwise(_UUID_CUTS)
    return "-".join(digits[start:end] for start, end in groups if start < len(digits))


def normal_id_prefix(text: str) -> str | None:
    """The prefix as stored ids begin (lower case, UUID dashes), or None if malformed.

    Only hex digits pass (dashes only where a UUID has them), so a prefix can never bring
    a LIKE wildcard or anything else into a query.
    """
    value = text.strip().lower()
    digits = value.replace("-", "")
    if not _HEX_DIGITS.fullmatch(digits) or value not in (digits, _dashed(digits)):
        return None
    return _dashed(digits)


def id_prefix(text: str, what: str) -> str:
    """:func:`normal_id_prefix` or BadInput naming ``what`` (never echoing the input)."""
    prefix = normal_id_prefix(text)
    if prefix is None:
        raise BadInput(f"{what} must be {ID_PREFIX_HELP}")
    return prefix


def _id_prefix_field(value: str) -> str:
    prefix = normal_id_prefix(value)
    if prefix is None:
        raise PydanticCustomError("id_prefix", ID_PREFIX_HELP)
    return prefix


IdPrefix = Annotated[str, AfterValidator(_id_prefix_field)]


def one_match(matches: list[str], prefix: str, what: str, see: str | None = None) -> str:
    """The single id a prefix names: none is NotFound, several are refused (never a pick)."""
    if not matches:
        raise NotFound(f"no {what} starts with '{prefix}'" + (f"; see `{see}`" if see else ""))
    if len(matches) > 1:
        raise BadInput(f"'{prefix}' starts {len(matches)} {what}s; give more digits")
    return matches[0]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class RegisterActor(Command):
    handle: Handle
    display_name: Name
    organisation: Key
    roles: list[Key] = Field(min_length=1)
    db_user: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,62}$")] | None
    ) = None


class DeactivateActor(Command):
    handle: Handle
    reason: Text


class OpenCase(Command):
    working_name: Name
    municipality: Name
    area: Name
    opened_on: date | None = None


class RecordSignal(Command):
    case: CaseRef
    observed_on: date | None = None
    kind: Key
    location: Name
    source_org: Key
    source_role: Name
    text: Text


class Designate(Command):
    case: CaseRef
    coordinator: Handle
    decided_on: date | None = None


class ChangeStep(Command):
    case: CaseRef
    body: Key
    reason: Text
    decided_on: date | None = None


class Advance(ChangeStep):
    merge_4_5: bool = False


class StepBack(ChangeStep):
    to_step: Literal[3, 5]


class EndEarly(ChangeStep):
    outcome: Key


class RecordDecision(Command):
    case: CaseRef
    outcome: Literal["geprioriteerd", "niet-geprioriteerd", "extra-analyse"]
    items: dict[Key, Note] = Field(default_factory=dict)
    motivation: Note = ""
    body: Key
    decided_on: date | None = None
    ratify: list[int] = Field(default_factory=list)  # urgent measures taken before it
    meeting: int | None = Field(default=None, ge=1)  # the meeting it was taken in (M<n>)


class PlanTrack(Command):
    kind: Key
    description: Text


class PlanAction(Command):
    number: int | None = Field(default=None, ge=1)
    description: Text
    track: Key
    organisation: Key
    person: Name
    due: date


class SetPlan(Command):
    case: CaseRef
    goals: list[Text] = Field(min_length=1)
    tracks: list[PlanTrack] = Field(default_factory=list)
    actions: list[PlanAction] = Field(default_factory=list)


class AddAction(Command):
    case: CaseRef
    description: Text
    track: Key
    organisation: Key
    person: Name
    due: date


class CompleteAction(Command):
    case: CaseRef
    number: int = Field(ge=1)
    completed_on: date | None = None
    note: Note = ""


class EscalateAction(Command):
    case: CaseRef
    number: int = Field(ge=1)
    escalated_to: Name
    reason: Text
    escalated_on: date | None = None


class Handover(Command):
    organisation: Key
    note: Note = ""


class CloseCase(Command):
    case: CaseRef
    goals_reached: Literal["ja", "deels", "nee"]
    goals_assessment: Text
    handover: dict[int, Handover] = Field(default_factory=dict)
    bewaartermijn: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    evaluation: dict[Key, Note] = Field(default_factory=dict)
    closed_on: date | None = None


C = TypeVar("C", bound=Command)

_ACTION_REF = re.compile(r"^A?(\d+)$", re.IGNORECASE)


def free_text(value: str, option: str, limit: int = TEXT_MAX) -> str:
    """A free-text option that is not part of a command model, bounded like :data:`Text`."""
    text = value.strip()
    if not text:
        raise BadInput(f"{option}: must not be empty")
    if len(text) > limit:
        raise BadInput(f"{option}: at most {limit} characters, not {len(text)}")
    return text


def actor_handle(text: str, what: str) -> str:
    """An actor id given outside a command, checked like :data:`Handle` (never echoed)."""
    handle = text.strip().lower()
    if not re.fullmatch(HANDLE_PATTERN, handle):
        raise BadInput(
            f"{what}: expected an actor id such as r.devries: 2 to 63 of a-z, 0-9, '.', '_', '-'"
        )
    return handle


def parse_action_number(text: str) -> int:
    match = _ACTION_REF.match(text.strip())
    if not match or int(match.group(1)) < 1:
        raise BadInput(f"'{text}' is not an action number such as A3 (see `regie action list`)")
    return int(match.group(1))


def build(model: type[C], **values: Any) -> C:
    """Validate a command; the first problem becomes a one-line BadInput."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or model.__name__
        msg = first["msg"]
        if field == "case" or field.endswith(".case"):
            msg = f"expected {REF_HELP}"
        raise BadInput(f"{field}: {msg}") from exc


# -- persons (issue: personal data under seal) ----------------------------------------

SubjectRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=40)]
_BSN = re.compile(r"[0-9]{9}")
"""ASCII digits only (``\\d`` takes any script's digits) and the whole value (``$`` lets a
trailing newline through)."""


def valid_bsn(value: str) -> bool:
    """The BSN eleven-test (elfproef): weights 9..2 and -1 over the nine digits."""
    if not _BSN.fullmatch(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    return (total - int(value[8])) % 11 == 0


class RegisterSubject(Command):
    kind: Literal["jongere", "wettelijk-vertegenwoordiger"]
    name: Name
    date_of_birth: date | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] | None = None
    bsn: str | None = None
    representative_of: SubjectRef | None = None
    new_person: bool = False  # registered anyway when the blind index finds a match
    registered_on: date | None = None  # back-dated registration (retention counts from it)


class RecordNote(Command):
    subject: SubjectRef
    category: Key
    text: Text


class EraseSubject(Command):
    subject: SubjectRef
    reason: Text
    basis: Text


class Membership(Command):
    case: CaseRef
    subject: SubjectRef
    core: Key
    influence: Key
    kopstuk: bool = False
    from_date: date | None = None


class EndMembership(Command):
    case: CaseRef
    subject: SubjectRef
    to_date: date | None = None
    reason: Text


class AgreeNamenlijst(Command):
    case: CaseRef
    subjects: list[SubjectRef] = Field(min_length=1)
    partners: list[Key] = Field(min_length=1)
    agreed_on: date | None = None


class RequestGroepsscan(Command):
    case: CaseRef
    requested_by: Literal["burgemeester", "contactpersoon"]
    addressed_to: Name = "teamchef politie"
    motivation: Text
    requested_on: date | None = None


class ReceiveGroepsscan(Command):
    case: CaseRef
    received_on: date | None = None
    recipients: list[Name] = Field(min_length=1)
    unknown_names: int = Field(ge=0)
    informatiepositie: Literal["zwak", "matig", "sterk"]
    summary: Text


class NotePoliceReport(Command):
    case: CaseRef
    subject: SubjectRef
    reported_on: date | None = None


# -- sharing (issue: convenants and verstrekkingen) -------------------------------------

ConvenantKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$"),
]


class SignConvenant(Command):
    convenant: ConvenantKey
    version: int | None = Field(default=None, ge=1)
    party: Key
    signer: Name
    signed_on: date | None = None


class RecordShare(Command):
    case: CaseRef
    from_org: Key
    to_orgs: list[Key] = Field(min_length=1)
    named_recipients: list[Name] = Field(default_factory=list)
    subjects: list[SubjectRef] = Field(default_factory=list)
    categories: list[Key] = Field(min_length=1)
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    convenant: ConvenantKey | None = None
    convenant_version: int | None = Field(default=None, ge=1)
    article: Name | None = None
    legal_basis: Name | None = None
    necessity: Text
    meeting: Key | None = None
    decided_on: date | None = None
    om_conditions: list[Key] = Field(default_factory=list)  # only on a request
    source: IdPrefix | None = None  # the provision this one passes on (provenance)
    compatibility: Text | None = None  # the assessment (AVG art. 6(4)) for another purpose
    instrument: Name | None = None  # the id of the provider's instrument in the convenant


class Participation(Command):
    case: CaseRef
    actor: Handle
    reason: Text
