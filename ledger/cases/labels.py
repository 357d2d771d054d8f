"""Labels of the 7 steps, for renderers that show a case."""

from __future__ import annotations

from ledger.domain.case_state import STEP_NAMES


def step_label(step: int) -> str:
    return f"{step}. {STEP_NAMES.get(step, '?')}"
