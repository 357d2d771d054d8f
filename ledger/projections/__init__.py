"""Read models: tables rebuilt from the event log, caught up before every read."""
