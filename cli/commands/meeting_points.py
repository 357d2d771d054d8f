"""`regie meeting action-point` and `meeting done`: the action points agreed in a meeting
and their progress ("voortgang actiepunten", seed 004 L144). Registered on `meeting`."""

from __future__ import annotations

from typing import Any

import click

from cli.commands.meeting import MEETING, command, label
from cli.common import ISO_DATE, Context, echo, emit_json, handle_errors, json_option, pass_ctx


@command.command("action-point")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option("--text", required=True, help="What was agreed.")
@click.option("--organisation", required=True, help="Organisation that follows it up.")
@click.option("--due", type=ISO_DATE, required=True, help="By when.")
@click.option("--action", help="The plan action it follows up (A2); its progress shows.")
@json_option
@pass_ctx
@handle_errors
def action_point(
    ctx: Context,
    case_ref: str,
    meeting: int,
    text: str,
    organisation: str,
    due: Any,
    action: str | None,
    as_json: bool,
) -> None:
    """Record an action point agreed in the meeting, linked to a plan action or not.

    \b
    Example:
      regie meeting action-point JG-2026-001 M1 --text 'Extra toezicht vrijdag' \\
        --organisation politie --due 2026-12-20 --action A1
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    number = None
    if action is not None:
        digits = action.strip().upper().removeprefix("A")
        if not digits.isdigit():
            raise click.BadParameter("expected a plan action such as A2", param_hint="--action")
        number = int(digits)
    cmd = c.build(
        mc.AgreeActionPoint,
        case=case_ref,
        meeting=meeting,
        text=text,
        organisation=organisation,
        due=due,
        action=number,
    )
    point = ctx.ledger().meetings.agree_action_point(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(meeting), "action_point": f"P{point}"})
    else:
        echo(f"Recorded action point P{point} of {label(meeting)}.")


@command.command("done")
@click.argument("case_ref")
@click.argument("point")
@click.option("--on", "completed_on", type=ISO_DATE, help="Day it was done (default today).")
@click.option("--note", default="", help="How it was done (sealed).")
@json_option
@pass_ctx
@handle_errors
def done(
    ctx: Context, case_ref: str, point: str, completed_on: Any, note: str, as_json: bool
) -> None:
    """Record an action point that follows up no plan action as done.

    One that follows up a plan action is done with that action (`regie action done`).

    \b
    Example:
      regie meeting done JG-2026-001 P3 --note 'Winkeliers uitgenodigd'
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    digits = point.strip().upper().removeprefix("P")
    if not digits.isdigit():
        raise click.BadParameter("expected an action point such as P3", param_hint="POINT")
    cmd = c.build(
        mc.CompleteActionPoint,
        case=case_ref,
        number=int(digits),
        completed_on=completed_on,
        note=note,
    )
    ctx.ledger().meetings.complete_action_point(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "action_point": f"P{cmd.number}", "done": True})
        return
    echo(f"Action point P{cmd.number} of {cmd.case} is done.")
