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
from ledger.domain import letter_rules
from ledger.domain.case import Case
from ledger.domain.share import PROVIDED
from ledger.domain.subject import Subject
from ledger.letters.retention_words import RetentionFacts, retention_lines
from ledger.persons.service import Persons, registration_org
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.group_disclosures import GROEPSSCAN, group_disclosures
from ledger.sharing.service import Sharing
from policies.letters import Texts

MEMBERSHIP_CATEGORY = "groepspositie"
"""Being a member of a group case means the ledger holds the youth's group position."""


@dataclass(frozen=True)
class Controller:
    """A controller as the letter names it: from letters.toml [[controller]]."""

    organisation: str
    name: str
    address: str
    contact: str
    fg: str
    legal_basis: tuple[str, ...]


@dataclass
class LetterFacts:
    """The art. 14 elements for one youth, in plain Dutch phrases, without personal data
    (the personal paragraph is opened only for rendering and never logged)."""

    reference: str
    letter_date: date
    sender: str
    signatory: str
    signatory_function: str
    controllers: list[Controller]
    purposes: list[str]
    legal_bases: list[str]
    categories: list[str]
    explained: list[tuple[str, str]]
    """(label, plain explanation) per category, for the youth's letter."""
    sources: list[str]
    recipients: list[str]
    intended_recipients: list[str]
    retention: list[str]
    texts: Texts
    explain: dict[str, str]
    group: str
    scan: bool
    """Whether a groepsscan took the youth's name to the police (explained if so)."""
    convenants: list[str] = field(default_factory=list)
    personal: str | None = None
    checkpoint: str = ""
    """The ledger's checkpoint when the letter was made (ledger/audit/document.py)."""

    @property
    def authority_contact(self) -> str:
        return self.texts.authority_contact

    @property
    def exercise_rights(self) -> str:
        return self.texts.exercise_rights

    @property
    def exercise_rights_youth(self) -> str:
        return self.texts.exercise_rights_youth


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
        self,
        youth: Subject,
        cases: list[Case],
        letter_date: date,
        date_of_birth: date | None,
        personal: str | None = None,
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
        bases: dict[str, list[str]] = {}
        order: list[str] = [sender]
        for content in used.values():
            for party in content["party"]:
                org = party["organisation"]
                order.append(org)
                bases.setdefault(org, [])
                bases[org] += [b for b in party["legal_basis"] if b not in bases[org]]
        for row in lists:
            order += json.loads(row["partners"])
        if not bases.get(sender):
            bases[sender] = list(policy.sender.legal_basis)
        controllers = [self._controller(org, bases.get(org, [])) for org in dict.fromkeys(order)]
        own = policy.controller_of(sender)
        if own is None or not own.signatory or not own.signatory_function:
            raise letter_rules.CONTROLLER_DETAILS.refuse(
                f"letters.toml: the sender '{sender}' needs a [[controller]] with "
                "signatory and signatory_function"
            )

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
        intended: list[str] = []
        for content in used.values():
            for rule in content.get("share", []):
                if held & set(rule["categories"]):
                    intended += [o for o in rule["to"] if o != sender]
        for share in shares:
            recipients += json.loads(share["to_orgs"])
        for row in lists:
            recipients += [p for p in json.loads(row["partners"]) if p != sender]
        # The groepsscan: its request took the namenlijst to the police, who delivered the
        # scan to the burgemeester and the OM (decision 0030).
        police = self.app.policies.sharing.police_organisation
        scanned = False
        for scan in group_disclosures(self.queries, police, subject_id):
            if scan["kind"] == GROEPSSCAN:
                scanned = True
                recipients += [to for to in scan["to"] if to != sender]
        actual = list(dict.fromkeys(recipients))

        return LetterFacts(
            reference=f"IP-{youth.short}",
            letter_date=letter_date,
            sender=own.name,
            signatory=own.signatory,
            signatory_function=own.signatory_function,
            controllers=controllers,
            purposes=list(dict.fromkeys(purposes)),
            legal_bases=list(dict.fromkeys(legal_bases)),
            categories=[self._label("category", k) for k in categories],
            explained=[
                (self._label("category", k).split(" (")[0], policy.explain.get(k, ""))
                for k in categories
            ],
            sources=[self._controller_name(o) for o in dict.fromkeys(sources)],
            recipients=[self._controller_name(o) for o in actual],
            intended_recipients=[
                self._controller_name(o) for o in dict.fromkeys(intended) if o not in actual
            ],
            retention=self._retention(cases, held, date_of_birth),
            texts=policy.texts,
            explain=policy.explain,
            group=cases[0].working_name if cases else "",
            scan=scanned,
            personal=personal,
            convenants=[
                f"{content['name']} (versie {version})" for (_, version), content in used.items()
            ],
            checkpoint=self.checkpoint_line(),
        )

    def _controller(self, org: str, legal_basis: list[str]) -> Controller:
        found = self.app.policies.letters.controller_of(org)
        if found is None:
            raise letter_rules.CONTROLLER_DETAILS.refuse(
                f"letters.toml has no [[controller]] for '{org}': add its name, address, "
                "contact and fg before a letter names it"
            )
        return Controller(
            organisation=org,
            name=found.name,
            address=found.address,
            contact=found.contact,
            fg=found.fg,
            legal_basis=tuple(legal_basis),
        )

    def _controller_name(self, org: str) -> str:
        """A recipient or source by its own name where letters.toml gives one."""
        found = self.app.policies.letters.controller_of(org)
        return found.name if found is not None else self._org(org)

    def _retention(
        self, cases: list[Case], held: set[str], date_of_birth: date | None
    ) -> list[str]:
        """One line per retention class covering what is held, dated where known."""
        status = closed_on = agreed = None
        for case in cases:
            overview = self.queries.case_overview(case.ref)
            if overview.get("closed_on"):
                status = str(overview.get("status"))
                closed_on = date.fromisoformat(str(overview["closed_on"]))
                agreed = overview.get("bewaartermijn")
        facts = RetentionFacts(
            held=frozenset(held),
            status=status if len(cases) == 1 else None,
            closed_on=closed_on if len(cases) == 1 else None,
            agreed_term=str(agreed) if agreed else None,
            date_of_birth=date_of_birth,
        )
        classes = list(self.app.policies.retention.retention_class)
        return retention_lines(classes, facts, lambda k: self._label("category", k))
