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
    key_values,
    pass_ctx,
    table,
)

FORMATS = ("md", "docx", "pdf")


@click.group("evaluation")
def command() -> None:
    """The tussenevaluatie (seed 004) and the evaluation report at step 7."""


@command.command("plan")
@click.argument("case_ref")
@click.option("--due", type=ISO_DATE, help="When it falls due (default: the policy's 6 months).")
@json_option
@pass_ctx
@handle_errors
def plan(ctx: Context, case_ref: str, due: Any, as_json: bool) -> None:
    """Plan the tussenevaluatie; `regie reminders` shows it once it comes near.

    \b
    Example:
      regie evaluation plan JG-2026-001 --due 2027-05-01
    """
    from ledger import commands as c
    from ledger.monitoring import commands as mo

    cmd = c.build(mo.PlanTussenevaluatie, case=case_ref, due=due)
    day = ctx.ledger().monitoring.plan_tussenevaluatie(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "due": day})
        return
    echo(f"The tussenevaluatie of {cmd.case} falls due on {day}.")


@command.command("questions")
@json_option
@pass_ctx
@handle_errors
def questions(ctx: Context, as_json: bool) -> None:
    """The questions of the tussenevaluatie: the keys `evaluation record --answer` takes.

    \b
    Example:
      regie evaluation questions
    """
    rows = ctx.ledger().monitoring.questions(ctx.acting())
    if as_json:
        emit_json(rows)
        return
    table("Vragen van de tussenevaluatie", ["key", "soort", "vraag"],
          ((q["key"], q["kind"], q["text"]) for q in rows))  # fmt: skip


@command.command("record")
@click.argument("case_ref")
@click.option(
    "--answer",
    "answers",
    multiple=True,
    required=True,
    metavar="KEY=TEXT",
    help="One answer per question (see `regie evaluation questions`); repeat.",
)
@click.option("--on", type=ISO_DATE, help="Day of the tussenevaluatie (default today).")
@json_option
@pass_ctx
@handle_errors
def record(ctx: Context, case_ref: str, answers: tuple[str, ...], on: Any, as_json: bool) -> None:
    """Record the tussenevaluatie, every question answered (a number, or a sealed text).

    Counting questions take a whole number; the others a text, sealed like other case
    texts. Every question of the policy is answered.

    \b
    Example:
      regie evaluation record JG-2026-001 --answer afgegleden-of-gerecidiveerd=1 \\
        --answer schil-naar-kern=0 --answer kern-afgegleden=0 \\
        --answer contact-politie-justitie='Twee minder dan bij de start' \\
        --answer uit-de-schil=2 --answer kopstukken-uit-kern=1 \\
        --answer verhoudingen='Minder spanning met de groep van het winkelcentrum' \\
        --answer interventies='Jongerenwerk en schoolbegeleiding ingezet'
    """
    from ledger import commands as c
    from ledger.monitoring import commands as mo

    cmd = c.build(
        mo.RecordTussenevaluatie, case=case_ref, answers=key_values(answers, "--answer"), on=on
    )
    number = ctx.ledger().monitoring.record_tussenevaluatie(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "tussenevaluatie": number})
        return
    echo(f"Recorded tussenevaluatie {number} of {cmd.case}.")


@command.command("show")
@click.argument("case_ref")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, as_json: bool) -> None:
    """The tussenevaluaties held, the one due, and once closed the seven criteria.

    \b
    Example:
      regie evaluation show JG-2026-001
    """
    from ledger.access.purposes import DEFAULT_PURPOSE

    shown = ctx.ledger().monitoring.evaluation(case_ref, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(shown)
        return
    if shown["tussenevaluatie_due"]:
        echo(f"Tussenevaluatie gepland: uiterlijk {shown['tussenevaluatie_due']}")
    for held in shown["tussenevaluaties"]:
        table(
            f"Tussenevaluatie {held['number']} ({held['on']}, {held['by']})",
            ["vraag", "antwoord"],
            ((a["question"], a["answer"]) for a in held["answers"]),
        )
    if not shown["tussenevaluaties"]:
        echo("Nog geen tussenevaluatie gehouden.")
    closure = shown["closure"]
    if closure:
        table(
            f"Evaluatie bij afsluiting ({closure['closed_on']})",
            ["criterium", "evaluatie"],
            ((c["label"], c["answer"]) for c in closure["criteria"]),
        )


@command.command("document")
@click.argument("case_ref")
@click.option(
    "--what",
    type=click.Choice(["tussenevaluatie", "eindverslag"]),
    required=True,
    help="The last tussenevaluatie, or the evaluation report of a closed case.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default <case>-<what>.<format>).",
)
@json_option
@pass_ctx
@handle_errors
def document(
    ctx: Context, case_ref: str, what: str, fmt: str, output: Path | None, as_json: bool
) -> None:
    """Write the tussenevaluatie or the evaluation report, charting the indicators.

    The evaluation report covers the seven criteria of step 7, for the ketenoverleg; both
    carry a chart of the indicators over time. Recorded as an access.

    \b
    Example:
      regie evaluation document JG-2026-001 --what eindverslag --format pdf \\
        --output evaluatie.pdf
    """
    from ledger.access.purposes import DEFAULT_PURPOSE
    from ledger.monitoring.documents import document as build
    from ledger.workbench.document import render

    data = ctx.ledger().monitoring.document(
        case_ref, what, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE)
    )
    target = output or Path(f"{data['case']}-{what}.{fmt}")
    target.write_bytes(render(build(data), fmt))
    if as_json:
        emit_json({"case": data["case"], "document": what, "format": fmt, "file": str(target)})
        return
    echo(f"Wrote the {what} of {data['case']} to {target}.")
