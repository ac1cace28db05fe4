"""Journal entries balance or are refused; corrections are new entries; accounts name themselves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.ledger import (
    DEPOSITS,
    REVENUE,
    Account,
    AccountKind,
    JournalEntry,
    Leg,
    SourceKind,
    UnbalancedEntry,
    entry,
    insurance_ar,
    patient_ar,
    reversal_of,
)

DAY = date(2025, 4, 1)


def charge(amount: str = "150.00", claim: str = "C1") -> JournalEntry:
    value = Decimal(amount)
    return entry(
        id=f"charge:{claim}",
        entry_date=DAY,
        source=SourceKind.CHARGE,
        source_id=claim,
        legs=(Leg(insurance_ar("87726"), value, 1, "charge"), Leg(REVENUE, -value, 1, "charge")),
        claim=claim,
    )


def test_an_entry_whose_legs_do_not_sum_to_zero_cannot_be_built() -> None:
    with pytest.raises(UnbalancedEntry):
        JournalEntry(
            id="e1",
            entry_date=DAY,
            source=SourceKind.PATIENT_PAYMENT,
            source_id="p1",
            legs=(Leg(DEPOSITS, Decimal("20.00")), Leg(patient_ar("G1"), Decimal("-19.99"))),
        )


def test_amounts_are_decimal_cents_never_floats_or_fractions_of_a_cent() -> None:
    with pytest.raises(TypeError):
        Leg(DEPOSITS, 20.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Leg(DEPOSITS, Decimal("20.005"))
    assert Leg(DEPOSITS, Decimal("20")).amount == Decimal("20.00")


def test_zero_legs_are_dropped_and_a_list_of_legs_is_kept_as_a_tuple() -> None:
    built = entry(
        id="e2",
        entry_date=DAY,
        source=SourceKind.TRANSFER,
        source_id="t",
        legs=[
            Leg(DEPOSITS, Decimal("0.00")),
            Leg(patient_ar("G1"), Decimal("5.00")),
            Leg(DEPOSITS, Decimal("-5.00")),
        ],
    )
    assert isinstance(built.legs, tuple) and len(built.legs) == 2


def test_a_correction_is_a_new_entry_that_negates_the_original_leg_for_leg() -> None:
    original = charge()
    undone = reversal_of(original, id="void:C1", entry_date=date(2025, 4, 2))
    assert undone.reverses == original.id and undone.claim == "C1"
    assert [leg.amount for leg in undone.legs] == [-leg.amount for leg in original.legs]
    assert original.legs[0].amount == Decimal("150.00"), "the original is untouched"


def test_an_account_writes_and_reads_its_name() -> None:
    assert str(insurance_ar("87726")) == "insurance_ar:87726"
    assert Account.parse("insurance_ar:87726") == insurance_ar("87726")
    assert Account.parse("deposits") == DEPOSITS
    with pytest.raises(ValueError):
        Account(AccountKind.PATIENT_AR)
    with pytest.raises(ValueError):
        Account(AccountKind.INSURANCE_AR, "  ")


def test_any_party_id_a_practice_uses_names_an_account_that_reads_back() -> None:
    mrn = patient_ar("MRN:0042")
    assert str(mrn) == "patient_ar:MRN%3A0042"
    assert Account.parse(str(mrn)) == mrn and mrn.party == "MRN:0042"
    assert mrn != patient_ar("MRN-0042") != patient_ar("MRN%3A0042")
    assert str(patient_ar("pt-3f9a2c")) == "patient_ar:pt-3f9a2c"
    assert str(insurance_ar("BCBS IL 00621")) == "insurance_ar:BCBS IL 00621"


@given(st.text(min_size=1).filter(lambda text: text.strip() != ""))
def test_every_non_blank_party_round_trips_through_its_account_name(party: str) -> None:
    account = patient_ar(party)
    name = str(account)
    assert name.count(":") == 1 and name.isprintable()
    assert Account.parse(name) == account
    assert Account.parse(name).party == party


def test_entries_are_immutable() -> None:
    built = charge()
    with pytest.raises(AttributeError):
        built.claim = "C2"  # type: ignore[misc]
