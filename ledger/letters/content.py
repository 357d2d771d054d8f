"""What a letter under the information duty says (AVG art. 14), gathered from the ledger.

Everything here is about the processing, not the person: which organisations are
controllers and how to reach them, purposes, legal bases, categories, sources,
recipients and retention. Names and addresses are added only when rendering.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.application import Regie
from ledger.domain.case import Case
from ledger.domain.share import PROVIDED
from ledger.domain.subject import Subject
from ledger.durations import Duration
from ledger.persons.service import Persons, registration_org
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.group_disclosures import GROEPSSCAN, group_disclosures
from ledger.sharing.service import Sharing
from policies.retention import RetentionClass

MEMBERSHIP_CATEGORY = "groepspositie"
"""Being a member of a group case means the ledger holds the youth's group position."""


@dataclass(frozen=True)
class Controller:
    organisation: str
    name: str
    contact: str
    legal_basis: tuple[str, ...]


@dataclass
class LetterFacts:
    """The art. 14 elements for one youth, in plain Dutch phrases, without personal data."""

    reference: str
    letter_date: date
    sender: str
    controllers: list[Controller]
    fg_contact: str
    purposes: list[str]
    legal_bases: list[str]
    categories: list[str]
    sources: list[str]
    recipients: list[str]
    retention: list[str]
    authority_contact: str
    exercise_rights: str
    exercise_rights_youth: str
    convenants: list[str] = field(default_factory=list)
    checkpoint: str = ""
    """The ledger's checkpoint when the letter was made (ledger/audit/document.py)."""


def duration_words(term: Duration) -> str:
    """A duration in Dutch words: P2Y6M is '2 jaar en 6 maanden'."""
    parts = []
    for amount, one, many in (
        (term.years, "jaar", "jaar"),
        (term.months, "maand", "maanden"),
        (term.weeks, "week", "weken"),
        (term.days, "dag", "dagen"),
    ):
        if amount:
            parts.append(f"{amount} {one if amount == 1 else many}")
    if not parts:
        return "0 dagen"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _term(text: str) -> Duration:
    return Duration() if text == "P0D" else Duration.parse(text)


def retention_criterion(rc: RetentionClass) -> str:
    """One retention class as a sentence: what, how long, from when."""
    term = _term(rc.term)
    words = duration_words(term)
    if rc.start == "agreed-at-step-7":
        bounds = ""
        if rc.min_term and rc.max_term:
            bounds = (
                f", tussen {duration_words(_term(rc.min_term))} en "
                f"{duration_words(_term(rc.max_term))}"
            )
        return (
            f"{rc.label}: bewaard tot {words} na afronding van de aanpak (de termijn wordt "
            f"bij de afronding afgesproken{bounds})"
        )
    if rc.start == "case-closed":
        return f"{rc.label}: bewaard tot {words} na het einde van de aanpak"
    if rc.start == "membership-ended":
        return f"{rc.label}: bewaard tot {words} nadat de jongere niet meer bij de groep hoort"
    if rc.start == "fixed-date":
        return f"{rc.label}: bewaard tot {words} na {rc.start_date}"
    if rc.start == "age-reached":
        if term.is_zero:
            return f"{rc.label}: verwijderd zodra de jongere {rc.age} jaar wordt"
        return f"{rc.label}: bewaard tot {words} nadat de jongere {rc.age} jaar is geworden"
    return f"{rc.label}: bewaard tot {words}"


class LetterContent:
    def __init__(self, app: Regie, queries: Queries, persons: Persons, sharing: Sharing) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.sharing = sharing
        # Set by bootstrap: the printed checkpoint every document carries.
        self.checkpoint_line: Callable[[], str] = str

    def _label(self, kind: str, key: str) -> str:
        return self.app.policies.label(kind, key)

    def _org(self, key: str) -> str:
        return self._label("organisation", key)

    def _shares(self, subject_id: str) -> list[dict[str, Any]]:
        s, ss = t.shares, t.share_subjects
        return self.queries.rows(
            select(s)
            .join(ss, ss.c.share_id == s.c.share_id)
            .where(ss.c.subject_id == subject_id, s.c.outcome == PROVIDED)
            .order_by(s.c.decided_on, s.c.recorded_at)
        )

    def _namenlijsten(self, subject_id: str) -> list[dict[str, Any]]:
        n = t.namenlijsten
        return self.queries.rows(
            select(n)
            .where(n.c.subjects.contains(f'"{subject_id}"', autoescape=True))
            .order_by(n.c.agreed_on)
        )

    def gather(
        self, youth: Subject, cases: list[Case], letter_date: date, fg_contact: str
    ) -> LetterFacts:
        policy = self.app.policies.letters
        subject_id = str(youth.id)
        shares = self._shares(subject_id)
        lists = self._namenlijsten(subject_id)
        sender = policy.sender.organisation

        # Convenant versions cited by the provisions about this youth.
        used: dict[tuple[str, int], dict[str, Any]] = {}
        for share in shares:
            if share["convenant"]:
                key = (share["convenant"], int(share["convenant_version"]))
                if key not in used:
                    used[key] = self.sharing.convenant(key[0]).content_of(key[1])

        # Controllers: the sender, every party of a used convenant, the namenlijst partners.
        contacts: dict[str, str] = {}
        bases: dict[str, list[str]] = {}
        order: list[str] = [sender]
        for content in used.values():
            for party in content["party"]:
                org = party["organisation"]
                order.append(org)
                if party.get("contact"):
                    contacts[org] = party["contact"]
                bases.setdefault(org, [])
                bases[org] += [b for b in party["legal_basis"] if b not in bases[org]]
        for row in lists:
            order += json.loads(row["partners"])
        if not bases.get(sender):
            bases[sender] = list(policy.sender.legal_basis)
        contacts.setdefault(sender, policy.sender.contact)
        controllers = [
            Controller(
                organisation=org,
                name=self._org(org),
                contact=contacts.get(org, policy.texts.contact_via_sender),
                legal_basis=tuple(bases.get(org, [])),
            )
            for org in dict.fromkeys(order)
        ]

        purposes = [policy.sender.purpose]
        legal_bases = [
            f"{c.name}: {'; '.join(c.legal_basis)}" for c in controllers if c.legal_basis
        ]
        for share in shares:
            if share["convenant"]:
                content = used[(share["convenant"], int(share["convenant_version"]))]
                labels = {p["key"]: p["label"] for p in content["purpose"]}
                purposes.append(labels.get(share["purpose"], share["purpose"]))
            else:
                purposes.append(share["purpose"])
                to = ", ".join(self._org(o) for o in json.loads(share["to_orgs"]))
                basis = self.app.policies.sharing.citation(share["legal_basis"])
                legal_bases.append(f"Verstrekking aan {to}: {basis}")

        held = set(self.persons.categories_held(youth))
        if cases:
            held.add(MEMBERSHIP_CATEGORY)
        for share in shares:
            held.update(json.loads(share["categories"]))
        order_of = {c.key: i for i, c in enumerate(self.app.policies.persoonsgegevens.category)}
        categories = sorted(held, key=lambda k: (order_of.get(k, len(order_of)), k))

        sources = [registration_org(self.app, youth)]
        sources += [n["by"]["org"] for n in youth.notes]
        sources += [s["from_org"] for s in shares]
        for row in lists:
            sources += json.loads(row["partners"])

        recipients: list[str] = []
        for share in shares:
            recipients += json.loads(share["to_orgs"])
        for row in lists:
            recipients += [p for p in json.loads(row["partners"]) if p != sender]
        # The groepsscan: its request took the namenlijst to the police, who delivered the
        # scan to the burgemeester and the OM (decision 0030).
        police = self.app.policies.sharing.police_organisation
        for scan in group_disclosures(self.queries, police, subject_id):
            if scan["kind"] == GROEPSSCAN:
                recipients += [to for to in scan["to"] if to != sender]

        return LetterFacts(
            reference=f"IP-{youth.short}",
            letter_date=letter_date,
            sender=self._org(sender),
            controllers=controllers,
            fg_contact=fg_contact,
            purposes=list(dict.fromkeys(purposes)),
            legal_bases=list(dict.fromkeys(legal_bases)),
            categories=[self._label("category", k) for k in categories],
            sources=[self._org(o) for o in dict.fromkeys(sources)],
            recipients=[self._org(o) for o in dict.fromkeys(recipients)],
            retention=self._retention(cases, held),
            authority_contact=policy.texts.authority_contact,
            exercise_rights=policy.texts.exercise_rights,
            exercise_rights_youth=policy.texts.exercise_rights_youth,
            convenants=[
                f"{content['name']} (versie {version})" for (_, version), content in used.items()
            ],
            checkpoint=self.checkpoint_line(),
        )

    def _retention(self, cases: list[Case], held: set[str]) -> list[str]:
        """The agreed bewaartermijn of a closed case, else the criteria of the classes."""
        out = []
        for case in cases:
            overview = self.queries.case_overview(case.ref)
            term = overview.get("bewaartermijn")
            closed_on = overview.get("closed_on")
            if term and closed_on:
                until = Duration.parse(str(term)).after(date.fromisoformat(str(closed_on)))
                out.append(
                    f"Bij de afronding van de aanpak op {closed_on} is afgesproken de gegevens "
                    f"{duration_words(Duration.parse(str(term)))} te bewaren, tot "
                    f"{until.isoformat()}. Daarna worden ze vernietigd."
                )
        if len(out) == len(cases) and out:
            return out
        classes = [
            rc
            for rc in self.app.policies.retention.retention_class
            if rc.covers == "subject-data" and held & set(rc.categories)
        ]
        return out + [retention_criterion(rc) for rc in classes]
