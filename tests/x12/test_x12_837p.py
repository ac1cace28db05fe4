"""837P: what openrcm writes passes pyx12 with zero errors and reads back to the same claims."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_claims import claims, organisation, professional_claim

from openrcm.domain import ClaimKind, Relationship
from openrcm.x12 import read_envelope
from openrcm.x12.t837p import Receiver, Submitter, canonical_837, read_837p, write_837p
from pyx12_oracle import pyx12_errors

SUBMITTER = Submitter(
    name="NORTH CLINIC BILLING", identifier="SUBMIT01", contact_name="JANE DOE", phone="5555551212"
)
RECEIVER = Receiver(name="CLEARINGHOUSE", identifier="RECV01")
WHEN = datetime(2024, 12, 1, 9, 30)


def write(batch, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return write_837p(batch, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN, **kwargs)


def test_600_varied_professional_claims_pass_pyx12_with_zero_errors() -> None:
    batch = claims(seed=11, count=600)
    shapes = {
        "secondary with COB": sum(1 for c in batch if c.other_payers),
        "many lines": sum(1 for c in batch if len(c.lines) >= 20),
        "modifiers": sum(1 for c in batch if any(line.modifiers for line in c.lines)),
        "12 diagnoses": sum(1 for c in batch if len(c.diagnoses) == 12),
        "dependents": sum(1 for c in batch if c.coverage.relationship is not Relationship.SELF),
        "drugs": sum(1 for c in batch if any(line.ndc for line in c.lines)),
    }
    assert all(count >= 10 for count in shapes.values()), shapes
    text = write(batch, interchange_control_number=90210)
    assert pyx12_errors(text) == []
    assert read_envelope(text).findings == []


def test_more_claims_than_fit_one_set_split_into_several_sets_that_still_pass() -> None:
    batch = claims(seed=3, count=30)
    text = write(batch, claims_per_set=7)
    doc = read_envelope(text)
    assert len(doc.transactions) == 5
    assert doc.findings == []
    assert pyx12_errors(text) == []
    read, findings = read_837p(text)
    assert findings == ()
    assert sorted(c.patient_control_number for c in read) == sorted(
        c.patient_control_number for c in batch
    )


def test_every_claim_reads_back_as_its_canonical_form() -> None:
    batch = claims(seed=5, count=200)
    read, findings = read_837p(write(batch))
    assert findings == ()
    by_number = {c.patient_control_number: c for c in read}
    assert len(by_number) == len(batch)
    for claim in batch:
        assert by_number[claim.patient_control_number] == canonical_837(claim)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), count=st.integers(1, 4))
def test_round_trip_domain_write_read_equal(rng: random.Random, count: int) -> None:
    providers = [organisation(rng, "CLINIC A", tin=True, zip4=True)]
    batch = [professional_claim(rng, n, providers=providers) for n in range(1, count + 1)]
    read, findings = read_837p(write(batch))
    assert findings == ()
    assert sorted(read, key=lambda c: c.patient_control_number) == [canonical_837(c) for c in batch]
    # reading the canonical form again changes nothing
    again, _ = read_837p(write(read))
    assert sorted(again, key=lambda c: c.patient_control_number) == sorted(
        read, key=lambda c: c.patient_control_number
    )


def test_claims_group_under_one_billing_provider_and_subscriber_hl() -> None:
    rng = random.Random(8)
    billing = organisation(rng, "ONE CLINIC", tin=True, zip4=True)
    first = professional_claim(rng, 1, providers=[billing])
    second = first.model_copy(update={"patient_control_number": "PCN-SECOND", "id": "C2"})
    text = write([first, second])
    segments = [s for ts in read_envelope(text).transactions for s in ts.segments]
    levels = [s.element(3) for s in segments if s.id == "HL"]
    assert levels.count("20") == 1
    assert levels.count("22") == 1
    assert len([s for s in segments if s.id == "CLM"]) == 2


def test_a_dependent_gets_a_patient_level_and_the_subscriber_no_demographics() -> None:
    rng = random.Random(1)
    claim = next(
        c
        for c in (professional_claim(rng, n) for n in range(100))
        if c.coverage.relationship is Relationship.CHILD
    )
    segments = [s for ts in read_envelope(write([claim])).transactions for s in ts.segments]
    hl = [s for s in segments if s.id == "HL"]
    assert [(s.element(3), s.element(4)) for s in hl] == [("20", "1"), ("22", "1"), ("23", "0")]
    assert next(s for s in segments if s.id == "PAT").element(1) == "19"
    assert len([s for s in segments if s.id == "DMG"]) == 1


def test_a_secondary_claim_carries_the_primary_payers_decision() -> None:
    rng = random.Random(2)
    claim = next(c for c in (professional_claim(rng, n) for n in range(100)) if c.other_payers)
    segments = [s for ts in read_envelope(write([claim])).transactions for s in ts.segments]
    ids = [s.id for s in segments]
    primary = claim.other_payers[0]
    assert ids.count("SBR") == 2
    amt = next(s for s in segments if s.id == "AMT" and s.element(1) == "D")
    assert Decimal(amt.element(2)) == primary.paid_amount
    assert ids.count("SVD") == len(claim.lines)
    [read], _ = read_837p(write([claim]))
    assert read.other_payers[0].paid_amount == primary.paid_amount
    assert sum(a.amount for a in read.other_payers[0].adjustments) == sum(
        a.amount for a in primary.adjustments
    )


def test_amounts_are_written_without_trailing_zeros() -> None:
    rng = random.Random(4)
    claim = professional_claim(rng, 1)
    line = claim.lines[0].model_copy(update={"charge_amount": Decimal("125.50")})
    claim = claim.model_copy(
        update={"lines": (line,), "total_charge_amount": Decimal("125.50"), "other_payers": ()}
    )
    text = write([claim])
    assert "*125.5*" in text
    assert "125.50" not in text


def test_an_institutional_claim_is_refused() -> None:
    import pytest

    [claim] = claims(seed=1, count=1, kind=ClaimKind.INSTITUTIONAL)
    with pytest.raises(ValueError):
        write([claim])
