"""Which rules judged a decision: every activation of a policy set is on record, with the
hash of each file, and each decision judged by policy names the set that judged it."""

from __future__ import annotations

import json
from pathlib import Path

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.case import Case
from ledger.domain.letter import Letter
from ledger.domain.policy import POLICY_SET_ID, PolicySet
from ledger.domain.retention import Purge, RetentionRun
from ledger.domain.share import Share
from ledger.store.schema import events
from policies.loader import load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_letters import born, build_world, generate
from tests.integration.test_retention import POLICY as SHORT_RETENTION
from tests.paths import ROOT

DEFAULTS = ROOT / "policies" / "defaults"


def _recorded(url: str, key_dir: Path, cls: type) -> list[dict[str, object]]:
    with open_ledger(url, key_dir=key_dir) as ledger, ledger.store.read() as conn:
        rows = conn.execute(select(events.c.state).where(events.c.topic == get_topic(cls))).all()
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


JUDGED_BY_POLICY = (
    Share.Decided,  # the sharing rules and the convenant's matrix
    Letter.Generated,  # the letters policy and its templates
    Case.EndedEarly,  # which outcome may end a case at which step (werkproces)
    Case.DecisionRecorded,  # what a decision to prioritise must name (werkproces)
    Case.Closed,  # the evaluation criteria, the agreed term's bounds (werkproces, retention)
    RetentionRun.Started,  # what the retention classes make due
    Purge.Purged,  # the class under which a key is destroyed
)


def test_every_decision_judged_by_policy_records_the_set_in_force(
    database_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    own = tmp_path / "policy"
    own.mkdir()
    (own / "retention.toml").write_text(SHORT_RETENTION, encoding="utf-8")
    keys = tmp_path / "keys"
    with open_ledger(
        database_url, key_dir=keys, policy_dir=own, require_initialised=False, clock=clock
    ) as ledger:
        ledger.initialise()
        world = build_world(ledger, clock, born(14, 100))  # a share decided at step 3
        by = world.by
        generate(ledger, world, tmp_path / "brieven")
        ledger.cases.end_early(
            c.build(c.EndEarly, case=world.ref, outcome="regulier-afgehandeld",
                    body="ketenoverleg", reason="Afgerond"),
            by,
        )  # fmt: skip
        second = b.open_case(ledger, by, "Groep Tweede")
        b.walk_to_step(ledger, by, second, 7)  # with the step-4 decision
        handover = {n: {"organisation": "jongerenwerk", "note": ""} for n in (1, 2)}
        ledger.cases.close_case(b.close(second, handover=handover), by)
        clock.advance(31)  # identification is due 30 days after the case ended
        run = b.purge_due(ledger)
        assert run.purged, "the run purged the youth's identification"
        recorded = ledger.app.repository.get(POLICY_SET_ID)
        assert isinstance(recorded, PolicySet)
        in_force = recorded.active
        report = ledger.retention.report(b.privacy_officer(ledger))
        disclosures = [
            row
            for row in ledger.privacy.disclosures(b.privacy_officer(ledger))
            if row["kind"] == "verstrekking"  # the namenlijst is judged by no policy
        ]
        decided = ledger.queries.case_overview(second)["decisions"]
        ended = ledger.queries.case_overview(world.ref)["step_history"]
    assert in_force == load_policies(own).policy_hash != load_policies().policy_hash
    for cls in JUDGED_BY_POLICY:
        hashes = {str(r["policy_hash"]) for r in _recorded(database_url, keys, cls)}
        assert hashes == {in_force}, cls.__qualname__
    # The privacy officer's registers of decisions say which set judged each.
    assert in_force is not None
    assert report and {r["policy_hash"] for r in report} == {in_force}
    assert disclosures and {r["policy_hash"] for r in disclosures} == {in_force}
    assert {r["policy"] for r in report} == {in_force[:12]}
    assert [d["policy_hash"] for d in decided] == [in_force]
    assert [(s["kind"], s["policy_hash"]) for s in ended][-1] == ("beeindigd", in_force)


def test_an_early_end_recorded_before_version_2_reads_with_no_policy_hash(
    ledger: Ledger,
) -> None:
    """The golden ledger has no early end: one is written now and read back as version 1
    stored it (without ``policy_hash`` and without a version), through the upcaster."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    ledger.cases.end_early(
        c.build(c.EndEarly, case=ref, outcome="regulier-afgehandeld", body="ketenoverleg",
                reason="Afgerond"),
        by,
    )  # fmt: skip
    [stored] = ledger.app.recorder.select_notifications(1, 10, topics=[get_topic(Case.EndedEarly)])
    state = json.loads(bytes(stored.state))
    assert state.pop("class_version") == 2 and state.pop("policy_hash") is not None
    as_v1 = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = ledger.app.mapper.to_domain_event(as_v1)
    assert isinstance(event, Case.EndedEarly)
    assert event.policy_hash is None and event.outcome == "regulier-afgehandeld"
