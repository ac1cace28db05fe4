"""The base of every tenant-scoped repository: one session, one tenant, every query filtered.

A `SqlRepository` maps one domain record type to one table. It is built with the session of
a unit of work and the current tenant id, looks rows up by `(tenant_id, id)` only, and
flushes each write so the database's refusals (a duplicate key, a missing reference) surface
where they happen, as `store.errors` exceptions rather than at commit.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from openrcm.domain.base import Record
from openrcm.store.errors import Conflict, NotFound, lost_race, refused_write
from openrcm.store.tables import Base

R = TypeVar("R", bound=Record)
RowT = TypeVar("RowT", bound=Base)

DEFAULT_PAGE = 100


class TenantScoped:
    """A session and the tenant every query is filtered by."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a repository needs the current tenant id")
        self.session = session
        self.tenant_id = tenant_id

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """Flush what was written, turning the database's refusals into store errors.

        `Duplicate` and `MissingReference` for integrity errors; `Conflict` when another unit
        of work committed a change to what this one read (SQLite refuses the write).
        """
        try:
            yield
            self.session.flush()
        except IntegrityError as error:
            raise refused_write(error, what) from error
        except DBAPIError as error:
            if lost_race(error):
                raise Conflict(f"{what} changed in another unit of work; read it again") from error
            raise


class SqlRepository(TenantScoped, Generic[R, RowT]):
    """add / get / update / list for one record type in one table keyed (tenant_id, id)."""

    row_type: ClassVar[type[Any]]
    noun: ClassVar[str] = "record"

    def to_columns(self, record: R) -> Mapping[str, Any]:
        """The row's columns for `record`, without `tenant_id`."""
        raise NotImplementedError

    def to_record(self, row: RowT) -> R:
        """The domain record a row holds."""
        raise NotImplementedError

    def record_id(self, record: R) -> str:
        """The record's id within the tenant."""
        return str(record.id)  # type: ignore[attr-defined]

    def _row(self, record_id: str) -> RowT | None:
        row: RowT | None = self.session.get(self.row_type, (self.tenant_id, record_id))
        return row

    def _select(self) -> Select[Any]:
        return select(self.row_type).where(self.row_type.tenant_id == self.tenant_id)

    def _records(self, statement: Select[Any]) -> builtins.list[R]:
        return [self.to_record(row) for row in self.session.scalars(statement)]

    def add(self, record: R) -> R:
        """Store a new record; `Duplicate` when its id is taken in this tenant."""
        with self._writing(f"{self.noun} {self.record_id(record)}"):
            self.session.add(self.row_type(tenant_id=self.tenant_id, **self.to_columns(record)))
        return record

    def get(self, record_id: str) -> R | None:
        """The record with this id in this tenant, or None."""
        row = self._row(record_id)
        return None if row is None else self.to_record(row)

    def update(self, record: R) -> R:
        """Replace the stored record with the same id; `NotFound` when this tenant has none."""
        record_id = self.record_id(record)
        row = self._row(record_id)
        if row is None:
            raise NotFound(f"no {self.noun} {record_id} in this tenant")
        with self._writing(f"{self.noun} {record_id}"):
            for name, value in self.to_columns(record).items():
                setattr(row, name, value)
        return record

    def list(self, *, limit: int = DEFAULT_PAGE, offset: int = 0) -> builtins.list[R]:
        """A page of this tenant's records in id order."""
        statement = self._select().order_by(self.row_type.id).limit(limit).offset(offset)
        return self._records(statement)
