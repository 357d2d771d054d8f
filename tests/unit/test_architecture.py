"""The layout keeps its promises: no reaching into another module's private members, few
modules directly in ledger/, and modules small enough to read (a ratchet for the few that
are still too long: they may shrink, never grow, and no new one may join them)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import ROOT

PACKAGES = ("ledger", "policies", "cli")
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 8

TOO_LONG_TODAY: dict[str, int] = {
    # module: its length when the limit was set; such a module may shrink, never grow.
}


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _own_private_names(tree: ast.AST) -> set[str]:
    """Private names this module defines: functions, classes, attributes it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if n.startswith("_")}


def test_no_module_reaches_into_another_modules_private_members() -> None:
    """``x._name`` is fine on ``self``/``cls`` and on objects of a class defined in the same
    module (which assigns ``_name`` itself); anything else is a private member of another
    module's class, and should be a public method instead."""
    offences = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = _own_private_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            name = node.attr
            if not name.startswith("_") or name.startswith("__") or name in own:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            offences.append(f"{path.relative_to(ROOT)}:{node.lineno} .{name}")
    assert offences == [], "private members used across modules:\n" + "\n".join(offences)


def test_ledger_shows_its_capabilities_as_folders() -> None:
    top = sorted(p.name for p in (ROOT / "ledger").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_modules_stay_short() -> None:
    too_long = {}
    for path in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        where = str(path.relative_to(ROOT))
        allowed = TOO_LONG_TODAY.get(where, MAX_LINES)
        if lines > allowed:
            too_long[where] = lines
    assert too_long == {}, f"modules over {MAX_LINES} lines (or grown past their ratchet)"
