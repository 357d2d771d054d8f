"""Shared plumbing: the context object, shared options, error mapping and rendering.

Kept import-light (click only) so that `regie --help` starts fast; the ledger is
imported when a command actually runs.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

if TYPE_CHECKING:
    from cli.remote import RemoteLedger
    from ledger.bootstrap import Ledger
    from ledger.config import Settings
    from ledger.domain.acting import Acting
    from ledger.errors import RegieError

F = TypeVar("F", bound=Callable[..., Any])

MAINTENANCE_WARNING = (
    "Warning: this opens the PostgreSQL ledger directly, which is operator maintenance on "
    "the server machine; everyone else works through `regie serve` with an API token."
)


class Context:
    """Lazily opens the ledger the command needs, once."""

    def __init__(self, db: str | None, role: str | None, purpose: str | None = None) -> None:
        self.db_option = db
        self.role_option = role
        self.purpose_option = purpose
        self._settings: Settings | None = None
        self._ledger: Ledger | None = None
        self._remote: RemoteLedger | None = None
        self._acting: Acting | None = None

    def purpose(self, default: str) -> str:
        """The purpose recorded with each access (NEN 7513); --purpose overrides."""
        return self.purpose_option or default

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from ledger.config import database_url_from_option, load_settings

            settings = load_settings()
            if self.db_option:
                settings = settings.with_database(database_url_from_option(self.db_option))
            self._settings = settings
        return self._settings

    @property
    def through_server(self) -> bool:
        """Whether a server is configured: then every command goes through its API."""
        return bool(self.settings.server)

    def ledger(self, *, require_initialised: bool = True, serving: bool = False) -> Ledger:
        """The embedded ledger, or with a server configured its stand-in (same calls).

        Opening a PostgreSQL ledger directly is the operator's maintenance on the server
        machine (decision 0025): said once on stderr, except by `regie serve` itself.
        """
        if self.through_server:
            return cast("Ledger", self._remote_ledger())
        if self._ledger is None:
            from ledger.bootstrap import open_ledger

            self._ledger = open_ledger(
                self.settings.database_url,
                policy_dir=self.settings.policy_dir,
                key_dir=self.settings.key_dir,
                require_initialised=require_initialised,
            )
            if self._ledger.store.dialect == "postgresql" and not serving:
                click.echo(MAINTENANCE_WARNING, err=True)
        return self._ledger

    def acting(self) -> Acting:
        """Who acts: the configured actor in the configured role, known and active.

        Only identity is settled here; whether this actor may run the command, on this
        case, is for the application (the gate in every service method) to decide.
        """
        if self._acting is None and self.through_server:
            self._acting = self._remote_ledger().acting()
        if self._acting is None:
            settings = self.settings
            self._acting = self.ledger().identify(
                settings.actor, self.role_option or settings.role, _command_name()
            )
        return self._acting

    def today(self) -> date:
        """The ledger's today (its clock, not necessarily this machine's)."""
        if self.through_server:
            return self._remote_ledger().today()
        return self.ledger().app.clock()

    def _remote_ledger(self) -> RemoteLedger:
        if self._remote is None:
            from cli.remote import connect
            from ledger.config import api_token
            from ledger.errors import BadInput

            settings = self.settings
            if self.db_option:
                raise BadInput("--db opens a ledger on this machine; unset REGIE_SERVER for it")
            self._remote = connect(
                settings.server or "",
                api_token(settings),
                self.role_option or settings.role,
                settings.actor,
            )
        return self._remote

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


pass_ctx = click.make_pass_decorator(Context)


def handle_errors(func: F) -> F:
    """Map the ledger's errors to one line on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ledger.errors import RegieError

        try:
            return func(*args, **kwargs)
        except RegieError as exc:
            click.echo(f"Error: {_plain(exc)}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException:
            raise
        except (KeyboardInterrupt, click.Abort):
            click.echo(
                "Aborted. A single-step command wrote nothing; a run (retention, letters, "
                "erasure) can be repeated to complete it.",
                err=True,
            )
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("REGIE_DEBUG"):
                raise
            # The type only: a message could carry data we must not print.
            click.echo(
                f"Error: internal error ({type(exc).__name__}); nothing further was written. "
                "Run again with REGIE_DEBUG=1 for details.",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _plain(error: RegieError) -> str:
    """The message; a rejected command input is said in the command line's own terms."""
    from cli import inputerrors

    cause = error.__cause__
    if inputerrors.is_command_error(cause):
        return inputerrors.sentence(cause, click.get_current_context(silent=True))
    return error.message


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text."
    )(func)


class IsoDate(click.ParamType[date, Any]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            # Not echoed: a mistyped date may be a date of birth.
            self.fail("expected an ISO 8601 date such as 2026-11-22", param, ctx)


ISO_DATE = IsoDate()


def key_values(values: Sequence[str], what: str) -> dict[str, str]:
    """Parse repeated KEY=TEXT options."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            # Not echoed: the text may be personal data.
            raise click.BadParameter("each must look like KEY=TEXT", param_hint=what)
        out[key.strip()] = text.strip()
    return out


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo(message: str) -> None:
    """Print a message, wrapped at spaces to the terminal's width (COLUMNS; 80 in a pipe)."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size((80, 24)).columns
    lines = []
    for line in message.splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip())]
        lines.extend(
            textwrap.wrap(
                line,
                width,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            if len(line) > width
            else [line]
        )
    click.echo("\n".join(lines))


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows under a title; readable at the terminal's width (see cli/tables.py)."""
    from rich.console import Console

    from cli.tables import print_table

    cells = [["" if v is None else str(v) for v in row] for row in rows]
    console = Console()
    if not cells:
        console.print(f"{title + ': ' if title else ''}nothing to show", markup=False)
    else:
        print_table(console, title, columns, cells)


def csv_option(func: F) -> F:
    return click.option(
        "--csv", "as_csv", is_flag=True, help="Print CSV (one row per line) instead of text."
    )(func)


def emit_csv(rows: list[dict[str, Any]]) -> None:
    import csv

    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ("; ".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
        )


def emit_rows(
    rows: list[dict[str, Any]],
    as_json: bool,
    as_csv: bool,
    title: str,
    columns: Sequence[tuple[str, str]],
) -> None:
    """One renderer for report rows: JSON, CSV, or a table of the given (key, header) columns."""
    if as_json:
        emit_json(rows)
    elif as_csv:
        emit_csv(rows)
    else:
        table(
            title,
            [header for _, header in columns],
            (
                [
                    ", ".join(map(str, r[k])) if isinstance(r.get(k), list) else r.get(k)
                    for k, _ in columns
                ]
                for r in rows
            ),
        )


def _command_name() -> str:
    """The running command as the permissions name it ("subject.show"), for the access
    log entry of a failed identification."""
    context = click.get_current_context(silent=True)
    if context is None:
        return "actor.identify"
    parts = context.command_path.split()[1:]
    return ".".join(parts) or "actor.identify"
