"""Property: for random sequences of valid and invalid commands, on SQLite and PostgreSQL,
refused commands write nothing, and the incrementally maintained read models equal both a
rebuild from the log and the aggregates replayed from the log."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.errors import RegieError
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url

CASES = 2

OP = st.one_of(
    st.tuples(st.just("signal"), st.sampled_from(["overlast", "schoolverzuim", "onbekend"])),
    st.tuples(st.just("designate"), st.sampled_from([b.UC, b.ADMIN, "niemand-test"])),
    st.tuples(st.just("advance"), st.booleans()),
    st.tuples(st.just("back"), st.sampled_from([3, 5])),
    st.tuples(st.just("end"), st.sampled_from(["regulier-afgehandeld", "urgentie-te-laag", "x"])),
    st.tuples(st.just("decide"), st.sampled_from(["geprioriteerd", "niet-geprioriteerd"])),
    st.tuples(st.just("plan"), st.integers(0, 3)),
    st.tuples(st.just("add_action"), st.sampled_from(["groep", "geen-spoor"])),
    st.tuples(st.just("complete"), st.integers(1, 4)),
    st.tuples(st.just("escalate"), st.integers(1, 4)),
    st.tuples(st.just("close"), st.sampled_from(["P2Y", "P0D"])),
    st.tuples(st.just("read"), st.none()),
)
STEPS = st.lists(st.tuples(st.integers(0, CASES - 1), OP), min_size=1, max_size=45)


def run(ledger: Ledger, refs: list[str], index: int, op: str, arg: Any) -> None:
    app = ledger.app
    by = app.acting(b.REGISSEUR, "regisseur")
    ref = refs[index]
    if op == "signal":
        ledger.cases.record_signal(b.signal(ref, kind=arg), by)
    elif op == "designate":
        ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=arg), by)
    elif op == "advance":
        ledger.cases.advance(b.advance(ref, merge=arg), by)
    elif op == "back":
        ledger.cases.step_back(
            c.build(c.StepBack, case=ref, to_step=arg, body="ketenoverleg", reason="r"), by
        )
    elif op == "end":
        ledger.cases.end_early(
            c.build(c.EndEarly, case=ref, outcome=arg, body="ketenoverleg", reason="r"), by
        )
    elif op == "decide":
        ledger.cases.record_decision(b.decision(ref, outcome=arg), by)
    elif op == "plan":
        ledger.cases.set_plan(b.plan(ref, actions=arg), by)
    elif op == "add_action":
        ledger.cases.add_action(
            c.build(
                c.AddAction,
                case=ref,
                description="Actie",
                track=arg,
                organisation="politie",
                person="Wijkagent Test",
                due=date(2026, 12, 1),
            ),
            by,
        )
    elif op == "complete":
        ledger.cases.complete_action(c.build(c.CompleteAction, case=ref, number=arg), by)
    elif op == "escalate":
        ledger.cases.escalate_action(
            c.build(c.EscalateAction, case=ref, number=arg, escalated_to="Teamchef", reason="r"), by
        )
    elif op == "close":
        open_actions = app.case(ref).open_actions
        handover = {n: {"organisation": "jongerenwerk", "note": ""} for n in open_actions}
        ledger.cases.close_case(b.close(ref, handover=handover, bewaartermijn=arg), by)
    elif op == "read":
        ledger.queries.cases()


def aggregate_view(ledger: Ledger, refs: list[str]) -> list[tuple[Any, ...]]:
    """The state replayed from the log by the aggregates themselves."""
    out = []
    for ref in refs:
        case = ledger.app.case(ref)
        out.append(
            (
                ref,
                case.step,
                case.status,
                case.coordinator,
                case.plan_version,
                case.signal_count,
                sorted(case.actions.items()),
            )
        )
    return out


def read_model_view(ledger: Ledger, refs: list[str]) -> list[tuple[Any, ...]]:
    out = []
    for ref in refs:
        o = ledger.queries.case_overview(ref)
        actions = sorted((a["number"], a["status"]) for a in ledger.queries.actions(ref))
        out.append(
            (
                ref,
                o["step"],
                o["status"],
                o["coordinator"],
                o["plan_version"],
                o["signal_count"],
                actions,
            )
        )
    return out


@settings(max_examples=25)
@given(steps=STEPS)
def test_replay_equals_incremental_and_refusals_write_nothing(
    database_kind: str, steps: list[tuple[int, tuple[str, Any]]]
) -> None:
    with fresh_database_url(database_kind) as url:
        ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
        try:
            ledger.initialise()
            by = b.seed_actors(ledger)
            refs = [b.open_case(ledger, by, f"Groep {n}") for n in range(CASES)]
            for index, (op, arg) in steps:
                before = ledger.app.recorder.max_notification_id()
                try:
                    run(ledger, refs, index, op, arg)
                except RegieError:
                    after = ledger.app.recorder.max_notification_id()
                    assert after == before, f"refused {op} wrote events"
            incremental_view = read_model_view(ledger, refs)
            assert incremental_view == aggregate_view(ledger, refs)
            incremental = ledger.queries.tables_snapshot()
            ledger.projections.rebuild()
            assert ledger.queries.tables_snapshot() == incremental
        finally:
            ledger.close()
