"""Audit-first access: the permission gate every service method passes, the access
log (NEN 7513), purposes."""
