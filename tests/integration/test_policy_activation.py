"""Which rules judged a decision: every activation of a policy set is on record, with the
hash of each file, and each sharing decision names the set that judged it."""

from __future__ import annotations

import json
from pathlib import Path

from eventsourcing.utils import get_topic
from sqlalchemy import select

from ledger.bootstrap import open_ledger
from ledger.domain.policy import PolicySet
from ledger.store.schema import events
from tests import builders as b
from tests.conftest import FixedClock
from tests.paths import ROOT

DEFAULTS = ROOT / "policies" / "defaults"


def _recorded(url: str, key_dir: Path, cls: type) -> list[dict[str, object]]:
    with open_ledger(url, key_dir=key_dir) as ledger, ledger.store.read() as conn:
        rows = conn.execute(
            select(events.c.state).where(events.c.topic == get_topic(cls))
        ).all()
    return [json.loads(bytes(r[0])) for r in rows]


def test_each_policy_set_in_force_is_recorded_once_and_decisions_name_it(
    database_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    with open_ledger(database_url, key_dir=keys, require_initialised=False, clock=clock) as ledger:
        ledger.initialise()
        by = b.seed_actors(ledger)
        first = ledger.policies.policy_hash
    [started] = _recorded(database_url, keys, PolicySet.Started)
    assert started["policy_hash"] == first
    files = started["files"]
    assert isinstance(files, dict) and {"permissions", "sharing", "letters"} <= set(files)
    # The same files in the next process: nothing new is recorded.
    with open_ledger(database_url, key_dir=keys, clock=clock) as ledger:
        b.open_case(ledger, by)
    assert _recorded(database_url, keys, PolicySet.Activated) == []
    # A municipality changes one file: the next write records the new set first.
    own = tmp_path / "policy"
    own.mkdir()
    text = (DEFAULTS / "audit.toml").read_text(encoding="utf-8")
    (own / "audit.toml").write_text(text + "\n# eigen beleid (test)\n", encoding="utf-8")
    with open_ledger(database_url, key_dir=keys, policy_dir=own, clock=clock) as ledger:
        b.open_case(ledger, by, name="Groep Tweede")
        second = ledger.policies.policy_hash
    [activated] = _recorded(database_url, keys, PolicySet.Activated)
    assert activated["policy_hash"] == second != first


def test_the_fingerprint_covers_the_letter_templates() -> None:
    from policies.loader import load_policies

    assert any(name.startswith("templates/") for name in load_policies().fingerprint)
