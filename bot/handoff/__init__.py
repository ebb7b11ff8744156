"""Human handoff (DESIGN §6.8): the queue, claims, the agent relay, plans and approvals.

:class:`HandoffDesk` is the service; :class:`Ticket` is a handoff as the queue shows it;
:class:`Delivery` and :class:`HandoffObserver` are the hooks channels and the console
register. See :mod:`bot.handoff.desk` for how it is wired.
"""

from bot.handoff.calculator import Calculation, CalculatorError, PlanRequest, calculate
from bot.handoff.desk import RESUMABLE, HandoffDesk
from bot.handoff.errors import Conflict, HandoffError, NotFound, NotYours
from bot.handoff.ports import (
    Actor,
    BaseObserver,
    Delivery,
    HandoffObserver,
    PlanOutcome,
    Sent,
    Ticket,
)

__all__ = [
    "RESUMABLE",
    "Actor",
    "BaseObserver",
    "Calculation",
    "CalculatorError",
    "Conflict",
    "Delivery",
    "HandoffDesk",
    "HandoffError",
    "HandoffObserver",
    "NotFound",
    "NotYours",
    "PlanOutcome",
    "PlanRequest",
    "Sent",
    "Ticket",
    "calculate",
]
