"""API routes declared once: the router and the OpenAPI 3.1 document read the same table.

Each operation names its role, its parameters (with JSON Schemas), its request body and
its responses, so ``/api/openapi.json`` cannot drift from what the server does. Handlers
receive the request, the signed-in :class:`~bot.web.auth.Principal` and their arguments:
the parameters parsed and the body checked against the declared schemas (a small subset
of JSON Schema, enough for these bodies), so a handler never sees what the document
does not allow.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.web.auth import Principal, requires
from bot.web.http import error, read_json_body

Schema = dict[str, Any]
Args = Mapping[str, Any]  # the declared parameters, parsed, and ``body`` when there is one
ApiHandler = Callable[[web.Request, Principal, Args], Awaitable[web.StreamResponse]]

ERROR = {"$ref": "#/components/schemas/Error"}
MAX_ID = 2**31 - 1  # row ids are 32-bit integers (PostgreSQL refuses a larger parameter)
_STANDARD_ERRORS = {
    400: "The request is malformed; `error` says how.",
    401: "Not signed in: send `Authorization: Bearer <token>` or sign in at /auth/login.",
    403: "Signed in without the role this needs, or a cookie request without its CSRF token.",
}


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # path | query
    schema: Schema
    description: str
    required: bool = False

    def parse(self, request: web.Request) -> Any:
        """The parameter's value, checked against the simple schemas used here."""
        raw = request.match_info.get(self.name) if self.where == "path" else None
        if self.where == "query":
            raw = request.query.get(self.name)
        if raw is None:
            if self.required:
                raise error(400, f"{self.name} is required")
            return self.schema.get("default")
        return _coerce(self.name, raw, self.schema)


def _coerce(name: str, raw: str, schema: Schema) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,19}", raw):
            raise error(400, f"{name} must be a whole number")
        value: Any = int(raw)
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise error(400, f"{name} must be from {low} to {high}")
        return value
    if len(raw) > int(schema.get("maxLength", 200)):
        raise error(400, f"{name} is too long")
    pattern = schema.get("pattern")
    if pattern is not None and not re.fullmatch(pattern.strip("^$"), raw):
        raise error(400, f"{name} is not valid")
    if "enum" in schema and raw not in schema["enum"]:
        raise error(400, f"{name} must be one of {', '.join(schema['enum'])}")
    return raw


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # below /api, with {name} placeholders
    operation_id: str
    summary: str
    role: str
    tag: str
    handler: ApiHandler
    params: tuple[Param, ...] = ()
    body: Schema | None = None
    response: Schema = field(default_factory=dict)
    status: int = 200
    errors: Mapping[int, str] = field(default_factory=dict)
    # Other statuses that answer with a body of their own: status -> (description, schema).
    alternatives: Mapping[int, tuple[str, Schema]] = field(default_factory=dict)
    body_required: bool = True


@dataclass
class Api:
    """``@api.get("/path", ...)`` registers an operation; :meth:`mount` adds them all."""

    prefix: str = "/api"
    operations: list[Operation] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        role: str,
        tag: str,
        response: Schema,
        params: Sequence[Param] = (),
        body: Schema | None = None,
        status: int = 200,
        errors: Mapping[int, str] | None = None,
        alternatives: Mapping[int, tuple[str, Schema]] | None = None,
        body_required: bool = True,
    ) -> Callable[[ApiHandler], ApiHandler]:
        def register(handler: ApiHandler) -> ApiHandler:
            self.operations.append(
                Operation(
                    method,
                    path,
                    handler.__name__,
                    summary,
                    role,
                    tag,
                    handler,
                    tuple(params),
                    body,
                    response,
                    status,
                    dict(errors or {}),
                    dict(alternatives or {}),
                    body_required,
                )
            )
            return handler

        return register

    def get(self, path: str, **kw: Any) -> Callable[[ApiHandler], ApiHandler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[ApiHandler], ApiHandler]:
        return self.route("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[ApiHandler], ApiHandler]:
        return self.route("PUT", path, **kw)

    def mount(self, app: web.Application) -> None:
        for op in self.operations:
            app.router.add_route(op.method, self.prefix + op.path, _bind(op))

    def document(self, schemas: Mapping[str, Schema], *, title: str, version: str) -> Schema:
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(self.prefix + op.path, {})[op.method.lower()] = _operation(op)
        return {
            "openapi": "3.1.0",
            "info": {
                "title": title,
                "version": version,
                "description": (
                    "Parley's API for agents and admins. Every route needs a signed-in "
                    "user: a Bearer token from `parley users add` (no CSRF check), or the "
                    "session cookie from POST /auth/login, whose unsafe requests must send "
                    "the session's CSRF token in X-CSRF-Token. Errors are "
                    '`{"error": "one sentence"}`.'
                ),
            },
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}, {"session": []}],
            "paths": paths,
            "components": {
                "schemas": dict(schemas),
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "parley_session"},
                },
            },
        }


def _operation(op: Operation) -> Schema:
    responses: dict[str, Any] = {
        str(op.status): {
            "description": op.summary,
            "content": {"application/json": {"schema": op.response}},
        }
    }
    for status, (description, schema) in op.alternatives.items():
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    errors = {**_STANDARD_ERRORS, **op.errors}
    if op.body is not None:
        errors.setdefault(413, "The body is larger than 16 KB.")
        errors.setdefault(415, "The body is not application/json.")
    for status, description in sorted(errors.items()):
        if str(status) in responses:
            continue
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": ERROR}},
        }
    out: Schema = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "description": f"Role: {op.role}{' (or admin)' if op.role == 'agent' else ''}.",
        "responses": responses,
    }
    if op.params:
        out["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "description": p.description,
                "schema": p.schema,
            }
            for p in op.params
        ]
    if op.body is not None:
        out["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": op.body}},
        }
    return out


def _bind(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def run(request: web.Request, user: Principal) -> web.StreamResponse:
        args = {p.name: p.parse(request) for p in op.params}
        if op.body is not None:
            if not op.body_required and not request.body_exists:
                body: dict[str, Any] = {}
            else:
                body = await read_json_body(request)
            check(op.body, body, "body")
            args["body"] = body
        return await op.handler(request, user, args)

    run.__name__ = op.operation_id
    return requires(op.role)(run)


def check(schema: Schema, value: Any, where: str) -> None:
    """Refuse (400) a value the schema does not allow; the message names where."""
    kind = schema.get("type")
    if kind is not None and not _is_type(value, kind):
        raise error(400, f"{where} must be {_TYPE_WORDS.get(str(kind), kind)}")
    if "enum" in schema and value not in schema["enum"]:
        raise error(400, f"{where} must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, str):
        _check_text(schema, value, where)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise error(400, f"{where} must be from {low} to {high}")
    elif isinstance(value, dict):
        _check_object(schema, value, where)
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", 1000):
            raise error(400, f"{where} has too many items")
        for index, item in enumerate(value):
            check(schema.get("items", {}), item, f"{where}[{index}]")


def _check_text(schema: Schema, value: str, where: str) -> None:
    if len(value) < schema.get("minLength", 0):
        raise error(400, f"{where} must not be empty")
    if len(value) > schema.get("maxLength", 10_000):
        raise error(400, f"{where} must be at most {schema.get('maxLength')} characters")
    pattern = schema.get("pattern")
    if pattern is not None and not re.fullmatch(pattern.strip("^$"), value):
        raise error(400, f"{where} is not valid")


def _check_object(schema: Schema, value: dict[str, Any], where: str) -> None:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            raise error(400, f"{where}.{name} is required")
    extra = schema.get("additionalProperties", True)
    if len(value) > schema.get("maxProperties", 100):
        raise error(400, f"{where} has too many keys")
    for name, item in value.items():
        if name in properties:
            check(properties[name], item, f"{where}.{name}")
        elif extra is False:
            raise error(400, f"{where}.{str(name)[:40]} is not a known key")
        elif isinstance(extra, dict):
            check(extra, item, f"{where}.{str(name)[:40]}")


_TYPE_WORDS = {
    "object": "a JSON object",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
}


def _is_type(value: Any, kind: str | list[str]) -> bool:
    if isinstance(kind, list):
        return any(_is_type(value, k) for k in kind)
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(kind, object))


_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "object": dict,
    "string": str,
    "integer": int,
    "number": (int, float),
    "array": list,
}
