from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli import render
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


@command.command("section")
@click.argument("case_ref")
@click.argument("key")
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="A UTF-8 text file with the section's text (a blank line starts a paragraph).",
)
@click.option("--risk", help="The risk level, for the duiding (midden-risico, hoog-risico).")
@click.option("--on", "supplied_on", type=ISO_DATE, help="The day it was written (default today).")
@json_option
@pass_ctx
@handle_errors
def section(
    ctx: Context,
    case_ref: str,
    key: str,
    path: Path,
    risk: str | None,
    supplied_on: Any,
    as_json: bool,
) -> None:
    """Supply the text of a section of the plan document the ledger cannot know.

    The text is sealed under the case's key (unreadable once the case is purged); a later
    text for the same section replaces it. The sections and what each asks for are in
    policies/defaults/plan.toml; `regie plan document` marks the ones still missing.

    \b
    Example:
      regie plan section JG-2026-001 aanleiding --file aanleiding.txt
      regie plan section JG-2026-001 duiding --file duiding.txt --risk hoog-risico
    """
    from ledger import commands as c
    from ledger.workbench.plandoc.commands import SupplyPlanSection

    text = _read_text(path)
    cmd = c.build(
        SupplyPlanSection,
        case=case_ref,
        key=key,
        text=text,
        risk=risk,
        supplied_on=supplied_on,
    )
    ctx.ledger().plan_documents.supply_section(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "section": cmd.key})
    else:
        echo(f"Section '{cmd.key}' of the plan of {cmd.case} is supplied (sealed).")


@command.command("estimate")
@click.argument("case_ref")
@click.option(
    "--hours", type=click.IntRange(min=0), default=0, help="Hours of effort, all partners."
)
@click.option("--cost", "cost_eur", type=click.IntRange(min=0), default=0, help="Costs in euros.")
@click.option("--note", default="", help="What the estimate covers (sealed).")
@click.option(
    "--on", "estimated_on", type=ISO_DATE, help="The day of the estimate (default today)."
)
@json_option
@pass_ctx
@handle_errors
def estimate(
    ctx: Context,
    case_ref: str,
    hours: int,
    cost_eur: int,
    note: str,
    estimated_on: Any,
    as_json: bool,
) -> None:
    """Record the rough estimate of costs and effort of the concept plan.

    The step-4 decision weighs it to prioritise the group (werkproces, step 3); the
    concept plan (`regie plan document --concept`) carries it. A later one replaces it.

    \b
    Example:
      regie plan estimate JG-2026-001 --hours 300 --cost 12000 --note "6 maanden, 4 partners"
    """
    from ledger import commands as c
    from ledger.workbench.plandoc.commands import RecordPlanEstimate

    cmd = c.build(
        RecordPlanEstimate,
        case=case_ref,
        hours=hours,
        cost_eur=cost_eur,
        note=note,
        estimated_on=estimated_on,
    )
    ctx.ledger().plan_documents.record_estimate(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "hours": cmd.hours, "cost_eur": cmd.cost_eur})
    else:
        echo(f"Estimate for {cmd.case}: {cmd.hours} hours, EUR {cmd.cost_eur}.")


@command.command("document")
@click.argument("case_ref")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "pdf", "md"]),
    default="docx",
    show_default=True,
    help="Word (to edit and sign), PDF (for the record) or Markdown.",
)
@click.option(
    "--concept",
    is_flag=True,
    help="The anonymised concept for the step-4 decision: counts only, with the estimate.",
)
@click.option(
    "--out",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default plan-<case>[-concept].<format>).",
)
@json_option
@pass_ctx
@handle_errors
def document(
    ctx: Context, case_ref: str, fmt: str, concept: bool, output: Path | None, as_json: bool
) -> None:
    """Write the plan van aanpak as a document, following the template's sections.

    Filled from the ledger (signals, groepsscan, members by position, goals, tracks,
    actions with owners and due dates, partners, decisions with their meeting, progress),
    with the regisseur's texts (`regie plan section`) and a marked placeholder
    "[nog in te vullen door de regisseur: ...]" where none was supplied. It carries the
    ledger checkpoint it was made from. The full plan is logged as an export of the
    members' data, with --purpose; the concept names nobody and is refused if a text in
    it names a person of the case.

    \b
    Example:
      regie plan document JG-2026-001 --format docx --out plan.docx
      regie plan document JG-2026-001 --concept --format pdf --out concept.pdf
      regie plan document JG-2026-001 --format md --json
    """
    from ledger.access.purposes import DEFAULT_PURPOSE

    target = output or Path(f"plan-{case_ref.upper()}{'-concept' if concept else ''}.{fmt}")
    _writable(target)
    content = ctx.ledger().plan_documents.document(
        case_ref, ctx.acting(), concept, ctx.purpose(DEFAULT_PURPOSE)
    )
    from ledger.workbench.document import render
    from ledger.workbench.plandoc.build import document as build

    made = build(content)
    target.write_bytes(render(made, fmt))
    missing = [s["key"] for s in content["sections"] if s["asks"] and not s["supplied"]]
    if as_json:
        emit_json(
            {
                "case": content["ref"],
                "file": str(target),
                "concept": concept,
                "missing": missing,
                "checkpoint": content["checkpoint"],
            }
        )
        return
    kind = "concept plan" if concept else "plan van aanpak"
    echo(f"Wrote the {kind} of {content['ref']} to {target}.")
    if missing:
        echo(f"Still to be supplied by the regisseur: {', '.join(missing)} (`regie plan section`).")


def _read_text(path: Path) -> str:
    from ledger.errors import BadInput

    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise BadInput(f"cannot read {path} ({exc.strerror})") from None


def _writable(target: Path) -> None:
    """Checked before the ledger is asked, so no access is logged for a file not written."""
    import os

    from ledger.errors import BadInput

    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise BadInput(f"cannot write {target}: its folder does not exist or is not writable")
