"""Small pieces every JSON endpoint shares: errors as ``{"error": …}``, and bounded JSON
bodies from this site only (:func:`bot.web.auth.check_origin`: with SameSite cookies, that
keeps cookie sessions safe from other sites' pages)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.web.auth import check_origin
from bot.web.jsonin import loads, valid_text

__all__ = ["MAX_BODY", "error", "loads", "read_body", "read_json_body", "valid_text"]

MAX_BODY = 16 * 1024  # bytes; no form or message needs more

_ERRORS: Mapping[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
    415: web.HTTPUnsupportedMediaType,
    422: web.HTTPUnprocessableEntity,
    429: web.HTTPTooManyRequests,
}


def error(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> web.HTTPException:
    """An HTTP error whose body is ``{"error": message}``; raise it."""
    body = json.dumps({"error": message}, ensure_ascii=False)
    if status == 413:
        return web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY,
            actual_size=MAX_BODY + 1,
            text=body,
            content_type="application/json",
            headers=headers,
        )
    cls = _ERRORS.get(status, web.HTTPBadRequest)
    return cls(text=body, content_type="application/json", headers=headers)


async def read_json_body(request: web.Request, limit: int = MAX_BODY) -> dict[str, Any]:
    """The request's JSON object; refuses other media types, other origins, big bodies."""
    check_origin(request)
    if request.content_type != "application/json":
        raise error(415, "send the body as application/json")
    raw = await read_body(request, limit)
    try:
        value = loads(raw)
    except ValueError as exc:
        raise error(400, str(exc)) from None
    if not isinstance(value, dict):
        raise error(400, "the body must be a JSON object")
    return value


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, however many packets it arrived in; 413 past ``limit`` bytes."""
    too_big = f"the body must be at most {limit} bytes"
    if request.content_length is not None and request.content_length > limit:
        raise error(413, too_big)
    raw = bytearray()
    async for chunk in request.content.iter_chunked(4096):
        raw += chunk
        if len(raw) > limit:
            raise error(413, too_big)
    return bytes(raw)
