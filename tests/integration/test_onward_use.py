"""Provenance and purpose (issue 11, item 3; decision 0032): data passed on names the
provision it was received in, and is used again only for the purpose it was received for,
unless a compatibility assessment (AVG art. 6(4)) is recorded and reviewed (000 L2425).

The pure property at the end states the three DOEL rules from their texts and checks the
engine against that statement on random provisions and sources.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import Refused, Unauthorised
from ledger.sharing.requests import AnswerRequest
from ledger.sharing.reuse import ReuseProvision, ReviewReuse
from ledger.sharing.service import ShareRefused
from ledger.sharing.verdicts import ReviewShare
from policies.loader import load_policies
from policies.provenance import SourceFacts
from policies.sharing import CaseFacts, Context, ShareRequest, evaluate
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_sharing import (  # noqa: F401 (the cli fixture)
    ad_hoc,
    cli,
    events_since,
    mark,
    ok,
    one_line_error,
    person_level_case,
    register,
    share,
)

ASSESSMENT = "Verenigbaar: zelfde groep, zelfde risico, waarborgen als bij ontvangst"


def police_provision(ledger: Ledger, ref: str, member: str) -> str:
    """Police information about ``member``, provided by the police to the gemeente."""
    police = b.provider(ledger, ledger.app.acting(b.REGISSEUR), ref, "politie")
    return ledger.sharing.record_share(
        share(ref, subjects=[member], categories=["politie-informatie"]), police
    )


def onward(ref: str, member: str, **overrides: Any) -> c.RecordShare:
    """The gemeente passes the police information on to youth work, ad hoc."""
    values: dict[str, Any] = dict(
        subjects=[member],
        categories=["politie-informatie"],
        to_orgs=["jongerenwerk"],
        purpose="groepsaanpak",
        legal_basis="avg-9-2-c-vitaal-belang",
    )
    return ad_hoc(ref, **{**values, **overrides})


def refused_by(ledger: Ledger, cmd: c.RecordShare) -> set[str]:
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.record_share(cmd, ledger.app.acting(b.REGISSEUR))
    return {r.rule for r in raised.value.verdict.refusals}


def test_passing_on_police_information_names_where_it_came_from(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    # The example: police information "for handhaving woonfraude", with no source.
    assert refused_by(
        ledger, onward(ref, member, to_orgs=["politie"], purpose="handhaving woonfraude")
    ) == {"DOEL-01"}
    source = police_provision(ledger, ref, member)
    share_id = ledger.sharing.record_share(onward(ref, member, source=source[:8]), regisseur)
    row = next(r for r in ledger.privacy.disclosures(officer) if r["share_id"] == share_id)
    assert (row["source"], row["source_share_id"], row["compatibility"]) == (
        source[:8],
        source,
        None,
    )


def test_a_source_must_have_reached_the_provider_with_these_people_and_categories(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, _ = person_level_case(ledger, tmp_path)
    other = register(ledger, regisseur, "Testpersoon Ander")
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=other, core="aanhang", influence="meeloper"),
        regisseur,
    )
    source = police_provision(ledger, ref, member)
    # About someone the source was not about.
    assert refused_by(ledger, onward(ref, other, source=source)) >= {"DOEL-02"}
    # Passed on by an organisation the source did not reach.
    youth_work = b.provider(ledger, regisseur, ref, "jongerenwerk")
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.record_share(
            onward(ref, member, from_org="jongerenwerk", to_orgs=["gemeente"], source=source),
            youth_work,
        )
    assert "DOEL-02" in {r.rule for r in raised.value.verdict.refusals}
    # A refused provision is no source at all.
    police = b.provider(ledger, regisseur, ref, "politie")
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.record_share(
            share(ref, subjects=[member], categories=["politie-informatie"], purpose="x"), police
        )
    refused = raised.value.share_id
    assert "DOEL-02" in refused_by(ledger, onward(ref, member, source=refused))


def test_another_purpose_needs_an_assessment_that_the_privacy_officer_reviews(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    source = police_provision(ledger, ref, member)
    other_purpose = onward(ref, member, source=source, purpose="handhaving woonfraude")
    before = mark(ledger)
    assert refused_by(ledger, other_purpose) == {"DOEL-03"}
    assert events_since(ledger, before) == Counter({"Share.Decided": 1})  # recorded, refused

    assessed = other_purpose.model_copy(update={"compatibility": ASSESSMENT})
    share_id = ledger.sharing.record_share(assessed, regisseur)

    def flagged() -> list[dict[str, Any]]:
        kinds = ("verenigbaarheid-te-beoordelen",)
        return [f for f in ledger.privacy.findings(officer) if f["kind"] in kinds]

    [finding] = flagged()
    assert share_id[:8] in finding["detail"] and source[:8] in finding["detail"]
    [row] = [r for r in ledger.sharing.share_rows(ref) if r["share_id"] == share_id]
    assert row["compatibility"] == ASSESSMENT
    review = c.build(ReviewShare, share=share_id, verdict="rechtmatig", reason="Verenigbaar")
    ledger.sharing.review(review, officer)
    assert flagged() == []


def test_the_assessment_is_sealed_in_a_request_and_judged_on_confirmation(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    source = police_provision(ledger, ref, member)
    # The regisseur asks youth work to pass it on; youth work never received it (DOEL-02).
    youth_work = b.provider(ledger, regisseur, ref, "jongerenwerk")
    asked = onward(
        ref,
        member,
        from_org="jongerenwerk",
        to_orgs=["gemeente"],
        source=source,
        purpose="handhaving woonfraude",
        compatibility=ASSESSMENT,
    )
    request = ledger.sharing.request_share(asked, regisseur)
    assert ASSESSMENT not in _raw_events(ledger), "stored sealed, never in plain text"
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.confirm_request(c.build(AnswerRequest, request=request), youth_work)
    assert {r.rule for r in raised.value.verdict.refusals} == {"DOEL-02"}
    [refused] = ledger.sharing.share_rows(ref, "geweigerd")
    assert refused["compatibility"] == ASSESSMENT  # the confirmation kept the sealed text

    assessed = onward(
        ref, member, source=source, purpose="handhaving woonfraude", compatibility=ASSESSMENT
    )
    share_id = ledger.sharing.record_share(assessed, regisseur)
    row = next(r for r in ledger.privacy.disclosures(officer) if r["share_id"] == share_id)
    assert row["compatibility"] == ASSESSMENT and ASSESSMENT not in _raw_events(ledger)


def plan_case(ledger: Ledger, tmp_path: Path) -> tuple[str, str, Acting, Acting]:
    """The person-level case taken on to step 5, with a plan of one action (A1)."""
    ref, member, by, officer = person_level_case(ledger, tmp_path)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.record_decision(b.decision(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.set_plan(b.plan(ref), by)
    return ref, member, by, officer


def reuse(ref: str, share_id: str, **values: Any) -> ReuseProvision:
    return c.build(ReuseProvision, **{"case": ref, "action": 1, "share": share_id, **values})


def test_a_plan_action_uses_a_provision_for_the_purpose_it_was_received_for(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = plan_case(ledger, tmp_path)
    source = police_provision(ledger, ref, member)
    assert ledger.sharing.reuse_provision(reuse(ref, source[:8]), regisseur) == 1
    [row] = ledger.sharing.reuses(officer, ref)
    assert (row["action"], row["share_id"], row["purpose"], row["compatibility"]) == (
        1,
        source,
        "groepsaanpak",
        None,
    )
    assert not [f for f in ledger.privacy.findings(officer) if "reuse" in f["detail"]]
    before = mark(ledger)
    with pytest.raises(Refused) as raised:
        ledger.sharing.reuse_provision(reuse(ref, source, action=9), regisseur)
    assert raised.value.rule == "reuse.action"
    # A provision that never reached the gemeente cannot be used by it (DOEL-02).
    elsewhere = ledger.sharing.record_share(ad_hoc(ref, subjects=[member]), regisseur)
    with pytest.raises(Refused, match="DOEL-02") as raised:
        ledger.sharing.reuse_provision(reuse(ref, elsewhere), regisseur)
    assert raised.value.rule == "reuse.purpose"
    assert events_since(ledger, before) == Counter({"Share.Decided": 1})


def test_a_plan_action_on_data_received_for_another_purpose_needs_a_reviewed_assessment(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = plan_case(ledger, tmp_path)
    youth_work = b.provider(ledger, regisseur, ref, "jongerenwerk")
    care = ledger.sharing.record_share(
        ad_hoc(ref, subjects=[member], from_org="jongerenwerk", to_orgs=["gemeente"]),
        youth_work,
    )
    before = mark(ledger)
    with pytest.raises(Refused, match="DOEL-03") as raised:
        ledger.sharing.reuse_provision(reuse(ref, care), regisseur)
    assert raised.value.rule == "reuse.purpose" and raised.value.exit_code == 1
    assert mark(ledger) == before
    number = ledger.sharing.reuse_provision(reuse(ref, care, compatibility=ASSESSMENT), regisseur)

    def flagged() -> list[dict[str, Any]]:
        return [f for f in ledger.privacy.findings(officer) if f"reuse {number}:" in f["detail"]]

    [finding] = flagged()
    assert finding["kind"] == "verenigbaarheid-te-beoordelen" and care[:8] in finding["detail"]
    assert ASSESSMENT not in _raw_events(ledger)
    [row] = ledger.sharing.reuses(officer, ref)
    assert (row["compatibility"], row["reviewed"]) == (ASSESSMENT, False)
    review = c.build(ReviewReuse, case=ref, number=number, comment="Verenigbaar")
    ledger.sharing.review_reuse(review, officer)
    assert flagged() == []
    assert ledger.sharing.reuses(officer, ref)[0]["review_comment"] == "Verenigbaar"
    with pytest.raises(Refused) as raised:
        ledger.sharing.review_reuse(review, officer)
    assert raised.value.rule == "reuse.review"
    with pytest.raises(Unauthorised):
        ledger.sharing.review_reuse(review, regisseur)


def test_a_purged_assessment_leaves_the_read_models(
    ledger: Ledger, tmp_path: Path, clock: FixedClock
) -> None:
    """The assessment is a case record: purged with them, it reads [gewist] everywhere."""
    ref, member, regisseur, _ = person_level_case(ledger, tmp_path)
    source = police_provision(ledger, ref, member)
    assessed = onward(
        ref, member, source=source, purpose="handhaving woonfraude", compatibility=ASSESSMENT
    )
    share_id = ledger.sharing.record_share(assessed, regisseur)
    end = c.build(
        c.EndEarly, case=ref, outcome="regulier-afgehandeld", body="regulier-overleg", reason="x"
    )
    ledger.cases.end_early(end, regisseur)
    clock.advance(365 * 6)
    b.purge_due(ledger)
    [row] = [r for r in ledger.sharing.share_rows(ref) if r["share_id"] == share_id]
    assert row["compatibility"] == "[gewist]"
    assert ASSESSMENT not in repr(ledger.queries.tables_snapshot())
    incremental = ledger.queries.tables_snapshot()
    ledger.projections.rebuild()
    assert ledger.queries.tables_snapshot() == incremental


def _raw_events(ledger: Ledger) -> str:
    """Every stored event payload, as text, to look for what must never be in plain text."""
    records = ledger.app.recorder.select_notifications(1, 1_000_000)
    return "\n".join(bytes(r.state).decode("utf-8", "replace") for r in records)


def test_onward_use_through_the_command_line(cli: Any, tmp_path: Path) -> None:  # noqa: F811
    """One line and exit 1 for a refusal by DOEL-01; one line and exit 2 for a malformed
    --source, and nothing recorded for it."""
    run = cli
    ref = json.loads(
        ok(
            run("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
        ).output
    )["case"]
    line = one_line_error(
        run(
            f"share add {ref} --from gemeente --to politie --category politie-informatie"
            " --purpose 'handhaving woonfraude' --legal-basis avg-9-2-c-vitaal-belang"
            " --necessity 'Controle'"
        ),
        1,
    )
    assert "DOEL-01" in line and "herkomst" in line
    listed = json.loads(ok(run(f"share list {ref} --outcome geweigerd --json")).output)
    assert [r["refused_by"] for r in listed] == [["DOEL-01"]]
    line = one_line_error(
        run(
            f"share add {ref} --from gemeente --to politie --category politie-informatie"
            " --purpose groepsaanpak --legal-basis avg-9-2-c-vitaal-belang --necessity 'Controle'"
            " --source 'zz%' --compatibility 'Verenigbaar'"
        ),
        2,
    )
    assert "source" in line
    assert len(json.loads(ok(run(f"share list {ref} --json")).output)) == 1


# -- the rules as their texts state them, against the engine ---------------------------

ORGS = ("gemeente", "politie", "om", "jongerenwerk")
CATEGORIES = ("groepspositie", "politie-informatie", "strafrechtelijke-informatie", "school")
ORIGIN = {"politie-informatie": "politie", "strafrechtelijke-informatie": "om"}
POLICIES = load_policies()
DOEL = {"DOEL-01", "DOEL-02", "DOEL-03"}


def oracle(request: ShareRequest) -> set[str]:
    """DOEL-01: whoever passes on another's data (police information, criminal information)
    names the provision it received it in. DOEL-02: that provision went to this organisation
    and covered these people and categories. DOEL-03: no other purpose (or case) without a
    recorded compatibility assessment."""
    foreign = {
        cat for cat in request.categories if ORIGIN.get(cat, request.from_org) != request.from_org
    }
    source = request.source
    if source is None:
        return {"DOEL-01"} if foreign else set()
    out = set()
    if not (
        source.provided
        and request.from_org in source.to_orgs
        and foreign <= set(source.categories)
        and set(request.subjects) <= set(source.subjects)
    ):
        out.add("DOEL-02")
    if not request.compatibility and not (source.same_case and source.purpose == request.purpose):
        out.add("DOEL-03")
    return out


subsets = st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True)
people = st.lists(st.sampled_from(("p1", "p2", "p3")), max_size=2, unique=True)
sources = st.builds(
    SourceFacts,
    provided=st.booleans(),
    same_case=st.booleans(),
    to_orgs=st.lists(st.sampled_from(ORGS), min_size=1, max_size=2, unique=True).map(tuple),
    subjects=people.map(tuple),
    categories=subsets.map(tuple),
    purpose=st.sampled_from(("groepsaanpak", "signalering")),
)


@settings(max_examples=400, deadline=None)
@given(
    from_org=st.sampled_from(ORGS),
    categories=subsets,
    subjects=people,
    purpose=st.sampled_from(("groepsaanpak", "signalering")),
    source=st.none() | sources,
    compatibility=st.booleans(),
)
def test_the_doel_rules_refuse_what_their_texts_say(
    from_org: str,
    categories: list[str],
    subjects: list[str],
    purpose: str,
    source: SourceFacts | None,
    compatibility: bool,
) -> None:
    request = ShareRequest(
        from_org=from_org,
        to_orgs=("gemeente",),
        subjects=tuple(subjects),
        categories=tuple(categories),
        purpose=purpose,
        on="2026-06-01",
        legal_basis="grondslag",
        necessity="noodzaak",
        source=source,
        compatibility=compatibility,
    )
    verdict = evaluate(
        POLICIES.sharing,
        Context(
            request=request,
            case=CaseFacts(step=3, coordinator=True, namenlijst=True),
            convenant=None,
            special_categories=POLICIES.special_categories,
            om_organisation="om",
            criminal_category="strafrechtelijke-informatie",
            origins=POLICIES.sharing.origin,
        ),
    )
    assert {r.rule for r in verdict.refusals} & DOEL == oracle(request)
