"""The handoff desk in the JSON API: the queue, claim, reply, plans, return, close, and the
approvals of plans beyond the limits. The same :class:`~bot.handoff.HandoffDesk` the console
uses, so every refusal (someone else holds it, the guard refused the words) is the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.handoff import RESUMABLE, CalculatorError, HandoffDesk, HandoffError, PlanRequest
from bot.handoff.calculator import MAX_HOLIDAY_REQUEST
from bot.offers import KEYS
from bot.web.auth import Principal
from bot.web.console import DESK
from bot.web.http import error
from bot.web.openapi import MAX_ID, Api, ApiHandler, Args, Param, Schema
from bot.web.schemas import ref

HANDOFF = Param(
    "handoff_id",
    "path",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "The handoff's id.",
    True,
)
APPROVAL = Param(
    "approval_id",
    "path",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "The approval's id.",
    True,
)
_NOTE = {"type": "string", "maxLength": 2000}
_NOTE_BODY: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"note": _NOTE},
}
_REQUEST_PROPERTIES: dict[str, Schema] = {
    "monthly": {
        "anyOf": [
            {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,3})?$", "maxLength": 16},
            {"type": "null"},
        ],
        "description": "What the debtor can pay a month; null for the engine's own choice.",
    },
    "holiday_months": {"type": "integer", "minimum": 0, "maximum": MAX_HOLIDAY_REQUEST},
    "overrides": {
        "type": "object",
        "additionalProperties": False,
        "description": "Limits to go beyond for this plan; a plan outside the segment's "
        "limits needs an admin's approval.",
        "properties": {key: {"type": ["string", "integer"], "maxLength": 40} for key in KEYS},
    },
}
_CONFLICTS = {
    403: "Someone else holds this handoff.",
    404: "No handoff has this id.",
    409: "The handoff is not in a state that allows this (not claimed, or ended).",
}


def _desk(request: web.Request) -> HandoffDesk:
    return request.config_dict[DESK]


def _answers(handler: ApiHandler) -> ApiHandler:
    """The desk's refusals as ``{"error": …}`` with their status."""

    async def wrapped(request: web.Request, user: Principal, args: Args) -> web.StreamResponse:
        try:
            return await handler(request, user, args)
        except HandoffError as exc:
            raise error(exc.status, str(exc)) from None
        except CalculatorError as exc:
            raise error(400, str(exc)) from None

    wrapped.__name__ = handler.__name__
    return wrapped


def _plan_request(body: dict[str, Any]) -> PlanRequest:
    return PlanRequest.from_json(
        {k: body[k] for k in ("monthly", "holiday_months", "overrides") if k in body}
    )


routes = Api()


def _route(method: str, path: str, **kw: Any) -> Callable[[ApiHandler], ApiHandler]:
    register = routes.route(method, path, tag=kw.pop("tag", "handoffs"), **kw)

    def decorate(handler: ApiHandler) -> ApiHandler:
        register(_answers(handler))
        return handler

    return decorate


@_route(
    "GET",
    "/handoffs",
    summary="The open handoffs, most urgent first.",
    role="agent",
    response=ref("Queue"),
)
async def handoff_queue(request: web.Request, user: Principal, args: Args) -> web.Response:
    tickets = await _desk(request).queue()
    return web.json_response(
        {"items": [t.as_json() for t in tickets], "now": _desk(request).now().isoformat()}
    )


@_route(
    "GET",
    "/handoffs/{handoff_id}",
    role="agent",
    params=[HANDOFF],
    summary="One handoff with what an agent needs: account, transcript, limits.",
    response={"type": "object"},
    errors={404: "No handoff has this id."},
)
async def handoff_context(request: web.Request, user: Principal, args: Args) -> web.Response:
    return web.json_response(await _desk(request).context(args["handoff_id"]))


@_route(
    "POST",
    "/handoffs/{handoff_id}/claim",
    role="agent",
    params=[HANDOFF],
    summary="Take a queued handoff (one agent at a time).",
    response=ref("Ticket"),
    errors=_CONFLICTS,
)
async def claim_handoff(request: web.Request, user: Principal, args: Args) -> web.Response:
    ticket = await _desk(request).claim(args["handoff_id"], user)
    return web.json_response(ticket.as_json())


@_route(
    "POST",
    "/handoffs/{handoff_id}/release",
    role="agent",
    params=[HANDOFF],
    summary="Put a handoff you hold back in the queue.",
    response=ref("Ticket"),
    errors=_CONFLICTS,
)
async def release_handoff(request: web.Request, user: Principal, args: Args) -> web.Response:
    ticket = await _desk(request).release(args["handoff_id"], user)
    return web.json_response(ticket.as_json())


@_route(
    "POST",
    "/handoffs/{handoff_id}/messages",
    role="agent",
    params=[HANDOFF],
    summary="Write to the debtor; the outbound guard judges the words first.",
    body={
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 4096}},
    },
    response=ref("Sent"),
    errors=_CONFLICTS,
    alternatives={422: ("The guard refused the words; nothing was sent.", ref("Sent"))},
)
async def reply_to_debtor(request: web.Request, user: Principal, args: Args) -> web.Response:
    sent = await _desk(request).reply(args["handoff_id"], user, args["body"]["text"])
    return web.json_response(sent.as_json(), status=200 if sent.sent else 422)


@_route(
    "POST",
    "/handoffs/{handoff_id}/calculate",
    role="agent",
    params=[HANDOFF],
    summary="Plans for this account from an amount, a holiday and overrides.",
    body={"type": "object", "additionalProperties": False, "properties": _REQUEST_PROPERTIES},
    response={"type": "object"},
    errors={404: "No handoff has this id."},
)
async def calculate_plans(request: web.Request, user: Principal, args: Args) -> web.Response:
    calculation = await _desk(request).calculate(args["handoff_id"], _plan_request(args["body"]))
    return web.json_response(calculation.as_json())


@_route(
    "POST",
    "/handoffs/{handoff_id}/plans",
    role="agent",
    params=[HANDOFF],
    summary="Offer one calculated plan; beyond the limits it waits for an admin.",
    body={
        "type": "object",
        "required": ["option"],
        "additionalProperties": False,
        "properties": {
            **_REQUEST_PROPERTIES,
            "option": {"type": "integer", "minimum": 0, "maximum": 10},
            "note": _NOTE,
        },
    },
    response=ref("PlanOutcome"),
    errors=_CONFLICTS,
    alternatives={
        202: ("Beyond the limits: waiting for an admin's approval.", ref("PlanOutcome")),
        422: ("The guard refused the plan's message; nothing was sent.", ref("PlanOutcome")),
    },
)
async def offer_plan(request: web.Request, user: Principal, args: Args) -> web.Response:
    body = args["body"]
    outcome = await _desk(request).offer_plan(
        args["handoff_id"], user, _plan_request(body), body["option"], body.get("note", "")
    )
    status = {"sent": 200, "pending_approval": 202, "refused": 422}.get(outcome.status, 200)
    return web.json_response(outcome.as_json(), status=status)


@_route(
    "POST",
    "/handoffs/{handoff_id}/return",
    role="agent",
    params=[HANDOFF],
    summary="Hand the conversation back to the bot at a dialog state.",
    body={
        "type": "object",
        "additionalProperties": False,
        "properties": {"state": {"type": "string", "enum": list(RESUMABLE)}},
    },
    body_required=False,
    response=ref("Reached"),
    errors=_CONFLICTS,
)
async def return_to_bot(request: web.Request, user: Principal, args: Args) -> web.Response:
    state = args["body"].get("state", "offer")
    reached = await _desk(request).return_to_bot(args["handoff_id"], user, state)
    return web.json_response({"state": reached})


@_route(
    "POST",
    "/handoffs/{handoff_id}/close",
    role="agent",
    params=[HANDOFF],
    summary="End the handoff and the conversation (nothing is sent).",
    body=_NOTE_BODY,
    body_required=False,
    response=ref("Reached"),
    errors=_CONFLICTS,
)
async def close_handoff(request: web.Request, user: Principal, args: Args) -> web.Response:
    note = args["body"].get("note", "")
    state = await _desk(request).close(args["handoff_id"], user, note)
    return web.json_response({"state": state})


@_route(
    "GET",
    "/approvals",
    role="admin",
    tag="approvals",
    response=ref("Approvals"),
    summary="Plans beyond the limits that agents asked to offer, oldest first.",
)
async def pending_approvals(request: web.Request, user: Principal, args: Args) -> web.Response:
    return web.json_response({"items": await _desk(request).approvals()})


@_route(
    "POST",
    "/approvals/{approval_id}/approve",
    role="admin",
    tag="approvals",
    params=[APPROVAL],
    body=_NOTE_BODY,
    body_required=False,
    summary="Let the plan go to the debtor (the outbound guard still judges it).",
    response=ref("PlanOutcome"),
    errors={
        404: "No pending approval has this id.",
        409: "Decided meanwhile, or its first payment date has passed.",
    },
    alternatives={422: ("Approved, but the guard refused the message.", ref("PlanOutcome"))},
)
async def approve_plan(request: web.Request, user: Principal, args: Args) -> web.Response:
    note = args["body"].get("note", "")
    outcome = await _desk(request).approve(args["approval_id"], user, note)
    return web.json_response(outcome.as_json(), status=200 if outcome.status == "sent" else 422)


@_route(
    "POST",
    "/approvals/{approval_id}/deny",
    role="admin",
    tag="approvals",
    params=[APPROVAL],
    body=_NOTE_BODY,
    body_required=False,
    summary="Refuse the plan; the agent sees the note.",
    response=ref("PlanOutcome"),
    errors={404: "No pending approval has this id.", 409: "Decided meanwhile."},
)
async def deny_plan(request: web.Request, user: Principal, args: Args) -> web.Response:
    note = args["body"].get("note", "")
    outcome = await _desk(request).deny(args["approval_id"], user, note)
    return web.json_response(outcome.as_json())
