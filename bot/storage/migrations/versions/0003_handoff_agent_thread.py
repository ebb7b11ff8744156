"""handoff: the Telegram agent group's topic for it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agent_thread", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_handoff_agent_thread", ["agent_thread"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_agent_thread")
        batch_op.drop_column("agent_thread")
