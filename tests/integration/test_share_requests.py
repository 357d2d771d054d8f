"""Provider authority (issue 11, item 1): a provision from an organisation is recorded or
answered by an actor of that organisation; the regisseur only requests it (000 L2044-2046),
and a request for the OM's criminal information records the OM's conditions (L2056-2064)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.errors import BadInput, Refused, Unauthorised
from ledger.sharing.requests import AnswerRequest
from ledger.sharing.service import ShareRefused
from tests import builders as b
from tests.integration.test_sharing import (  # noqa: F401 (the cli fixture)
    CONVENANT,
    KEY,
    OM,
    POLICE,
    cli,
    events_since,
    mark,
    ok,
    one_line_error,
    person_level_case,
    provisions,
    share,
    write,
)

CONDITIONS = ["pv-laatste-jaar", "sterke-criminele-aspecten"]


def answer(request: str, **values: Any) -> AnswerRequest:
    return c.build(AnswerRequest, request=request, **values)


def from_om(ref: str) -> c.RecordShare:
    return share(ref, from_org="om", categories=["strafrechtelijke-informatie"], article="art. 7")


def test_a_provision_by_an_actor_of_another_organisation_is_refused_and_writes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    before = mark(ledger)
    with pytest.raises(Refused) as raised:
        ledger.sharing.record_share(share(ref, subjects=[member]), regisseur)
    assert raised.value.rule == "share.provider"
    assert raised.value.exit_code == 1
    assert events_since(ledger, before) == Counter()
    assert provisions(ledger, officer) == []


def test_a_confirmed_request_is_a_provision_answered_for_by_the_provider(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    police = b.provider(ledger, regisseur, ref, "politie")
    request = ledger.sharing.request_share(share(ref, subjects=[member]), regisseur)
    # A request is not a provision: not in the register, the shares or the subject's report.
    assert provisions(ledger, officer) == []
    assert ledger.sharing.share_rows() == []
    report = ledger.privacy.subject_report(member, officer)
    assert [p["what"] for p in report["provisions"]] == ["namenlijst (versie 1)"]
    [open_] = ledger.sharing.requests(officer, status="open")
    assert (open_["request_id"], open_["from"], open_["requested_by"]) == (
        request,
        "politie",
        b.REGISSEUR,
    )
    # Only an actor of the police answers it; the regisseur has no permission to.
    with pytest.raises(Unauthorised):
        ledger.sharing.confirm_request(answer(request), regisseur)
    gemeente_contact = b.provider(ledger, regisseur, ref, "jongerenwerk")
    with pytest.raises(Refused) as raised:
        ledger.sharing.confirm_request(answer(request[:8]), gemeente_contact)
    assert raised.value.rule == "share.provider"

    share_id = ledger.sharing.confirm_request(answer(request[:8]), police)
    [row] = provisions(ledger, officer)
    assert (row["share_id"], row["from"], row["outcome"]) == (share_id, "politie", "verstrekt")
    assert (row["answered_by"], row["requested_by"]) == ("politie-test (politie)", b.REGISSEUR)
    assert row["necessity"] == "Nodig voor het plan van aanpak"
    [done] = ledger.sharing.requests(officer)
    assert (done["status"], done["share"], done["answered_by"]) == (
        "bevestigd",
        share_id[:8],
        "politie-test (politie)",
    )
    with pytest.raises(Refused) as raised:
        ledger.sharing.confirm_request(answer(request), police)
    assert raised.value.rule == "share.request-open"


def test_a_provision_recorded_by_the_provider_names_it_as_answering(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    police = b.provider(ledger, regisseur, ref, "politie")
    ledger.sharing.record_share(share(ref, subjects=[member]), police)
    [row] = provisions(ledger, officer)
    assert (row["answered_by"], row["requested_by"]) == ("politie-test (politie)", None)


def test_a_refused_request_is_recorded_and_never_a_provision(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    police = b.provider(ledger, regisseur, ref, "politie")
    request = ledger.sharing.request_share(share(ref, subjects=[member]), regisseur)
    with pytest.raises(BadInput):
        ledger.sharing.refuse_request(answer(request), police)
    youth_work = b.provider(ledger, regisseur, ref, "jongerenwerk")
    with pytest.raises(Refused) as raised:
        ledger.sharing.refuse_request(answer(request, reason="Niet aan ons"), youth_work)
    assert raised.value.rule == "share.provider"
    ledger.sharing.refuse_request(answer(request, reason="Geen grondslag"), police)
    [row] = ledger.sharing.requests(officer)
    assert (row["status"], row["reason"], row["answered_by"]) == (
        "afgewezen",
        "Geen grondslag",
        "politie-test (politie)",
    )
    assert provisions(ledger, officer) == []
    with pytest.raises(Refused) as raised:
        ledger.sharing.confirm_request(answer(request), police)
    assert raised.value.rule == "share.request-open"


def test_a_confirmation_is_judged_by_the_sharing_rules_and_the_request_stays_open(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, member, regisseur, officer = person_level_case(ledger, tmp_path)
    police = b.provider(ledger, regisseur, ref, "politie")
    request = ledger.sharing.request_share(
        share(ref, subjects=[member], purpose="nieuwsgierigheid"), regisseur
    )
    with pytest.raises(ShareRefused) as raised:
        ledger.sharing.confirm_request(answer(request), police)
    assert "DEEL-06" in raised.value.rule
    [refused] = ledger.sharing.share_rows(outcome="geweigerd")
    assert (refused["decided_by"], refused["requested_by"]) == ("politie-test", b.REGISSEUR)
    assert provisions(ledger, officer) == []
    assert [r["status"] for r in ledger.sharing.requests(officer)] == ["open"]


def test_the_oms_criminal_information_needs_its_conditions_on_the_request(
    ledger: Ledger, tmp_path: Path
) -> None:
    ref, _, regisseur, officer = person_level_case(ledger, tmp_path)
    om = b.provider(ledger, regisseur, ref, "om")
    with pytest.raises(BadInput):
        ledger.sharing.request_share(
            from_om(ref).model_copy(update={"om_conditions": ["onbekend"]}), regisseur
        )
    with pytest.raises(BadInput):  # the conditions belong to a request
        ledger.sharing.record_share(
            from_om(ref).model_copy(update={"om_conditions": CONDITIONS}), om
        )
    bare = ledger.sharing.request_share(
        from_om(ref).model_copy(update={"om_conditions": CONDITIONS[:1]}), regisseur
    )
    before = mark(ledger)
    with pytest.raises(Refused) as raised:
        ledger.sharing.confirm_request(answer(bare), om)
    assert raised.value.rule == "share.om-conditions"
    assert "sterke-criminele-aspecten" in raised.value.message
    assert events_since(ledger, before) == Counter()

    full = ledger.sharing.request_share(
        from_om(ref).model_copy(update={"om_conditions": CONDITIONS}), regisseur
    )
    share_id = ledger.sharing.confirm_request(answer(full), om)
    [row] = provisions(ledger, officer)
    assert (row["share_id"], row["answered_by"]) == (share_id, "om-test (om)")
    listed = {r["request_id"]: r for r in ledger.sharing.requests(officer)}
    assert listed[full]["om_conditions"] == CONDITIONS
    assert listed[bare]["status"] == "open"


def test_only_the_regisseur_requests(ledger: Ledger, tmp_path: Path) -> None:
    ref, member, regisseur, _ = person_level_case(ledger, tmp_path)
    youth_work = b.provider(ledger, regisseur, ref, "jongerenwerk")
    with pytest.raises(Unauthorised):
        ledger.sharing.request_share(share(ref, subjects=[member]), youth_work)
    with pytest.raises(BadInput):  # the regisseur's own organisation records it
        ledger.sharing.request_share(share(ref, from_org="gemeente"), regisseur)


def test_requests_through_the_command_line(cli: Any, tmp_path: Path) -> None:  # noqa: F811
    run = cli
    opened = ok(
        run("case open --name 'Groep Testplein' --municipality Teststad --area Noord --json")
    )
    ref = json.loads(opened.output)["case"]
    ok(run(f"case participant add {ref} {POLICE} --reason Wijkagent"))
    path = write(
        tmp_path,
        CONVENANT.replace("valid_until = 2026-12-31\n", "")
        .replace("valid_from = 2026-01-01", "valid_from = 2020-01-01")
        .replace("from_step = 2", "from_step = 1"),
    )
    ok(run(f"convenant add {KEY} --file {path}"))
    ok(run(f"convenant sign {KEY} --party politie --signer Teamchef"))
    ok(run(f"convenant sign {KEY} --party gemeente --signer Burgemeester"))
    asked = (
        f"share request {ref} --from politie --to gemeente --purpose groepsaanpak "
        f"--convenant {KEY} --article 'art. 6 lid 1' --necessity 'Beeld van de groep' "
        "--category groepspositie"
    )
    first = json.loads(ok(run(f"{asked} --json")).output)["request"]
    second = json.loads(ok(run(f"{asked} --json")).output)["request"]
    waiting = json.loads(ok(run("audit disclosures --requests --json", "privacy-test")).output)
    assert [r["request_id"] for r in waiting] == [first, second]
    assert json.loads(ok(run("audit disclosures --json", "privacy-test")).output) == []
    assert "exit" not in one_line_error(run(f"{asked} --om-condition onbekend"), 2)
    line = one_line_error(run(f"share confirm {first[:8]}"), 1)
    assert line.endswith("[rule permission.denied]")
    # The police provide on their besluit ex art. 20 Wpg, and say which (DEEL-10).
    line = one_line_error(run(f"share confirm {first[:8]}", POLICE), 1)
    assert line.startswith("Error: share recorded as refused") and "art. 20 Wpg" in line
    assert line.endswith("[rule DEEL-10]")
    confirmed = ok(run(f"share confirm {first[:8]} --instrument BESLUIT-1", POLICE)).output
    assert "verstrekt" in confirmed
    ok(run(f"share refuse {second[:8]} --reason 'Geen grondslag'", POLICE))
    line = one_line_error(run(f"share refuse {second[:8]} --reason nogmaals", POLICE), 1)
    assert line.endswith("[rule share.request-open]")
    rows = json.loads(ok(run("share requests --json")).output)
    assert [(r["status"], r["answered_by"]) for r in rows] == [
        ("bevestigd", f"{POLICE} (politie)"),
        ("afgewezen", f"{POLICE} (politie)"),
    ]
    assert "Verzoeken tot verstrekking" in ok(run("share requests --status open")).output
    assert json.loads(ok(run("audit disclosures --requests --json", "privacy-test")).output) == []
    shown = ok(run("audit disclosures", "privacy-test")).output
    assert "beantwoord door" in shown and "gevraagd door" in shown
    [provided] = json.loads(ok(run("audit disclosures --json", "privacy-test")).output)
    assert (provided["answered_by"], provided["requested_by"]) == (
        f"{POLICE} (politie)",
        b.REGISSEUR,
    )
    assert provided["instrument"] == "BESLUIT-1"
    assert provided["basis"] == f"{KEY} v1 art. 6 lid 1, BESLUIT-1"
