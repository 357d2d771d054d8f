"""The plan van aanpak as a document (seed 004): ledger facts, supplied texts, rendering."""
