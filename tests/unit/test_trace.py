"""Trace context of the access log (decision 0044): a caller's W3C traceparent is
continued, anything else starts a new trace; operations nest."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ledger.access import trace

HEX = "0123456789abcdef"


@given(
    trace_id=st.text(HEX, min_size=32, max_size=32).filter(lambda s: set(s) != {"0"}),
    parent=st.text(HEX, min_size=16, max_size=16).filter(lambda s: set(s) != {"0"}),
)
def test_a_valid_traceparent_is_continued(trace_id: str, parent: str) -> None:
    continued = trace.from_traceparent(f"00-{trace_id}-{parent}-01", "api")
    assert (continued.trace_id, continued.parent, continued.channel) == (trace_id, parent, "api")


@given(header=st.one_of(st.none(), st.text(max_size=80)))
def test_anything_else_starts_a_new_trace(header: str | None) -> None:
    started = trace.from_traceparent(header, "api")
    if header and re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}", header.strip().lower()):
        return  # a valid one by chance
    assert re.fullmatch("[0-9a-f]{32}", started.trace_id) and started.parent is None


def test_the_entries_of_nested_operations_name_their_parents() -> None:
    with trace.request(trace.Trace("a" * 32, "api", "b" * 16)), trace.operation() as outer:
        first = trace.ids_for_entry()
        second = trace.ids_for_entry()
        with trace.operation() as inner:
            nested = trace.ids_for_entry()
    assert first == ("a" * 32, outer.operation_id, "b" * 16)
    assert second[0] == "a" * 32 and second[2] == outer.operation_id != second[1]
    assert nested == ("a" * 32, inner.operation_id, outer.operation_id)


def test_each_call_outside_a_request_is_its_own_trace() -> None:
    with trace.operation():
        one = trace.ids_for_entry()
    with trace.operation():
        two = trace.ids_for_entry()
    assert one[0] != two[0] and one[2] is None and two[2] is None
