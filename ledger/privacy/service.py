"""The privacy officer's audit: who saw what, who shared what with whom, and what is off.

Every query here is itself recorded as an access event (action "search" or "export")
before its answer is returned: reading the audit log is logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select

from ledger import __version__
from ledger import commands as c
from ledger.access.gate import AccessLog, Gate, Seen, gated
from ledger.access.purposes import AUDIT_PURPOSE, INZAGE_PURPOSE
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.share import PROVIDED, REFUSED
from ledger.domain.share_request import OPEN
from ledger.persons.service import Persons
from ledger.privacy.findings import Detectors, finding, unlawful_provision
from ledger.privacy.ldv import ldv_record
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.retention.destructions import Destructions
from ledger.sharing.group_disclosures import (
    group_disclosures,
    in_period,
    register_rows,
    who_saw_rows,
)
from ledger.sharing.service import Sharing, share_row

Row = dict[str, Any]


def _period(query: Any, column: Any, since: date | None, until: date | None) -> Any:
    if since is not None:
        query = query.where(column >= since.isoformat())
    if until is not None:
        query = query.where(column <= until.isoformat() + "\uffff")
    return query


if TYPE_CHECKING:
    from ledger.privacy.inzage import Inzage


class PrivacyAudit:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        persons: Persons,
        sharing: Sharing,
        gate: Gate,
        log: AccessLog,
        destructions: Destructions,
    ) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.sharing = sharing
        self.gate = gate
        self.log = log
        self.detectors = Detectors(app, queries, sharing, destructions)
        # Set by bootstrap: checkpoints a witness (or the high-water mark) did not receive.
        self.delivery_problems: Callable[[], list[Row]] = list
        self.checkpoint_line: Callable[[], str] = str
        # Set by bootstrap: a subject's rights requests (:meth:`Rights.of_subject`).
        self.rights_requests: Callable[[str], list[Row]] = lambda _subject: []

    @cached_property
    def inzage(self) -> Inzage:
        """The art. 15 report's builder, loaded when a report or an export needs it (it
        reads the letters' deferrals; `audit who-saw` does not)."""
        from ledger.privacy.inzage import Inzage

        return Inzage(self.app, self.queries, self.persons, self.sharing)

    # -- who saw a subject --------------------------------------------------------------

    @gated("audit.who-saw")
    def who_saw(
        self, subject_ref: str, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[Row]:
        """Every access to and every share about the subject, in time order."""
        subject_id = self.persons.resolve(subject_ref)
        self.log.record(by, "audit.who-saw", "search", [Seen(subject_id, ())], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        a = t.access_log
        accesses = self.queries.rows(
            _period(
                select(a).where(a.c.subject_id == subject_id).order_by(a.c.at), a.c.at, since, until
            )
        )
        s = t.shares
        shares = self.queries.rows(
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
        lists = self._group(subject_id)  # the namenlijst and the groepsscan (0030)
        out += who_saw_rows(in_period(lists, since, until))
        return sorted(out, key=lambda x: x["at"])

    def _group(self, subject_id: str | None = None) -> list[Row]:
        police = self.app.policies.sharing.police_organisation
        return group_disclosures(self.queries, police, subject_id)

    # -- one actor ------------------------------------------------------------------------

    @gated("audit.actor")
    def actor(
        self, handle: str, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[Row]:
        """Everything one user accessed or shared."""
        handle = c.actor_handle(handle, "ACTOR_ID")  # it goes into the access log
        self.log.record(by, "audit.actor", "search", [], AUDIT_PURPOSE, reason=f"actor {handle}")
        self.queries.projections.catch_up()
        a = t.access_log
        accesses = self.queries.rows(
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
        shares = [x for x in self.sharing.share_rows() if x["decided_by"] == handle]
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

    # -- the access log as the Logboek Dataverwerkingen ---------------------------------

    @gated("audit.export")
    def export_log(
        self, by: Acting, since: date | None = None, until: date | None = None
    ) -> list[Row]:
        """Every access-log entry of the period as a Logboek Dataverwerkingen record
        (decision 0044), oldest first, those about a subject whose information duty is
        deferred marked confidential. The export is itself logged."""
        self.log.record(by, "audit.export", "export", [], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        a = t.access_log
        rows = self.queries.rows(
            _period(select(a).order_by(a.c.at, a.c.access_id), a.c.on_date, since, until)
        )
        register = self.app.policies.verwerkingsregister
        # Entries about a subject whose information duty is deferred are confidential:
        # hidden from the subject while the deferral holds (Verwerkingenlogging, 0044).
        subjects = sorted({r["subject_id"] for r in rows if r["subject_id"]})
        hidden = {s for s in subjects if self.inzage.restriction(self.persons.subject(s))}
        return [ldv_record(r, register, __version__, r["subject_id"] in hidden) for r in rows]

    # -- the register of provisions -------------------------------------------------------

    @gated("audit.disclosures")
    def disclosures(
        self,
        by: Acting,
        to_org: str | None = None,
        convenant: str | None = None,
        since: date | None = None,
        until: date | None = None,
        requests: bool = False,
    ) -> list[Row]:
        """The provisions made, each with who answered for it; with ``requests`` instead the
        requests still open (asked of a provider, not provided: no provision yet)."""
        self.log.record(by, "audit.disclosures", "search", [], AUDIT_PURPOSE)
        if requests:
            return self.sharing.request_rows(OPEN)
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
        rows = self.queries.rows(_period(query, s.c.decided_on, since, until))
        lists = in_period(self._group(), since, until)  # the namenlijst, the groepsscan
        out = [{"kind": "verstrekking", **share_row(r)} for r in rows]
        out += register_rows(lists, to_org, convenant)
        return sorted(out, key=lambda x: x["decided_on"])

    # -- findings -------------------------------------------------------------------------

    @gated("audit.findings")
    def findings(self, by: Acting) -> list[Row]:
        """What the privacy officer should look at, each with its kind and a reference."""
        self.log.record(by, "audit.findings", "search", [], AUDIT_PURPOSE)
        self.queries.projections.catch_up()
        out: list[Row] = []
        shares = self.sharing.share_rows()
        for x in shares:
            if x["outcome"] == REFUSED:
                out.append(
                    finding(
                        "verstrekking-geweigerd",
                        x["decided_on"],
                        x["decided_by"],
                        x["case"],
                        f"share {x['share']} refused by " + ", ".join(x["refused_by"]),
                    )
                )
            elif x["compatibility"] and not x["reviewed"]:
                out.append(
                    finding(
                        "verenigbaarheid-te-beoordelen",
                        x["decided_on"],
                        x["decided_by"],
                        x["case"],
                        f"share {x['share']} passes on share {x['source']} for another purpose",
                    )
                )
            elif x["ad_hoc"] and not x["reviewed"]:
                out.append(
                    finding(
                        "ad-hoc-te-beoordelen",
                        x["decided_on"],
                        x["decided_by"],
                        x["case"],
                        f"ad-hoc share {x['share']}: {x['basis']}",
                    )
                )
            if x["finding_open"]:
                out.append(unlawful_provision(x))
        out += [
            finding(
                "verenigbaarheid-te-beoordelen",
                u["used_on"],
                u["recorded_by"],
                u["case"],
                f"reuse {u['number']}: action A{u['action']} uses share {u['share']}"
                " for another purpose",
            )
            for u in self.sharing.reuses_to_review()
        ]
        out += self.detectors.all(shares)
        out += [
            finding(
                "getuige-niet-bereikt",
                str(p.get("since", ""))[:10],
                None,
                None,
                f"checkpoint {p.get('pending')} not delivered to {p['witness']} "
                f"({p.get('where')}): {p.get('error')}",
            )
            for p in self.delivery_problems()
        ]
        from ledger.domain.subject import short_id
        from ledger.letters.triggers import deferrals_to_review

        out += [
            finding(
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

    # -- inzage (AVG art. 15) ---------------------------------------------------------------

    @gated("audit.subject-report")
    def subject_report(self, subject_ref: str, by: Acting, limited: bool = False) -> Row:
        """The answer to an inzageverzoek: a copy of the data, every category, recipient,
        purpose, basis and retention in words (decision 0038).

        While the information duty is deferred the report is refused (``report.restricted``)
        unless ``limited``: then it states a limitation under UAVG art. 41, and nothing of
        what the deferral keeps from the subject.
        """
        subject = self.persons.subject(subject_ref)
        subject_id = str(subject.id)
        cases = self.persons.cases_of(subject_id)
        seen = [Seen(subject_id, self.persons.categories_held(subject))]
        self.gate.personal_data(by, "audit.subject-report", cases, seen)
        restriction = self.inzage.restriction(subject)
        if restriction is not None and not limited:
            raise rules.REPORT_RESTRICTED.refuse(
                f"the information duty for {subject.short} is deferred until "
                f"{restriction['review_date']}: a full report would reveal what the deferral "
                "keeps from the subject; answer with `--limited` (a limitation under UAVG "
                "art. 41) or after `regie letters resume`"
            )
        limited = limited and restriction is not None
        self.log.record(
            by,
            "audit.subject-report",
            "export",
            seen,
            INZAGE_PURPOSE,
            case=cases[0].ref if len(cases) == 1 else None,
        )
        report = self.inzage.report(subject, limited, self.rights_requests(subject_id))
        return {**report, "checkpoint": self.checkpoint_line()}
