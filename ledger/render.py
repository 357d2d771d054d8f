"""Small helpers shared by the CLI's renderers that need domain knowledge."""

from __future__ import annotations

from ledger.domain.case import STEP_NAMES


def safe_url(url: str) -> str:
    """A database URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def step_label(step: int) -> str:
    return f"{step}. {STEP_NAMES.get(step, '?')}"
