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


@click.group("subject")
def command() -> None:
    """Register youths and legal representatives; their personal data is sealed."""


@command.command("add")
@click.option(
    "--kind",
    type=click.Choice(["jongere", "wettelijk-vertegenwoordiger"]),
    default="jongere",
    show_default=True,
    help="Youth or legal representative.",
)
@click.option("--name", required=True, help="Full name (sealed, never stored in plaintext).")
@click.option("--dob", "date_of_birth", type=ISO_DATE, help="Date of birth (required for a youth).")
@click.option("--address", help="Address (sealed).")
@click.option("--bsn", help="BSN, nine digits passing the elfproef (sealed).")
@click.option("--representative-of", metavar="SUBJECT", help="The youth this person represents.")
@click.option(
    "--registered-on",
    type=ISO_DATE,
    help="The day the person was registered, when recorded later (default today).",
)
@click.option(
    "--new-person",
    is_flag=True,
    help="Register even though someone with this name and date of birth is registered.",
)
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    kind: str,
    name: str,
    date_of_birth: Any,
    address: str | None,
    bsn: str | None,
    representative_of: str | None,
    registered_on: Any,
    new_person: bool,
    as_json: bool,
) -> None:
    """Register a data subject; prints the pseudonym (P-...) used everywhere else.

    When the same name and date of birth are registered already as a subject you may
    see, this is refused with that pseudonym; --new-person registers someone else who
    happens to share them. Others are told nothing (no oracle). --registered-on
    back-dates a registration recorded later; retention counts from it.

    \b
    Example:
      regie subject add --name 'Test Jongere Een' --dob 2010-04-01 --address 'Teststraat 1'
      regie subject add --kind wettelijk-vertegenwoordiger --name 'Test Ouder Een' \\
        --representative-of P-3f9a2c1d0b
    """
    from ledger import commands as c

    cmd = c.build(
        c.RegisterSubject,
        kind=kind,
        name=name,
        date_of_birth=date_of_birth,
        address=address,
        bsn=bsn,
        representative_of=representative_of,
        new_person=new_person,
        registered_on=registered_on,
    )
    ledger = ctx.ledger()
    subject = ledger.persons.register(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject.short, "kind": subject.kind})
    else:
        echo(f"Registered {subject.kind} {subject.short}.")


@command.command("note")
@click.argument("subject")
@click.option(
    "--category",
    required=True,
    help="Data category (policy): school, gezinssituatie, zorg-en-gezondheid, ...",
)
@click.option("--text", required=True, help="The note (sealed under that category's key).")
@json_option
@pass_ctx
@handle_errors
def note(ctx: Context, subject: str, category: str, text: str, as_json: bool) -> None:
    """Record a note about a subject under a data category.

    \b
    Example:
      regie subject note P-3f9a2c1d0b --category school --text 'Verzuim sinds september'
    """
    from ledger import commands as c

    cmd = c.build(c.RecordNote, subject=subject, category=category, text=text)
    ctx.ledger().persons.record_note(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "category": category})
    else:
        echo(f"Recorded a {category} note on {subject}.")


@command.command("link")
@click.argument("subject")
@click.argument("other")
@click.option(
    "--relation",
    required=True,
    help="What OTHER is to SUBJECT (policy): broer, zus, ouder, kind, ...",
)
@json_option
@pass_ctx
@handle_errors
def link(ctx: Context, subject: str, other: str, relation: str, as_json: bool) -> None:
    """Record a family link: OTHER is SUBJECT's relation (sealed under both subjects).

    Shown in `subject show` of both, to whoever may see both; [gewist] once either is
    erased.

    \b
    Example:
      regie subject link P-3f9a2c1d0b P-7c1e0a9b2d --relation broer
    """
    from ledger import commands as c
    from ledger.persons.family import LinkSubjects

    cmd = c.build(LinkSubjects, subject=subject, other=other, relation=relation)
    ctx.ledger().persons.link(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "other": other, "relation": relation})
    else:
        echo(f"Linked {other} to {subject} as {relation}.")


@command.command("show")
@click.argument("subject")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, subject: str, as_json: bool) -> None:
    """Show a subject's personal data ([gewist] once erased) and case memberships.

    \b
    Example:
      regie subject show P-3f9a2c1d0b
    """
    ledger = ctx.ledger()
    view = ledger.persons.view(subject, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(view)
        return
    echo(f"{view['subject']} ({view['kind']})" + ("  — gewist" if view["erased"] else ""))
    table("Gegevens", ["veld", "waarde"], sorted(view["fields"].items()))
    table(
        "Notities",
        ["categorie", "tekst", "door", "op"],
        ((n["category"], n["text"], n["by"], n["recorded_at"][:10]) for n in view["notes"]),
    )
    table(
        "Familie",
        ["subject", "relatie", "door", "op"],
        (
            (
                link["subject"],
                link["relation"]
                if link["direction"] == "to"
                else f"heeft dit subject als {link['relation']}",
                link["by"],
                link["recorded_at"][:10],
            )
            for link in view["links"]
        ),
    )
    table(
        "Cases",
        ["case", "kern/aanhang", "invloed", "kopstuk", "sinds", "tot"],
        (
            (
                m["ref"],
                m["core"],
                m["influence"],
                "ja" if m["kopstuk"] else "nee",
                m["since"],
                m["ended_on"],
            )
            for m in view["cases"]
        ),
    )


@command.command("list")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, as_json: bool) -> None:
    """List subjects by pseudonym (no personal data).

    \b
    Example:
      regie subject list --json
    """
    rows = ctx.ledger().persons.listing(ctx.acting())
    if as_json:
        emit_json(rows)
        return
    table(
        "Subjects",
        ["subject", "kind", "youth", "cases", "erased"],
        (
            (
                r["subject"],
                r["kind"],
                r["youth"],
                ", ".join(r["cases"]),
                "ja" if r["erased"] else "",
            )
            for r in rows
        ),
    )


@command.command("erase")
@click.argument("subject")
@click.option("--reason", required=True, help="Why (e.g. erasure request of the data subject).")
@click.option("--basis", required=True, help="Legal basis, e.g. 'AVG art. 17(1)(a)'.")
@json_option
@pass_ctx
@handle_errors
def erase(ctx: Context, subject: str, reason: str, basis: str, as_json: bool) -> None:
    """Erase a subject by destroying its data keys (crypto-shredding).

    The erasure is recorded (who, why, basis); afterwards every view shows [gewist].
    The key is never re-created.

    \b
    Example:
      regie subject erase P-3f9a2c1d0b --reason 'Verzoek betrokkene' --basis 'AVG art. 17'
    """
    from ledger import commands as c

    cmd = c.build(c.EraseSubject, subject=subject, reason=reason, basis=basis)
    outcome = ctx.ledger().persons.erase(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "outcome": outcome})
    else:
        echo(
            f"Erased {subject}: its data keys are destroyed."
            if outcome == "erased"
            else f"Completed the earlier erasure of {subject}."
        )


@command.command("rectify")
@click.argument("subject")
@click.option(
    "--field",
    required=True,
    type=click.Choice(["name", "date_of_birth", "birth_date", "address", "bsn"]),
    help="The sealed field to replace (birth_date is date_of_birth).",
)
@click.option("--value", required=True, help="The correct value (sealed).")
@click.option("--request", metavar="REQUEST", help="The rectification request (V-...) it answers.")
@json_option
@pass_ctx
@handle_errors
def rectify(
    ctx: Context, subject: str, field: str, value: str, request: str | None, as_json: bool
) -> None:
    """Replace a sealed field; the old value's key is destroyed (AVG article 16).

    The other fields under the same key are sealed again under a new key first, so they
    stay readable; the old value reads [gewist] everywhere, history included.

    \b
    Example:
      regie subject rectify P-3f9a2c1d0b --field address --value 'Teststraat 2'
      regie subject rectify P-3f9a2c1d0b --field name --value 'Test Jongere' --request V-3f9a2c1d
    """
    from ledger import commands as c
    from ledger.rights.commands import RectifyField

    cmd = c.build(RectifyField, subject=subject, field=field, value=value, request=request)
    done = ctx.ledger().rights.rectify(cmd, ctx.acting())
    if as_json:
        emit_json(done)
    else:
        echo(f"Rectified the {done['field']} of {done['subject']}; the old value is destroyed.")
