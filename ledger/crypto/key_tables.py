"""The key store's tables and the names of its slots (one per category generation)."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary, MetaData, String, Table

ALL_CATEGORIES = "*"

keys_metadata = MetaData()

data_keys = Table(
    "regie_data_keys",
    keys_metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("master_key_id", String(16), nullable=False),
    Column("created_at", String(40), nullable=False),
)

shredded = Table(
    "regie_shredded_keys",
    keys_metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("shredded_at", String(40), nullable=False),
)

blind_index = Table(
    "regie_blind_index",
    keys_metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("digest", String(64), nullable=False, index=True),
)
"""One keyed digest of name and date of birth per subject (decision 0027); deleted with
the subject's identifying key, so an erased person leaves no index entry behind."""

INDEXED_CATEGORY = "identificatie"
"""The category the blind index is derived from: destroying it removes the entry."""


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
