"""Concurrent clients against a real `regie serve`, and what the ledger must show after.

``world`` seeds the actors, tokens and cases; ``mix`` says what each kind of client sends
and what it must get back; ``clients`` runs the threads and records every answer;
``audit`` reads the ledger afterwards and lists every way it disagrees with the answers.
"""
