"""Start the API under uvicorn, after checking that this process can hold the ledger's keys."""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

from ledger.bootstrap import Ledger
from ledger.errors import BadInput


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
) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM); refuse to start without working keys."""
    if (tls_cert is None) != (tls_key is None):
        raise BadInput("--tls-cert and --tls-key go together: give both or neither")
    for path in (tls_cert, tls_key):
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
    url = f"{scheme}://{host}:{port}"
    if announce_json:
        print(json.dumps({"serving": url, "ledger": ledger.origin()}), flush=True)
    else:
        print(f"regie serving {ledger.origin()} on {url}", file=sys.stderr, flush=True)
    uvicorn.run(
        create_app(ledger),
        host=host,
        port=port,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        log_level="info",
        server_header=False,
    )
