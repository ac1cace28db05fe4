"""The unit of work and repository ports the use cases are written against.

A use case takes a `UnitOfWork` and nothing else from storage: it opens it with `with`,
reads and writes through the repositories on it, and calls `commit()` when the whole change
is done. Leaving the block without `commit()` (or by an exception) undoes everything, so a
failed posting never half-happens. Every repository here is scoped to one tenant, except
`tenants`. `openrcm.store.SqlUnitOfWork` implements this protocol for SQLite and PostgreSQL;
tests may pass fakes.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self, TypeVar

from openrcm.domain.claim import Claim, Encounter
from openrcm.domain.claim_history import ClaimStatusChange
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.document import ImportedDocument
from openrcm.domain.party import (
    Coverage,
    Guarantor,
    InsurancePlan,
    Location,
    Patient,
    Payer,
    Provider,
    Tenant,
)

R = TypeVar("R")


class Repository(Protocol[R]):
    """The calls every tenant-scoped repository answers.

    `add` raises `store.Duplicate` when the id is taken in the tenant; `get` returns None
    for an id the tenant lacks (another tenant's row included); `update` raises
    `store.NotFound` for it.
    """

    def add(self, record: R) -> R: ...
    def get(self, record_id: str) -> R | None: ...
    def update(self, record: R) -> R: ...
    def list(self, *, limit: int = 100, offset: int = 0) -> builtins.list[R]: ...


class PatientRepository(Repository[Patient], Protocol):
    def find(
        self, last_name: str, first_name: str, birth_date: date, member_id: str | None = None
    ) -> builtins.list[Patient]: ...
    def find_or_add(self, patient: Patient, member_id: str | None = None) -> Patient: ...


class GuarantorRepository(Repository[Guarantor], Protocol):
    pass


class PayerRepository(Repository[Payer], Protocol):
    def find_or_add(self, payer: Payer) -> Payer: ...


class InsurancePlanRepository(Repository[InsurancePlan], Protocol):
    def for_payer(self, payer_id: str) -> builtins.list[InsurancePlan]: ...


class CoverageRepository(Repository[Coverage], Protocol):
    def for_patient(self, patient_id: str) -> builtins.list[Coverage]: ...
    def find_or_add(self, coverage: Coverage) -> Coverage: ...


class ProviderRepository(Repository[Provider], Protocol):
    def by_npi(self, npi: str) -> Provider | None: ...
    def find_or_add(self, provider: Provider) -> Provider: ...


class LocationRepository(Repository[Location], Protocol):
    pass


class EncounterRepository(Repository[Encounter], Protocol):
    def for_patient(self, patient_id: str) -> builtins.list[Encounter]: ...


class ClaimRepository(Protocol):
    """Claims by id or patient control number (CLM01), with their status history."""

    def add(self, claim: Claim, reason: str = ...) -> Claim: ...
    def add_many(self, claims: Sequence[Claim], reason: str = ...) -> None: ...
    def get(self, claim_id: str) -> Claim | None: ...
    def by_control_number(self, patient_control_number: str) -> Claim | None: ...
    def by_control_numbers(self, patient_control_numbers: Iterable[str]) -> dict[str, Claim]: ...
    def list(
        self,
        *,
        status: ClaimStatus | None = None,
        payer_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Claim]: ...
    def count(self, *, status: ClaimStatus | None = None, payer_id: str | None = None) -> int: ...
    def update(self, claim: Claim) -> Claim: ...
    def set_status(
        self, claim: Claim, new_status: ClaimStatus, reason: str | None = None
    ) -> Claim: ...
    def set_statuses(
        self, moves: Iterable[tuple[Claim, ClaimStatus]], reason: str | None = None
    ) -> builtins.list[Claim]: ...
    def history(self, claim_id: str) -> builtins.list[ClaimStatusChange]: ...


class DocumentRepository(Protocol):
    """Imported documents by content hash: `seen` before importing, `add` after."""

    def add(self, record: ImportedDocument) -> ImportedDocument: ...
    def get(self, record_id: str) -> ImportedDocument | None: ...
    def seen(self, content_sha256: str) -> bool: ...
    def list(
        self, *, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> builtins.list[ImportedDocument]: ...


class TenantRepository(Protocol):
    """Every tenant, for administration; not filtered by the current tenant."""

    def add(self, tenant: Tenant) -> Tenant: ...
    def get(self, tenant_id: str) -> Tenant | None: ...
    def update(self, tenant: Tenant) -> Tenant: ...
    def find_or_add(self, tenant: Tenant) -> Tenant: ...
    def list(self) -> builtins.list[Tenant]: ...


class UnitOfWork(Protocol):
    """One transaction over the current tenant's data; rolled back unless committed."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def patients(self) -> PatientRepository: ...
    @property
    def guarantors(self) -> GuarantorRepository: ...
    @property
    def payers(self) -> PayerRepository: ...
    @property
    def plans(self) -> InsurancePlanRepository: ...
    @property
    def coverages(self) -> CoverageRepository: ...
    @property
    def providers(self) -> ProviderRepository: ...
    @property
    def locations(self) -> LocationRepository: ...
    @property
    def encounters(self) -> EncounterRepository: ...
    @property
    def claims(self) -> ClaimRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def tenants(self) -> TenantRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
