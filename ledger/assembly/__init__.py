"""How a ledger is put together: its services, built when first used."""
