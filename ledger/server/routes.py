"""Which service methods the API offers, derived from the gate: one route per gated method.

Every gated method answers to a command ("case.open"); its parameters become the JSON
body: the fields of its pydantic command (``cmd``) plus its plain parameters. A method
that needs what JSON cannot carry (a server file path, a callback) is not offered; a
parameter that takes a callback with a default keeps the default. ``command`` (what an
access is logged as) and ``fg_contact`` (on a letter) are set by the server, never by the
client.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

from ledger.access.gate import GATED

SERVICES = (
    "actors", "cases", "persons", "sharing", "retention", "letters", "privacy", "operations",
    "tokens", "group", "reminders", "checklists", "overview", "rights", "plan_documents",
    "meetings", "monitoring",
)  # fmt: skip
"""The ledger's services, by attribute of :class:`ledger.bootstrap.Ledger`."""

SET_BY_SERVER = frozenset({"by", "command", "fg_contact"})
"""Who acts (the token), what the access is logged as, and what an official letter names as
the privacy officer's contact (the server's settings): never the client's to choose."""
_PLAIN = (str, int, bool, float, date, types.NoneType)


@dataclass(frozen=True)
class Route:
    """One command offered by the API."""

    name: str
    command: str
    service: str
    attribute: str
    body: type[BaseModel]
    command_model: type[BaseModel] | None
    params: tuple[str, ...]
    summary: str

    def arguments(self, body: BaseModel) -> dict[str, Any]:
        """The method's keyword arguments (without ``by``) from a validated body."""
        values = dict(body)
        out: dict[str, Any] = {name: values[name] for name in self.params}
        if self.command_model is not None:
            fields = set(self.command_model.model_fields)
            out["cmd"] = self.command_model.model_validate(
                {k: v for k, v in values.items() if k in fields}
            )
        return out


def _plain(hint: Any) -> bool:
    """Whether JSON can carry a value of this type."""
    origin = typing.get_origin(hint)
    if origin is None:
        return hint in _PLAIN
    if origin is Literal:
        return True
    if origin in (types.UnionType, typing.Union, list, dict):
        return all(_plain(arg) for arg in typing.get_args(hint))
    return False


def _route(name: str, command: str, service: str, attribute: str, method: Any) -> Route | None:
    wrapped = method.__wrapped__
    try:
        hints = typing.get_type_hints(wrapped)
    except NameError:
        return None
    command_model: type[BaseModel] | None = None
    fields: dict[str, Any] = {}
    for param in list(inspect.signature(wrapped).parameters.values())[1:]:
        if param.name in SET_BY_SERVER:
            continue
        hint = hints.get(param.name)
        required = param.default is inspect.Parameter.empty
        if param.name == "cmd" and isinstance(hint, type) and issubclass(hint, BaseModel):
            command_model = hint
        elif _plain(hint):
            fields[param.name] = (hint, ... if required else param.default)
        elif required:
            return None  # needs what JSON cannot carry
    body: type[BaseModel]
    label = "".join(part.capitalize() for part in name.replace("-", ".").split("."))
    if command_model is not None:
        if set(fields) & set(command_model.model_fields):
            return None
        body = create_model(f"{label}Body", __base__=command_model, **fields)
    else:
        config = ConfigDict(extra="forbid")
        body = create_model(f"{label}Body", __config__=config, **fields)
    summary = (inspect.getdoc(wrapped) or "").split("\n\n")[0].replace("\n", " ")
    return Route(name, command, service, attribute, body, command_model, tuple(fields), summary)


def routes(ledger: Any) -> dict[str, Route]:
    """Every command the API offers, by route name (the command, or ``command:method`` when
    several methods answer to one command)."""
    found: list[tuple[str, str, str, Any]] = []
    for service_name in SERVICES:
        service = getattr(ledger, service_name)
        for attribute, member in inspect.getmembers(type(service), inspect.isfunction):
            if getattr(member, "__wrapped__", None) is None:
                continue
            for command, qualnames in GATED.items():
                if member.__qualname__ in qualnames:
                    found.append((command, service_name, attribute, member))
    offered = [
        (command, service_name, attribute, member)
        for command, service_name, attribute, member in sorted(found, key=lambda f: f[:3])
        if _route(command, command, service_name, attribute, member) is not None
    ]  # a method JSON cannot call does not take a command's plain name from one it can
    counts = typing.Counter(command for command, *_ in offered)
    out: dict[str, Route] = {}
    for command, service_name, attribute, member in offered:
        name = command if counts[command] == 1 else f"{command}:{attribute}"
        route = _route(name, command, service_name, attribute, member)
        if route is not None:
            out[name] = route
    return out


def index(ledger: Any, offered: dict[str, Route]) -> dict[str, dict[str, Any]]:
    """Which route answers which service method, with the method's parameters in order:
    what a client needs to turn a call of the service method into a request."""
    return {
        f"{route.service}.{route.attribute}": {
            "route": name,
            "parameters": list(inspect.signature(bound(ledger, route)).parameters),
            "body": list(route.body.model_fields),
        }
        for name, route in offered.items()
    }


def bound(ledger: Any, route: Route) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(getattr(ledger, route.service), route.attribute)
    return method
