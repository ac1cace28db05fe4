"""The SQL unit of work: one session, one tenant, every repository, all or nothing.

`SqlUnitOfWork(session_factory, tenant_id)` implements `openrcm.service.unit_of_work.UnitOfWork`:
used as a context manager it opens a session, gives each repository the current tenant,
and rolls back on leaving unless `commit()` was called (an exception always rolls back).
`ledger` holds the journal, the remittance work queue, payments and bank deposits.
`tenants` is the one repository that sees every tenant, for administration.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from openrcm.store.claims import SqlClaimRepository
from openrcm.store.documents import SqlDocumentRepository
from openrcm.store.encounters import SqlEncounterRepository
from openrcm.store.ledger_tables import SqlLedgerRepository
from openrcm.store.payers import (
    SqlCoverageRepository,
    SqlInsurancePlanRepository,
    SqlPayerRepository,
)
from openrcm.store.people import SqlGuarantorRepository, SqlPatientRepository
from openrcm.store.providers import SqlLocationRepository, SqlProviderRepository
from openrcm.store.tenants import SqlTenantRepository


class SqlUnitOfWork:
    """A transaction over the current tenant's data in a SQL database."""

    patients: SqlPatientRepository
    guarantors: SqlGuarantorRepository
    payers: SqlPayerRepository
    plans: SqlInsurancePlanRepository
    coverages: SqlCoverageRepository
    providers: SqlProviderRepository
    locations: SqlLocationRepository
    encounters: SqlEncounterRepository
    claims: SqlClaimRepository
    documents: SqlDocumentRepository
    ledger: SqlLedgerRepository
    tenants: SqlTenantRepository

    def __init__(self, session_factory: sessionmaker[Session], tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a unit of work needs the current tenant id")
        self.session_factory = session_factory
        self.tenant_id = tenant_id
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The open session; only inside `with`. Other storage modules (the ledger) use it."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        session = self.session_factory()
        self._session = session
        tenant = self.tenant_id
        self.patients = SqlPatientRepository(session, tenant)
        self.guarantors = SqlGuarantorRepository(session, tenant)
        self.payers = SqlPayerRepository(session, tenant)
        self.plans = SqlInsurancePlanRepository(session, tenant)
        self.coverages = SqlCoverageRepository(session, tenant)
        self.providers = SqlProviderRepository(session, tenant)
        self.locations = SqlLocationRepository(session, tenant)
        self.encounters = SqlEncounterRepository(session, tenant)
        self.claims = SqlClaimRepository(session, tenant)
        self.documents = SqlDocumentRepository(session, tenant)
        self.ledger = SqlLedgerRepository(session, tenant)
        self.tenants = SqlTenantRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            session.rollback()  # after commit() there is nothing left to roll back
        finally:
            session.close()

    def commit(self) -> None:
        """Make everything done so far permanent."""
        self.session.commit()

    def rollback(self) -> None:
        """Undo everything since the last commit."""
        self.session.rollback()
