"""Assemble the ledger once: store, keys, policies, application, projections, queries.

Tests call :func:`open_ledger` with their own URL, key directory and clock; the CLI calls
it with the settings from the environment and config file.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import cached_property
from pathlib import Path
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError, Cache, LRUCache
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError

from ledger.access.gate import AccessLog, Gate
from ledger.access.identification import (
    IDENTIFY,
    UNKNOWN,
    safe_handle,
)
from ledger.application import Regie
from ledger.assembly.services import Services
from ledger.audit import nodes, triggers
from ledger.audit.log import TamperEvidentLog
from ledger.audit.service import LogAudit
from ledger.config import default_key_dir
from ledger.crypto.envelope import CaseTexts
from ledger.crypto.keyfiles import KeyFiles, KeysMissing, key_id
from ledger.crypto.keystore import (
    KEYSTORE_FILE,
    KeyStore,
    data_keys,
    sqlite_keystore_engine,
)
from ledger.crypto.seal import Sealer
from ledger.domain.acting import Acting
from ledger.domain.policy import POLICY_SET_ID, SYSTEM, PolicySet
from ledger.errors import (
    BadInput,
    Inconsistent,
    NotFound,
    NotInitialised,
    RegieError,
    Unauthorised,
)
from ledger.operations.integrity import Integrity
from ledger.projections.queries import Queries
from ledger.projections.runner import Projections
from ledger.store import Store
from ledger.store.schema import events, meta
from policies.loader import Policies, load_policies


class Ledger(Services):
    def __init__(
        self,
        store: Store,
        policies: Policies,
        keys: KeyFiles,
        clock: Callable[[], date],
    ) -> None:
        self.store = store
        self.policies = policies
        self.keys = keys
        self.log = TamperEvidentLog(keys.signing_key, self.origin)
        store.append_hooks.append(self.log)
        self.app = Regie(store, policies, clock)
        self.projections = Projections(
            store,
            self.app.sql_recorder,
            self.app.mapper,
            lambda owner, field, sealed: self.sealer.open(owner, field, sealed),
        )
        self.queries = Queries(store, self.projections, clock)
        self.access_log = AccessLog(self.app, lambda: self.sealer)
        self.gate = Gate(self.app, self.access_log)
        self.audit_log = LogAudit(store, keys, self.origin)
        self.log.key_chain = self.audit_log.chain_in
        self.integrity = Integrity(self.app, store, keys, self.log, self.audit_log, self.origin)
        store.seal_hooks.append(self.log.seal)
        store.commit_hooks.append(self.integrity.after_commit)
        store.rollback_hooks.append(self.log.discard)
        self.gate.guard = self.integrity.guard
        self.app.before_first_write = self._before_first_write
        self.app.texts = CaseTexts(lambda: self.sealer)

    # -- identity -----------------------------------------------------------------------

    def identify(self, actor: str | None, role: str | None, command: str = IDENTIFY) -> Acting:
        """The acting identity of the embedded ledger. On PostgreSQL it is the actor
        registered with the database login, found in the history (never in a read model:
        decision 0025); a setting can name it, or choose among several actors of one
        login, but never choose another person. A failure is logged (bounded a day) with
        what is known: a well-formed actor id and the command (decision 0044)."""
        try:
            login = self.database_user()
            if login is not None:
                actor = self._actor_of_login(login, actor)
            return self.app.acting(actor, role)
        except Unauthorised as exc:
            with suppress(RegieError):  # the refusal stands even when it cannot be logged
                reason = exc.message
                if actor:  # the id as typed may be a name: the log keeps only a well-formed id
                    reason = reason.replace(actor, safe_handle(actor))
                self.identifications.record(self._attempted(actor), command, reason)
            raise

    def _attempted(self, handle: str | None) -> Acting:
        """Who a failed identification is recorded as: the actor when the id names one
        (deactivated, or without the role), else :data:`UNKNOWN`."""
        safe = safe_handle(handle)
        try:
            return self.app.actor(safe).acting_as(None) if safe != "-" else UNKNOWN
        except NotFound:
            return UNKNOWN

    def _actor_of_login(self, login: str, named: str | None) -> str:
        mapped = self.app.actors_with_login(login)
        if not mapped:
            raise Unauthorised(
                f"database user '{login}' is not registered as an actor; an administrator "
                f"runs `regie actor add <id> ... --db-user {login}`"
            )
        if named:
            if named.lower() not in mapped:
                raise Unauthorised(
                    f"on PostgreSQL you act as the actor of database user '{login}' "
                    f"({', '.join(mapped)}); REGIE_ACTOR cannot choose another person"
                )
            return named.lower()
        if len(mapped) > 1:
            raise Unauthorised(
                f"database user '{login}' is the login of {', '.join(mapped)}; set "
                "REGIE_ACTOR to the one acting"
            )
        return mapped[0]

    def database_user(self) -> str | None:
        if self.store.dialect != "postgresql":
            return None
        with self.store.read() as conn:
            return str(conn.exec_driver_sql("SELECT current_user").scalar())

    # -- keys -------------------------------------------------------------------------

    @cached_property
    def keystore(self) -> KeyStore:
        """The key store, refused unless it is this ledger's and the master key opens it."""
        self._require_key_store()
        engine = (
            sqlite_keystore_engine(self.keys.directory)
            if self.store.dialect == "sqlite"
            else self.store.engine
        )
        keystore = KeyStore(engine, self.keys.master_keys(), self.keys.current_master())
        keystore.before_destroy = self.store.make_durable
        if keystore.opens_with(self.keys.current_master()) is False:
            staged = self.keys.staged_master()  # a rotation to finish with `regie keys rotate`
            if staged is None or not keystore.opens_with(staged):
                keystore.engine.dispose()
                raise BadInput(
                    f"the configured master key ({self.keys.master_source()}) does not open "
                    "this ledger's key store; check REGIE_MASTER_KEY, REGIE_MASTER_KEY_FILE "
                    "and REGIE_KEY_DIR"
                )
        return keystore

    def _require_key_store(self) -> None:
        """A ledger with events never gets a new, empty key store: its sealed data would
        stay sealed for good, and new data would be sealed under keys nobody expects."""
        if self.store.dialect == "sqlite":
            path = self.keys.directory / KEYSTORE_FILE
            if path.exists() or not self._has_events():
                return
            raise KeysMissing(
                f"this ledger has events but no key store at {path}; set REGIE_KEY_DIR to "
                "the ledger's key directory (a new key store would not open its sealed data)"
            )
        with self.store.read() as conn:
            present = inspect(conn).has_table(data_keys.name)
        if not present and self._has_events():
            raise KeysMissing(
                "this ledger has events but its database lacks the key store tables; restore "
                "them from a backup (a new key store would not open its sealed data)"
            )

    def _has_events(self) -> bool:
        with self.store.read() as conn:
            if not inspect(conn).has_table(events.name):
                return False
            return conn.execute(select(events.c.notification_id).limit(1)).first() is not None

    @cached_property
    def sealer(self) -> Sealer:
        return Sealer(self.keystore)

    def origin(self) -> str:
        """The name this ledger signs its checkpoints with."""
        with self.store.read() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == "ledger_id")).scalar()
        if value is None:
            raise NotInitialised("the ledger has no identity yet; run `regie init`")
        return f"regie/{value}"

    def rotate_master_key(self) -> dict[str, object]:
        """Stage a new master key, re-wrap all data keys, then make the new key current."""
        keystore = self.keystore  # checked before anything new is written
        new = self.keys.stage_next_master()
        count = keystore.rewrap(new)
        self.keys.promote_next_master()
        return {"rewrapped": count, "key_id": key_id(new)}

    def _before_first_write(self) -> None:
        self.activate_policies()
        self.finish_destructions()

    def activate_policies(self) -> bool:
        """Record the policy set in force if it is not the one recorded last (decision 0022)."""
        policy_hash, files = self.policies.policy_hash, self.policies.fingerprint
        try:
            found: object = self.app.repository.get(POLICY_SET_ID)
        except AggregateNotFoundError:
            found = PolicySet(policy_hash=policy_hash, files=files, by=SYSTEM)
        else:
            if not isinstance(found, PolicySet):
                raise Inconsistent("the policy-set record of this ledger is not readable")
            if not found.activate(policy_hash, files):
                return False
        self.app.commit(found)
        return True

    def finish_destructions(self) -> int:
        """Destroy the keys of every recorded erasure or purge that a crash left alive.

        Runs before the first write of each process, so that a kill -9 between the record
        and the destruction is repaired by whatever writes next. A failure here (the key
        store unreachable, say) leaves the write to go ahead: the destruction stays a finding
        (`audit findings`) and the next `retention run` or write tries again.
        """
        destructions = self.destructions
        try:
            return destructions.finish(destructions.unfinished())
        except (RegieError, SQLAlchemyError):
            return 0

    def forget_cached(self) -> None:
        """Drop the aggregates this process holds in memory, after a transaction that
        wrote them was rolled back (the server's group commit): they are read again."""
        repository = self.app.repository
        if isinstance(repository.cache, LRUCache):
            repository.cache = LRUCache(maxsize=repository.cache.maxsize)
        elif repository.cache is not None:
            repository.cache = Cache()

    # -- lifecycle --------------------------------------------------------------------

    def initialise(self) -> bool:
        """Create store, triggers, keys and key store idempotently; True when new."""
        from ledger.projections.tables import read_models

        created = self.store.initialise(extra_metadata=[read_models])
        self.store.migrate()

        with self.store.write(lock=False) as conn:
            triggers.install(conn)
            if conn.execute(select(meta.c.key).where(meta.c.key == "ledger_id")).first() is None:
                conn.execute(meta.insert().values(key="ledger_id", value=str(uuid4())))
        self._require_key_store()  # before making keys in what may be the wrong directory
        self.keys.create_missing()
        self.keystore.initialise()
        return created

    def close(self) -> None:
        self.app.close()
        if "keystore" in self.__dict__ and self.keystore.engine is not self.store.engine:
            self.keystore.engine.dispose()
        self.store.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_ledger(
    database_url: str,
    *,
    policy_dir: Path | None = None,
    key_dir: Path | None = None,
    clock: Callable[[], date] = date.today,
    require_initialised: bool = True,
) -> Ledger:
    policies = load_policies(policy_dir)
    store = Store(database_url)
    if require_initialised:
        store.require_initialised()
    store.migrate()
    if store.exists():
        nodes.ensure_table(store)  # a ledger from before 0.3: the stored subtree hashes
    keys = KeyFiles(key_dir or default_key_dir(database_url))
    return Ledger(store, policies, keys, clock)
