"""OpenID Connect tokens checked against a key set made in the test: signature, issuer,
audience, times and the actor claim; the settings refused with the setting named; the key
set cached, fetched again for a new key, and its outage failing fast."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.config import load_settings
from ledger.errors import BadInput
from ledger.tokens.jwks import FileKeys, KeysUnavailable, RemoteKeys, UnknownKey
from ledger.tokens.oidc import OidcRefused, OidcVerifier
from ledger.tokens.oidc_settings import OidcSettings, oidc_settings
from tests.idp import AUDIENCE, ISSUER, IdentityProvider, ec_key, rsa_key


@pytest.fixture
def idp() -> IdentityProvider:
    return IdentityProvider()


@pytest.fixture
def jwks_url(idp: IdentityProvider) -> Iterator[str]:
    with idp.serving() as url:
        yield url


def _verifier(url: str, **keys: float) -> OidcVerifier:
    settings = OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks=url)
    return OidcVerifier(settings, RemoteKeys(url, **keys))


def test_a_valid_token_names_its_actor(idp: IdentityProvider, jwks_url: str) -> None:
    verifier = _verifier(jwks_url)
    assert verifier.actor(idp.token("Regisseur")) == "regisseur"
    assert verifier.actor(idp.token("wijkagent", aud=[AUDIENCE, "other"])) == "wijkagent"


def _forgeries(idp: IdentityProvider) -> list[tuple[str, str]]:
    other = rsa_key(idp.signing.kid)  # the provider's key id, someone else's key
    return [
        (idp.token(lifetime=-120), "has expired"),
        (idp.token(nbf=9_999_999_999), "is not valid yet"),
        (idp.token(iat=9_999_999_999), "is not valid yet"),
        (idp.token(aud="another-app"), "is not meant for this server"),
        (idp.token(iss="https://evil.test/realms/regie"), f"was not issued by {ISSUER}"),
        (idp.token(key=other), "signature that does not verify"),
        (idp.token(key=rsa_key("key-unknown")), "'key-unknown', which the identity"),
        (idp.token(key=ec_key(idp.signing.kid)), "signed with 'ES256'"),  # RS256 only here
        (idp.unsigned(), "signed with 'none'"),
        (idp.hmac_with_public_key(), "signed with 'HS256'"),
        (idp.token(None), "carries no 'regie_actor' claim"),
        (idp.token(12), "carries no 'regie_actor' claim"),
        (idp.token("Jan de Vries <jan@example.test>"), "is not an actor id (value not repeated)"),
        (idp.token(exp=None), "lacks the claim 'exp'"),
        (idp.token(aud=None), "lacks the claim 'aud'"),
        ("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "names no signing key"),
        ("e30.e30.", "signed with an algorithm"),
        ("a.b.c", "is not a well-formed JWT"),
        ("a" * 9000 + ".b.c", "is longer than 8192 characters"),
    ]


def test_forged_expired_and_misdirected_tokens_are_refused(
    idp: IdentityProvider, jwks_url: str
) -> None:
    verifier = OidcVerifier(
        OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks=jwks_url, algorithms=("RS256",)),
        RemoteKeys(jwks_url, cooldown=0),
    )
    for token, message in _forgeries(idp):
        with pytest.raises(OidcRefused if "key-unknown" not in message else UnknownKey) as got:
            verifier.actor(token)
        assert message in got.value.message, token
        assert "\n" not in got.value.message
        assert token[-20:] not in got.value.message
        assert "jan@" not in got.value.message


def test_ec_keys_and_the_default_algorithms(jwks_url: str) -> None:
    idp = IdentityProvider(signing=ec_key("ec-1"))
    with idp.serving() as url:
        assert _verifier(url).actor(idp.token("privacy")) == "privacy"
    assert jwks_url  # the RSA provider's set does not hold it:
    with pytest.raises(UnknownKey):
        _verifier(jwks_url).actor(idp.token("privacy"))


def test_the_key_set_is_cached_and_fetched_again_for_a_new_key(
    idp: IdentityProvider, jwks_url: str
) -> None:
    verifier = _verifier(jwks_url, cooldown=0)
    for _ in range(3):
        verifier.actor(idp.token())
    assert idp.fetches == 1
    new = rsa_key("key-2")  # the provider rolls its keys over
    idp.published = [idp.signing, new]
    idp.signing = new
    assert verifier.actor(idp.token("coordinator")) == "coordinator"
    assert idp.fetches == 2
    with pytest.raises(UnknownKey):
        verifier.actor(idp.token(key=rsa_key("made-up")))
    assert idp.fetches == 3  # an unknown key id asks again...
    cooling = _verifier(jwks_url)
    cooling.actor(idp.token())
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        with pytest.raises(UnknownKey):
            cooling.actor(idp.token(key=rsa_key(kid)))
    assert idp.fetches == 4  # ...but not again within the cooldown


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_key_set_refuses_at_once_for_a_while(idp: IdentityProvider) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/certs"
    verifier = _verifier(url)
    assert verifier.problem() is not None and url in (verifier.problem() or "")
    for _ in range(2):
        with pytest.raises(KeysUnavailable, match="could not be fetched from http://127") as got:
            verifier.actor(idp.token())
        assert got.value.message.startswith("the OpenID Connect token cannot be checked: ")
    again = _verifier(url, retry_after=0)
    with pytest.raises(KeysUnavailable):
        again.actor(idp.token())


def test_a_key_set_file_is_read_again_when_replaced(idp: IdentityProvider, tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(idp.jwks()), encoding="utf-8")
    settings = oidc_settings(
        {"issuer": (ISSUER, "I"), "audience": (AUDIENCE, "A"), "jwks": (str(path), "J")}
    )
    assert settings is not None and settings.jwks_file == path.resolve()
    verifier = OidcVerifier(settings)
    assert verifier.actor(idp.token()) == "regisseur"
    new = ec_key("key-2")
    path.write_text(json.dumps({"keys": [new.jwk()]}), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new modification time, however fast the file system
    assert verifier.actor(idp.token("privacy", key=new)) == "privacy"
    with pytest.raises(UnknownKey):
        verifier.actor(idp.token())
    path.write_text("not json", encoding="utf-8")
    os.utime(path, ns=(2, 2))
    with pytest.raises(KeysUnavailable, match="is not a JWKS"):
        verifier.actor(idp.token("privacy", key=new))
    assert isinstance(FileKeys(tmp_path / "gone.json").problem(), str)


GOOD = {
    "issuer": (ISSUER, "REGIE_OIDC_ISSUER"),
    "audience": (AUDIENCE, "REGIE_OIDC_AUDIENCE"),
    "jwks": ("https://idp.gemeente.test/realms/regie/certs", "REGIE_OIDC_JWKS"),
}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("issuer", "idp.gemeente.test", "REGIE_OIDC_ISSUER: the issuer must be an https:// URL"),
        ("issuer", "http://idp.gemeente.test", "plain http:// only to 127.0.0.1"),
        ("issuer", ISSUER + "?x=1", "has no query or fragment"),
        ("jwks", "http://idp.gemeente.test/certs", "REGIE_OIDC_JWKS: the key set must be https"),
        ("jwks", "/nonexistent/jwks.json", "REGIE_OIDC_JWKS: no file at /nonexistent"),
        ("audience", "regie api", "REGIE_OIDC_AUDIENCE: one audience"),
        ("algorithms", "none", "X: 'none' is never accepted"),
        ("algorithms", "RS256, HS256", "X: HS256 is never accepted: it is a shared secret"),
        ("algorithms", "RS257", "X: unknown algorithm 'RS257'"),
        ("algorithms", " , ", "X: name at least one algorithm"),
        ("actor_claim", "exp", "X: the claim 'exp' does not name a person"),
        ("actor_claim", "regie actor", "X: not a claim name"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(name: str, value: str, message: str) -> None:
    given = {**GOOD, name: (value, GOOD[name][1] if name in GOOD else "X")}
    with pytest.raises(BadInput) as got:
        oidc_settings(given)
    assert message in got.value.message
    assert "\n" not in got.value.message


def test_settings_go_together_and_have_defaults() -> None:
    assert oidc_settings({}) is None
    with pytest.raises(BadInput, match=r"needs REGIE_OIDC_AUDIENCE \(or oidc_audience"):
        oidc_settings({"issuer": GOOD["issuer"], "jwks": GOOD["jwks"]})
    settings = oidc_settings({**GOOD, "algorithms": ("es256 rs256 ES256", "X")})
    assert settings is not None
    assert settings.algorithms == ("ES256", "RS256")
    assert settings.actor_claim == "regie_actor"
    assert oidc_settings(GOOD) == OidcSettings(ISSUER, AUDIENCE, GOOD["jwks"][0])


def test_settings_come_from_the_environment_before_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'oidc_issuer = "{ISSUER}"\noidc_audience = "from-file"\noidc_jwks = "http://x/certs"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("REGIE_CONFIG", str(config))
    monkeypatch.setenv("REGIE_OIDC_AUDIENCE", AUDIENCE)
    found = load_settings().oidc
    assert found["audience"] == (AUDIENCE, "REGIE_OIDC_AUDIENCE")
    with pytest.raises(BadInput, match=f"^{config}: oidc_jwks: the key set must be https"):
        oidc_settings(found)
