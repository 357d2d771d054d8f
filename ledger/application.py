"""The application core every capability service shares: the repository, the one clock,
policy-key checks, sealing of case texts, and who acts.

Capability services (``ledger/cases``, ``ledger/actors``, ...) take a validated command and
the acting identity, pass the gate, let an aggregate decide, and store the resulting
events through :meth:`Regie.commit` in one transaction, or raise without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import IntegrityError, Recording

from ledger.crypto.envelope import RECORDS, CaseTexts
from ledger.domain import rules, stored_topics
from ledger.domain.acting import Acting
from ledger.domain.actor import Actor, actor_id
from ledger.domain.case import Case, case_id
from ledger.errors import BadInput, Conflict, Inconsistent, NotFound, Unauthorised
from ledger.store import Store
from ledger.store.recorder import SqlRecorder
from policies.loader import Policies

T = TypeVar("T")

_LOGIN_BATCH = 500


class Regie(Application[UUID]):
    name = "regie"

    def __init__(
        self,
        store: Store,
        policies: Policies,
        clock: Callable[[], date] = date.today,
    ) -> None:
        self._store = store
        self.policies = policies
        self.clock = clock
        self.texts: CaseTexts | None = None  # set by bootstrap: seals case free text
        self.before_first_write: Callable[[], object] | None = None
        """Runs once, before the first write of this process (bootstrap: finishing recorded
        destructions whose keys survived a crash)."""
        super().__init__(
            env={"AGGREGATE_CACHE_MAXSIZE": "500", "PERSISTENCE_MODULE": "eventsourcing.popo"}
        )

    def construct_recorder(self) -> SqlRecorder:
        self._sql_recorder = SqlRecorder(self._store)
        return self._sql_recorder

    @property
    def sql_recorder(self) -> SqlRecorder:
        """The recorder with the ledger's own operations (the library types it generally)."""
        return self._sql_recorder

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        """Every write passes here (``commit`` too): the first one runs the first-write hook."""
        hook, self.before_first_write = self.before_first_write, None
        if hook is not None:
            hook()
        return super().save(*objs, **kwargs)

    # -- helpers -----------------------------------------------------------------

    def commit(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise Conflict(
                "someone else changed this record at the same moment; run the command again"
            ) from exc

    def seal_text(self, case_key: Any, category: str, field: str, text: str) -> str:
        """Free text of a case, sealed under the case's key for that category."""
        if self.texts is None:
            return text
        return self.texts.seal(str(case_key), category, field, text)

    def sealed_record(self, case_key: Any, field: str, text: str) -> str:
        return self.seal_text(case_key, RECORDS, field, text)

    def day(self, value: date | None) -> str:
        today = self.clock()
        chosen = value or today
        if chosen > today:
            raise rules.NOT_FUTURE.refuse(f"{chosen.isoformat()} lies in the future")
        return chosen.isoformat()

    def check_key(self, kind: str, value: str, allowed: Iterable[str]) -> None:
        allowed = sorted(allowed)
        if value not in allowed:
            raise BadInput(f"unknown {kind} '{value}'; choose one of: {', '.join(allowed)}")

    def case(self, ref: str) -> Case:
        try:
            aggregate: object = self.repository.get(case_id(ref))
        except AggregateNotFoundError:
            raise NotFound(f"there is no case {ref}; see `regie case list`") from None
        if not isinstance(aggregate, Case):
            raise NotFound(f"there is no case {ref}; see `regie case list`")
        return aggregate

    def get_as(self, aggregate_id: str, kind: type[T], missing: str) -> T:
        """The record with this id, which must be a ``kind``; otherwise NotFound(``missing``)."""
        try:
            aggregate: object = self.repository.get(UUID(aggregate_id))
        except AggregateNotFoundError:
            raise NotFound(missing) from None
        if not isinstance(aggregate, kind):
            raise NotFound(missing)
        return aggregate

    def case_by_id(self, case_key: str) -> Case:
        aggregate: object = self.repository.get(UUID(case_key))
        if not isinstance(aggregate, Case):
            raise Inconsistent(f"record {case_key} is not a case")
        return aggregate

    def actor(self, handle: str) -> Actor:
        try:
            aggregate: object = self.repository.get(actor_id(handle))
        except AggregateNotFoundError:
            raise NotFound(f"there is no actor '{handle}'; see `regie actor list`") from None
        if not isinstance(aggregate, Actor):
            raise NotFound(f"there is no actor '{handle}'; see `regie actor list`")
        return aggregate

    def actors_with_login(self, login: str) -> list[str]:
        """The active actors registered with this database login, read from the history
        alone: a read model belongs to whoever may rebuild it, so a changed row there
        must not move an identity (decision 0025)."""
        handles: list[str] = []
        start: int | None = 1
        topics = stored_topics(Actor.Registered)
        while start is not None:
            batch = self.recorder.select_notifications(start, _LOGIN_BATCH, topics=topics)
            for notification in batch:
                registered = self.mapper.to_domain_event(notification)
                if not isinstance(registered, Actor.Registered) or registered.db_user != login:
                    continue
                actor = self.actor(registered.handle)
                if actor.active:
                    handles.append(actor.handle)
            start = batch[-1].id + 1 if len(batch) == _LOGIN_BATCH else None
        return handles

    def has_actors(self) -> bool:
        """Whether any actor was registered: the bootstrap is open until the first one."""
        found = self.recorder.select_notifications(1, 1, topics=stored_topics(Actor.Registered))
        return bool(found)

    # -- identity ------------------------------------------------------------------

    def acting(self, handle: str | None, role: str | None = None) -> Acting:
        """The current actor, refused when unknown, deactivated or not holding ``role``."""
        if not handle:
            raise Unauthorised(
                'no current actor: set REGIE_ACTOR=<actor id> or `actor = "<id>"` in the '
                "config file (see `regie actor list`)"
            )
        try:
            actor = self.actor(handle.lower())
        except NotFound:
            raise Unauthorised(
                f"unknown actor '{handle}'; an administrator registers actors "
                "with `regie actor add`"
            ) from None
        if not actor.active:
            raise Unauthorised(f"actor '{actor.handle}' is deactivated and cannot act")
        if role is not None and role not in actor.roles:
            raise Unauthorised(
                f"actor '{actor.handle}' does not hold role '{role}' "
                f"(holds: {', '.join(actor.roles)})"
            )
        return actor.acting_as(role)
