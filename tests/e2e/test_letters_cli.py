"""`regie letters inform` and `letters decide-deferral` on the command line: one line
and exit 1 for a rule, exit 2 for bad input, nothing written; no personal data echoed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from tests.integration.test_letters import DAY, YOUTH_NAME, World, cli
from tests.integration.test_letters import cli_world as cli_world  # the fixture

TOLD = "Ouder gebeld: uitgelegd welke gegevens we delen"


def test_informing_through_the_cli(cli_world: dict[str, Any]) -> None:
    world: World = cli_world["world"]
    no_told = cli("letters", "inform", world.youth, "--how", "telefoon", "--to", "jongere")
    assert no_told.exit_code == 2 and len(no_told.output.strip().splitlines()) == 1
    via = cli(
        "letters", "inform", world.youth, "--how", "via-partner", "--to", "jongere", "--told", TOLD
    )
    assert via.exit_code == 1 and "[rule informing.via-partner]" in via.output
    phoned = cli(
        "letters",
        "inform",
        world.youth,
        "--how",
        "telefoon",
        "--to",
        "vertegenwoordiger",
        "--by-org",
        "jongerenwerk",
        "--on",
        DAY,
        "--told",
        TOLD,
        "--json",
    )
    assert phoned.exit_code == 0, phoned.output
    row = json.loads(phoned.output)
    assert (row["addressee"], row["by_org"], row["how"]) == (
        world.representatives[0],
        "jongerenwerk",
        "telefoon",
    )
    assert TOLD not in phoned.output and YOUTH_NAME not in phoned.output
    again = cli(
        "letters",
        "inform",
        world.youth,
        "--how",
        "telefoon",
        "--to",
        "vertegenwoordiger",
        "--told",
        TOLD,
    )
    assert again.exit_code == 1 and "[rule informing.once]" in again.output
    due = json.loads(cli("letters", "due", "--all", "--json").output)
    [mine] = [r for r in due if r["subject"] == world.youth]
    assert [x["how"] for x in mine["informed"]] == ["telefoon"] and mine["open"]


def test_a_deferral_decided_through_the_cli(cli_world: dict[str, Any]) -> None:
    world: World = cli_world["world"]
    review = (date.today() + timedelta(days=60)).isoformat()  # the CLI's clock is the real one
    deferred = cli(
        "letters",
        "defer",
        world.youth,
        "--ground",
        "uavg41",
        "--reason",
        "Lopend onderzoek",
        "--review-date",
        review,
    )
    assert deferred.exit_code == 0, deferred.output
    own = cli("letters", "decide-deferral", world.youth, "--confirm", "--reason", "zelf")
    assert own.exit_code == 1 and "[rule letter.deferral-confirmer]" in own.output
    confirmed = cli(
        "--as",
        "privacy-officer",
        "letters",
        "decide-deferral",
        world.youth,
        "--confirm",
        "--reason",
        "Bevestigd",
        actor="fg-test",
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert "confirmed" in confirmed.output
    due = json.loads(cli("letters", "due", "--all", "--json").output)
    [mine] = [r for r in due if r["subject"] == world.youth]
    assert mine["status"] == f"deferred until {review}"
