"""`read_models` is complete from `ledger.projections.tables` alone: services and
handlers load lazily (decision 0041), so a table registered only by the module that
writes it would be missing from create_all, drop_all and a rebuild."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import ROOT

PROBE = """
import json, pkgutil, importlib
import ledger.projections.tables as t
alone = sorted(t.read_models.tables)
import ledger.projections.projector
for info in pkgutil.walk_packages(["ledger"], "ledger."):
    importlib.import_module(info.name)
print(json.dumps([alone, sorted(t.read_models.tables)]))
"""


def test_every_read_model_table_is_known_to_the_tables_module() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    alone, everything = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(everything) - set(alone) == set()
    assert len(alone) > 20
