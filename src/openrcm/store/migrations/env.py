"""Alembic environment for openrcm: runs against the connection `store.schema` passes in.

Run from the command line (`alembic -c src/openrcm/store/migrations/alembic.ini ...`) it
connects to `OPENRCM_DATABASE_URL` instead. SQLite migrations run in batch mode, since
SQLite alters tables by copying them.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from openrcm.store.schema import table_metadata

target_metadata = table_metadata()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from openrcm.store.database import engine

    url = os.environ.get("OPENRCM_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set OPENRCM_DATABASE_URL to the database to migrate")
    bound = engine(url)
    try:
        with bound.begin() as own_connection:
            _run(own_connection)
    finally:
        bound.dispose()


if context.is_offline_mode():
    raise SystemExit("openrcm migrations run online only; pass a database URL")
run_migrations_online()
