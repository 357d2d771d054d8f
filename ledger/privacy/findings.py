"""Findings for the privacy officer that need a closer look at the record: shares under an
expired or unsigned convenant, access without a role in the case, bulk reads, reads
outside office hours (thresholds and hours are policy data), and recorded erasures or
purges whose keys still exist."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ledger.application import Regie
from ledger.domain.share import PROVIDED
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.retention.destructions import Destructions
from ledger.sharing.service import Sharing
from ledger.sharing.verdicts import FOLLOW_UP
from policies.sharing import ConvenantFacts

Row = dict[str, Any]


def finding(kind: str, on: str, actor: str | None, case: str | None, detail: str) -> Row:
    return {"kind": kind, "on": on, "actor": actor, "case": case, "detail": detail}


UNFINISHED_DESTRUCTION = "vernietiging-onvoltooid"
UNLAWFUL_PROVISION = "onrechtmatige-verstrekking"


def unlawful_provision(share: Row) -> Row:
    """An ad-hoc provision judged onrechtmatig: open, with its follow-up, until closed."""
    follow_up = FOLLOW_UP.format(to=", ".join(share["to"]))
    return finding(
        UNLAWFUL_PROVISION,
        share["decided_on"],
        share["decided_by"],
        share["case"],
        f"share {share['share']} judged onrechtmatig: {follow_up};"
        f" then `regie share close-finding {share['share']}`",
    )


LATE_REQUEST = "verzoek-te-laat"


class Detectors:
    def __init__(
        self, app: Regie, queries: Queries, sharing: Sharing, destructions: Destructions
    ) -> None:
        self.app = app
        self.queries = queries
        self.sharing = sharing
        self.destructions = destructions
        # Set by bootstrap: the information duty's findings (ledger/letters/findings.py).
        self.letter_findings: Callable[[], list[Row]] = list

    def all(self, shares: list[Row]) -> list[Row]:
        return [
            *self.shares_outside_convenant(shares),
            *self.access_without_role(),
            *self.bulk_reads(),
            *self.outside_office_hours(),
            *self.unfinished_destructions(),
            *self.late_requests(),
            *self.letter_findings(),
        ]

    def late_requests(self) -> list[Row]:
        """A rights request past its deadline (AVG art. 12(3)), pending or answered late."""
        from ledger.rights.service import overdue

        return [
            finding(LATE_REQUEST, r["on"], r["actor"], None, r["detail"])
            for r in overdue(self.queries, self.app.clock())
        ]

    def unfinished_destructions(self) -> list[Row]:
        """A recorded erasure or purge whose key still exists: the data still opens, although
        the record says it was destroyed. It stays a finding until the key is gone."""
        today = self.app.clock()
        return [
            finding(UNFINISHED_DESTRUCTION, u.recorded_on, u.recorded_by, u.case, u.describe(today))
            for u in self.destructions.unfinished()
        ]

    def shares_outside_convenant(self, shares: list[Row]) -> list[Row]:
        out = []
        for x in shares:
            if x["outcome"] != PROVIDED or x["ad_hoc"]:
                continue
            row = self.queries.rows(select(t.shares).where(t.shares.c.share_id == x["share_id"]))[0]
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
                finding(
                    problem,
                    day,
                    x["decided_by"],
                    x["case"],
                    f"share {x['share']} under {x['basis']}",
                )
            )
        return out

    def access_without_role(self) -> list[Row]:
        a = t.access_log
        rows = self.queries.rows(
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
                    finding(
                        "toegang-zonder-rol",
                        r["on_date"],
                        r["actor"],
                        ref,
                        f"{r['command']} by {r['actor']} ({r['role']}), not a participant",
                    )
                )
        return out

    def bulk_reads(self) -> list[Row]:
        policy = self.app.policies.audit
        window = policy.bulk_read_minutes * 60
        a = t.access_log
        rows = self.queries.rows(
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
                        finding(
                            "bulkraadpleging",
                            r["on_date"],
                            actor,
                            None,
                            f"{len(distinct)} subjects within {policy.bulk_read_minutes} minutes",
                        )
                    )
                    reported_until = moment + window
        return out

    def outside_office_hours(self) -> list[Row]:
        policy = self.app.policies.audit
        zone = ZoneInfo(policy.timezone)
        start = time.fromisoformat(policy.office_start)
        end = time.fromisoformat(policy.office_end)
        a = t.access_log
        out = []
        for r in self.queries.rows(select(a).where(a.c.subject_id.is_not(None)).order_by(a.c.at)):
            local = datetime.fromisoformat(r["at"]).astimezone(zone)
            if local.isoweekday() not in policy.office_days or not start <= local.time() < end:
                out.append(
                    finding(
                        "buiten-kantoortijd",
                        r["on_date"],
                        r["actor"],
                        r["case_ref"],
                        f"{r['command']} at {local:%Y-%m-%d %H:%M} ({policy.timezone})",
                    )
                )
        return out
