"""API tokens: issued and revoked as events, stored only as a digest, and turned back into
an acting identity only while genuine, unexpired, unrevoked and held by an active actor."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.access import DENIED
from ledger.errors import BadInput, NotFound, Refused, Unauthorised
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.tokens import commands as tc
from ledger.tokens.service import UNAUTHENTICATED
from tests import builders as b
from tests.conftest import FixedClock


def _denials(ledger: Ledger, actor: str) -> list[str]:
    ledger.projections.catch_up()
    a = t.access_log
    with ledger.store.read() as conn:
        rows = conn.execute(
            select(a.c.reason).where(
                a.c.command == "case.list", a.c.outcome == DENIED, a.c.actor == actor
            )
        ).all()
    return [row.reason for row in rows]


def _issue(ledger: Ledger, actor: str, expires: date | None = None) -> str:
    admin = ledger.app.acting(b.ADMIN)
    cmd = c.build(tc.IssueToken, actor=actor, expires_on=expires)
    return ledger.tokens.issue(cmd, admin).secret


def test_a_token_identifies_its_actor_and_only_its_digest_is_stored(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    secret = _issue(ledger, b.REGISSEUR)
    assert len(secret.split(".", 1)[1]) >= 43  # 256 random bits, URL-safe base64
    assert ledger.tokens.authenticate(secret, None, "case.list").actor == b.REGISSEUR
    assert ledger.tokens.authenticate(secret, "uitvoeringscoordinator", "x").role == (
        "uitvoeringscoordinator"
    )
    with ledger.store.read() as conn:
        stored = " ".join(str(r.state) for r in conn.execute(select(events.c.state)))
    assert secret not in stored
    assert secret.split(".", 1)[1] not in stored
    rows = ledger.tokens.tokens(ledger.app.acting(b.ADMIN))
    assert [(r["actor"], r["status"], r["revoked_on"]) for r in rows] == [
        (b.REGISSEUR, "active", None)
    ]
    assert secret.split(".", 1)[1] not in json.dumps(rows)


def test_unknown_malformed_and_wrong_secrets_are_refused_and_logged(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    secret = _issue(ledger, b.REGISSEUR)
    token_id = secret.split(".", 1)[0]
    forged = f"{token_id}.{'A' * 43}"
    for presented, message in [
        (None, "no API token"),
        ("", "no API token"),
        ("not-a-token", "unknown API token"),
        ("x" * 100_000, "unknown API token"),
        (forged, f"unknown API token ({token_id})"),
        ("tok_000000000000." + "B" * 43, "unknown API token"),
    ]:
        with pytest.raises(Unauthorised, match="API token") as refused:
            ledger.tokens.authenticate(presented, None, "case.list")
        assert message in refused.value.message
        assert "\n" not in refused.value.message
    reasons = _denials(ledger, UNAUTHENTICATED.actor)
    assert len(reasons) == 6
    assert not any("A" * 43 in reason or "x" * 50 in reason for reason in reasons)


def test_expiry_follows_the_ledger_clock(ledger: Ledger, clock: FixedClock) -> None:
    b.seed_actors(ledger)
    secret = _issue(ledger, b.REGISSEUR, expires=clock.today)
    assert ledger.tokens.authenticate(secret, None, "case.list").actor == b.REGISSEUR
    clock.advance(1)
    with pytest.raises(Unauthorised, match=f"expired on {clock.today.replace(day=22)}"):
        ledger.tokens.authenticate(secret, None, "case.list")
    assert _denials(ledger, b.REGISSEUR) == [
        f"API token {secret.split('.')[0]} expired on 2026-11-22"
    ]
    with pytest.raises(Refused, match=r"token\.expiry"):
        _issue(ledger, b.REGISSEUR, expires=date(2026, 11, 1))


def test_revoked_tokens_and_deactivated_actors_no_longer_act(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    admin = ledger.app.acting(b.ADMIN)
    revoked, kept = _issue(ledger, b.REGISSEUR), _issue(ledger, b.UC)
    token_id = revoked.split(".")[0]
    ledger.tokens.revoke(c.build(tc.RevokeToken, token_id=token_id, reason="test"), admin)
    with pytest.raises(Unauthorised, match="was revoked"):
        ledger.tokens.authenticate(revoked, None, "case.list")
    with pytest.raises(Refused, match=r"token\.revoked"):
        ledger.tokens.revoke(c.build(tc.RevokeToken, token_id=token_id), admin)
    with pytest.raises(NotFound, match="no token"):
        ledger.tokens.revoke(c.build(tc.RevokeToken, token_id="tok_000000000000"), admin)
    with pytest.raises(BadInput, match="token_id"):
        c.build(tc.RevokeToken, token_id="tok_; drop table")
    ledger.actors.deactivate_actor(c.build(c.DeactivateActor, handle=b.UC, reason="test"), admin)
    with pytest.raises(Unauthorised, match="deactivated"):
        ledger.tokens.authenticate(kept, None, "case.list")
    with pytest.raises(Refused, match=r"actor\.active"):
        _issue(ledger, b.UC)
    assert _denials(ledger, b.UC) == [f"actor '{b.UC}' is deactivated and cannot act"]
    statuses = {r["actor"]: r["status"] for r in ledger.tokens.tokens(admin)}
    assert statuses == {b.REGISSEUR: "revoked", b.UC: "active"}


def test_only_the_administrator_may_issue_tokens(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    with pytest.raises(Unauthorised, match="token issue"):
        ledger.tokens.issue(c.build(tc.IssueToken, actor=b.REGISSEUR), by)
    with pytest.raises(NotFound):
        _issue(ledger, "nobody-test")
