from __future__ import annotations

from datetime import UTC, datetime
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


@click.command("reminders")
@click.option("--as-of", type=ISO_DATE, help="The day to look from (default today).")
@click.option("--for", "for_actor", help="Only what this actor follows up (an actor id).")
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="Days ahead to include; overdue items are always included.",
)
@click.option(
    "--ics",
    "ics",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the reminders as an iCalendar file (one all-day entry each).",
)
@json_option
@pass_ctx
@handle_errors
def command(
    ctx: Context,
    as_of: Any,
    for_actor: str | None,
    within: int,
    ics: Path | None,
    as_json: bool,
) -> None:
    """What is due or overdue: actions, letters, deferral and wait reviews.

    Reminders name the case, the kind, the day and who follows it up; never a name or the
    text of an action, so the calendar file can go anywhere. Run it daily, next to the
    retention job (docs/operations.md). Meetings without notulen yet (overleg), a
    tussenevaluatie that falls due and legal holds to review (blokkade) are reminders too.

    \b
    Example:
      regie reminders --within 7
      regie reminders --for uc-demo --ics herinneringen.ics
    """
    rows = ctx.ledger().reminders.reminders(ctx.acting(), as_of, for_actor, within)
    if ics is not None:
        from ledger.workbench.calendar import calendar_file

        ics.write_bytes(calendar_file(rows, datetime.now(UTC)))
    if as_json:
        emit_json(rows)
        return
    table(
        "Herinneringen",
        ["datum", "case", "soort", "wat", "opvolging", "te laat"],
        (
            (r["due"], r["case"], r["kind"], r["what"], r["owner"], "ja" if r["overdue"] else "")
            for r in rows
        ),
    )
    if ics is not None:
        echo(f"Wrote {len(rows)} reminders to {ics}.")
