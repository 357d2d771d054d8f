"""OpenID Connect tokens through ``Tokens.authenticate``: the claim's actor acts, held to
the same checks as an API token's; every refusal is one denial in the access log and
nothing else, and a server without OpenID Connect treats a JWT as an unknown token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.access import DENIED
from ledger.errors import Unauthorised
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.tokens.oidc import OidcVerifier
from ledger.tokens.oidc_settings import OidcSettings
from ledger.tokens.service import UNAUTHENTICATED
from tests import builders as b
from tests.idp import AUDIENCE, ISSUER, IdentityProvider, rsa_key


def _denials(ledger: Ledger) -> list[tuple[str, str]]:
    ledger.projections.catch_up()
    a = t.access_log
    with ledger.store.read() as conn:
        rows = conn.execute(
            select(a.c.actor, a.c.reason).where(a.c.command == "case.list", a.c.outcome == DENIED)
        ).all()
    return [(row.actor, row.reason) for row in rows]


def _events(ledger: Ledger) -> int:
    with ledger.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


@pytest.fixture
def idp(ledger: Ledger, tmp_path: Path) -> IdentityProvider:
    """The ledger's tokens accept this provider's, its keys in a JWKS file."""
    provider = IdentityProvider()
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(provider.jwks()), encoding="utf-8")
    ledger.tokens.oidc = OidcVerifier(OidcSettings(ISSUER, AUDIENCE, str(path)))
    b.seed_actors(ledger)
    return provider


def test_the_claims_actor_acts_in_one_of_their_own_roles(
    ledger: Ledger, idp: IdentityProvider
) -> None:
    token = idp.token(b.REGISSEUR.upper())
    acting = ledger.tokens.authenticate(token, None, "case.list")
    assert (acting.actor, acting.role) == (b.REGISSEUR, "regisseur")
    narrowed = ledger.tokens.authenticate(token, "uitvoeringscoordinator", "case.list")
    assert narrowed.role == "uitvoeringscoordinator"
    assert ledger.cases.cases(acting) == []
    before = _events(ledger)
    with pytest.raises(Unauthorised, match="does not hold role 'administrator'"):
        ledger.tokens.authenticate(token, "administrator", "case.list")
    assert _events(ledger) == before + 1
    assert _denials(ledger) == [
        (b.REGISSEUR, f"actor '{b.REGISSEUR}' does not hold role 'administrator' "
                      "(holds: regisseur, uitvoeringscoordinator)")
    ]  # fmt: skip


def test_a_deactivated_or_unknown_actor_and_a_forgery_are_denials(
    ledger: Ledger, idp: IdentityProvider
) -> None:
    admin = ledger.app.acting(b.ADMIN)
    ledger.actors.deactivate_actor(
        c.build(c.DeactivateActor, handle=b.UC, reason="left the partnership"), admin
    )
    before = _events(ledger)
    cases = [
        (idp.token(b.UC), "is deactivated"),
        (idp.token("nobody-registered"), "unknown actor 'nobody-registered'"),
        (idp.token(b.REGISSEUR, key=rsa_key(idp.signing.kid)), "does not verify"),
        (idp.token(b.REGISSEUR, lifetime=-600), "has expired"),
    ]
    for token, message in cases:
        with pytest.raises(Unauthorised, match=message) as refused:
            ledger.tokens.authenticate(token, None, "case.list")
        assert token.split(".")[2][:16] not in refused.value.message
    assert _events(ledger) == before + len(cases)  # the denials, nothing else
    denials = _denials(ledger)
    assert [actor for actor, _ in denials] == [b.UC] + [UNAUTHENTICATED.actor] * 3
    assert not any(token.split(".")[2][:16] in reason for (token, _), (_, reason)
                   in zip(cases, denials, strict=True))  # fmt: skip


def test_without_openid_connect_a_jwt_is_an_unknown_token(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    token = IdentityProvider().token(b.REGISSEUR)
    with pytest.raises(Unauthorised) as refused:
        ledger.tokens.authenticate(token, None, "case.list")
    assert refused.value.message == (
        "unknown API token (this server accepts no OpenID Connect tokens)"
    )
    assert _denials(ledger) == [(UNAUTHENTICATED.actor, refused.value.message)]
