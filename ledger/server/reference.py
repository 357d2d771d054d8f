"""Generate docs/api.md from the app's own OpenAPI document, so the reference cannot drift.

Run: ``python -m ledger.server.reference > docs/api.md`` (a test checks it is current).
"""

from __future__ import annotations

import sys
import tempfile
from typing import Any

from ledger.bootstrap import open_ledger
from ledger.server.app import create_app

INTRO = """# HTTP API reference

Generated from the server's OpenAPI document by
`python -m ledger.server.reference > docs/api.md`; do not edit. A running server also
serves it at `/openapi.json` (and `/docs`).

`regie serve` alone opens the database and holds the keys. Every request but `GET /health`
and `GET /ping` carries `Authorization: Bearer <token>` (from `regie token issue`, or an
OpenID Connect access token of the identity provider the server is set up for:
docs/deployment.md);
`X-Regie-Role: <role>` chooses one of the actor's own roles, like `--as`. A command is
`POST /commands/<command>` with a JSON object of its arguments (an empty object when it
has none) and answers `{"command": ..., "result": ...}`. The gate inside each service
method checks the permission, exactly as for the embedded CLI; refusals and failed
authentications are in the access log. Errors are one line,
`{"error": ..., "exit_code": ...}`: 400 bad input (exit code 2), 401 no, unknown, expired
or revoked token, 403 refused by the gate or a rule (exit code 1), 404 not found (exit
code 2), 409 a concurrent change (run it again).
"""


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s, spec) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"`{v}`" for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), spec)}"
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(name: str, spec: dict[str, Any]) -> list[str]:
    schema = spec["components"]["schemas"][name]
    required = set(schema.get("required", []))
    rows = []
    for field, prop in schema.get("properties", {}).items():
        need = "yes" if field in required else "no"
        rows.append(f"| `{field}` | {_type(prop, spec)} | {need} |")
    return rows


def render() -> str:
    with tempfile.TemporaryDirectory() as directory:
        ledger = open_ledger(f"sqlite:///{directory}/api.sqlite", require_initialised=False)
        try:
            spec = create_app(ledger).openapi()
        finally:
            ledger.close()
    parts = [INTRO]
    for path, operations in spec["paths"].items():
        for verb, operation in operations.items():
            parts.append(f"## {verb.upper()} {path}\n\n{operation.get('summary', '')}\n")
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema", {})
            name = _type(body, spec) if body else None
            if name and name in spec["components"]["schemas"]:
                rows = _fields(name, spec)
                if rows:
                    parts.append("| field | type | required |\n|---|---|---|")
                    parts.append("\n".join(rows) + "\n")
                else:
                    parts.append("No arguments: send `{}` or no body.\n")
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render())
