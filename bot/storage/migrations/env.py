"""Alembic environment: runs on the connection handed in by :func:`bot.storage.db.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.storage.models import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations with `parley db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
