"""`regie letters inform` and `letters decide-deferral`: informing as practised and the
privacy officer's second decision on a deferral. Registered on the `letters` group."""

from __future__ import annotations

from typing import Any

import click

from cli.commands.letters import ON_OPTION, command
from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@command.command("inform")
@click.argument("subject")
@click.option(
    "--how",
    required=True,
    type=click.Choice(["brief", "huisgesprek", "telefoon", "via-partner"]),
    help="By letter, at the home conversation, by phone, or through a partner.",
)
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(["jongere", "vertegenwoordiger"]),
    help="Who was informed: the youth, or a legal representative.",
)
@click.option(
    "--addressee",
    metavar="SUBJECT",
    help="Which representative (P-...), when the youth has more than one.",
)
@ON_OPTION
@click.option(
    "--by-org",
    "by_org",
    metavar="ORG",
    help="The organisation that informed (default: the one you act for), e.g. jongerenwerk.",
)
@click.option(
    "--with-letter",
    "with_letter",
    is_flag=True,
    help="The generated letter was handed over or sent in this contact.",
)
@click.option("--told", help="What was told (sealed); needed without --with-letter.")
@json_option
@pass_ctx
@handle_errors
def inform(
    ctx: Context,
    subject: str,
    how: str,
    to: str,
    addressee: str | None,
    on: Any,
    by_org: str | None,
    with_letter: bool,
    told: str | None,
    as_json: bool,
) -> None:
    """Record that the youth or a representative was informed, however it happened.

    The information duty is vormvrij: a phone call by Loket Jeugd, the home
    conversation, or a partner handing over the letter count once recorded (who, when,
    how, to whom, and what was told or which letter). A partner contact records what
    their own organisation did.

    \b
    Example:
      regie letters inform P-3f9a2c1d0b --how telefoon --to vertegenwoordiger \\
        --on 2026-11-25 --by-org jongerenwerk \\
        --told 'Moeder gebeld: uitgelegd welke gegevens we delen en waarom'
      regie letters inform P-3f9a2c1d0b --how huisgesprek --to jongere --with-letter
    """
    from ledger import commands as c
    from ledger.letters.commands import InformSubject

    cmd = c.build(
        InformSubject,
        subject=subject,
        how=how,
        to=to,
        addressee=addressee,
        informed_on=on,
        by_org=by_org,
        with_letter=with_letter,
        told=told,
    )
    row = ctx.ledger().letters.inform(cmd, ctx.acting())
    if as_json:
        emit_json(row)
    else:
        letter = " with the letter" if row["letter_sha256"] else ""
        echo(
            f"Recorded that {row['addressee']} ({row['kind']}) was informed ({row['how']}"
            f"{letter}) on {row['on']} by {row['by_org']}."
        )


@command.command("decide-deferral")
@click.argument("subject")
@click.option(
    "--confirm/--reject",
    "confirm",
    required=True,
    default=None,
    help="Confirm the pending deferral (it takes effect) or reject it (the letter is due).",
)
@click.option("--reason", required=True, help="The privacy officer's motivation (sealed).")
@ON_OPTION
@json_option
@pass_ctx
@handle_errors
def decide_deferral(
    ctx: Context, subject: str, confirm: bool, reason: str, on: Any, as_json: bool
) -> None:
    """The privacy officer's second decision on a pending deferral.

    UAVG art. 41 restricts a right of the data subject. A deferral on a ground of
    letters.toml [deferral] confirm_grounds, decided by the uitvoeringscoördinator or
    regisseur, awaits this decision; until it is confirmed the letter stays due.

    \b
    Example:
      regie letters decide-deferral P-3f9a2c1d0b --confirm \\
        --reason 'Opsporingsbelang bevestigd door de officier van justitie'
      regie letters decide-deferral P-3f9a2c1d0b --reject --reason 'Geen lopend onderzoek'
    """
    from ledger import commands as c
    from ledger.letters.commands import DecideDeferral

    cmd = c.build(DecideDeferral, subject=subject, confirm=confirm, reason=reason, decided_on=on)
    outcome = ctx.ledger().letters.decide_deferral(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "deferral": outcome})
    else:
        echo(f"The deferral of the information duty for {subject} is {outcome}.")
