"""The default retention classes answer to their sources, and the docs table says so."""

from __future__ import annotations

import re

from policies.loader import load_policies
from tests.paths import ROOT


def test_every_default_class_matches_its_source_or_says_why_not() -> None:
    for cls in load_policies().retention.retention_class:
        assert cls.local_choice or cls.source_term == cls.term, cls.id
        if cls.source_term is not None and "Selectielijst" in cls.source:
            assert "5 jaar" in cls.source or "12.2.1" in cls.source, cls.id


def test_the_operations_guide_tables_every_default_class_with_its_term() -> None:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `([a-z0-9-]+)` \|(.*)\|$", text, re.M)}
    for cls in load_policies().retention.retention_class:
        assert cls.id in rows, f"docs/operations.md: add {cls.id} to the defaults table"
        assert cls.term in rows[cls.id] or cls.start == "agreed-at-step-7", cls.id
        assert ("local choice" in rows[cls.id]) == (cls.local_choice is not None), cls.id
