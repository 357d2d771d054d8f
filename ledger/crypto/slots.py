"""Key-store slots: a data category's key and its later generations (decision 0031).

A rectification gives a category a new key generation and destroys the old one, so that
only the old value becomes unreadable; these names say which slot holds which generation.
"""

from __future__ import annotations

GENERATION = "#"
"""A category's key can be succeeded by a new generation (a rectification, decision 0031):
the key store names generation 2 and later ``<category>#<n>``; generation 1 is the bare
category, as every key made before."""


def slot_of(category: str, generation: int) -> str:
    return category if generation <= 1 else f"{category}{GENERATION}{generation}"


def base_of(slot: str) -> str:
    """The data category a key-store slot belongs to."""
    return slot.split(GENERATION, 1)[0]


def generation_of(slot: str) -> int:
    return int(slot.split(GENERATION, 1)[1]) if GENERATION in slot else 1


def retired_name(slot: str) -> str:
    """The tombstone of one retired generation; the bare category's is the whole one's."""
    return f"{base_of(slot)}{GENERATION}{generation_of(slot)}"
