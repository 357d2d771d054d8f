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


@click.group("share")
def command() -> None:
    """Record sharing decisions (verstrekkingen), checked against the sharing policy."""


@command.command("add")
@click.argument("case_ref")
@click.option("--from", "from_org", required=True, help="Providing organisation.")
@click.option(
    "--to", "to_orgs", multiple=True, required=True, help="Receiving organisation; repeat."
)
@click.option(
    "--recipient",
    "named_recipients",
    multiple=True,
    help="A named recipient (function or name); repeat.",
)
@click.option(
    "--subject",
    "subjects",
    multiple=True,
    help="A subject the data is about; repeat. None: group level only.",
)
@click.option(
    "--category", "categories", multiple=True, required=True, help="Data category shared; repeat."
)
@click.option("--purpose", required=True, help="Purpose (a purpose key of the convenant).")
@click.option("--convenant", help="Convenant key the share rests on.")
@click.option(
    "--convenant-version", type=click.IntRange(min=1), help="Convenant version (default: newest)."
)
@click.option("--article", help="Article of the convenant.")
@click.option("--legal-basis", help="For an ad-hoc share outside any convenant: its own basis.")
@click.option("--necessity", required=True, help="Why this sharing is necessary (noodzaak).")
@click.option("--meeting", help="Shared into a decision meeting (ketenoverleg, driehoek, ...).")
@click.option("--on", "decided_on", type=ISO_DATE, help="Date (default today).")
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    case_ref: str,
    from_org: str,
    to_orgs: tuple[str, ...],
    named_recipients: tuple[str, ...],
    subjects: tuple[str, ...],
    categories: tuple[str, ...],
    purpose: str,
    convenant: str | None,
    convenant_version: int | None,
    article: str | None,
    legal_basis: str | None,
    necessity: str,
    meeting: str | None,
    decided_on: Any,
    as_json: bool,
) -> None:
    """Record a provision of data. A refused one is recorded too, and exits 1 with why.

    \b
    Example:
      regie share add JG-2026-001 --from politie --to gemeente --subject P-3f9a2c1d0b \\
        --category identificatie --category groepspositie --purpose groepsaanpak \\
        --convenant jga-voorbeeldstad --article 'art. 6 lid 1' \\
        --necessity 'Nodig voor het persoonsgerichte spoor van het plan'
      regie share add JG-2026-001 --from gemeente --to veilig-thuis --subject P-3f9a2c1d0b \\
        --category gezinssituatie --purpose 'zorgen over thuissituatie' \\
        --legal-basis 'AVG art. 6(1)(d), vitaal belang' --necessity 'Acute zorg'
    """
    from ledger import commands as c

    cmd = c.build(
        c.RecordShare,
        case=case_ref,
        from_org=from_org,
        to_orgs=list(to_orgs),
        named_recipients=list(named_recipients),
        subjects=list(subjects),
        categories=list(categories),
        purpose=purpose,
        convenant=convenant,
        convenant_version=convenant_version,
        article=article,
        legal_basis=legal_basis,
        necessity=necessity,
        meeting=meeting,
        decided_on=decided_on,
    )
    share_id = ctx.ledger().sharing.record_share(cmd, ctx.acting())
    flagged = cmd.convenant is None
    if as_json:
        emit_json({"share": share_id, "outcome": "verstrekt", "ad_hoc": flagged})
    else:
        echo(
            f"Recorded share {share_id[:8]} (verstrekt)"
            + ("; flagged for the privacy officer's review." if flagged else ".")
        )


@command.command("list")
@click.argument("case_ref", required=False)
@click.option("--outcome", type=click.Choice(["verstrekt", "geweigerd"]), help="Only these.")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, case_ref: str | None, outcome: str | None, as_json: bool) -> None:
    """List sharing decisions, of one case or all.

    \b
    Example:
      regie share list JG-2026-001 --outcome geweigerd
    """
    rows = ctx.ledger().sharing.shares(ctx.acting(), case_ref, outcome)
    if as_json:
        emit_json(rows)
        return
    table(
        "Verstrekkingen",
        [
            "share",
            "datum",
            "case",
            "van",
            "naar",
            "personen",
            "categorieën",
            "grondslag",
            "uitkomst",
        ],
        (
            (
                r["share"],
                r["decided_on"],
                r["case"],
                r["from"],
                ", ".join(r["to"]),
                r["subjects"],
                ", ".join(r["categories"]),
                r["basis"],
                r["outcome"] + (f" ({', '.join(r['refused_by'])})" if r["refused_by"] else ""),
            )
            for r in rows
        ),
    )


@command.command("review")
@click.argument("share")
@click.option("--comment", required=True, help="The privacy officer's assessment.")
@json_option
@pass_ctx
@handle_errors
def review(ctx: Context, share: str, comment: str, as_json: bool) -> None:
    """Mark an ad-hoc share as reviewed by the privacy officer, with a comment.

    \b
    Example:
      regie share review 3f9a2c1d --comment 'Grondslag en noodzaak voldoende onderbouwd'
    """
    from ledger import commands as c

    cmd = c.build(c.ReviewShare, share=share, comment=comment)
    share_id = ctx.ledger().sharing.review(cmd, ctx.acting())
    if as_json:
        emit_json({"share": share_id, "reviewed": True})
    else:
        echo(f"Share {share_id[:8]} reviewed.")
