"""Provider changes: a new tax id, address or name effective on a date.

Claims with a date of service on or after the change use the new data; earlier claims keep
the old. A change to data payers keep on file produces a checklist of payers to notify.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from openrcm.domain.base import Record
from openrcm.domain.party import Address, Provider

# fields payers keep on file: changing one means re-credentialing or at least notifying them
PAYER_ENROLLMENT_FIELDS = frozenset({"tin", "address", "name", "taxonomy", "npi"})


class ProviderChange(Record):
    provider_id: str
    effective_date: date
    tin: str | None = None
    address: Address | None = None
    name: str | None = None
    taxonomy: str | None = None

    def changed_fields(self) -> frozenset[str]:
        return frozenset(
            name
            for name in ("tin", "address", "name", "taxonomy")
            if getattr(self, name) is not None
        )


def provider_on(provider: Provider, changes: Iterable[ProviderChange], day: date) -> Provider:
    """The provider as it was on `day`: every change effective on or before it, in date order."""
    current = provider
    for change in sorted(changes, key=lambda c: c.effective_date):
        if change.provider_id != provider.id or change.effective_date > day:
            continue
        update = {name: getattr(change, name) for name in change.changed_fields()}
        current = Provider.model_validate({**current.model_dump(), **update})
    return current


def payers_to_notify(change: ProviderChange, payer_names: Sequence[str]) -> list[str]:
    """One checklist line per payer when the change touches enrollment data."""
    fields = sorted(change.changed_fields() & PAYER_ENROLLMENT_FIELDS)
    if not fields:
        return []
    what = ", ".join(fields)
    return [
        f"Notify {payer} of the new {what} for provider {change.provider_id}, effective "
        f"{change.effective_date.isoformat()}"
        for payer in sorted(payer_names)
    ]
