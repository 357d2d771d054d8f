"""The privacy officer's audit: who saw what, who shared what with whom, and what is off.

Every query here is itself recorded as an access event (action "search" or "export")
before its answer is returned: reading the audit log is logged.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from ledger import commands as c
from ledger.access.gate import AccessLog, Gate, Seen
from ledger.access.purposes import AUDIT_PURPOSE
from ledger.application import Regie
from ledger.domain.acting import Acting
from ledger.domain.share import PROVIDED, REFUSED
from ledger.persons.service import Persons
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.service import Sharing, share_row
from policies.sharing import ConvenantFacts

Row = dict[str, Any]


def _period(query: Any, column: Any, since: date | None, until: date | None) -> Any:
    if since is not None:
        query = query.where(column >= since.isoformat())
    if until is not None:
        query = query.where(column <= until.isoformat() + "\uffff")
    return query


class PrivacyAudit:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        persons: Persons,
        sharing: Sharing,
        gate: Gate,
        log: AccessLog,
    ) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.sharing = sharing
        self.gate = gate
        self.log = log

    def _rows(self, query: Any) -> list[Row]:
        with self.queries.store.read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- who saw a subject --------------------------------------------------------------

    def who_saw(
        self, subject_ref: str, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[Row]:
        """Every access to and every share about the subject, in time order."""
        subject_id = self.persons.resolve(subject_ref)
        self.log.record(by, "audit.who-saw", "search", [Seen(subject_id, ())], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        a = t.access_log
        accesses = self._rows(
            _period(
                select(a).where(a.c.subject_id == subject_id).order_by(a.c.at), a.c.at, since, until
            )
        )
        s = t.shares
        shares = self._rows(
            _period(
                select(s)
                .join(t.share_subjects, t.share_subjects.c.share_id == s.c.share_id)
                .where(t.share_subjects.c.subject_id == subject_id)
                .order_by(s.c.recorded_at),
                s.c.decided_on,
                since,
                until,
            )
        )
        out = [
            {
                "at": r["at"],
                "kind": "toegang",
                "action": r["action"],
                "command": r["command"],
                "actor": r["actor"],
                "role": r["role"],
                "organisation": r["org"],
                "purpose": r["purpose"],
                "basis": None,
                "recipients": None,
                "categories": json.loads(r["categories"]),
                "outcome": r["outcome"],
                "case": r["case_ref"],
            }
            for r in accesses
        ]
        for r in shares:
            row = share_row(r)
            out.append(
                {
                    "at": r["recorded_at"],
                    "kind": "verstrekking",
                    "action": "share",
                    "command": "share.add",
                    "actor": row["decided_by"],
                    "role": row["role"],
                    "organisation": row["organisation"],
                    "purpose": row["purpose"],
                    "basis": row["basis"],
                    "recipients": row["to"],
                    "categories": row["categories"],
                    "outcome": row["outcome"],
                    "case": row["case"],
                }
            )
        return sorted(out, key=lambda x: x["at"])

    # -- one actor ------------------------------------------------------------------------

    def actor(
        self, handle: str, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[Row]:
        """Everything one user accessed or shared."""
        handle = c.actor_handle(handle, "ACTOR_ID")  # it goes into the access log
        self.log.record(by, "audit.actor", "search", [], AUDIT_PURPOSE, reason=f"actor {handle}")
        self.queries.projections.catch_up()
        a = t.access_log
        accesses = self._rows(
            _period(
                select(a, t.subjects.c.short)
                .join(t.subjects, t.subjects.c.subject_id == a.c.subject_id, isouter=True)
                .where(a.c.actor == handle)
                .order_by(a.c.at),
                a.c.at,
                since,
                until,
            )
        )
        shares = [x for x in self.sharing.shares() if x["decided_by"] == handle]
        out = [
            {
                "at": r["at"],
                "kind": "toegang",
                "action": r["action"],
                "command": r["command"],
                "subject": r["short"],
                "case": r["case_ref"],
                "purpose": r["purpose"],
                "outcome": r["outcome"],
                "recipients": None,
                "basis": None,
            }
            for r in accesses
        ]
        out += [
            {
                "at": x["decided_on"],
                "kind": "verstrekking",
                "action": "share",
                "command": "share.add",
                "subject": None,
                "case": x["case"],
                "purpose": x["purpose"],
                "outcome": x["outcome"],
                "recipients": x["to"],
                "basis": x["basis"],
            }
            for x in shares
            if (since is None or x["decided_on"] >= since.isoformat())
            and (until is None or x["decided_on"] <= until.isoformat())
        ]
        return sorted(out, key=lambda x: x["at"])

    # -- the register of provisions -------------------------------------------------------

    def disclosures(
        self,
        by: Acting,
        to_org: str | None = None,
        convenant: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Row]:
        self.log.record(by, "audit.disclosures", "search", [], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        s = t.shares
        query = select(s).where(s.c.outcome == PROVIDED).order_by(s.c.decided_on, s.c.recorded_at)
        if to_org:
            query = query.join(
                t.share_recipients,
                and_(
                    t.share_recipients.c.share_id == s.c.share_id,
                    t.share_recipients.c.organisation == to_org,
                ),
            )
        if convenant:
            query = query.where(s.c.convenant == convenant.lower())
        return [share_row(r) for r in self._rows(_period(query, s.c.decided_on, since, until))]

    # -- findings -------------------------------------------------------------------------

    def findings(self, by: Acting) -> list[Row]:
        """What the privacy officer should look at, each with its kind and a reference."""
        self.log.record(by, "audit.findings", "search", [], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        out: list[Row] = []
        shares = self.sharing.shares()
        for x in shares:
            if x["outcome"] == REFUSED:
                out.append(
                    _finding(
                        "verstrekking-geweigerd",
                        x["decided_on"],
                        x["decided_by"],
                        x["case"],
                        f"share {x['share']} refused by " + ", ".join(x["refused_by"]),
                    )
                )
            elif x["ad_hoc"] and not x["reviewed"]:
                out.append(
                    _finding(
                        "ad-hoc-te-beoordelen",
                        x["decided_on"],
                        x["decided_by"],
                        x["case"],
                        f"ad-hoc share {x['share']}: {x['basis']}",
                    )
                )
        out += self._shares_outside_convenant(shares)
        out += self._access_without_role()
        out += self._bulk_reads()
        out += self._outside_office_hours()
        from ledger.domain.subject import short_id
        from ledger.letters.triggers import deferrals_to_review

        out += [
            _finding(
                "uitstel-herbeoordelen",
                d["review_date"],
                d["by"],
                d["case"],
                f"informatieplicht {short_id(d['subject_id'])} uitgesteld ({d['ground']}) "
                f"sinds {d['on']}; herbeoordelen op {d['review_date']}",
            )
            for d in deferrals_to_review(self.app, self.queries, self.app.clock())
        ]
        return sorted(out, key=lambda f: (f["on"], f["kind"]))

    def _shares_outside_convenant(self, shares: list[Row]) -> list[Row]:
        out = []
        for x in shares:
            if x["outcome"] != PROVIDED or x["ad_hoc"]:
                continue
            row = self._rows(select(t.shares).where(t.shares.c.share_id == x["share_id"]))[0]
            convenant = self.sharing.convenant(row["convenant"])
            version = row["convenant_version"]
            facts = ConvenantFacts(
                convenant.content_of(version),
                {p: s["signed_on"] for p, s in convenant.signatures[version - 1].items()},
            )
            day = x["decided_on"]
            parties = [x["from"], *x["to"]]
            if not facts.valid_on(day):
                problem = "convenant-verlopen"
            elif not all(facts.signed_by(p, day) for p in parties):
                problem = "convenant-niet-ondertekend"
            else:
                continue
            out.append(
                _finding(
                    problem,
                    day,
                    x["decided_by"],
                    x["case"],
                    f"share {x['share']} under {x['basis']}",
                )
            )
        return out

    def _access_without_role(self) -> list[Row]:
        a = t.access_log
        rows = self._rows(
            select(a).where(
                a.c.case_ref.is_not(None), a.c.outcome == "granted", a.c.subject_id.is_not(None)
            )
        )
        participants: dict[str, set[str]] = {}
        out = []
        for r in rows:
            ref = r["case_ref"]
            if ref not in participants:
                participants[ref] = self.app.case(ref).participants
            if r["actor"] not in participants[ref]:
                out.append(
                    _finding(
                        "toegang-zonder-rol",
                        r["on_date"],
                        r["actor"],
                        ref,
                        f"{r['command']} by {r['actor']} ({r['role']}), not a participant",
                    )
                )
        return out

    def _bulk_reads(self) -> list[Row]:
        policy = self.app.policies.audit
        window = policy.bulk_read_minutes * 60
        a = t.access_log
        rows = self._rows(
            select(a.c.actor, a.c.at, a.c.subject_id, a.c.on_date)
            .where(a.c.subject_id.is_not(None), a.c.action.in_(["read", "export"]))
            .order_by(a.c.actor, a.c.at)
        )
        out = []
        by_actor: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            by_actor[r["actor"]].append(r)
        for actor, reads in by_actor.items():
            recent: deque[tuple[float, str]] = deque()
            reported_until = 0.0
            for r in reads:
                moment = datetime.fromisoformat(r["at"]).timestamp()
                recent.append((moment, r["subject_id"]))
                while recent and recent[0][0] < moment - window:
                    recent.popleft()
                distinct = {s for _, s in recent}
                if len(distinct) >= policy.bulk_read_subjects and moment > reported_until:
                    out.append(
                        _finding(
                            "bulkraadpleging",
                            r["on_date"],
                            actor,
                            None,
                            f"{len(distinct)} subjects within {policy.bulk_read_minutes} minutes",
                        )
                    )
                    reported_until = moment + window
        return out

    def _outside_office_hours(self) -> list[Row]:
        policy = self.app.policies.audit
        zone = ZoneInfo(policy.timezone)
        start = time.fromisoformat(policy.office_start)
        end = time.fromisoformat(policy.office_end)
        a = t.access_log
        out = []
        for r in self._rows(select(a).where(a.c.subject_id.is_not(None)).order_by(a.c.at)):
            local = datetime.fromisoformat(r["at"]).astimezone(zone)
            if local.isoweekday() not in policy.office_days or not start <= local.time() < end:
                out.append(
                    _finding(
                        "buiten-kantoortijd",
                        r["on_date"],
                        r["actor"],
                        r["case_ref"],
                        f"{r['command']} at {local:%Y-%m-%d %H:%M} ({policy.timezone})",
                    )
                )
        return out

    # -- inzage (AVG art. 15) ---------------------------------------------------------------

    def subject_report(self, subject_ref: str, by: Acting) -> Row:
        """What the ledger holds about a subject: the answer to an inzageverzoek."""
        subject = self.persons.subject(subject_ref)
        subject_id = str(subject.id)
        categories = self.persons.categories_held(subject)
        cases = self.persons._cases_of(subject_id)
        seen = [Seen(subject_id, categories)]
        self.gate.personal_data(by, "audit.subject-report", cases, seen)
        self.log.record(by, "audit.subject-report", "export", seen, AUDIT_PURPOSE)
        view_fields = {
            name: self.persons._open(subject, name, sealed)
            for name, sealed in subject.fields.items()
        }
        sources: set[str] = {subject_registration_org(self.app, subject)}
        sources.update(n["by"]["org"] for n in subject.notes)
        shares = self._rows(
            select(t.shares)
            .join(t.share_subjects, t.share_subjects.c.share_id == t.shares.c.share_id)
            .where(t.share_subjects.c.subject_id == subject_id, t.shares.c.outcome == PROVIDED)
        )
        from ledger.letters.triggers import active_deferral

        # While the information duty is deferred, what was shared stays confidential.
        confidential = active_deferral(self.app, subject_id, self.app.clock()) is not None
        visible = [] if confidential else shares
        for s in visible:
            sources.add(s["from_org"])
        recipients = sorted({org for s in visible for org in json.loads(s["to_orgs"])})
        purposes = sorted({s["purpose"] for s in visible})
        retention = [
            {
                "case": case.ref,
                "status": case.status,
                "bewaartermijn": _case_bewaartermijn(self.queries, case.ref),
            }
            for case in cases
        ]
        labels = {c.key: c.label for c in self.app.policies.persoonsgegevens.category}
        return {
            "subject": subject.short,
            "kind": subject.kind,
            "erased": subject.erased,
            "name": view_fields.get("name"),
            "date_of_birth": view_fields.get("date_of_birth"),
            "categories": [{"key": k, "label": labels.get(k, k)} for k in categories],
            "sources": sorted(s for s in sources if s),
            "recipients": recipients,
            "purposes": purposes,
            "shares": [
                {**share_row(s), "confidential": True} if confidential else share_row(s)
                for s in shares
            ],
            "cases": retention,
            "generated_on": self.app.clock().isoformat(),
            "confidential": confidential,
        }


def _finding(kind: str, on: str, actor: str | None, case: str | None, detail: str) -> Row:
    return {"kind": kind, "on": on, "actor": actor, "case": case, "detail": detail}


def subject_registration_org(app: Regie, subject: Any) -> str:
    first = next(iter(app.repository.event_store.get(subject.id, limit=1)))
    return str(first.by["org"])  # type: ignore[attr-defined]


def _case_bewaartermijn(queries: Queries, ref: str) -> str | None:
    overview = queries.case_overview(ref)
    value = overview.get("bewaartermijn")
    return str(value) if value else None
