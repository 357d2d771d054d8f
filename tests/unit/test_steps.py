"""The 7-stappenmodel's transition rules, on the aggregate alone (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.acting import Acting
from ledger.domain.case import NOT_PRIORITISED, PRIORITISED, Case
from ledger.errors import Refused
from policies.loader import load_policies

BY = Acting("regisseur-test", "regisseur", "gemeente")
POLICIES = load_policies()
ITEMS = {key: f"tekst voor {key}" for key in POLICIES.decision_items}
EVALUATION = {key: "voldoende" for key in POLICIES.evaluation_criteria}
DAY = "2026-01-10"
ACTION = {
    "description": "Extra toezicht",
    "track": "locatie",
    "organisation": "politie",
    "person": "Wijkagent Test",
    "due": "2026-03-01",
}


def new_case() -> Case:
    return Case.open("JG-2026-001", "Groep Testplein", "Teststad", "Noord", DAY, BY)


def refused_rule(func: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(Refused) as info:
        func(*args, **kwargs)  # type: ignore[operator]
    return info.value.rule


def walk_to(case: Case, step: int) -> Case:
    """Take a case forward along the normal path to ``step``."""
    if case.step < 2 <= step:
        case.record_signal(DAY, "overlast", "Plein", "politie", "wijkagent", "Groep hangt rond", BY)
        case.advance("ketenoverleg", "signalen", DAY, BY)
    if case.step < 3 <= step:
        case.designate_coordinator("uc-test", DAY, BY)
        case.advance("ketenoverleg", "beeld nodig", DAY, BY)
    if case.step < 4 <= step:
        case.advance("ketenoverleg", "beeld klaar", DAY, BY)
    if case.step < 5 <= step:
        case.record_decision(PRIORITISED, ITEMS, POLICIES.decision_items, "", "driehoek", DAY, BY)
        case.advance("driehoek", "geprioriteerd", DAY, BY)
    if case.step < 6 <= step:
        case.set_plan(["doel"], [], [ACTION], BY)
        case.advance("ketenoverleg", "plan klaar", DAY, BY)
    if case.step < 7 <= step:
        case.advance("ketenoverleg", "afschalen", DAY, BY)
    assert case.step == step
    return case


def test_a_new_case_is_at_step_1_and_needs_a_signal_for_step_2() -> None:
    case = new_case()
    assert case.step == 1
    assert refused_rule(case.advance, "ketenoverleg", "r", DAY, BY) == "step.signal-before-2"


def test_leaving_step_2_needs_a_coordinator() -> None:
    case = walk_to(new_case(), 2)
    assert refused_rule(case.advance, "ketenoverleg", "r", DAY, BY) == "step.coordinator-before-3"


def test_step_5_needs_a_prioritising_decision() -> None:
    case = walk_to(new_case(), 4)
    assert refused_rule(case.advance, "driehoek", "r", DAY, BY) == "step.prioritised-before-5"
    case.record_decision(
        "extra-analyse", {}, POLICIES.decision_items, "meer info", "driehoek", DAY, BY
    )
    assert refused_rule(case.advance, "driehoek", "r", DAY, BY) == "step.prioritised-before-5"


def test_a_prioritising_decision_must_name_all_five_items() -> None:
    case = walk_to(new_case(), 4)
    partial = dict(ITEMS)
    partial.pop("sturing")
    rule = refused_rule(
        case.record_decision, PRIORITISED, partial, POLICIES.decision_items, "", "driehoek", DAY, BY
    )
    assert rule == "decision.five-items"
    blank = {**ITEMS, "sturing": "   "}
    rule = refused_rule(
        case.record_decision, PRIORITISED, blank, POLICIES.decision_items, "", "driehoek", DAY, BY
    )
    assert rule == "decision.five-items"


def test_not_prioritising_needs_a_motivation() -> None:
    case = walk_to(new_case(), 4)
    rule = refused_rule(
        case.record_decision, NOT_PRIORITISED, {}, POLICIES.decision_items, " ", "driehoek", DAY, BY
    )
    assert rule == "decision.motivation"


def test_the_decision_is_taken_at_step_4_only() -> None:
    case = walk_to(new_case(), 3)
    rule = refused_rule(
        case.record_decision, PRIORITISED, ITEMS, POLICIES.decision_items, "", "driehoek", DAY, BY
    )
    assert rule == "decision.at-step-4"


def test_merging_4_and_5_goes_from_3_to_5_and_allows_the_decision_there() -> None:
    case = walk_to(new_case(), 3)
    assert case.merge_4_5("driehoek", "spoed: incident", DAY, BY) == 5
    case.record_decision(PRIORITISED, ITEMS, POLICIES.decision_items, "", "driehoek", DAY, BY)
    case.set_plan(["doel"], [], [ACTION], BY)
    assert case.advance("ketenoverleg", "plan klaar", DAY, BY) == 6


def test_merging_needs_step_3_and_a_reason() -> None:
    case = walk_to(new_case(), 2)
    assert refused_rule(case.merge_4_5, "driehoek", "spoed", DAY, BY) == "step.merge-4-5-from-3"
    case = walk_to(new_case(), 3)
    assert refused_rule(case.merge_4_5, "driehoek", "  ", DAY, BY) == "step.merge-4-5-from-3"


def test_step_6_needs_a_plan_with_an_open_action() -> None:
    case = walk_to(new_case(), 5)
    assert refused_rule(case.advance, "ketenoverleg", "r", DAY, BY) == "step.plan-before-6"
    case.set_plan(["doel"], [], [], BY)
    assert refused_rule(case.advance, "ketenoverleg", "r", DAY, BY) == "step.plan-before-6"


def test_back_only_from_6_to_3_or_5() -> None:
    case = walk_to(new_case(), 5)
    assert refused_rule(case.step_back, 3, "ketenoverleg", "r", DAY, BY) == "step.back-from-6"
    case = walk_to(new_case(), 6)
    assert refused_rule(case.step_back, 4, "ketenoverleg", "r", DAY, BY) == "step.back-from-6"
    assert case.step_back(5, "ketenoverleg", "nieuwe info", DAY, BY) == 5


def test_early_end_depends_on_step_and_outcome() -> None:
    allowed = POLICIES.early_end_after
    case = new_case()
    rule = refused_rule(
        case.end_early, "gerichte-actie", allowed["gerichte-actie"], "ketenoverleg", "r", DAY, BY
    )
    assert rule == "step.early-end"
    case.end_early(
        "regulier-afgehandeld",
        allowed["regulier-afgehandeld"],
        "regulier-overleg",
        "toezicht",
        DAY,
        BY,
    )
    assert case.status == "beeindigd"
    assert (
        refused_rule(case.record_signal, DAY, "overlast", "x", "politie", "r", "t", BY)
        == "case.closed"
    )


def test_ending_at_step_4_needs_a_decision_not_to_prioritise() -> None:
    allowed = POLICIES.early_end_after["urgentie-te-laag"]
    case = walk_to(new_case(), 4)
    rule = refused_rule(case.end_early, "urgentie-te-laag", allowed, "ketenoverleg", "r", DAY, BY)
    assert rule == "step.end-at-4-needs-refusal"
    case.record_decision(
        NOT_PRIORITISED, {}, POLICIES.decision_items, "andere groep urgenter", "driehoek", DAY, BY
    )
    case.end_early("urgentie-te-laag", allowed, "ketenoverleg", "te laag", DAY, BY)
    assert case.status == "beeindigd"


def test_closing_needs_step_7_handover_and_all_criteria() -> None:
    criteria = POLICIES.evaluation_criteria
    case = walk_to(new_case(), 6)

    def close(handover: dict[int, dict[str, str]], evaluation: dict[str, str]) -> None:
        case.close("deels", "beoordeling", handover, "P2Y", evaluation, criteria, DAY, BY)

    assert refused_rule(close, {}, EVALUATION) == "close.at-step-7"
    case.advance("ketenoverleg", "afschalen", DAY, BY)
    assert refused_rule(close, {}, EVALUATION) == "close.handover"
    assert refused_rule(close, {9: {"organisation": "school"}}, EVALUATION) == "close.handover"
    handover = {1: {"organisation": "jongerenwerk", "note": ""}}
    partial = dict(EVALUATION)
    partial.pop("snelheid")
    assert refused_rule(close, handover, partial) == "close.evaluation"
    close(handover, EVALUATION)
    assert case.status == "afgesloten"
    assert case.actions == {1: "overgedragen"}


def test_step_7_ends_with_close_not_advance() -> None:
    case = walk_to(new_case(), 7)
    assert refused_rule(case.advance, "ketenoverleg", "r", DAY, BY) == "step.close-at-7"


def test_plan_revision_keeps_numbers_and_withdraws_what_it_leaves_out() -> None:
    case = walk_to(new_case(), 5)
    case.set_plan(["doel"], [], [ACTION, {**ACTION, "description": "Tweede"}], BY)
    assert case.open_actions == [1, 2]
    case.set_plan(["doel"], [], [{**ACTION, "number": 2, "due": "2026-04-01"}], BY)
    assert case.actions == {1: "vervallen", 2: "open"}
    rule = refused_rule(case.set_plan, ["doel"], [], [{**ACTION, "number": 1}], BY)
    assert rule == "plan.action-unknown"


def test_escalation_is_for_open_actions_during_execution() -> None:
    case = walk_to(new_case(), 5)
    case.set_plan(["doel"], [], [ACTION], BY)
    assert (
        refused_rule(case.escalate_action, 1, "teamchef", "niet gedaan", DAY, BY)
        == "action.escalate-at-6"
    )
    case.advance("ketenoverleg", "plan klaar", DAY, BY)
    case.escalate_action(1, "teamchef", "niet gedaan", DAY, BY)
    case.complete_action(1, DAY, "", BY)
    assert refused_rule(case.escalate_action, 1, "teamchef", "x", DAY, BY) == "action.open"
    assert refused_rule(case.complete_action, 7, DAY, "", BY) == "plan.action-unknown"


# -- property: the rules hold for every sequence of operations -------------------------


@dataclass
class Model:
    """An independent oracle of the werkproces, written from the domain brief."""

    step: int = 1
    status: str = "lopend"
    signals: int = 0
    coordinator: bool = False
    decision: str | None = None
    merged: bool = False
    plan: bool = False
    open_actions: set[int] = field(default_factory=set)
    next_action: int = 1

    def allows(self, op: str, arg: object) -> bool:
        if self.status != "lopend":
            return False
        if op == "signal":
            return True
        if op == "designate":
            return True
        if op == "advance":
            target = self.step + 1
            return (
                self.step < 7
                and (target != 2 or self.signals > 0)
                and (target < 3 or self.coordinator)
                and (target not in (5, 6) or self.decision == PRIORITISED)
                and (target != 6 or (self.plan and bool(self.open_actions)))
            )
        if op == "merge":
            return self.step == 3 and self.coordinator
        if op == "back":
            return self.step == 6 and arg in (3, 5)
        if op == "end":
            after = POLICIES.early_end_after[str(arg)]
            return self.step in after and (self.step != 4 or self.decision == NOT_PRIORITISED)
        if op == "decide":
            return self.step == 4 or (self.step == 5 and self.merged)
        if op == "plan":
            return self.step in (3, 5)
        if op == "add_action":
            return self.step in (5, 6) and self.plan
        if op in ("complete", "escalate"):
            ok = arg in self.open_actions
            return ok and (op == "complete" or self.step == 6)
        if op == "close":
            return self.step == 7
        raise AssertionError(op)

    def apply(self, op: str, arg: object) -> None:
        if op == "signal":
            self.signals += 1
        elif op == "designate":
            self.coordinator = True
        elif op == "advance":
            self.step += 1
        elif op == "merge":
            self.step, self.merged = 5, True
        elif op == "back":
            self.step, self.merged = int(arg), False  # type: ignore[call-overload]
        elif op == "end":
            self.status = "beeindigd"
        elif op == "decide":
            self.decision = str(arg)
        elif op == "plan":
            self.plan = True
            self.open_actions = {self.next_action}
            self.next_action += 1
        elif op == "add_action":
            self.open_actions.add(self.next_action)
            self.next_action += 1
        elif op in ("complete",):
            self.open_actions.discard(arg)  # type: ignore[arg-type]
        elif op == "close":
            self.status = "afgesloten"


OPS = st.one_of(
    st.tuples(st.just("signal"), st.none()),
    st.tuples(st.just("designate"), st.none()),
    st.tuples(st.just("advance"), st.none()),
    st.tuples(st.just("merge"), st.none()),
    st.tuples(st.just("back"), st.sampled_from([3, 4, 5])),
    st.tuples(st.just("end"), st.sampled_from(sorted(POLICIES.early_end_after))),
    st.tuples(st.just("decide"), st.sampled_from([PRIORITISED, NOT_PRIORITISED, "extra-analyse"])),
    st.tuples(st.just("plan"), st.none()),
    st.tuples(st.just("add_action"), st.none()),
    st.tuples(st.just("complete"), st.integers(1, 4)),
    st.tuples(st.just("escalate"), st.integers(1, 4)),
    st.tuples(st.just("close"), st.none()),
)


def perform(case: Case, op: str, arg: object) -> None:
    if op == "signal":
        case.record_signal(DAY, "overlast", "Plein", "politie", "wijkagent", "tekst", BY)
    elif op == "designate":
        case.designate_coordinator("uc-test", DAY, BY)
    elif op == "advance":
        case.advance("ketenoverleg", "reden", DAY, BY)
    elif op == "merge":
        case.merge_4_5("driehoek", "spoed", DAY, BY)
    elif op == "back":
        case.step_back(int(arg), "ketenoverleg", "reden", DAY, BY)  # type: ignore[call-overload]
    elif op == "end":
        case.end_early(str(arg), POLICIES.early_end_after[str(arg)], "ketenoverleg", "r", DAY, BY)
    elif op == "decide":
        case.record_decision(
            str(arg), ITEMS, POLICIES.decision_items, "motivatie", "driehoek", DAY, BY
        )
    elif op == "plan":
        case.set_plan(["doel"], [], [ACTION], BY)
    elif op == "add_action":
        case.add_action("actie", "groep", "jongerenwerk", "Jongerenwerker Test", "2026-05-01", BY)
    elif op == "complete":
        case.complete_action(int(arg), DAY, "", BY)  # type: ignore[call-overload]
    elif op == "escalate":
        case.escalate_action(int(arg), "teamchef", "niet nagekomen", DAY, BY)  # type: ignore[call-overload]
    elif op == "close":
        handover = {n: {"organisation": "jongerenwerk", "note": ""} for n in case.open_actions}
        case.close("ja", "ok", handover, "P1Y", EVALUATION, POLICIES.evaluation_criteria, DAY, BY)


@given(st.lists(OPS, max_size=40))
def test_every_sequence_obeys_the_transition_rules(ops: list[tuple[str, object]]) -> None:
    case = new_case()
    model = Model()
    for op, arg in ops:
        version_before = case.version
        if model.allows(op, arg):
            perform(case, op, arg)
            model.apply(op, arg)
            assert case.version == version_before + 1
        else:
            with pytest.raises(Refused):
                perform(case, op, arg)
            assert case.version == version_before, "a refused command must not change the case"
        assert (case.step, case.status) == (model.step, model.status)
        assert 1 <= case.step <= 7
