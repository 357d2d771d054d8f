from __future__ import annotations

from pathlib import Path

import click

from cli import render
from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx, table


@click.group("plan")
def command() -> None:
    """Set and show the plan van aanpak (versioned: every set is a new version)."""


@command.command("set")
@click.argument("case_ref")
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="TOML file with goals, [[track]] and [[action]] (see example).",
)
@json_option
@pass_ctx
@handle_errors
def set_(ctx: Context, case_ref: str, path: Path, as_json: bool) -> None:
    """Record a new version of the plan (concept at step 3, the plan at step 5).

    Actions with an `id` revise that open action; actions without one are new; open
    actions the new version leaves out are withdrawn (vervallen).

    \b
    Example:
      regie plan set JG-2026-001 --file plan.toml
    \b
    plan.toml:
      goals = ["Overlast op het Stationsplein halveren voor 2027-06-01"]
      [[track]]
      kind = "groep"
      description = "Groepsgerichte aanpak"
      [[action]]
      description = "Wekelijkse inloop"
      track = "groep"
      organisation = "jongerenwerk"
      person = "Jongerenwerker Centrum"
      due = 2027-01-15
    """
    from ledger.cases.planfile import load_plan

    cmd = load_plan(path, case_ref)
    version = ctx.ledger().cases.set_plan(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "version": version})
    else:
        echo(f"Plan van aanpak of {cmd.case} is now version {version}.")


@command.command("show")
@click.argument("case_ref")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, as_json: bool) -> None:
    """Show the current plan: goals, tracks, actions, and the version history.

    \b
    Example:
      regie plan show JG-2026-001 --json
    """
    plan = ctx.ledger().cases.plan(case_ref, ctx.acting())
    if as_json:
        emit_json(plan)
        return
    echo(f"Plan van aanpak {plan['ref']}, versie {plan['version']} ({plan['set_by']})")
    table("Doelen", ["#", "doel"], enumerate(plan["goals"], start=1))
    table(
        "Sporen", ["spoor", "omschrijving"], ((t["kind"], t["description"]) for t in plan["tracks"])
    )
    render.actions(plan["actions"], with_case=False)
    table(
        "Versies",
        ["versie", "door", "op", "vervallen acties"],
        (
            (
                h["version"],
                h["set_by"],
                h["set_at"][:19],
                ", ".join(f"A{n}" for n in h["withdrawn"]),
            )
            for h in plan["history"]
        ),
    )
