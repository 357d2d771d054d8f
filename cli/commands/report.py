from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.common import ISO_DATE, Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.group("report")
def command() -> None:
    """Management information across cases: counts and charts, no personal data."""


@command.command("overview")
@click.option("--from", "since", type=ISO_DATE, help="Start of the period (default 1 January).")
@click.option("--to", "until", type=ISO_DATE, help="End of the period (default today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "json"]),
    default="html",
    show_default=True,
    help="A self-contained HTML page, a PDF, or the figures as JSON.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default overzicht-<to>.<format>; JSON: standard output).",
)
@json_option
@pass_ctx
@handle_errors
def overview(
    ctx: Context, since: Any, until: Any, fmt: str, output: Path | None, as_json: bool
) -> None:
    """Groups per step, time per step, actions, letters, provisions and purges, with charts.

    Counts only: no names, pseudonyms or working names of groups, so it can go to the
    driehoek or the council. A role that works on its own cases sees those cases.

    \b
    Example:
      regie report overview --from 2026-01-01 --format html --output overzicht.html
      regie report overview --json
    """
    figures = ctx.ledger().overview.overview(ctx.acting(), since, until)
    if as_json or (fmt == "json" and output is None):
        emit_json(figures)
        return
    from ledger.workbench import report

    target = output or Path(f"overzicht-{figures['to']}.{fmt}")
    if fmt == "html":
        target.write_text(report.html(figures), encoding="utf-8")
    elif fmt == "pdf":
        target.write_bytes(report.pdf(figures))
    else:
        import json

        target.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    echo(f"Wrote the overview of {figures['from']} to {figures['to']} to {target}.")
