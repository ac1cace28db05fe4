"""What the store raises: a missing row, a duplicate key, a missing reference, a stale read.

Each is a `StoreError`. After `Duplicate` or `MissingReference` the database has refused a
write, so the unit of work must be left (and is rolled back) before anything else is done.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

SQLITE_BUSY_SNAPSHOT = 517  # a write from a read snapshot another connection has since changed


class StoreError(Exception):
    """A request the store could not carry out on the current tenant's data."""


class NotFound(StoreError, LookupError):
    """No row with that key in the current tenant (another tenant's row counts as none)."""


class Duplicate(StoreError, ValueError):
    """A row with the same key already exists in the current tenant."""


class MissingReference(StoreError, ValueError):
    """A row points at a row the tenant does not have (a claim's patient or payer, say)."""


class Conflict(StoreError):
    """The data changed since it was read: a claim's status on file is not the one given, or
    another unit of work committed a change first. Start again from a fresh read."""


def refused_write(error: IntegrityError, what: str) -> StoreError:
    """The store error for an integrity error the database raised while writing `what`."""
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    text = str(original).lower()
    if sqlstate == "23503" or "foreign key" in text:
        return MissingReference(f"{what} refers to a row this tenant does not have")
    if sqlstate in {"23505", "23000"} or "unique" in text:
        return Duplicate(f"{what} already exists in this tenant")
    return StoreError(f"the database refused to store {what}")


def lost_race(error: DBAPIError) -> bool:
    """True when the database refused a write because another transaction changed the data
    this one had read: SQLite's busy snapshot in WAL mode, PostgreSQL's serialization failure."""
    original = error.orig
    return getattr(original, "sqlite_errorcode", None) == SQLITE_BUSY_SNAPSHOT or getattr(
        original, "sqlstate", None
    ) in {"40001", "40P01"}
