from __future__ import annotations

from typing import Any

import click

from cli import render
from cli.common import ISO_DATE, Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.group("action")
def command() -> None:
    """Add, complete, escalate and list the actions of a plan van aanpak."""


@command.command("add")
@click.argument("case_ref")
@click.option("--description", required=True, help="What will be done.")
@click.option("--track", required=True, help="persoon-gezin, groep or locatie.")
@click.option("--org", "organisation", required=True, help="Responsible organisation.")
@click.option("--person", required=True, help="Responsible person (function or name).")
@click.option("--due", type=ISO_DATE, required=True, help="Due date.")
@click.option(
    "--urgent",
    is_flag=True,
    help="An urgent measure at any step, before the formal decision; needs --reason and "
    "--authorised-by, and is ratified by the next step-4 decision (--ratify).",
)
@click.option("--reason", default="", help="With --urgent: why it cannot wait.")
@click.option("--authorised-by", default="", help="With --urgent: who authorised it.")
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    case_ref: str,
    description: str,
    track: str,
    organisation: str,
    person: str,
    due: Any,
    urgent: bool,
    reason: str,
    authorised_by: str,
    as_json: bool,
) -> None:
    """Add an action to the current plan (steps 5 and 6), or an urgent measure.

    \b
    Example:
      regie action add JG-2026-001 --description 'Gesprek met ouders' --track persoon-gezin \\
        --org sociaal-wijkteam --person 'Wijkteam Centrum' --due 2027-01-31
      regie action add JG-2026-001 --urgent --description 'Cameratoezicht plein' \\
        --track locatie --org gemeente --person 'Team Toezicht' --due 2026-12-15 \\
        --reason 'Escalatie dit weekend' --authorised-by 'Burgemeester'
    """
    from ledger import commands as c
    from ledger.cases import commands as cc

    fields = dict(case=case_ref, description=description, track=track,
                  organisation=organisation, person=person, due=due)  # fmt: skip
    if urgent:
        measure = c.build(
            cc.TakeUrgentMeasure, **fields, reason=reason, authorised_by=authorised_by
        )
        taken = ctx.ledger().cases.take_urgent_measure(measure, ctx.acting())
        if as_json:
            emit_json({"case": measure.case, "action": f"A{taken}", "urgent": True})
        else:
            echo(f"Took urgent measure A{taken} on {measure.case}; the next step-4 decision "
                 "ratifies it.")  # fmt: skip
        return
    if reason or authorised_by:
        raise click.UsageError("--reason and --authorised-by go with --urgent")
    cmd = c.build(c.AddAction, **fields)
    number = ctx.ledger().cases.add_action(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "action": f"A{number}"})
    else:
        echo(f"Added action A{number} to {cmd.case}.")


@command.command("done")
@click.argument("case_ref")
@click.argument("action_id")
@click.option("--on", "completed_on", type=ISO_DATE, help="Completion date (default today).")
@click.option("--note", default="", help="Short note on the result.")
@json_option
@pass_ctx
@handle_errors
def done(
    ctx: Context, case_ref: str, action_id: str, completed_on: Any, note: str, as_json: bool
) -> None:
    """Mark an open action as completed.

    \b
    Example:
      regie action done JG-2026-001 A2 --note 'Inloop draait sinds januari'
    """
    from ledger import commands as c

    cmd = c.build(
        c.CompleteAction,
        case=case_ref,
        number=c.parse_action_number(action_id),
        completed_on=completed_on,
        note=note,
    )
    ctx.ledger().cases.complete_action(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "action": f"A{cmd.number}", "status": "afgerond"})
    else:
        echo(f"Action A{cmd.number} of {cmd.case} is done.")


@command.command("reuse")
@click.argument("case_ref")
@click.argument("action_id")
@click.option("--share", required=True, help="The provision the action builds on (its id).")
@click.option(
    "--compatibility",
    help="If it was received for another purpose or case: the compatibility assessment (AVG"
    " art. 6(4)); the privacy officer reviews it.",
)
@click.option("--on", type=ISO_DATE, help="Date (default today).")
@json_option
@pass_ctx
@handle_errors
def reuse(
    ctx: Context,
    case_ref: str,
    action_id: str,
    share: str,
    compatibility: str | None,
    on: Any,
    as_json: bool,
) -> None:
    """Record that an action builds on a provision (doelbinding). Refused (exit 1, nothing
    written) if the provision did not reach your organisation, or was received for another
    purpose or case than the plan's and no --compatibility assessment is given.

    \b
    Example:
      regie action reuse JG-2026-001 A2 --share 3f9a2c1d
    """
    from ledger import commands as c
    from ledger.sharing.reuse import ReuseProvision

    cmd = c.build(
        ReuseProvision,
        case=case_ref,
        action=c.parse_action_number(action_id),
        share=share,
        compatibility=compatibility,
        on=on,
    )
    number = ctx.ledger().sharing.reuse_provision(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "reuse": number, "flagged": compatibility is not None})
    else:
        echo(
            f"Recorded reuse {number}: action A{cmd.action} of {cmd.case} uses share {share}"
            + ("; flagged for the privacy officer's review." if compatibility else ".")
        )


@command.command("escalate")
@click.argument("case_ref")
@click.argument("action_id")
@click.option(
    "--to",
    "escalated_to",
    required=True,
    help="To whom: the partner's line manager, then the burgemeester.",
)
@click.option("--reason", required=True, help="Which agreement was not kept.")
@click.option("--on", "escalated_on", type=ISO_DATE, help="Date (default today).")
@json_option
@pass_ctx
@handle_errors
def escalate(
    ctx: Context,
    case_ref: str,
    action_id: str,
    escalated_to: str,
    reason: str,
    escalated_on: Any,
    as_json: bool,
) -> None:
    """Escalate an action whose agreement was not kept (step 6).

    \b
    Example:
      regie action escalate JG-2026-001 A3 --to 'Teamchef politie' \\
        --reason 'Afgesproken extra surveillance niet uitgevoerd'
    """
    from ledger import commands as c

    cmd = c.build(
        c.EscalateAction,
        case=case_ref,
        number=c.parse_action_number(action_id),
        escalated_to=escalated_to,
        reason=reason,
        escalated_on=escalated_on,
    )
    ctx.ledger().cases.escalate_action(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "action": f"A{cmd.number}", "escalated_to": cmd.escalated_to})
    else:
        echo(f"Escalated action A{cmd.number} of {cmd.case} to {cmd.escalated_to}.")


@command.command("list")
@click.argument("case_ref", required=False)
@click.option(
    "--status",
    type=click.Choice(["open", "afgerond", "vervallen", "overgedragen"]),
    help="Only actions with this status.",
)
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@json_option
@pass_ctx
@handle_errors
def list_(
    ctx: Context, case_ref: str | None, status: str | None, overdue: bool, as_json: bool
) -> None:
    """List actions of one case or all cases; --overdue for what is late.

    \b
    Example:
      regie action list --overdue
    """
    rows = ctx.ledger().cases.actions(ctx.acting(), case_ref, status, overdue)
    if as_json:
        emit_json(rows)
    else:
        render.actions(rows)
