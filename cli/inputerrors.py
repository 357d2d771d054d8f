"""A rejected command input as one plain sentence that names the CLI option, not the field.

The ledger validates its commands with pydantic (``ledger.commands.build``); its message
names model fields and regular expressions. Here the first problem is said again in the
terms of the command line: which option or argument, and what it expects. The offending
value is never repeated: it may be personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import click

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

# The patterns of ledger/commands.py in words (tests/test_input_errors.py checks that
# every pattern there is described here).
PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "a key of lowercase letters, digits and dashes, starting with "
    "a letter or digit",
    r"^[a-z0-9][a-z0-9._-]{1,62}$": "2 to 63 letters, digits, dots, dashes or underscores, "
    "starting with a letter or digit",
    r"^JG-\d{4}-\d{3,}$": "a case reference such as JG-2026-001 (see `regie case list`)",
    r"^[a-z0-9][a-z0-9-]{1,62}$": "2 to 63 lowercase letters, digits and dashes, starting "
    "with a letter or digit",
    r"^[A-Za-z_][A-Za-z0-9_.-]{0,62}$": "a database login of at most 63 letters, digits, "
    "dots, dashes or underscores, not starting with a digit",
    r"^tok_[0-9a-f]{12}$": "a token id such as tok_3f9a2c1d5e6b (see `regie token list`)",
}

# Fields whose expected form is better said by what they refer to than by their type.
REFERENCES = {
    "case": PATTERNS[r"^JG-\d{4}-\d{3,}$"],
    "subject": "a pseudonym such as P-3f9a2c1d0b (see `regie subject list`)",
    "subjects": "a pseudonym such as P-3f9a2c1d0b (see `regie subject list`)",
    "representative_of": "a pseudonym such as P-3f9a2c1d0b (see `regie subject list`)",
    "addressee": "a pseudonym such as P-3f9a2c1d0b (see `regie subject list`)",
    "share": "a share id of at least 6 characters (see `regie share list`)",
    "request": "a request id of at least 6 characters (see `regie share requests`)",
}


def is_command_error(error: BaseException | None) -> TypeGuard[ValidationError]:
    """True for the ValidationError of a ledger command (not of a policy or convenant file)."""
    from pydantic import ValidationError

    from ledger.commands import Command

    if not isinstance(error, ValidationError):
        return False
    pending: list[type[Command]] = [Command]
    while pending:
        model = pending.pop()
        if model.__name__ == error.title:
            return True
        pending.extend(model.__subclasses__())
    return False


def sentence(error: ValidationError, ctx: click.Context | None) -> str:
    """The first problem, as '<option> must be <what>.' with a pointer to --help."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    field = loc[0] if loc else ""
    where = _parameter(field, first.get("input"), ctx) or _as_option(field)
    if len(loc) > 1 and loc[-1] == "[key]":
        where = f"the KEY of {where}"
    text = f"{where} {_expectation(field, first)}"
    if ctx is not None and "(see " not in text:
        text += f" (see '{ctx.command_path} --help')"
    return text[:1].upper() + text[1:] + "."


def _expectation(field: str, error: ErrorDetails) -> str:
    kind = error["type"]
    limits: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "string_pattern_mismatch" or (field in REFERENCES and kind.startswith("string")):
        described = REFERENCES.get(field) or PATTERNS.get(str(limits.get("pattern")))
        return f"must be {described}" if described else "is not in the expected form"
    if kind == "string_too_long":
        return f"is too long: at most {limits['max_length']} characters"
    if kind == "string_too_short":
        minimum = limits.get("min_length", 1)
        return "must not be empty" if minimum == 1 else f"needs at least {minimum} characters"
    if kind == "too_short":
        return "is needed at least once"
    if kind == "literal_error":
        return f"must be one of {limits.get('expected', 'the values in --help')}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must be at least {limits.get('ge', limits.get('gt'))}"
    if kind.startswith(("date", "datetime")):
        return "must be a date such as 2026-11-22"
    if kind.startswith("int"):
        return "must be a whole number"
    if kind == "missing":
        return "is required"
    if kind == "id_prefix":
        from ledger.commands import ID_PREFIX_HELP

        return f"must be {ID_PREFIX_HELP}"
    return "is not valid"


def _parameter(field: str, value: Any, ctx: click.Context | None) -> str | None:
    """The option or argument that carried the field: by name, else by the value given."""
    if ctx is None:
        return None
    params = [p for p in ctx.command.params if p.name and p.expose_value]
    named = [p for p in params if p.name == field]
    if not named and value is not None:
        named = [p for p in params if _carries(ctx.params.get(p.name or ""), value)]
    return _display(named[0]) if len(named) == 1 else None


def _carries(given: Any, value: Any) -> bool:
    if isinstance(given, Sequence) and not isinstance(given, str):
        return value in given or list(given) == value
    return given is not None and given == value


def _display(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _as_option(field: str) -> str:
    return f"--{field.replace('_', '-')}" if field else "the input"
