"""How each event changes the read models: the handlers of every capability, by event class."""

from __future__ import annotations

from ledger.projections.handlers import cases, persons, retention, rights, sharing, tokens
from ledger.projections.handlers.common import Handler

HANDLERS: dict[type, Handler] = {
    **cases.HANDLERS,
    **persons.HANDLERS,
    **sharing.HANDLERS,
    **retention.HANDLERS,
    **tokens.HANDLERS,
    **rights.HANDLERS,
}
