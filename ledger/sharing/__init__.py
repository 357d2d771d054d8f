"""Convenants and sharing decisions (verstrekkingen) judged by the sharing policy."""
