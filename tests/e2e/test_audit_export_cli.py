"""`regie audit export --format ldv` and `audit subject-report --limited` from the command
line (decisions 0038, 0044): the file is written, the period filters, refusals are one line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.e2e.test_cli import ok, one_line_error
from tests.e2e.test_cli import run as run  # a fixture
from tests.e2e.test_cli import seeded as seeded  # a fixture
from tests.e2e.test_rights_cli import _officer, _subject


def test_the_access_log_as_ldv_records(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = seeded
    _officer(cli)
    subject = _subject(cli)
    ok(cli("subject", "show", subject))
    one_line_error(cli("case", "list", actor="Test Getypte Naam"), 1)
    out = tmp_path / "ldv.json"
    written = ok(cli("audit", "export", "--format", "ldv", "--out", str(out), actor="fg-test"))
    assert str(out) in written.output
    records = json.loads(out.read_text(encoding="utf-8"))
    names = [r["name"] for r in records]
    assert "subject.add" in names and "subject.show" in names and "case.list" in names
    shown = next(r for r in records if r["name"] == "subject.show")
    assert shown["attributes"]["dpl.core.data_subject_id"] == subject
    assert "Test Getypte Naam" not in out.read_text(encoding="utf-8")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = tmp_path / "later.json"
    ok(cli("audit", "export", "--from", tomorrow, "--out", str(later), actor="fg-test"))
    assert json.loads(later.read_text(encoding="utf-8")) == []
    denied = one_line_error(cli("audit", "export", "--out", str(later)), 1)
    assert "may not run" in denied
