from __future__ import annotations

from datetime import date
from typing import Any

import click

from cli.commands.retention_lists import list_group, summary
from cli.common import (
    ISO_DATE,
    Context,
    csv_option,
    echo,
    emit_json,
    emit_rows,
    handle_errors,
    json_option,
    pass_ctx,
)


@click.group("retention")
def command() -> None:
    """Bewaartermijnen: what expires when, legal holds, purge runs and their proof."""


@command.command("plan")
@click.option("--as-of", type=ISO_DATE, help="Show what is due on this date (default today).")
@click.option("--all", "show_all", is_flag=True, help="Also list keys not yet due.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def plan(ctx: Context, as_of: Any, show_all: bool, as_json: bool, as_csv: bool) -> None:
    """Show what expires when, grouped by case and class, and what is held.

    \b
    Example:
      regie retention plan --as-of 2027-06-01
      regie retention plan --all --csv > bewaarplan.csv
    """
    schedule = ctx.ledger().retention.plan(ctx.acting(), as_of)
    day = schedule.as_of
    rows = [
        {
            "case": r.case,
            "class": r.class_id,
            "what": r.what,
            "category": r.category,
            "start_event": r.start_event,
            "due": r.due,
            "status": r.status,
        }
        for r in schedule.rows
        if show_all or r.pending
    ]
    rows.sort(key=lambda r: (r["case"], r["class"], r["due"] or "9999", r["what"]))
    emit_rows(
        rows,
        as_json,
        as_csv,
        f"Bewaartermijnen per {day}, per case en klasse",
        [
            ("case", "case"),
            ("class", "klasse"),
            ("what", "wat"),
            ("category", "categorie"),
            ("start_event", "startmoment"),
            ("due", "vervalt op"),
            ("status", "status"),
        ],
    )
    if schedule.unfinished and not (as_json or as_csv):
        echo(
            f"{schedule.unfinished} recorded erasure(s) or purge(s) still have keys; "
            "`regie retention run` destroys them (see `regie audit findings`)."
        )


@command.command("run")
@click.option("--as-of", type=ISO_DATE, help="Purge what is due on this date (default today).")
@click.option("--dry-run", is_flag=True, help="Only show what would be destroyed.")
@json_option
@pass_ctx
@handle_errors
def run(ctx: Context, as_of: Any, dry_run: bool, as_json: bool) -> None:
    """The scheduled job: destroy every expired key that no hold protects, provably.

    Idempotent and resumable: after an interruption the next run completes the work,
    purging nothing twice, and it destroys the keys of any recorded erasure that an
    interruption left alive. With four-eyes on (the default in retention.toml), it
    proposes a destruction list instead, which each reviewer role approves (`retention
    list approve`) before `retention list execute` destroys it. A dry run may look ahead:
    --as-of a future date lists what a run on that day would destroy.

    \b
    Example:
      regie retention run --dry-run --as-of 2030-01-01
      regie retention run            # e.g. nightly from a systemd timer
    """
    from rich.progress import Progress

    ledger = ctx.ledger()
    by = ctx.acting()
    with Progress(transient=True, disable=as_json or dry_run) as progress:
        task = progress.add_task("Purging", total=None)
        result = ledger.retention.run(
            as_of,
            by,
            dry_run,
            lambda done, total: progress.update(task, completed=done, total=total),
        )
    summary(result, as_json)


@command.command("approve")
@click.argument("run_id")
@click.option("--comment", required=True, help="The approver's note.")
@json_option
@pass_ctx
@handle_errors
def approve(ctx: Context, run_id: str, comment: str, as_json: bool) -> None:
    """Approve and execute a proposal recorded before destruction lists (single second actor).

    Destruction lists proposed since are reviewed per role: `regie retention list approve`.

    \b
    Example:
      regie retention approve 3f9a2c1d --comment 'Lijst gecontroleerd'
    """
    ledger = ctx.ledger()
    summary(ledger.retention.approve(run_id, comment, ctx.acting()), as_json)


command.add_command(list_group)


@command.command("report")
@click.option("--from", "since", type=ISO_DATE, help="Executed on or after this date.")
@click.option("--to", "until", type=ISO_DATE, help="Executed on or before this date.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def report(ctx: Context, since: Any, until: Any, as_json: bool, as_csv: bool) -> None:
    """The proof of destruction: what was destroyed, under which rule, when, by which run.

    A purge whose key still exists (a run was interrupted) says "nog niet vernietigd"
    until a run or the next write destroys the key.

    \b
    Example:
      regie retention report --from 2027-01-01 --csv > vernietiging-2027.csv
    """
    document = ctx.ledger().retention.proof_of_destruction(ctx.acting(), since, until)
    if as_json:
        emit_json(document)
        return
    emit_rows(
        document["purges"],
        False,
        as_csv,
        "Verklaring van vernietiging",
        [
            ("executed_on", "uitgevoerd"),
            ("what", "wat"),
            ("category", "categorie"),
            ("class", "klasse"),
            ("start_event", "startmoment"),
            ("due_date", "vervaldatum"),
            ("run", "run"),
            ("by", "door"),
            ("policy", "regels"),
            ("status", "status"),
        ],
    )
    if not as_csv and document["checkpoint"]:
        echo("")
        echo(document["checkpoint"])


@command.group("hold")
def hold() -> None:
    """Place and lift legal holds: nothing held is purged."""


@hold.command("place")
@click.argument("target")
@click.option(
    "--reason",
    required=True,
    help="E.g. pending inzage/objection/erasure request, legal proceedings.",
)
@click.option(
    "--review-on",
    type=ISO_DATE,
    help="When the hold is looked at again (default: retention.toml hold_review after today).",
)
@json_option
@pass_ctx
@handle_errors
def hold_place(
    ctx: Context, target: str, reason: str, review_on: date | None, as_json: bool
) -> None:
    """Place a legal hold on a subject (P-...) or a case (JG-...).

    A hold lasts until it is lifted; on its review day it is a reminder (`regie
    reminders`), to be lifted or kept with `retention hold review`.

    \b
    Example:
      regie retention hold place P-3f9a2c1d0b --reason 'Bezwaarprocedure loopt'
    """
    hold_id = ctx.ledger().retention.place_hold(target, reason, ctx.acting(), review_on)
    if as_json:
        emit_json({"hold": hold_id, "target": target})
    else:
        echo(f"Legal hold {hold_id[:8]} placed on {target}.")


@hold.command("review")
@click.argument("hold_id")
@click.option("--reason", required=True, help="Why the hold stays.")
@click.option("--next", "next_on", type=ISO_DATE, required=True, help="The next review day.")
@json_option
@pass_ctx
@handle_errors
def hold_review(ctx: Context, hold_id: str, reason: str, next_on: date, as_json: bool) -> None:
    """Keep a legal hold after looking at it again, until its next review day.

    \b
    Example:
      regie retention hold review 3f9a2c1d --reason 'Bezwaar loopt nog' --next 2027-06-30
    """
    kept = ctx.ledger().retention.review_hold(hold_id, reason, next_on, ctx.acting())
    if as_json:
        emit_json({"hold": kept, "review_on": next_on.isoformat()})
    else:
        echo(f"Legal hold {kept[:8]} stays; looked at again on {next_on.isoformat()}.")


@hold.command("lift")
@click.argument("hold_id")
@click.option("--reason", required=True, help="Why the hold ends.")
@json_option
@pass_ctx
@handle_errors
def hold_lift(ctx: Context, hold_id: str, reason: str, as_json: bool) -> None:
    """Lift a legal hold.

    \b
    Example:
      regie retention hold lift 3f9a2c1d --reason 'Procedure afgerond'
    """
    lifted = ctx.ledger().retention.lift_hold(hold_id, reason, ctx.acting())
    if as_json:
        emit_json({"hold": lifted, "lifted": True})
    else:
        echo(f"Legal hold {lifted[:8]} lifted.")


@command.command("holds")
@click.option("--all", "show_all", is_flag=True, help="Include lifted holds.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def holds(ctx: Context, show_all: bool, as_json: bool, as_csv: bool) -> None:
    """List legal holds.

    \b
    Example:
      regie retention holds --all
    """
    rows = ctx.ledger().retention.holds(ctx.acting(), active_only=not show_all)
    emit_rows(
        rows,
        as_json,
        as_csv,
        "Juridische blokkades",
        [
            ("hold_id", "blokkade"),
            ("target_kind", "soort"),
            ("label", "op"),
            ("reason", "reden"),
            ("placed_on", "sinds"),
            ("review_on", "herbeoordeling"),
            ("lifted_on", "opgeheven"),
        ],
    )
