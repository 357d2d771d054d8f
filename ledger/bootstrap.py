"""Assemble the ledger once: store, policies, application, projections, queries.

Tests call :func:`open_ledger` with their own URL and clock; the CLI calls it with the
settings from the environment and config file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ledger.application import Regie
from ledger.projections.runner import Projections
from ledger.projections.tables import read_models
from ledger.queries import Queries
from ledger.store import Store
from policies.loader import Policies, load_policies


@dataclass
class Ledger:
    store: Store
    policies: Policies
    app: Regie
    projections: Projections
    queries: Queries

    def initialise(self) -> bool:
        """Create the store idempotently; True when it was new."""
        return self.store.initialise(extra_metadata=[read_models])

    def close(self) -> None:
        self.app.close()
        self.store.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_ledger(
    database_url: str,
    *,
    policy_dir: Path | None = None,
    clock: Callable[[], date] = date.today,
    require_initialised: bool = True,
) -> Ledger:
    policies = load_policies(policy_dir)
    store = Store(database_url)
    if require_initialised:
        store.require_initialised()
    holder: dict[str, Queries] = {}
    app = Regie(store, policies, lambda year: holder["q"].cases_opened_in(year), clock)
    projections = Projections(store, app.sql_recorder, app.mapper)
    queries = Queries(store, projections, clock)
    holder["q"] = queries
    return Ledger(store, policies, app, projections, queries)
