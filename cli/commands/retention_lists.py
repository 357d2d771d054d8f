"""`regie retention list`: destruction lists, proposed by a run, reviewed per role, then
executed (decision 0033); and the summary every run or execution prints."""

from __future__ import annotations

from typing import Any

import click

from cli.common import (
    Context,
    csv_option,
    echo,
    emit_json,
    emit_rows,
    handle_errors,
    json_option,
    pass_ctx,
)


@click.group("list")
def list_group() -> None:
    """Destruction lists: a run's proposal, reviewed per role, then executed."""


@list_group.command("pending")
@click.option("--all", "show_all", is_flag=True, help="Include lists already executed.")
@json_option
@csv_option
@pass_ctx
@handle_errors
def list_pending(ctx: Context, show_all: bool, as_json: bool, as_csv: bool) -> None:
    """List the destruction lists that await review or execution.

    \b
    Example:
      regie retention list pending
    """
    rows = ctx.ledger().retention.pending_lists(ctx.acting(), show_all)
    emit_rows(
        [{**r, "list": r["run_id"][:8]} for r in rows],
        as_json,
        as_csv,
        "Vernietigingslijsten",
        [
            ("list", "lijst"),
            ("as_of", "per"),
            ("items", "items"),
            ("proposed_by", "voorgesteld door"),
            ("approved_by", "laatst beoordeeld door"),
            ("completed_at", "uitgevoerd"),
        ],
    )


@list_group.command("show")
@click.argument("list_id")
@json_option
@pass_ctx
@handle_errors
def list_show(ctx: Context, list_id: str, as_json: bool) -> None:
    """Show a destruction list: its items by number, their status, and the reviews.

    \b
    Example:
      regie retention list show 3f9a2c1d
    """
    _show_list(ctx.ledger().retention.show_list(list_id, ctx.acting()), as_json)


@list_group.command("approve")
@click.argument("list_id")
@click.option("--as", "role", help="The reviewer role (default: the role you act in).")
@click.option("--exclude", type=int, multiple=True, metavar="N", help="Keep item N (repeatable).")
@click.option("--reason", help="Why the excluded items are kept (needed with --exclude).")
@click.option("--comment", help="The reviewer's note.")
@json_option
@pass_ctx
@handle_errors
def list_approve(
    ctx: Context,
    list_id: str,
    role: str | None,
    exclude: tuple[int, ...],
    reason: str | None,
    comment: str | None,
    as_json: bool,
) -> None:
    """Approve a destruction list in a reviewer role, excluding items with a reason.

    Each role of retention.toml [settings] reviewers approves once, each a different
    actor, neither the one who proposed the list.

    \b
    Example:
      regie retention list approve 3f9a2c1d --as proceseigenaar --comment 'Gecontroleerd'
      regie retention list approve 3f9a2c1d --as archivaris --exclude 2 \\
        --reason 'Broer in nieuwe aanpak'
    """
    view = ctx.ledger().retention.approve_list(
        list_id, ctx.acting(), role, list(exclude), reason, comment
    )
    _show_list(view, as_json)


@list_group.command("execute")
@click.argument("list_id")
@json_option
@pass_ctx
@handle_errors
def list_execute(ctx: Context, list_id: str, as_json: bool) -> None:
    """Execute a destruction list that every reviewer role approved.

    Items excluded, held or no longer due are kept, each with its reason; the run's
    purges and that record are the verklaring van vernietiging (`retention report`).

    \b
    Example:
      regie retention list execute 3f9a2c1d
    """
    summary(ctx.ledger().retention.execute_list(list_id, ctx.acting()), as_json)


def _show_list(view: Any, as_json: bool) -> None:
    if as_json:
        emit_json(view)
        return
    state = "executed" if view["executed"] else "approved" if view["approved"] else "in review"
    echo(f"Destruction list {view['list'][:8]} as of {view['as_of']} ({state}), "
         f"proposed by {view['proposed_by']}")  # fmt: skip
    for review in view["reviews"]:
        done = f"approved by {review['by']} on {review['on']}" if review["approved"] else "awaits"
        echo(f"  {review['role']}: {done}")
    emit_rows(
        view["items"],
        False,
        False,
        "Items",
        [
            ("number", "nr"),
            ("what", "wat"),
            ("category", "categorie"),
            ("class_id", "klasse"),
            ("due", "vervalt op"),
            ("status", "status"),
            ("reason", "reden"),
        ],
    )


def summary(result: Any, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "run": result.run_id,
                "as_of": result.as_of,
                "dry_run": result.dry_run,
                "proposal": result.proposal,
                "purged": result.purged,
                "completed_earlier_runs": result.completed,
                "completed_erasures": result.completed_erasures,
                "held": result.held,
            }
        )
        return
    what = (
        "would destroy"
        if result.dry_run
        else "proposes a destruction list of"
        if result.proposal
        else "destroyed"
    )
    echo(
        f"Retention run {result.run_id[:8] if result.run_id else '(dry run)'} as of "
        f"{result.as_of}: {what} {len(result.purged)} key(s); {result.held} held; "
        f"{result.completed} interrupted purge(s) and {result.completed_erasures} "
        "interrupted erasure(s) completed."
    )
    if result.proposal and not result.dry_run and result.run_id:
        echo(f"Review it: `regie retention list show {result.run_id[:8]}`.")
    for item in result.purged:
        echo(
            f"  {item['owner_kind']} {item['label']} {item['category']} "
            f"(class {item['class_id']}, due {item['due']})"
        )
