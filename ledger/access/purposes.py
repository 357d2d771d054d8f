"""Default purposes recorded with accesses (NEN 7513). Import-light: the CLI uses them."""

DEFAULT_PURPOSE = "uitvoering groepsaanpak"
AUDIT_PURPOSE = "privacy-audit"
INZAGE_PURPOSE = "inzageverzoek"

PURPOSE_MAX = 200
"""Characters in a purpose: a phrase naming the task, stored with every access."""
