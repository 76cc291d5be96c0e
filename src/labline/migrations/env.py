"""Alembic environment: runs against the connection labline hands it, or the URL given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from labline import registry
from labline.db import Base

assert registry.MODULES  # every table imported
metadata = Base.metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite needs table rebuilds for ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
