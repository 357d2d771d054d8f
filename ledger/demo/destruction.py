"""The demo's destruction list (decision 0033): a youth registered three years ago and never
taken into an approach is due; a retention run proposes a list, the proceseigenaar approves
it, the archivaris approves it keeping one item with a reason, and the list is executed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger import commands as c
from ledger.bootstrap import Ledger

REVIEWERS = [
    ("proceseigenaar-demo", "Demo Proceseigenaar", "proceseigenaar"),
    ("archivaris-demo", "Demo Archivaris", "archivaris"),
]


def destroy(ledger: Ledger, day: Callable[[int], date]) -> str:
    """Write the list and its reviews; returns a line saying what was destroyed and kept."""
    admin = ledger.app.acting("beheer-demo", "administrator")
    for handle, name, role in REVIEWERS:
        ledger.actors.register_actor(
            c.build(c.RegisterActor, handle=handle, display_name=name, organisation="gemeente",
                    roles=[role]),
            admin,
        )  # fmt: skip
    uc = ledger.app.acting("uc-demo")
    old = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name="Demo Jongere Oud",
            date_of_birth=day(365 * 19),
            registered_on=day(365 * 3),  # recorded then, never taken into an approach
        ),
        uc,
    ).short
    ledger.persons.record_note(
        c.build(c.RecordNote, subject=old, category="school", text="Verzuim (demo)"), uc
    )
    officer = ledger.app.acting("privacy-demo")
    run = ledger.retention.run(None, officer)
    if run.run_id is None:
        return "no destruction list: nothing was due"
    owner, archivist = (ledger.app.acting(handle) for handle, _, _ in REVIEWERS)
    ledger.retention.approve_list(run.run_id, owner, comment="Termijnen gecontroleerd (demo)")
    items = ledger.retention.show_list(run.run_id, archivist)["items"]
    school = [i["number"] for i in items if i["category"] == "school"]
    ledger.retention.approve_list(
        run.run_id,
        archivist,
        exclude=school,
        reason="Leerplicht vraagt nog inzage (demo)",
        comment="Geen archiefwaarde (demo)",
    )
    done = ledger.retention.execute_list(run.run_id, officer)
    return (
        f"list {run.run_id[:8]} approved by the proceseigenaar and the archivaris: "
        f"{len(done.purged)} key(s) destroyed, {len(school)} kept with a reason "
        f"(regie retention list show {run.run_id[:8]})"
    )
