"""Read-model tables. Natural keys only (no surrogate ids) so a rebuild is byte-identical."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from ledger.projections.metadata import SHAPE as SHAPE
from ledger.projections.metadata import STEP_FORWARD as STEP_FORWARD
from ledger.projections.metadata import by_columns
from ledger.projections.metadata import read_models as read_models
from ledger.projections.metadata import tracking as tracking
from ledger.projections.retention_tables import erasures as erasures
from ledger.projections.retention_tables import holds as holds
from ledger.projections.retention_tables import purges as purges
from ledger.projections.retention_tables import retention_runs as retention_runs

# Every read-model table module is imported here, so that `read_models` is complete
# (create_all, drop_all, a rebuild) whatever else a process has imported (decision 0041).
from ledger.projections.reuse_table import reuses as reuses
from ledger.projections.rights_tables import rectifications as rectifications
from ledger.projections.rights_tables import rights_requests as rights_requests
from ledger.projections.sharing_tables import share_recipients as share_recipients
from ledger.projections.sharing_tables import share_requests as share_requests
from ledger.projections.sharing_tables import share_subjects as share_subjects
from ledger.projections.sharing_tables import shares as shares
from ledger.projections.token_table import tokens as tokens

actors = Table(
    "rm_actors",
    read_models,
    Column("actor_id", String(36), primary_key=True),
    Column("handle", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("roles", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("bootstrap", Boolean, nullable=False),
    Column("db_user", String(64), nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("registered_by", String(64), nullable=False),
    Column("deactivated_at", String(40)),
)

cases = Table(
    "rm_cases",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("working_name", Text, nullable=False),
    Column("municipality", Text, nullable=False),
    Column("area", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("step", Integer, nullable=False),
    Column("merged_4_5", Boolean, nullable=False),
    Column("coordinator", String(64)),
    Column("opened_on", String(10), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("signal_count", Integer, nullable=False),
    Column("decision_count", Integer, nullable=False),
    Column("last_decision", String(32)),
    Column("plan_version", Integer, nullable=False),
    Column("ended_outcome", String(64)),
    Column("ended_on", String(10)),
    Column("closed_on", String(10)),
    Column("goals_reached", String(8)),
    Column("goals_assessment", Text),
    Column("bewaartermijn", String(32)),
    Column("evaluation", Text),
    Column("updated_at", String(40), nullable=False),
)
Index("rm_cases_year", cases.c.year)

step_history = Table(
    "rm_step_history",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("from_step", Integer, nullable=False),
    Column("to_step", Integer),
    Column("body", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("outcome", String(64)),
    Column("decided_on", String(10), nullable=False),
    Column("policy_hash", String(64)),  # of an early end; a step itself is judged by code
    *by_columns(),
)

decisions = Table(
    "rm_decisions",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("step", Integer, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("items", Text, nullable=False),
    Column("motivation", Text, nullable=False),
    Column("body", String(64), nullable=False),
    Column("decided_on", String(10), nullable=False),
    Column("policy_hash", String(64)),
    Column("review_on", String(10)),  # a working decision to wait: when to look again
    Column("level", String(64)),  # a working decision to share at another level
    *by_columns(),
)

signals = Table(
    "rm_signals",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("observed_on", String(10), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("location", Text, nullable=False),
    Column("source_org", String(64), nullable=False),
    Column("source_role", Text, nullable=False),
    Column("text", Text, nullable=False),
    *by_columns(),
)

plans = Table(
    "rm_plans",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("goals", Text, nullable=False),
    Column("tracks", Text, nullable=False),
    Column("actions", Text, nullable=False),
    Column("withdrawn", Text, nullable=False),
    *by_columns(),
)

actions = Table(
    "rm_actions",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("track", String(64), nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("person", Text, nullable=False),
    Column("due", String(10), nullable=False),
    Column("status", String(16), nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("completed_on", String(10)),
    Column("note", Text),
    Column("escalations", Integer, nullable=False),
    Column("last_escalated_to", Text),
    Column("last_escalated_on", String(10)),
    Column("handed_over_to", String(64)),
    # An urgent measure before the formal decision: why, who authorised it, which decision
    # ratified it (None: still awaiting ratification).
    Column("urgent", Boolean, nullable=False, default=False),
    Column("urgent_reason", Text),
    Column("authorised_by", Text),
    Column("ratified_by", Integer),
)
Index("rm_actions_status_due", actions.c.status, actions.c.due)

escalations = Table(
    "rm_escalations",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("number", Integer, nullable=False),
    Column("escalated_to", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("escalated_on", String(10), nullable=False),
    *by_columns(),
)

# Persons: pseudonymous ids only. Names and other personal fields never reach a read model.
subjects = Table(
    "rm_subjects",
    read_models,
    Column("subject_id", String(36), primary_key=True),
    Column("short", String(16), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("youth_id", String(36)),
    Column("registered_at", String(40), nullable=False),
    Column("registered_on", String(10), nullable=False),
    Column("registered_by", String(64), nullable=False),
    Column("note_count", Integer, nullable=False),
    Column("categories", Text, nullable=False),
    Column("dob_sealed", Text),
    Column("erased_at", String(40)),
    Column("erased_by", String(64)),
    Column("erasure_basis", Text),
)

members = Table(
    "rm_members",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("subject_id", String(36), primary_key=True),
    Column("core", String(32), nullable=False),
    Column("influence", String(32), nullable=False),
    Column("kopstuk", Boolean, nullable=False),
    Column("since", String(10), nullable=False),
    Column("first_from", String(10), nullable=False),
    Column("ended_on", String(10)),
)
Index("rm_members_subject", members.c.subject_id)

member_history = Table(
    "rm_member_history",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("subject_id", String(36), nullable=False),
    Column("change", String(16), nullable=False),
    Column("core", String(32)),
    Column("influence", String(32)),
    Column("kopstuk", Boolean),
    Column("on_date", String(10), nullable=False),
    *by_columns(),
)

namenlijsten = Table(
    "rm_namenlijsten",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("subjects", Text, nullable=False),
    Column("partners", Text, nullable=False),
    Column("agreed_on", String(10), nullable=False),
    Column("additions", Integer, nullable=False),  # subjects added with a motivation (0030)
    *by_columns(),
)

groepsscans = Table(
    "rm_groepsscans",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("requested_by", String(32), nullable=False),
    Column("addressed_to", Text, nullable=False),
    Column("motivation", Text, nullable=False),
    Column("requested_on", String(10), nullable=False),
    Column("received_on", String(10)),
    Column("recipients", Text),
    Column("unknown_names", Integer),
    Column("informatiepositie", String(16)),
    # Who sent the request and who recorded the scan received, when (decision 0030):
    # the groepsscan is a provision in the register of disclosures.
    Column("requested_org", String(64)),
    Column("requested_actor", String(64)),
    Column("requested_role", String(64)),
    Column("requested_at", String(40)),
    Column("received_actor", String(64)),
    Column("received_role", String(64)),
    Column("received_org", String(64)),
    Column("received_at", String(40)),
)

police_reports = Table(
    "rm_police_reports",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("subject_id", String(36), nullable=False),
    Column("reported_on", String(10), nullable=False),
    *by_columns(),
)

participants = Table(
    "rm_participants",
    read_models,
    Column("case_id", String(36), primary_key=True),
    Column("actor", String(64), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("active", Boolean, nullable=False),
)

# -- sharing ---------------------------------------------------------------------------

convenants = Table(
    "rm_convenants",
    read_models,
    Column("convenant_id", String(36), primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("versions", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

convenant_versions = Table(
    "rm_convenant_versions",
    read_models,
    Column("convenant_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content", Text, nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_until", String(10)),
    *by_columns(),
)

convenant_signatures = Table(
    "rm_convenant_signatures",
    read_models,
    Column("convenant_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("party", String(64), primary_key=True),
    Column("signer", Text, nullable=False),
    Column("signed_on", String(10), nullable=False),
    *by_columns(),
)


# -- access log (NEN 7513) ---------------------------------------------------------------

access_log = Table(
    "rm_access_log",
    read_models,
    Column("access_id", String(36), primary_key=True),
    Column("at", String(40), nullable=False),
    Column("on_date", String(10), nullable=False),
    Column("action", String(16), nullable=False),
    Column("command", String(64), nullable=False),
    Column("subject_id", String(36)),
    Column("case_ref", String(32)),
    Column("categories", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(64), nullable=False),
    Column("org", String(64), nullable=False),
    # Logboek Dataverwerkingen (decision 0044); empty activity/retention: before the register
    Column("trace_id", String(32), nullable=False),
    Column("operation_id", String(16), nullable=False),
    Column("parent_operation_id", String(16)),
    Column("activity", String(64), nullable=False),
    Column("retention", String(32), nullable=False),
    Column("application", String(64), nullable=False),
)
Index("rm_access_subject_at", access_log.c.subject_id, access_log.c.at)
Index("rm_access_actor_at", access_log.c.actor, access_log.c.at)
Index("rm_access_at", access_log.c.at)
Index("rm_access_activity_on", access_log.c.activity, access_log.c.on_date)

MUTABLE = (
    actors, cases, actions, subjects, members, groepsscans, participants, convenants, shares,
    share_requests,
    holds, retention_runs,
)  # fmt: skip
APPEND_ONLY = (
    step_history, decisions, signals, plans, escalations, member_history, namenlijsten,
    police_reports, convenant_versions, convenant_signatures, share_subjects, share_recipients,
    access_log, purges, erasures,
)  # fmt: skip
ALL = (*MUTABLE, *APPEND_ONLY)
