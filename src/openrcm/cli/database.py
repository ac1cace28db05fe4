"""The database behind the commands: the configured URL, migrated, and the current tenant.

Every command that stores or reads records gets its unit of work here, so they all agree on
`OPENRCM_DATABASE_URL` (default: a SQLite file in the user data directory) and
`OPENRCM_TENANT`. Migrations run first: a fresh database is usable at once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


@lru_cache(maxsize=4)
def _session_factory(url: str) -> sessionmaker[Session]:
    from openrcm.store import engine, migrate, session_factory

    migrate(url)
    return session_factory(engine(url))


def unit_of_work(tenant: str | None = None, url: str | None = None) -> Any:
    """A unit of work on the configured (or given) database for the tenant, created if new."""
    from openrcm.domain.party import Tenant
    from openrcm.settings import get_settings
    from openrcm.store import SqlUnitOfWork

    settings = get_settings()
    tenant_id = tenant or settings.tenant
    uow = SqlUnitOfWork(_session_factory(url or settings.database_url), tenant_id)
    with uow:
        uow.tenants.find_or_add(Tenant(id=tenant_id, name=tenant_id))
        uow.commit()
    return uow
