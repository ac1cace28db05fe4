"""835 remittances: what we write passes pyx12, reads back equal, and real files add up."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openrcm.domain.claim import Adjustment
from openrcm.domain.identifiers import npi_check_digit
from openrcm.domain.remittance import (
    BankAccount,
    ClaimPayment,
    ClaimPaymentStatus,
    Party,
    PaymentMethod,
    ProviderAdjustment,
    ProviderLevelAdjustments,
    Remittance,
    ServicePayment,
)
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import read_835, write_835
from pyx12_oracle import pyx12_errors, pyx12_verdict

HEADER = InterchangeHeader(
    sender_id="PAYERSENDER",
    receiver_id="PROVIDERRCV",
    interchange_control_number=42,
    group_control_number=7,
    created_at=datetime(2024, 5, 6, 7, 8),
)


def test_pyx12_flags_a_second_plb_though_the_guide_allows_it(samples_dir) -> None:
    text = (samples_dir / "835" / "albmarin-badX12__X221-era-sample.edi").read_text()
    plb = "PLB*1811901945*20141231*WO:A1*10~"
    one = text.replace("BPR*I*132*", "BPR*I*122*").replace("SE*35*", plb + "SE*36*")
    two = text.replace("BPR*I*132*", "BPR*I*112*").replace("SE*35*", plb + plb + "SE*37*")
    accepted_one, _ = pyx12_verdict(one)
    accepted_two, messages = pyx12_verdict(two)
    assert accepted_one and not accepted_two
    assert messages == ["Line:38 SEG:4 - Loop FOOTER exceeded max count.  Found 2, should have 1"]
    assert len(read_835(two)[0][0].provider_adjustments[0].adjustments) == 2


# ------------------------------------------------------------------ strategies

names = st.from_regex(r"[A-Z]{2,12}( [A-Z]{1,10})?", fullmatch=True)
ids = st.from_regex(r"[A-Z0-9]{4,15}", fullmatch=True)
cents = st.decimals(min_value=0, max_value=5000, places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def npis(draw: st.DrawFn) -> str:
    first = draw(st.from_regex(r"1[0-9]{8}", fullmatch=True))
    return first + npi_check_digit(first)


@st.composite
def service_payments(draw: st.DrawFn) -> ServicePayment:
    charge = draw(cents.filter(lambda c: c > 0))
    paid = draw(st.decimals(min_value=0, max_value=charge, places=2))
    patient = draw(st.decimals(min_value=0, max_value=charge - paid, places=2))
    adjustments = []
    if patient:
        adjustments.append(
            Adjustment(group="PR", reason=draw(st.sampled_from(["1", "2", "3"])), amount=patient)
        )
    contractual = charge - paid - patient
    if contractual:
        adjustments.append(
            Adjustment(
                group="CO", reason=draw(st.sampled_from(["45", "253", "97"])), amount=contractual
            )
        )
    start = draw(days)
    return ServicePayment(
        procedure=draw(st.sampled_from(["99213", "99214", "80053", "J3420", "97110"])),
        modifiers=tuple(
            draw(st.lists(st.sampled_from(["25", "59", "GT", "LT", "RT"]), max_size=4, unique=True))
        ),
        charge_amount=charge,
        paid_amount=paid,
        units=draw(st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5"), Decimal(15)])),
        original_procedure=draw(st.none() | st.just("99215")),
        original_units=draw(st.none() | st.just(Decimal(3))),
        service_date=start,
        service_date_end=draw(st.none() | st.just(start)),
        adjustments=tuple(adjustments),
        line_control_number=draw(st.none() | ids),
        allowed_amount=draw(st.none() | st.just(paid + patient)),
        remark_codes=tuple(
            draw(st.lists(st.sampled_from(["N130", "M15", "MA01", "N381"]), max_size=3))
        ),
    )


@st.composite
def claim_payments(draw: st.DrawFn) -> ClaimPayment:
    lines = draw(st.lists(service_payments(), min_size=0, max_size=4))
    claim_adjustments = tuple(
        draw(
            st.lists(
                st.builds(
                    Adjustment,
                    group=st.sampled_from(["OA", "PI", "CO"]),
                    reason=st.sampled_from(["23", "94", "B13"]),
                    amount=cents.filter(lambda c: c > 0),
                ),
                max_size=2,
            )
        )
    )
    line_charge = sum((s.charge_amount for s in lines), Decimal(0))
    line_paid = sum((s.paid_amount for s in lines), Decimal(0))
    if not lines:
        line_charge = draw(cents)
        line_paid = line_charge
    charge = line_charge + sum((a.amount for a in claim_adjustments), Decimal(0))
    crossover = draw(st.booleans())
    return ClaimPayment(
        patient_control_number=draw(ids),
        status=draw(
            st.sampled_from(
                [
                    ClaimPaymentStatus.PRIMARY,
                    ClaimPaymentStatus.SECONDARY,
                    ClaimPaymentStatus.DENIED,
                    ClaimPaymentStatus.PRIMARY_FORWARDED,
                ]
            )
        ),
        charge_amount=charge,
        paid_amount=line_paid,
        patient_responsibility_amount=draw(st.none() | cents),
        claim_filing_indicator=draw(st.sampled_from(["12", "MB", "MC", "HM", "MA"])),
        payer_claim_control_number=draw(ids),
        facility_code=draw(st.none() | st.sampled_from(["11", "22", "13"])),
        frequency_code=draw(st.none() | st.sampled_from(["1", "7"])),
        adjustments=claim_adjustments,
        patient_last_name=draw(names),
        patient_first_name=draw(st.none() | names),
        member_id=draw(st.none() | ids),
        rendering_npi=draw(st.none() | npis()),
        crossover_payer_name=draw(names) if crossover else None,
        crossover_payer_id=draw(ids) if crossover else None,
        statement_from=draw(st.none() | days),
        statement_to=draw(st.none() | days),
        received_date=draw(st.none() | days),
        coverage_expiration_date=draw(st.none() | days),
        remark_codes=tuple(draw(st.lists(st.sampled_from(["MA01", "MA18", "N520"]), max_size=5))),
        coverage_amount=draw(st.none() | cents),
        interest_amount=draw(st.none() | cents),
        lines=tuple(lines),
    )


@st.composite
def remittances(draw: st.DrawFn, max_claims: int = 5) -> Remittance:
    claims = draw(st.lists(claim_payments(), min_size=1, max_size=max_claims))
    payee_npi = draw(npis())
    plbs = draw(
        st.lists(
            st.builds(
                ProviderLevelAdjustments,
                provider_id=st.just(payee_npi),
                fiscal_period_date=days,
                adjustments=st.lists(
                    st.builds(
                        ProviderAdjustment,
                        reason=st.sampled_from(["WO", "L6", "FB", "72", "CS"]),
                        reference=st.none() | ids,
                        amount=st.decimals(min_value=-50, max_value=50, places=2),
                    ),
                    min_size=1,
                    max_size=8,
                ).map(tuple),
            ),
            max_size=2,
            unique_by=lambda p: p.fiscal_period_date,  # one PLB group per provider and period
        )
    )
    paid = sum((c.paid_amount for c in claims), Decimal(0))
    withheld = sum((a.amount for p in plbs for a in p.adjustments), Decimal(0))
    method = draw(st.sampled_from([PaymentMethod.CHECK, PaymentMethod.ACH]))
    ach = method is PaymentMethod.ACH
    account = st.builds(
        BankAccount,
        dfi_id=st.from_regex(r"[0-9]{9}", fullmatch=True),
        account_number=st.from_regex(r"[0-9]{6,12}", fullmatch=True),
    )
    return Remittance(
        control_number=draw(st.from_regex(r"[0-9]{4,9}", fullmatch=True)),
        total_paid_amount=paid - withheld,
        payment_method=method,
        payment_date=draw(days),
        trace_number=draw(ids),
        payer_trace_id="1" + draw(st.from_regex(r"[0-9]{9}", fullmatch=True)),
        payer=Party(
            name=draw(names),
            identifier=draw(st.none() | ids),
            address_line=draw(names),
            city=draw(names),
            state="PA",
            zip_code=draw(st.from_regex(r"[0-9]{5}", fullmatch=True)),
            contact_name=draw(st.none() | names),
            contact_phone=draw(st.from_regex(r"[2-9][0-9]{9}", fullmatch=True)),
        ),
        payee=Party(name=draw(names), identifier=payee_npi, identifier_qualifier="XX"),
        production_date=draw(st.none() | days),
        payer_account=draw(account) if ach else None,
        payer_company_id="1" + draw(st.from_regex(r"[0-9]{9}", fullmatch=True)) if ach else None,
        payee_account=draw(account) if ach else None,
        claims=tuple(claims),
        provider_adjustments=tuple(plbs),
    )


# ------------------------------------------------------------------ properties


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(remittances(), min_size=1, max_size=2, unique_by=lambda r: r.control_number))
def test_a_written_835_reads_back_as_the_same_remittances(written: list[Remittance]) -> None:
    text = write_835(written, HEADER)
    read, findings = read_835(text)
    assert read == written
    assert [f for f in findings if f.code != "X12-835-CLAIM-BALANCE"] == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(remittances(max_claims=4), st.booleans())
def test_every_835_we_write_passes_pyx12(remittance: Remittance, summary: bool) -> None:
    assert pyx12_errors(write_835([remittance], HEADER, provider_summary=summary)) == []


@settings(
    max_examples=3, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
)
@given(st.lists(remittances(max_claims=50), min_size=4, max_size=4))
def test_a_large_varied_835_passes_pyx12_and_balances(batch: list[Remittance]) -> None:
    """Up to two hundred claims of every shape in one file."""
    batch = [r.model_copy(update={"control_number": f"{1000 + i}"}) for i, r in enumerate(batch)]
    text = write_835(batch, HEADER, provider_summary=True)
    assert pyx12_errors(text) == []
    read, findings = read_835(text)
    assert read == batch
    assert all(r.is_balanced for r in read)
    assert findings == []


def test_records_the_reader_builds_are_what_validation_would_build(samples_dir) -> None:
    """The reader skips pydantic's second pass; the records must be the validated ones."""
    text = (samples_dir / "835" / "tastypackets-x12-parser__profee-multiple.edi").read_text()
    read, _ = read_835(text)
    claims = [c for r in read for c in r.claims]
    assert len(claims) == 468
    for claim in claims:
        assert ClaimPayment.model_validate(claim.model_dump()) == claim


# ------------------------------------------------------------------ the balance rules


@settings(max_examples=10, deadline=None)
@given(remittances(max_claims=2))
def test_an_unbalanced_payment_is_an_error_finding(good: Remittance) -> None:
    bad = good.model_copy(update={"total_paid_amount": good.total_paid_amount + Decimal("0.01")})
    read, findings = read_835(write_835([bad], HEADER))
    assert read == [bad]
    assert [
        (f.code, f.severity.value, f.segment.segment_id, f.segment.element) for f in findings
    ] == [("X12-835-UNBALANCED", "error", "BPR", 2)]


@settings(max_examples=10, deadline=None)
@given(remittances(max_claims=1))
def test_a_claim_whose_adjustments_do_not_explain_the_difference_is_flagged(
    remittance: Remittance,
) -> None:
    text = write_835([remittance], HEADER)
    clp = next(line for line in text.splitlines() if line.startswith("CLP*"))
    parts = clp.rstrip("~").split("*")
    parts[3] = str(Decimal(parts[3]) + 1)  # one dollar more charged than paid plus adjusted
    _read, findings = read_835(text.replace(clp, "*".join(parts) + "~"))
    assert {f.code for f in findings} >= {"X12-835-CLAIM-BALANCE"}
    place = next(f.segment for f in findings if f.code == "X12-835-CLAIM-BALANCE")
    assert (place.segment_id, place.loop) == ("CLP", "2100")
