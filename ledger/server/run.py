"""Start the API under uvicorn, after checking that this process can hold the ledger's keys."""

from __future__ import annotations

import ipaddress
import json
import ssl
import sys
from pathlib import Path

from ledger.bootstrap import Ledger
from ledger.errors import BadInput
from ledger.tokens.oidc_settings import OidcSettings


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(
    ledger: Ledger,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    *,
    announce_json: bool = False,
    oidc: OidcSettings | None = None,
    tls_client_ca: Path | None = None,
    fg_contact: str | None = None,
) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM); refuse to start without working keys.

    With ``oidc``, OpenID Connect tokens of that issuer are accepted beside API tokens; an
    identity provider that cannot be reached now is a warning, not a refusal to start
    (API tokens work meanwhile, and its key set is fetched again when a token needs it).
    """
    if (tls_cert is None) != (tls_key is None):
        raise BadInput("--tls-cert and --tls-key go together: give both or neither")
    if tls_client_ca is not None and tls_cert is None:
        raise BadInput("--tls-client-ca asks clients for a certificate over TLS: give "
                       "--tls-cert and --tls-key too")  # fmt: skip
    for path in (tls_cert, tls_key, tls_client_ca):
        if path is not None and not path.is_file():
            raise BadInput(f"no TLS file at {path}")
    ledger.origin()  # initialised
    ledger.keystore  # noqa: B018  (opens with the master key, or refuses now, not later)
    import uvicorn

    from ledger.server.app import create_app

    scheme = "https" if tls_cert else "http"
    if tls_cert is None and not _loopback(host):
        print(
            f"Warning: serving plain HTTP on {host}; tokens cross the network unencrypted. "
            "Give --tls-cert and --tls-key, or put a TLS proxy in front.",
            file=sys.stderr,
        )
    if oidc is not None:
        _accept_oidc(ledger, oidc)
    url = f"{scheme}://{host}:{port}"
    announced = {"serving": url, "ledger": ledger.origin()}
    if oidc is not None:
        announced["oidc_issuer"] = oidc.issuer
    if announce_json:
        print(json.dumps(announced), flush=True)
    else:
        also = f", accepting OpenID Connect tokens of {oidc.issuer}" if oidc else ""
        print(f"regie serving {ledger.origin()} on {url}{also}", file=sys.stderr, flush=True)
    uvicorn.run(
        create_app(ledger, fg_contact),
        host=host,
        port=port,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        # mTLS: only a client with a certificate signed by this authority gets through.
        ssl_ca_certs=str(tls_client_ca) if tls_client_ca else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if tls_client_ca else ssl.CERT_NONE,
        log_level="info",
        server_header=False,
    )


def _accept_oidc(ledger: Ledger, settings: OidcSettings) -> None:
    from ledger.tokens.oidc import OidcVerifier

    verifier = OidcVerifier(settings)
    problem = verifier.problem()
    if problem:
        print(
            f"Warning: {problem}; OpenID Connect tokens are refused until it can be read.",
            file=sys.stderr,
            flush=True,
        )
    ledger.tokens.oidc = verifier
