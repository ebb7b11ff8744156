"""JSON Schemas of the API's responses (``components/schemas`` in /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from bot.offers import KEYS

Schema = dict[str, Any]

_INTEGER_KEYS = {
    "max_term_months",
    "max_holiday_months",
    "max_negotiation_rounds",
    "offer_validity_days",
}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "A decimal amount."}
TIME = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


_STRING = {"type": "string"}
_INT = {"type": "integer"}
_COUNTS = {"type": "object", "additionalProperties": _INT}

LIMITS = _object({key: _INT if key in _INTEGER_KEYS else DECIMAL for key in KEYS})

SCHEMAS: dict[str, Schema] = {
    "Error": _object({"error": _STRING}),
    "Me": _object(
        {
            "name": _STRING,
            "role": {"type": "string", "enum": ["agent", "admin"]},
            "csrf": _nullable(_STRING),
        }
    ),
    "Limits": LIMITS,
    "LimitsInForce": _object(
        {
            "segment": _STRING,
            "source": {"type": "string", "description": "Whose limits apply (default?)."},
            "own": {"type": "boolean"},
            "version": {"type": "integer", "description": "0: the built-in defaults."},
            "limits": ref("Limits"),
            "created_by": _STRING,
            "created_at": _nullable(TIME),
        }
    ),
    "PolicyList": _object(
        {
            "policies": {"type": "array", "items": ref("LimitsInForce")},
            "keys": {"type": "object", "additionalProperties": _STRING},
        }
    ),
    "Changes": {
        "type": "object",
        "description": "KEY → [old value or null, new value].",
        "additionalProperties": {
            "type": "array",
            "items": {"anyOf": [_STRING, {"type": "null"}]},
            "minItems": 2,
            "maxItems": 2,
        },
    },
    "PolicyVersion": _object(
        {
            "segment": _STRING,
            "version": _INT,
            "limits": ref("Limits"),
            "changes": ref("Changes"),
            "created_by": _STRING,
            "created_at": TIME,
        }
    ),
    "PolicyHistory": _object(
        {"segment": _STRING, "versions": {"type": "array", "items": ref("PolicyVersion")}}
    ),
    "PolicyChange": _object(
        {
            "segment": _STRING,
            "version": _INT,
            "changed": {"type": "boolean"},
            "changes": ref("Changes"),
            "limits": ref("Limits"),
        }
    ),
    "AuditEvent": _object(
        {
            "id": _INT,
            "at": TIME,
            "kind": _STRING,
            "actor": _STRING,
            "reference": _nullable(_STRING),
            "account_id": _nullable(_INT),
            "conversation_id": _nullable(_INT),
            "policy_version": _nullable(_INT),
            "data": {"type": "object"},
        }
    ),
    "AuditPage": _object(
        {
            "events": {"type": "array", "items": ref("AuditEvent")},
            "next_before": _nullable(_INT),
        }
    ),
    "Dashboard": _object(
        {
            "period": _object({"from": DAY, "to": DAY}),
            "conversations": _INT,
            "verified": _INT,
            "offers": _object(
                {
                    "rounds": _INT,
                    "conversations": _INT,
                    "plans": _INT,
                    "accepted": _INT,
                    "by_kind": _COUNTS,
                }
            ),
            "arrangements": _object(
                {
                    "count": _INT,
                    "by_kind": _COUNTS,
                    "totals": {"type": "object", "additionalProperties": DECIMAL},
                }
            ),
            "handoffs": _object({"count": _INT, "by_reason": _COUNTS}),
            "instalments": _object(
                {
                    "due": _INT,
                    "kept": _INT,
                    "missed": _INT,
                    "upcoming": _INT,
                    "kept_rate": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                }
            ),
            "days": {
                "type": "array",
                "items": _object(
                    {
                        "date": DAY,
                        "conversations": _INT,
                        "verified": _INT,
                        "offered": _INT,
                        "arrangements": _INT,
                        "handoffs": _INT,
                    }
                ),
            },
        }
    ),
    "Conversation": _object(
        {
            "id": _INT,
            "channel": _STRING,
            "reference": _nullable(_STRING),
            "state": _STRING,
            "mode": {"type": "string", "enum": ["bot", "agent"]},
            "language": _STRING,
            "tone": _STRING,
            "steps": _INT,
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "ConversationPage": _object(
        {
            "conversations": {"type": "array", "items": ref("Conversation")},
            "next_before": _nullable(_INT),
        }
    ),
    "Message": _object(
        {
            "id": _INT,
            "direction": {"type": "string", "enum": ["in", "out"]},
            "sender": _STRING,
            "text": _STRING,
            "status": _STRING,
            "buttons": {
                "type": "array",
                "items": _object({"id": _STRING, "label": _STRING}),
            },
            "created_at": TIME,
        }
    ),
    "Transcript": {
        "allOf": [
            ref("Conversation"),
            _object(
                {
                    "messages": {"type": "array", "items": ref("Message")},
                    "offers": {
                        "type": "array",
                        "items": _object(
                            {
                                "id": _INT,
                                "kind": _STRING,
                                "status": _STRING,
                                "round": _INT,
                                "monthly": DECIMAL,
                                "total": DECIMAL,
                                "policy_version": _INT,
                                "expires_at": TIME,
                                "created_at": TIME,
                            }
                        ),
                    },
                    "handoffs": {
                        "type": "array",
                        "items": _object(
                            {
                                "id": _INT,
                                "reason": _STRING,
                                "priority": _INT,
                                "status": _STRING,
                                "created_at": TIME,
                                "claimed_at": _nullable(TIME),
                                "ended_at": _nullable(TIME),
                            }
                        ),
                    },
                }
            ),
        ]
    },
    "Account": _object(
        {
            "reference": _STRING,
            "full_name": _STRING,
            "currency": _STRING,
            "principal": DECIMAL,
            "interest": DECIMAL,
            "fees": DECIMAL,
            "balance": DECIMAL,
            "apr": DECIMAL,
            "days_past_due": _INT,
            "segment": _STRING,
            "jurisdiction": _STRING,
            "timezone": _STRING,
            "locale": _STRING,
            "validation_end": _nullable(DAY),
            "time_barred": {"type": "boolean"},
            "disputed": {"type": "boolean"},
            "verification_locked_until": _nullable(TIME),
            "arrangements": {
                "type": "array",
                "items": _object(
                    {
                        "id": _INT,
                        "kind": _STRING,
                        "status": _STRING,
                        "currency": _STRING,
                        "total": DECIMAL,
                        "payment_reference": _STRING,
                        "policy_version": _INT,
                        "created_at": TIME,
                        "instalments": {
                            "type": "array",
                            "items": _object(
                                {
                                    "seq": _INT,
                                    "due": DAY,
                                    "amount": DECIMAL,
                                    "paid_at": _nullable(TIME),
                                }
                            ),
                        },
                    }
                ),
            },
            "conversations": {"type": "array", "items": ref("Conversation")},
        }
    ),
    "Ticket": _object(
        {
            "id": _INT,
            "conversation_id": _INT,
            "channel": _STRING,
            "reference": _nullable(_STRING),
            "reason": _STRING,
            "priority": _INT,
            "status": {"type": "string", "enum": ["queued", "claimed", "returned", "closed"]},
            "agent": _nullable(_STRING),
            "created_at": TIME,
            "waited_seconds": _INT,
            "target_seconds": _INT,
            "overdue": {"type": "boolean"},
            "callback_at": _nullable(TIME),
            "notified_at": _nullable(TIME),
            "state": _STRING,
            "language": _STRING,
            "tone": _STRING,
        }
    ),
    "Queue": _object({"items": {"type": "array", "items": ref("Ticket")}, "now": TIME}),
    "Sent": _object(
        {
            "sent": {"type": "boolean"},
            "message_id": _nullable(_INT),
            "reasons": {"type": "array", "items": _STRING},
            "defer_until": _nullable(TIME),
        }
    ),
    "PlanOutcome": _object(
        {
            "status": {
                "type": "string",
                "enum": ["sent", "refused", "pending_approval", "denied"],
            },
            "approval_id": _nullable(_INT),
            "message_id": _nullable(_INT),
            "reasons": {"type": "array", "items": _STRING},
        }
    ),
    "Reached": _object({"state": _STRING}),
    "Approvals": _object(
        {
            "items": {
                "type": "array",
                "items": _object(
                    {
                        "id": _INT,
                        "handoff_id": _INT,
                        "reference": _nullable(_STRING),
                        "requested_by": _nullable(_STRING),
                        "plan": {"type": "object"},
                        "breaches": {"type": "array", "items": _STRING},
                        "note": _STRING,
                        "created_at": TIME,
                    }
                ),
            }
        }
    ),
}
