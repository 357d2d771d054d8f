from __future__ import annotations

from typing import Any

import click

from cli.common import (
    ISO_DATE,
    Context,
    echo,
    emit_json,
    handle_errors,
    json_option,
    pass_ctx,
    table,
)
from ledger.access.purposes import DEFAULT_PURPOSE

_POSITION = [
    click.option(
        "--core", type=click.Choice(["kern", "aanhang"]), required=True, help="Kern or aanhang."
    ),
    click.option("--influence", required=True, help="negatief, positief or meeloper."),
    click.option("--kopstuk", is_flag=True, help="A leading figure of the group."),
    click.option("--from", "from_date", type=ISO_DATE, help="From date (default today)."),
]


def _position(func: Any) -> Any:
    for option in reversed(_POSITION):
        func = option(func)
    return func


@click.group("member")
def command() -> None:
    """Link youths to a case (from step 2) and track their position over time."""


@command.command("add")
@click.argument("case_ref")
@click.argument("subject")
@_position
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    case_ref: str,
    subject: str,
    core: str,
    influence: str,
    kopstuk: bool,
    from_date: Any,
    as_json: bool,
) -> None:
    """Make a youth a member of the case's group (not in step 1; needs a coordinator).

    \b
    Example:
      regie member add JG-2026-001 P-3f9a2c1d0b --core kern --influence negatief --kopstuk
    """
    _membership(ctx, "add", case_ref, subject, core, influence, kopstuk, from_date, as_json)


@command.command("change")
@click.argument("case_ref")
@click.argument("subject")
@_position
@json_option
@pass_ctx
@handle_errors
def change(
    ctx: Context,
    case_ref: str,
    subject: str,
    core: str,
    influence: str,
    kopstuk: bool,
    from_date: Any,
    as_json: bool,
) -> None:
    """Record a new position of a member from a date on.

    \b
    Example:
      regie member change JG-2026-001 P-3f9a2c1d0b --core aanhang --influence meeloper
    """
    _membership(ctx, "change", case_ref, subject, core, influence, kopstuk, from_date, as_json)


def _membership(
    ctx: Context,
    verb: str,
    case_ref: str,
    subject: str,
    core: str,
    influence: str,
    kopstuk: bool,
    from_date: Any,
    as_json: bool,
) -> None:
    """Add a member, or record a member's new position: the same input, one call apart."""
    from ledger import commands as c

    cmd = c.build(
        c.Membership,
        case=case_ref,
        subject=subject,
        core=core,
        influence=influence,
        kopstuk=kopstuk,
        from_date=from_date,
    )
    group = ctx.ledger().group
    (group.add_member if verb == "add" else group.change_member)(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "subject": subject, "core": core, "influence": influence})
    elif verb == "add":
        echo(f"{subject} is a member of {cmd.case} ({core}, {influence}).")
    else:
        echo(f"Position of {subject} in {cmd.case} is now {core}, {influence}.")


@command.command("end")
@click.argument("case_ref")
@click.argument("subject")
@click.option("--on", "to_date", type=ISO_DATE, help="End date (default today).")
@click.option("--reason", required=True, help="Why the membership ends.")
@json_option
@pass_ctx
@handle_errors
def end(
    ctx: Context, case_ref: str, subject: str, to_date: Any, reason: str, as_json: bool
) -> None:
    """End a membership (the retention of its data is counted from this date).

    \b
    Example:
      regie member end JG-2026-001 P-3f9a2c1d0b --reason 'Verhuisd, geen binding meer'
    """
    from ledger import commands as c

    cmd = c.build(c.EndMembership, case=case_ref, subject=subject, to_date=to_date, reason=reason)
    ctx.ledger().group.end_member(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "subject": subject, "ended": True})
    else:
        echo(f"Membership of {subject} in {cmd.case} ended.")


@command.command("list")
@click.argument("case_ref")
@click.option("--names", is_flag=True, help="Also show names (personal data).")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, case_ref: str, names: bool, as_json: bool) -> None:
    """List the members of a case with their current position.

    \b
    Example:
      regie member list JG-2026-001 --names
    """
    ledger = ctx.ledger()
    rows = ledger.group.members(case_ref.upper(), names, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(rows)
        return
    columns = [
        "subject",
        *(["naam"] if names else []),
        "kern/aanhang",
        "invloed",
        "kopstuk",
        "sinds",
        "tot",
    ]
    table(
        "Leden",
        columns,
        (
            (
                r["subject"],
                *([r["name"]] if names else []),
                r["core"],
                r["influence"],
                "ja" if r["kopstuk"] else "",
                r["since"],
                r["ended_on"],
            )
            for r in rows
        ),
    )
