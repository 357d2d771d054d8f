"""How long a letter says each kind of data is kept: per retention class of the policy
(policies/defaults/retention.toml), in Dutch words, with a Dutch date wherever the start
is already known (the case's closing, the youth's date of birth, a fixed date).

The letter's retention paragraph is AVG art. 14(2)(a); one term for all data would be
wrong (criminal data is kept shorter, the access log longer), so it is one line per
class, naming the categories it covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ledger.durations import Duration
from policies.retention import EVERY_CATEGORY, RetentionClass

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
CLOSED, ENDED = "afgesloten", "beeindigd"


def dutch_date(day: date) -> str:
    """1 december 2031: the way a Dutch letter writes a date, in the body too."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def duration_words(term: Duration) -> str:
    """A duration in Dutch words: P2Y6M is '2 jaar en 6 maanden'."""
    parts = []
    for amount, one, many in (
        (term.years, "jaar", "jaar"),
        (term.months, "maand", "maanden"),
        (term.weeks, "week", "weken"),
        (term.days, "dag", "dagen"),
    ):
        if amount:
            parts.append(f"{amount} {one if amount == 1 else many}")
    if not parts:
        return "0 dagen"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _term(text: str) -> Duration:
    return Duration() if text == "P0D" else Duration.parse(text)


@dataclass(frozen=True)
class RetentionFacts:
    """What is known about the start of each term when the letter is made."""

    held: frozenset[str]
    status: str | None = None
    """The case's status: lopend, beeindigd or afgesloten."""
    closed_on: date | None = None
    agreed_term: str | None = None
    date_of_birth: date | None = None


def retention_lines(
    classes: list[RetentionClass], facts: RetentionFacts, label: Callable[[str], str]
) -> list[str]:
    """One sentence per class that covers data the ledger holds about the youth."""
    out: list[str] = []
    previous: list[str] = []
    for rc in classes:
        if rc.covers == "access-log":
            term = _term(rc.term)
            out.append(
                f"Het logboek van wie gegevens heeft bekeken of gedeeld: "
                f"{duration_words(term)} na de maand waarin iets is vastgelegd"
            )
            continue
        if rc.covers != "subject-data":
            continue
        keys = (
            sorted(facts.held)
            if EVERY_CATEGORY in rc.categories
            else [k for k in rc.categories if k in facts.held]
        )
        if not keys:
            continue
        # The agreed term at closing and the term after an early end are alternatives for
        # the same data: once the case's outcome is known, only one applies.
        early_end = rc.start == "case-closed" and any(
            o.start == "agreed-at-step-7" and set(o.categories) == set(rc.categories)
            for o in classes
        )
        if (rc.start == "agreed-at-step-7" and facts.status == ENDED) or (
            early_end and facts.status == CLOSED
        ):
            continue
        if EVERY_CATEGORY in rc.categories:
            what = "Alle gegevens"
        elif keys == previous:
            what = "Dezelfde gegevens"
        else:
            what = ", ".join(_short(label(k)) for k in keys)
        previous = keys
        when = (
            "bij een vroegtijdig einde van de aanpak "
            if early_end and facts.status != ENDED
            else ""
        )
        out.append(f"{what}: {when}{_rule(rc, facts)}")
    return out


def _short(label: str) -> str:
    """A category's label without its explanation in brackets: 'Identificatie'."""
    return label.split(" (")[0]


def _rule(rc: RetentionClass, facts: RetentionFacts) -> str:
    term = _term(rc.term)
    words = duration_words(term)
    if rc.start == "agreed-at-step-7":
        if facts.status == CLOSED and facts.agreed_term and facts.closed_on:
            agreed = Duration.parse(facts.agreed_term)
            until = agreed.after(facts.closed_on)
            return (
                f"{duration_words(agreed)} te bewaren, tot {dutch_date(until)} (afgesproken "
                f"bij de afronding van de aanpak op {dutch_date(facts.closed_on)})"
            )
        bounds = ""
        if rc.min_term and rc.max_term:
            bounds = (
                f", tussen {duration_words(_term(rc.min_term))} en "
                f"{duration_words(_term(rc.max_term))}"
            )
        return (
            f"{words} na de afronding van de aanpak (de termijn wordt bij de afronding "
            f"afgesproken{bounds})"
        )
    if rc.start == "case-closed":
        if facts.status in (CLOSED, ENDED) and facts.closed_on:
            return f"{words}, tot {dutch_date(term.after(facts.closed_on))}"
        return f"{words} na het einde van de aanpak"
    if rc.start == "membership-ended":
        return f"{words} nadat de jongere niet meer bij de groep hoort"
    if rc.start == "fixed-date" and rc.start_date is not None:
        return f"{words}, tot {dutch_date(term.after(rc.start_date))}"
    if rc.start == "age-reached" and rc.age is not None:
        if facts.date_of_birth is not None:
            born = facts.date_of_birth
            birthday = _birthday(born, rc.age)
            until = term.after(birthday)
            return f"uiterlijk tot {dutch_date(until)}, als de jongere {rc.age} jaar is"
        return f"uiterlijk tot de jongere {rc.age} jaar is"
    if rc.start == "police-data-received":
        return f"{words} na ontvangst van de gegevens van de politie"
    return words


def _birthday(born: date, age: int) -> date:
    """The day of turning ``age``; born on 29 February, it is 1 March in other years."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def retention_criterion(rc: RetentionClass) -> str:
    """One retention class as a sentence, before any start is known (the art. 15 report
    states the criteria, AVG art. 15(1)(d)): what, how long, from when."""
    words = duration_words(_term(rc.term))
    if rc.start == "agreed-at-step-7":
        bounds = ""
        if rc.min_term and rc.max_term:
            bounds = (
                f", tussen {duration_words(_term(rc.min_term))} en "
                f"{duration_words(_term(rc.max_term))}"
            )
        return (
            f"{rc.label}: bewaard tot {words} na afronding van de aanpak (de termijn wordt "
            f"bij de afronding afgesproken{bounds})"
        )
    if rc.start == "case-closed":
        return f"{rc.label}: bewaard tot {words} na het einde van de aanpak"
    if rc.start == "membership-ended":
        return f"{rc.label}: bewaard tot {words} nadat de jongere niet meer bij de groep hoort"
    if rc.start == "fixed-date" and rc.start_date is not None:
        return f"{rc.label}: bewaard tot {words} na {dutch_date(rc.start_date)}"
    if rc.start == "age-reached":
        if _term(rc.term).is_zero:
            return f"{rc.label}: verwijderd zodra de jongere {rc.age} jaar wordt"
        return f"{rc.label}: bewaard tot {words} nadat de jongere {rc.age} jaar is geworden"
    return f"{rc.label}: bewaard tot {words}"
