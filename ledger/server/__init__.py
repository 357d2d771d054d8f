"""`regie serve`: the HTTP API, the one process that opens the database and holds the keys."""
