"""The token commands, validated at the edge like ``ledger/commands.py`` (full there)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import StringConstraints

from ledger.commands import Command, Handle, Note

TokenId = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^tok_[0-9a-f]{12}$")
]


class IssueToken(Command):
    actor: Handle
    expires_on: date | None = None


class RevokeToken(Command):
    token_id: TokenId
    reason: Note = ""
