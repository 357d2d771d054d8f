"""API tokens: issued to actors, revoked, and turned back into an acting identity."""
