"""The benchmark code paths, with tiny sizes: figures must come out positive (no targets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import __main__ as cli
from .measure import Measurement, grouped_append, projection_rebuild, single_append, startup


def _positive(m: Measurement) -> None:
    assert m.plain is not None and m.plain > 0
    assert m.ours is not None and m.ours > 0
    assert m.ratio is not None and m.ratio > 0


def test_single_append(tmp_path: Path) -> None:
    m = single_append(tmp_path, 12, rounds=1)
    _positive(m)
    assert m.details["sqlite3_floor_commits_per_s"] > 0
    assert m.details["ours_without_append_hooks"] > 0


def test_grouped_append(tmp_path: Path) -> None:
    _positive(grouped_append(tmp_path, 200, rounds=1))


def test_projection_rebuild(tmp_path: Path) -> None:
    m = projection_rebuild(tmp_path, 300, rounds=1)
    _positive(m)
    assert m.details["events"] >= 300
    assert all(v > 0 for v in m.details["us_per_event"].values())


def test_startup_reports_the_cli_or_not_available() -> None:
    m = startup(runs=1)
    assert m.plain is not None and m.plain > 0
    assert m.ours is None or m.ours > 0


def test_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def tiny(events: int, db_dir: Path, startup_runs: int = 10) -> list[Measurement]:
        return [grouped_append(db_dir, events, rounds=1)]

    monkeypatch.setattr(cli, "run_all", tiny)
    assert cli.main(["--events", "100", "--db-dir", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["results"][0]["ours"] > 0
