"""Aggregates and events. Imports neither SQLAlchemy nor click."""
