"""The groepsaanpak along the 7-stappenmodel: the commands and reads of a case.

Each method passes the gate (:func:`ledger.access.gate.gated`) before anything else, lets
the :class:`~ledger.domain.case.Case` aggregate decide, and commits its events at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from eventsourcing.persistence import IntegrityError

from ledger import commands as c
from ledger.access.gate import Gate, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.cases import commands as cc
from ledger.cases.group import Group
from ledger.crypto.envelope import SIGNALS
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case import Case, case_id
from ledger.durations import Duration
from ledger.errors import Conflict, NotFound
from ledger.projections.queries import Queries, Row

CaseCounter = Callable[[int], int]
"""How many cases were opened in a year: the starting point for the next reference."""


class Cases:
    def __init__(self, app: Regie, gate: Gate, queries: Queries, group: Group) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries
        self.group = group
        self.agreed_term_check: Callable[[Duration], None] | None = None

    # -- reads ---------------------------------------------------------------------

    @gated("case.list")
    def cases(self, by: Acting, status: str | None = None) -> list[Row]:
        return self.queries.cases(status)

    @gated("case.show", case="ref")
    def overview(
        self, ref: str, by: Acting, with_members: bool = False, purpose: str = DEFAULT_PURPOSE
    ) -> Row:
        """The case at a glance; with its members (and their names) after logging the access."""
        overview = self.queries.case_overview(ref.upper())
        if with_members:
            overview["members"] = self.group.member_rows(
                ref.upper(), True, by, purpose, command="case.show"
            )
        return overview

    @gated("signal.list", case="ref")
    def signals(self, by: Acting, ref: str | None = None) -> list[Row]:
        return self.queries.signals(ref.upper() if ref else None)

    @gated("action.list", case="ref")
    def actions(
        self, by: Acting, ref: str | None = None, status: str | None = None, overdue: bool = False
    ) -> list[Row]:
        return self.queries.actions(ref.upper() if ref else None, status, overdue)

    @gated("plan.show", case="ref")
    def plan(self, ref: str, by: Acting) -> Row:
        return self.queries.plan(ref.upper())

    # -- commands ------------------------------------------------------------------

    @gated("case.open")
    def open_case(self, cmd: c.OpenCase, by: Acting) -> Case:
        opened_on = self.app.day(cmd.opened_on)
        year = date.fromisoformat(opened_on).year
        number = self.queries.cases_opened_in(year) + 1
        for _attempt in range(50):
            ref = f"JG-{year}-{number:03d}"
            if case_id(ref) not in self.app.repository:
                case = Case.open(ref, cmd.working_name, cmd.municipality, cmd.area, opened_on, by)
                try:
                    self.app.save(case)
                except IntegrityError:
                    number += 1
                    continue
                return case
            number += 1
        raise Conflict("could not allocate a case reference; run the command again")

    @gated("case.participant.add")
    def add_participant(self, cmd: c.Participation, by: Acting) -> None:
        actor = self.app.actor(cmd.actor)
        if not actor.active:
            raise rules.ACTOR_ACTIVE.refuse(f"actor '{actor.handle}' is deactivated")
        case = self.app.case(cmd.case)
        case.add_participant(
            actor.handle, self.app.sealed_record(case.id, "participant-reason", cmd.reason), by
        )
        self.app.commit(case)

    @gated("case.participant.remove")
    def remove_participant(self, cmd: c.Participation, by: Acting) -> None:
        case = self.app.case(cmd.case)
        case.remove_participant(
            cmd.actor, self.app.sealed_record(case.id, "participant-reason", cmd.reason), by
        )
        self.app.commit(case)

    @gated("signal.add")
    def record_signal(self, cmd: c.RecordSignal, by: Acting) -> int:
        self.app.check_key("signal kind", cmd.kind, self.app.policies.signal_kinds)
        self.app.check_key("organisation", cmd.source_org, self.app.policies.organisation_keys)
        case = self.app.case(cmd.case)
        number = case.record_signal(
            self.app.day(cmd.observed_on),
            cmd.kind,
            self.app.seal_text(case.id, SIGNALS, "signal-location", cmd.location),
            cmd.source_org,
            cmd.source_role,
            self.app.seal_text(case.id, SIGNALS, "signal-text", cmd.text),
            by,
        )
        self.app.commit(case)
        return number

    @gated("case.designate")
    def designate_coordinator(self, cmd: c.Designate, by: Acting) -> None:
        case = self.app.case(cmd.case)
        try:
            coordinator = self.app.actor(cmd.coordinator)
        except NotFound:
            raise rules.COORDINATOR_ROLE.refuse(f"there is no actor '{cmd.coordinator}'") from None
        if not coordinator.active or "uitvoeringscoordinator" not in coordinator.roles:
            raise rules.COORDINATOR_ROLE.refuse()
        case.designate_coordinator(coordinator.handle, self.app.day(cmd.decided_on), by)
        self.app.commit(case)

    def _body(self, body: str) -> str:
        self.app.check_key("deciding body", body, self.app.policies.deciding_bodies)
        return body

    @gated("step.advance")
    def advance(self, cmd: c.Advance, by: Acting) -> int:
        body = self._body(cmd.body)
        case = self.app.case(cmd.case)
        day = self.app.day(cmd.decided_on)
        if cmd.merge_4_5:
            step = case.merge_4_5(
                body, self.app.sealed_record(case.id, "reason", cmd.reason), day, by
            )
        else:
            step = case.advance(
                body, self.app.sealed_record(case.id, "reason", cmd.reason), day, by
            )
        self.app.commit(case)
        return step

    @gated("step.back")
    def step_back(self, cmd: c.StepBack, by: Acting) -> int:
        body = self._body(cmd.body)
        case = self.app.case(cmd.case)
        reason = self.app.sealed_record(case.id, "reason", cmd.reason)
        step = case.step_back(cmd.to_step, body, reason, self.app.day(cmd.decided_on), by)
        self.app.commit(case)
        return step

    @gated("step.end")
    def end_early(self, cmd: c.EndEarly, by: Acting) -> None:
        body = self._body(cmd.body)
        allowed = self.app.policies.early_end_after
        self.app.check_key("outcome", cmd.outcome, allowed)
        case = self.app.case(cmd.case)
        case.end_early(
            cmd.outcome,
            allowed[cmd.outcome],
            body,
            self.app.sealed_record(case.id, "reason", cmd.reason),
            self.app.day(cmd.decided_on),
            by,
            policy_hash=self.app.policies.policy_hash,
        )
        self.app.commit(case)

    @gated("decision.record")
    def record_decision(self, cmd: c.RecordDecision, by: Acting) -> int:
        body = self._body(cmd.body)
        for key in cmd.items:
            self.app.check_key("decision item", key, self.app.policies.decision_items)
        case = self.app.case(cmd.case)
        number = case.record_decision(
            cmd.outcome,
            {k: self.app.sealed_record(case.id, "items", v) for k, v in cmd.items.items()},
            self.app.policies.decision_items,
            self.app.sealed_record(case.id, "motivation", cmd.motivation),
            body,
            self.app.day(cmd.decided_on),
            by,
            policy_hash=self.app.policies.policy_hash,
            ratify=cmd.ratify,
        )
        case.ratify(sorted(set(cmd.ratify)), number, by)
        if cmd.meeting is not None:
            case.link_decision(cmd.meeting, number, by)
        self.app.commit(case)
        return number

    @gated("decision.working")
    def record_working_decision(self, cmd: cc.RecordWorkingDecision, by: Acting) -> int:
        """A decision of practice at any step: to wait and look again, or to share at
        another level; it never prioritises (that is the step-4 decision)."""
        body = self._body(cmd.body)
        if cmd.level is not None:
            self.app.check_key("sharing level", cmd.level, self.app.policies.sharing_levels)
        case = self.app.case(cmd.case)
        number = case.record_working_decision(
            cmd.kind,
            self.app.sealed_record(case.id, "motivation", cmd.motivation),
            body,
            self.app.day(cmd.decided_on),
            by,
            review_on=cmd.review_on.isoformat() if cmd.review_on else None,
            level=cmd.level,
            policy_hash=self.app.policies.policy_hash,
        )
        if cmd.meeting is not None:
            case.link_decision(cmd.meeting, number, by)
        self.app.commit(case)
        return number

    def _check_action_keys(self, track: str, organisation: str) -> None:
        self.app.check_key("track", track, self.app.policies.tracks)
        self.app.check_key("organisation", organisation, self.app.policies.organisation_keys)

    @gated("plan.set")
    def set_plan(self, cmd: c.SetPlan, by: Acting) -> int:
        for track in cmd.tracks:
            self.app.check_key("track", track.kind, self.app.policies.tracks)
        for action in cmd.actions:
            self._check_action_keys(action.track, action.organisation)
        case = self.app.case(cmd.case)

        def seal(field: str, text: str) -> str:
            return self.app.sealed_record(case.id, field, text)

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
        self.app.commit(case)
        return version

    @gated("action.add")
    def add_action(self, cmd: c.AddAction, by: Acting) -> int:
        self._check_action_keys(cmd.track, cmd.organisation)
        case = self.app.case(cmd.case)
        number = case.add_action(
            self.app.sealed_record(case.id, "action", cmd.description),
            cmd.track,
            cmd.organisation,
            self.app.sealed_record(case.id, "action-person", cmd.person),
            cmd.due.isoformat(),
            by,
        )
        self.app.commit(case)
        return number

    @gated("action.urgent")
    def take_urgent_measure(self, cmd: cc.TakeUrgentMeasure, by: Acting) -> int:
        """An urgent measure at any step, before the plan: why, who authorised it; the
        next step-4 decision ratifies it."""
        self._check_action_keys(cmd.track, cmd.organisation)
        case = self.app.case(cmd.case)
        number = case.take_urgent_measure(
            self.app.sealed_record(case.id, "action", cmd.description),
            cmd.track,
            cmd.organisation,
            self.app.sealed_record(case.id, "action-person", cmd.person),
            cmd.due.isoformat(),
            self.app.sealed_record(case.id, "urgent-reason", cmd.reason),
            self.app.sealed_record(case.id, "action-person", cmd.authorised_by),
            by,
        )
        self.app.commit(case)
        return number

    @gated("action.done")
    def complete_action(self, cmd: c.CompleteAction, by: Acting) -> None:
        case = self.app.case(cmd.case)
        note = self.app.sealed_record(case.id, "note", cmd.note)
        case.complete_action(cmd.number, self.app.day(cmd.completed_on), note, by)
        self.app.commit(case)

    @gated("action.escalate")
    def escalate_action(self, cmd: c.EscalateAction, by: Acting) -> None:
        case = self.app.case(cmd.case)
        case.escalate_action(
            cmd.number,
            self.app.sealed_record(case.id, "escalated-to", cmd.escalated_to),
            self.app.sealed_record(case.id, "escalation-reason", cmd.reason),
            self.app.day(cmd.escalated_on),
            by,
        )
        self.app.commit(case)

    @gated("case.close")
    def close_case(self, cmd: c.CloseCase, by: Acting) -> None:
        for handover in cmd.handover.values():
            self.app.check_key(
                "organisation", handover.organisation, self.app.policies.organisation_keys
            )
        for key in cmd.evaluation:
            self.app.check_key("evaluation criterion", key, self.app.policies.evaluation_criteria)
        term = Duration.parse(cmd.bewaartermijn)
        if self.agreed_term_check is not None:
            self.agreed_term_check(term)
        case = self.app.case(cmd.case)
        case.close(
            goals_reached=cmd.goals_reached,
            goals_assessment=self.app.sealed_record(
                case.id, "goals-assessment", cmd.goals_assessment
            ),
            handover={
                n: {
                    "organisation": h.organisation,
                    "note": self.app.sealed_record(case.id, "handover-note", h.note),
                }
                for n, h in cmd.handover.items()
            },
            bewaartermijn=term.iso(),
            evaluation={
                k: self.app.sealed_record(case.id, "evaluation", v)
                for k, v in cmd.evaluation.items()
            },
            criteria=self.app.policies.evaluation_criteria,
            closed_on=self.app.day(cmd.closed_on),
            by=by,
            policy_hash=self.app.policies.policy_hash,
        )
        self.app.commit(case)
