"""Audit primitives for the tamper-evident ledger (see ``ledger.audit.merkle``)."""
