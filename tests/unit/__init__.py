"""Unit tests: the domain, the policies and their engines, the Merkle tree; no database."""
