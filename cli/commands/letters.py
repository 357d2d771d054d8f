from __future__ import annotations

from pathlib import Path
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

# Given as short_help too: click would cut the summary at its first period, "AVG art."
_SUMMARY = "The information duty (AVG art. 13/14): letters due, generated, informed, deferred."


@click.group("letters", short_help=_SUMMARY, help=_SUMMARY)
def command() -> None:
    pass


@command.command("due")
@click.option("--as-of", "as_of", type=ISO_DATE, help="Status on this date (default today).")
@click.option(
    "--all", "everything", is_flag=True, help="Also list letters delivered or still deferred."
)
@json_option
@pass_ctx
@handle_errors
def due(ctx: Context, as_of: Any, everything: bool, as_json: bool) -> None:
    """List per youth: trigger, deadline, addressees and status.

    Status is due, overdue, generated, handed over, sent, informed, deferred until DATE,
    or a deferral awaiting the privacy officer. The deadline is one month after the
    trigger, or the day of the first provision to another organisation if that is
    earlier (AVG art. 14(3)(c)). Without --all only what needs action is listed: due,
    overdue, generated (not every addressee informed yet), pending deferrals, deferrals
    whose review date has come, and youths of 12 to 15 without a registered
    representative.

    \b
    Example:
      regie letters due
      regie letters due --as-of 2026-12-31 --all --json
    """
    ledger = ctx.ledger()
    rows = ledger.letters.due(ctx.acting(), as_of, everything, ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(rows)
        return
    table(
        "Informatieplicht",
        ["subject", "case", "aanleiding", "uiterlijk", "geadresseerden", "status"],
        (
            (
                r["subject"],
                r["case"],
                f"{r['trigger']} {r['triggered_on']}",
                r["deadline"] + (" (te laat)" if r["late"] else ""),
                ", ".join(f"{a['subject']} ({a['kind']})" for a in r["addressees"]) or "—",
                r["status"]
                + (" — herbeoordelen" if r["review_due"] else "")
                + (" — vertegenwoordiger onbekend" if r["missing_representative"] else ""),
            )
            for r in rows
        ),
    )


@command.command("generate")
@click.argument("subject")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "txt", "md"]),
    default="pdf",
    show_default=True,
    help="File format of the letters.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Directory to write the letters to.",
)
@click.option("--on", "letter_date", type=ISO_DATE, help="Letter date (default today).")
@click.option(
    "--personal",
    "personal_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A text file with the personal paragraph: the concern about this youth and the "
    "choice they have. Stored sealed with the letters, never logged.",
)
@json_option
@pass_ctx
@handle_errors
def generate(
    ctx: Context,
    subject: str,
    fmt: str,
    out_dir: Path,
    letter_date: Any,
    personal_file: Path | None,
    as_json: bool,
) -> None:
    """Write one letter per addressee about a youth and record each with its hash.

    Addressees follow the youth's age on the letter date (policy data, letters.toml).
    Each controller's name, address, contact and privacy officer come from letters.toml
    [[controller]]; a letter that would lack one is refused. The access is logged before
    anything is opened or written.

    \b
    Example:
      regie letters generate P-3f9a2c1d0b --format pdf --out brieven/
      regie letters generate P-3f9a2c1d0b --format md --on 2026-11-20 --personal zorg.txt
    """
    from ledger import commands as c
    from ledger.letters.commands import GenerateLetters

    personal = _read_personal(personal_file) if personal_file else None
    cmd = c.build(
        GenerateLetters, subject=subject, format=fmt, letter_date=letter_date, personal=personal
    )
    ledger = ctx.ledger()
    made = ledger.letters.generate(cmd, ctx.acting(), out_dir, purpose=ctx.purpose(DEFAULT_PURPOSE))
    rows = [
        {
            "addressee": m.addressee,
            "kind": m.kind,
            "file": str(m.path),
            "content_sha256": m.content_sha256,
        }
        for m in made
    ]
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        echo(f"Wrote {r['file']} for {r['addressee']} ({r['kind']}), sha256 {r['content_sha256']}.")


def _read_personal(path: Path) -> str:
    """The personal paragraph, read here (on the client when remote); never echoed."""
    from ledger.errors import BadInput

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BadInput(f"--personal: cannot read {path} as UTF-8 text") from None


def _deliver(ctx: Context, subject: str, addressee: str, on: Any, how: str, as_json: bool) -> None:
    from ledger import commands as c
    from ledger.letters.commands import DeliverLetter

    cmd = c.build(DeliverLetter, subject=subject, addressee=addressee, how=how, delivered_on=on)
    letters = ctx.ledger().letters
    pseudonym = (letters.hand_over if how == "overhandigd" else letters.send)(cmd, ctx.acting())
    day = (on or ctx.today()).isoformat()
    if as_json:
        emit_json({"subject": subject, "addressee": pseudonym, "how": how, "on": day})
    else:
        echo(f"Recorded the letter to {pseudonym} as {how} on {day}.")


_ADDRESSEE = click.option(
    "--addressee", required=True, metavar="SUBJECT", help="Who received it (P-...)."
)
ON_OPTION = click.option("--on", type=ISO_DATE, help="Date (default today).")


@command.command("handed")
@click.argument("subject")
@_ADDRESSEE
@ON_OPTION
@json_option
@pass_ctx
@handle_errors
def handed(ctx: Context, subject: str, addressee: str, on: Any, as_json: bool) -> None:
    """Record that a letter was handed over in person (overhandigd).

    \b
    Example:
      regie letters handed P-3f9a2c1d0b --addressee P-3f9a2c1d0b --on 2026-11-25
    """
    _deliver(ctx, subject, addressee, on, "overhandigd", as_json)


@command.command("sent")
@click.argument("subject")
@_ADDRESSEE
@ON_OPTION
@json_option
@pass_ctx
@handle_errors
def sent(ctx: Context, subject: str, addressee: str, on: Any, as_json: bool) -> None:
    """Record that a letter was sent (verzonden).

    \b
    Example:
      regie letters sent P-3f9a2c1d0b --addressee P-8b1e4f7a2c --on 2026-11-25
    """
    _deliver(ctx, subject, addressee, on, "verzonden", as_json)


@command.command("defer")
@click.argument("subject")
@click.option(
    "--ground",
    required=True,
    type=click.Choice(["art14-5b", "uavg41"]),
    help="art14-5b: informing would seriously impair the purpose (AVG art. 14(5)(b)); "
    "uavg41: e.g. a running criminal investigation (UAVG art. 41).",
)
@click.option("--reason", required=True, help="The motivation (sealed).")
@click.option(
    "--review-date", "review_date", required=True, type=ISO_DATE, help="When to reassess."
)
@ON_OPTION
@json_option
@pass_ctx
@handle_errors
def defer(
    ctx: Context, subject: str, ground: str, reason: str, review_date: Any, on: Any, as_json: bool
) -> None:
    """Defer the information duty for a youth on a legal ground until a review date.

    Records who decided and why. Deferring again while deferred extends the deferral.
    On a ground that needs the privacy officer (UAVG art. 41 by default) the deferral
    waits for `letters decide-deferral`; until then the letter stays due. When the
    review date comes, the youth shows up in `letters due` and `audit findings`.

    \b
    Example:
      regie letters defer P-3f9a2c1d0b --ground uavg41 \\
        --reason 'Lopend opsporingsonderzoek; informeren schaadt het onderzoek' \\
        --review-date 2027-02-01
    """
    from ledger import commands as c
    from ledger.letters.commands import DeferLetters

    cmd = c.build(
        DeferLetters,
        subject=subject,
        ground=ground,
        reason=reason,
        review_date=review_date,
        deferred_on=on,
    )
    until = ctx.ledger().letters.defer(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "ground": ground, "deferred_until": until})
    else:
        echo(f"Deferred the information duty for {subject} until {until} ({ground}).")


@command.command("resume")
@click.argument("subject")
@click.option("--reason", required=True, help="Why the deferral ends (sealed).")
@ON_OPTION
@json_option
@pass_ctx
@handle_errors
def resume(ctx: Context, subject: str, reason: str, on: Any, as_json: bool) -> None:
    """Lift a deferral: the letters are due again.

    \b
    Example:
      regie letters resume P-3f9a2c1d0b --reason 'Onderzoek afgerond'
    """
    from ledger import commands as c
    from ledger.letters.commands import ResumeLetters

    cmd = c.build(ResumeLetters, subject=subject, reason=reason, resumed_on=on)
    ctx.ledger().letters.resume(cmd, ctx.acting())
    if as_json:
        emit_json({"subject": subject, "resumed": True})
    else:
        echo(f"Resumed the information duty for {subject}; its letters are due again.")
