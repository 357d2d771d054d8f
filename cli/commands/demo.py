from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from cli import render
from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx


@click.command("demo")
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    help="Write the demo into a new SQLite ledger at PATH instead of the configured one.",
)
@click.option(
    "--documents",
    "documents",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the demo case's documents into DIR: the plan van aanpak (Word, PDF) and "
    "its concept, agenda and notulen, tussenevaluatie, evaluation report, overview report, "
    "reminders (.ics).",
)
@json_option
@pass_ctx
@handle_errors
def command(ctx: Context, db_path: str | None, documents: Path | None, as_json: bool) -> None:
    """Write a synthetic scenario into a new ledger and show its overview.

    A group is walked from signals through step 7, with a loop from step 6 back to
    step 5 and an escalation. Everyone in it is fictitious. The configured ledger is
    used when it does not exist yet or is empty; otherwise pass --db.

    \b
    Example:
      regie demo
      regie demo --db /tmp/demo.sqlite --documents /tmp/demo-plan
    """
    from ledger.config import safe_url
    from ledger.demo import documents as demo_documents
    from ledger.demo import scenario as demo

    if db_path:
        ctx.db_option = db_path
        ctx._settings = None
    ledger = ctx.ledger(require_initialised=False)
    written = demo.run(ledger)
    ref = written.ref
    overview = ledger.cases.overview(ref, ledger.app.acting(demo.DEMO_ACTOR))
    url = ctx.settings.database_url
    written_files = (
        demo_documents.write(ledger, ref, documents, demo.DEMO_ACTOR) if documents else []
    )
    if as_json:
        emit_json(
            {
                "database": safe_url(url),
                "case": ref,
                "overview": overview,
                "same_person": written.same_person,
                "destruction": written.destruction,
                **({"documents": written_files} if documents else {}),
            }
        )
        return
    render.case_overview(overview)
    where = f"--db {db_path} " if db_path else ""
    echo("")
    echo(f"Registering a youth a second time: {written.same_person}")
    echo(f"Destruction list: {written.destruction}")
    for path in written_files:
        echo(f"Document: {path}")
    echo(f"Demo ledger: {safe_url(url)}")
    echo("Explore it as the demo's regisseur:")
    echo(f"  export REGIE_ACTOR={demo.DEMO_ACTOR}")
    echo(f"  regie {where}case list")
    echo(f"  regie {where}plan show {ref}")
    echo(f"  regie {where}action list {ref}")
    echo(f"  regie {where}plan document {ref} --format docx --out plan.docx")
    echo(f"  regie {where}plan document {ref} --concept --format pdf --out concept.pdf")
    echo(f"  regie {where}member list {ref} --names      # logged before it is shown")
    echo(f"  regie {where}letters due --all")
    echo(f"  regie {where}retention plan --all")
    echo(f"  regie {where}checklist show {ref} --sleutel 4")
    echo(f"  regie {where}meeting list {ref}")
    echo(f"  regie {where}meeting document {ref} M2 --what notulen --format docx")
    echo(f"  regie {where}monitor show {ref}")
    echo(f"  regie {where}evaluation document {ref} --what eindverslag --format pdf")
    echo(f"  regie {where}reminders --within 30 --ics herinneringen.ics")
    since = (ledger.app.clock() - timedelta(days=365)).isoformat()
    echo(f"  regie {where}report overview --from {since} --output overzicht.html")
    echo(f"  REGIE_ACTOR=privacy-demo regie {where}audit findings")
