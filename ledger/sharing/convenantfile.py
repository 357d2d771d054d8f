"""A convenant version from TOML (the format `regie convenant add|amend --file` takes).

See ``ledger/examples/convenant.toml`` for a complete, commented example.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ledger.errors import BadInput
from policies.loader import Policies

Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Purpose(_Strict):
    key: Key
    label: Text


class Instrument(_Strict):
    """A legal instrument a party provides under (a besluit ex art. 20 Wpg for the police):
    its kind is one of the policy's (sharing.toml ``[[instrument_kind]]``)."""

    kind: Key
    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    dated: date = Field(alias="date")
    version: Text
    scope: Text


class Party(_Strict):
    organisation: Key
    role: Literal["kernpartner", "netwerkpartner"]
    legal_basis: list[Text] = Field(min_length=1)
    contact: Text | None = None  # how a data subject reaches this controller
    instrument: list[Instrument] = Field(default_factory=list)


class MatrixRow(_Strict):
    article: Text
    source: Key = Field(alias="from")
    to: list[Key] = Field(min_length=1)
    categories: list[Key] = Field(min_length=1)
    from_step: int = Field(ge=1, le=7)
    purposes: list[Key] = Field(min_length=1)


class ConvenantContent(_Strict):
    name: Text
    valid_from: date
    valid_until: date | None = None
    purpose: list[Purpose] = Field(min_length=1)
    party: list[Party] = Field(min_length=2)
    share: list[MatrixRow] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ConvenantContent:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until lies before valid_from")
        parties = [p.organisation for p in self.party]
        if len(set(parties)) != len(parties):
            raise ValueError("a party is listed twice")
        for index, party in enumerate(self.party):
            ids = [i.id for i in party.instrument]
            if len(set(ids)) != len(ids):
                raise ValueError(f"party[{index}].instrument: an id is listed twice")
        purposes = {p.key for p in self.purpose}
        for index, row in enumerate(self.share):
            for org in (row.source, *row.to):
                if org not in parties:
                    raise ValueError(f"share[{index}]: '{org}' is not a party")
            unknown = set(row.purposes) - purposes
            if unknown:
                raise ValueError(f"share[{index}]: purpose '{sorted(unknown)[0]}' is not declared")
        return self

    def record(self) -> dict[str, Any]:
        """Plain JSON values for the event payload."""
        return self.model_dump(mode="json", by_alias=True)


def load_convenant(path: Path, policies: Policies) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the convenant ({exc.strerror})") from exc
    return parse_convenant(text, policies, str(path))


def parse_convenant(text: str, policies: Policies, path: str = "convenant") -> dict[str, Any]:
    """A convenant's TOML, validated; ``path`` names it in messages (the client's file)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from exc
    try:
        content = ConvenantContent.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "convenant"
        raise BadInput(f"{path}: {where}: {first['msg']}") from exc
    kinds = [k.key for k in policies.sharing.instrument_kind]
    for index, party in enumerate(content.party):
        if party.organisation not in policies.organisation_keys:
            raise BadInput(f"{path}: party '{party.organisation}' is not a known organisation")
        for number, instrument in enumerate(party.instrument):
            if instrument.kind not in kinds:
                raise BadInput(
                    f"{path}: party[{index}].instrument[{number}].kind: unknown instrument kind "
                    f"'{instrument.kind}'; known: {', '.join(kinds) or 'none'}"
                )
    for index, row in enumerate(content.share):
        unknown = set(row.categories) - policies.categories
        if unknown:
            raise BadInput(
                f"{path}: share[{index}].categories: unknown category '{sorted(unknown)[0]}'"
            )
    return content.record()
