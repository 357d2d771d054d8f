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


@click.group("namenlijst")
def namenlijst() -> None:
    """Agree the namenlijst of a case (step 2): which subjects, which partners agreed."""


@namenlijst.command("agree")
@click.argument("case_ref")
@click.option(
    "--subject", "subjects", multiple=True, required=True, help="A member on the list; repeat."
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    required=True,
    help="An organisation that agreed; repeat.",
)
@click.option("--on", "agreed_on", type=ISO_DATE, help="Date agreed (default today).")
@json_option
@pass_ctx
@handle_errors
def agree(
    ctx: Context,
    case_ref: str,
    subjects: tuple[str, ...],
    partners: tuple[str, ...],
    agreed_on: Any,
    as_json: bool,
) -> None:
    """Record a (new version of the) namenlijst, agreed before the groepsscan is requested.

    \b
    Example:
      regie namenlijst agree JG-2026-001 --subject P-3f9a2c1d0b --subject P-77aa01bc22 \\
        --partner gemeente --partner politie --partner jongerenwerk
    """
    from ledger import commands as c

    cmd = c.build(
        c.AgreeNamenlijst,
        case=case_ref,
        subjects=list(subjects),
        partners=list(partners),
        agreed_on=agreed_on,
    )
    version = ctx.ledger().group.agree_namenlijst(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "version": version, "subjects": len(subjects)})
    else:
        echo(f"Namenlijst of {cmd.case} agreed (version {version}, {len(subjects)} names).")


@namenlijst.command("add")
@click.argument("case_ref")
@click.argument("subject")
@click.option("--motivation", required=True, help="Why the subject is added (sealed).")
@click.option(
    "--agreed-by",
    "agreed_by",
    multiple=True,
    required=True,
    help="An organisation that agreed the addition; repeat.",
)
@click.option("--on", "agreed_on", type=ISO_DATE, help="Date agreed (default today).")
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    case_ref: str,
    subject: str,
    motivation: str,
    agreed_by: tuple[str, ...],
    agreed_on: Any,
    as_json: bool,
) -> None:
    """Add a member to the agreed namenlijst, with why: a new version of the list.

    A provision about a person is judged against the namenlijst in force on its date;
    someone who comes into view later (000 L1018) is added first.

    \b
    Example:
      regie namenlijst add JG-2026-001 P-3f9a2c1d0b \\
        --motivation 'Bij de vechtpartij op naam aangesproken' \\
        --agreed-by gemeente --agreed-by politie --agreed-by om
    """
    from ledger import commands as c
    from ledger.cases.group import AddToNamenlijst

    cmd = c.build(
        AddToNamenlijst,
        case=case_ref,
        subject=subject,
        motivation=motivation,
        agreed_by=list(agreed_by),
        agreed_on=agreed_on,
    )
    version = ctx.ledger().group.add_to_namenlijst(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "version": version, "added": subject})
    else:
        echo(f"Namenlijst of {cmd.case}: {subject} added (version {version}).")


@click.group("groepsscan")
def groepsscan() -> None:
    """Request and receive the police groepsscan (step 2)."""


@groepsscan.command("request")
@click.argument("case_ref")
@click.option(
    "--by",
    "requested_by",
    type=click.Choice(["burgemeester", "contactpersoon"]),
    required=True,
    help="The burgemeester, or the contact person he named.",
)
@click.option(
    "--to",
    "addressed_to",
    default="teamchef politie",
    show_default=True,
    help="Addressee at the police.",
)
@click.option("--motivation", required=True, help="Why the groepsscan is needed.")
@click.option("--on", "requested_on", type=ISO_DATE, help="Date of the request (default today).")
@json_option
@pass_ctx
@handle_errors
def request(
    ctx: Context,
    case_ref: str,
    requested_by: str,
    addressed_to: str,
    motivation: str,
    requested_on: Any,
    as_json: bool,
) -> None:
    """Record the request for a groepsscan (after the namenlijst is agreed).

    \b
    Example:
      regie groepsscan request JG-2026-001 --by burgemeester \\
        --motivation 'Zicht op rolverdeling en criminele contacten nodig'
    """
    from ledger import commands as c

    cmd = c.build(
        c.RequestGroepsscan,
        case=case_ref,
        requested_by=requested_by,
        addressed_to=addressed_to,
        motivation=motivation,
        requested_on=requested_on,
    )
    number = ctx.ledger().group.request_groepsscan(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "groepsscan": number})
    else:
        echo(f"Groepsscan {number} of {cmd.case} requested.")


@groepsscan.command("receive")
@click.argument("case_ref")
@click.option("--on", "received_on", type=ISO_DATE, help="Date received (default today).")
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    required=True,
    help="Who received the standaardrapportage (burgemeester, OM gebiedsofficier); repeat.",
)
@click.option(
    "--unknown-names",
    type=click.IntRange(min=0),
    required=True,
    help="How many names on the namenlijst were unknown to the police.",
)
@click.option(
    "--informatiepositie",
    type=click.Choice(["zwak", "matig", "sterk"]),
    required=True,
    help="Strength of the informatiepositie per the aanbiedingsbrief.",
)
@click.option("--summary", required=True, help="Summary of the standaardrapportage (sealed).")
@json_option
@pass_ctx
@handle_errors
def receive(
    ctx: Context,
    case_ref: str,
    received_on: Any,
    recipients: tuple[str, ...],
    unknown_names: int,
    informatiepositie: str,
    summary: str,
    as_json: bool,
) -> None:
    """Record the received groepsscan; its summary is sealed under the case's key.

    \b
    Example:
      regie groepsscan receive JG-2026-001 --recipient burgemeester \\
        --recipient 'OM gebiedsofficier' --unknown-names 2 --informatiepositie matig \\
        --summary 'Kern van vier, contacten met ...'
    """
    from ledger import commands as c

    cmd = c.build(
        c.ReceiveGroepsscan,
        case=case_ref,
        received_on=received_on,
        recipients=list(recipients),
        unknown_names=unknown_names,
        informatiepositie=informatiepositie,
        summary=summary,
    )
    number = ctx.ledger().group.receive_groepsscan(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "groepsscan": number, "received": True})
    else:
        echo(f"Groepsscan {number} of {cmd.case} received.")


@groepsscan.command("police-report")
@click.argument("case_ref")
@click.argument("subject")
@click.option("--on", "reported_on", type=ISO_DATE, help="Date it was reported (default today).")
@json_option
@pass_ctx
@handle_errors
def police_report(
    ctx: Context, case_ref: str, subject: str, reported_on: Any, as_json: bool
) -> None:
    """Note that a police-internal report on a person exists; never received or stored.

    \b
    Example:
      regie groepsscan police-report JG-2026-001 P-3f9a2c1d0b
    """
    from ledger import commands as c

    cmd = c.build(c.NotePoliceReport, case=case_ref, subject=subject, reported_on=reported_on)
    ctx.ledger().group.note_police_report(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "subject": subject, "report": "bestaat, niet ontvangen"})
    else:
        echo(f"Noted: a police report about {subject} exists (not received, not stored).")


@groepsscan.command("show")
@click.argument("case_ref")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, as_json: bool) -> None:
    """Show the groepsscans of a case with their summaries.

    \b
    Example:
      regie groepsscan show JG-2026-001
    """
    ledger = ctx.ledger()
    rows = ledger.group.groepsscans(case_ref.upper(), ctx.acting(), ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(rows)
        return
    table(
        "Groepsscans",
        ["#", "aangevraagd", "door", "ontvangen", "onbekend", "positie", "samenvatting"],
        (
            (
                r["number"],
                r["requested_on"],
                r["requested_by"],
                r["received_on"],
                r["unknown_names"],
                r["informatiepositie"],
                r["summary"],
            )
            for r in rows
        ),
    )
