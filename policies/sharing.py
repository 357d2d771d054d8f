"""The sharing policy engine: every verstrekking checked against rules that are data.

Each rule in ``sharing.toml`` names a *check* implemented here. The engine runs every rule
and returns all refusals (rule id and text), so a refused decision can be recorded with
every reason at once. Rule sets compose with "all of"; an empty set is an error, never a
silent "allow".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, model_validator

from policies.bases import AdHocBasis, InstrumentKind
from policies.model import _Strict
from policies.provenance import (
    SourceFacts,
    onward_names_its_source,
    purpose_compatible_or_assessed,
    source_received_by_provider,
)


@dataclass(frozen=True)
class ShareRequest:
    """What is to be provided; validated before it reaches the engine."""

    from_org: str
    to_orgs: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    purpose: str
    on: str  # ISO date
    convenant: str | None = None
    convenant_version: int | None = None
    article: str | None = None
    legal_basis: str | None = None
    necessity: str = ""
    meeting: str | None = None
    source: SourceFacts | None = None
    compatibility: bool = False
    """Whether a compatibility assessment (AVG art. 6(4)) is recorded with the request."""
    instrument: str | None = None  # the id of the provider's instrument it cites

    @property
    def ad_hoc(self) -> bool:
        return self.convenant is None


@dataclass(frozen=True)
class CaseFacts:
    """The case on the provision's date (``ledger/domain/case_on.py``), not today's."""

    step: int
    coordinator: bool
    namenlijst: bool
    on_namenlijst: frozenset[str] = frozenset()
    """The subjects of the namenlijst version in force who had joined the group by then."""


@dataclass(frozen=True)
class ConvenantFacts:
    """One convenant version as the engine sees it."""

    content: dict[str, Any]
    signed: dict[str, str] = field(default_factory=dict)  # party -> signed_on (ISO)

    @property
    def purposes(self) -> set[str]:
        return {p["key"] for p in self.content["purpose"]}

    def valid_on(self, day: str) -> bool:
        until = self.content.get("valid_until")
        return self.content["valid_from"] <= day and (until is None or day <= until)

    def signed_by(self, party: str, day: str) -> bool:
        signed_on = self.signed.get(party)
        return signed_on is not None and signed_on <= day

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(row["article"] for row in self.content["share"]))

    def instrument(self, party: str, instrument_id: str) -> dict[str, Any] | None:
        """The party's instrument of that id in this version (convenants recorded before
        instruments carry none)."""
        for p in self.content["party"]:
            if p["organisation"] == party:
                for instrument in p.get("instrument", []):
                    if instrument["id"] == instrument_id:
                        return dict(instrument)
        return None

    def allows(
        self,
        source: str,
        recipient: str,
        category: str,
        step: int,
        purpose: str,
        article: str | None = None,
    ) -> bool:
        """The matrix lets it through: rows of ``article`` only, when one is cited."""
        return any(
            (article is None or row["article"] == article)
            and row["from"] == source
            and recipient in row["to"]
            and category in row["categories"]
            and row["from_step"] <= step
            and purpose in row["purposes"]
            for row in self.content["share"]
        )


@dataclass(frozen=True)
class Context:
    request: ShareRequest
    case: CaseFacts
    convenant: ConvenantFacts | None
    special_categories: frozenset[str]
    om_organisation: str
    criminal_category: str
    origins: dict[str, str] = field(default_factory=dict)
    """Category -> the organisation that holds it first-hand (sharing.toml [origin])."""

    def received(self) -> tuple[str, ...]:
        """The categories the provider can only have received from someone else."""
        r = self.request
        return tuple(cat for cat in r.categories if self.origins.get(cat, r.from_org) != r.from_org)

    instrument_kinds: tuple[InstrumentKind, ...] = ()
    ad_hoc_bases: tuple[AdHocBasis, ...] = ()

    def basis(self) -> AdHocBasis | None:
        """The ad-hoc basis the request names, if it is one the provider may use."""
        r = self.request
        for basis in self.ad_hoc_bases:
            if basis.key == r.legal_basis and basis.open_to(r.from_org):
                return basis
        return None


Check = Callable[[Context], bool]
"""True when the request passes the check."""


def _group_level_in_step_1(c: Context) -> bool:
    return not (c.case.step == 1 and c.request.subjects)


def _persons_need_coordinator_and_namenlijst(c: Context) -> bool:
    if not c.request.subjects:
        return True
    return c.case.step >= 2 and c.case.coordinator and c.case.namenlijst


def _subjects_on_the_namenlijst(c: Context) -> bool:
    """Without any namenlijst in force DEEL-02 refuses; this rule asks who is on it."""
    if not c.request.subjects or not c.case.namenlijst:
        return True
    return all(s in c.case.on_namenlijst for s in c.request.subjects)


def _no_om_criminal_data_in_step_2(c: Context) -> bool:
    r = c.request
    return not (
        c.case.step == 2 and r.from_org == c.om_organisation and c.criminal_category in r.categories
    )


def _special_categories_named_explicitly(c: Context) -> bool:
    special = [cat for cat in c.request.categories if cat in c.special_categories]
    if not special:
        return True
    if c.convenant is None:  # ad hoc: the basis it rests on must carry the category
        basis = c.basis()
        return basis is not None and all(cat in basis.special_categories for cat in special)
    r = c.request
    return all(
        c.convenant.allows(r.from_org, to, cat, c.case.step, r.purpose, r.article)
        for cat in special
        for to in r.to_orgs
    )


def _convenant_valid_and_signed(c: Context) -> bool:
    if c.convenant is None:
        return True
    day = c.request.on
    parties = (c.request.from_org, *c.request.to_orgs)
    return c.convenant.valid_on(day) and all(c.convenant.signed_by(p, day) for p in parties)


def _purpose_of_the_convenant(c: Context) -> bool:
    return c.convenant is None or c.request.purpose in c.convenant.purposes


DECISION_STEP = 4


def _decision_meeting_group_level(c: Context) -> bool:
    """Only the step-4 decision meeting is anonymised; other meetings follow the matrix."""
    return not (c.request.meeting and c.request.subjects and c.case.step == DECISION_STEP)


def _covered_by_the_matrix(c: Context) -> bool:
    if c.convenant is None:
        return True
    r = c.request
    return all(
        c.convenant.allows(r.from_org, to, cat, c.case.step, r.purpose, r.article)
        for cat in r.categories
        for to in r.to_orgs
    )


def _ad_hoc_needs_basis_and_necessity(c: Context) -> bool:
    """A basis of the policy the provider may use, to these recipients, and a necessity."""
    r = c.request
    if not r.ad_hoc:
        return True
    basis = c.basis()
    return basis is not None and basis.reaches(r.to_orgs) and bool(r.necessity.strip())


def _instrument_cited(c: Context) -> bool:
    """Under a convenant, an organisation that needs an instrument cites one of the kind it
    needs, of its own party in that version, dated on or before the provision. An
    instrument cited by another organisation must exist too. Ad hoc: its own basis."""
    r = c.request
    if c.convenant is None:
        return True
    needed = next((k.key for k in c.instrument_kinds if r.from_org in k.required_for), None)
    if r.instrument is None:
        return needed is None
    instrument = c.convenant.instrument(r.from_org, r.instrument)
    return (
        instrument is not None
        and (needed is None or instrument["kind"] == needed)
        and instrument["date"] <= r.on
    )


CHECKS: dict[str, Check] = {
    "group-level-in-step-1": _group_level_in_step_1,
    "persons-need-coordinator-and-namenlijst": _persons_need_coordinator_and_namenlijst,
    "no-om-criminal-data-in-step-2": _no_om_criminal_data_in_step_2,
    "special-categories-named-explicitly": _special_categories_named_explicitly,
    "convenant-valid-and-signed": _convenant_valid_and_signed,
    "purpose-of-the-convenant": _purpose_of_the_convenant,
    "decision-meeting-group-level": _decision_meeting_group_level,
    "covered-by-the-matrix": _covered_by_the_matrix,
    "ad-hoc-needs-basis-and-necessity": _ad_hoc_needs_basis_and_necessity,
    "onward-names-its-source": lambda c: onward_names_its_source(c.request.source, c.received()),
    "source-received-by-provider": lambda c: source_received_by_provider(
        c.request.source, c.request.from_org, c.received(), c.request.subjects
    ),
    "purpose-compatible-or-assessed": lambda c: purpose_compatible_or_assessed(
        c.request.source, c.request.purpose, c.request.compatibility
    ),
    "instrument-cited": _instrument_cited,
    "subjects-on-the-namenlijst": _subjects_on_the_namenlijst,
}


class SharingRule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]*$")
    check: str
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known_check(self) -> SharingRule:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check '{self.check}'; known: {', '.join(sorted(CHECKS))}")
        return self


class SharingFile(_Strict):
    om_organisation: str
    criminal_category: str
    police_organisation: str = "politie"
    """Who the groepsscan request (with the namenlijst) goes to and who delivers the scan:
    both are provisions in the register of disclosures (decision 0030)."""
    om_conditions: dict[str, str] = Field(default_factory=dict)
    """The OM's conditions for providing criminal information (000 L2056-2064), by key:
    a request for it records them, and the OM's confirmation without them is refused."""
    origin: dict[str, str] = Field(default_factory=dict)
    """Category -> the organisation that holds it first-hand: anyone else providing it passes
    on what it received, so names the provision it received it in (rule DOEL-01)."""
    plan_purpose: str = "groepsaanpak"
    """What a plan van aanpak uses data for: a provision used in the plan
    (`regie action reuse`) received for another purpose needs an assessment (DOEL-03)."""
    instrument_kind: list[InstrumentKind] = Field(default_factory=list)
    """Which organisation needs which kind of instrument to provide under a convenant."""
    ad_hoc_basis: list[AdHocBasis] = Field(default_factory=list)
    """The legal bases a provision outside the convenant may name, by key."""
    rule: list[SharingRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SharingFile:
        ids = [r.id for r in self.rule]
        if len(ids) != len(set(ids)):
            raise ValueError("two rules share an id")
        for what, keys in (
            ("instrument kinds", [k.key for k in self.instrument_kind]),
            ("ad-hoc bases", [b.key for b in self.ad_hoc_basis]),
        ):
            if len(keys) != len(set(keys)):
                raise ValueError(f"two {what} share a key")
        needing = [org for k in self.instrument_kind for org in k.required_for]
        if len(needing) != len(set(needing)):
            raise ValueError("an organisation needs one kind of instrument, not two")
        return self

    def bases_for(self, organisation: str) -> list[str]:
        """The keys of the ad-hoc bases an organisation may name."""
        return [b.key for b in self.ad_hoc_basis if b.open_to(organisation)]

    def citation(self, legal_basis: str) -> str:
        """An ad-hoc basis as a letter names it: its articles; a basis recorded as free text
        (before the bases were policy data) as it was written."""
        return next((b.citation for b in self.ad_hoc_basis if b.key == legal_basis), legal_basis)

    def needed_instrument(self, organisation: str) -> InstrumentKind | None:
        return next((k for k in self.instrument_kind if organisation in k.required_for), None)


def check_bases(
    sharing: SharingFile, organisations: frozenset[str], categories: frozenset[str]
) -> list[tuple[str, str]]:
    """Instruments and ad-hoc bases name known organisations and categories: (key, problem)."""
    problems = []
    for i, kind in enumerate(sharing.instrument_kind):
        for org in kind.required_for:
            if org not in organisations:
                problems.append(
                    (f"instrument_kind[{i}].required_for", f"unknown organisation '{org}'")
                )
    for i, basis in enumerate(sharing.ad_hoc_basis):
        for field_name in ("organisations", "recipients"):
            for org in getattr(basis, field_name):
                if org not in organisations:
                    problems.append(
                        (f"ad_hoc_basis[{i}].{field_name}", f"unknown organisation '{org}'")
                    )
        for category in basis.special_categories:
            if category not in categories:
                problems.append(
                    (f"ad_hoc_basis[{i}].special_categories", f"unknown category '{category}'")
                )
    return problems


@dataclass(frozen=True)
class Refusal:
    rule: str
    text: str
    source: str


@dataclass(frozen=True)
class Verdict:
    refusals: tuple[Refusal, ...]

    @property
    def allowed(self) -> bool:
        return not self.refusals


def evaluate(rules: SharingFile, context: Context) -> Verdict:
    """All of the rules; every failing rule is reported."""
    if not rules.rule:
        raise ValueError("an empty sharing rule set allows nothing")
    return Verdict(
        tuple(
            Refusal(rule.id, rule.text, rule.source)
            for rule in rules.rule
            if not CHECKS[rule.check](context)
        )
    )
