"""Bewaartermijnen: the schedule per key, legal holds and provable purge runs."""
