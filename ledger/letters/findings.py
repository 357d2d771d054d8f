"""What the privacy officer must see about the information duty (`audit findings`):
letters overdue or delivered late, youths of 12 to 15 whose representatives should be
informed but none is registered, and deferrals awaiting the privacy officer."""

from __future__ import annotations

from typing import Any

from ledger.letters.status import LetterStatus

Row = dict[str, Any]
LATE_LETTER = "informatieplicht-te-laat"
NO_REPRESENTATIVE = "vertegenwoordiger-onbekend"
PENDING_DEFERRAL = "uitstel-ter-bevestiging"


def _finding(kind: str, on: str, actor: str | None, case: str | None, detail: str) -> Row:
    return {"kind": kind, "on": on, "actor": actor, "case": case, "detail": detail}


class LetterFindings:
    def __init__(self, status: LetterStatus) -> None:
        self.status = status

    def all(self) -> list[Row]:
        day = self.status.app.clock()
        out = []
        for r in self.status.rows(day):
            who = f"informatieplicht {r['subject']}"
            if r["late"] and r["deferred_until"] is None:
                done = not r["open"] and not r["missing_representative"]
                detail = (
                    f"{who}: uiterlijk {r['deadline']}, geïnformeerd na de termijn"
                    if done
                    else f"{who}: uiterlijk {r['deadline']}, nog niet iedereen geïnformeerd"
                    " (`regie letters generate` of `regie letters inform`)"
                )
                out.append(_finding(LATE_LETTER, r["deadline"], None, r["case"], detail))
            if r["missing_representative"]:
                out.append(
                    _finding(
                        NO_REPRESENTATIVE,
                        r["triggered_on"],
                        None,
                        r["case"],
                        f"{who}: de wettelijk vertegenwoordigers moeten worden geïnformeerd, "
                        "maar er is er geen geregistreerd (`regie subject add --kind "
                        "wettelijk-vertegenwoordiger`)",
                    )
                )
            pending = r["pending_deferral"]
            if pending is not None:
                out.append(
                    _finding(
                        PENDING_DEFERRAL,
                        pending["on"],
                        pending["by"],
                        r["case"],
                        f"{who}: uitgesteld ({pending['ground']}) door {pending['by']}, wacht "
                        f"op `regie letters decide-deferral {r['subject']}`",
                    )
                )
        return out
