"""Reminders as an iCalendar file (RFC 5545, with the ``icalendar`` package: decision
0034), so people get them in their own calendar: one all-day event per reminder, with a
stable UID, so that importing a newer file updates an entry instead of doubling it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//regie//herinneringen//NL"
LABELS = {
    "actie": "Actie",
    "informatieplicht": "Informatieplicht",
    "uitstel": "Uitstel informatieplicht herbeoordelen",
    "afwachten": "Afwachten: opnieuw bekijken",
    "verzoek": "Verzoek van een betrokkene beslissen",
    "overleg": "Overleg: agenda en notulen",
    "tussenevaluatie": "Tussenevaluatie plan van aanpak",
    "actiepunt": "Actiepunt uit een overleg",
    "blokkade": "Juridische blokkade herbeoordelen",
}


def calendar_file(reminders: Iterable[dict[str, Any]], made_at: datetime) -> bytes:
    """The reminders as a VCALENDAR; ``made_at`` (aware) is every entry's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "regie herinneringen")
    for r in reminders:
        day = date.fromisoformat(r["due"])
        event = Event()
        event.add("uid", f"{r['uid']}@regie")
        event.add("dtstamp", made_at)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        late = " (te laat)" if r["overdue"] else ""
        where = r["case"] or "regie"  # a hold on a subject names no case
        event.add("summary", f"{where}: {LABELS.get(r['kind'], r['kind'])}{late}")
        event.add(
            "description",
            f"{r['what']}\nOpvolging: {r['owner'] or '-'}\nZie: regie reminders --json",
        )
        event.add("categories", [r["kind"]])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
