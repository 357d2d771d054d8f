"""The benchmark code paths, with tiny sizes: figures must come out positive (no targets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import __main__ as cli
from .audit_paths import batched_verify, single_commit_verify
from .command_path import durable_command_postgres, durable_command_sqlite
from .measure import (
    Measurement,
    access_ledger,
    grouped_append,
    projection_rebuild,
    single_append,
    startup,
)
from .retention import retention_run
from .server import CONCURRENCY, latency, served, throughput
from .startup import read_commands


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


def test_access_ledger(tmp_path: Path) -> None:
    results = access_ledger(
        tmp_path, 600, subjects=50, real_subjects=5, calls=3, batch=200, single_commits=5
    )
    by_key = {m.key: m for m in results}
    assert set(by_key) == {
        "access_generation",
        "access_catch_up",
        "who_saw_median",
        "who_saw_p95",
        "verify",
    }
    for m in results:
        assert m.ours is not None and m.ours > 0
        assert m.plain is None and m.ratio is None
    assert by_key["access_generation"].details["events"] == 600
    assert by_key["access_catch_up"].details["events"] >= 600
    # Every answer holds at least the access event the who-saw call itself recorded.
    assert all(rows >= 1 for rows in by_key["who_saw_median"].details["rows"])
    assert by_key["verify"].details["events"] > 600
    assert by_key["who_saw_median"].passed is not None
    assert by_key["access_generation"].passed is None


def test_audit_paths(tmp_path: Path) -> None:
    lines = single_commit_verify(tmp_path, 40)
    batched, _ = batched_verify(tmp_path, 4_100)
    lines += batched
    for m in lines:
        _positive(m)
    by_key = {m.key: m for m in lines}
    assert set(by_key) == {
        "verify_single",
        "verify_single_full",
        "verify_batched",
        "prove_inclusion",
        "prove_consistency",
    }
    assert by_key["verify_single"].details["checkpoints"] > 40
    assert by_key["verify_batched"].details["events"] > 4_100
    assert all(by_key[k].passed is not None for k in ("verify_single", "prove_inclusion"))


def test_the_quick_run_sizes_what_was_not_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def tiny(events: int, db_dir: Path, **kwargs: object) -> list[Measurement]:
        seen.update(kwargs, events=events)
        return []

    monkeypatch.setattr(cli, "run_all", tiny)
    assert cli.main(["--quick", "--events", "500", "--db-dir", str(tmp_path), "--json"]) == 0
    assert seen["events"] == 500  # given: kept
    assert seen["access_events"] == cli.QUICK["access_events"]
    assert seen["quick"] is True
    assert json.loads(capsys.readouterr().out)["results"] == []


def test_a_ratio_target_must_be_met_too() -> None:
    def line(ours: float, plain: float) -> Measurement:
        return Measurement("k", "w", "requests/s", ours, plain, 1_500, ratio_target=0.5)

    assert line(2_000, 3_000).passed is True
    assert line(2_000, 5_000).passed is False  # fast enough, but under half the ceiling
    assert line(1_000, 1_500).passed is False


def test_server_lines(tmp_path: Path) -> None:
    # Windows of a second: on a loaded machine a 0.3 s window of one cold client could
    # end before its first durable command did, and count none.
    with served(tmp_path, max(CONCURRENCY)) as s:
        lines = throughput(s, seconds=1.0, ping_seconds=0.2)
        lines += throughput(s, seconds=1.0, ping_seconds=0.2, concurrency=(2,), processes=True)
        lines += latency(s, tmp_path, runs=2)
    for m in lines:
        _positive(m)
    by_key = {m.key: m for m in lines}
    assert set(by_key) == {
        "server_commands_1",
        "server_commands_2",
        "server_commands_4",
        "server_commands_16",
        "client_case_show_median",
        "client_case_show_p95",
    }
    top = by_key["server_commands_16"]
    assert top.target is not None and top.ratio_target is not None and top.passed is not None
    assert by_key["server_commands_1"].passed is None
    assert by_key["server_commands_2"].details["processes"] is True


def test_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def tiny(
        events: int, db_dir: Path, startup_runs: int = 10, access_events: int = 0, **_: object
    ) -> list[Measurement]:
        return [grouped_append(db_dir, events, rounds=1)]

    monkeypatch.setattr(cli, "run_all", tiny)
    argv = ["--events", "100", "--access-events", "100", "--db-dir", str(tmp_path), "--json"]
    assert cli.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["results"][0]["ours"] > 0
    assert report["access_events"] == 100


def test_durable_command_sqlite(tmp_path: Path) -> None:
    m = durable_command_sqlite(tmp_path, 5, rounds=1)
    _positive(m)
    assert m.passed is not None  # judged by its ratio to the database's own commit rate


@pytest.mark.postgres
def test_durable_command_postgres(postgres_server_url: str) -> None:
    m = durable_command_postgres(5, rounds=1)
    _positive(m)
    assert m.passed is not None
def test_read_commands(tmp_path: Path) -> None:
    lines = read_commands(tmp_path, 300, runs=1)
    assert [m.key for m in lines] == ["case_show", "who_saw_cli"]
    for m in lines:
        _positive(m)


def test_retention_run(tmp_path: Path) -> None:
    m = retention_run(tmp_path, 12, old_sample=10)
    _positive(m)
    assert m.details["keys"] >= 12 and m.details["old_ms_per_key"] > 0
