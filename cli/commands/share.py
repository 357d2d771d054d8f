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


@click.group("share")
def command() -> None:
    """Record sharing decisions (verstrekkingen), checked against the sharing policy."""


def _provision_options(f: Any) -> Any:
    """The options that describe a provision, for `share add` and `share request`."""
    for option in reversed(_PROVISION):
        f = option(f)
    return f


_PROVISION = [
    click.argument("case_ref"),
    click.option("--from", "from_org", required=True, help="Providing organisation."),
    click.option(
        "--to", "to_orgs", multiple=True, required=True, help="Receiving organisation; repeat."
    ),
    click.option(
        "--recipient",
        "named_recipients",
        multiple=True,
        help="A named recipient (function or name); repeat.",
    ),
    click.option(
        "--subject",
        "subjects",
        multiple=True,
        help="A subject the data is about; repeat. None: group level only.",
    ),
    click.option(
        "--category",
        "categories",
        multiple=True,
        required=True,
        help="Data category shared; repeat.",
    ),
    click.option("--purpose", required=True, help="Purpose (a purpose key of the convenant)."),
    click.option("--convenant", help="Convenant key the share rests on."),
    click.option(
        "--convenant-version",
        type=click.IntRange(min=1),
        help="Convenant version (default: newest).",
    ),
    click.option("--article", help="Article of the convenant's sharing matrix."),
    click.option(
        "--instrument",
        help="Id of the provider's instrument in the convenant (police: its art. 20 Wpg besluit).",
    ),
    click.option(
        "--legal-basis",
        help="Outside any convenant: its own basis (a key of sharing.toml [[ad_hoc_basis]]).",
    ),
    click.option("--necessity", required=True, help="Why this sharing is necessary (noodzaak)."),
    click.option("--meeting", help="Shared into a decision meeting (ketenoverleg, driehoek, ...)."),
    click.option(
        "--source",
        help="The provision this one passes on (its id): where the data came from (herkomst).",
    ),
    click.option(
        "--compatibility",
        help="For another purpose than the source's: the compatibility assessment (AVG art."
        " 6(4)); the share is flagged for the privacy officer's review.",
    ),
    click.option("--on", "decided_on", type=ISO_DATE, help="Date (default today)."),
]


@command.command("add")
@_provision_options
@json_option
@pass_ctx
@handle_errors
def add(ctx: Context, /, as_json: bool, **values: Any) -> None:
    """Record a provision of data by your own organisation. A refused one is recorded too,
    and exits 1 with why. A provision from another organisation is refused
    (share.provider): the regisseur records a request (`share request`).

    \b
    Example:
      regie share add JG-2026-001 --from politie --to gemeente --subject P-3f9a2c1d0b \\
        --category identificatie --category groepspositie --purpose groepsaanpak \\
        --convenant jga-voorbeeldstad --article 'art. 6 lid 1' --instrument JGA-2026-01 \\
        --necessity 'Nodig voor het persoonsgerichte spoor van het plan'
      regie share add JG-2026-001 --from gemeente --to veilig-thuis --subject P-3f9a2c1d0b \\
        --category zorg-en-gezondheid --purpose 'zorgen over thuissituatie' \\
        --legal-basis avg-9-2-c-vitaal-belang --necessity 'Acute zorg'

    Passing on what you received (politie-informatie, strafrechtelijke informatie, or any
    data you got in a provision) names that provision with --source; for another purpose
    than it was received for, record the compatibility assessment with --compatibility.
    """
    cmd = _record(values)
    share_id = ctx.ledger().sharing.record_share(cmd, ctx.acting())
    flagged = cmd.convenant is None or cmd.compatibility is not None
    if as_json:
        emit_json({"share": share_id, "outcome": "verstrekt", "ad_hoc": flagged})
    else:
        echo(
            f"Recorded share {share_id[:8]} (verstrekt)"
            + ("; flagged for the privacy officer's review." if flagged else ".")
        )


def _record(values: dict[str, Any]) -> Any:
    from ledger import commands as c

    lists = ("to_orgs", "named_recipients", "subjects", "categories", "om_conditions")
    return c.build(
        c.RecordShare,
        case=values.pop("case_ref"),
        **{k: list(v) if k in lists else v for k, v in values.items()},
    )


@command.command("request")
@_provision_options
@click.option(
    "--om-condition",
    "om_conditions",
    multiple=True,
    help="An OM condition that holds (policies sharing.toml [om_conditions]); repeat.",
)
@json_option
@pass_ctx
@handle_errors
def request(ctx: Context, /, as_json: bool, **values: Any) -> None:
    """Ask another organisation for a provision (regisseur). It is no provision until an
    actor of that organisation confirms it (`share confirm`) or refuses it (`share refuse`).

    \b
    Example:
      regie share request JG-2026-001 --from om --to gemeente --subject P-3f9a2c1d0b \\
        --category strafrechtelijke-informatie --purpose groepsaanpak \\
        --convenant jga-voorbeeldstad --article 'art. 7' --necessity 'Integraal beeld' \\
        --om-condition sterke-criminele-aspecten --om-condition pv-laatste-jaar
    """
    request_id = ctx.ledger().sharing.request_share(_record(values), ctx.acting())
    if as_json:
        emit_json({"request": request_id, "status": "open"})
    else:
        echo(f"Recorded request {request_id[:8]} (open); an actor of the provider answers it.")


@command.command("confirm")
@click.argument("request")
@click.option("--on", "on", type=ISO_DATE, help="Date of the provision (default today).")
@click.option(
    "--instrument", help="Your instrument in the convenant it cites (police: the besluit's id)."
)
@json_option
@pass_ctx
@handle_errors
def confirm(ctx: Context, request: str, on: Any, instrument: str | None, as_json: bool) -> None:
    """Provide what a request asks (an actor of the provider), judged by the rules.

    The provision is judged by the sharing rules on its date (--on), as if recorded then.
    --instrument names the instrument it rests on, if the request did not (DEEL-10).

    \b
    Example:
      regie share confirm 3f9a2c1d --instrument JGA-2026-01
    """
    from ledger import commands as c
    from ledger.sharing.requests import AnswerRequest

    cmd = c.build(AnswerRequest, request=request, on=on, instrument=instrument)
    share_id = ctx.ledger().sharing.confirm_request(cmd, ctx.acting())
    if as_json:
        emit_json({"share": share_id, "outcome": "verstrekt"})
    else:
        echo(f"Request confirmed: share {share_id[:8]} (verstrekt).")


@command.command("refuse")
@click.argument("request")
@click.option("--reason", required=True, help="Why the organisation does not provide.")
@json_option
@pass_ctx
@handle_errors
def refuse(ctx: Context, request: str, reason: str, as_json: bool) -> None:
    """Refuse a request, as an actor of the providing organisation; never a provision.

    \b
    Example:
      regie share refuse 3f9a2c1d --reason 'Geen grondslag voor deze verstrekking'
    """
    from ledger import commands as c
    from ledger.sharing.requests import AnswerRequest

    cmd = c.build(AnswerRequest, request=request, reason=reason)
    request_id = ctx.ledger().sharing.refuse_request(cmd, ctx.acting())
    if as_json:
        emit_json({"request": request_id, "status": "afgewezen"})
    else:
        echo(f"Request {request_id[:8]} refused (afgewezen).")


@command.command("requests")
@click.argument("case_ref", required=False)
@click.option("--status", type=click.Choice(["open", "bevestigd", "afgewezen"]), help="Only these.")
@json_option
@pass_ctx
@handle_errors
def requests(ctx: Context, case_ref: str | None, status: str | None, as_json: bool) -> None:
    """List requests for a provision, of one case or all: who asked, who answered.

    \b
    Example:
      regie share requests JG-2026-001 --status open
    """
    rows = ctx.ledger().sharing.requests(ctx.acting(), case_ref, status)
    if as_json:
        emit_json(rows)
        return
    table(
        "Verzoeken tot verstrekking",
        [
            "verzoek",
            "datum",
            "case",
            "van",
            "naar",
            "categorieën",
            "gevraagd door",
            "status",
            "beantwoord door",
        ],
        (
            (
                r["request"],
                r["requested_on"],
                r["case"],
                r["from"],
                ", ".join(r["to"]),
                ", ".join(r["categories"]),
                r["requested_by"],
                r["status"] + (f" ({r['share']})" if r["share"] else ""),
                r["answered_by"] or "",
            )
            for r in rows
        ),
    )


@command.command("list")
@click.argument("case_ref", required=False)
@click.option("--outcome", type=click.Choice(["verstrekt", "geweigerd"]), help="Only these.")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, case_ref: str | None, outcome: str | None, as_json: bool) -> None:
    """List sharing decisions, of one case or all.

    \b
    Example:
      regie share list JG-2026-001 --outcome geweigerd
    """
    rows = ctx.ledger().sharing.shares(ctx.acting(), case_ref, outcome)
    if as_json:
        emit_json(rows)
        return
    table(
        "Verstrekkingen",
        [
            "share",
            "datum",
            "case",
            "van",
            "naar",
            "personen",
            "categorieën",
            "grondslag",
            "uitkomst",
            "oordeel",
        ],
        (
            (
                r["share"],
                r["decided_on"],
                r["case"],
                r["from"],
                ", ".join(r["to"]),
                r["subjects"],
                ", ".join(r["categories"]),
                r["basis"] + (f"; herkomst {r['source']}" if r["source"] else ""),
                r["outcome"] + (f" ({', '.join(r['refused_by'])})" if r["refused_by"] else ""),
                r["review"],
            )
            for r in rows
        ),
    )


@command.command("review")
@click.argument("share")
@click.option(
    "--verdict",
    type=click.Choice(["rechtmatig", "onrechtmatig"]),
    required=True,
    help="Your verdict on the ad-hoc provision.",
)
@click.option("--reason", required=True, help="Why: basis, necessity, care (sealed).")
@json_option
@pass_ctx
@handle_errors
def review(ctx: Context, share: str, verdict: str, reason: str, as_json: bool) -> None:
    """Judge an ad-hoc provision, as the privacy officer: rechtmatig or onrechtmatig.

    An onrechtmatig verdict opens a finding (`audit findings`, onrechtmatige-verstrekking)
    until it is closed with `share close-finding`. A provision that passes on data for
    another purpose on a compatibility assessment is judged the same way.

    \b
    Example:
      regie share review 3f9a2c1d --verdict rechtmatig \\
        --reason 'Vitaal belang en noodzaak voldoende onderbouwd'
    """
    from ledger import commands as c
    from ledger.sharing.verdicts import ReviewShare

    cmd = c.build(ReviewShare, share=share, verdict=verdict, reason=reason)
    share_id = ctx.ledger().sharing.review(cmd, ctx.acting())
    if as_json:
        emit_json({"share": share_id, "reviewed": True, "verdict": verdict})
    elif verdict == "onrechtmatig":
        echo(
            f"Share {share_id[:8]} judged onrechtmatig: a finding is open (`regie audit "
            "findings`) until you close it with `regie share close-finding`."
        )
    else:
        echo(f"Share {share_id[:8]} judged {verdict}.")


@command.command("close-finding")
@click.argument("share")
@click.option("--reason", required=True, help="What was done and why that settles it (sealed).")
@click.option(
    "--recipient-asked-on",
    type=ISO_DATE,
    help="The day the recipient(s) were asked to delete what they received.",
)
@click.option(
    "--breach-notified-on",
    type=ISO_DATE,
    help="The day the data breach was notified to the Autoriteit Persoonsgegevens.",
)
@click.option(
    "--no-breach-notification",
    is_flag=True,
    help="You decided no notification was due (AVG art. 33(1)); say why in --reason.",
)
@click.option("--on", "on", type=ISO_DATE, help="Date of closing (default today).")
@json_option
@pass_ctx
@handle_errors
def close_finding(ctx: Context, /, as_json: bool, **values: Any) -> None:
    """Close the finding an onrechtmatig verdict opened, saying what was done.

    For the privacy officer.

    Name the decision on a data-breach notification (AVG art. 33): --breach-notified-on DATE,
    or --no-breach-notification with the reason. Recorded on the share.

    \b
    Example:
      regie share close-finding 3f9a2c1d --recipient-asked-on 2026-11-20 \\
        --no-breach-notification --reason 'Ontvanger heeft verwijdering bevestigd; geen risico'
    """
    from ledger import commands as c
    from ledger.sharing.verdicts import CloseFinding

    cmd = c.build(CloseFinding, **values)
    share_id = ctx.ledger().sharing.close_finding(cmd, ctx.acting())
    if as_json:
        emit_json({"share": share_id, "finding": "gesloten"})
    else:
        echo(f"Finding on share {share_id[:8]} closed.")
