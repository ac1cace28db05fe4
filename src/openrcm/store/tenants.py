"""Tenants: the one repository not filtered by tenant, for administration only.

Creating a practice or billing client and listing them is an administrator's job; every
other repository is built for one tenant and sees nothing else.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from openrcm.domain.party import Tenant
from openrcm.store.errors import Conflict, NotFound, lost_race, refused_write
from openrcm.store.tables import TenantRow


class SqlTenantRepository:
    """Every tenant: add, get, update and list practices and billing clients."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        try:
            yield
            self.session.flush()
        except IntegrityError as error:
            raise refused_write(error, what) from error
        except DBAPIError as error:
            if lost_race(error):
                raise Conflict(f"{what} changed in another unit of work; read it again") from error
            raise

    def add(self, tenant: Tenant) -> Tenant:
        """Store a new tenant; `Duplicate` when its id is taken."""
        with self._writing(f"tenant {tenant.id}"):
            self.session.add(
                TenantRow(
                    id=tenant.id,
                    name=tenant.name,
                    kind=tenant.kind.value,
                    created_at=datetime.now(UTC),
                )
            )
        return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        row = self.session.get(TenantRow, tenant_id)
        return None if row is None else _tenant(row)

    def update(self, tenant: Tenant) -> Tenant:
        """Rename a tenant or change its kind; `NotFound` when there is no such tenant."""
        row = self.session.get(TenantRow, tenant.id)
        if row is None:
            raise NotFound(f"no tenant {tenant.id}")
        with self._writing(f"tenant {tenant.id}"):
            row.name, row.kind = tenant.name, tenant.kind.value
        return tenant

    def find_or_add(self, tenant: Tenant) -> Tenant:
        """The stored tenant with `tenant.id`, adding `tenant` when there is none."""
        return self.get(tenant.id) or self.add(tenant)

    def list(self) -> builtins.list[Tenant]:
        """Every tenant, by id."""
        return [
            _tenant(row) for row in self.session.scalars(select(TenantRow).order_by(TenantRow.id))
        ]


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(id=row.id, name=row.name, kind=row.kind)
