"""Engines and sessions, built on request and never at import.

`engine(url)` makes a SQLAlchemy engine for a database URL: SQLite files get foreign keys
enforced, write-ahead logging and a busy timeout on every connection (and their folder is
created); PostgreSQL uses psycopg 3 (`postgresql+psycopg://`). `session_factory(engine)`
makes the sessions a unit of work runs in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str | URL) -> URL:
    """The URL with PostgreSQL pointed at psycopg 3 (`postgresql://` means psycopg2 otherwise)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def engine(url: str | URL, **options: Any) -> Engine:
    """An engine for `url`; extra keyword arguments go to `sqlalchemy.create_engine`."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **options)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    built = create_engine(parsed, **options)
    event.listen(built, "connect", _sqlite_pragmas)
    event.listen(built, "begin", _sqlite_begin)
    return built


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # let SQLAlchemy, not the sqlite3 module, decide when transactions begin
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE would serialise readers too; a plain BEGIN is enough with WAL
    connection.exec_driver_sql("BEGIN")


def session_factory(bound: Engine) -> sessionmaker[Session]:
    """Sessions for units of work: objects stay readable after commit."""
    return sessionmaker(bind=bound, expire_on_commit=False)
