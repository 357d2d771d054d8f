"""Actors: who may act in the ledger (register, deactivate, list) and who is acting now."""
