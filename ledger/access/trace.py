"""Trace context of the access log (Logboek Dataverwerkingen; W3C Trace Context).

One trace per request: a CLI command, or an HTTP request to the server (which may bring
its caller's ``traceparent``). Every gated call inside it is an operation; the first
access-log entry an operation writes carries the operation's id, and every further entry
of it names the operation as its parent, so the entries of one command can be put back
together (decision 0044). Ids are random hex: 16 bytes for a trace, 8 for an operation.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_operation_id() -> str:
    return secrets.token_hex(8)


@dataclass
class Trace:
    trace_id: str
    channel: str
    """How the request came in: ``cli`` (the embedded ledger) or ``api`` (the server)."""
    parent: str | None = None
    """The caller's operation (a ``traceparent``'s parent id), if it sent one."""


@dataclass
class Operation:
    operation_id: str
    parent: str | None
    logged: bool = field(default=False)


_trace: ContextVar[Trace | None] = ContextVar("regie_trace", default=None)
_operation: ContextVar[Operation | None] = ContextVar("regie_operation", default=None)


def from_traceparent(header: str | None, channel: str) -> Trace:
    """A trace continuing the caller's (a valid W3C ``traceparent``), else a new one."""
    match = _TRACEPARENT.fullmatch((header or "").strip().lower())
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        return Trace(match.group(1), channel, match.group(2))
    return Trace(new_trace_id(), channel)


@contextmanager
def request(trace: Trace) -> Iterator[Trace]:
    """Run a request (an HTTP call) under ``trace``."""
    token = _trace.set(trace)
    try:
        yield trace
    finally:
        _trace.reset(token)


@contextmanager
def operation() -> Iterator[Operation]:
    """One gated call: inside a trace (a new one when none is active: the embedded CLI,
    a script) and inside the calling operation, if any."""
    started = None
    if _trace.get() is None:
        started = _trace.set(Trace(new_trace_id(), "cli"))
    outer = _operation.get()
    trace = current()
    parent = outer.operation_id if outer is not None else trace.parent
    token = _operation.set(Operation(new_operation_id(), parent))
    try:
        yield _operation.get()  # type: ignore[misc]
    finally:
        _operation.reset(token)
        if started is not None:
            _trace.reset(started)


def current() -> Trace:
    trace = _trace.get()
    return trace if trace is not None else Trace(new_trace_id(), "cli")


def ids_for_entry() -> tuple[str, str, str | None]:
    """(trace id, operation id, parent operation id) of the next access-log entry."""
    trace = current()
    op = _operation.get()
    if op is None:  # written outside any gated call (the server's authentication)
        return trace.trace_id, new_operation_id(), trace.parent
    if not op.logged:
        op.logged = True
        return trace.trace_id, op.operation_id, op.parent
    return trace.trace_id, new_operation_id(), op.operation_id
