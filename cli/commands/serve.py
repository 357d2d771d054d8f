from __future__ import annotations

from pathlib import Path

import click

from cli.common import Context, handle_errors, json_option, pass_ctx


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8470, show_default=True, type=click.IntRange(1, 65535))
@click.option("--tls-cert", type=click.Path(path_type=Path), help="PEM certificate for HTTPS.")
@click.option("--tls-key", type=click.Path(path_type=Path), help="PEM private key for HTTPS.")
@click.option(
    "--tls-client-ca",
    type=click.Path(path_type=Path),
    help="PEM certificate authority: every client must show a certificate it signed (mTLS).",
)
@json_option
@pass_ctx
@handle_errors
def command(
    ctx: Context,
    host: str,
    port: int,
    tls_cert: Path | None,
    tls_key: Path | None,
    tls_client_ca: Path | None,
    as_json: bool,
) -> None:
    """Serve the ledger as an HTTP API; clients authenticate with API tokens.

    This process alone opens the database and holds the keys; every request runs the
    same gated services as the embedded CLI. See docs/api.md. With --json, the line saying
    where it listens is JSON. With REGIE_OIDC_ISSUER, REGIE_OIDC_AUDIENCE and
    REGIE_OIDC_JWKS set (or oidc_* in the config file), OpenID Connect tokens of the
    municipality's identity provider are accepted too; see docs/deployment.md.

    \b
    Example:
      regie serve --port 8470
      regie serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
      regie serve --tls-cert cert.pem --tls-key key.pem --tls-client-ca clients-ca.pem
    """
    from ledger.server.run import serve
    from ledger.tokens.oidc_settings import oidc_settings

    oidc = oidc_settings(ctx.settings.oidc)  # checked before the ledger is opened
    serve(
        ctx.ledger(serving=True),
        host,
        port,
        tls_cert,
        tls_key,
        announce_json=as_json,
        oidc=oidc,
        tls_client_ca=tls_client_ca,
        fg_contact=ctx.settings.fg_contact,  # on letters: the server's setting, not a client's
    )
