"""The access log in the shape of the Logboek Dataverwerkingen (Logius / MinBZK).

One record per access-log entry, with the fields of the standard's "Component: Logboek"
(werkversie, github.com/MinBZK/logboek-dataverwerkingen, sections/03-specificaties):
``trace_id``, ``operation_id``, ``parent_operation_id``, ``name``, ``status_code``,
``start_time``, ``end_time`` (milliseconds since the Unix epoch), ``resource`` and
``attributes`` with ``dpl.core.processing_activity_id`` (the activity's URI in the
verwerkingsregister) and ``dpl.core.data_subject_id`` (the pseudonym, never a BSN or a
name). What NEN 7513 asks beyond that (user, role, organisation, action, purpose, outcome,
categories, case, retention) is in the ``dpl.regie.*`` namespace, and so is VNG
Verwerkingenlogging's confidentiality: ``dpl.regie.confidential`` marks an entry about a
subject whose information duty is deferred (decision 0044).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from ledger.domain.access import GRANTED
from ledger.domain.subject import short_id
from ledger.durations import Duration
from policies.register import RegisterFile

LDV_VERSION = "Logboek Dataverwerkingen, werkversie (MinBZK/logboek-dataverwerkingen)"
OK, ERROR = "STATUS_CODE_OK", "STATUS_CODE_ERROR"


def _millis(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def ldv_record(
    row: dict[str, Any], register: RegisterFile, version: str, confidential: bool = False
) -> dict[str, Any]:
    """One access-log row (``rm_access_log``) as an LDV record. An entry written before
    the register (version 1 of the event) has no activity or retention of its own: it gets
    the register's for its command, marked ``dpl.regie.derived``."""
    derived = not row["activity"]
    activity = (
        register.activity_of(row["command"]) if derived else register.by_id_or_none(row["activity"])
    )
    retention = row["retention"] or (activity.retention if activity else "")
    at = _millis(row["at"])
    attributes: dict[str, Any] = {
        "dpl.core.processing_activity_id": (
            register.uri(activity) if activity else f"{register.settings.uri}#{row['activity']}"
        ),
        "dpl.regie.action": row["action"],
        "dpl.regie.user_id": row["actor"],
        "dpl.regie.role": row["role"],
        "dpl.regie.organisation": row["org"],
        "dpl.regie.purpose": row["purpose"],
        "dpl.regie.outcome": row["outcome"],
        "dpl.regie.categories": json.loads(row["categories"]),
        "dpl.regie.retention": retention,
        "dpl.regie.retain_until": (
            Duration.parse(retention).after(date.fromisoformat(row["on_date"])).isoformat()
            if retention
            else None
        ),
    }
    if row["subject_id"]:
        attributes["dpl.core.data_subject_id"] = short_id(row["subject_id"])
    if row["case_ref"]:
        attributes["dpl.regie.case"] = row["case_ref"]
    if row["reason"]:
        attributes["dpl.regie.reason"] = row["reason"]
    if derived:
        attributes["dpl.regie.derived"] = True
    if confidential:
        attributes["dpl.regie.confidential"] = True  # not for the subject while it holds
    application, _, channel = row["application"].partition("/")
    return {
        "trace_id": row["trace_id"],
        "operation_id": row["operation_id"],
        "parent_operation_id": row["parent_operation_id"],
        "name": row["command"],
        "status_code": OK if row["outcome"] == GRANTED else ERROR,
        "start_time": at,
        "end_time": at,
        "resource": {
            "attributes": {
                "service.name": application,
                "service.version": version,
                "dpl.regie.channel": channel or "cli",
                "dpl.regie.access_id": row["access_id"],
            }
        },
        "attributes": attributes,
    }
