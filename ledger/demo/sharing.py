"""The demo's sharing: a convenant signed by its parties, shares under it (the police's on
its besluit ex art. 20 Wpg), one refused, two ad hoc on their own basis (one judged lawful by
the privacy officer), and a coordinator looking a member up (logged first)."""

from __future__ import annotations

import re
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.sharing.requests import AnswerRequest
from ledger.sharing.service import ShareRefused
from ledger.sharing.verdicts import ReviewShare

EXAMPLE_CONVENANT = Path(__file__).parent.parent / "examples" / "convenant.toml"


def _example_text() -> str:
    return EXAMPLE_CONVENANT.read_text(encoding="utf-8")


def vital_interest(ledger: Ledger, ref: str, youths: list[str], day: Any, uc: Acting) -> None:
    """Health information to Veilig Thuis on vital interest, outside the convenant (000
    L236-243: a danger to themselves), judged lawful by the privacy officer."""
    share_id = ledger.sharing.record_share(
        c.build(
            c.RecordShare,
            case=ref,
            from_org="gemeente",
            to_orgs=["veilig-thuis"],
            subjects=youths[:1],
            categories=["zorg-en-gezondheid"],
            purpose="bescherming van de gezondheid van de jongere",
            legal_basis="avg-9-2-c-vitaal-belang",
            necessity="Middelengebruik levensbedreigend; ouders niet bereikbaar voor toestemming",
            decided_on=day(211),
        ),
        uc,
    )
    verdict = ReviewShare(
        share=share_id[:8],
        verdict="rechtmatig",
        reason="Vitaal belang aannemelijk, alleen het nodige aan Veilig Thuis verstrekt",
    )
    ledger.sharing.review(verdict, ledger.app.acting("privacy-demo"))


def share(
    ledger: Ledger,
    ref: str,
    youths: list[str],
    day: Any,
    regisseur: Acting,
    uc: Acting,
    agent: Acting,
) -> str:
    """A convenant signed by its parties; shares under it, one refused, one ad hoc. The
    police's provision is requested by the regisseur and confirmed by the wijkagent; its
    id is returned (the plan uses it, decision 0032)."""
    sharing = ledger.sharing
    with tempfile.TemporaryDirectory(prefix="regie-demo-") as scratch:
        # The scenario is dated relative to today, so its convenant must be too.
        text = re.sub(
            r"(?m)^valid_from = .*$", f"valid_from = {day(400).isoformat()}", _example_text()
        )
        text = re.sub(r"(?m)^valid_until = .*$", f"valid_until = {day(-3 * 365).isoformat()}", text)
        text = re.sub(r"(?m)^date = .*$", f"date = {day(390).isoformat()}", text)  # instruments
        convenant_file = Path(scratch) / "convenant.toml"
        convenant_file.write_text(text, encoding="utf-8")
        sharing.add_convenant("jga-voorbeeldstad", convenant_file, regisseur)
    for party, signer, ago in [
        ("gemeente", "Demo Burgemeester", 300),
        ("politie", "Demo Teamchef", 298),
        ("om", "Demo Gebiedsofficier", 290),
        ("jongerenwerk", "Demo Coordinator Jongerenwerk", 285),
    ]:
        sharing.sign_convenant(
            c.build(
                c.SignConvenant,
                convenant="jga-voorbeeldstad",
                party=party,
                signer=signer,
                signed_on=day(ago),
            ),
            regisseur,
        )
    share = dict(case=ref, convenant="jga-voorbeeldstad", purpose="groepsaanpak")
    request = sharing.request_share(
        c.build(
            c.RecordShare,
            **share,
            from_org="politie",
            to_orgs=["gemeente"],
            subjects=youths[:2],
            categories=["identificatie", "groepspositie"],
            article="art. 6 lid 1",
            necessity="Nodig om de groep in kaart te brengen",
            decided_on=day(217),
        ),
        regisseur,
    )
    # The wijkagent provides on the police's besluit ex art. 20 Wpg (rule DEEL-10).
    police = sharing.confirm_request(
        c.build(AnswerRequest, request=request, on=day(216), instrument="JGA-2026-01"), agent
    )
    with suppress(ShareRefused):  # recorded as refused: health data is not in the matrix
        sharing.record_share(
            c.build(
                c.RecordShare,
                **share,
                from_org="gemeente",
                to_orgs=["jongerenwerk"],
                subjects=youths[:1],
                categories=["zorg-en-gezondheid"],
                article="art. 6 lid 2",
                necessity="Begeleiding afstemmen",
                decided_on=day(214),
            ),
            uc,
        )
    sharing.record_share(
        c.build(
            c.RecordShare,
            case=ref,
            from_org="gemeente",
            to_orgs=["veilig-thuis"],
            subjects=youths[1:2],
            categories=["gezinssituatie"],
            purpose="zorgen over de thuissituatie",
            legal_basis="wmo-5-2-6-veilig-thuis",
            necessity="Signaal huiselijk geweld; Veilig Thuis zit niet in het convenant",
            decided_on=day(212),
        ),
        uc,
    )
    vital_interest(ledger, ref, youths, day, uc)
    # The coordinator looks a member up: an access event is written first.
    ledger.persons.view(youths[0], uc)
    return police
