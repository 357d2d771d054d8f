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
    key_values,
    pass_ctx,
)


@click.group("decision")
def command() -> None:
    """Record the step-4 decision, or a working decision (wait, sharing level).

    The step-4 decision prioritises the group or not, or asks for extra analysis; a working
    decision at any step waits and looks again, or moves sharing to another level."""


def _meeting_number(value: str | None) -> int | None:
    if value is None:
        return None
    digits = value.strip().upper().removeprefix("M")
    if not digits.isdigit():
        raise click.BadParameter("expected a meeting such as M1", param_hint="--meeting")
    return int(digits)


@command.command("record")
@click.argument("case_ref")
@click.option(
    "--prioritised",
    "outcome",
    flag_value="geprioriteerd",
    help="Take the group on; name all five items with --item.",
)
@click.option(
    "--not-prioritised",
    "outcome",
    flag_value="niet-geprioriteerd",
    help="Do not take the group on; needs --motivation.",
)
@click.option(
    "--extra-analysis",
    "outcome",
    flag_value="extra-analyse",
    help="Ask for a motivated extra analysis first; needs --motivation.",
)
@click.option(
    "--wait",
    "outcome",
    flag_value="afwachten",
    help="A working decision at any step: wait and look again on --review-on; needs --motivation.",
)
@click.option(
    "--level",
    help="A working decision at any step: share at this level from now on (werkproces.toml "
    "[sharing_level]: groepsniveau, kerngroep, convenant); needs --motivation.",
)
@click.option("--review-on", type=ISO_DATE, help="With --wait: the day to look again.")
@click.option(
    "--ratify",
    multiple=True,
    metavar="ACTION",
    help="An urgent measure (A1) this step-4 decision ratifies; repeat per measure.",
)
@click.option(
    "--item",
    "items",
    multiple=True,
    metavar="KEY=TEXT",
    help="doelen-en-kaders, sturing, informeermomenten, strafrechtelijk-traject, "
    "externe-communicatie; repeat per item.",
)
@click.option("--motivation", default="", help="Why (required unless prioritised).")
@click.option("--body", required=True, help="Deciding meeting, e.g. ketenoverleg or driehoek.")
@click.option("--decided-on", type=ISO_DATE, help="Date of the decision (default today).")
@click.option("--meeting", help="The meeting of the case it was taken in (M1, `meeting list`).")
@json_option
@pass_ctx
@handle_errors
def record(
    ctx: Context,
    case_ref: str,
    outcome: str | None,
    items: tuple[str, ...],
    motivation: str,
    body: str,
    decided_on: Any,
    level: str | None,
    review_on: Any,
    ratify: tuple[str, ...],
    meeting: str | None,
    as_json: bool,
) -> None:
    """Record a step-4 decision, or a working decision (--wait, --level).

    The decision of the ketenoverleg or driehoek at step 4 prioritises or not; a working
    decision at any step waits and looks again, or moves sharing to another level, and
    never prioritises.

    \b
    Example:
      regie decision record JG-2026-001 --prioritised --body driehoek \\
        --item doelen-en-kaders='Overlast halveren binnen 6 maanden; max 200 uur' \\
        --item sturing='Driehoek; escalatie via burgemeester' \\
        --item informeermomenten='Maandelijks in het ketenoverleg' \\
        --item strafrechtelijk-traject='Geen lopend onderzoek' \\
        --item externe-communicatie='Woordvoerder gemeente'
      regie decision record JG-2026-001 --wait --review-on 2026-12-07 --body ketenoverleg \\
        --motivation 'Eerst het weekend afwachten'
      regie decision record JG-2026-001 --level kerngroep --body ketenoverleg \\
        --motivation 'Sleutelfiguren in beeld; namen delen met de kernpartners'
    """
    from ledger import commands as c
    from ledger.cases import commands as cc

    if level is not None:
        if outcome is not None:
            raise click.UsageError("--level is a decision of its own: leave out " + outcome)
        outcome = "deelniveau"
    if outcome is None:
        raise click.UsageError(
            "say which decision: --prioritised, --not-prioritised, --extra-analysis, "
            "--wait or --level"
        )
    if outcome in ("afwachten", "deelniveau"):
        if items or ratify:
            raise click.UsageError("--item and --ratify belong to a step-4 decision")
        working = c.build(
            cc.RecordWorkingDecision,
            case=case_ref,
            kind=outcome,
            motivation=motivation,
            body=body,
            review_on=review_on,
            level=level,
            decided_on=decided_on,
            meeting=_meeting_number(meeting),
        )
        number = ctx.ledger().cases.record_working_decision(working, ctx.acting())
        if as_json:
            emit_json({"case": working.case, "decision": number, "outcome": outcome})
        elif level is not None:
            echo(f"Recorded decision {number} on {working.case}: share at level {level}.")
        else:
            echo(f"Recorded decision {number} on {working.case}: wait, look again on "
                 f"{working.review_on}.")  # fmt: skip
        return
    cmd = c.build(
        c.RecordDecision,
        case=case_ref,
        outcome=outcome,
        items=key_values(items, "--item"),
        motivation=motivation,
        body=body,
        decided_on=decided_on,
        ratify=[_action_number(a) for a in ratify],
        meeting=_meeting_number(meeting),
    )
    number = ctx.ledger().cases.record_decision(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "decision": number, "outcome": cmd.outcome})
    else:
        echo(f"Recorded decision {number} on {cmd.case}: {cmd.outcome}.")


def _action_number(text: str) -> int:
    """A1 or 1: the number of an action."""
    digits = text.strip().upper().removeprefix("A")
    if not digits.isdigit() or int(digits) < 1:
        raise click.BadParameter(f"'{text}' is not an action (A1, A2, ...)", param_hint="--ratify")
    return int(digits)
