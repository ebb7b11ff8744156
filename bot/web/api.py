"""The JSON API under ``/api``: what the console and the admin page do, for scripts too.

Every route needs a signed-in user (Bearer token or session cookie with CSRF token) and
the role it names; ``/api/openapi.json`` is generated from the same declarations the
router uses (:mod:`bot.web.openapi`). Amounts are decimal strings, times ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from bot.commands.policy import limits_for
from bot.offers import DEFAULT_SEGMENT, KEYS, plain
from bot.offers.money import quantize
from bot.storage.models import Account, AuditEvent, Conversation, Handoff, Message, Offer
from bot.web import api_handoffs, dashboard, reads
from bot.web.auth import Principal, requires
from bot.web.http import error
from bot.web.keys import STORAGE
from bot.web.openapi import MAX_ID, Api, Args, Param, Schema
from bot.web.policies import MEANINGS, PolicyChangeError, change_limits, limits_json, version_json
from bot.web.schemas import SCHEMAS, ref

api = Api()

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"
SEGMENT = Param(
    "segment",
    "path",
    {"type": "string", "pattern": _NAME, "maxLength": 64},
    "A segment name, e.g. us-card-early, or default.",
    True,
)
REFERENCE = Param(
    "reference",
    "path",
    {"type": "string", "pattern": _NAME, "maxLength": 64},
    "The account reference, e.g. A-10001.",
    True,
)
CONVERSATION = Param(
    "conversation_id",
    "path",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "The conversation's id.",
    True,
)
LIMIT = Param(
    "limit",
    "query",
    {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    "Page size.",
)
BEFORE = Param(
    "before",
    "query",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "Only items with a smaller id (the previous page's next_before).",
)


def _day(name: str, description: str) -> Param:
    return Param(name, "query", {"type": "string", "format": "date", "pattern": _DAY}, description)


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def _money(amount: Decimal, currency: str) -> str:
    """An amount in the currency's minor unit, as a decimal string ("12000.00")."""
    return plain(quantize(amount, currency))


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def _date(value: str | None, name: str) -> date | None:
    """A day in the range any period may cover (so a period's ends stay valid dates)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise error(400, f"{name} must be a date, YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise error(400, f"{name} must be a day from {FIRST_DAY} to {LAST_DAY}")
    return day


# --- who am I -------------------------------------------------------------------------------


@api.get("/me", summary="The signed-in user.", role="agent", tag="session", response=ref("Me"))
async def me(request: web.Request, user: Principal, args: Args) -> web.Response:
    return _json({"name": user.name, "role": user.role, "csrf": user.csrf})


# --- policies -------------------------------------------------------------------------------


@api.get(
    "/policies",
    summary="The offer limits in force for every segment (own or the default's).",
    role="agent",
    tag="policies",
    response=ref("PolicyList"),
)
async def list_policies(request: web.Request, user: Principal, args: Args) -> web.Response:
    storage = request.app[STORAGE]
    used = await reads.account_segments(storage.factory)
    async with storage.uow() as uow:
        segments = sorted({DEFAULT_SEGMENT, *await uow.policies.segments(), *used})
        items = [limits_json(await limits_for(uow, s), s) for s in segments]
    return _json({"policies": items, "keys": {k: MEANINGS[k] for k in KEYS}})


@api.get(
    "/policies/{segment}",
    summary="The offer limits in force for one segment.",
    role="agent",
    tag="policies",
    params=[SEGMENT],
    response=ref("LimitsInForce"),
)
async def show_policy(request: web.Request, user: Principal, args: Args) -> web.Response:
    async with request.app[STORAGE].uow() as uow:
        found = await limits_for(uow, args["segment"])
    return _json(limits_json(found, args["segment"]))


@api.put(
    "/policies/{segment}",
    summary="Change some of a segment's limits: a new version, with who, when, old → new.",
    role="admin",
    tag="policies",
    params=[SEGMENT],
    body={
        "type": "object",
        "required": ["limits"],
        "additionalProperties": False,
        "properties": {
            "limits": {
                "type": "object",
                "description": "KEY → value; keys left out keep their values.",
                "additionalProperties": False,
                "properties": {
                    key: {"type": ["string", "integer"], "maxLength": 40} for key in KEYS
                },
            }
        },
    },
    response=ref("PolicyChange"),
    errors={
        409: "Someone changed the segment at the same moment; nothing was changed.",
        422: "A value is out of range or inconsistent; the sentence names the key.",
    },
)
async def set_policy(request: web.Request, user: Principal, args: Args) -> web.Response:
    values = {k: str(v) for k, v in args["body"]["limits"].items()}
    async with request.app[STORAGE].uow() as uow:
        try:
            change = await change_limits(uow, args["segment"], values, user.name, user.actor)
        except PolicyChangeError as exc:
            raise error(exc.status, str(exc)) from None
        await uow.commit()
    return _json(
        {
            "segment": change.segment,
            "version": change.version,
            "changed": bool(change.changes),
            "changes": {k: list(v) for k, v in change.changes.items()},
            "limits": change.limits.as_json(),
        }
    )


@api.get(
    "/policies/{segment}/history",
    summary="Every version of a segment's limits, oldest first.",
    role="agent",
    tag="policies",
    params=[SEGMENT],
    response=ref("PolicyHistory"),
)
async def policy_history(request: web.Request, user: Principal, args: Args) -> web.Response:
    async with request.app[STORAGE].uow() as uow:
        rows = await uow.policies.history(args["segment"])
    return _json({"segment": args["segment"], "versions": [version_json(r) for r in rows]})


# --- audit ----------------------------------------------------------------------------------


@api.get(
    "/audit",
    summary="The audit log, newest first, searchable by kind, account, conversation and date.",
    role="admin",
    tag="audit",
    params=[
        Param(
            "kind",
            "query",
            {"type": "string", "pattern": r"^[a-z_]{1,24}(\.[a-z_]{1,24}){0,3}$", "maxLength": 48},
            "An event kind, or a dotted prefix of kinds: guard finds guard.inbound too.",
        ),
        Param(
            "reference",
            "query",
            {"type": "string", "pattern": _NAME, "maxLength": 64},
            "Only events about this account.",
        ),
        Param(
            "conversation",
            "query",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "Only events of this conversation.",
        ),
        _day("from", "First day (UTC), inclusive."),
        _day("to", "Last day (UTC), inclusive."),
        BEFORE,
        LIMIT,
    ],
    response=ref("AuditPage"),
)
async def audit(request: web.Request, user: Principal, args: Args) -> web.Response:
    storage = request.app[STORAGE]
    account_id = None
    if args["reference"] is not None:
        async with storage.uow() as uow:
            account = await uow.accounts.by_reference(args["reference"])
        if account is None:
            return _json({"events": [], "next_before": None})
        account_id = account.id
    first, last = _date(args["from"], "from"), _date(args["to"], "to")
    query = reads.AuditQuery(
        kind=args["kind"],
        account_id=account_id,
        conversation_id=args["conversation"],
        since=None if first is None else dashboard.Period(first, first).start,
        until=None if last is None else dashboard.Period(last, last).end,
        before=args["before"],
        limit=args["limit"],
    )
    events = await reads.audit_events(storage.factory, query)
    names = await reads.references(
        storage.factory, {e.account_id for e in events if e.account_id is not None}
    )
    more = len(events) == query.limit
    return _json(
        {
            "events": [_audit_json(e, names) for e in events],
            "next_before": events[-1].id if more and events else None,
        }
    )


def _audit_json(event: AuditEvent, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "kind": event.kind,
        "actor": event.actor,
        "reference": names.get(event.account_id) if event.account_id is not None else None,
        "account_id": event.account_id,
        "conversation_id": event.conversation_id,
        "policy_version": event.policy_version,
        "data": event.data,
    }


# --- dashboard ------------------------------------------------------------------------------


@api.get(
    "/dashboard",
    summary="Figures and daily series over a period of whole UTC days (default: 30 days).",
    role="admin",
    tag="dashboard",
    params=[
        _day("from", "First day (UTC), inclusive; default 29 days before `to`."),
        _day("to", "Last day (UTC), inclusive; default today."),
    ],
    response=ref("Dashboard"),
)
async def dashboard_figures(request: web.Request, user: Principal, args: Args) -> web.Response:
    today = datetime.now(UTC).date()
    last = _date(args["to"], "to") or today
    first = _date(args["from"], "from") or last - timedelta(days=29)
    if first > last:
        raise error(400, "from must not be after to")
    if (last - first).days >= dashboard.MAX_DAYS:
        raise error(400, f"the period must be at most {dashboard.MAX_DAYS} days")
    period = dashboard.Period(first, last)
    return _json(await dashboard.figures(request.app[STORAGE].factory, period, today))


# --- accounts and conversations -------------------------------------------------------------


@api.get(
    "/accounts/{reference}",
    summary="An account: balance, flags, arrangements with instalments, conversations.",
    role="agent",
    tag="accounts",
    params=[REFERENCE],
    response=ref("Account"),
    errors={404: "No account has this reference."},
)
async def account(request: web.Request, user: Principal, args: Args) -> web.Response:
    storage = request.app[STORAGE]
    async with storage.uow() as uow:
        found = await uow.accounts.by_reference(args["reference"])
        if found is None or found.id is None:
            raise error(404, "no account has this reference")
        arrangements = []
        for item in await uow.arrangements.for_account(found.id):
            instalments = await uow.arrangements.instalments(item.id or 0)
            arrangements.append(
                {
                    "id": item.id,
                    "kind": item.kind,
                    "status": item.status,
                    "currency": item.currency,
                    "total": _money(item.total, item.currency),
                    "payment_reference": item.payment_reference,
                    "policy_version": item.policy_version,
                    "created_at": item.created_at.isoformat(),
                    "instalments": [
                        {
                            "seq": i.seq,
                            "due": i.due.isoformat(),
                            "amount": _money(i.amount, item.currency),
                            "paid_at": i.paid_at.isoformat() if i.paid_at else None,
                        }
                        for i in instalments
                    ],
                }
            )
    chats = await reads.account_conversations(storage.factory, found.id)
    return _json(
        {
            **_account_json(found),
            "arrangements": arrangements,
            "conversations": [_conversation_json(c, found) for c in chats],
        }
    )


def _account_json(account: Account) -> dict[str, Any]:
    """What an agent may see. The verification hashes never leave the database."""
    balance = account.principal + account.interest + account.fees
    currency = account.currency
    return {
        "reference": account.reference,
        "full_name": account.full_name,
        "currency": currency,
        "principal": _money(account.principal, currency),
        "interest": _money(account.interest, currency),
        "fees": _money(account.fees, currency),
        "balance": _money(balance, currency),
        "apr": plain(account.apr),
        "days_past_due": account.days_past_due,
        "segment": account.segment,
        "jurisdiction": account.jurisdiction,
        "timezone": account.timezone,
        "locale": account.locale,
        "validation_end": account.validation_end.isoformat() if account.validation_end else None,
        "time_barred": account.time_barred,
        "disputed": account.disputed,
        "verification_locked_until": (
            account.verification_locked_until.isoformat()
            if account.verification_locked_until
            else None
        ),
    }


def _conversation_json(conversation: Conversation, account: Account | None) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "channel": conversation.channel,
        "reference": account.reference if account else None,
        "state": conversation.state,
        "mode": conversation.mode,
        "language": conversation.language,
        "tone": conversation.tone,
        "steps": conversation.step_count,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
    }


_STATES = [
    "greet",
    "verify",
    "disclose",
    "situation",
    "offer",
    "negotiate",
    "agree",
    "handoff",
    "closed",
    "stopped",
]


@api.get(
    "/conversations",
    summary="Conversations, most recently started first.",
    role="agent",
    tag="conversations",
    params=[
        Param("state", "query", {"type": "string", "enum": _STATES}, "Only in this state."),
        Param(
            "mode",
            "query",
            {"type": "string", "enum": ["bot", "agent"]},
            "bot, or agent (handed off).",
        ),
        Param(
            "channel",
            "query",
            {"type": "string", "enum": ["web", "telegram", "terminal"]},
            "Only on this channel.",
        ),
        Param(
            "reference",
            "query",
            {"type": "string", "pattern": _NAME, "maxLength": 64},
            "Only about this account.",
        ),
        BEFORE,
        LIMIT,
    ],
    response=ref("ConversationPage"),
)
async def list_conversations(request: web.Request, user: Principal, args: Args) -> web.Response:
    storage = request.app[STORAGE]
    account_id = None
    if args["reference"] is not None:
        async with storage.uow() as uow:
            account = await uow.accounts.by_reference(args["reference"])
        if account is None:
            return _json({"conversations": [], "next_before": None})
        account_id = account.id
    query = reads.ConversationQuery(
        state=args["state"],
        mode=args["mode"],
        channel=args["channel"],
        account_id=account_id,
        before=args["before"],
        limit=args["limit"],
    )
    found = await reads.conversations(storage.factory, query)
    more = len(found) == query.limit
    return _json(
        {
            "conversations": [_conversation_json(c, a) for c, a in found],
            "next_before": found[-1][0].id if more and found else None,
        }
    )


@api.get(
    "/conversations/{conversation_id}",
    summary="One conversation: its transcript (with delivery status), offers and handoffs.",
    role="agent",
    tag="conversations",
    params=[CONVERSATION],
    response=ref("Transcript"),
    errors={404: "No conversation has this id."},
)
async def transcript(request: web.Request, user: Principal, args: Args) -> web.Response:
    storage = request.app[STORAGE]
    conversation_id = args["conversation_id"]
    async with storage.uow() as uow:
        conversation = await uow.conversations.get(conversation_id)
        if conversation is None:
            raise error(404, "no conversation has this id")
        account = (
            await uow.accounts.get(conversation.account_id) if conversation.account_id else None
        )
        messages = await uow.messages.transcript(conversation_id, limit=1000)
    offers = await reads.conversation_offers(storage.factory, conversation_id)
    handoffs = await reads.conversation_handoffs(storage.factory, conversation_id)
    return _json(
        {
            **_conversation_json(conversation, account),
            "messages": [_message_json(m) for m in messages],
            "offers": [_offer_json(o, account.currency if account else None) for o in offers],
            "handoffs": [_handoff_json(h) for h in handoffs],
        }
    )


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "sender": message.sender,
        "text": message.text,
        "status": message.status,
        "buttons": [
            {"id": str(b.get("id", "")), "label": str(b.get("label", ""))}
            for b in message.payload.get("buttons", [])
            if isinstance(b, dict)
        ],
        "created_at": message.created_at.isoformat(),
    }


def _offer_json(offer: Offer, currency: str | None) -> dict[str, Any]:
    def amount(value: Decimal) -> str:
        return _money(value, currency) if currency else plain(value)

    return {
        "id": offer.id,
        "kind": offer.kind,
        "status": offer.status,
        "round": offer.round,
        "monthly": amount(offer.monthly),
        "total": amount(offer.total),
        "policy_version": offer.policy_version,
        "expires_at": offer.expires_at.isoformat(),
        "created_at": offer.created_at.isoformat(),
    }


def _handoff_json(handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "reason": handoff.reason,
        "priority": handoff.priority,
        "status": handoff.status,
        "created_at": handoff.created_at.isoformat(),
        "claimed_at": handoff.claimed_at.isoformat() if handoff.claimed_at else None,
        "ended_at": handoff.ended_at.isoformat() if handoff.ended_at else None,
    }


# --- the document ---------------------------------------------------------------------------


def openapi_document() -> Schema:
    return api.document(SCHEMAS, title="Parley API", version="1")


@requires("agent")
async def _openapi(request: web.Request, user: Principal) -> web.Response:
    """Behind sign-in like the rest: only the web chat is public."""
    return _json(openapi_document())


api.operations.extend(api_handoffs.routes.operations)


def setup(app: web.Application) -> None:
    api.mount(app)
    app.router.add_get("/api/openapi.json", _openapi)
