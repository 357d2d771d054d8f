"""Human renderings of read models that more than one command prints."""

from __future__ import annotations

from typing import Any

from cli.common import table


def case_overview(o: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.text import Text

    from ledger.cases.labels import step_label

    console = Console()
    status = o["status"]
    header = (
        f"  {o['working_name']}  ({o['municipality']}, {o['area']})\n"
        f"Status: {status}   Stap: {step_label(o['step'])}"
        + ("  (stappen 4 en 5 samengevoegd)" if o["merged_4_5"] else "")
        + f"\nUitvoeringscoördinator: {o['coordinator'] or '— (nog niet aangewezen)'}"
        f"   Geopend: {o['opened_on']} door {o['opened_by']}"
        f"\nSignalen: {o['signal_count']}   Plan van aanpak: "
        + (f"versie {o['plan_version']}" if o["plan_version"] else "—")
    )
    if o.get("ended_outcome"):
        header += f"\nBeëindigd op {o['ended_on']}: {o['ended_outcome']}"
    if o.get("closed_on"):
        header += (
            f"\nAfgesloten op {o['closed_on']}; doelen bereikt: {o['goals_reached']}; "
            f"bewaartermijn: {o['bewaartermijn']}"
        )
    # Text, not markup: a working name may hold brackets.
    console.print(Text(o["ref"], style="bold") + Text(header))
    table(
        "Stappen",
        ["datum", "soort", "van", "naar", "orgaan", "wie", "reden"],
        (
            (
                s["decided_on"],
                s["kind"],
                s["from_step"],
                s["to_step"] or s["outcome"],
                s["body"],
                s["actor"],
                s["reason"],
            )
            for s in o["step_history"]
        ),
    )
    table(
        "Besluiten (stap 4)",
        ["#", "datum", "uitkomst", "orgaan", "toelichting"],
        (
            (
                d["number"],
                d["decided_on"],
                _outcome(d),
                d["body"],
                "; ".join(f"{k}: {v}" for k, v in d["items"].items()) or d["motivation"],
            )
            for d in o["decisions"]
        ),
    )
    actions(o["actions"], title="Acties", with_case=False)
    table(
        "Escalaties",
        ["datum", "actie", "naar", "reden", "wie"],
        (
            (e["escalated_on"], e["action"], e["escalated_to"], e["reason"], e["actor"])
            for e in o["escalations"]
        ),
    )
    if "members" in o:
        table(
            "Leden",
            ["subject", "naam", "kern/aanhang", "invloed", "kopstuk", "sinds", "tot"],
            (
                (
                    m["subject"],
                    m["name"],
                    m["core"],
                    m["influence"],
                    "ja" if m["kopstuk"] else "",
                    m["since"],
                    m["ended_on"],
                )
                for m in o["members"]
            ),
        )
    if o["overdue_actions"]:
        console.print(
            "[bold red]Over tijd:[/bold red] "
            + ", ".join(f"A{a['number']} (uiterlijk {a['due']})" for a in o["overdue_actions"])
        )


def actions(rows: list[dict[str, Any]], title: str = "Acties", with_case: bool = True) -> None:
    """The actions; within one case's overview its ref on every row would only take room."""
    columns = ["id", "actie", "spoor", "organisatie", "persoon", "uiterlijk", "status"]
    table(
        title,
        [*(["case"] if with_case else []), *columns, "escalaties"],
        (
            (
                *([a["ref"]] if with_case else []),
                a["id"],
                a["description"],
                a["track"],
                a["organisation"],
                a["person"],
                a["due"] + (" (over tijd)" if a["overdue"] else ""),
                _status(a),
                a["escalations"],
            )
            for a in rows
        ),
    )


def _outcome(decision: dict[str, Any]) -> str:
    """A working decision says what it decided: until when, or which level."""
    if decision.get("review_on"):
        return f"{decision['outcome']} (opnieuw op {decision['review_on']})"
    if decision.get("level"):
        return f"{decision['outcome']}: {decision['level']}"
    return str(decision["outcome"])


def _status(action: dict[str, Any]) -> str:
    """An urgent measure says whether a decision ratified it yet."""
    if not action.get("urgent"):
        return str(action["status"])
    ratified = action.get("ratified_by")
    urgency = f"spoed, bekrachtigd in besluit {ratified}" if ratified else "spoed, te bekrachtigen"
    return f"{action['status']} ({urgency})"
