"""Prior authorisations, referrals and provider changes."""

from datetime import date

import pytest
from pydantic import ValidationError

from openrcm.domain import Address, Provider
from openrcm.domain.authorization import Authorization, AuthorizationState
from openrcm.domain.provider_change import ProviderChange, payers_to_notify, provider_on


def auth(**kw) -> Authorization:  # type: ignore[no-untyped-def]
    values = dict(
        id="a1",
        kind="prior_authorization",
        number="PA778812",
        patient_id="pt",
        payer_id="87726",
        procedure_codes=("97110", "97140"),
        units_authorized=12,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 5, 31),
    )
    values.update(kw)
    return Authorization(**values)


def test_an_authorisation_covers_its_codes_dates_and_units() -> None:
    pa = auth()
    assert pa.covers("97110", date(2025, 3, 15), units=4)
    assert not pa.covers("97530", date(2025, 3, 15))  # a code not authorised
    assert not pa.covers("97110", date(2025, 6, 1))  # after the end date
    assert not pa.use(10).covers("97110", date(2025, 3, 15), units=3)  # only 2 left


def test_expiring_and_exhausted_authorisations_are_flagged() -> None:
    pa = auth()
    assert pa.state(date(2025, 3, 10)) is AuthorizationState.ACTIVE
    assert pa.state(date(2025, 5, 20)) is AuthorizationState.EXPIRING
    assert pa.state(date(2025, 6, 1)) is AuthorizationState.EXPIRED
    assert pa.use(12).state(date(2025, 3, 10)) is AuthorizationState.EXHAUSTED
    with pytest.raises(ValueError, match="12 units left"):
        pa.use(13)


def test_an_authorisation_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError):
        auth(end_date=date(2025, 2, 1))


def test_claims_after_a_provider_change_use_the_new_tax_id_and_address() -> None:
    old = Provider(
        id="b",
        npi="1234567893",
        entity_type="2",
        name="Elm Clinic",
        tin="361234567",
        address=Address(line1="1 Elm St", city="Springfield", state="IL", zip_code="627011234"),
    )
    moved = Address(line1="900 Oak Ave", city="Springfield", state="IL", zip_code="627029876")
    change = ProviderChange(
        provider_id="b", effective_date=date(2025, 7, 1), tin="362222222", address=moved
    )
    assert provider_on(old, [change], date(2025, 6, 30)).tin == "361234567"
    after = provider_on(old, [change], date(2025, 7, 1))
    assert after.tin == "362222222" and after.address == moved
    checklist = payers_to_notify(change, ["Medicare", "Prairie Health"])
    assert len(checklist) == 2 and all("address, tin" in line for line in checklist)
