"""Property: for random cases — members with names, addresses and dates of birth, their
legal representatives, signals and a groepsscan that name them, actions with owners —
the concept plan, in Word, PDF and Markdown, holds no name, address, date of birth,
pseudonym, owner or signal text; and a supplied text that names a member is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.errors import Refused
from ledger.workbench.document import FORMATS, render
from ledger.workbench.plandoc.anonymity import date_forms
from ledger.workbench.plandoc.build import document as build
from ledger.workbench.plandoc.commands import RecordPlanEstimate, SupplyPlanSection
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url
from tests.documents import text_of

# Obviously synthetic: "Testvoornaam Qx..." never a word of the plan's own texts.
WORD = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=8).map(lambda s: "Qx" + s)
PERSON = st.tuples(WORD, WORD).map(lambda p: f"Test{p[0].lower()} {p[1]}")
YOUTH = st.tuples(PERSON, st.integers(0, 2000), WORD, st.integers(1, 300))
SAFE_TEXT = st.sampled_from(
    [
        "Sinds de zomer overlast bij het plein.",
        "Een kern van jongeren met aanhang.",
        "Partners zien risico op afglijden.",
    ]
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    youths=st.lists(YOUTH, min_size=1, max_size=3, unique_by=lambda y: y[0]),
    representative=st.booleans(),
    owner=PERSON,
    texts=st.lists(SAFE_TEXT, min_size=1, max_size=3),
    name_it=st.booleans(),
)
def test_the_concept_names_nobody(
    database_kind: str,
    youths: list[tuple[str, int, str, int]],
    representative: bool,
    owner: str,
    texts: list[str],
    name_it: bool,
) -> None:
    with fresh_database_url(database_kind) as url:
        ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
        try:
            ledger.initialise()
            by = b.seed_actors(ledger)
            ref = b.open_case(ledger, by)
            b.walk_to_step(ledger, by, ref, 3)
            forbidden: list[str] = []
            shorts = []
            for name, days, street, number in youths:
                born = date(2008, 1, 1) + timedelta(days=days)
                address = f"{street}straat {number}, Teststad"
                youth = ledger.persons.register(
                    c.build(
                        c.RegisterSubject,
                        kind="jongere",
                        name=name,
                        date_of_birth=born,
                        address=address,
                        new_person=True,
                    ),
                    by,
                )
                shorts.append(youth.short)
                ledger.group.add_member(
                    c.build(
                        c.Membership, case=ref, subject=youth.short, core="kern",
                        influence="meeloper",
                    ),
                    by,
                )  # fmt: skip
                ledger.cases.record_signal(b.signal(ref, text=f"Gezien: {name}"), by)
                forbidden += [name, address, youth.short, f"Gezien: {name}", born.isoformat()]
                forbidden += date_forms(born)[1:]
            if representative:
                parent = f"Testouder {youths[0][2]}"
                ledger.persons.register(
                    c.build(
                        c.RegisterSubject,
                        kind="wettelijk-vertegenwoordiger",
                        name=parent,
                        representative_of=shorts[0],
                    ),
                    by,
                )
                forbidden.append(parent)
            ledger.group.agree_namenlijst(
                c.build(
                    c.AgreeNamenlijst, case=ref, subjects=shorts, partners=["gemeente", "politie"]
                ),
                by,
            )
            ledger.group.request_groepsscan(
                c.build(
                    c.RequestGroepsscan, case=ref, requested_by="burgemeester", motivation="zicht"
                ),
                by,
            )
            summary = f"Kern rond {youths[0][0]}."
            ledger.group.receive_groepsscan(
                c.build(
                    c.ReceiveGroepsscan, case=ref, recipients=["burgemeester"], unknown_names=0,
                    informatiepositie="sterk", summary=summary,
                ),
                by,
            )  # fmt: skip
            forbidden.append(summary)
            plan = b.plan(ref, actions=2).model_dump()
            for action in plan["actions"]:
                action["person"] = owner
            ledger.cases.set_plan(c.build(c.SetPlan, **plan), by)
            forbidden.append(owner)
            keys = ["aanleiding", "jeugdgroep", "wat-is-nodig"]
            for key, text in zip(keys, texts, strict=False):
                ledger.plan_documents.supply_section(
                    c.build(SupplyPlanSection, case=ref, key=key, text=text), by
                )
            ledger.plan_documents.record_estimate(
                c.build(RecordPlanEstimate, case=ref, hours=100, cost_eur=5000), by
            )
            if name_it:
                named = f"Gesprek met {youths[-1][0].lower()} gepland."
                ledger.plan_documents.supply_section(
                    c.build(SupplyPlanSection, case=ref, key="rollen", text=named), by
                )
                with pytest.raises(Refused) as refused:
                    ledger.plan_documents.document(ref, by, concept=True)
                assert refused.value.rule == "plandoc.concept-anonymous"
                assert youths[-1][0].lower() not in str(refused.value).lower()
                return
            made = build(ledger.plan_documents.document(ref, by, concept=True))
            for fmt in FORMATS:
                shown = text_of(render(made, fmt), fmt).lower()
                assert "5.000" in shown  # the estimate is there
                leaked = [f for f in forbidden if f.lower() in shown]
                assert not leaked, (fmt, len(leaked))
        finally:
            ledger.close()
