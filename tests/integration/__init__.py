"""Integration tests: services and the store on SQLite and on a real PostgreSQL server."""
