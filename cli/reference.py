"""Generate docs/cli.md from the commands' own --help, so the reference cannot drift.

Run: ``python -m cli.reference > docs/cli.md`` (a test checks it is current).
"""

from __future__ import annotations

import click

from cli.main import regie


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out.extend(_walk(command.commands[name], [*path, name]))
    return out


def render() -> str:
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `python -m cli.reference > docs/cli.md`; do not edit.\n",
    ]
    for path, command in _walk(regie, ["regie"]):
        ctx = click.Context(
            command,
            info_name=" ".join(path),
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],
        )
        parts.append(f"## {' '.join(path)}\n\n```text\n{command.get_help(ctx)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)
