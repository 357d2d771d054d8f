"""The namenlijst and the groepsscan as provisions (decision 0030).

Agreeing a namenlijst gives its partners the names of the youths on it; the groepsscan
request takes that list to the police, and the police deliver their scan to the
burgemeester and the OM (000 L2078-2113). None of these is a ``Share``, yet each is a
provision about the youths on the list: the register of disclosures, who-saw, the subject
report and the letters list them with their provider, recipients and basis.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.domain.share import PROVIDED
from ledger.projections import tables as t
from ledger.projections.queries import Queries

Row = dict[str, Any]

NAMENLIJST, GROEPSSCAN = "namenlijst", "groepsscan"
IDENTIFICATION, POLICE_INFORMATION = "identificatie", "politie-informatie"
PURPOSE = "stap 2: informatie verzamelen en verbinden"


def _row(
    kind: str, reference: str, case: str, on: str, by: tuple[str, str, str], **values: Any
) -> Row:
    """A row shaped like :func:`ledger.sharing.service.share_row`, marked by ``kind``."""
    actor, role, org = by
    return {
        "kind": kind,
        "share": reference,
        "share_id": None,
        "case": case,
        "step": None,
        "decided_on": on,
        "named_recipients": [],
        "meeting": None,
        "purpose": PURPOSE,
        "necessity": None,
        "outcome": PROVIDED,
        "refused_by": [],
        "ad_hoc": False,
        "reviewed": False,
        "review_comment": None,
        "decided_by": actor,
        "role": role,
        "organisation": org,
        "answered_by": f"{actor} ({org})",
        "requested_by": None,
        "policy": "-",
        "policy_hash": None,
        **values,
    }


def group_disclosures(queries: Queries, police: str, subject_id: str | None = None) -> list[Row]:
    """Every agreed namenlijst version, groepsscan request and received groepsscan (or
    those about one subject), each with ``subject_ids`` and ``at`` (when recorded)."""
    queries.projections.catch_up()
    n, g, cases = t.namenlijsten, t.groepsscans, t.cases
    lists = queries.rows(
        select(n, cases.c.ref).join(cases, cases.c.case_id == n.c.case_id).order_by(n.c.version)
    )
    scans = queries.rows(
        select(g, cases.c.ref).join(cases, cases.c.case_id == g.c.case_id).order_by(g.c.number)
    )
    out: list[Row] = []
    by_case: dict[str, list[Row]] = {}
    for x in lists:
        subjects = json.loads(x["subjects"])
        by_case.setdefault(x["case_id"], []).append(x)
        provider = x["org"]
        out.append(
            _row(
                NAMENLIJST,
                f"namenlijst v{x['version']}",
                x["ref"],
                x["agreed_on"],
                (x["actor"], x["role"], provider),
                command="namenlijst.add" if x["additions"] else "namenlijst.agree",
                at=x["recorded_at"],
                subject_ids=subjects,
                subjects=len(subjects),
                **{"from": provider},
                to=[p for p in json.loads(x["partners"]) if p != provider],
                categories=[IDENTIFICATION],
                basis=f"namenlijst v{x['version']}, "
                + ("gemotiveerd aangevuld" if x["additions"] else "afgestemd")
                + " door de partners (000 L2078-2091)",
            )
        )
    for x in scans:
        sent = _list_sent(by_case.get(x["case_id"], []), x["requested_at"])
        subjects = json.loads(sent["subjects"]) if sent else []
        version = f"namenlijst v{sent['version']}" if sent else "de namenlijst"
        out.append(
            _row(
                GROEPSSCAN,
                f"groepsscan {x['number']} (verzoek)",
                x["ref"],
                x["requested_on"],
                (x["requested_actor"], x["requested_role"], x["requested_org"]),
                command="groepsscan.request",
                at=x["requested_at"],
                subject_ids=subjects,
                subjects=len(subjects),
                **{"from": x["requested_org"]},
                to=[police],
                named_recipients=[x["addressed_to"]],
                categories=[IDENTIFICATION],
                basis=f"verzoek groepsscan door de {x['requested_by']}, met {version} "
                "(000 L2088-2091)",
            )
        )
        if x["received_on"] is None:
            continue
        recipients = json.loads(x["recipients"])
        out.append(
            _row(
                GROEPSSCAN,
                f"groepsscan {x['number']}",
                x["ref"],
                x["received_on"],
                (x["received_actor"], x["received_role"], x["received_org"]),
                command="groepsscan.receive",
                at=x["received_at"],
                subject_ids=subjects,
                subjects=len(subjects),
                **{"from": police},
                to=recipients,
                named_recipients=recipients,
                categories=[IDENTIFICATION, POLICE_INFORMATION],
                basis=f"standaardrapportage groepsscan over {version} (000 L2099-2113)",
            )
        )
    if subject_id is not None:
        out = [row for row in out if subject_id in row["subject_ids"]]
    return sorted(out, key=lambda row: (row["decided_on"], row["at"]))


def _list_sent(versions: list[Row], requested_at: str | None) -> Row | None:
    """The namenlijst version the request took to the police: the last one recorded
    before it (the domain asks for an agreed namenlijst first)."""
    before = [v for v in versions if requested_at is None or v["recorded_at"] <= requested_at]
    return before[-1] if before else None


def register_rows(rows: list[Row], to_org: str | None, convenant: str | None) -> list[Row]:
    """Rows for the register of disclosures: filtered as provisions are, without the
    subjects' ids (the register counts persons, it does not name them)."""
    if convenant:
        return []  # none of these rests on a convenant
    kept = [row for row in rows if to_org is None or to_org in row["to"]]
    return [{k: v for k, v in row.items() if k not in ("subject_ids", "at")} for row in kept]


def who_saw_rows(rows: list[Row]) -> list[Row]:
    """Rows for `audit who-saw`: the recipients of each list and scan about the subject."""
    return [
        {
            "at": row["at"],
            "kind": row["kind"],
            "action": "share",
            "command": row["command"],
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
        for row in rows
    ]


def in_period(rows: list[Row], since: date | None, until: date | None) -> list[Row]:
    return [
        row
        for row in rows
        if (since is None or row["decided_on"] >= since.isoformat())
        and (until is None or row["decided_on"] <= until.isoformat())
    ]
