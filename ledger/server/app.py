"""The HTTP API: bearer-token authentication, then one gated service method per command.

The HTTP layer only says who acts (through :meth:`Tokens.authenticate`) and carries JSON
in and out; every permission is checked by the gate inside the service method, exactly
as for the embedded CLI. Every request that touches the ledger runs on the one writer
thread (:mod:`ledger.server.writer`): the services were written for one caller, and the
commands that arrive together share one durable commit (group commit, decision 0023).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ledger.access import trace
from ledger.bootstrap import Ledger
from ledger.commands import REF_HELP
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Conflict, NotFound, RegieError
from ledger.server.jsonable import jsonable
from ledger.server.routes import Route, bound, index, routes
from ledger.server.writer import Writer
from ledger.tokens.service import AUTHENTICATE, AuthenticationFailed

ROLE_HEADER = "X-Regie-Role"
"""The role to act in, like ``--as``; default: the actor's first role."""


class ErrorBody(BaseModel):
    """Every error: one line, and the exit code the CLI would end with."""

    error: str
    exit_code: int


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input (exit code 2); nothing was written."},
    401: {"model": ErrorBody, "description": "No, unknown, expired or revoked token (exit 1)."},
    403: {"model": ErrorBody, "description": "Refused by the gate or a rule (exit 1)."},
    404: {"model": ErrorBody, "description": "The case, actor, ... does not exist (exit 2)."},
}


def status_of(error: RegieError) -> int:
    if isinstance(error, AuthenticationFailed):
        return 401
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, BadInput) or error.exit_code == 2:
        return 400
    if isinstance(error, Conflict):
        return 409
    return 403


def error_response(status: int, message: str, exit_code: int) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message, "exit_code": exit_code}, status, headers=headers)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _validation_message(exc: RequestValidationError) -> str:
    """The first problem in one line, like ``commands.build``: the field, never the value."""
    errors = exc.errors()
    if not errors:
        return "the request body is not valid"
    first = errors[0]
    field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    message = str(first.get("msg", "is not valid"))
    if field == "case" or field.endswith(".case"):
        message = f"expected {REF_HELP}"
    return f"{field}: {message}"


def create_app(ledger: Ledger, fg_contact: str | None = None) -> FastAPI:
    """The API over one opened ledger (which the caller closes); ``fg_contact``: the privacy
    officer's contact the server's settings put on letters (default: the letters' own)."""
    ledger.load_services()  # built once here, not by the first requests' threads at once
    writer = Writer(ledger.store, ledger.forget_cached)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.stop()  # after uvicorn has let the requests in flight finish

    app = FastAPI(
        title="regie",
        version="0.1.0",
        description="The regie ledger's commands over HTTP; see docs/api.md.",
        lifespan=lifespan,
    )
    app.state.writer = writer
    offered = routes(ledger)
    methods = index(ledger, offered)

    @app.exception_handler(RegieError)
    def _regie_error(_request: Request, exc: RegieError) -> JSONResponse:
        return error_response(status_of(exc), exc.message, exc.exit_code)

    @app.exception_handler(RequestValidationError)
    def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(exc), 2)

    @app.exception_handler(HTTPException)
    def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error_response(404, "no such endpoint; see docs/api.md", 2)
        return error_response(exc.status_code, str(exc.detail).splitlines()[0], 2)

    @app.exception_handler(Exception)
    def _internal(_request: Request, exc: Exception) -> JSONResponse:
        # The type only: a message could carry data that must not leave the server.
        return error_response(
            500, f"internal error ({type(exc).__name__}); nothing further was written", 1
        )

    @app.get("/health", summary="Whether the server runs and its ledger answers.")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "ledger": writer.run(ledger.origin),
            "waiting": writer.waiting(),
            "groups": writer.groups,
            "commands": writer.commands,
        }

    @app.get(
        "/ping",
        summary="Answers at once, touching neither the ledger nor its lock: the HTTP stack "
        "alone, what the benchmark holds the commands against.",
    )
    def ping() -> dict[str, bool]:
        return {"pong": True}

    @app.get(
        "/commands",
        summary="The commands this server offers, who the token acts as, and which route "
        "answers which service method (authenticated; what the CLI as a client reads).",
    )
    def commands(request: Request) -> dict[str, Any]:
        bearer, role = _bearer(request), request.headers.get(ROLE_HEADER)
        checked = ledger.tokens.check_jwt(bearer)
        tracing = trace.from_traceparent(request.headers.get("traceparent"), "api")

        def identify() -> Acting:
            with trace.request(tracing):
                return ledger.tokens.authenticate(bearer, role, AUTHENTICATE, checked)

        by = writer.run(identify)
        return {
            "commands": sorted(offered),
            "actor": by.actor,
            "role": by.role,
            "organisation": by.organisation,
            "today": ledger.app.clock().isoformat(),
            "methods": methods,
        }

    for route in offered.values():
        app.add_api_route(
            f"/commands/{route.name}",
            _endpoint(ledger, route, writer, fg_contact),
            methods=["POST"],
            name=route.name,
            summary=f"{route.command}: {route.summary}" if route.summary else route.command,
            response_model=None,
            responses=ERRORS,
        )
    return app


def _endpoint(ledger: Ledger, route: Route, writer: Writer, fg_contact: str | None) -> Any:
    """A FastAPI endpoint whose body is the route's model (so it is in the OpenAPI)."""

    optional = not any(f.is_required() for f in route.body.model_fields.values())

    def endpoint(request: Request, body: BaseModel | None = None) -> dict[str, Any]:
        if body is None:
            body = route.body.model_validate({})
        bearer, role = _bearer(request), request.headers.get(ROLE_HEADER)
        checked = ledger.tokens.check_jwt(bearer)  # outside the writer: may fetch keys
        arguments = route.arguments(body)
        # The caller's W3C trace context, if it sent one (Logboek Dataverwerkingen).
        tracing = trace.from_traceparent(request.headers.get("traceparent"), "api")

        def work() -> dict[str, Any]:
            with trace.request(tracing):
                return serve()

        def serve() -> dict[str, Any]:
            by = ledger.tokens.authenticate(bearer, role, route.command, checked)
            method = bound(ledger, route)
            extra: dict[str, Any] = {}
            parameters = inspect.signature(method).parameters
            if "command" in parameters:
                extra["command"] = route.command
            if "fg_contact" in parameters and fg_contact is not None:
                extra["fg_contact"] = fg_contact
            result = method(by=by, **arguments, **extra)
            return {"command": route.command, "result": jsonable(result)}

        answer: dict[str, Any] = writer.run(work)
        return answer

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=Request),
            inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=route.body | None if optional else route.body,
                              default=Body(None) if optional else inspect.Parameter.empty),
        ]
    )  # fmt: skip
    endpoint.__name__ = route.name.replace(".", "_").replace("-", "_").replace(":", "__")
    return endpoint
