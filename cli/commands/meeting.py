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
    pass_ctx,
    table,
)

FORMATS = ("md", "docx", "pdf")


class MeetingNumber(click.ParamType[int, Any]):
    """A meeting as `regie meeting list` names it: M2 (or just 2)."""

    name = "MEETING"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip().upper().removeprefix("M")
        if not text.isdigit() or int(text) < 1:
            self.fail("expected a meeting such as M1 (see `regie meeting list`)", param, ctx)
        return int(text)


MEETING = MeetingNumber()


def label(number: int) -> str:
    return f"M{number}"


@click.group("meeting")
def command() -> None:
    """Meetings of a case: agenda, attendees, minutes, decisions and action points."""


@command.command("plan")
@click.argument("case_ref")
@click.option(
    "--kind",
    required=True,
    help="ketenoverleg, driehoek, jeugdgroepenoverleg or casusoverleg (policy werkbank.toml).",
)
@click.option("--on", type=ISO_DATE, required=True, help="Day of the meeting (may lie ahead).")
@json_option
@pass_ctx
@handle_errors
def plan(ctx: Context, case_ref: str, kind: str, on: Any, as_json: bool) -> None:
    """Plan a meeting of the case; `regie reminders` shows it until its minutes are in.

    \b
    Example:
      regie meeting plan JG-2026-001 --kind jeugdgroepenoverleg --on 2026-12-15
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    cmd = c.build(mc.PlanMeeting, case=case_ref, kind=kind, on=on)
    number = ctx.ledger().meetings.plan(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(number), "kind": kind, "on": str(on)})
    else:
        echo(f"Planned meeting {label(number)} of {cmd.case}: {kind} on {on}.")


@command.command("agenda")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option("--item", "items", multiple=True, required=True, help="An agenda item; repeat.")
@json_option
@pass_ctx
@handle_errors
def agenda(
    ctx: Context, case_ref: str, meeting: int, items: tuple[str, ...], as_json: bool
) -> None:
    """Add items to the agenda of a meeting, in order (sealed, like other case texts).

    \b
    Example:
      regie meeting agenda JG-2026-001 M1 --item 'Voortgang plan van aanpak' \\
        --item 'Actiepunten vorig overleg'
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    cmd = c.build(mc.AddAgendaItems, case=case_ref, meeting=meeting, items=list(items))
    count = ctx.ledger().meetings.add_agenda(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(meeting), "agenda_items": count})
    else:
        echo(f"The agenda of {label(meeting)} holds {count} item(s).")


@command.command("attend")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option("--actor", "actors", multiple=True, help="An actor who attended; repeat.")
@click.option(
    "--organisation", "organisations", multiple=True, help="An organisation present; repeat."
)
@json_option
@pass_ctx
@handle_errors
def attend(
    ctx: Context,
    case_ref: str,
    meeting: int,
    actors: tuple[str, ...],
    organisations: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record who attended a meeting: actors of the ledger and organisations.

    \b
    Example:
      regie meeting attend JG-2026-001 M1 --actor regisseur --organisation politie
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    cmd = c.build(
        mc.RecordAttendees,
        case=case_ref,
        meeting=meeting,
        actors=list(actors),
        organisations=list(organisations),
    )
    ctx.ledger().meetings.record_attendees(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(meeting), "actors": cmd.actors,
                   "organisations": cmd.organisations})  # fmt: skip
        return
    echo(f"Recorded {len(actors) + len(organisations)} attendee(s) of {label(meeting)}.")


@command.command("minutes")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option("--text", help="The minutes.")
@click.option(
    "--file",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the minutes from a text file.",
)
@click.option("--held-on", type=ISO_DATE, help="Day the meeting was held (default today).")
@json_option
@pass_ctx
@handle_errors
def minutes(
    ctx: Context,
    case_ref: str,
    meeting: int,
    text: str | None,
    source: Path | None,
    held_on: Any,
    as_json: bool,
) -> None:
    """Record the minutes (notulen), sealed; a second time records a new version.

    \b
    Example:
      regie meeting minutes JG-2026-001 M1 --text 'Plan besproken; twee actiepunten.'
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    if (text is None) == (source is None):
        raise click.UsageError("give the minutes with --text or --file (one of them)")
    body = text if text is not None else source.read_text(encoding="utf-8")  # type: ignore[union-attr]
    cmd = c.build(mc.RecordMinutes, case=case_ref, meeting=meeting, text=body, held_on=held_on)
    version = ctx.ledger().meetings.record_minutes(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(meeting), "minutes_version": version})
        return
    echo(f"Recorded the minutes of {label(meeting)} (version {version}).")


@command.command("link")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option("--decision", type=click.IntRange(min=1), required=True, help="Decision number.")
@json_option
@pass_ctx
@handle_errors
def link(ctx: Context, case_ref: str, meeting: int, decision: int, as_json: bool) -> None:
    """Record that a decision of the case was taken in this meeting.

    After the fact; when recording the decision, use `regie decision record --meeting`.

    \b
    Example:
      regie meeting link JG-2026-001 M1 --decision 2
    """
    from ledger import commands as c
    from ledger.meetings import commands as mc

    cmd = c.build(mc.LinkDecision, case=case_ref, meeting=meeting, decision=decision)
    ctx.ledger().meetings.link_decision(cmd, ctx.acting())
    if as_json:
        emit_json({"case": cmd.case, "meeting": label(meeting), "decision": decision})
        return
    echo(f"Decision {decision} of {cmd.case} was taken in {label(meeting)}.")


@command.command("list")
@click.argument("case_ref", required=False)
@click.option("--upcoming", is_flag=True, help="Only meetings from today on.")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, case_ref: str | None, upcoming: bool, as_json: bool) -> None:
    """The meetings of a case, or of every case you may see: kind, day and counts.

    \b
    Example:
      regie meeting list JG-2026-001
      regie meeting list --upcoming
    """
    rows = ctx.ledger().meetings.meetings(ctx.acting(), case_ref, upcoming)
    if as_json:
        emit_json(rows)
        return
    table(
        "Overleggen",
        ["casus", "overleg", "soort", "datum", "agenda", "aanwezig", "notulen", "besluiten",
         "actiepunten"],
        (
            (r["case"], r["meeting"], r["kind"], r["on"], r["agenda_items"], r["attendees"],
             "ja" if r["minutes"] else "nee", r["decisions"], r["action_points"])
            for r in rows
        ),
    )  # fmt: skip


@command.command("show")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@json_option
@pass_ctx
@handle_errors
def show(ctx: Context, case_ref: str, meeting: int, as_json: bool) -> None:
    """One meeting: its agenda, attendees, minutes, decisions and action points.

    Each action point shows the progress of the plan action it follows up. Opening the
    minutes is recorded as an access.

    \b
    Example:
      regie meeting show JG-2026-001 M1
    """
    from ledger.access.purposes import DEFAULT_PURPOSE

    shown = ctx.ledger().meetings.show(
        case_ref, meeting, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE)
    )
    if as_json:
        emit_json(shown)
        return
    echo(f"{shown['case']} {shown['meeting']}: {shown['kind_label']} op {shown['on']}")
    attendees = [*shown["actors"], *shown["organisations"]]
    echo(f"Aanwezig: {', '.join(attendees) if attendees else 'nog niet vastgelegd'}")
    table("Agenda", ["nr", "agendapunt"], enumerate(shown["agenda"], start=1))
    if shown["minutes_text"] is not None:
        echo(f"Notulen (versie {shown['minutes_version']}, {shown['held_on']}):")
        echo(shown["minutes_text"])
    else:
        echo("Notulen: nog niet vastgelegd")
    table(
        "Besluiten",
        ["besluit", "stap", "uitkomst", "orgaan", "datum"],
        ((d["number"], d["step"], d["outcome"], d["body"], d["decided_on"])
         for d in shown["decision_rows"]),
    )  # fmt: skip
    table(
        "Actiepunten",
        ["nr", "actiepunt", "organisatie", "termijn", "plan-actie", "voortgang"],
        ((p["number"], p["text"], p["organisation"], p["due"], p["action"] or "",
          p["progress"] + (" (te laat)" if p["overdue"] else ""))
         for p in shown["action_point_rows"]),
    )  # fmt: skip


@command.command("document")
@click.argument("case_ref")
@click.argument("meeting", type=MEETING)
@click.option(
    "--what",
    type=click.Choice(["agenda", "notulen"]),
    required=True,
    help="The agenda (before) or the minutes (after the meeting).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default <case>-<meeting>-<what>.<format>).",
)
@json_option
@pass_ctx
@handle_errors
def document(
    ctx: Context,
    case_ref: str,
    meeting: int,
    what: str,
    fmt: str,
    output: Path | None,
    as_json: bool,
) -> None:
    """Write the agenda or the minutes as a Word, PDF or Markdown document.

    Recorded as an access, like `meeting show`.

    \b
    Example:
      regie meeting document JG-2026-001 M1 --what agenda --format docx --output agenda.docx
    """
    from ledger.access.purposes import DEFAULT_PURPOSE
    from ledger.meetings.documents import document as build
    from ledger.workbench.document import render

    shown = ctx.ledger().meetings.document(
        case_ref, meeting, what, ctx.acting(), ctx.purpose(DEFAULT_PURPOSE)
    )
    target = output or Path(f"{shown['case']}-{shown['meeting']}-{what}.{fmt}")
    target.write_bytes(render(build(shown), fmt))
    if as_json:
        emit_json({"case": shown["case"], "meeting": shown["meeting"], "document": what,
                   "format": fmt, "file": str(target)})  # fmt: skip
        return
    echo(f"Wrote the {what} of {shown['case']} {shown['meeting']} to {target}.")
