"""Who is on a claim: the patient, their coverages and payers, and the providers, as of the
date of service.

`ClaimParties` gathers what a claim names besides its services. Providers change (a new
tax id, address or name from a date): `parties_on` applies every `ProviderChange` in force
on the date of service, so a claim for a visit before the change keeps the old data and
one after it the new. `facility_from_location` turns the place of care into the service
facility loop (2310C), sent only when it is not the billing provider's own address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from openrcm.domain.party import (
    Coverage,
    EntityType,
    Location,
    Patient,
    Payer,
    Provider,
    ProviderId,
    ProviderRole,
)
from openrcm.domain.provider_change import ProviderChange, provider_on

PROVIDER_ROLES = (
    "billing_provider",
    "rendering_provider",
    "referring_provider",
    "supervising_provider",
    "attending_provider",
    "operating_provider",
    "service_facility",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimParties:
    """The patient, every coverage they hold, the payers those point at, and the providers."""

    patient: Patient
    coverages: tuple[Coverage, ...]
    payers: Mapping[str, Payer] = field(default_factory=lambda: MappingProxyType({}))
    billing_provider: Provider
    rendering_provider: Provider | None = None
    referring_provider: Provider | None = None
    supervising_provider: Provider | None = None
    attending_provider: Provider | None = None  # 837I 2310A
    operating_provider: Provider | None = None  # 837I 2310B
    service_facility: Provider | None = None
    provider_changes: tuple[ProviderChange, ...] = ()

    def provider(self, role: str) -> Provider | None:
        found: Provider | None = getattr(self, role)
        return found


def parties_on(parties: ClaimParties, day: date) -> ClaimParties:
    """The parties with every provider as it was on `day` (changes effective on or before)."""
    if not parties.provider_changes:
        return parties
    update: dict[str, Any] = {}
    for role in PROVIDER_ROLES:
        provider = parties.provider(role)
        if provider is not None:
            update[role] = provider_on(provider, parties.provider_changes, day)
    return replace(parties, **update)


def facility_from_location(location: Location | None, billing: Provider) -> Provider | None:
    """The service facility for a location with an NPI and an address other than the
    billing provider's; None when the billing provider's address already says where."""
    if location is None or location.npi is None:
        return None
    if billing.address is not None and _same_place(location, billing):
        return None
    return Provider(
        id=ProviderId(location.id),
        npi=location.npi,
        entity_type=EntityType.ORGANISATION,
        name=location.name,
        address=location.address,
        roles=frozenset({ProviderRole.SERVICE_FACILITY}),
    )


def _same_place(location: Location, billing: Provider) -> bool:
    assert billing.address is not None
    a, b = location.address, billing.address
    return (a.line1.upper(), a.city.upper(), a.zip_code[:5]) == (
        b.line1.upper(),
        b.city.upper(),
        b.zip_code[:5],
    )
