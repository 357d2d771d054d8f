"""Monitoring and evaluation (issue 13, item 3): indicators per goal (policy defaults and
own ones), measurements over time, the tussenevaluatie with the questions of seed 004 and
its due date as a reminder, and at step 7 the evaluation report on the seven criteria with
a chart of the indicators."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import BadInput, NotFound, Refused
from ledger.monitoring import commands as mo
from ledger.monitoring.documents import document
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.workbench.document import render
from policies.loader import load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.documents import text_of
from tests.integration.test_sharing import events_since, mark

SEEDS = Path("/work/shared/seeds")
SECRET = "Synthetisch: de verhoudingen met de groep van het station zijn bekoeld."


def answers(text: str = SECRET) -> dict[str, str]:
    """An answer to every question of the default tussenevaluatie."""
    out = {}
    for q in load_policies().werkbank.tussenevaluatie.vraag:  # type: ignore[union-attr]
        out[q.key] = "2" if q.kind == "aantal" else text
    return out


def monitored(ledger: Ledger, clock: FixedClock) -> tuple[str, Acting]:
    """A case at step 6 measuring its goal on a default and an own indicator, three times."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 6)
    m = ledger.monitoring
    m.choose_indicator(
        c.build(mo.ChooseIndicator, case=ref, key="incidenten-per-maand", goal=1), by
    )
    own = c.build(
        mo.ChooseIndicator,
        case=ref,
        key="buurtavonden",
        goal=1,
        label="Buurtavonden met bewoners",
        unit="avonden",
    )
    m.choose_indicator(own, by)
    start = clock.today
    for n, value in enumerate((14, 9, 5)):
        clock.set(start + timedelta(days=30 * n))
        m.measure(c.build(mo.Measure, case=ref, indicator="incidenten-per-maand", value=value), by)
    m.measure(c.build(mo.Measure, case=ref, indicator="buurtavonden", value=2, note="wijkteam"), by)
    return ref, by


def test_indicators_per_goal_and_measurements_over_time(ledger: Ledger, clock: FixedClock) -> None:
    start = clock.today
    ref, by = monitored(ledger, clock)
    shown = ledger.monitoring.monitor(ref, by)
    assert shown["goals"] == ["Overlast halveren"]
    by_key = {i["key"]: i for i in shown["indicators"]}
    incidents = by_key["incidenten-per-maand"]
    assert (incidents["label"], incidents["unit"], incidents["own"]) == (
        "Incidenten per maand",
        "incidenten",
        False,
    )
    assert [(m["on"], m["value"]) for m in incidents["measurements"]] == [
        (start.isoformat(), 14),
        ((start + timedelta(days=30)).isoformat(), 9),
        ((start + timedelta(days=60)).isoformat(), 5),
    ]
    assert by_key["buurtavonden"]["own"] and by_key["buurtavonden"]["measurements"][0]["note"] == (
        "wijkteam"
    )
    ledger.projections.catch_up()
    logged = ledger.queries.rows(
        select(t.access_log.c.command).where(t.access_log.c.command == "monitor.show")
    )
    assert len(logged) == 1


def test_monitoring_refusals_write_nothing(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    before = mark(ledger)
    with pytest.raises(Refused, match=r"rule monitoring\.plan-first"):
        ledger.monitoring.choose_indicator(
            c.build(mo.ChooseIndicator, case=ref, key="leden-in-zorg", goal=1), by
        )
    b.walk_to_step(ledger, by, ref, 6)
    before = mark(ledger)
    with pytest.raises(Refused, match=r"rule monitoring\.goal-known"):
        ledger.monitoring.choose_indicator(
            c.build(mo.ChooseIndicator, case=ref, key="leden-in-zorg", goal=2), by
        )
    with pytest.raises(BadInput, match="needs --label and --unit"):
        ledger.monitoring.choose_indicator(
            c.build(mo.ChooseIndicator, case=ref, key="eigen-ding", goal=1), by
        )
    with pytest.raises(Refused, match=r"rule monitoring\.indicator-known"):
        ledger.monitoring.measure(c.build(mo.Measure, case=ref, indicator="x", value=1), by)
    with pytest.raises(BadInput):
        c.build(mo.Measure, case=ref, indicator="leden-in-zorg", value=-1)
    ledger.monitoring.choose_indicator(
        c.build(mo.ChooseIndicator, case=ref, key="leden-in-zorg", goal=1), by
    )
    with pytest.raises(Refused, match=r"rule monitoring\.indicator-once"):
        ledger.monitoring.choose_indicator(
            c.build(mo.ChooseIndicator, case=ref, key="leden-in-zorg", goal=1), by
        )
    with pytest.raises(Refused, match=r"rule date\.not-future"):
        ledger.monitoring.measure(
            c.build(
                mo.Measure,
                case=ref,
                indicator="leden-in-zorg",
                value=1,
                on=clock.today + timedelta(days=1),
            ),
            by,
        )
    assert events_since(ledger, before) == Counter({"Case.IndicatorChosen": 1})


def test_the_tussenevaluatie_asks_the_questions_of_seed_004_and_falls_due_as_a_reminder(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = monitored(ledger, clock)
    due = ledger.monitoring.plan_tussenevaluatie(c.build(mo.PlanTussenevaluatie, case=ref), by)
    assert due > (clock.today + timedelta(days=150)).isoformat()  # six months by default
    assert not [r for r in ledger.reminders.reminders(by) if r["kind"] == "tussenevaluatie"]
    [reminder] = [
        r for r in ledger.reminders.reminders(by, within=200) if r["kind"] == "tussenevaluatie"
    ]
    assert (reminder["case"], reminder["due"]) == (ref, due)
    partial = dict(list(answers().items())[:3])
    before = mark(ledger)
    with pytest.raises(Refused, match=r"rule evaluation\.all-questions"):
        ledger.monitoring.record_tussenevaluatie(
            c.build(mo.RecordTussenevaluatie, case=ref, answers=partial), by
        )
    wrong = {**answers(), "schil-naar-kern": "een paar"}
    with pytest.raises(BadInput, match="whole number"):
        ledger.monitoring.record_tussenevaluatie(
            c.build(mo.RecordTussenevaluatie, case=ref, answers=wrong), by
        )
    assert events_since(ledger, before) == Counter()
    number = ledger.monitoring.record_tussenevaluatie(
        c.build(mo.RecordTussenevaluatie, case=ref, answers=answers()), by
    )
    assert number == 1
    with ledger.store.read() as conn:
        states = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert SECRET.encode() not in states  # free text is sealed
    [held] = ledger.monitoring.evaluation(ref, by)["tussenevaluaties"]
    texts = {a["key"]: a["answer"] for a in held["answers"]}
    assert texts["verhoudingen"] == SECRET and texts["kern-afgegleden"] == "2"
    assert not [
        r for r in ledger.reminders.reminders(by, within=400) if r["kind"] == "tussenevaluatie"
    ]


def test_the_default_questions_are_those_of_seed_004() -> None:
    found = sorted(SEEDS.glob("004_*")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seed documents are not on this machine")
    seed = re.sub(r"\s+", " ", found[0].read_text("utf-8"))
    questions = load_policies().werkbank.tussenevaluatie.vraag  # type: ignore[union-attr]
    assert len(questions) == 8
    for question in questions:
        assert question.text in seed, question.key


@pytest.mark.parametrize("fmt", ["docx", "pdf", "md"])
def test_the_evaluation_report_holds_the_seven_criteria_and_a_chart(
    ledger: Ledger, clock: FixedClock, fmt: str
) -> None:
    ref, by = monitored(ledger, clock)
    ledger.monitoring.record_tussenevaluatie(
        c.build(mo.RecordTussenevaluatie, case=ref, answers=answers()), by
    )
    with pytest.raises(Refused, match=r"rule evaluation\.report-after-close"):
        ledger.monitoring.document(ref, "eindverslag", by)
    interim = render(document(ledger.monitoring.document(ref, "tussenevaluatie", by)), fmt)
    interim_text = text_of(interim, fmt)
    assert SECRET in interim_text and "Hoeveel kernleden zijn verder afgegleden?" in interim_text
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.close_case(b.close(ref, handover=_handover(ledger, ref)), by)
    data = ledger.monitoring.document(ref, "eindverslag", by)
    report = render(document(data), fmt)
    said = text_of(report, fmt)
    for criterion in load_policies().werkproces.evaluation_criterion:
        assert criterion.label in said, criterion.key
    for answer in b.EVALUATION.values():
        assert answer in said
    assert "Incidenten per maand" in said and "Bespreking in het ketenoverleg" in said
    assert _has_picture(report, fmt)


def _handover(ledger: Ledger, ref: str) -> dict[int, dict[str, str]]:
    case = ledger.app.case(ref)
    return {n: {"organisation": "jongerenwerk", "note": "loopt door"} for n in case.open_actions}


def _has_picture(data: bytes, fmt: str) -> bool:
    if fmt == "md":
        return "data:image/png;base64," in data.decode("utf-8")
    if fmt == "docx":
        import docx

        return bool(docx.Document(io.BytesIO(data)).inline_shapes)
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return any(
            obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
            for page in pdf
            for obj in page.get_objects()
        )
    finally:
        pdf.close()


def test_a_tussenevaluatie_document_needs_one_held(ledger: Ledger, clock: FixedClock) -> None:
    ref, by = monitored(ledger, clock)
    with pytest.raises(NotFound, match="no tussenevaluatie yet"):
        ledger.monitoring.document(ref, "tussenevaluatie", by)
