"""A sharing decision as every report shows it (share list, audit disclosures, the subject
report), from its read-model row."""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.policy import short_hash
from ledger.domain.share import UNLAWFUL
from ledger.sharing.verdicts import review_text


def share_row(r: dict[str, Any]) -> dict[str, Any]:
    """A share as reports show it: JSON columns decoded, the id shortened."""
    return {
        "share": r["share_id"][:8],
        "share_id": r["share_id"],
        "case": r["case_ref"],
        "step": r["step"],
        "decided_on": r["decided_on"],
        "from": r["from_org"],
        "to": json.loads(r["to_orgs"]),
        "named_recipients": json.loads(r["named_recipients"]),
        "meeting": r["meeting"],
        "subjects": r["subject_count"],
        "categories": json.loads(r["categories"]),
        "purpose": r["purpose"],
        "basis": (
            f"{r['convenant']} v{r['convenant_version']} {r['article']}"
            + (f", {r['instrument']}" if r["instrument"] else "")
            if r["convenant"]
            else f"ad hoc: {r['legal_basis']}"
        ),
        "instrument": r["instrument"],
        "necessity": r["necessity"],
        "outcome": r["outcome"],
        "refused_by": [x["rule"] for x in json.loads(r["refusals"])],
        "ad_hoc": r["ad_hoc"],
        "reviewed": r["reviewed_at"] is not None,
        "review_comment": r["review_comment"],
        "verdict": r["verdict"],
        "finding_open": r["verdict"] == UNLAWFUL and r["finding_closed_on"] is None,
        "finding_closed_on": r["finding_closed_on"],
        "finding_closure": r["finding_closure"],
        "review": review_text(r),
        "decided_by": r["actor"],
        "role": r["role"],
        "organisation": r["org"],
        "answered_by": f"{r['actor']} ({r['org']})",
        "requested_by": r["requested_by"],
        "source": (r["source_share_id"] or "")[:8] or None,
        "source_share_id": r["source_share_id"],
        "compatibility": r["compatibility"],
        "policy": short_hash(r["policy_hash"]),
        "policy_hash": r["policy_hash"],
    }
