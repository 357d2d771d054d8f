"""The answer to an inzageverzoek (AVG art. 15): a copy of the data and what is done with it.

Art. 15(1) asks for the purposes, the categories, the recipients, the retention period,
the rights and the source; art. 15(3) for a copy of the data themselves. Everything here is
said in words for the data subject: labels from the policy, Dutch dates, "5 jaar" for P5Y,
never a key of the ledger. While the information duty is deferred (AVG art. 14(5)(b),
UAVG art. 41) the report may only be produced as a limited answer, and that answer says no
more than that a limitation under UAVG art. 41 applies (decision 0038).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.application import Regie
from ledger.cases.group import MEMBERSHIP_CATEGORY
from ledger.crypto.seal import MASKED
from ledger.domain.share import PROVIDED
from ledger.domain.subject import Subject
from ledger.durations import Duration
from ledger.letters.retention_words import duration_words, dutch_date, retention_criterion
from ledger.letters.triggers import active_deferral
from ledger.persons import family
from ledger.persons.service import Persons, registration_org
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.group_disclosures import GROEPSSCAN, NAMENLIJST, group_disclosures
from ledger.sharing.service import Sharing

Row = dict[str, Any]

FIELD_LABELS = {
    "name": "Naam",
    "date_of_birth": "Geboortedatum",
    "address": "Adres",
    "bsn": "Burgerservicenummer",
}
KIND_LABELS = {"jongere": "jongere", "wettelijk-vertegenwoordiger": "wettelijk vertegenwoordiger"}
STATUS_LABELS = {"open": "in behandeling", "beslist": "beslist", "te laat": "in behandeling"}
LIMITATION = (
    "Op grond van artikel 41 van de Uitvoeringswet AVG is uw recht op inzage op dit moment "
    "beperkt. Dit overzicht bevat daarom niet alle gegevens die over u worden verwerkt. U "
    "kunt later opnieuw om inzage vragen."
)
"""What the limited answer says: the limitation and its article, nothing about the why."""


def words_date(value: str | date | None) -> str | None:
    """An ISO date (or timestamp) as a Dutch date: 2026-12-01 is '1 december 2026'."""
    if value is None or value == "":
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return dutch_date(day)


class Inzage:
    """Gathers the report; the caller (:meth:`PrivacyAudit.subject_report`) passed the
    gate and logged the report's production before calling :meth:`report`."""

    def __init__(self, app: Regie, queries: Queries, persons: Persons, sharing: Sharing) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.sharing = sharing

    def _label(self, kind: str, key: str) -> str:
        return self.app.policies.label(kind, key)

    def _org(self, key: str) -> str:
        return self._label("organisation", key)

    def _recipient(self, key: str) -> str:
        """An organisation's label, or a named recipient ("burgemeester") as a word."""
        label = self._org(key)
        return label[:1].upper() + label[1:]

    def _categories(self, keys: list[str]) -> list[str]:
        order = {c.key: i for i, c in enumerate(self.app.policies.persoonsgegevens.category)}
        ranked = sorted(keys, key=lambda k: (order.get(k, len(order)), k))
        return [self._label("category", k) for k in ranked]

    def restriction(self, subject: Subject) -> Row | None:
        """The deferral of the information duty that holds for this subject today: the
        subject's own, or (for a legal representative) that of the youth."""
        today = self.app.clock()
        for person in (str(subject.id), subject.youth):
            if person:
                deferral = active_deferral(self.app, person, today)
                if deferral is not None:
                    return deferral
        return None

    def categories(
        self, subject: Subject, memberships: list[Row], provisions: list[Row]
    ) -> list[str]:
        """Every category held: sealed fields, notes, links, the group position, and what
        was provided about the subject (shares, the namenlijst, the groepsscan)."""
        held = set(self.persons.categories_held(subject))
        if memberships:
            held.add(MEMBERSHIP_CATEGORY)
        for p in provisions:
            held.update(p["category_keys"])
        order = {c.key: i for i, c in enumerate(self.app.policies.persoonsgegevens.category)}
        return sorted(held, key=lambda k: (order.get(k, len(order)), k))

    # -- the copy of the data (art. 15(3)) -------------------------------------------------

    def copy(self, subject: Subject) -> tuple[list[Row], list[Row], list[Row]]:
        """The personal fields, the notes and the family links, opened for the report."""
        fields = []
        for name, sealed in subject.fields.items():
            value = self.persons.open_field(subject, name, sealed)
            if name == "date_of_birth" and value and value != MASKED:
                value = words_date(str(value))
            fields.append(
                {
                    "field": FIELD_LABELS.get(name, name),
                    "category": self._label("category", sealed["cat"]),
                    "value": value,
                }
            )
        notes = [
            {
                "category": self._label("category", n["category"]),
                "recorded_on": words_date(n["at"]),
                "by": self._org(n["by"]["org"]),
                "text": self.persons.open_field(subject, f"note:{i}", n["note"]),
            }
            for i, n in enumerate(subject.notes, start=1)
        ]
        relations = {r.key: r.label for r in self.app.policies.persoonsgegevens.relation}
        links = []
        for link in family.open_links(self.persons.sealer, subject, self._linked(subject)):
            label = relations.get(str(link["relation"]), str(link["relation"]))
            links.append(
                {
                    "relation": (
                        f"een familielid: uw {label.lower()}"
                        if link["direction"] == family.TO
                        else f"u bent vastgelegd als {label.lower()} van een familielid"
                    )
                    if link["relation"] != MASKED
                    else MASKED,
                    "recorded_on": words_date(link["recorded_at"]),
                }
            )
        return fields, notes, links

    def _linked(self, subject: Subject) -> dict[str, Subject]:
        """The subject's own links, all of them: the report is about this person."""
        return {link["other"]: self.persons.subject(link["other"]) for link in subject.links}

    def memberships(self, subject_id: str) -> list[Row]:
        m, cases = t.members, t.cases
        rows = self.queries.rows(
            select(m, cases.c.ref, cases.c.working_name)
            .join(cases, cases.c.case_id == m.c.case_id)
            .where(m.c.subject_id == subject_id)
            .order_by(cases.c.ref)
        )
        terms = self.app.policies.persoonsgegevens
        core = {x.key: x.label for x in terms.core}
        influence = {x.key: x.label for x in terms.influence}
        return [
            {
                "case": r["ref"],
                "group": r["working_name"],
                "position": core.get(r["core"], r["core"]),
                "influence": influence.get(r["influence"], r["influence"]),
                "kopstuk": bool(r["kopstuk"]),
                "since": words_date(r["first_from"]),
                "until": words_date(r["ended_on"]),
            }
            for r in rows
        ]

    # -- the provisions: who received data about the subject -------------------------------

    def provisions(self, subject_id: str) -> list[Row]:
        """Every provision about the subject, shares and the namenlijst and groepsscan alike."""
        s, ss = t.shares, t.share_subjects
        shares = self.queries.rows(
            select(s)
            .join(ss, ss.c.share_id == s.c.share_id)
            .where(ss.c.subject_id == subject_id, s.c.outcome == PROVIDED)
            .order_by(s.c.decided_on, s.c.recorded_at)
        )
        out = [self._share(x) for x in shares]
        police = self.app.policies.sharing.police_organisation
        for x in group_disclosures(self.queries, police, subject_id):
            out.append(self._listed(x))
        return sorted(out, key=lambda p: str(p["on_iso"]))  # stable: each kind in order

    def _share(self, x: Row) -> Row:
        categories = json.loads(x["categories"])
        purpose = x["purpose"]
        if x["convenant"]:
            content = self.sharing.convenant(x["convenant"]).content_of(int(x["convenant_version"]))
            purpose = {p["key"]: p["label"] for p in content["purpose"]}.get(purpose, purpose)
            basis = f"{content['name']} (versie {x['convenant_version']}), {x['article']}"
            if x["instrument"]:
                basis += f", {x['instrument']}"
        else:
            basis = self.app.policies.sharing.citation(x["legal_basis"])
        return {
            "what": "verstrekking",
            "on_iso": x["decided_on"],
            "on": words_date(x["decided_on"]),
            "from": self._org(x["from_org"]),
            "to": [self._recipient(o) for o in json.loads(x["to_orgs"])],
            "category_keys": categories,
            "categories": self._categories(categories),
            "purpose": purpose,
            "basis": basis,
        }

    def _listed(self, x: Row) -> Row:
        number = x["share"].split(" ")[1]
        if x["kind"] == NAMENLIJST:
            what = f"namenlijst (versie {number.lstrip('v')})"
        elif x["kind"] == GROEPSSCAN and "verzoek" in x["share"]:
            what = "verzoek om een groepsscan"
        else:
            what = "groepsscan"
        policy = self.app.policies.letters.sender
        return {
            "what": what,
            "on_iso": x["decided_on"],
            "on": words_date(x["decided_on"]),
            "from": self._org(x["from"]),
            "to": [self._recipient(o) for o in x["to"]],
            "category_keys": list(x["categories"]),
            "categories": self._categories(x["categories"]),
            "purpose": policy.purpose,
            "basis": "; ".join(policy.legal_basis),
        }

    # -- retention and requests ------------------------------------------------------------

    def retention(self, cases: list[Row], held: list[str]) -> list[str]:
        """The agreed bewaartermijn of each closed case, else the criteria that apply."""
        out = []
        for case in cases:
            overview = self.queries.case_overview(case["case"])
            term, closed_on = overview.get("bewaartermijn"), overview.get("closed_on")
            if term and closed_on:
                length = Duration.parse(str(term))
                until = length.after(date.fromisoformat(str(closed_on)))
                out.append(
                    f"Aanpak {case['case']}: bij de afronding op {words_date(str(closed_on))} "
                    f"is afgesproken de gegevens {duration_words(length)} te bewaren, tot "
                    f"{dutch_date(until)}. Daarna worden ze vernietigd."
                )
        if out and len(out) == len(cases):
            return out
        classes = [
            rc
            for rc in self.app.policies.retention.retention_class
            if rc.covers == "subject-data" and set(held) & set(rc.categories)
        ]
        return out + [retention_criterion(rc) + "." for rc in classes]

    def requests(self, rows: list[Row]) -> list[Row]:
        kinds = {k.key: k for k in self.app.policies.rights.kind}
        out = []
        for r in rows:
            kind = kinds.get(r["kind"])
            out.append(
                {
                    "kind": kind.label if kind else r["kind"],
                    "article": kind.article if kind else "",
                    "received_on": words_date(r["received_on"]),
                    "deadline": words_date(r["deadline"]),
                    "status": STATUS_LABELS.get(r["status"], r["status"]),
                    "outcome": r["outcome"],
                    "decided_on": words_date(r["decided_on"]),
                }
            )
        return out

    # -- the whole report ------------------------------------------------------------------

    def report(self, subject: Subject, limited: bool, requests: list[Row]) -> Row:
        """The report; ``limited`` leaves out all but the identifying data and the requests."""
        subject_id = str(subject.id)
        fields, notes, links = self.copy(subject)
        memberships = [] if limited else self.memberships(subject_id)
        provisions = [] if limited else self.provisions(subject_id)
        if limited:
            notes, links = [], []
            held = [
                k
                for k in self.categories(subject, [], [])
                if k in {s["cat"] for s in subject.fields.values()}
            ]
        else:
            held = self.categories(subject, memberships, provisions)
        sources = [registration_org(self.app, subject)]
        if not limited:
            sources += [n["by"]["org"] for n in subject.notes]
        purposes = [self.app.policies.letters.sender.purpose]
        bases = list(self.app.policies.letters.sender.legal_basis)
        recipients: list[str] = []
        for p in provisions:
            sources.append(p["from"])
            recipients += p["to"]
            purposes.append(p["purpose"])
            bases.append(p["basis"])
        case_rows = [{"case": c.ref} for c in self.persons.cases_of(subject_id)]
        name = next((f["value"] for f in fields if f["field"] == FIELD_LABELS["name"]), None)
        today = self.app.clock()
        return {
            "subject": subject.short,
            "kind": KIND_LABELS.get(subject.kind, subject.kind),
            "erased": subject.erased,
            "name": name,
            "generated_on": today.isoformat(),
            "date": dutch_date(today),
            "limited": limited,
            "limitation": LIMITATION if limited else None,
            "data": fields,
            "notes": notes,
            "links": links,
            "memberships": memberships,
            "categories": [self._label("category", k) for k in held],
            "sources": list(dict.fromkeys(self._org(s) for s in sources if s)),
            "recipients": list(dict.fromkeys(recipients)),
            "purposes": list(dict.fromkeys(purposes)),
            "bases": list(dict.fromkeys(bases)),
            "provisions": [
                {k: v for k, v in p.items() if k not in ("on_iso", "category_keys")}
                for p in provisions
            ],
            "retention": [] if limited else self.retention(case_rows, held),
            "requests": self.requests(requests),
        }
