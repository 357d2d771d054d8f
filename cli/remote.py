"""The CLI as a client of `regie serve`: a service call becomes a request to the API.

The commands call ``ctx.ledger().cases.open_case(cmd, ctx.acting())`` in either mode. Here
that call is sent as ``POST /commands/case.open`` with the command's fields as its body,
and the answer comes back as dicts that also answer attribute access, so every command
renders what it prints unchanged. Which route answers which service method, and in what
order the method takes its arguments, the server says (``GET /commands``), so the client
holds no copy of the route table that could drift from it.

This module imports neither SQLAlchemy nor the ledger's store or services: the server
alone opens the database and holds the keys. Who acts is the token's actor; the client
can only ask for one of that actor's roles (``--as``, ``X-Regie-Role``).
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from cli.answers import not_through_server, revived
from ledger.domain.acting import Acting
from ledger.errors import BadInput, RegieError

TIMEOUT_SECONDS = 120.0
"""Per request: long enough for a retention run on the server, short of hanging forever."""

ROLE_HEADER = "X-Regie-Role"
SET_BY_SERVER = frozenset({"by", "command", "fg_contact"})
"""The server decides these (ledger/server/routes.py): the client does not send them."""


class ServerError(RegieError):
    """What the server refused, with the exit code the CLI would have ended with."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _json(value: Any) -> Any:
    """An argument as JSON; a value JSON cannot carry means the command needs the server."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    raise not_through_server()


def _unset(value: Any) -> bool:
    """An argument the server can leave at its default: none given, or a callback (a
    progress bar, say) that only this terminal would show."""
    return value is None or callable(value) or (isinstance(value, tuple | list) and not value)


ENV_TLS_CA = "REGIE_TLS_CA"
"""A PEM file of the certificate authority that signed the server's certificate (else the
system's trusted authorities)."""
ENV_TLS_CLIENT_CERT = "REGIE_TLS_CLIENT_CERT"
"""A PEM file with this client's certificate and its key, for a server that asks for one
(``regie serve --tls-client-ca``)."""


def _tls_context() -> ssl.SSLContext | None:
    """The client's TLS settings, or None for the system's defaults."""
    ca, mine = os.environ.get(ENV_TLS_CA), os.environ.get(ENV_TLS_CLIENT_CERT)
    if not ca and not mine:
        return None
    try:
        context = ssl.create_default_context(cafile=ca or None)
    except (OSError, ssl.SSLError) as exc:
        raise BadInput(f"{ENV_TLS_CA}: cannot use {ca} ({type(exc).__name__})") from None
    if mine:
        try:
            context.load_cert_chain(mine)
        except (OSError, ssl.SSLError) as exc:
            raise BadInput(
                f"{ENV_TLS_CLIENT_CERT}: cannot use {mine} as certificate and key "
                f"({type(exc).__name__})"
            ) from None
    return context


class Client:
    """One server, one token; the route index is read once per process."""

    def __init__(self, url: str, token: str, role: str | None) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self.role = role
        self._index: dict[str, Any] | None = None
        self._tls = _tls_context() if self.url.startswith("https:") else None

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if self.role:
            headers[ROLE_HEADER] = self.role
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(
                request, timeout=TIMEOUT_SECONDS, context=self._tls
            ) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise self._refusal(exc) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or type(exc).__name__
            raise RegieError(f"cannot reach the server at {self.url} ({reason})") from None
        except ValueError:
            raise RegieError(f"the server at {self.url} did not answer in JSON") from None

    def _refusal(self, exc: urllib.error.HTTPError) -> RegieError:
        """The server's one-line error and exit code (4xx: as the embedded CLI would)."""
        try:
            body = json.loads(exc.read().decode("utf-8"))
            message, code = str(body["error"]).splitlines()[0], int(body["exit_code"])
        except (ValueError, KeyError, TypeError, IndexError, OSError):
            message, code = f"the server answered HTTP {exc.code}", 1
        return ServerError(message, code if code in (1, 2) else 1)

    @property
    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = self.request("GET", "/commands")
        return self._index

    def call(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        entry = self.index["methods"].get(method)
        if entry is None:
            raise not_through_server()
        names: list[str] = entry["parameters"]
        fields = set(entry["body"])
        given = dict(zip(names, args, strict=False))
        given.update(kwargs)
        body: dict[str, Any] = {}
        for name, value in given.items():
            if name in SET_BY_SERVER:
                continue
            if name == "cmd" and isinstance(value, BaseModel):
                body.update(value.model_dump(mode="json"))
            elif name in fields:
                body[name] = _json(value)
            elif not _unset(value):
                raise not_through_server()
        answer = self.request("POST", f"/commands/{entry['route']}", body)
        return revived(answer["result"])


class RemoteService:
    """A service of the ledger on the server: ``cases``, ``persons``, ``sharing``, ..."""

    def __init__(self, client: Client, name: str) -> None:
        self._client = client
        self._name = name

    def __getattr__(self, method: str) -> Callable[..., Any]:
        from cli.remote_files import HERE

        qualified = f"{self._name}.{method}"
        if qualified in HERE:
            here = HERE[qualified]
            return lambda *args, **kwargs: here(self._client.call, args, kwargs)
        if qualified not in self._client.index["methods"]:
            raise not_through_server()

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._client.call(qualified, args, kwargs)

        return call


class RemoteLedger:
    """Stands in for :class:`ledger.bootstrap.Ledger` when a server is configured."""

    def __init__(self, client: Client, actor: str | None) -> None:
        self._client = client
        index = client.index
        if actor and actor != index["actor"]:
            raise RegieError(
                f"REGIE_ACTOR is {actor}, but the API token acts as {index['actor']}: "
                "through the server the token says who acts (unset REGIE_ACTOR, or use "
                f"{actor}'s own token)"
            )
        self._services = {name.split(".", 1)[0] for name in index["methods"]}

    def __getattr__(self, name: str) -> RemoteService:
        if name.startswith("_") or name not in self._services:
            raise not_through_server()
        return RemoteService(self._client, name)

    def acting(self) -> Acting:
        """Who the server will say acts; only for the commands' messages, never sent."""
        index = self._client.index
        return Acting(index["actor"], index["role"], index.get("organisation", ""))

    def today(self) -> date:
        """The server's today, which every default date of a command is."""
        return date.fromisoformat(self._client.index["today"])

    def close(self) -> None:
        """Nothing is held open between requests."""


def connect(server: str, token: str | None, role: str | None, actor: str | None) -> RemoteLedger:
    if not server.startswith(("https://", "http://")):
        raise BadInput(f"REGIE_SERVER must be an https:// (or http://) URL, not '{server}'")
    if not token:
        raise RegieError(
            "no API token for the server: set REGIE_TOKEN, or token_file in the config file "
            "(an administrator issues one with `regie token issue` on the server)"
        )
    return RemoteLedger(Client(server, token, role), actor)
