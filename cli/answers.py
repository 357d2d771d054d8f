"""What the client makes of the server's answers: records that read like the embedded
ledger's rows, and the one-line refusal of what the answer (or the API) does not carry."""

from __future__ import annotations

from typing import Any

from ledger.errors import RegieError


class NotThroughServer(RegieError):
    """A command the API does not offer (yet): it needs the ledger's machine."""

    exit_code = 1


def not_through_server(what: str | None = None) -> NotThroughServer:
    import click

    context = click.get_current_context(silent=True)
    name = what or (f"`{context.command_path}`" if context else "this command")
    return NotThroughServer(
        f"{name} is not available through the server yet: run it on the server machine "
        "(unset REGIE_SERVER there)"
    )


class NotInAnswer(NotThroughServer, AttributeError):
    """What a command prints that the server's JSON does not carry (yet); an
    AttributeError too, so that ``getattr(row, name, default)`` still works."""


class Record(dict[str, Any]):
    """A JSON object from the server; ``row["ref"]`` and ``case.ref`` both work, as they
    do for the rows and aggregates of the embedded ledger."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            if name.startswith("_"):
                raise AttributeError(name) from None
            raise NotInAnswer(not_through_server().message) from None


def revived(value: Any) -> Any:
    if isinstance(value, dict):
        return Record({k: revived(v) for k, v in value.items()})
    if isinstance(value, list):
        return [revived(v) for v in value]
    return value
