"""Entry point: `regie <noun> <verb>`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from cli.commands import (
    action,
    actor,
    audit,
    case,
    checklist,
    convenant,
    decision,
    demo,
    groepsscan,
    init,
    keys,
    letters,
    member,
    plan,
    projections,
    reminders,
    report,
    request,
    retention,
    serve,
    share,
    signal,
    step,
    subject,
    token,
)
from cli.commands import letters_informing as letters_informing  # registers on `letters`
from cli.commands import share_reuse as share_reuse  # registers on `share`
from cli.common import Context
from ledger.access.purposes import PURPOSE_MAX


def _bounded_purpose(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--purpose is stored with every access it covers: a phrase, not a document."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise click.BadParameter("must not be empty")
    if len(text) > PURPOSE_MAX:
        raise click.BadParameter(f"at most {PURPOSE_MAX} characters, not {len(text)}")
    return text


class OneLineErrors(click.Group):
    """Render click's usage errors as one line with a pointer to --help, exit code 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted; nothing was written.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=OneLineErrors,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="PATH|URL",
    help="Ledger to use: a SQLite file path or a database URL (default: REGIE_DATABASE_URL, "
    "the config file, or the SQLite file in your data directory).",
)
@click.option(
    "--as",
    "role",
    metavar="ROLE",
    help="Act in this role (default: REGIE_ROLE, the config file, or your first role).",
)
@click.option(
    "--purpose",
    metavar="TEXT",
    callback=_bounded_purpose,
    help="Purpose recorded with every access to personal data (default per command).",
)
@click.version_option(package_name="regie", prog_name="regie")
@click.pass_context
def regie(ctx: click.Context, db: str | None, role: str | None, purpose: str | None) -> None:
    """regie: the audit-first ledger of the aanpak problematische jeugdgroepen.

    Records every signal, decision, step transition and action of a groepsaanpak
    along the 7-stappenmodel as an immutable event.

    \b
    Example:
      regie demo                       # a synthetic case, walked through all 7 steps
      export REGIE_ACTOR=regisseur-demo
      regie case list
      regie case show JG-2026-001

    Exit codes: 0 ok, 1 refused by a domain rule, 2 bad input.
    """
    context = Context(db, role, purpose)
    ctx.obj = context
    ctx.call_on_close(context.close)


for module in (
    init,
    demo,
    actor,
    token,
    case,
    signal,
    step,
    decision,
    plan,
    action,
    subject,
    member,
    convenant,
    share,
    letters,
    keys,
    audit,
    retention,
    reminders,
    checklist,
    report,
    request,
    projections,
    serve,
):
    regie.add_command(module.command)
regie.add_command(groepsscan.namenlijst)
regie.add_command(groepsscan.groepsscan)


def main() -> None:
    regie(prog_name="regie")


if __name__ == "__main__":
    main()
