"""The `regie` command line: parses, calls ledger/ and policies/, renders. No domain logic."""
