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


@click.group("monitor")
def command() -> None:
    """Monitoring the plan van aanpak: indicators per goal and their measurements."""


@command.command("indicator")
@click.argument("case_ref")
@click.argument("key")
@click.option("--goal", type=click.IntRange(min=1), required=True, help="Goal number in the plan.")
@click.option("--label", help="For an own indicator: what it counts.")
@click.option("--unit", help="For an own indicator: its unit, e.g. meldingen.")
@json_option
@pass_ctx
@handle_errors
def indicator(
    ctx: Context,
    case_ref: str,
    key: str,
    goal: int,
    label: str | None,
    unit: str | None,
    as_json: bool,
) -> None:
    """Measure a goal of the plan on an indicator: a policy default or your own.

    The defaults (werkbank.toml): incidenten-per-maand, meldingen-overlast, leden-in-zorg,
    leden-in-kern, contacten-politie-justitie. An own one takes --label and --unit.

    \b
    Example:
      regie monitor indicator JG-2026-001 incidenten-per-maand --goal 1
      regie monitor indicator JG-2026-001 buurtavonden --goal 1 --label 'Buurtavonden' \\
        --unit avonden
    """
    from ledger import commands as c
    from ledger.monitoring import commands as mo

    cmd = c.build(mo.ChooseIndicator, case=case_ref, key=key, goal=goal, label=label, unit=unit)
    ctx.ledger().monitoring.choose_indicator(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "indicator": key, "goal": goal})
        return
    echo(f"{cmd.case} measures goal {goal} on '{key}'.")


@command.command("measure")
@click.argument("case_ref")
@click.argument("key")
@click.argument("value", type=click.FloatRange(min=0))
@click.option("--on", type=ISO_DATE, help="Day of the measurement (default today).")
@click.option("--note", default="", help="Where the figure comes from (sealed).")
@json_option
@pass_ctx
@handle_errors
def measure(
    ctx: Context, case_ref: str, key: str, value: float, on: Any, note: str, as_json: bool
) -> None:
    """Record one measurement of an indicator: a count about the group, never a person.

    \b
    Example:
      regie monitor measure JG-2026-001 incidenten-per-maand 12 --on 2026-11-30 \\
        --note 'BVH-telling november'
    """
    from ledger import commands as c
    from ledger.monitoring import commands as mo

    cmd = c.build(mo.Measure, case=case_ref, indicator=key, value=value, on=on, note=note)
    count = ctx.ledger().monitoring.measure(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "indicator": key, "measurements": count})
        return
    echo(f"Recorded measurement {count} of '{key}' for {cmd.case}.")


@command.command("show")
@click.argument("case_ref")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, as_json: bool) -> None:
    """The goals of the plan with their indicators and measurements over time.

    \b
    Example:
      regie monitor show JG-2026-001
    """
    from ledger.access.purposes import DEFAULT_PURPOSE

    shown = ctx.ledger().monitoring.monitor(case_ref, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE))
    if as_json:
        emit_json(shown)
        return
    for n, goal in enumerate(shown["goals"], start=1):
        echo(f"Doel {n}: {goal}")
    table(
        f"Indicatoren van {shown['case']}",
        ["doel", "indicator", "eenheid", "metingen", "laatste"],
        ((i["goal"], i["key"], i["unit"], " ".join(f"{m['on']}={m['value']:g}"
          for m in i["measurements"]), "" if i["last"] is None else f"{i['last']:g}")
         for i in shown["indicators"]),
    )  # fmt: skip
