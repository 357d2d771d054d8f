from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.commands import integrity, witnessing
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


@click.group("audit")
def command() -> None:
    """The privacy officer's audit, and proof of the ledger's integrity."""


_FROM = click.option("--from", "since", type=ISO_DATE, help="From this date.")
_TO = click.option("--to", "until", type=ISO_DATE, help="Up to and including this date.")


@command.command("who-saw")
@click.argument("subject")
@_FROM
@_TO
@json_option
@csv_option
@pass_ctx
@handle_errors
def who_saw(
    ctx: Context, subject: str, since: Any, until: Any, as_json: bool, as_csv: bool
) -> None:
    """Every access to and every provision about a subject, in time order.

    Provisions are shares, and the namenlijst versions and groepsscans the subject is on.

    \b
    Example:
      regie audit who-saw P-3f9a2c1d0b --from 2026-01-01 --csv > toegang.csv
    """
    ledger = ctx.ledger()
    rows = ledger.privacy.who_saw(subject, ctx.acting(), since, until)
    emit_rows(
        rows,
        as_json,
        as_csv,
        f"Wie zag {subject}",
        [
            ("at", "wanneer"),
            ("kind", "soort"),
            ("action", "actie"),
            ("actor", "wie"),
            ("organisation", "organisatie"),
            ("role", "rol"),
            ("purpose", "doel"),
            ("basis", "grondslag"),
            ("recipients", "ontvangers"),
            ("outcome", "uitkomst"),
        ],
    )


@command.command("actor")
@click.argument("actor_id")
@_FROM
@_TO
@json_option
@csv_option
@pass_ctx
@handle_errors
def actor(ctx: Context, actor_id: str, since: Any, until: Any, as_json: bool, as_csv: bool) -> None:
    """Everything one user accessed or shared.

    \b
    Example:
      regie audit actor r.devries --from 2026-11-01
    """
    ledger = ctx.ledger()
    rows = ledger.privacy.actor(actor_id.lower(), ctx.acting(), since, until)
    emit_rows(
        rows,
        as_json,
        as_csv,
        f"Activiteit van {actor_id}",
        [
            ("at", "wanneer"),
            ("kind", "soort"),
            ("command", "opdracht"),
            ("subject", "betrokkene"),
            ("case", "case"),
            ("purpose", "doel"),
            ("recipients", "ontvangers"),
            ("outcome", "uitkomst"),
        ],
    )


@command.command("disclosures")
@click.option("--to", "to_org", help="Only provisions to this organisation.")
@click.option("--convenant", help="Only provisions under this convenant.")
@click.option("--from", "since", type=ISO_DATE, help="From this date.")
@click.option("--until", type=ISO_DATE, help="Up to and including this date.")
@click.option(
    "--requests", "open_requests", is_flag=True, help="Instead: the requests still unanswered."
)
@json_option
@csv_option
@pass_ctx
@handle_errors
def disclosures(
    ctx: Context,
    to_org: str | None,
    convenant: str | None,
    since: Any,
    until: Any,
    open_requests: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The register of provisions (verstrekkingen) that were made.

    Besides the shares (soort verstrekking) it lists each agreed namenlijst version (to
    its partners) and each groepsscan request and received scan (to their recipients).

    Each names who answered for it: the actor of the providing organisation who recorded
    or confirmed it, and the regisseur who requested it, if anyone did. `--requests` lists
    the open requests instead: asked of a provider, not (yet) provided.

    \b
    Example:
      regie audit disclosures --to jongerenwerk --from 2026-01-01 --csv
      regie audit disclosures --requests
    """
    ledger = ctx.ledger()
    rows = ledger.privacy.disclosures(
        ctx.acting(), to_org, convenant, since, until, requests=open_requests
    )
    if open_requests:
        emit_rows(
            rows,
            as_json,
            as_csv,
            "Open verzoeken tot verstrekking",
            [
                ("requested_on", "datum"),
                ("request", "verzoek"),
                ("case", "case"),
                ("from", "gevraagd van"),
                ("to", "naar"),
                ("categories", "categorieën"),
                ("om_conditions", "voorwaarden OM"),
                ("requested_by", "gevraagd door"),
            ],
        )
        return
    emit_rows(
        rows,
        as_json,
        as_csv,
        "Register van verstrekkingen",
        [
            ("decided_on", "datum"),
            ("kind", "soort"),
            ("case", "case"),
            ("from", "van"),
            ("to", "naar"),
            ("subjects", "personen"),
            ("categories", "categorieën"),
            ("purpose", "doel"),
            ("basis", "grondslag"),
            ("source", "herkomst"),
            ("review", "oordeel"),
            ("answered_by", "beantwoord door"),
            ("requested_by", "gevraagd door"),
            ("policy", "regels"),
        ],
    )


@command.command("findings")
@json_option
@csv_option
@pass_ctx
@handle_errors
def findings(ctx: Context, as_json: bool, as_csv: bool) -> None:
    """What needs the privacy officer's attention (thresholds in policies audit.toml).

    Refused shares, ad-hoc shares and onward use for another purpose (on a compatibility
    assessment) awaiting review, ad-hoc shares judged onrechtmatig until their finding is
    closed (`share close-finding`), shares under an expired or unsigned
    convenant, accesses by users without a role on the case, bulk reads, reads outside
    office hours, and erasures or purges recorded while their keys still exist
    (vernietiging-onvoltooid, with the days since).

    \b
    Example:
      regie audit findings --json
    """
    ledger = ctx.ledger()
    rows = ledger.privacy.findings(ctx.acting())
    emit_rows(
        rows,
        as_json,
        as_csv,
        "Bevindingen",
        [
            ("on", "datum"),
            ("kind", "soort"),
            ("actor", "wie"),
            ("case", "case"),
            ("detail", "toelichting"),
        ],
    )


@command.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ldv"]),
    default="ldv",
    show_default=True,
    help="ldv: the Logboek Dataverwerkingen records, as a JSON array.",
)
@_FROM
@_TO
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The JSON file to write.",
)
@json_option
@pass_ctx
@handle_errors
def export(ctx: Context, fmt: str, since: Any, until: Any, out: Path, as_json: bool) -> None:
    """The access log as Logboek Dataverwerkingen records (Logius), for a period.

    One record per entry: trace_id, operation_id, parent_operation_id, name (the
    command), status_code, start_time and end_time (ms since 1970), resource (the
    application) and attributes: dpl.core.processing_activity_id (the activity in the
    verwerkingsregister), dpl.core.data_subject_id (the pseudonym) and the NEN 7513
    fields as dpl.regie.* (user, role, organisation, action, purpose, outcome,
    categories, case, retention and retain_until). The export is itself logged; --json
    says what was written.

    \b
    Example:
      regie audit export --format ldv --from 2026-01-01 --to 2026-03-31 --out ldv.json
    """
    import json

    records = ctx.ledger().privacy.export_log(ctx.acting(), since, until)
    out.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if as_json:
        emit_json({"file": str(out), "format": fmt, "records": len(records)})
        return
    echo(f"Wrote {len(records)} {fmt} record(s) to {out}.")


@command.command(
    "subject-report",
    # click would cut the summary at the first period, "AVG art."
    short_help="The answer to an inzageverzoek (AVG art. 15), in Dutch, as text or PDF.",
)
@click.argument("subject")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "pdf"]),
    default="txt",
    show_default=True,
    help="Text on screen, or a PDF file (needs --out).",
)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to this file."
)
@click.option(
    "--limited",
    is_flag=True,
    help="While the information duty is deferred: answer with a limitation under UAVG "
    "art. 41 (the identifying data and the requests only) instead of being refused.",
)
@json_option
@csv_option
@pass_ctx
@handle_errors
def subject_report(
    ctx: Context,
    subject: str,
    fmt: str,
    out: Path | None,
    limited: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The answer to an inzageverzoek (AVG art. 15), in Dutch, as text or PDF.

    A copy of every personal field, note, family link and group position, then every
    category held, source, recipient (the namenlijst and the groepsscan included),
    purpose, legal basis and retention, in words. Producing it is logged as an export
    with the purpose "inzageverzoek". While the information duty for the subject is
    deferred, the report is refused [rule report.restricted]; --limited answers with a
    limitation under UAVG art. 41 that never mentions the deferral.

    \b
    Example:
      regie audit subject-report P-3f9a2c1d0b --format pdf --out inzage.pdf
      regie audit subject-report P-3f9a2c1d0b --limited --out inzage.txt
    """
    from ledger.documents import subject_report_text, to_pdf
    from ledger.errors import BadInput

    if fmt == "pdf" and out is None:
        raise BadInput("a PDF needs --out FILE")
    ledger = ctx.ledger()
    report = ledger.privacy.subject_report(subject, ctx.acting(), limited=limited)
    if as_json:
        emit_json(report)
        return
    if as_csv:
        emit_rows(report["provisions"], False, True, "", [])
        return
    text = subject_report_text(report)
    if out is None:
        click.echo(text.rstrip())  # a document as written, not rewrapped like a message
        return
    if fmt == "pdf":
        out.write_bytes(to_pdf(text, f"Inzage {report['subject']}"))
    else:
        out.write_text(text, encoding="utf-8")
    echo(f"Wrote the report to {out}.")


for _integrity in (*integrity.COMMANDS, *witnessing.COMMANDS):
    command.add_command(_integrity)
