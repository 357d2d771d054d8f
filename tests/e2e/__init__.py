"""End-to-end tests: the regie command line as a user runs it, the README tour and the
documented examples."""
