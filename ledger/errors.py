"""One error hierarchy, caught once in the CLI and mapped to an exit code.

Messages are one line, say what to do, and never contain personal data: they
name ids, rules and keys, not people.
"""

from __future__ import annotations


class RegieError(Exception):
    """Base of every error the ledger reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(RegieError):
    """A domain rule forbids the command; nothing was written."""

    exit_code = 1

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{message} [rule {rule}]")
        self.rule = rule
        self.reason = message


class BadInput(RegieError):
    """The input itself is malformed (dates, durations, unknown keys, files)."""

    exit_code = 2


class NotFound(RegieError):
    """A referenced case, actor, action or signal does not exist."""

    exit_code = 2


class NotInitialised(RegieError):
    """The store has not been created yet."""

    exit_code = 1


class Unauthorised(RegieError):
    """The current actor is unknown, deactivated or lacks the role asked for."""

    exit_code = 1


class Inconsistent(RegieError):
    """The ledger's own records contradict each other (a bug or a damaged store)."""

    exit_code = 1


class Conflict(RegieError):
    """Someone else wrote to the same aggregate concurrently; retrying is safe."""

    exit_code = 1
