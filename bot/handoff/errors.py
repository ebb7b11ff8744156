"""Why the desk refused an action; each carries the HTTP status the console answers with."""

from __future__ import annotations


class HandoffError(Exception):
    """The action cannot be done; the message is one sentence for the agent."""

    status = 400


class NotFound(HandoffError):
    status = 404


class NotYours(HandoffError):
    """Someone else holds the handoff, or the role is not enough."""

    status = 403


class Conflict(HandoffError):
    """The handoff is not in a state that allows this (already claimed, ended, ...)."""

    status = 409
