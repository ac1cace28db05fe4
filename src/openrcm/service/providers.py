"""Provider change use cases: a new tax id, address, name or taxonomy effective on a date.

`record_change(uow, change)` stores a `ProviderChange` for one of the tenant's providers and
returns the checklist of payers to notify: one line for every payer on file, since each
keeps the provider's enrolment data. The provider's own row is never rewritten: it stays as
the provider was first enrolled and the changes lay over it by date, so
`provider_for_claim(uow, provider, date_of_service)` gives the provider a claim for that
day must carry (the old tax id before the change, the new one from its effective date) and
`apply_provider_changes(uow, claims)` does it for every provider on a batch of claims.
`provider_changes(uow, provider_ids)` loads the changes for `billing.parties.ClaimParties`.
`provider_history(uow, npi)` lists a provider's changes.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.party import Provider
from openrcm.domain.provider_change import ProviderChange, payers_to_notify, provider_on
from openrcm.store.errors import NotFound
from openrcm.store.provider_change_tables import RecordedChange, SqlProviderChangeRepository

PROVIDER_ROLES = (
    "billing_provider",
    "rendering_provider",
    "referring_provider",
    "supervising_provider",
    "attending_provider",
    "operating_provider",
    "service_facility",
)
PAGE = 1000


def provider_changes_of(uow: Any) -> SqlProviderChangeRepository:
    """The provider-change repository of an open unit of work."""
    found = getattr(uow, "provider_changes", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlProviderChangeRepository(uow.session, uow.tenant_id)


def _all_payers(uow: Any) -> builtins.list[Any]:
    payers: builtins.list[Any] = []
    while True:
        page = uow.payers.list(limit=PAGE, offset=len(payers))
        payers.extend(page)
        if len(page) < PAGE:
            return payers


def _checked(provider: Provider, change: ProviderChange) -> ProviderChange:
    """The change with its values as the provider record keeps them (a TIN without its
    dash); ValueError when it changes nothing or would make an invalid provider."""
    if not change.changed_fields():
        raise ValueError(
            f"a change of provider {change.provider_id} needs a new tin, address, name or taxonomy"
        )
    changed = provider_on(provider, [change], change.effective_date)  # validates every field
    return change.model_copy(
        update={name: getattr(changed, name) for name in change.changed_fields()}
    )


def record_change(uow: Any, change: ProviderChange) -> builtins.list[str]:
    """Store a provider change and return the checklist of payers to notify, one line per
    payer on file. Opens and commits `uow`. The same change twice is stored once.

    Raises `store.NotFound` (a LookupError) for a provider the tenant lacks, and ValueError
    (pydantic's ValidationError included) for a change that changes nothing or carries an
    invalid TIN, address, name or taxonomy.
    """
    with uow:
        provider = uow.providers.get(change.provider_id)
        if provider is None:
            raise NotFound(f"no provider {change.provider_id} in this tenant")
        change = _checked(provider, change)
        repository = provider_changes_of(uow)
        if change not in [r.change for r in repository.history(change.provider_id)]:
            repository.add(change)
        payers = [f"{p.name} (payer id {p.id})" for p in _all_payers(uow)]
        uow.commit()
    return payers_to_notify(change, payers)


@dataclass(frozen=True, slots=True)
class ProviderHistory:
    """A provider as enrolled, and its changes in the order they take effect."""

    provider: Provider
    changes: tuple[RecordedChange, ...]

    def on(self, day: date) -> Provider:
        """The provider as claims for `day` carry it."""
        return provider_on(self.provider, [r.change for r in self.changes], day)


def provider_history(uow: Any, npi: str) -> ProviderHistory:
    """The provider with this NPI and its changes. Opens `uow`; `store.NotFound` when the
    tenant has no provider with this NPI."""
    with uow:
        provider = uow.providers.by_npi(npi)
        if provider is None:
            raise NotFound(f"no provider with NPI {npi} in this tenant")
        return ProviderHistory(provider, tuple(provider_changes_of(uow).history(provider.id)))


def provider_changes(uow: Any, provider_ids: Iterable[str]) -> tuple[ProviderChange, ...]:
    """Every change of these providers, in the order they take effect (inside an open unit
    of work); what `billing.parties.ClaimParties.provider_changes` holds."""
    return tuple(provider_changes_of(uow).for_providers(provider_ids))


def _stored_id(uow: Any, provider: Provider, cache: dict[str, str | None]) -> str | None:
    """The id the tenant keeps this provider under: its own, else the stored one with its NPI."""
    if provider.npi not in cache:
        stored = uow.providers.get(provider.id)
        if stored is None or stored.npi != provider.npi:
            stored = uow.providers.by_npi(provider.npi)
        cache[provider.npi] = None if stored is None else stored.id
    return cache[provider.npi]


def _on(
    provider: Provider, stored_id: str | None, changes: Sequence[ProviderChange], day: date
) -> Provider:
    mine = [c for c in changes if c.provider_id == stored_id]
    if not mine:
        return provider
    as_stored = provider.model_copy(update={"id": stored_id})
    return provider_on(as_stored, mine, day).model_copy(update={"id": provider.id})


def provider_for_claim(uow: Any, provider: Provider, date_of_service: date) -> Provider:
    """The provider as a claim for `date_of_service` must carry it: every change recorded
    for it (found by id, else by NPI) effective on or before that day. Inside an open unit
    of work; a provider not on file comes back as it is."""
    stored_id = _stored_id(uow, provider, {})
    if stored_id is None:
        return provider
    return _on(provider, stored_id, provider_changes(uow, [stored_id]), date_of_service)


def apply_provider_changes(uow: Any, claims: Sequence[Claim]) -> builtins.list[Claim]:
    """The claims with every provider on them (billing, rendering, referring, supervising,
    attending, operating, service facility) as of the claim's first date of service.
    Inside an open unit of work; loads the changes once for the whole batch."""
    cache: dict[str, str | None] = {}
    for claim in claims:
        for role in PROVIDER_ROLES:
            provider = getattr(claim, role)
            if provider is not None:
                _stored_id(uow, provider, cache)
    ids = {i for i in cache.values() if i is not None}
    changes = provider_changes(uow, ids) if ids else ()
    if not changes:
        return list(claims)
    changed: builtins.list[Claim] = []
    for claim in claims:
        day = claim.first_service_date
        update = {}
        for role in PROVIDER_ROLES:
            provider = getattr(claim, role)
            if provider is not None:
                now = _on(provider, cache[provider.npi], changes, day)
                if now != provider:
                    update[role] = now
        changed.append(claim.model_copy(update=update) if update else claim)
    return changed
