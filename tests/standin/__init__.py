"""A local Telegram Bot API stand-in: the real JSON over real HTTP, with simulated users
and injectable faults. See ``server.StandIn``."""

from tests.standin.cloud import Topic, Webhook
from tests.standin.faults import Faults, FloodControl
from tests.standin.server import TOKEN, ApiCall, StandIn
from tests.standin.webhook import SECRET_HEADER, Delivery

__all__ = [
    "SECRET_HEADER",
    "TOKEN",
    "ApiCall",
    "Delivery",
    "Faults",
    "FloodControl",
    "StandIn",
    "Topic",
    "Webhook",
]
