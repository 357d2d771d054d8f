from __future__ import annotations

import tomllib
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
    key_values,
    pass_ctx,
    table,
)
from ledger.access.purposes import DEFAULT_PURPOSE


@click.group("case")
def command() -> None:
    """Open, list, show, staff and close cases (groepsaanpakken)."""


@command.command("open")
@click.option(
    "--name",
    "working_name",
    required=True,
    help="Non-identifying working name, e.g. 'Groep Stationsplein'.",
)
@click.option("--municipality", required=True, help="Gemeente.")
@click.option("--area", required=True, help="Wijk or area.")
@click.option("--opened-on", type=ISO_DATE, help="Date opened (default today).")
@json_option
@pass_ctx
@handle_errors
def open_(
    ctx: Context, working_name: str, municipality: str, area: str, opened_on: Any, as_json: bool
) -> None:
    """Open a case for a group at step 1 (signals, group level only).

    \b
    Example:
      regie case open --name 'Groep Stationsplein' --municipality Voorbeeldstad --area Centrum
    """
    from ledger import commands as c

    cmd = c.build(
        c.OpenCase,
        working_name=working_name,
        municipality=municipality,
        area=area,
        opened_on=opened_on,
    )
    case = ctx.ledger().cases.open_case(cmd, ctx.acting())
    if as_json:
        emit_json({"case": case.ref, "step": case.step})
    else:
        echo(f"Opened case {case.ref} ({case.working_name}) at step 1.")


@command.command("list")
@click.option(
    "--status",
    type=click.Choice(["lopend", "beeindigd", "afgesloten"]),
    help="Only cases with this status.",
)
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, status: str | None, as_json: bool) -> None:
    """List cases with their step and open and overdue actions.

    \b
    Example:
      regie case list --status lopend
    """
    rows = ctx.ledger().cases.cases(ctx.acting(), status)
    if as_json:
        emit_json(rows)
        return
    table(
        "Cases",
        ["case", "name", "area", "status", "step", "coordinator", "open actions", "overdue"],
        (
            (
                r["ref"],
                r["working_name"],
                r["area"],
                r["status"],
                r["step"],
                r["coordinator"],
                r["open_actions"],
                r["overdue_actions"],
            )
            for r in rows
        ),
    )


@command.command("show")
@click.argument("case_ref")
@click.option("--members", is_flag=True, help="Also list the members with their names.")
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, members: bool, as_json: bool) -> None:
    """Show a case: current step, step history, decisions, open and overdue actions.

    \b
    Example:
      regie case show JG-2026-001
      regie case show JG-2026-001 --members
    """
    overview = ctx.ledger().cases.overview(
        case_ref, ctx.acting(), members, ctx.purpose(DEFAULT_PURPOSE)
    )
    if as_json:
        emit_json(overview)
    else:
        render.case_overview(overview)


@command.command("designate")
@click.argument("case_ref")
@click.argument("actor_id")
@click.option("--decided-on", type=ISO_DATE, help="Date of the decision (default today).")
@json_option
@pass_ctx
@handle_errors
def designate(ctx: Context, case_ref: str, actor_id: str, decided_on: Any, as_json: bool) -> None:
    """Designate the uitvoeringscoördinator (an actor holding that role).

    \b
    Example:
      regie case designate JG-2026-001 uc-demo
    """
    from ledger import commands as c

    cmd = c.build(c.Designate, case=case_ref, coordinator=actor_id, decided_on=decided_on)
    ctx.ledger().cases.designate_coordinator(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "coordinator": cmd.coordinator})
    else:
        echo(f"{cmd.coordinator} is uitvoeringscoördinator of {cmd.case}.")


def _handover(values: tuple[str, ...]) -> dict[int, dict[str, str]]:
    from ledger.commands import parse_action_number

    out: dict[int, dict[str, str]] = {}
    for action, text in key_values(values, "--handover").items():
        organisation, _, note = text.partition(":")
        out[parse_action_number(action)] = {
            "organisation": organisation.strip(),
            "note": note.strip(),
        }
    return out


def _evaluation_file(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    from ledger.errors import BadInput

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the evaluation ({exc})") from exc
    section = raw.get("evaluation", raw)
    if not isinstance(section, dict) or not all(isinstance(v, str) for v in section.values()):
        raise BadInput(f'{path}: expected KEY = "text" lines (optionally under [evaluation])')
    return {str(k): v for k, v in section.items()}


@command.command("close")
@click.argument("case_ref")
@click.option(
    "--goals-reached",
    type=click.Choice(["ja", "deels", "nee"]),
    required=True,
    help="Were the plan's goals reached?",
)
@click.option("--assessment", required=True, help="Assessment of the goals.")
@click.option(
    "--handover",
    multiple=True,
    metavar="A<n>=ORG[:NOTE]",
    help="Hand an open action over to a regular organisation; repeat per action.",
)
@click.option(
    "--bewaartermijn",
    required=True,
    metavar="DURATION",
    help="Agreed retention of the collected information, ISO 8601 (e.g. P2Y).",
)
@click.option(
    "--criterion",
    multiple=True,
    metavar="KEY=TEXT",
    help="Evaluation per criterion (see policies werkproces.toml); repeat.",
)
@click.option(
    "--evaluation",
    "evaluation_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help='TOML file with the evaluation, KEY = "text" per criterion.',
)
@click.option("--closed-on", type=ISO_DATE, help="Date of closure (default today).")
@json_option
@pass_ctx
@handle_errors
def close(
    ctx: Context,
    case_ref: str,
    goals_reached: str,
    assessment: str,
    handover: tuple[str, ...],
    bewaartermijn: str,
    criterion: tuple[str, ...],
    evaluation_file: Path | None,
    closed_on: Any,
    as_json: bool,
) -> None:
    """Close a case at step 7: goals, handover, agreed bewaartermijn and the evaluation.

    The seven criteria: rolverdeling, informatieoverdracht, inzet, effectiviteit,
    snelheid, looptijd, knelpunten.

    \b
    Example:
      regie case close JG-2026-001 --goals-reached deels --assessment 'Overlast fors minder' \\
        --handover A4=jongerenwerk:'wekelijkse inloop' --bewaartermijn P2Y \\
        --evaluation evaluatie.toml
    """
    from ledger import commands as c

    evaluation = {**_evaluation_file(evaluation_file), **key_values(criterion, "--criterion")}
    cmd = c.build(
        c.CloseCase,
        case=case_ref,
        goals_reached=goals_reached,
        goals_assessment=assessment,
        handover=_handover(handover),
        bewaartermijn=bewaartermijn,
        evaluation=evaluation,
        closed_on=closed_on,
    )
    ctx.ledger().cases.close_case(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "status": "afgesloten", "bewaartermijn": bewaartermijn})
    else:
        echo(f"Closed case {cmd.case}; agreed bewaartermijn {bewaartermijn.upper()}.")


@command.group("participant")
def participant() -> None:
    """Add or remove actors who take part in a case (and may see its personal data)."""


def _participation(
    ctx: Context, case_ref: str, actor_id: str, reason: str, add: bool, as_json: bool
) -> None:
    from ledger import commands as c

    cmd = c.build(c.Participation, case=case_ref, actor=actor_id, reason=reason)
    cases = ctx.ledger().cases
    (cases.add_participant if add else cases.remove_participant)(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "actor": cmd.actor, "participant": add})
    else:
        echo(f"{cmd.actor} {'takes part in' if add else 'no longer takes part in'} {cmd.case}.")


@participant.command("add")
@click.argument("case_ref")
@click.argument("actor_id")
@click.option("--reason", required=True, help="Why this actor needs to take part.")
@json_option
@pass_ctx
@handle_errors
def participant_add(ctx: Context, case_ref: str, actor_id: str, reason: str, as_json: bool) -> None:
    """Let an actor take part in a case (need-to-know).

    \b
    Example:
      regie case participant add JG-2026-001 wijkagent-demo --reason 'Wijkagent Centrum'
    """
    _participation(ctx, case_ref, actor_id, reason, True, as_json)


@participant.command("remove")
@click.argument("case_ref")
@click.argument("actor_id")
@click.option("--reason", required=True, help="Why the actor no longer takes part.")
@json_option
@pass_ctx
@handle_errors
def participant_remove(
    ctx: Context, case_ref: str, actor_id: str, reason: str, as_json: bool
) -> None:
    """Stop an added actor from taking part in a case.

    \b
    Example:
      regie case participant remove JG-2026-001 wijkagent-demo --reason 'Overgeplaatst'
    """
    _participation(ctx, case_ref, actor_id, reason, False, as_json)
