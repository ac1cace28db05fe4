"""Providers and locations: repositories mapping `Provider` and `Location` to rows and back.

A provider's NPI is unique within a tenant; `find_or_add` de-duplicates by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openrcm.domain.party import Location, Provider, ProviderRole
from openrcm.store.address_mapping import address_columns, address_from
from openrcm.store.repository import SqlRepository
from openrcm.store.tables import LocationRow, ProviderRow


class SqlProviderRepository(SqlRepository[Provider, ProviderRow]):
    """The current tenant's providers: clinicians (NPI type 1) and organisations (type 2)."""

    row_type = ProviderRow
    noun = "provider"

    def to_columns(self, record: Provider) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "npi": record.npi,
            "entity_type": record.entity_type.value,
            "name": record.name,
            "first_name": record.first_name,
            "taxonomy": record.taxonomy,
            "tin": record.tin,
            "tin_is_ssn": record.tin_is_ssn,
            "roles": sorted(role.value for role in record.roles),
            **address_columns(record.address),
        }

    def to_record(self, row: ProviderRow) -> Provider:
        return Provider(
            id=row.id,
            npi=row.npi,
            entity_type=row.entity_type,
            name=row.name,
            first_name=row.first_name,
            taxonomy=row.taxonomy,
            tin=row.tin,
            tin_is_ssn=row.tin_is_ssn,
            address=address_from(row),
            roles=frozenset(ProviderRole(role) for role in row.roles),
        )

    def by_npi(self, npi: str) -> Provider | None:
        """The provider with this NPI in this tenant, or None."""
        found = self._records(self._select().where(ProviderRow.npi == npi))
        return found[0] if found else None

    def find_or_add(self, provider: Provider) -> Provider:
        """The stored provider with `provider.npi`, adding `provider` when there is none.

        A provider seen in a new role (billing, then rendering) keeps one row: the stored
        roles grow to include the new ones.
        """
        stored = self.by_npi(provider.npi)
        if stored is None:
            return self.add(provider)
        if provider.roles <= stored.roles:
            return stored
        return self.update(stored.model_copy(update={"roles": stored.roles | provider.roles}))


class SqlLocationRepository(SqlRepository[Location, LocationRow]):
    """The current tenant's locations: where care is given, with their place of service."""

    row_type = LocationRow
    noun = "location"

    def to_columns(self, record: Location) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "name": record.name,
            "place_of_service": record.place_of_service,
            "npi": record.npi,
            **address_columns(record.address),
        }

    def to_record(self, row: LocationRow) -> Location:
        return Location(
            id=row.id,
            name=row.name,
            place_of_service=row.place_of_service,
            address=address_from(row),
            npi=row.npi,
        )
