"""The shell examples in README.md and docs/ run, or say why not (docs/architecture.md).

Each file's runnable ``sh`` blocks run in order with ``bash -euo pipefail`` in one scratch
directory, on a copy of the ledger that docs/tour.sh left behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Toured, cli_environment
from tests.paths import ROOT

# docs/cli.md is generated from --help; tests/e2e/test_help.py parses its examples.
FILES = [
    path
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    if path != ROOT / "docs" / "cli.md"
]
FENCE = re.compile(r"^```(?P<lang>[^\s`]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
NOT_RUN = re.compile(r"^<!-- not run: (?P<reason>\S.*?) -->$")
SHELLS = {"sh", "bash", "shell", "console"}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    body: str
    not_run: str | None  # the reason given, for a block marked not to run

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.match(before.strip())
        found.append(
            Block(
                path=path,
                line=text.count("\n", 0, match.start()) + 1,
                lang=match["lang"],
                body=match["body"],
                not_run=marker["reason"] if marker else None,
            )
        )
    return found


ALL = [block for path in FILES for block in blocks(path)]
RUNNABLE = {
    path: [b for b in blocks(path) if b.lang in SHELLS and b.not_run is None] for path in FILES
}


def test_the_documents_have_examples_to_run() -> None:
    assert sum(map(len, RUNNABLE.values())) >= 4
    assert any(b.not_run for b in ALL), "the not-run marker is no longer recognised"


@pytest.mark.parametrize("block", ALL, ids=str)
def test_every_fence_names_its_language(block: Block) -> None:
    assert block.lang, f"{block}: name the language (sh, ini, cron, toml, text)"


@pytest.mark.parametrize(
    "path", [p for p, b in RUNNABLE.items() if b], ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_shell_examples_run(path: Path, toured: Toured, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(toured.home, home)
    env = cli_environment(home)
    scratch = tmp_path / "work"
    scratch.mkdir()
    for block in RUNNABLE[path]:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.body],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (
            f"{block} exits {done.returncode}; mark it <!-- not run: why --> if it cannot run "
            f"here:\n{block.body}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
