"""Which checkpoint signatures `audit verify` checks (decision 0042), on SQLite and
PostgreSQL. The sample is made small here (``SAMPLE``) so that a short history has more
checkpoints than it: the strategy, not the number, is what is tested.

* Every root is recomputed whatever the sample: an altered root never passes.
* The newest, the first, and both sides of a key rotation are always checked; ``full``
  checks every one.
* An intermediate checkpoint with a forged signature is found by ``full`` always, and by
  the default only when drawn: the draw changes from run to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, text

from ledger.audit import triggers
from ledger.audit import verify as v
from ledger.audit.verify import VerificationFailed
from ledger.bootstrap import Ledger
from tests import builders as b

CHECKPOINTS = "regie_checkpoints"


@pytest.fixture(autouse=True)
def small_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v, "SAMPLE", 3)


@contextmanager
def attacker(ledger: Ledger) -> Iterator[Connection]:
    with ledger.store.engine.begin() as conn:
        triggers.drop(conn)
        yield conn


def history(ledger: Ledger, signals: int = 12) -> str:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    for _ in range(signals):
        ledger.cases.record_signal(b.signal(ref), by)
    return ref


def sizes(ledger: Ledger) -> list[int]:
    return [h.tree_size for h in ledger.audit_log.checkpoints()]


def forge_signature(ledger: Ledger, size: int) -> None:
    with attacker(ledger) as conn:
        conn.execute(
            text(f"UPDATE {CHECKPOINTS} SET signature = :s WHERE tree_size = :n"),
            {"s": bytes(64), "n": size},
        )


def test_the_default_checks_the_fixed_ones_and_a_sample_and_full_checks_all(
    ledger: Ledger,
) -> None:
    history(ledger)
    count = len(sizes(ledger))
    assert count > 3 + 2
    default = ledger.audit_log.verify()
    assert 3 + 1 <= default.signatures <= 3 + 2  # the sample, the newest, the first
    assert (default.checkpoints, default.full) == (count, False)
    full = ledger.audit_log.verify(full=True)
    assert (full.signatures, full.full) == (count, True)


@pytest.mark.parametrize("which", ["first", "newest"])
def test_the_first_and_the_newest_signature_are_always_checked(ledger: Ledger, which: str) -> None:
    history(ledger)
    heads = sizes(ledger)
    forge_signature(ledger, heads[0] if which == "first" else heads[-1])
    for _ in range(5):
        with pytest.raises(VerificationFailed, match="signature"):
            ledger.audit_log.verify()


def test_an_altered_root_fails_whatever_the_sample(ledger: Ledger) -> None:
    history(ledger)
    middle = sizes(ledger)[len(sizes(ledger)) // 2]
    with attacker(ledger) as conn:
        conn.execute(
            text(f"UPDATE {CHECKPOINTS} SET root_hash = :r WHERE tree_size = :n"),
            {"r": bytes(32), "n": middle},
        )
    for _ in range(5):
        with pytest.raises(VerificationFailed, match=f"checkpoint {middle}"):
            ledger.audit_log.verify()


def test_a_forged_intermediate_signature_full_always_the_default_when_drawn(
    ledger: Ledger,
) -> None:
    history(ledger)
    heads = sizes(ledger)
    forged = heads[len(heads) // 2]
    forge_signature(ledger, forged)
    with pytest.raises(VerificationFailed, match=f"checkpoint {forged}"):
        ledger.audit_log.verify(full=True)
    outcomes = set()
    for _ in range(150):  # 3 drawn of ~20 a run: both outcomes (missed: p < 1e-10)
        try:
            ledger.audit_log.verify()
            outcomes.add("passed")
        except VerificationFailed as failure:
            assert f"checkpoint {forged}" in str(failure)
            outcomes.add("found")
    assert outcomes == {"passed", "found"}


def test_both_sides_of_a_key_rotation_are_always_checked(ledger: Ledger) -> None:
    ref = history(ledger, signals=8)
    by = ledger.app.acting(b.REGISSEUR, "regisseur")
    ledger.operations.rotate_signing_key(ledger.app.acting(b.ADMIN))
    last_by_old_key = sizes(ledger)[-1]
    for _ in range(8):
        ledger.cases.record_signal(b.signal(ref), by)
    first_by_new_key = sizes(ledger)[sizes(ledger).index(last_by_old_key) + 1]
    assert ledger.audit_log.verify().signatures >= 3 + 2
    for size in (last_by_old_key, first_by_new_key):
        with ledger.store.engine.connect() as conn:
            original = conn.execute(
                text(f"SELECT signature FROM {CHECKPOINTS} WHERE tree_size = :n"), {"n": size}
            ).scalar_one()
        forge_signature(ledger, size)
        for _ in range(5):
            with pytest.raises(VerificationFailed, match=f"checkpoint {size}"):
                ledger.audit_log.verify()
        with attacker(ledger) as conn:
            conn.execute(
                text(f"UPDATE {CHECKPOINTS} SET signature = :s WHERE tree_size = :n"),
                {"s": original, "n": size},
            )
        assert ledger.audit_log.verify(full=True).events == sizes(ledger)[-1]
