"""One error hierarchy: every exception the product defines is a RegieError.

The CLI maps a RegieError to one line and its exit code; anything else becomes "internal
error". (Asserts as runtime guards are kept out by ruff's S101, see pyproject.toml.)
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from ledger.errors import RegieError

PACKAGES = ("ledger", "policies", "cli")


def product_modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{package}.")]
    return sorted(names)


def defined_exceptions() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for name in product_modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == name:
                found.append(value)
    return found


def test_every_exception_of_the_product_is_a_regie_error() -> None:
    exceptions = defined_exceptions()
    names = {e.__qualname__ for e in exceptions}
    assert {"ProofError", "CheckpointError", "VerificationFailed", "KeysMissing"} <= names
    strays = [
        f"{e.__module__}.{e.__qualname__}" for e in exceptions if not issubclass(e, RegieError)
    ]
    assert strays == [], "derive these from ledger.errors.RegieError (or a subclass)"


@pytest.mark.parametrize("error", defined_exceptions(), ids=lambda e: e.__qualname__)
def test_every_error_exits_1_or_2(error: type[RegieError]) -> None:
    assert error.exit_code in (1, 2)
