"""Schema versions: run the Alembic migrations shipped in `store/migrations`.

The Alembic configuration is built here in code, so nothing depends on an `alembic.ini` in
the working directory: `migrate(url)` brings a database to the newest schema (creating
SQLite files as needed), `downgrade(url, "base")` takes every table away again, and
`current_revision(url)` says where a database stands. Tests build their schema the same way:
never with `create_all`.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData
from sqlalchemy.engine import URL

from openrcm.store.database import engine as make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


def table_metadata() -> MetaData:
    """Every table openrcm declares: imports each `openrcm.store` module so that tables
    declared beside their repositories (`ledger_tables`) join `tables.Base.metadata`."""
    import openrcm.store as package
    from openrcm.store.tables import Base

    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "migrations" and not module.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for openrcm's migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(url: str | URL, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (the newest schema by default)."""
    bound = make_engine(url)
    try:
        with bound.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        bound.dispose()


def downgrade(url: str | URL, revision: str = "base") -> None:
    """Downgrade the database at `url` to `revision` ("base": no openrcm tables left)."""
    bound = make_engine(url)
    try:
        with bound.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        bound.dispose()


def current_revision(url: str | URL) -> str | None:
    """The revision the database at `url` is at; None before the first migration."""
    bound = make_engine(url)
    try:
        with bound.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        bound.dispose()


def head_revision() -> str:
    """The newest revision shipped with this version of openrcm."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("openrcm ships no migrations")  # a packaging error, not user input
    return head
