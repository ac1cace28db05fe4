"""837I: institutional claims pass pyx12 with zero errors and read back to the same claims."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_claims import claims, institutional_claim, organisation

from openrcm.domain import ClaimKind, DiagnosisKind
from openrcm.x12 import read_envelope
from openrcm.x12.t837i import Receiver, Submitter, canonical_837, read_837i, write_837i
from openrcm.x12.t837p import read_837p
from pyx12_oracle import pyx12_errors

SUBMITTER = Submitter(name="GENERAL HOSPITAL", identifier="HOSP01", phone="5555550000")
RECEIVER = Receiver(name="MEDICARE A", identifier="MAC01")
WHEN = datetime(2024, 12, 2, 8, 0)


def write(batch, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return write_837i(batch, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN, **kwargs)


def institutional(seed: int, count: int):  # type: ignore[no-untyped-def]
    return claims(seed=seed, count=count, kind=ClaimKind.INSTITUTIONAL)


def test_400_varied_institutional_claims_pass_pyx12_with_zero_errors() -> None:
    batch = institutional(21, 400)
    assert sum(1 for c in batch if c.admission_date) >= 50
    assert sum(1 for c in batch if c.other_payers) >= 50
    assert sum(1 for c in batch if len(c.diagnoses) > 12) >= 50
    assert all(line.revenue_code for c in batch for line in c.lines)
    text = write(batch)
    assert pyx12_errors(text) == []
    assert read_envelope(text).findings == []


def test_every_institutional_claim_reads_back_as_its_canonical_form() -> None:
    batch = institutional(22, 150)
    read, findings = read_837i(write(batch))
    assert findings == ()
    by_number = {c.patient_control_number: c for c in read}
    for claim in batch:
        assert by_number[claim.patient_control_number] == canonical_837(claim)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), count=st.integers(1, 3))
def test_round_trip_domain_write_read_equal(rng: random.Random, count: int) -> None:
    providers = [organisation(rng, "GENERAL HOSPITAL", tin=True, zip4=True)]
    batch = [institutional_claim(rng, n, providers=providers) for n in range(1, count + 1)]
    read, findings = read_837i(write(batch))
    assert findings == ()
    assert sorted(read, key=lambda c: c.patient_control_number) == [canonical_837(c) for c in batch]


def test_institutional_codes_are_carried() -> None:
    rng = random.Random(5)
    claim = institutional_claim(rng, 1).model_copy(
        update={
            "occurrence_codes": (("11", date(2024, 3, 1)),),
            "value_codes": (("80", Decimal("3")),),
            "condition_codes": ("09", "39"),
            "type_of_bill": "0111",
            "admission_date": date(2024, 3, 2),
            "admission_type": "1",
            "admission_source": "7",
            "patient_status": "01",
            "drg": "470",
        }
    )
    text = write([claim])
    assert pyx12_errors(text) == []
    segments = [s for ts in read_envelope(text).transactions for s in ts.segments]
    clm = next(s for s in segments if s.id == "CLM")
    assert clm.components(5)[:2] == ["11", "A"]
    assert next(s for s in segments if s.id == "CL1").elements[1:] == ["1", "7", "01"]
    assert any(s.id == "SV2" for s in segments)
    [read], findings = read_837i(text)
    assert findings == ()
    assert read.condition_codes == ("09", "39")
    assert read.value_codes == (("80", Decimal("3")),)
    assert read.drg == "470"
    assert read.diagnoses[0].kind is DiagnosisKind.PRINCIPAL
    assert read.type_of_bill == "11" + claim.frequency_code


def test_professional_and_institutional_readers_keep_to_their_own_sets() -> None:
    text = write(institutional(2, 3))
    assert read_837p(text) == ((), ())
    assert len(read_837i(text)[0]) == 3


def test_a_professional_claim_is_refused() -> None:
    [claim] = claims(seed=1, count=1)
    with pytest.raises(ValueError):
        write([claim])
