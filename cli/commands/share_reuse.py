"""`regie share reuses` and `share review-reuse`: provisions used again in a plan
(decision 0032). Registered on the `share` group."""

from __future__ import annotations

import click

from cli.commands.share import command
from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx, table


@command.command("reuses")
@click.argument("case_ref", required=False)
@json_option
@pass_ctx
@handle_errors
def reuses(ctx: Context, case_ref: str | None, as_json: bool) -> None:
    """List the provisions used again in plans (`action reuse`), with any assessment.

    \b
    Example:
      regie share reuses JG-2026-001
    """
    rows = ctx.ledger().sharing.reuses(ctx.acting(), case_ref)
    if as_json:
        emit_json(rows)
        return
    table(
        "Hergebruik van verstrekkingen",
        ["case", "nr", "actie", "share", "doel", "datum", "toets", "beoordeeld", "door"],
        (
            (
                r["case"],
                r["number"],
                f"A{r['action']}",
                r["share"],
                r["purpose"],
                r["used_on"],
                "ja" if r["compatibility"] else "",
                "ja" if r["reviewed"] else ("nee" if r["compatibility"] else ""),
                r["recorded_by"],
            )
            for r in rows
        ),
    )


@command.command("review-reuse")
@click.argument("case_ref")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--comment", required=True, help="The privacy officer's assessment.")
@json_option
@pass_ctx
@handle_errors
def review_reuse(ctx: Context, case_ref: str, number: int, comment: str, as_json: bool) -> None:
    """Review a reuse on a compatibility assessment (privacy officer), with a comment.

    \b
    Example:
      regie share review-reuse JG-2026-001 1 --comment 'Verenigbaar doel, zelfde waarborgen'
    """
    from ledger import commands as c
    from ledger.sharing.reuse import ReviewReuse

    cmd = c.build(ReviewReuse, case=case_ref, number=number, comment=comment)
    ctx.ledger().sharing.review_reuse(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "reuse": number, "reviewed": True})
    else:
        echo(f"Reuse {number} of {cmd.case} reviewed.")
