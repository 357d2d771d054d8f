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

_SLEUTEL = click.option(
    "--sleutel",
    type=click.IntRange(min=1),
    required=True,
    help="Which of the 4 sleutels: 1 lokaal leiderschap, 2 informatie en analyse, "
    "3 aanpakken en uitvoeren, 4 monitoren en evalueren.",
)


@click.group("checklist")
def command() -> None:
    """The 4 sleutels self-check of a case (CCV checklists, policies werkbank.toml)."""


@command.command("show")
@click.argument("case_ref")
@_SLEUTEL
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, sleutel: int, as_json: bool) -> None:
    """Walk one checklist: each item, what the ledger knows, and the last answers.

    \b
    Example:
      regie checklist show JG-2026-001 --sleutel 3
    """
    shown = ctx.ledger().checklists.checklist(case_ref, sleutel, ctx.acting())
    if as_json:
        emit_json(shown)
        return
    answered = (
        f" (beantwoord {shown['answered_on']} door {shown['answered_by']})"
        if shown["answered_on"]
        else ""
    )
    table(
        f"Sleutel {shown['sleutel']}: {shown['title']}{answered}",
        ["nr", "vraag", "volgens het dossier", "antwoord"],
        (
            (
                i["number"],
                i["text"],
                f"{i['ledger'] or '?'}: {i['fact']}" if i["fact"] else "",
                i["answer"] or "",
            )
            for i in shown["items"]
        ),
    )
    echo(f"Bron: {shown['source']}")


def _answers(values: tuple[str, ...]) -> dict[int, str]:
    from ledger.errors import BadInput

    out: dict[int, str] = {}
    for value in values:
        number, sep, answer = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise BadInput(f"--answer takes ITEM=ja or ITEM=nee, such as 3=ja, not '{value}'")
        out[int(number)] = answer.strip().lower()
    return out


@command.command("answer")
@click.argument("case_ref")
@_SLEUTEL
@click.option("--answer", "answers", multiple=True, required=True, help="ITEM=ja|nee; repeat.")
@click.option("--on", type=ISO_DATE, help="Date of the self-check (default today).")
@json_option
@pass_ctx
@handle_errors
def answer(
    ctx: Context, case_ref: str, sleutel: int, answers: tuple[str, ...], on: Any, as_json: bool
) -> None:
    """Record answers to one checklist for a case (the items you name).

    \b
    Example:
      regie checklist answer JG-2026-001 --sleutel 3 --answer 2=ja --answer 5=nee
    """
    from ledger import commands as c
    from ledger.workbench.checklists import AnswerChecklist

    cmd = c.build(AnswerChecklist, case=case_ref, sleutel=sleutel, answers=_answers(answers), on=on)
    count = ctx.ledger().checklists.answer(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "sleutel": sleutel, "answered": count})
    else:
        echo(f"Recorded {count} answers to sleutel {sleutel} for {cmd.case}.")
