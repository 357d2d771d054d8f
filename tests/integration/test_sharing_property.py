"""Property: the sharing policy engine refuses exactly what the rules refuse.

An oracle written here from the rule texts (policies/defaults/sharing.toml and the issue),
not from the engine's checks, computes the ids of the rules that refuse a share. The engine
must agree on random convenants, signatures, case states and requests:

* purely (``policies.sharing.evaluate``, no database, many examples), and
* through the ledger on SQLite and PostgreSQL: every allowed share is in the register of
  disclosures, every refused one is recorded with exactly the oracle's rule ids, and nothing
  else changed (the case is untouched; the only new events are share decisions, requests
  and their confirmations, and the access events of the privacy officer's own queries).
  A provision from another organisation than the regisseur's is refused to the regisseur
  (share.provider, nothing written); requested, it is confirmed by an actor of the
  provider, judged the same, and in the register as answered for by that actor
  (decision 0026). An article not in the matrix is refused (share.article) and an ad-hoc
  basis the provider may not use is bad input, both writing nothing. The privacy officer's
  verdicts on the ad-hoc provisions leave open exactly the unlawful ones' findings until
  each is closed (decision 0029).

Instruments (issue 11 item 2) and ad-hoc bases (item 4) are policy data; the oracle reads
which organisation needs which kind of instrument from the issue and the bases' table from
sharing.toml (data, not logic), and states the rules about them itself.

The case is built on dated days (steps, coordinator, members, namenlijst versions with an
addition, a member leaving) and the requests are dated across them: the oracle judges each
against the case as it was on its date, from those days alone (decision 0030).
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.cases.group import AddToNamenlijst
from ledger.errors import BadInput, Refused
from ledger.privacy.findings import UNLAWFUL_PROVISION
from ledger.sharing.requests import AnswerRequest
from ledger.sharing.service import ShareRefused
from ledger.sharing.verdicts import CloseFinding, ReviewShare
from policies.loader import DEFAULTS, load_policies
from policies.sharing import CaseFacts, Context, ConvenantFacts, ShareRequest, evaluate
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url

# -- the rules, as the issue states them ----------------------------------------------------

OM = "om"
CRIMINAL = "strafrechtelijke-informatie"
# "special categories (criminal, health, BSN, religion)"
SPECIAL = frozenset({CRIMINAL, "zorg-en-gezondheid", "bsn", "bijzondere-categorieen"})
DECISION_MEETING_STEP = 4  # "what goes to the step-4 decision meeting is group level"
# DOEL-01's text: police information is the police's own, criminal information the OM's.
FIRST_HAND = {"politie-informatie": "politie", CRIMINAL: OM}
# "an art. 20 Wpg besluit for the police, the Wjsg basis for the OM"; others need none.
NEEDS = {"politie": "wpg-art-20-besluit", OM: "wjsg"}
KINDS = tuple(sorted(NEEDS.values()))

RULE_FILE = tomllib.loads((DEFAULTS / "sharing.toml").read_text(encoding="utf-8"))
RULE_TEXTS = {r["id"]: (r["text"], r["source"]) for r in RULE_FILE["rule"]}


@dataclass(frozen=True)
class Basis:
    """One ad-hoc legal basis of the policy: who may name it, to whom, carrying what."""

    providers: frozenset[str]
    recipients: frozenset[str]  # empty: anyone
    special: frozenset[str]


BASES = {
    b["key"]: Basis(
        frozenset(b["organisations"]),
        frozenset(b.get("recipients", [])),
        frozenset(b.get("special_categories", [])),
    )
    for b in RULE_FILE["ad_hoc_basis"]
}


def usable_basis(request: Request) -> Basis | None:
    """The basis the request names, if it is one of the policy's its provider may use."""
    basis = BASES.get(request.legal_basis or "")
    return basis if basis is not None and request.provider in basis.providers else None


@dataclass(frozen=True)
class Instrument:
    kind: str
    id: str
    dated: date


@dataclass(frozen=True)
class Row:
    """One line of a convenant's sharing matrix."""

    article: str
    provider: str
    recipients: tuple[str, ...]
    categories: tuple[str, ...]
    from_step: int
    purposes: tuple[str, ...]


@dataclass(frozen=True)
class Convenant:
    parties: tuple[str, ...]
    purposes: tuple[str, ...]
    rows: tuple[Row, ...]
    valid_from: date
    valid_until: date | None
    signed: dict[str, date] = field(default_factory=dict)  # party -> signed on
    instruments: dict[str, tuple[Instrument, ...]] = field(default_factory=dict)  # by party


@dataclass(frozen=True)
class Case:
    """The case on the request's date (decision 0030): not necessarily as it is today."""

    step: int
    coordinator: bool
    namenlijst: bool
    on_namenlijst: frozenset[str] = frozenset()  # on the version in force, joined by then


@dataclass(frozen=True)
class Request:
    provider: str
    recipients: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    purpose: str
    on: date
    under_convenant: bool
    legal_basis: str | None
    necessity: str
    meeting: str | None
    article: str = "art. 1"
    instrument: str | None = None


def _matrix_allows(
    convenant: Convenant, request: Request, recipient: str, category: str, step: int
) -> bool:
    """DEEL-08's text: from this provider to this recipient, from this step, for this purpose,
    in the article the provision cites."""
    for row in convenant.rows:
        if (
            row.article == request.article
            and row.provider == request.provider
            and recipient in row.recipients
            and category in row.categories
            and step >= row.from_step
            and request.purpose in row.purposes
        ):
            return True
    return False


def refusing_rules(request: Request, case: Case, convenant: Convenant | None) -> set[str]:
    """The oracle: the ids of every rule the request breaks, from the rule texts.

    ``convenant`` is the version the request cites, or None for an ad-hoc share.
    """
    persons = bool(request.subjects)
    refused: set[str] = set()
    # DEEL-01: in step 1 only group level, no persons.
    if persons and case.step == 1:
        refused.add("DEEL-01")
    # DEEL-02: persons only from step 2, with a coordinator and an agreed namenlijst.
    if persons and not (case.step >= 2 and case.coordinator and case.namenlijst):
        refused.add("DEEL-02")
    # NAAM-01: a provision about persons is about people on the namenlijst in force on its
    # date (without any namenlijst, DEEL-02 refuses it already).
    if persons and case.namenlijst and not set(request.subjects) <= case.on_namenlijst:
        refused.add("NAAM-01")
    # DEEL-03: no criminal information from the OM in step 2.
    if case.step == 2 and request.provider == OM and CRIMINAL in request.categories:
        refused.add("DEEL-03")
    # DEEL-04: a special category goes only to a recipient the matrix explicitly names for
    # it; read as: the matrix cell for this very provision (provider, step, purpose and
    # article included). Outside a convenant: only on a basis of the provider that carries
    # every special category.
    special = [cat for cat in request.categories if cat in SPECIAL]
    if convenant is None:
        basis = usable_basis(request)
        if special and (basis is None or not set(special) <= basis.special):
            refused.add("DEEL-04")
    elif special and not all(
        _matrix_allows(convenant, request, to, cat, case.step)
        for to in request.recipients
        for cat in special
    ):
        refused.add("DEEL-04")
    if convenant is not None:
        # DEEL-05: the version is in force on the date and signed (on or before that date)
        # by the providing party and by every receiving party.
        in_force = convenant.valid_from <= request.on and (
            convenant.valid_until is None or request.on <= convenant.valid_until
        )
        parties = {request.provider, *request.recipients}
        signed = all(
            party in convenant.signed and convenant.signed[party] <= request.on for party in parties
        )
        if not (in_force and signed):
            refused.add("DEEL-05")
        # DEEL-06: the purpose is one of the convenant's purposes.
        if request.purpose not in convenant.purposes:
            refused.add("DEEL-06")
        # DEEL-08: every category to every recipient is covered by the matrix.
        if not all(
            _matrix_allows(convenant, request, to, cat, case.step)
            for to in request.recipients
            for cat in request.categories
        ):
            refused.add("DEEL-08")
        # DEEL-10: the police cite their besluit, the OM its Wjsg instrument: one of their
        # own in this version, of that kind, dated on or before the provision. Whoever cites
        # an instrument cites one that exists (theirs, dated by then).
        own = {i.id: i for i in convenant.instruments.get(request.provider, ())}
        cited = own.get(request.instrument or "")
        needed = NEEDS.get(request.provider)
        if (needed is not None or request.instrument is not None) and not (
            cited is not None
            and cited.dated <= request.on
            and (needed is None or cited.kind == needed)
        ):
            refused.add("DEEL-10")
    # DEEL-07: what goes to the step-4 decision meeting is group level.
    if request.meeting is not None and persons and case.step == DECISION_MEETING_STEP:
        refused.add("DEEL-07")
    # DEEL-09: outside a convenant, a legal basis of the policy's the provider may use (to
    # these recipients), and the necessity.
    if convenant is None:
        basis = usable_basis(request)
        reaches = basis is not None and (
            not basis.recipients or set(request.recipients) <= basis.recipients
        )
        if not (reaches and request.necessity.strip()):
            refused.add("DEEL-09")
    # DOEL-01: whoever passes on another's data names the provision it came in; these
    # requests never name one (tests/integration/test_onward_use.py covers sources).
    if any(FIRST_HAND.get(cat, request.provider) != request.provider for cat in request.categories):
        refused.add("DOEL-01")
    return refused


def known_divergence(request: Request, case: Case) -> bool:
    """Where the engine departs from the rule text. None now: DEEL-07 once applied to
    meetings at any step (fixed; the regression test below shows it)."""
    del request, case
    return False


# -- translating the test's model into the engine's and the ledger's terms ---------------


def content_of(convenant: Convenant) -> dict[str, Any]:
    """The content dict as ``load_convenant`` returns it (JSON values)."""
    return {
        "name": "Testconvenant",
        "valid_from": convenant.valid_from.isoformat(),
        "valid_until": convenant.valid_until.isoformat() if convenant.valid_until else None,
        "purpose": [{"key": p, "label": f"Doel {p}"} for p in convenant.purposes],
        "party": [
            {
                "organisation": p,
                "role": "kernpartner",
                "legal_basis": ["AVG art. 6(1)(e)"],
                "instrument": [
                    {
                        "kind": i.kind,
                        "id": i.id,
                        "date": i.dated.isoformat(),
                        "version": "1",
                        "scope": "Test",
                    }
                    for i in convenant.instruments.get(p, ())
                ],
            }
            for p in convenant.parties
        ],
        "share": [
            {
                "article": row.article,
                "from": row.provider,
                "to": list(row.recipients),
                "categories": list(row.categories),
                "from_step": row.from_step,
                "purposes": list(row.purposes),
            }
            for row in convenant.rows
        ],
    }


def toml_of(convenant: Convenant) -> str:
    """The convenant as the TOML file `regie convenant add --file` takes."""

    def s(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    content = content_of(convenant)
    lines = [f"name = {s(content['name'])}", f"valid_from = {content['valid_from']}"]
    if content["valid_until"]:
        lines.append(f"valid_until = {content['valid_until']}")
    for p in content["purpose"]:
        lines += ["", "[[purpose]]", f"key = {s(p['key'])}", f"label = {s(p['label'])}"]
    for p in content["party"]:
        lines += [
            "",
            "[[party]]",
            f"organisation = {s(p['organisation'])}",
            f"role = {s(p['role'])}",
            f"legal_basis = {s(p['legal_basis'])}",
        ]
        for i in p["instrument"]:
            lines += ["", "[[party.instrument]]"]
            lines += [f"{k} = {s(i[k])}" for k in ("kind", "id", "version", "scope")]
            lines.append(f"date = {i['date']}")
    for row in content["share"]:
        lines += ["", "[[share]]"]
        lines += [f"{k} = {s(row[k])}" for k in ("article", "from", "to", "categories")]
        lines += [f"from_step = {row['from_step']}", f"purposes = {s(row['purposes'])}"]
    return "\n".join(lines) + "\n"


def engine_context(request: Request, case: Case, convenant: Convenant | None) -> Context:
    policies = POLICIES
    return Context(
        request=ShareRequest(
            from_org=request.provider,
            to_orgs=request.recipients,
            subjects=request.subjects,
            categories=request.categories,
            purpose=request.purpose,
            on=request.on.isoformat(),
            convenant="jga-test" if convenant is not None else None,
            convenant_version=1 if convenant is not None else None,
            article=request.article if convenant is not None else None,
            legal_basis=request.legal_basis,
            necessity=request.necessity,
            meeting=request.meeting,
            instrument=request.instrument if convenant is not None else None,
        ),
        case=CaseFacts(
            step=case.step,
            coordinator=case.coordinator,
            namenlijst=case.namenlijst,
            on_namenlijst=case.on_namenlijst,
        ),
        convenant=(
            ConvenantFacts(
                content=content_of(convenant),
                signed={p: d.isoformat() for p, d in convenant.signed.items()},
            )
            if convenant is not None
            else None
        ),
        special_categories=policies.special_categories,
        om_organisation=policies.sharing.om_organisation,
        criminal_category=policies.sharing.criminal_category,
        origins=policies.sharing.origin,
        instrument_kinds=tuple(policies.sharing.instrument_kind),
        ad_hoc_bases=tuple(policies.sharing.ad_hoc_basis),
    )


POLICIES = load_policies()

# -- strategies -------------------------------------------------------------------------------

ORGS = ("gemeente", "politie", OM, "jongerenwerk", "zvh")
OUTSIDERS = ("veilig-thuis",)  # a known organisation that is never a party
CATEGORIES = (
    "identificatie",
    "groepspositie",
    "politie-informatie",
    "school",
    *sorted(SPECIAL),
)
PURPOSES = ("groepsaanpak", "signalering", "nazorg")
MEETINGS = ("ketenoverleg", "driehoek")
SUBJECTS = ("a", "b", "former")
DAY0 = date(2026, 1, 1)  # well before the tests' fixed clock (2026-11-22)


def day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)


def mostly(value: Any, *others: Any) -> st.SearchStrategy[Any]:
    """Usually ``value`` (hypothesis favours the first choice), else one of ``others``."""
    return st.sampled_from((value, value, *others))


def subsets(items: tuple[str, ...] | list[str]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(items), min_size=1, max_size=len(items), unique=True).map(tuple)


def some_of(items: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """Zero or more of ``items``, each at most once."""
    if not items:
        return st.just([])
    return st.lists(st.sampled_from(items), max_size=len(items), unique=True)


@st.composite
def matrix_rows(draw: st.DrawFn, parties: tuple[str, ...], purposes: tuple[str, ...]) -> Row:
    return Row(
        article=f"art. {draw(st.integers(1, 12))}",
        provider=draw(st.sampled_from(parties)),
        recipients=draw(subsets(parties)),
        categories=draw(subsets(CATEGORIES)),
        from_step=draw(st.integers(1, 7)),
        purposes=draw(subsets(purposes)),
    )


@st.composite
def instruments_of(draw: st.DrawFn, party: str) -> tuple[Instrument, ...]:
    """Mostly the instrument the party needs, dated at the start; sometimes none, another
    kind, or one dated later."""
    kinds = [NEEDS[party]] if party in NEEDS else []
    if kinds and not draw(mostly(True, False), label=f"{party} has its instrument"):
        kinds = []
    if draw(mostly(False, True), label=f"{party} has another instrument"):
        kinds.append(draw(st.sampled_from(KINDS)))
    return tuple(
        Instrument(kind, f"{party.upper()}-{n}", day(draw(mostly(0, 40, 150))))
        for n, kind in enumerate(kinds)
    )


@st.composite
def convenants(draw: st.DrawFn) -> Convenant:
    parties = draw(subsets(ORGS).filter(lambda p: len(p) >= 2))
    purposes = draw(subsets(PURPOSES))
    rows = tuple(draw(st.lists(matrix_rows(parties, purposes), min_size=1, max_size=5)))
    valid_from = day(draw(mostly(0, 30, 60)))
    until = draw(st.none() | st.integers(0, 150))
    valid_until = None if until is None else valid_from + timedelta(days=until)
    signed = {
        party: day(offset)
        for party in parties
        if (offset := draw(st.sampled_from((0, 0, 0, 20, None, 80)), label=party)) is not None
    }
    instruments = {party: draw(instruments_of(party)) for party in parties}
    return Convenant(parties, purposes, rows, valid_from, valid_until, signed, instruments)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    namenlijst = draw(st.booleans())
    return Case(
        step=draw(st.integers(1, 7)),
        coordinator=draw(st.booleans()),
        namenlijst=namenlijst,
        on_namenlijst=frozenset(draw(some_of(SUBJECTS))) if namenlijst else frozenset(),
    )


def first_good_day(convenant: Convenant, parties: set[str]) -> date:
    """The first day the convenant is in force and signed by all of ``parties`` (if ever)."""
    signed = [convenant.signed.get(p, day(999)) for p in parties]
    return max(convenant.valid_from, *signed)


@st.composite
def requests(
    draw: st.DrawFn, convenant: Convenant, step: int, subjects: tuple[str, ...] = SUBJECTS
) -> Request:
    """Mostly shaped after a matrix row that applies at ``step``, on a day the convenant is
    in force and signed (so that many pass); otherwise anything."""
    rows = [r for r in convenant.rows if r.from_step <= step] or list(convenant.rows)
    after_a_row = bool(rows) and draw(mostly(True, False), label="after a matrix row")
    if after_a_row:
        row = draw(st.sampled_from(rows))
        provider, recipients = row.provider, draw(subsets(row.recipients))
        categories = draw(subsets(row.categories))
        purpose = draw(st.sampled_from(row.purposes))
        good_day = first_good_day(convenant, {provider, *recipients})
        on = draw(st.sampled_from([good_day, good_day + timedelta(days=1), day(0), day(200)]))
        article = draw(mostly(row.article, *{r.article for r in convenant.rows}, "art. 99"))
    else:
        provider = draw(st.sampled_from(ORGS + OUTSIDERS))
        recipients = draw(subsets(ORGS + OUTSIDERS))
        categories = draw(subsets(CATEGORIES))
        purpose = draw(st.sampled_from((*PURPOSES, "iets-anders")))
        on = day(draw(st.integers(0, 200)))
        article = draw(st.sampled_from([r.article for r in convenant.rows] or ["art. 1"]))
    under_convenant = draw(mostly(True, False), label="under the convenant")
    instrument = None
    if under_convenant:
        legal_basis, necessity = None, "Nodig voor het plan van aanpak"
        own = [i.id for i in convenant.instruments.get(provider, ())]
        if provider in NEEDS:
            instrument = draw(mostly(own[0] if own else None, None, "ONBEKEND-1", *own))
        else:
            instrument = draw(mostly(None, "ONBEKEND-1", *own))
    else:
        usable = sorted(k for k, b in BASES.items() if provider in b.providers)
        legal_basis = draw(
            mostly(*(usable or [None]), *BASES, "omdat het moet", None, "", "   "),
            label="legal basis",
        )
        necessity = draw(mostly("Acute zorg over de thuissituatie", "", "  "))
    return Request(
        provider=provider,
        recipients=tuple(sorted(set(recipients))),
        subjects=tuple(draw(some_of(subjects))),
        categories=tuple(sorted(set(categories))),
        purpose=purpose,
        on=min(on, day(200)),
        under_convenant=under_convenant,
        legal_basis=legal_basis,
        necessity=necessity,
        meeting=draw(st.none() | st.sampled_from(MEETINGS)),
        article=article,
        instrument=instrument,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Request, Case, Convenant]:
    convenant = draw(convenants())
    case = draw(cases())
    return draw(requests(convenant, case.step)), case, convenant


# -- a) the engine alone -------------------------------------------------------------------


def engine_refusals(request: Request, case: Case, convenant: Convenant | None) -> list[str]:
    verdict = evaluate(POLICIES.sharing, engine_context(request, case, convenant))
    for refusal in verdict.refusals:
        assert (refusal.text, refusal.source) == RULE_TEXTS[refusal.rule]
    return [r.rule for r in verdict.refusals]


def test_the_policy_names_the_special_categories_of_the_issue() -> None:
    assert POLICIES.special_categories == SPECIAL
    assert POLICIES.sharing.om_organisation == OM
    assert POLICIES.sharing.criminal_category == CRIMINAL
    assert sorted(RULE_TEXTS) == [
        *(f"DEEL-{n:02}" for n in range(1, 11)),
        *(f"DOEL-0{n}" for n in range(1, 4)),
        "NAAM-01",
    ]
    assert {org: POLICIES.sharing.needed_instrument(org) for org in (*ORGS, *OUTSIDERS)} == {
        org: next((k for k in POLICIES.sharing.instrument_kind if k.key == NEEDS[org]), None)
        if org in NEEDS
        else None
        for org in (*ORGS, *OUTSIDERS)
    }


def _example(step: int, **changes: Any) -> tuple[Request, Case, Convenant]:
    """A share politie -> gemeente that every rule allows at step 3, then ``changes``."""
    convenant = Convenant(
        parties=("gemeente", "politie", OM),
        purposes=("groepsaanpak",),
        rows=(
            Row("art. 6", "politie", ("gemeente",), ("groepspositie", "bsn"), 2, ("groepsaanpak",)),
            Row("art. 7", OM, ("gemeente",), (CRIMINAL,), 2, ("groepsaanpak",)),
        ),
        valid_from=day(0),
        valid_until=day(100),
        signed={"gemeente": day(0), "politie": day(5), OM: day(0)},
        instruments={
            "politie": (
                Instrument("wpg-art-20-besluit", "POLITIE-0", day(3)),
                Instrument("wpg-art-20-besluit", "POLITIE-LATER", day(50)),
            ),
            OM: (Instrument("wjsg", "OM-0", day(0)),),
        },
    )
    request = Request(
        provider="politie",
        recipients=("gemeente",),
        subjects=("a",),
        categories=("groepspositie",),
        purpose="groepsaanpak",
        on=day(5),
        under_convenant=True,
        legal_basis=None,
        necessity="Nodig voor het plan van aanpak",
        meeting=None,
        instrument="POLITIE-0",
    )
    if "article" not in changes:  # the article of the provider's row
        changes["article"] = "art. 7" if changes.get("provider") == OM else "art. 6"
    if "instrument" not in changes:  # the provider's own, if it needs one
        changes["instrument"] = {"politie": "POLITIE-0", OM: "OM-0"}.get(
            changes.get("provider", "politie")
        )
    return replace(request, **changes), Case(step, True, True, frozenset({"a"})), convenant


PINNED = [
    (_example(3), set()),
    (_example(3, on=day(4)), {"DEEL-05"}),  # politie signs on day 5
    (_example(3, on=day(100)), set()),  # valid_until is inclusive
    (_example(3, on=day(101)), {"DEEL-05"}),  # expired the day before
    (_example(3, purpose="nazorg"), {"DEEL-06", "DEEL-08"}),
    (_example(1), {"DEEL-01", "DEEL-02", "DEEL-08"}),  # persons in step 1; row from step 2
    (_example(1, subjects=()), {"DEEL-08"}),
    (_example(2, provider=OM, categories=(CRIMINAL,), subjects=()), {"DEEL-03"}),
    (_example(3, provider=OM, categories=(CRIMINAL,)), set()),
    (_example(3, recipients=("gemeente", OM), categories=("bsn",)), {"DEEL-04", "DEEL-08"}),
    (_example(3, recipients=("gemeente", "zvh")), {"DEEL-05", "DEEL-08"}),  # zvh: no party
    (_example(4, meeting="driehoek"), {"DEEL-07"}),
    (_example(4, meeting="driehoek", subjects=()), set()),
    (_example(3, under_convenant=False, legal_basis="wpg-art-19"), set()),
    (_example(3, under_convenant=False, legal_basis=" ", necessity="n"), {"DEEL-09"}),
    (_example(3, under_convenant=False, legal_basis="wpg-art-19", necessity=" "), {"DEEL-09"}),
    # A free-text basis, or one the police may not use, is no basis of its own.
    (_example(3, under_convenant=False, legal_basis="omdat het moet"), {"DEEL-09"}),
    (_example(3, under_convenant=False, legal_basis="avg-9-2-c-vitaal-belang"), {"DEEL-09"}),
    (
        _example(3, under_convenant=False, legal_basis="b", categories=("bsn",)),
        {"DEEL-04", "DEEL-09"},
    ),
    # Special categories ad hoc: only on a basis that carries them.
    (_example(3, under_convenant=False, legal_basis="wpg-art-19", categories=("bsn",)), set()),
    (
        _example(3, under_convenant=False, legal_basis="wpg-art-19", categories=(CRIMINAL,)),
        {"DEEL-04", "DOEL-01"},  # the OM's data, passed on by the police
    ),
    (
        _example(
            3,
            under_convenant=False,
            provider="gemeente",
            recipients=("veilig-thuis",),
            categories=("zorg-en-gezondheid",),
            legal_basis="avg-9-2-c-vitaal-belang",
        ),
        set(),
    ),
    (
        _example(
            3,
            under_convenant=False,
            provider="gemeente",
            recipients=("zvh",),
            categories=("zorg-en-gezondheid", CRIMINAL),
            legal_basis="avg-9-2-g-uavg",
        ),
        {"DOEL-01"},  # the OM's criminal information: passed on, it names its source
    ),
    (  # the meldrecht reaches Veilig Thuis only
        _example(
            3,
            under_convenant=False,
            provider="gemeente",
            legal_basis="wmo-5-2-6-veilig-thuis",
        ),
        {"DEEL-09"},
    ),
    # Instruments: the police cite their besluit, dated by the provision; the OM its own.
    (_example(3, instrument=None), {"DEEL-10"}),
    (_example(3, instrument="OM-0"), {"DEEL-10"}),
    (_example(3, instrument="POLITIE-LATER"), {"DEEL-10"}),
    (_example(3, instrument="POLITIE-LATER", on=day(50)), set()),
    (_example(3, provider=OM, categories=(CRIMINAL,), instrument=None), {"DEEL-10"}),
    # The matrix is read in the cited article only.
    (_example(3, article="art. 7"), {"DEEL-08"}),
    (_example(3, article="art. 7", categories=("bsn",)), {"DEEL-04", "DEEL-08"}),
    (_example(3, subjects=("a", "b")), {"NAAM-01"}),  # b is not on the namenlijst in force
    (_example(3, subjects=("b",), under_convenant=False, legal_basis="wpg-art-19"), {"NAAM-01"}),
    (_example(1, subjects=("b",)), {"DEEL-01", "DEEL-02", "DEEL-08", "NAAM-01"}),
]


@pytest.mark.parametrize(("scenario", "expected"), PINNED)
def test_pinned_examples_of_each_rule(
    scenario: tuple[Request, Case, Convenant], expected: set[str]
) -> None:
    request, case, convenant = scenario
    cited = convenant if request.under_convenant else None
    assert refusing_rules(request, case, cited) == expected
    assert engine_refusals(request, case, cited) == sorted(expected)


@settings(max_examples=500, deadline=None)
@given(scenario=scenarios())
def test_the_engine_refuses_exactly_what_the_rules_refuse(
    scenario: tuple[Request, Case, Convenant],
) -> None:
    request, case, convenant = scenario
    assume(not known_divergence(request, case))
    cited = convenant if request.under_convenant else None
    expected = refusing_rules(request, case, cited)
    refused = engine_refusals(request, case, cited)
    event("allowed" if not expected else f"{len(expected)} rule(s) refuse")
    for rule in expected:
        event(f"refused by {rule}")
    # Every refusing rule reported once, in the order of the rule file.
    assert refused == sorted(expected), (request, case, cited)


def test_persons_may_be_shared_into_a_meeting_outside_step_4() -> None:
    convenant = Convenant(
        parties=("gemeente", "politie"),
        purposes=("groepsaanpak",),
        rows=(Row("art. 6", "politie", ("gemeente",), ("groepspositie",), 2, ("groepsaanpak",)),),
        valid_from=day(0),
        valid_until=None,
        signed={"gemeente": day(0), "politie": day(0)},
        instruments={"politie": (Instrument("wpg-art-20-besluit", "B-1", day(0)),)},
    )
    request = Request(
        provider="politie",
        recipients=("gemeente",),
        subjects=("a",),
        categories=("groepspositie",),
        purpose="groepsaanpak",
        on=day(10),
        under_convenant=True,
        legal_basis=None,
        necessity="Nodig voor het beeld",
        meeting="ketenoverleg",
        article="art. 6",
        instrument="B-1",
    )
    case = Case(step=3, coordinator=True, namenlijst=True, on_namenlijst=frozenset({"a"}))
    assert refusing_rules(request, case, convenant) == set()
    assert engine_refusals(request, case, convenant) == []


def test_persons_into_the_step_4_decision_meeting_are_refused_by_deel_07() -> None:
    convenant = Convenant(
        parties=("gemeente", "politie"),
        purposes=("groepsaanpak",),
        rows=(Row("art. 6", "politie", ("gemeente",), ("groepspositie",), 2, ("groepsaanpak",)),),
        valid_from=day(0),
        valid_until=None,
        signed={"gemeente": day(0), "politie": day(0)},
        instruments={"politie": (Instrument("wpg-art-20-besluit", "B-1", day(0)),)},
    )
    request = Request(
        provider="politie",
        recipients=("gemeente",),
        subjects=("a",),
        categories=("groepspositie",),
        purpose="groepsaanpak",
        on=day(10),
        under_convenant=True,
        legal_basis=None,
        necessity="Nodig voor het besluit",
        meeting="driehoek",
        article="art. 6",
        instrument="B-1",
    )
    case = Case(step=4, coordinator=True, namenlijst=True, on_namenlijst=frozenset({"a"}))
    assert engine_refusals(request, case, convenant) == ["DEEL-07"]
    group_level = Request(**{**request.__dict__, "subjects": ()})
    assert engine_refusals(group_level, case, convenant) == []


# -- b) through the ledger, on SQLite and PostgreSQL ---------------------------------------

OFFICER = "privacy-test"
KEY = "jga-test"


@dataclass(frozen=True)
class Setup:
    """A case as the test builds it, on dated days (offsets from DAY0); the oracle reads
    these facts, as of a request's date, not the aggregate (decision 0030)."""

    step: int  # today's
    step_days: tuple[int, ...]  # the day it entered step 2, 3, ... (non-decreasing)
    coordinator_day: int | None
    members_day: int | None  # a, b and 'former' join on this day (person level only)
    lists: tuple[tuple[int, frozenset[str]], ...]  # namenlijst versions: day, subjects
    former_day: int | None  # 'former' leaves the group

    @property
    def person_level(self) -> bool:
        return self.members_day is not None

    def on(self, when: date) -> Case:
        """The case on ``when``: from the days things took effect, nothing else."""
        offset = (when - DAY0).days
        step = 1 + sum(1 for d in self.step_days if d <= offset)
        coordinator = self.coordinator_day is not None and self.coordinator_day <= offset
        joined = (
            frozenset(SUBJECTS)
            if self.members_day is not None and self.members_day <= offset
            else frozenset()
        )
        in_force = [subjects for d, subjects in self.lists if d <= offset]
        return Case(
            step,
            coordinator,
            bool(in_force),
            in_force[-1] & joined if in_force else frozenset(),
        )


@st.composite
def setups(draw: st.DrawFn) -> Setup:
    step = draw(st.integers(1, 7))
    step_days = tuple(
        sorted(draw(st.lists(st.integers(0, 200), min_size=step - 1, max_size=step - 1)))
    )
    # Leaving step 2 needs a coordinator; before that one is optional.
    latest = step_days[1] if step >= 3 else 200
    coordinator_day = (
        draw(st.integers(-10, latest), label="coordinator")
        if step >= 3 or draw(st.booleans(), label="coordinator at all")
        else None
    )
    members_day = None
    lists: list[tuple[int, frozenset[str]]] = []
    former_day = None
    if step >= 2 and coordinator_day is not None:
        members_day = draw(st.integers(max(step_days[0], coordinator_day), 200), label="members")
        last = members_day
        if draw(st.booleans(), label="namenlijst"):
            first = frozenset(draw(st.sampled_from((("a", "former"), ("a", "b", "former")))))
            last = draw(st.integers(members_day, 200), label="namenlijst v1")
            lists.append((last, first))
            if "b" not in first and draw(st.booleans(), label="b added"):
                lists.append((draw(st.integers(last, 200), label="v2"), first | {"b"}))
        former_day = draw(st.integers(last, 200), label="former leaves")
    return Setup(step, step_days, coordinator_day, members_day, tuple(lists), former_day)


@st.composite
def ledger_scenarios(draw: st.DrawFn) -> tuple[Setup, Convenant, list[Request]]:
    setup = draw(setups())
    convenant = draw(convenants())
    # Members exist only at person level. Where the engine departs from the rule text (see
    # known_divergence; the xfail test shows it), the request goes to no meeting instead.
    pool = SUBJECTS if setup.person_level else ()
    shares = draw(
        st.lists(
            requests(convenant, draw(st.integers(1, 7), label="step shaped after"), pool).map(
                lambda r: replace(r, meeting=None) if known_divergence(r, setup.on(r.on)) else r
            ),
            min_size=1,
            max_size=6,
        )
    )
    if draw(mostly(False, True), label="one about a stranger"):
        # A subject who is no member of the case: bad input, nothing recorded.
        stranger = replace(draw(st.sampled_from(shares)), subjects=("stranger",))
        shares.insert(draw(st.integers(0, len(shares))), stranger)
    return setup, convenant, shares


OPENED = -10  # the case opens ten days before DAY0, before every request


def build_case(ledger: Ledger, clock: FixedClock, setup: Setup) -> tuple[str, dict[str, str]]:
    """The case of ``setup``, each thing recorded on its day (in day order), with members
    a, b and former member 'former'; the clock is back on its fixed day afterwards."""
    app, persons = ledger.app, ledger.persons
    by = app.acting(b.REGISSEUR, "regisseur")
    today = clock()
    clock.set(day(OPENED))
    ref = b.open_case(ledger, by)
    ledger.cases.record_signal(b.signal(ref), by)
    refs = {}
    for label in (*SUBJECTS, "stranger"):
        refs[label] = persons.register(
            c.build(
                c.RegisterSubject,
                kind="jongere",
                name=f"Testpersoon {label.title()}",
                date_of_birth=date(2010, 3, 4),
            ),
            by,
        ).short
    # (day, order within a day, what): a coordinator before the step it allows, a step
    # before the members it allows, members before the list, the list before one leaves.
    plan: list[tuple[int, int, str, Any]] = []
    if setup.coordinator_day is not None:
        plan.append((setup.coordinator_day, 0, "designate", None))
    for n, d in enumerate(setup.step_days, start=2):
        plan.append((d, 1, "step", n))
    if setup.members_day is not None:
        plan.append((setup.members_day, 2, "members", None))
    for version, (d, subjects) in enumerate(setup.lists, start=1):
        plan.append((d, 3 + version, "list", (version, subjects)))
    if setup.former_day is not None:
        plan.append((setup.former_day, 9, "leave", None))
    for offset, _, what, arg in sorted(plan, key=lambda x: (x[0], x[1])):
        clock.set(day(offset))
        if what == "designate":
            ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
        elif what == "step":
            if arg == 5:
                ledger.cases.record_decision(b.decision(ref), by)
            if arg == 6:
                ledger.cases.set_plan(b.plan(ref, actions=2), by)
            ledger.cases.advance(b.advance(ref), by)
        elif what == "members":
            for label in SUBJECTS:
                ledger.group.add_member(
                    c.build(
                        c.Membership,
                        case=ref,
                        subject=refs[label],
                        core="kern",
                        influence="negatief",
                    ),
                    by,
                )
        elif what == "list" and arg[0] == 1:
            ledger.group.agree_namenlijst(
                c.build(
                    c.AgreeNamenlijst,
                    case=ref,
                    subjects=[refs[s] for s in sorted(arg[1])],
                    partners=["gemeente", "politie"],
                ),
                by,
            )
        elif what == "list":
            ledger.group.add_to_namenlijst(
                c.build(
                    AddToNamenlijst,
                    case=ref,
                    subject=refs["b"],
                    motivation="Later in beeld gekomen",
                    agreed_by=["gemeente", "politie"],
                ),
                by,
            )
        else:
            ledger.group.end_member(
                c.build(c.EndMembership, case=ref, subject=refs["former"], reason="verhuisd"), by
            )
    clock.set(today)
    assert app.case(ref).step == setup.step
    return ref, refs


def record_convenant(ledger: Ledger, convenant: Convenant, directory: Path) -> None:
    by = ledger.app.acting(b.REGISSEUR, "regisseur")
    path = directory / "convenant.toml"
    path.write_text(toml_of(convenant), encoding="utf-8")
    ledger.sharing.add_convenant(KEY, path, by)
    for party, signed_on in convenant.signed.items():
        ledger.sharing.sign_convenant(
            c.build(
                c.SignConvenant,
                convenant=KEY,
                party=party,
                signer="Test Ondertekenaar",
                signed_on=signed_on,
            ),
            by,
        )


def share_command(ref: str, request: Request, refs: dict[str, str]) -> c.RecordShare:
    values: dict[str, Any] = dict(
        case=ref,
        from_org=request.provider,
        to_orgs=list(request.recipients),
        subjects=[refs[s] for s in request.subjects],
        categories=list(request.categories),
        purpose=request.purpose,
        necessity=request.necessity,
        meeting=request.meeting,
        decided_on=request.on,
    )
    if request.under_convenant:
        values.update(convenant=KEY, article=request.article, instrument=request.instrument)
    else:
        values.update(legal_basis=request.legal_basis)
    return c.build(c.RecordShare, **values)


def bad_input(request: Request) -> bool:
    """Shapes the command refuses before any decision: nothing is recorded."""
    return (
        "stranger" in request.subjects
        or not request.necessity.strip()
        or (not request.under_convenant and usable_basis(request) is None)
    )


def unknown_article(request: Request, convenant: Convenant) -> bool:
    """An article the cited version's matrix does not have: refused, nothing written."""
    return request.under_convenant and request.article not in {r.article for r in convenant.rows}


def expected_row(share_id: str, ref: str, step: int, request: Request) -> tuple[Any, ...]:
    basis = (
        f"{KEY} v1 {request.article}" + (f", {request.instrument}" if request.instrument else "")
        if request.under_convenant
        else f"ad hoc: {(request.legal_basis or '').strip()}"
    )
    return (
        share_id,
        ref,
        step,
        request.on.isoformat(),
        request.provider,
        list(request.recipients),
        len(request.subjects),
        list(request.categories),
        request.purpose,
        request.meeting,
        basis,
        not request.under_convenant,
    )


def register_row(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["share_id"],
        row["case"],
        row["step"],
        row["decided_on"],
        row["from"],
        row["to"],
        row["subjects"],
        row["categories"],
        row["purpose"],
        row["meeting"],
        row["basis"],
        bool(row["ad_hoc"]),
    )


def case_state(ledger: Ledger, ref: str) -> tuple[Any, ...]:
    case = ledger.app.case(ref)
    return (
        case.version,
        case.step,
        case.status,
        case.coordinator,
        sorted(case.members.items()),
        sorted(case.former_members),
        case.namenlijst_version,
    )


def new_topics(ledger: Ledger, after: int) -> Counter[str]:
    notifications = ledger.app.recorder.select_notifications(after + 1, 100_000)
    return Counter(n.topic.rsplit(":", 1)[-1] for n in notifications)


def seed(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=OFFICER,
            display_name="Test Privacy Officer",
            organisation="gemeente",
            roles=["privacy-officer"],
        ),
        ledger.app.acting(b.ADMIN),
    )


VITAL_INTEREST = Request(
    provider="gemeente",
    recipients=("veilig-thuis",),
    subjects=("a",),
    categories=("zorg-en-gezondheid",),
    purpose="bescherming",
    on=day(10),
    under_convenant=False,
    legal_basis="avg-9-2-c-vitaal-belang",
    necessity="Levensgevaar",
    meeting=None,
)
JUDGED = (  # four ad-hoc provisions to judge, and a police one under the convenant
    Setup(3, (0, 0), 0, 0, ((0, frozenset({"a", "b"})),), None),  # from day 0 on
    Convenant(
        parties=("gemeente", "politie"),
        purposes=("groepsaanpak",),
        rows=(Row("art. 6", "politie", ("gemeente",), ("groepspositie",), 2, ("groepsaanpak",)),),
        valid_from=day(0),
        valid_until=None,
        signed={"gemeente": day(0), "politie": day(0)},
        instruments={"politie": (Instrument("wpg-art-20-besluit", "POLITIE-0", day(0)),)},
    ),
    [
        *(replace(VITAL_INTEREST, on=day(10 + n)) for n in range(4)),
        Request(
            "politie",
            ("gemeente",),
            ("b",),
            ("groepspositie",),
            "groepsaanpak",
            day(9),
            True,
            None,
            "Beeld",
            None,
            "art. 6",
            "POLITIE-0",
        ),
    ],
)


@settings(max_examples=18, deadline=None)
@given(scenario=ledger_scenarios())
@example(scenario=JUDGED)
def test_the_ledger_records_every_decision_as_the_rules_decide_and_nothing_else(
    database_kind: str, scenario: tuple[Setup, Convenant, list[Request]]
) -> None:
    setup, convenant, shares = scenario
    with fresh_database_url(database_kind) as url, TemporaryDirectory() as directory:
        clock = FixedClock()
        ledger = open_ledger(url, require_initialised=False, clock=clock)
        try:
            ledger.initialise()
            clock.set(day(OPENED))
            seed(ledger)
            clock.set(FixedClock().today)
            ref, refs = build_case(ledger, clock, setup)
            record_convenant(ledger, convenant, Path(directory))
            by = ledger.app.acting(b.REGISSEUR, "regisseur")
            providers = {
                org: b.provider(ledger, by, ref, org)
                for org in ORGS + OUTSIDERS
                if org != "gemeente"
            }
            conditions = sorted(ledger.policies.sharing.om_conditions)
            officer = ledger.app.acting(OFFICER, "privacy-officer")
            before_case = case_state(ledger, ref)
            before_convenant = ledger.sharing.convenant(KEY).version
            start = ledger.app.recorder.max_notification_id() or 0

            allowed: dict[str, tuple[Any, ...]] = {}
            answered: dict[str, tuple[str, str | None]] = {}
            refused: dict[str, list[str]] = {}
            requests = confirmed = 0
            for request in shares:
                expected = sorted(
                    refusing_rules(
                        request,
                        setup.on(request.on),
                        convenant if request.under_convenant else None,
                    )
                )
                mark = ledger.app.recorder.max_notification_id()
                provider = providers.get(request.provider)
                if bad_input(request):
                    with pytest.raises(BadInput):
                        command = share_command(ref, request, refs)
                        if provider is None:
                            ledger.sharing.record_share(command, by)
                        else:
                            ledger.sharing.request_share(command, by)
                    assert ledger.app.recorder.max_notification_id() == mark
                    event("bad input, nothing written")
                    continue
                command = share_command(ref, request, refs)
                if provider is not None:
                    with pytest.raises(Refused) as not_theirs:
                        ledger.sharing.record_share(command, by)
                    assert not_theirs.value.rule == "share.provider"
                    assert ledger.app.recorder.max_notification_id() == mark
                if unknown_article(request, convenant):
                    with pytest.raises(Refused) as no_article:
                        if provider is None:
                            ledger.sharing.record_share(command, by)
                        else:
                            ledger.sharing.request_share(command, by)
                    assert no_article.value.rule == "share.article"
                    assert ledger.app.recorder.max_notification_id() == mark
                    event("unknown article, nothing written")
                    continue
                try:
                    if provider is None:
                        share_id = ledger.sharing.record_share(command, by)
                        answering = (f"{b.REGISSEUR} (gemeente)", None)
                    else:
                        asked = command.model_copy(update={"om_conditions": conditions})
                        request_id = ledger.sharing.request_share(asked, by)
                        requests += 1
                        share_id = ledger.sharing.confirm_request(
                            c.build(AnswerRequest, request=request_id, on=request.on), provider
                        )
                        confirmed += 1
                        answering = (f"{provider.actor} ({request.provider})", b.REGISSEUR)
                except ShareRefused as exc:
                    assert expected, f"refused by {exc.rule}, the rules allow it: {request}"
                    assert exc.rule == ", ".join(expected)
                    refused[exc.share_id] = expected
                    event("refused")
                else:
                    assert not expected, f"allowed, the rules refuse it by {expected}: {request}"
                    step = setup.on(request.on).step  # the step on its date (0030)
                    allowed[share_id] = expected_row(share_id, ref, step, request)
                    answered[share_id] = answering
                    event("allowed" + (" on request" if provider else ""))

            everything = ledger.privacy.disclosures(officer)
            register = [r for r in everything if r["kind"] == "verstrekking"]
            # Every namenlijst version is in the register too: to its partners (0030).
            lists = [r for r in everything if r["kind"] == "namenlijst"]
            assert [(r["decided_on"], r["subjects"]) for r in lists] == [
                (day(d).isoformat(), len(subjects)) for d, subjects in setup.lists
            ]
            assert all(r["to"] == ["politie"] and r["from"] == "gemeente" for r in lists)
            assert {r["share_id"]: register_row(r) for r in register} == allowed
            assert {r["share_id"]: (r["answered_by"], r["requested_by"]) for r in register} == (
                answered
            )
            assert len(ledger.privacy.disclosures(officer, requests=True)) == requests - confirmed
            recorded_refusals = ledger.sharing.share_rows(outcome="geweigerd")
            assert {r["share_id"]: r["refused_by"] for r in recorded_refusals} == refused
            findings = Counter(f["kind"] for f in ledger.privacy.findings(officer))
            ad_hoc = sum(1 for row in allowed.values() if row[-1])
            assert findings["ad-hoc-te-beoordelen"] == ad_hoc
            assert findings["verstrekking-geweigerd"] == len(refused)
            assert findings["convenant-verlopen"] == findings["convenant-niet-ondertekend"] == 0
            assert findings["onrechtmatige-verstrekking"] == 0
            reviews, closed = judge_the_ad_hoc_provisions(ledger, officer, allowed)
            event(f"{reviews} reviewed, {closed} finding(s) closed")
            if scenario is JUDGED:  # lawful, unlawful (closed), not yet, lawful
                assert (reviews, closed) == (3, 1)

            # Nothing else changed: the case and the convenant are as they were, and the only
            # new events are the decisions and the privacy officer's two logged queries.
            assert case_state(ledger, ref) == before_case
            assert ledger.sharing.convenant(KEY).version == before_convenant
            assert new_topics(ledger, start) == +Counter(
                {
                    "Share.Decided": len(allowed) + len(refused),
                    "Verzoek.Requested": requests,
                    "Verzoek.Confirmed": confirmed,
                    "Share.Reviewed": reviews,
                    "Share.FindingClosed": closed,
                    "Access.Recorded": 4,
                }
            )
        finally:
            ledger.close()


def judge_the_ad_hoc_provisions(
    ledger: Ledger, officer: Any, allowed: dict[str, tuple[Any, ...]]
) -> tuple[int, int]:
    """The officer judges the ad-hoc provisions in turn lawful, unlawful, or not yet; of the
    unlawful ones every other finding is closed. Findings name exactly the unreviewed and
    the unlawful ones still open; a finding closes once, with the decision on a breach
    notification. Returns the number of reviews and of closed findings."""
    ad_hoc = sorted(share_id for share_id, row in allowed.items() if row[-1])
    verdicts = {s: ("rechtmatig", "onrechtmatig", None)[i % 3] for i, s in enumerate(ad_hoc)}
    for share_id, verdict in verdicts.items():
        if verdict is not None:
            review = c.build(ReviewShare, share=share_id, verdict=verdict, reason="Getoetst")
            ledger.sharing.review(review, officer)
    unlawful = [s for s, v in verdicts.items() if v == "onrechtmatig"]
    closing = unlawful[::2]
    for share_id in closing:
        mark = ledger.app.recorder.max_notification_id()
        undecided = c.build(CloseFinding, share=share_id, reason="Verwijderd")
        with pytest.raises(BadInput, match=r"AVG art\. 33"):
            ledger.sharing.close_finding(undecided, officer)
        assert ledger.app.recorder.max_notification_id() == mark
        decided = undecided.model_copy(update={"no_breach_notification": True})
        ledger.sharing.close_finding(decided, officer)
        with pytest.raises(Refused) as again:
            ledger.sharing.close_finding(decided, officer)
        assert again.value.rule == "share.finding-open"
    for share_id in [s for s, v in verdicts.items() if v != "onrechtmatig"][:1]:
        lawful = c.build(CloseFinding, share=share_id, reason="x", no_breach_notification=True)
        with pytest.raises(Refused) as none_open:
            ledger.sharing.close_finding(lawful, officer)
        assert none_open.value.rule == "share.finding-open"
    findings = ledger.privacy.findings(officer)
    waiting = {
        f["detail"].split()[2].rstrip(":") for f in findings if f["kind"] == "ad-hoc-te-beoordelen"
    }
    assert waiting == {s[:8] for s, v in verdicts.items() if v is None}
    still_open = {f["detail"].split()[1] for f in findings if f["kind"] == UNLAWFUL_PROVISION}
    assert still_open == {s[:8] for s in unlawful if s not in closing}
    rows = {r["share_id"]: r for r in ledger.sharing.share_rows()}
    assert {s: rows[s]["verdict"] for s in ad_hoc} == verdicts
    return sum(1 for v in verdicts.values() if v is not None), len(closing)
