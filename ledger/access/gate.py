"""Audit-first access: the permission gate and the access log (NEN 7513).

Every command passes the gate; a denial is itself logged. Every view of personal data
first appends an access event per data subject in one transaction; only when that
append succeeded is anything shown.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from ledger.access import trace
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.seal import Sealer
from ledger.domain import rules
from ledger.domain.access import ACCESS_CATEGORY, DENIED, GRANTED, Access, period_owner
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.errors import BadInput, Unauthorised
from policies.permissions import RolePermission


@dataclass(frozen=True)
class Seen:
    """One data subject whose data a command shows, and which categories of it."""

    subject_id: str
    categories: tuple[str, ...]


class AccessLog:
    def __init__(self, app: Regie, sealer: Callable[[], Sealer]) -> None:
        self.app = app
        self._sealer = sealer

    def entries(
        self,
        by: Acting,
        command: str,
        action: str,
        seen: Sequence[Seen],
        purpose: str,
        outcome: str = GRANTED,
        case: str | None = None,
        reason: str = "",
        on: date | None = None,
        activity: str | None = None,
    ) -> list[Access]:
        """The access events for one command: one per subject, or one without a subject.

        Each names the processing activity the command belongs to (the verwerkingsregister),
        keeps that activity's retention, and takes its purpose unless the caller named
        another than the default one (a user's ``--purpose``)."""
        register = self.app.policies.verwerkingsregister
        named = register.by_id_or_none(activity) if activity else None
        kind = named or register.activity_of(command)
        if purpose in (DEFAULT_PURPOSE, ""):
            purpose = kind.purpose
        channel = trace.current().channel
        application = f"{register.settings.application}/{channel}"
        day = (on or self.app.clock()).isoformat()
        sealer = self._sealer() if seen else None
        out = []
        items: list[Seen | None] = list(seen) if seen else [None]
        for item in items:
            subject = None
            if item is not None and sealer is not None:
                subject = sealer.seal(
                    period_owner(day), "subject", ACCESS_CATEGORY, item.subject_id
                )
            trace_id, operation_id, parent = trace.ids_for_entry()
            access_id = Access.new_id()
            out.append(
                Access(
                    access_id=access_id,
                    action=action,
                    command=command,
                    subject=subject,
                    case=case,
                    categories=list(item.categories) if item is not None else [],
                    purpose=purpose,
                    outcome=outcome,
                    reason=reason,
                    on=day,
                    by=by.record(),
                    trace_id=trace_id,
                    operation_id=operation_id,
                    parent_operation_id=parent,
                    activity=kind.id,
                    retention=kind.retention,
                    application=application,
                )
            )
        return out

    def record(
        self,
        by: Acting,
        command: str,
        action: str,
        seen: Sequence[Seen],
        purpose: str,
        outcome: str = GRANTED,
        case: str | None = None,
        reason: str = "",
    ) -> None:
        """Append before showing; an exception here means: show nothing."""
        self.app.commit(*self.entries(by, command, action, seen, purpose, outcome, case, reason))


F = TypeVar("F", bound=Callable[..., Any])

GATED: dict[str, list[str]] = {}
"""Every gated service method by the command it answers to ("case.open": ["Cases.open_case"]):
what the tests walk to prove that no entry point skips the gate."""


class Gated(Protocol):
    gate: Gate


def gated(command: str, *, case: str | None = None) -> Callable[[F], F]:
    """Authorise the acting identity for ``command`` (its name in the permissions policy)
    before the method runs, whoever calls it: the CLI, the server, a script or a test.

    The method takes the identity as ``by``. The case it concerns is the ``case`` of its
    command object (``cmd``) or the parameter named by ``case``; a denial is recorded in the
    access log before :class:`Unauthorised` is raised, so nothing else happens.
    """

    def decorate(method: F) -> F:
        signature = inspect.signature(method)
        GATED.setdefault(command, []).append(method.__qualname__)

        @functools.wraps(method)
        def checked(self: Gated, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)
            by = bound.arguments.get("by")
            if not isinstance(by, Acting):
                raise Unauthorised(f"`{command.replace('.', ' ')}` needs an acting identity")
            with trace.operation():
                self.gate.authorise(by, command, _case_of(bound.arguments, case))
                return method(self, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


_CASE_REF = re.compile(r"JG-[0-9]{4}-[0-9]{3,}")


def _case_of(arguments: dict[str, Any], name: str | None) -> str | None:
    """The case a call concerns, checked before it can reach the access log (a denial
    records it): only a well-formed reference, never whatever text was passed."""
    value = arguments.get(name) if name else getattr(arguments.get("cmd"), "case", None)
    if not value:
        return None
    ref = str(value).strip().upper()
    if not _CASE_REF.fullmatch(ref):
        raise BadInput("expected a case reference such as JG-2026-001 (see `regie case list`)")
    return ref


CASE_LISTINGS = frozenset(
    {"signal.list", "action.list", "share.list", "share.requests", "share.reuses"}
)
"""Listings that span every case unless a case is named."""


class Gate:
    """Roles and permissions (policy data), checked on every command."""

    def __init__(self, app: Regie, log: AccessLog) -> None:
        self.app = app
        self.log = log
        # Set by bootstrap: refuses every command on a ledger behind its high-water mark.
        self.guard: Callable[[str], None] | None = None

    def _permission(self, by: Acting) -> RolePermission | None:
        return self.app.policies.permissions.for_role(by.role)

    def _deny(
        self, by: Acting, command: str, case: str | None, message: str, seen: Sequence[Seen] = ()
    ) -> Unauthorised:
        self.log.record(by, command, "read", seen, DEFAULT_PURPOSE, DENIED, case, message)
        return Unauthorised(message)

    def authorise(self, by: Acting, command: str, case_ref: str | None = None) -> None:
        if self.guard is not None:
            self.guard(command)
        permission = self._permission(by)
        if permission is None or not permission.allows(command):
            raise self._deny(
                by,
                command,
                case_ref,
                f"role '{by.role}' may not run `{command.replace('.', ' ')}` "
                f"[rule {rules.PERMISSION.id}]",
            )
        if case_ref is None and permission.cases == "participant" and command in CASE_LISTINGS:
            raise self._deny(
                by,
                command,
                None,
                f"role '{by.role}' works on its own cases: name the case, e.g. "
                f"`regie {command.replace('.', ' ')} JG-2026-001` [rule {rules.PARTICIPANT.id}]",
            )
        if case_ref and permission.cases == "participant":
            case = self.app.case(case_ref)
            if by.actor not in case.participants:
                raise self._deny(
                    by,
                    command,
                    case.ref,
                    f"'{by.actor}' does not take part in case {case.ref} "
                    f"[rule {rules.PARTICIPANT.id}]",
                )

    def may_see(self, by: Acting, cases: Sequence[Case], owner: str | None = None) -> bool:
        """The rule of :meth:`personal_data` as a question: asking it logs nothing, so a
        caller can stay silent towards someone who may not know (no oracle)."""
        permission = self._permission(by)
        level = permission.personal_data if permission else "none"
        if level == "all":
            return True
        return level == "participant" and (
            any(by.actor in case.participants for case in cases)
            or (not cases and owner is not None and by.actor == owner)
        )

    def personal_data(
        self,
        by: Acting,
        command: str,
        cases: Iterable[Case],
        seen: Sequence[Seen],
        owner: str | None = None,
    ) -> None:
        """May ``by`` see these subjects' data, linked to these cases? Denials are logged.

        Data not (yet) linked to any case is for the actor who registered it (``owner``)
        and for roles that see all personal data, not for every participant-level role.
        """
        case_list = list(cases)
        if self.may_see(by, case_list, owner):
            return
        refs = ", ".join(sorted(c.ref for c in case_list)) or "-"
        raise self._deny(
            by,
            command,
            case_list[0].ref if case_list else None,
            f"'{by.actor}' may not see personal data of case(s) {refs} "
            f"[rule {rules.PARTICIPANT.id}]",
            seen,
        )
