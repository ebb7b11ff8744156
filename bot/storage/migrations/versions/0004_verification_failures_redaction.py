"""verification: failures per account as rows (rolling window); redact stored answers

Adds ``verification_failure`` (one row per readable wrong pair, any channel), so the lock
counts failures per account over a rolling 24-hour window (DESIGN §6).

Redacts what earlier versions stored in plain text (DESIGN §5/§6): inbound messages that
answered a verification question (the bot's previous turn asked for the date of birth or the
phone digits, or the conversation was in ``verify`` and the text looks like a date / four
digits) become ``[date of birth]`` / ``[phone digits]``; the ``dob`` key of conversation
contexts (plain birth dates between the two questions) is dropped, so the debtor is asked
for the date of birth again. Redaction cannot be undone: downgrade drops the table only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DOB_PLACEHOLDER = "[date of birth]"
PHONE_PLACEHOLDER = "[phone digits]"
# Frozen copies (a migration must not change when the code does).
_DOB_PROMPTS = {"verify.ask_dob", "verify.dob_again", "verify.failed"}
_PHONE_PROMPTS = {"verify.ask_phone", "verify.phone_again"}
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
_ANSWER = re.compile(rf"[0-9０-９〇零一二两三四五六七八九十]|\b(?:{_MONTHS})\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\d{4}年"
)
_LAST4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
_BATCH = 500


def upgrade() -> None:
    op.create_table(
        "verification_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verification_failure", schema=None) as batch_op:
        batch_op.create_index("ix_verification_failure_account_at", ["account_id", "at"])
    _redact()


def downgrade() -> None:
    with op.batch_alter_table("verification_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_verification_failure_account_at")
    op.drop_table("verification_failure")


def _redact() -> None:
    connection = op.get_bind()
    meta = sa.MetaData()
    message = sa.Table(
        "message",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("conversation_id", sa.Integer),
        sa.Column("direction", sa.String),
        sa.Column("text", sa.Text),
        sa.Column("payload", sa.JSON),
    )
    conversation = sa.Table(
        "conversation",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("state", sa.String),
        sa.Column("context", sa.JSON),
    )
    contexts = connection.execute(
        sa.select(conversation.c.id, conversation.c.state, conversation.c.context)
    ).all()
    for conversation_id, state, context in contexts:
        if isinstance(context, dict) and "dob" in context:
            cleaned = {k: v for k, v in context.items() if k != "dob"}
            if cleaned.get("verify_step") == "phone":
                cleaned["verify_step"] = "dob"
            connection.execute(
                sa.update(conversation)
                .where(conversation.c.id == conversation_id)
                .values(context=cleaned)
            )
        _redact_conversation(connection, message, conversation_id, state)


def _redact_conversation(
    connection: Any, message: sa.Table, conversation_id: int, state: str
) -> None:
    rows = connection.execute(
        sa.select(message.c.id, message.c.direction, message.c.text, message.c.payload)
        .where(message.c.conversation_id == conversation_id)
        .order_by(message.c.id)
    ).all()
    asked: str | None = None  # what the bot's latest turn asked for
    turn_keys: set[str] = set()
    changes: list[dict[str, Any]] = []
    in_verify = state == "verify"
    for message_id, direction, text, payload in rows:
        if direction == "out":
            key = payload.get("key") if isinstance(payload, dict) else None
            turn_keys.add(str(key))
            if turn_keys & _PHONE_PROMPTS:
                asked = PHONE_PLACEHOLDER
            elif turn_keys & _DOB_PROMPTS:
                asked = DOB_PLACEHOLDER
            else:
                asked = None
            continue
        turn_keys = set()
        body = text or ""
        placeholder = asked
        if placeholder is None and in_verify:
            if _DATE.search(body):
                placeholder = DOB_PLACEHOLDER
            elif _LAST4.search(body):
                placeholder = PHONE_PLACEHOLDER
        if placeholder is not None and _ANSWER.search(body) and body != placeholder:
            changes.append({"message_id": message_id, "redacted": placeholder})
    for start in range(0, len(changes), _BATCH):
        connection.execute(
            sa.update(message)
            .where(message.c.id == sa.bindparam("message_id"))
            .values(text=sa.bindparam("redacted")),
            changes[start : start + _BATCH],
        )
