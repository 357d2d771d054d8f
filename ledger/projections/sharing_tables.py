"""The read models of sharing decisions (verstrekkingen) and requests for them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from ledger.projections.metadata import by_columns, read_models

shares = Table(
    "rm_shares",
    read_models,
    Column("share_id", String(36), primary_key=True),
    Column("case_ref", String(32), nullable=False),
    Column("step", Integer, nullable=False),
    Column("decided_on", String(10), nullable=False),
    Column("from_org", String(64), nullable=False),
    Column("to_orgs", Text, nullable=False),
    Column("named_recipients", Text, nullable=False),
    Column("meeting", String(64)),
    Column("subject_count", Integer, nullable=False),
    Column("categories", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("convenant", String(64)),
    Column("convenant_version", Integer),
    Column("article", Text),
    Column("legal_basis", Text),
    Column("necessity", Text, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("refusals", Text, nullable=False),
    Column("ad_hoc", Boolean, nullable=False),
    Column("reviewed_at", String(40)),
    Column("reviewed_by", String(64)),
    Column("review_comment", Text),
    Column("policy_hash", String(64)),
    Column("request_id", String(36)),
    Column("requested_by", String(64)),
    Column("source_share_id", String(36)),
    Column("compatibility", Text),
    Column("instrument", Text),
    Column("verdict", String(32)),
    Column("finding_closed_on", String(10)),
    Column("finding_closure", Text),
    *by_columns(),
)
Index("rm_shares_decided", shares.c.decided_on)

share_requests = Table(
    "rm_share_requests",
    read_models,
    Column("request_id", String(36), primary_key=True),
    Column("case_ref", String(32), nullable=False),
    Column("requested_on", String(10), nullable=False),
    Column("from_org", String(64), nullable=False),
    Column("to_orgs", Text, nullable=False),
    Column("subject_count", Integer, nullable=False),
    Column("categories", Text, nullable=False),
    Column("om_conditions", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("share_id", String(36)),
    Column("answered_by", String(64)),
    Column("answered_org", String(64)),
    Column("reason", Text),
    *by_columns(),
)

share_subjects = Table(
    "rm_share_subjects",
    read_models,
    Column("share_id", String(36), primary_key=True),
    Column("subject_id", String(36), primary_key=True),
)
Index("rm_share_subjects_subject", share_subjects.c.subject_id)

share_recipients = Table(
    "rm_share_recipients",
    read_models,
    Column("share_id", String(36), primary_key=True),
    Column("organisation", String(64), primary_key=True),
)
Index("rm_share_recipients_org", share_recipients.c.organisation)
