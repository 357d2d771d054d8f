"""Failed identifications in the access log: unknown, deactivated or refused actors.

NEN 7513 asks for every failed attempt, but an attempt by someone the ledger does not know
costs the caller nothing, and each entry is kept for years: logged one by one without a
bound, anybody who can reach the server could make the ledger grow without end. So failed
identifications are login data of the register's identification activity (default
``aanmelden``: kept 6 months, VNG Selectielijst 19.1.24), recorded with what is known (a
well-formed actor id, else none; the command; why), and at most
``unknown_actor_entries_per_day`` a day. The last entry a day allows says so; later ones
that day are counted in this process and reported as a warning without any identifier
(decision 0044).
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select

from ledger.access.gate import AccessLog
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.domain.access import DENIED
from ledger.domain.acting import Acting
from ledger.projections import tables as t
from ledger.projections.queries import Queries

IDENTIFY = "actor.identify"
"""The command a failed identification is recorded under when the caller named none."""

UNKNOWN = Acting(actor="(unknown)", role="(none)", organisation="(none)")
"""Who an attempt is recorded as when the actor id named no actor: never a valid id."""

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_log = logging.getLogger(__name__)


def safe_handle(handle: str | None) -> str:
    """An actor id as the log may hold it: well-formed, else a placeholder (someone may
    have typed a name where the id goes)."""
    text = (handle or "").strip().lower()
    return text if _HANDLE.fullmatch(text) else "-"


class FailedIdentifications:
    def __init__(self, app: Regie, queries: Queries, log: AccessLog) -> None:
        self.app = app
        self.queries = queries
        self.log = log
        self._counted: dict[str, int] = {}
        self._dropped: dict[str, int] = {}

    def _today_count(self, day: str, activity: str) -> int:
        if day not in self._counted:
            self.queries.projections.catch_up()
            a = t.access_log
            rows = self.queries.rows(
                select(func.count().label("n")).where(
                    a.c.activity == activity, a.c.on_date == day, a.c.outcome == DENIED
                )
            )
            self._counted = {day: int(rows[0]["n"]) if rows else 0}
        return self._counted[day]

    def record(self, by: Acting, command: str, reason: str) -> bool:
        """Log one failed attempt, unless today's bound is reached; True when logged."""
        register = self.app.policies.verwerkingsregister
        activity = register.settings.identification
        limit = register.settings.unknown_actor_entries_per_day
        day = self.app.clock().isoformat()
        count = self._today_count(day, activity)
        if count >= limit:
            self._dropped[day] = self._dropped.get(day, 0) + 1
            if self._dropped[day] in (1, 10, 100, 1000) or self._dropped[day] % 10000 == 0:
                _log.warning(
                    "access log: %d failed identifications today not logged one by one "
                    "(limit %d a day)",
                    self._dropped[day],
                    limit,
                )
            return False
        if count == limit - 1:
            reason += f" (limit of {limit} logged failed identifications a day reached)"
        entries = self.log.entries(
            by, command, "read", [], DEFAULT_PURPOSE, DENIED, reason=reason, activity=activity
        )
        self.app.commit(*entries)
        self._counted[day] = count + 1
        return True
