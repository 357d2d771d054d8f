"""The ledger as a whole: verification, proofs and checkpoints, rebuilding the read models,
rotating the master key; gated like every other command."""
