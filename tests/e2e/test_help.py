"""The --help texts: summaries that are whole sentences, and examples that still parse.

docs/cli.md is generated from these texts, so what is checked here holds for it too.
"""

from __future__ import annotations

import inspect
import re
import shlex

import click
import pytest

from cli.main import regie

# Abbreviations that end in a period: click's short help stops at the first period, so a
# summary ending in one of these was cut in the middle of a sentence.
ABBREVIATIONS = ("art.", "lid.", "jo.", "nr.", "ca.", "bijv.", "e.g.", "i.e.", "o.a.", "etc.")
EXAMPLE = re.compile(r"(?ms)^Example:\n(.*?)(?=^\S|\Z)")


def _walk(command: click.Command, path: tuple[str, ...]) -> list[tuple[str, click.Command]]:
    out = [(" ".join(path), command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out.extend(_walk(command.commands[name], (*path, name)))
    return out


COMMANDS = _walk(regie, ("regie",))


@pytest.mark.parametrize(("path", "command"), COMMANDS[1:], ids=[p for p, _ in COMMANDS[1:]])
def test_short_help_is_not_cut_after_an_abbreviation(path: str, command: click.Command) -> None:
    summary = command.get_short_help_str(limit=1000)
    assert summary, f"{path} has no summary"
    assert not summary.lower().endswith(ABBREVIATIONS), f"{path}: summary cut at {summary!r}"
    assert summary.count("(") == summary.count(")"), f"{path}: summary cut at {summary!r}"


@pytest.mark.parametrize(
    "group", [c for _, c in COMMANDS if isinstance(c, click.Group)], ids=lambda c: c.name
)
def test_summaries_fit_the_reference_width(group: click.Group) -> None:
    """docs/cli.md lists commands at 100 columns; click cuts a longer summary with '...'."""
    limit = 100 - 6 - max(len(name) for name in group.commands)
    cut = [n for n, c in group.commands.items() if c.get_short_help_str(limit).endswith("...")]
    assert not cut, f"shorten the first sentence of: {', '.join(sorted(cut))}"


def examples(command: click.Command) -> list[str]:
    """The example command lines of a --help text, continuation lines joined."""
    text = inspect.cleandoc(command.help or "").replace("\b", "")
    lines: list[str] = []
    for block in EXAMPLE.findall(text):
        pending = ""
        for raw in block.splitlines():
            line = raw.strip()
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            if pending + line:
                lines.append(pending + line)
            pending = ""
    return lines


def argv_of(line: str) -> list[str] | None:
    """The arguments after `regie` in an example line, or None for a line that sets up."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    if words[:1] == ["export"]:
        return None
    while words and re.match(r"^[A-Z_]+=", words[0]):
        words.pop(0)  # VAR=value regie ...
    assert words[:1] == ["regie"], f"an example should start with regie: {line!r}"
    argv: list[str] = []
    for word in words[1:]:
        if word in {">", ">>", "|", "&&", ";"}:
            break
        argv.append(word)
    return argv


def parse(argv: list[str]) -> click.Context:
    """Resolve the command path and parse its options, as running it would, without running."""
    ctx = regie.make_context("regie", list(argv))
    command: click.Command = regie
    rest = [*ctx._protected_args, *ctx.args]
    while isinstance(command, click.Group):
        assert rest, f"{' '.join(argv)}: names a group, not a command"
        name, found, rest = command.resolve_command(ctx, rest)
        assert found is not None and name is not None, f"no command in {' '.join(argv)}"
        command = found
        ctx = command.make_context(name, rest, parent=ctx)
        rest = [*ctx._protected_args, *ctx.args] if isinstance(command, click.Group) else []
    return ctx


EXAMPLES = [(path, line) for path, command in COMMANDS for line in examples(command)]


def test_every_command_shows_an_example_of_itself() -> None:
    shown = {parse(argv).command_path for _, line in EXAMPLES if (argv := argv_of(line))}
    commands = {path for path, command in COMMANDS if not isinstance(command, click.Group)}
    assert not commands - shown


@pytest.mark.parametrize(("path", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_help_examples_name_a_command_and_parse(path: str, line: str) -> None:
    argv = argv_of(line)
    if argv is None:
        return
    try:
        parse(argv)
    except click.UsageError as exc:
        pytest.fail(f"example of {path} does not parse: {line!r}: {exc.format_message()}")
