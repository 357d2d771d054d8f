"""The application service: resolves who acts, checks policy keys, lets aggregates decide.

Every public method takes a validated command and the acting identity, and either
stores the resulting events in one transaction or raises without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from ledger import commands as c
from ledger.crypto.envelope import RECORDS, SIGNALS, CaseTexts
from ledger.domain import rules, stored_topics
from ledger.domain.acting import Acting
from ledger.domain.actor import Actor, actor_id
from ledger.domain.case import Case, case_id
from ledger.durations import Duration
from ledger.errors import BadInput, Conflict, Inconsistent, NotFound, Unauthorised
from ledger.store import Store
from ledger.store.recorder import SqlRecorder
from policies.loader import Policies

CaseCounter = Callable[[int], int]
"""How many cases were opened in a year: the starting point for the next reference."""


class Regie(Application[UUID]):
    name = "regie"

    def __init__(
        self,
        store: Store,
        policies: Policies,
        case_counter: CaseCounter,
        clock: Callable[[], date] = date.today,
    ) -> None:
        self._store = store
        self.policies = policies
        self.clock = clock
        self._case_counter = case_counter
        self.agreed_term_check: Callable[[Duration], None] | None = None
        self.texts: CaseTexts | None = None  # set by bootstrap: seals case free text
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

    # -- helpers -----------------------------------------------------------------

    def _save(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise Conflict(
                "someone else changed this record at the same moment; run the command again"
            ) from exc

    def _text(self, case_key: Any, category: str, field: str, text: str) -> str:
        """Free text of a case, sealed under the case's key for that category."""
        if self.texts is None:
            return text
        return self.texts.seal(str(case_key), category, field, text)

    def _sealed_record(self, case_key: Any, field: str, text: str) -> str:
        return self._text(case_key, RECORDS, field, text)

    def _day(self, value: date | None) -> str:
        today = self.clock()
        chosen = value or today
        if chosen > today:
            raise rules.NOT_FUTURE.refuse(f"{chosen.isoformat()} lies in the future")
        return chosen.isoformat()

    def _check_key(self, kind: str, value: str, allowed: Iterable[str]) -> None:
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

    # -- actors --------------------------------------------------------------------

    def register_actor(
        self, cmd: c.RegisterActor, by: Acting | None, db_user: str | None = None
    ) -> Actor:
        """Register an actor; the very first one registers itself (bootstrap)."""
        self._check_key("organisation", cmd.organisation, self.policies.organisation_keys)
        for role in cmd.roles:
            self._check_key("role", role, self.policies.role_keys)
        if actor_id(cmd.handle) in self.repository:
            raise rules.ACTOR_EXISTS.refuse(f"an actor '{cmd.handle}' already exists")
        bootstrap = by is None
        if by is None:
            if self.has_actors():
                raise Unauthorised("only a registered actor can register others; set REGIE_ACTOR")
            if "administrator" not in cmd.roles:
                raise rules.BOOTSTRAP_ADMIN.refuse()
            by = Acting(cmd.handle, "administrator", cmd.organisation)
        actor = Actor(
            handle=cmd.handle,
            display_name=cmd.display_name,
            organisation=cmd.organisation,
            roles=list(dict.fromkeys(cmd.roles)),
            bootstrap=bootstrap,
            db_user=cmd.db_user or (db_user if bootstrap and db_user else cmd.handle),
            by=by.record(),
        )
        self._save(actor)
        return actor

    def deactivate_actor(self, cmd: c.DeactivateActor, by: Acting) -> None:
        actor = self.actor(cmd.handle)
        actor.deactivate(cmd.reason, by)
        self._save(actor)

    # -- cases ---------------------------------------------------------------------

    def open_case(self, cmd: c.OpenCase, by: Acting) -> Case:
        opened_on = self._day(cmd.opened_on)
        year = date.fromisoformat(opened_on).year
        number = self._case_counter(year) + 1
        for _attempt in range(50):
            ref = f"JG-{year}-{number:03d}"
            if case_id(ref) not in self.repository:
                case = Case.open(ref, cmd.working_name, cmd.municipality, cmd.area, opened_on, by)
                try:
                    self.save(case)
                except IntegrityError:
                    number += 1
                    continue
                return case
            number += 1
        raise Conflict("could not allocate a case reference; run the command again")

    def add_participant(self, cmd: c.Participation, by: Acting) -> None:
        actor = self.actor(cmd.actor)
        if not actor.active:
            raise rules.ACTOR_ACTIVE.refuse(f"actor '{actor.handle}' is deactivated")
        case = self.case(cmd.case)
        case.add_participant(
            actor.handle, self._sealed_record(case.id, "participant-reason", cmd.reason), by
        )
        self._save(case)

    def remove_participant(self, cmd: c.Participation, by: Acting) -> None:
        case = self.case(cmd.case)
        case.remove_participant(
            cmd.actor, self._sealed_record(case.id, "participant-reason", cmd.reason), by
        )
        self._save(case)

    def record_signal(self, cmd: c.RecordSignal, by: Acting) -> int:
        self._check_key("signal kind", cmd.kind, self.policies.signal_kinds)
        self._check_key("organisation", cmd.source_org, self.policies.organisation_keys)
        case = self.case(cmd.case)
        number = case.record_signal(
            self._day(cmd.observed_on),
            cmd.kind,
            self._text(case.id, SIGNALS, "signal-location", cmd.location),
            cmd.source_org,
            cmd.source_role,
            self._text(case.id, SIGNALS, "signal-text", cmd.text),
            by,
        )
        self._save(case)
        return number

    def designate_coordinator(self, cmd: c.Designate, by: Acting) -> None:
        case = self.case(cmd.case)
        try:
            coordinator = self.actor(cmd.coordinator)
        except NotFound:
            raise rules.COORDINATOR_ROLE.refuse(f"there is no actor '{cmd.coordinator}'") from None
        if not coordinator.active or "uitvoeringscoordinator" not in coordinator.roles:
            raise rules.COORDINATOR_ROLE.refuse()
        case.designate_coordinator(coordinator.handle, self._day(cmd.decided_on), by)
        self._save(case)

    def _body(self, body: str) -> str:
        self._check_key("deciding body", body, self.policies.deciding_bodies)
        return body

    def advance(self, cmd: c.Advance, by: Acting) -> int:
        body = self._body(cmd.body)
        case = self.case(cmd.case)
        day = self._day(cmd.decided_on)
        if cmd.merge_4_5:
            step = case.merge_4_5(body, self._sealed_record(case.id, "reason", cmd.reason), day, by)
        else:
            step = case.advance(body, self._sealed_record(case.id, "reason", cmd.reason), day, by)
        self._save(case)
        return step

    def step_back(self, cmd: c.StepBack, by: Acting) -> int:
        body = self._body(cmd.body)
        case = self.case(cmd.case)
        reason = self._sealed_record(case.id, "reason", cmd.reason)
        step = case.step_back(cmd.to_step, body, reason, self._day(cmd.decided_on), by)
        self._save(case)
        return step

    def end_early(self, cmd: c.EndEarly, by: Acting) -> None:
        body = self._body(cmd.body)
        allowed = self.policies.early_end_after
        self._check_key("outcome", cmd.outcome, allowed)
        case = self.case(cmd.case)
        case.end_early(
            cmd.outcome,
            allowed[cmd.outcome],
            body,
            self._sealed_record(case.id, "reason", cmd.reason),
            self._day(cmd.decided_on),
            by,
        )
        self._save(case)

    def record_decision(self, cmd: c.RecordDecision, by: Acting) -> int:
        body = self._body(cmd.body)
        for key in cmd.items:
            self._check_key("decision item", key, self.policies.decision_items)
        case = self.case(cmd.case)
        number = case.record_decision(
            cmd.outcome,
            {k: self._sealed_record(case.id, "items", v) for k, v in cmd.items.items()},
            self.policies.decision_items,
            self._sealed_record(case.id, "motivation", cmd.motivation),
            body,
            self._day(cmd.decided_on),
            by,
        )
        self._save(case)
        return number

    def _check_action_keys(self, track: str, organisation: str) -> None:
        self._check_key("track", track, self.policies.tracks)
        self._check_key("organisation", organisation, self.policies.organisation_keys)

    def set_plan(self, cmd: c.SetPlan, by: Acting) -> int:
        for track in cmd.tracks:
            self._check_key("track", track.kind, self.policies.tracks)
        for action in cmd.actions:
            self._check_action_keys(action.track, action.organisation)
        case = self.case(cmd.case)

        def seal(field: str, text: str) -> str:
            return self._sealed_record(case.id, field, text)

        version = case.set_plan(
            goals=[seal("goal", g) for g in cmd.goals],
            tracks=[
                {"kind": t.kind, "description": seal("track", t.description)} for t in cmd.tracks
            ],
            actions=[
                {
                    **({"number": a.number} if a.number is not None else {}),
                    "description": seal("action", a.description),
                    "track": a.track,
                    "organisation": a.organisation,
                    "person": seal("action-person", a.person),
                    "due": a.due.isoformat(),
                }
                for a in cmd.actions
            ],
            by=by,
        )
        self._save(case)
        return version

    def add_action(self, cmd: c.AddAction, by: Acting) -> int:
        self._check_action_keys(cmd.track, cmd.organisation)
        case = self.case(cmd.case)
        number = case.add_action(
            self._sealed_record(case.id, "action", cmd.description),
            cmd.track,
            cmd.organisation,
            self._sealed_record(case.id, "action-person", cmd.person),
            cmd.due.isoformat(),
            by,
        )
        self._save(case)
        return number

    def complete_action(self, cmd: c.CompleteAction, by: Acting) -> None:
        case = self.case(cmd.case)
        note = self._sealed_record(case.id, "note", cmd.note)
        case.complete_action(cmd.number, self._day(cmd.completed_on), note, by)
        self._save(case)

    def escalate_action(self, cmd: c.EscalateAction, by: Acting) -> None:
        case = self.case(cmd.case)
        case.escalate_action(
            cmd.number,
            self._sealed_record(case.id, "escalated-to", cmd.escalated_to),
            self._sealed_record(case.id, "escalation-reason", cmd.reason),
            self._day(cmd.escalated_on),
            by,
        )
        self._save(case)

    def close_case(self, cmd: c.CloseCase, by: Acting) -> None:
        for handover in cmd.handover.values():
            self._check_key("organisation", handover.organisation, self.policies.organisation_keys)
        for key in cmd.evaluation:
            self._check_key("evaluation criterion", key, self.policies.evaluation_criteria)
        term = Duration.parse(cmd.bewaartermijn)
        if self.agreed_term_check is not None:
            self.agreed_term_check(term)
        case = self.case(cmd.case)
        case.close(
            goals_reached=cmd.goals_reached,
            goals_assessment=self._sealed_record(case.id, "goals-assessment", cmd.goals_assessment),
            handover={
                n: {
                    "organisation": h.organisation,
                    "note": self._sealed_record(case.id, "handover-note", h.note),
                }
                for n, h in cmd.handover.items()
            },
            bewaartermijn=term.iso(),
            evaluation={
                k: self._sealed_record(case.id, "evaluation", v) for k, v in cmd.evaluation.items()
            },
            criteria=self.policies.evaluation_criteria,
            closed_on=self._day(cmd.closed_on),
            by=by,
        )
        self._save(case)
