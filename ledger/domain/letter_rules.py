"""The rules of informing as practised and of letters a privacy officer signs off
(issue 12 items 1-2), each with its source; registered in RULES like ledger.domain.rules."""

from __future__ import annotations

from ledger.domain.rule import rule as _r

INFORMING_ADDRESSEE = _r(
    "informing.addressee",
    "informing is recorded for the youth or one of their registered legal representatives "
    "(`regie subject add --kind wettelijk-vertegenwoordiger`)",
    "AVG art. 12(1), 14; policies/defaults/letters.toml [[age_band]]",
)
INFORMING_ONCE = _r(
    "informing.once",
    "this addressee was already recorded as informed",
    "AVG art. 14(3)",
)
INFORMING_DATE = _r(
    "informing.date",
    "informing is recorded on or after the day the information duty began, and not in the future",
    "AVG art. 14(3)",
)
INFORMING_OWN_ORG = _r(
    "informing.own-organisation",
    "a partner contact records the informing done by their own organisation only",
    "000 L280-282 (Loket Jeugd belt de ouders); policies/defaults/permissions.toml",
)
INFORMING_PARTNER = _r(
    "informing.via-partner",
    "informing through a partner names that partner (--by-org), another organisation "
    "than the sender",
    "000 L280-282; AVG art. 14 (vormvrij, mits vastgelegd)",
)
DEFERRAL_CONFIRMER = _r(
    "letter.deferral-confirmer",
    "a deferral on this ground is confirmed or rejected by the privacy officer "
    "(letters.toml [deferral] confirmed_by), never by whoever deferred",
    "UAVG art. 41(2); AVG art. 38-39 (taken van de FG)",
)
DEFERRAL_NOT_PENDING = _r(
    "letter.deferral-not-pending",
    "there is no deferral awaiting confirmation",
    "UAVG art. 41",
)
CONTROLLER_DETAILS = _r(
    "letter.controller-details",
    "every controller in a letter needs its name, address, contact, privacy officer "
    "(FG) and, for the sender, a signatory in letters.toml [[controller]]",
    "AVG art. 14(1)(a)-(b), 26(2)",
)
