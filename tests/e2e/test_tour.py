"""The README's tour is docs/tour.sh, word for word, and it runs on a fresh ledger."""

from __future__ import annotations

import json
import re
import subprocess

from tests.conftest import Toured
from tests.paths import ROOT

TOUR = ROOT / "docs" / "tour.sh"


def readme_tour() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A tour of the CLI") :]
    match = re.search(r"```sh\n(.*?)```\n", section, re.DOTALL)
    assert match, "README.md: no sh block under 'A tour of the CLI'"
    return match.group(1)


def test_the_readme_shows_docs_tour_sh_verbatim() -> None:
    assert readme_tour() == TOUR.read_text(encoding="utf-8"), "copy docs/tour.sh into README.md"


def test_the_tour_checks_every_exit_code() -> None:
    assert "set -euo pipefail" in TOUR.read_text(encoding="utf-8")


def regie(toured: Toured, *args: str, actor: str) -> str:
    done = subprocess.run(
        ["regie", *args],
        env={**toured.env, "REGIE_ACTOR": actor},
        cwd=toured.home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_tour_runs_on_a_fresh_ledger(toured: Toured) -> None:
    out = toured.output
    for actor in ("beheer", "regisseur", "coordinator", "wijkagent", "privacy"):
        assert f"Registered actor {actor} " in out
    assert "gemeente signed version 1 of convenant jga." in out
    assert "politie signed version 1 of convenant jga." in out
    assert re.search(r"JG-\d{4}-001 is now at step 2\.", out)
    assert re.search(r"Recorded share [0-9a-f]{8} \(verstrekt\)\.", out)
    assert "Wie zag P-" in out and "Informatieplicht" in out
    assert re.search(r"OK: \d+ events and \d+ signed checkpoints verify\.", out)


def test_the_tour_leaves_one_share_made_by_the_police_contact(toured: Toured) -> None:
    shares = json.loads(regie(toured, "share", "list", "--json", actor="regisseur"))
    assert [(s["outcome"], s["from"], s["to"]) for s in shares] == [
        ("verstrekt", "politie", ["gemeente"])
    ]
    case = json.loads(regie(toured, "case", "list", "--json", actor="regisseur"))[0]
    assert (case["step"], case["coordinator"]) == (2, "coordinator")
