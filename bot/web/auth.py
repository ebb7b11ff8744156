"""Who is calling: token login, signed session cookies, CSRF, Bearer tokens, roles.

How the app factory and handlers use it::

    app[AUTH] = Auth(uow=storage.uow, key=storage.key)  # on the root application
    app.add_routes(auth_routes())  # POST /auth/login, POST /auth/logout, GET /auth/me

    @requires("agent")  # admin implies agent
    async def handler(request: web.Request, user: Principal) -> web.StreamResponse: ...

    user = await require_role(request, "admin")  # the same as a call; raises 401 / 403
    user = await current_user(request)  # None when nobody is signed in (e.g. a login page)
    check_origin(request)  # WebSocket handshakes: refuse a foreign Origin (403)

Handlers in nested applications find the ``Auth`` through ``request.config_dict``.

Two ways in, tried in order:

- ``Authorization: Bearer <token>`` for API clients, with the token ``parley users add``
  printed. Nothing ambient is involved, so no CSRF check applies.
- The ``parley_session`` cookie that ``POST /auth/login`` sets (form field or JSON key
  ``token``): HttpOnly, SameSite=Strict, Path=/, Secure over TLS, valid 12 hours. Its value
  is ``base64url(json).base64url(HMAC-SHA256)`` under a key derived from the storage secret
  key; it names the user, the first 16 hex digits of their token hash and a random session
  id whose SHA-256 is a row of ``app_session``. Logout ends that row; a new token
  (``parley users rotate``) or a disabled user (``parley users disable``) ends every session
  at the next request (the user and session rows are read each time).

CSRF, for cookie sessions: an unsafe method (POST, PUT, PATCH, DELETE) must carry the
session's CSRF token in the ``X-CSRF-Token`` header (or a ``csrf_token`` form field); pages
get it from the login response or ``GET /auth/me``. A request whose ``Origin`` is another
host is refused whatever it carries, and login refuses one too (login CSRF). Responses to
a refused request are JSON ``{"error": "..."}`` with 401, 403 or 429.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web

from bot.identity import token_hash
from bot.storage.models import User, UserSession, pk
from bot.storage.ports import UnitOfWork
from bot.web.jsonin import loads, valid_text

__all__ = [
    "AUTH",
    "COOKIE",
    "CSRF_HEADER",
    "ROLES",
    "Auth",
    "Principal",
    "auth_routes",
    "check_origin",
    "current_user",
    "has_role",
    "require_role",
    "requires",
]

COOKIE: Final = "parley_session"
CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"
ROLES: Final = {"agent": 1, "admin": 2}  # a higher rank holds every lower role
SESSION_SECONDS: Final = 12 * 3600
MAX_TOKEN: Final = 256
_UNSAFE: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HASH_PREFIX: Final = 16
_TOKEN_PREFIX: Final = 12  # "pk_" and nine random characters

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in agent or admin, as handlers see them."""

    id: int
    name: str
    role: str  # agent | admin
    via: str  # cookie | bearer
    csrf: str | None = None  # the session's CSRF token (cookie sessions only)

    @property
    def actor(self) -> str:
        """How the audit log names this person: ``agent:NAME`` or ``admin:NAME``."""
        return f"{self.role}:{self.name}"


def has_role(user: Principal, role: str) -> bool:
    return ROLES.get(user.role, 0) >= ROLES[role]


@dataclass
class _Failures:
    """Failed sign-ins per key (``client:ADDRESS``, ``prefix:TOKEN-START``) in a sliding
    window, bounded in memory. When full, expired keys go first, then the keys with the
    fewest failures: many one-off clients can never reset a blocked one."""

    limit: int = 20
    window: float = 60.0
    max_keys: int = 10_000
    seen: dict[str, list[float]] = field(default_factory=dict)

    def blocked(self, key: str, now: float) -> bool:
        recent = [t for t in self.seen.get(key, []) if now - t < self.window]
        if recent:
            self.seen[key] = recent
        else:
            self.seen.pop(key, None)
        return len(recent) >= self.limit

    def record(self, key: str, now: float) -> None:
        times = self.seen.setdefault(key, [])
        times.append(now)
        del times[: -self.limit * 2]  # enough to know it is blocked
        if len(self.seen) > self.max_keys:
            self._shrink(now)

    def _shrink(self, now: float) -> None:
        for key in [k for k, times in self.seen.items() if now - times[-1] >= self.window]:
            del self.seen[key]
        excess = len(self.seen) - self.max_keys * 9 // 10
        if excess > 0:
            fewest = sorted(self.seen, key=lambda k: len(self.seen[k]))[:excess]
            for key in fewest:
                del self.seen[key]


def failure_keys(client: str, token: str | None) -> list[str]:
    """Where a failed sign-in counts: the client, and the start of the token tried."""
    keys = [f"client:{client}"]
    if token:
        keys.append(f"prefix:{token[:_TOKEN_PREFIX]}")
    return keys


@dataclass
class Auth:
    """Sessions and tokens for one process. ``secure_cookies`` None follows the request's
    scheme; set True behind a TLS-terminating proxy."""

    uow: UowFactory
    key: bytes
    session_seconds: int = SESSION_SECONDS
    secure_cookies: bool | None = None
    # The host of PARLEY_PUBLIC_URL: a proxy may pass on another Host than the browser used.
    public_host: str | None = None
    clock: Callable[[], float] = time.time
    failures: _Failures = field(default_factory=_Failures)

    @property
    def _cookie_key(self) -> bytes:
        return hmac.new(self.key, b"parley:session-cookie:v1", hashlib.sha256).digest()

    def seal(self, user: User, session_id: str, now: float | None = None) -> tuple[str, str]:
        """A signed cookie value for ``user``'s session ``session_id`` and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        issued = int(self.clock() if now is None else now)
        body = {
            "u": pk(user),
            "h": user.token_hash[:_HASH_PREFIX],
            "s": session_id,
            "x": issued + self.session_seconds,
            "c": csrf,
        }
        raw = json.dumps(body, separators=(",", ":")).encode()
        return f"{_b64(raw)}.{_b64(self._sign(raw))}", csrf

    async def start_session(self, user: User) -> tuple[str, str]:
        """Record a new server-side session for ``user``; its cookie value and CSRF token."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.uow() as uow:
            await uow.users.forget_sessions(datetime.fromtimestamp(now, UTC))
            uow.users.add_session(
                UserSession(
                    id=_session_hash(session_id),
                    user_id=pk(user),
                    expires_at=datetime.fromtimestamp(now + self.session_seconds, UTC),
                )
            )
            uow.audit.append("auth.login", f"{user.role}:{user.name}", {"via": "cookie"})
            await uow.commit()
        return self.seal(user, session_id, now)

    async def end_session(self, claims: dict[str, Any]) -> None:
        async with self.uow() as uow:
            await uow.users.end_sessions(claims["u"], _session_hash(claims["s"]))
            uow.audit.append("auth.logout", "system", {"user_id": claims["u"]})
            await uow.commit()

    def unseal(self, value: str) -> dict[str, Any] | None:
        """The cookie's claims when the signature holds and it has not expired."""
        if len(value) > 1024 or value.count(".") != 1:
            return None
        body_text, signature_text = value.split(".")
        try:
            raw, signature = _unb64(body_text), _unb64(signature_text)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(signature, self._sign(raw)):
            return None
        try:
            claims = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(claims, dict) or not _claims_ok(claims):
            return None
        if claims["x"] <= self.clock():
            return None
        return claims

    def _sign(self, raw: bytes) -> bytes:
        return hmac.new(self._cookie_key, raw, hashlib.sha256).digest()

    async def by_token(self, token: str) -> User | None:
        if not 0 < len(token) <= MAX_TOKEN:
            return None
        async with self.uow() as uow:
            user = await uow.users.by_token_hash(token_hash(token))
        return None if user is None or user.disabled else user

    async def by_session(self, claims: dict[str, Any]) -> User | None:
        """The session's user while the session is live on the server (not logged out,
        not expired) and the user is neither disabled nor given a new token."""
        async with self.uow() as uow:
            user = await uow.users.get(claims["u"])
            session = await uow.users.find_session(_session_hash(claims["s"]))
        if user is None or user.disabled or session is None:
            return None
        if session.user_id != claims["u"] or session.ended_at is not None:
            return None
        if session.expires_at.timestamp() <= self.clock():
            return None
        return user if hmac.compare_digest(user.token_hash[:_HASH_PREFIX], claims["h"]) else None


def _claims_ok(claims: dict[str, Any]) -> bool:
    return (
        isinstance(claims.get("u"), int)
        and isinstance(claims.get("h"), str)
        and isinstance(claims.get("s"), str)
        and 0 < len(claims["s"]) <= 64
        and isinstance(claims.get("x"), int)
        and isinstance(claims.get("c"), str)
    )


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


AUTH: Final = web.AppKey("parley_auth", Auth)
_PRINCIPAL: Final = web.RequestKey("parley_principal", Principal)
_CHECKED: Final = web.RequestKey("parley_principal_checked", bool)


def _error(kind: type[web.HTTPException], message: str, **headers: str) -> web.HTTPException:
    return kind(
        text=json.dumps({"error": message}), content_type="application/json", headers=headers
    )


async def current_user(request: web.Request) -> Principal | None:
    """The caller, from a Bearer token or the session cookie; None when neither is valid."""
    if request.get(_CHECKED):
        return request.get(_PRINCIPAL)
    principal = await _authenticate(request)
    request[_CHECKED] = True
    if principal is not None:
        request[_PRINCIPAL] = principal
    return principal


async def _authenticate(request: web.Request) -> Principal | None:
    auth = request.config_dict[AUTH]
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        keys = failure_keys(request.remote or "?", token.strip())
        _refuse_if_blocked(auth, keys)
        user = await auth.by_token(token.strip())
        if user is None:
            for key in keys:
                auth.failures.record(key, auth.clock())
            return None
        return Principal(pk(user), user.name, user.role, "bearer")
    cookie = request.cookies.get(COOKIE)
    claims = auth.unseal(cookie) if cookie else None
    if claims is None:
        return None
    user = await auth.by_session(claims)
    if user is None:
        return None
    return Principal(pk(user), user.name, user.role, "cookie", str(claims["c"]))


def _refuse_if_blocked(auth: Auth, keys: list[str]) -> None:
    """429 while this client, or this token's start, has failed too often of late."""
    now = auth.clock()
    if any(auth.failures.blocked(key, now) for key in keys):
        raise _error(
            web.HTTPTooManyRequests,
            "too many failed sign-ins; wait a minute",
            **{"Retry-After": str(int(auth.failures.window))},
        )


async def require_role(request: web.Request, role: str) -> Principal:
    """The caller if they hold ``role`` (admin implies agent); else 401, or 403 for a wrong
    role, a foreign Origin or a missing CSRF token on an unsafe cookie request."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    check_origin(request)
    user = await current_user(request)
    if user is None:
        raise _error(web.HTTPUnauthorized, "sign in first", **{"WWW-Authenticate": "Bearer"})
    if user.via == "cookie" and request.method in _UNSAFE:
        await _check_csrf(request, user)
    if not has_role(user, role):
        raise _error(web.HTTPForbidden, f"this needs the {role} role")
    return user


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RoleHandler = Callable[[web.Request, Principal], Awaitable[web.StreamResponse]]


def requires(role: str) -> Callable[[RoleHandler], Handler]:
    """Decorate ``async def handler(request, user)``: runs only for callers holding ``role``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(handler: RoleHandler) -> Handler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            return await handler(request, await require_role(request, role))

        return guarded

    return decorate


def check_origin(request: web.Request) -> None:
    """Refuse (403) a request whose ``Origin`` names another host than the one it reached
    (or the host of ``PARLEY_PUBLIC_URL``)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    parts = urlsplit(origin)
    auth = request.config_dict.get(AUTH)
    hosts = {request.host.lower()}
    if auth is not None and auth.public_host:
        hosts.add(auth.public_host.lower())
    if origin == "null" or parts.netloc.lower() not in hosts:
        raise _error(web.HTTPForbidden, "cross-site request refused")


async def _check_csrf(request: web.Request, user: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or user.csrf is None or not hmac.compare_digest(sent, user.csrf):
        raise _error(web.HTTPForbidden, "missing or wrong CSRF token")


# --- routes ---------------------------------------------------------------------------------


def auth_routes() -> web.RouteTableDef:
    """``POST /auth/login``, ``POST /auth/logout``, ``GET /auth/me`` (mount on the root app)."""
    routes = web.RouteTableDef()
    routes.post("/auth/login")(_login)
    routes.post("/auth/logout")(_logout)
    routes.get("/auth/me")(_me)
    return routes


async def _login(request: web.Request) -> web.StreamResponse:
    check_origin(request)
    auth = request.config_dict[AUTH]
    as_json = request.content_type == "application/json"
    token, target = await _login_input(request, as_json)
    keys = failure_keys(request.remote or "?", token)  # the real client (bot.web.app)
    _refuse_if_blocked(auth, keys)
    user = await auth.by_token(token)
    if user is None:
        for key in keys:
            auth.failures.record(key, auth.clock())
        async with auth.uow() as uow:
            uow.audit.append("auth.refused", "system", {"reason": "unknown or disabled token"})
            await uow.commit()
        raise _error(web.HTTPUnauthorized, "that token is not valid")
    cookie, csrf = await auth.start_session(user)
    body = {"name": user.name, "role": user.role, "csrf": csrf}
    if as_json or target is None:
        response = web.json_response(body)
    else:
        response = web.Response(status=303, headers={"Location": target})
    secure = request.secure if auth.secure_cookies is None else auth.secure_cookies
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=auth.session_seconds,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=secure,
    )
    return response


async def _login_input(request: web.Request, as_json: bool) -> tuple[str, str | None]:
    """The token and, for a form, where to go next (a local path only)."""
    if as_json:
        try:
            data = loads(await request.read())  # bounded by the app's client_max_size
        except ValueError:
            raise _error(web.HTTPBadRequest, "the body must be JSON") from None
        token = data.get("token") if isinstance(data, dict) else None
        target = None
    else:
        form = await request.post()
        token = form.get("token")
        nxt = form.get("next")
        target = nxt if isinstance(nxt, str) and _local_path(nxt) else None
    if (
        not isinstance(token, str)
        or not valid_text(token)
        or not 0 < len(token.strip()) <= MAX_TOKEN
    ):
        raise _error(web.HTTPBadRequest, "send the token from `parley users add`")
    return token.strip(), target


# A path on this site in printable ASCII: browsers drop tabs and newlines from a URL, so
# "/<TAB>/evil.example" would become "//evil.example", another host.
_LOCAL_PATH: Final = re.compile(r"/(?![/\\])[!-~]{0,500}")


def _local_path(path: str) -> bool:
    return _LOCAL_PATH.fullmatch(path) is not None and "\\" not in path


async def _logout(request: web.Request) -> web.StreamResponse:
    user = await current_user(request)
    if user is not None and user.via == "cookie":
        await require_role(request, "agent")  # CSRF: a foreign page may not sign you out
        auth = request.config_dict[AUTH]
        claims = auth.unseal(request.cookies.get(COOKIE, ""))
        if claims is not None:
            await auth.end_session(claims)  # a copy of the cookie is worth nothing now
    response = web.json_response({"signed_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def _me(request: web.Request) -> web.StreamResponse:
    user = await current_user(request)
    if user is None:
        raise _error(web.HTTPUnauthorized, "sign in first", **{"WWW-Authenticate": "Bearer"})
    return web.json_response({"name": user.name, "role": user.role, "csrf": user.csrf})
