"""The golden ledger: written once by release 0.1.0 (see tests/fixtures/golden/make.sh).

Every future version must replay it, rebuild the same read models and verify it: events
are history, their topics and payloads never change, only upcasters may read them anew.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.paths import FIXTURES, ROOT

GOLDEN = FIXTURES / "golden"
EVENTS_IN_GOLDEN = 72


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    """A private copy: opening a ledger may write (projections, migrations)."""
    shutil.copy(GOLDEN / "ledger.sqlite", tmp_path / "ledger.sqlite")
    shutil.copytree(GOLDEN / "ledger.sqlite.keys", tmp_path / "ledger.sqlite.keys")
    (tmp_path / "ledger.sqlite.keys").chmod(0o700)
    for key in (tmp_path / "ledger.sqlite.keys").iterdir():
        key.chmod(0o600 if key.suffix != ".pub" else 0o644)
    return tmp_path / "ledger.sqlite"


def _read_models(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        names = [
            n
            for n in inspect(engine).get_table_names()
            if n.startswith("rm_") and n != "rm_tracking"  # bookkeeping, not a read model
        ]
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for name in names:
                columns = [c["name"] for c in inspect(engine).get_columns(name)]
                rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
                out[name] = sorted(
                    (tuple(sorted(zip(columns, map(str, row), strict=True))) for row in rows),
                )
        return out
    finally:
        engine.dispose()


def _regie(
    golden: Path, *args: str, actor: str = "privacy-demo"
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "REGIE_CONFIG": str(golden.parent / "absent.toml"),
        "REGIE_DATA_DIR": str(golden.parent / "data"),
        "REGIE_ACTOR": actor,
        "HOME": str(golden.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", str(golden), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_the_golden_ledger_verifies(golden: Path) -> None:
    from ledger.bootstrap import open_ledger

    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        report = ledger.audit_log.verify()
    finally:
        ledger.close()
    assert report.events == EVENTS_IN_GOLDEN


def test_a_rebuild_of_the_golden_ledger_gives_the_read_models_it_was_written_with(
    golden: Path,
) -> None:
    """Columns a later version adds are compared where both sides have them: the rows and
    every value written by 0.1.0 must come back unchanged."""
    from ledger.bootstrap import open_ledger

    before = _read_models(golden)
    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        ledger.projections.rebuild()
    finally:
        ledger.close()
    after = _read_models(golden)
    for table, rows in before.items():
        assert table in after, f"read model {table} disappeared"
        old_columns = {c for c, _ in rows[0]} if rows else set()
        shared = [tuple(pair for pair in row if pair[0] in old_columns) for row in after[table]]
        assert sorted(shared) == rows, f"read model {table} differs after the rebuild"


def test_version_1_registrations_are_upcast_with_their_stored_date(golden: Path) -> None:
    """Subject.Registered v1 had no domain date; the upcaster supplies the stored UTC date."""
    from ledger.bootstrap import open_ledger

    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        ledger.projections.rebuild()
    finally:
        ledger.close()
    subjects = _read_models(golden)["rm_subjects"]
    assert subjects
    for row in map(dict, subjects):
        assert row["registered_on"] == row["registered_at"][:10]


def test_decisions_written_before_policy_hashes_read_with_none(golden: Path) -> None:
    """Decisions recorded by 0.1.0 named no policy set: upcast, they carry None, and the
    privacy officer's registers print "-" for them."""
    from eventsourcing.utils import get_topic

    from ledger.bootstrap import open_ledger
    from ledger.domain.case import Case
    from ledger.domain.letter import Letter
    from ledger.domain.retention import Purge, RetentionRun
    from ledger.domain.share import Share

    classes = (Share.Decided, Letter.Generated, Case.DecisionRecorded, Case.Closed,
               RetentionRun.Started, Purge.Purged)  # fmt: skip
    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        for cls in classes:
            stored = ledger.app.recorder.select_notifications(1, 100, topics=[get_topic(cls)])
            decoded = [ledger.app.mapper.to_domain_event(n) for n in stored]
            assert decoded, cls.__qualname__
            assert {getattr(e, "policy_hash", "absent") for e in decoded} == {None}
        officer = ledger.app.acting("privacy-demo")
        purges = ledger.retention.report(officer)
        shares = ledger.privacy.disclosures(officer)
    finally:
        ledger.close()
    assert purges and {(r["policy"], r["policy_hash"]) for r in purges} == {("-", None)}
    assert shares and {(r["policy"], r["policy_hash"]) for r in shares} == {("-", None)}


def test_the_golden_ledger_reads_through_the_cli(golden: Path) -> None:
    verify = _regie(golden, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert f"OK: {EVENTS_IN_GOLDEN} events" in verify.stdout
    shown = _regie(golden, "case", "show", "JG-2026-001", actor="regisseur-demo")
    assert shown.returncode == 0, shown.stderr
    assert "Stationsplein" in shown.stdout or "JG-2026-001" in shown.stdout
    erased = _regie(golden, "subject", "list", "--json", actor="regisseur-demo")
    assert erased.returncode == 0, erased.stderr
    assert '"erased": true' in erased.stdout


def test_a_review_of_release_0_1_0_reads_as_a_comment_without_a_verdict(golden: Path) -> None:
    """Share.Reviewed version 1 is upcast to the verdict geen-oordeel (decision 0029); its
    ad-hoc share is reviewed, opens no finding, and has no instrument."""
    from eventsourcing.utils import get_topic

    from ledger.bootstrap import open_ledger
    from ledger.domain.share import NO_VERDICT, Share

    ledger = open_ledger(f"sqlite:///{golden}")
    try:
        stored = ledger.app.recorder.select_notifications(
            1, 100, topics=[get_topic(Share.Reviewed)]
        )
        [review] = [ledger.app.mapper.to_domain_event(n) for n in stored]
        assert review.verdict == NO_VERDICT
        officer = ledger.app.acting("privacy-demo")
        reviewed = [r for r in ledger.privacy.disclosures(officer) if r["reviewed"]]
        findings = {f["kind"] for f in ledger.privacy.findings(officer)}
    finally:
        ledger.close()
    assert [(r["verdict"], r["review"], r["instrument"]) for r in reviewed] == [
        (NO_VERDICT, "opmerking, geen oordeel", None)
    ]
    assert "onrechtmatige-verstrekking" not in findings
