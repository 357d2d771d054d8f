"""Default purposes recorded with accesses (NEN 7513). Import-light: the CLI uses them."""

DEFAULT_PURPOSE = "uitvoering groepsaanpak"
AUDIT_PURPOSE = "privacy-audit"
