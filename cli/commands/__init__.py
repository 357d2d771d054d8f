"""One module per noun; each exposes ``command`` (a click command or group)."""
