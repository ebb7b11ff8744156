"""The Telegram agent group: each handoff mirrored into a forum topic named ``REF · reason``.

Agents work a handoff from its topic: ``/claim``, ``/return [state]``, ``/close``,
``/plan MONTHLY [OPTION]`` (the calculator's plan for that monthly figure sent to the debtor,
or to an admin's approval when beyond the limits; the debtor's acceptance is stored as an
arrangement, as from the console); any other text is a reply to the debtor that passes the
same outbound guard as the console's (a refused one is answered in the topic with why, and
not sent). A group member is mapped to an agent user ``tg-<telegram id>`` on first use; the
group itself is the access control, so keep it private to the team.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.channels.telegram.api import Refused, RetryLater, TelegramApi, TelegramUpdate
from bot.channels.telegram.render import chunks
from bot.handoff.calculator import CalculatorError, PlanRequest
from bot.handoff.desk import RESUMABLE, HandoffDesk
from bot.handoff.errors import HandoffError
from bot.handoff.ports import BaseObserver, Ticket
from bot.identity import token_hash
from bot.storage.models import User, pk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupAgent:
    id: int
    name: str
    role: str = "agent"


class AgentGroup(BaseObserver):
    def __init__(self, api: TelegramApi, desk: HandoffDesk, chat_id: int) -> None:
        self.api = api
        self.desk = desk
        self.chat_id = chat_id

    # --- handoff events -> the topic ------------------------------------------------------

    async def opened(self, ticket: Ticket, summary: Mapping[str, Any]) -> None:
        name = f"{ticket.reference or 'unverified'} · {ticket.reason}"
        thread = await self.api.create_topic(self.chat_id, name)
        async with self.desk.uow() as uow:
            handoff = await uow.handoffs.get(ticket.handoff_id)
            if handoff is not None:
                handoff.agent_thread = thread
                await uow.commit()
        await self._post(thread, _summary(ticket, summary))

    async def debtor_message(self, ticket: Ticket, text: str) -> None:
        await self._post_for(ticket, f"Debtor: {text}")

    async def agent_message(self, ticket: Ticket, agent: str, text: str) -> None:
        await self._post_for(ticket, f"{agent} → debtor: {text}")

    async def changed(self, ticket: Ticket, event: str) -> None:
        if event == "refused":
            return  # a refusal is explained to the agent who wrote it, where they wrote it
        who = f" by {ticket.agent}" if ticket.agent else ""
        await self._post_for(ticket, f"[{event}{who}; priority {ticket.priority}]")

    async def closed(self, ticket: Ticket, outcome: str) -> None:
        await self._post_for(
            ticket,
            f"[{outcome}; the bot has the conversation again]"
            if outcome == "returned"
            else f"[{outcome}]",
        )

    # --- the topic -> the desk -------------------------------------------------------------

    async def handle(self, update: TelegramUpdate) -> None:
        """A message in the agent group: a command or a reply in a handoff's topic."""
        if update.chat_id != self.chat_id or update.thread_id is None or not update.text:
            return
        if update.user_id is None:
            return
        async with self.desk.uow() as uow:
            handoff = await uow.handoffs.by_agent_thread(update.thread_id)
            handoff_id = pk(handoff) if handoff is not None else None
        if handoff_id is None:
            return
        agent = await self._agent(update.user_id)
        words = update.text.strip().split()
        command = words[0].split("@")[0].lower() if words else ""
        try:
            if command == "/claim":
                await self.desk.claim(handoff_id, agent)
            elif command == "/return":
                state = words[1] if len(words) > 1 else "offer"
                if state not in RESUMABLE:
                    raise HandoffError(f"Return to one of: {', '.join(RESUMABLE)}.")
                await self.desk.return_to_bot(handoff_id, agent, state)
            elif command == "/close":
                await self.desk.close(handoff_id, agent)
            elif command == "/plan":
                await self._plan(handoff_id, agent, update.thread_id, words[1:])
            else:
                sent = await self.desk.reply(handoff_id, agent, update.text)
                if not sent.sent:
                    reasons = "\n".join(f"• {reason}" for reason in sent.reasons)
                    await self._post(update.thread_id, f"Not sent to the debtor:\n{reasons}")
        except (HandoffError, CalculatorError) as error:
            await self._post(update.thread_id, f"Not done: {error}")

    async def _plan(
        self, handoff_id: int, agent: GroupAgent, thread: int, args: list[str]
    ) -> None:
        """``/plan MONTHLY [OPTION]``: the calculator's option (1 by default) for the figure."""
        try:
            monthly = Decimal(args[0].replace(",", "")) if args else None
            option = int(args[1]) - 1 if len(args) > 1 else 0
        except (InvalidOperation, ValueError):
            monthly = None
            option = 0
        if monthly is None or not monthly.is_finite() or monthly <= 0 or option < 0:
            raise HandoffError("Write /plan MONTHLY [OPTION], e.g. /plan 300 or /plan 300 2.")
        request = PlanRequest(monthly)
        outcome = await self.desk.offer_plan(handoff_id, agent, request, option)
        if outcome.status == "sent":
            await self._post(thread, "Plan sent to the debtor, with a button to accept it.")
        elif outcome.status == "pending_approval":
            await self._post(thread, f"Beyond the limits: approval #{outcome.approval_id} asked.")
        else:
            reasons = "\n".join(f"• {reason}" for reason in outcome.reasons)
            await self._post(thread, f"Not sent to the debtor:\n{reasons}")

    async def _agent(self, telegram_id: int) -> GroupAgent:
        name = f"tg-{telegram_id}"
        async with self.desk.uow() as uow:
            user = await uow.users.by_name(name)
            if user is None:
                # No token is ever shown: this user can act only from the agent group.
                user = User(name=name, role="agent", token_hash=token_hash(secrets.token_hex(32)))
                uow.users.add(user)
                uow.audit.append("user.added", "telegram", {"name": name, "role": "agent"})
                await uow.commit()
            return GroupAgent(pk(user), user.name, user.role)

    async def _post_for(self, ticket: Ticket, text: str) -> None:
        async with self.desk.uow() as uow:
            handoff = await uow.handoffs.get(ticket.handoff_id)
            thread = handoff.agent_thread if handoff is not None else None
        if thread is not None:
            await self._post(thread, text)

    async def _post(self, thread: int, text: str) -> None:
        for piece in chunks(text):
            for _ in range(3):
                try:
                    await self.api.send_message(self.chat_id, piece, thread_id=thread)
                    break
                except RetryLater as exc:
                    log.info("agent group: retrying after %s s", exc.seconds)
                    await asyncio.sleep(min(exc.seconds, 30.0))
                except Refused:
                    log.warning("agent group refused a message for topic %s", thread)
                    return


def _summary(ticket: Ticket, summary: Mapping[str, Any]) -> str:
    lines = [
        f"Handoff #{ticket.handoff_id}: {ticket.reason} (priority {ticket.priority})",
        f"Reference: {ticket.reference or 'not verified'} · state {ticket.state} · "
        f"language {ticket.language} · tone {ticket.tone}",
    ]
    lines += [f"{key}: {value}" for key, value in summary.items()]
    lines.append("Commands: /claim, /return [state], /close; any other text goes to the debtor.")
    return "\n".join(lines)
