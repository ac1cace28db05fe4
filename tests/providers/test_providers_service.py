"""Provider changes on SQLite and PostgreSQL: Northside Family Practice moves to a new
office and takes a new EIN from 2025-06-01. Claims for visits before that day keep the old
tax id and address, claims from that day carry the new ones, and every payer on file is on
the checklist to notify."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from openrcm.domain.party import Address, Payer, Tenant
from openrcm.domain.provider_change import ProviderChange
from openrcm.service.providers import (
    apply_provider_changes,
    provider_changes,
    provider_for_claim,
    provider_history,
    record_change,
)
from openrcm.store import NotFound

MOVE = date(2025, 6, 1)
OLD_TIN, NEW_TIN = "364417285", "364419930"
SUITE_500 = Address(
    line1="233 S Wacker Dr", line2="Suite 500", city="Chicago", state="IL", zip_code="606066306"
)
THIRD_PAYER = Payer(id="MCRIL", name="Medicare Illinois Part B")


@pytest.fixture
def stored(uow: Any, practice: Any) -> Any:
    with uow:
        practice.store(uow)
        uow.payers.add(THIRD_PAYER)
        uow.commit()
    return practice


def move(practice: Any, **fields: Any) -> ProviderChange:
    values = {"tin": NEW_TIN, "address": SUITE_500} | fields
    return ProviderChange(provider_id=practice.billing_provider.id, effective_date=MOVE, **values)


def test_a_claim_after_the_change_carries_the_new_tax_id_and_address(uow: Any, stored: Any) -> None:
    record_change(uow, move(stored))
    before = stored.claim("NFP25-000101", service_date=MOVE - timedelta(days=1))
    on_the_day = stored.claim("NFP25-000102", service_date=MOVE)
    after = stored.claim("NFP25-000103", service_date=date(2025, 8, 19))
    with uow:
        old, new_on_day, new_after = apply_provider_changes(uow, [before, on_the_day, after])
    assert (old.billing_provider.tin, old.billing_provider.address) == (
        OLD_TIN,
        stored.billing_provider.address,
    )
    for claim in (new_on_day, new_after):
        assert claim.billing_provider.tin == NEW_TIN
        assert claim.billing_provider.address == SUITE_500
        assert claim.billing_provider.npi == stored.billing_provider.npi
        assert claim.billing_provider.id == stored.billing_provider.id
        assert claim.rendering_provider == stored.rendering_provider  # not the one that moved
    assert old is before  # nothing in force: the same claim back
    assert new_after.lines == after.lines and new_after.patient_control_number == "NFP25-000103"


def test_provider_for_claim_turns_over_on_the_effective_date(uow: Any, stored: Any) -> None:
    record_change(uow, move(stored))
    with uow:
        tins = {
            day: provider_for_claim(uow, stored.billing_provider, day).tin
            for day in (MOVE - timedelta(days=1), MOVE, MOVE + timedelta(days=1))
        }
    assert tins == {
        MOVE - timedelta(days=1): OLD_TIN,
        MOVE: NEW_TIN,
        MOVE + timedelta(days=1): NEW_TIN,
    }


def test_the_checklist_names_every_payer_on_file(uow: Any, stored: Any) -> None:
    checklist = record_change(uow, move(stored))
    assert len(checklist) == 3
    for payer in (stored.payer, stored.secondary_payer, THIRD_PAYER):
        (line,) = [line for line in checklist if payer.name in line]
        assert payer.id in line and MOVE.isoformat() in line
        assert "tin" in line and "address" in line


def test_a_name_change_alone_also_goes_to_every_payer(uow: Any, stored: Any) -> None:
    change = ProviderChange(
        provider_id=stored.rendering_provider.id, effective_date=MOVE, name="Patel-Brooks"
    )
    checklist = record_change(uow, change)
    assert len(checklist) == 3 and all("name" in line and "tin" not in line for line in checklist)
    with uow:
        renamed = provider_for_claim(uow, stored.rendering_provider, MOVE)
    assert (renamed.name, renamed.first_name) == ("Patel-Brooks", "Nisha")


def test_changes_apply_in_date_order_each_from_its_own_day(uow: Any, stored: Any) -> None:
    second_move = Address(line1="1 E Erie St", city="Chicago", state="IL", zip_code="60611")
    record_change(uow, move(stored, address=None))  # new EIN from June
    record_change(
        uow,
        ProviderChange(
            provider_id=stored.billing_provider.id,
            effective_date=date(2025, 9, 1),
            address=second_move,
        ),
    )
    with uow:
        billing = stored.billing_provider
        march, july, october = (
            provider_for_claim(uow, billing, day)
            for day in (date(2025, 3, 4), date(2025, 7, 15), date(2025, 10, 2))
        )
    assert (march.tin, march.address) == (OLD_TIN, billing.address)
    assert (july.tin, july.address) == (NEW_TIN, billing.address)
    assert (october.tin, october.address) == (NEW_TIN, second_move)


def test_the_provider_row_stays_as_enrolled_and_the_history_lists_the_changes(
    uow: Any, stored: Any
) -> None:
    record_change(uow, move(stored, tin="36-4419930"))  # the dash is dropped, as on the record
    record_change(uow, move(stored, tin="36-4419930"))  # the same change again: stored once
    history = provider_history(uow, stored.billing_provider.npi)
    assert history.provider == stored.billing_provider
    (only,) = history.changes
    assert only.change.tin == NEW_TIN and only.change.address == SUITE_500
    assert only.recorded_at.tzinfo is not None
    assert history.on(MOVE).tin == NEW_TIN and history.on(date(2025, 5, 31)).tin == OLD_TIN
    with uow:
        assert provider_changes(uow, [stored.billing_provider.id]) == (only.change,)
        assert provider_changes(uow, [stored.rendering_provider.id]) == ()


def test_a_provider_found_by_npi_when_the_claim_names_another_id(uow: Any, stored: Any) -> None:
    record_change(uow, move(stored))
    imported = stored.billing_provider.model_copy(update={"id": "prv-from-837"})
    with uow:
        now = provider_for_claim(uow, imported, MOVE)
        stranger = provider_for_claim(
            uow, imported.model_copy(update={"npi": stored.location.npi[:9] + "0"}), MOVE
        )
    assert (now.id, now.tin) == ("prv-from-837", NEW_TIN)
    assert stranger.tin == OLD_TIN  # not on file: back as it was


@pytest.mark.parametrize(
    "fields",
    [
        {"tin": None, "address": None},  # changes nothing
        {"tin": "12345678"},  # eight digits
        {"tin": "999999999"},  # all the same digit
        {"taxonomy": "not-a-taxonomy"},
    ],
)
def test_a_change_that_cannot_be_used_is_refused_and_nothing_is_stored(
    uow: Any, stored: Any, fields: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        record_change(uow, move(stored, **fields))
    assert provider_history(uow, stored.billing_provider.npi).changes == ()


def test_another_tenants_provider_cannot_be_changed_or_seen(
    uow: Any,
    stored: Any,
    other_tenant: Tenant,
    uow_factory: Callable[[Tenant | str], Any],
) -> None:
    theirs = uow_factory(other_tenant)
    with pytest.raises(NotFound):
        record_change(theirs, move(stored))
    record_change(uow, move(stored))
    with pytest.raises(NotFound):
        provider_history(theirs, stored.billing_provider.npi)
    with theirs:
        assert provider_changes(theirs, [stored.billing_provider.id]) == ()
        assert provider_for_claim(theirs, stored.billing_provider, MOVE).tin == OLD_TIN
