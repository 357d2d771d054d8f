"""ISO 8601 durations for bewaartermijnen: calendar-aware (years, months, weeks, days).

Retention is counted in calendar units ("5 jaar"), which ``timedelta`` cannot express,
so we keep the four parts and add them to dates ourselves.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.errors import BadInput

_PATTERN = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True, order=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text.strip().upper())
        if not match:
            raise BadInput(f"'{text}' is not an ISO 8601 duration such as P5Y, P18M, P2Y6M or P30D")
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        duration = cls(years, months, weeks, days)
        if duration.is_zero:
            raise BadInput(f"'{text}' is a zero duration; a bewaartermijn must be positive")
        return duration

    @property
    def is_zero(self) -> bool:
        return not (self.years or self.months or self.weeks or self.days)

    def after(self, start: date) -> date:
        """The date this duration after ``start``; 31 Jan + P1M is the last day of February."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year = start.year + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(weeks=self.weeks, days=self.days)

    def iso(self) -> str:
        parts = [(self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D")]
        return "P" + "".join(f"{n}{unit}" for n, unit in parts if n)
