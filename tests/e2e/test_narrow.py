"""Output stays readable at 80 columns through a pipe: no line too long, no identifier split.

A split is found by counting: every actor handle, case reference, pseudonym and date that
the output shows at 200 columns must be found whole as often at 80 columns. The two widths
run on copies of the same demo ledger, so that the access the one run logs cannot change
what the other shows.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
WIDTH = 80
IDENTIFIERS = {
    "actor": re.compile(r"\b[a-z]+-demo\b"),
    "case": re.compile(r"\bJG-\d{4}-\d{3,}\b"),
    "pseudonym": re.compile(r"\bP-[0-9a-f]{10}\b"),
    "date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
}

Regie = Callable[..., str]


def _regie(home: Path, columns: int) -> Regie:
    env = {
        **os.environ,
        "HOME": str(home),
        "REGIE_DATA_DIR": str(home / "data"),
        "REGIE_CONFIG": str(home / "absent.toml"),
        "COLUMNS": str(columns),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for name in ("REGIE_DATABASE_URL", "REGIE_KEY_DIR", "REGIE_ROLE", "TERM"):
        env.pop(name, None)

    def run(*args: str, actor: str = "regisseur-demo") -> str:
        done = subprocess.run(
            ["regie", *args],
            env={**env, "REGIE_ACTOR": actor},
            capture_output=True,  # a pipe, not a terminal
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"regie {' '.join(args)}: {done.stderr}"
        return done.stdout

    return run


def _counts(text: str) -> Counter[str]:
    return Counter({kind: len(p.findall(text)) for kind, p in IDENTIFIERS.items()})


def readable(narrow: str, wide: str) -> None:
    for line in narrow.splitlines():
        # A path cannot be wrapped; every other line must fit.
        words = line.split()
        if len(line) > WIDTH and not (words and "/" in words[-1] and len(words[-1]) > 40):
            pytest.fail(f"line of {len(line)} columns:\n{line}")
    assert _counts(narrow) == _counts(wide), f"an identifier is split across lines:\n{narrow}"


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Regie, Regie, str]]:
    """The demo at both widths, then a narrow and a wide CLI on copies of one demo ledger."""
    narrow_home = tmp_path_factory.mktemp("narrow")
    wide_home = tmp_path_factory.mktemp("wide")
    narrow, wide = _regie(narrow_home, WIDTH), _regie(wide_home, 200)
    readable(narrow("demo"), wide("demo"))
    shutil.rmtree(wide_home)
    shutil.copytree(narrow_home, wide_home)
    yield narrow, wide, json.loads(narrow("case", "list", "--json"))[0]["ref"]


COMMANDS = [
    ("case", "list"),
    ("case", "show", "{ref}", "--members"),
    ("member", "list", "{ref}", "--names"),
    ("action", "list"),
    ("plan", "show", "{ref}"),
    ("signal", "list"),
    ("share", "list"),
    ("subject", "list"),
    ("actor", "list"),
    ("convenant", "show", "jga-voorbeeldstad"),
    ("letters", "due", "--all"),
    ("retention", "plan", "--all"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_lists_are_readable_at_80_columns(
    ledgers: tuple[Regie, Regie, str], args: tuple[str, ...]
) -> None:
    narrow, wide, ref = ledgers
    argv = [a.format(ref=ref) for a in args]
    readable(narrow(*argv), wide(*argv))


@pytest.mark.parametrize("args", [("audit", "findings"), ("audit", "checkpoint")], ids=" ".join)
def test_the_audit_is_readable_at_80_columns(
    ledgers: tuple[Regie, Regie, str], args: tuple[str, ...]
) -> None:
    narrow, wide, _ = ledgers
    readable(narrow(*args, actor="privacy-demo"), wide(*args, actor="privacy-demo"))


def test_a_cell_is_shown_as_typed_not_as_markup() -> None:
    from rich.console import Console

    from cli.tables import print_table

    console = Console(width=WIDTH, record=True, file=io.StringIO())
    print_table(console, "t", ["veld", "waarde"], [["naam", "[gewist]"], ["x", "[bold]y"]])
    shown = console.export_text()
    assert "[gewist]" in shown and "[bold]y" in shown


def test_columns_are_never_narrower_than_their_longest_word() -> None:
    from cli.tables import PLAIN, column_widths

    rows = [["regisseur-demo", "Signalen van drie partners wijzen op dezelfde groep."]] * 2
    widths = column_widths(["wie", "reden"], rows, 40, PLAIN)
    assert widths is not None and widths[0] == len("regisseur-demo") and sum(widths) <= 38
    assert column_widths(["wie", "reden"], rows, 20, PLAIN) is None
