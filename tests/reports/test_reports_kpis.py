"""KPI formulas checked on a small ledger computed by hand."""

from datetime import date
from decimal import Decimal

from openrcm.reports import ClaimFacts, ar_aging, compute_kpis

D = Decimal
AS_OF = date(2025, 6, 30)


def facts(pcn: str, **kw) -> ClaimFacts:  # type: ignore[no-untyped-def]
    base = dict(
        patient_control_number=pcn,
        payer_id="MCR",
        payer_name="Medicare",
        patient_id="P1",
        patient_name="Rivera, Ana",
        service_date=date(2025, 6, 1),
        created_date=date(2025, 6, 3),
        first_submitted_date=date(2025, 6, 4),
        charge=D("100.00"),
        submissions=1,
    )
    base.update(kw)
    return ClaimFacts(**base)


LEDGER = [
    # paid clean: 100 charge, 60 paid, 30 contractual, 10 patient paid
    facts(
        "C1", insurance_paid=D("60"), contractual=D("30"), patient_paid=D("10"), adjudicated=True
    ),
    # denied first time, resubmitted; 200 charge still open with the payer
    facts(
        "C2",
        charge=D("200.00"),
        adjudicated=True,
        denied=True,
        submissions=2,
        insurance_balance=D("200.00"),
        denial_category="authorization",
        payer_id="BCX",
        payer_name="Blue Cross X",
        service_date=date(2025, 4, 15),
        created_date=date(2025, 4, 20),
    ),
    # scrub errors before it went out; paid; patient owes 20
    facts(
        "C3",
        charge=D("100.00"),
        insurance_paid=D("50"),
        contractual=D("30"),
        patient_balance=D("20"),
        adjudicated=True,
        scrub_errors_before_first_submission=True,
        patient_id="P2",
        patient_name="Okafor, Ben",
        service_date=date(2025, 2, 1),
        created_date=date(2025, 2, 1),
    ),
    # not yet adjudicated: open with insurance
    facts("C4", charge=D("50.00"), insurance_balance=D("50.00")),
]


def test_the_kpis_match_the_hand_computed_figures() -> None:
    k = compute_kpis(LEDGER, as_of=AS_OF, period_days=90)
    # A/R 270; charges in the last 90 days: C1 100 + C2 200 + C4 50 = 350 -> 3.8889/day -> 69.4 days
    assert k.total_ar == D("270.00")
    assert k.days_in_ar == D("69.4")
    assert k.clean_claim_rate == D("0.7500")  # 3 of 4 submitted had no scrub errors/rejection
    assert k.denial_rate == D("0.3333")  # 1 of 3 adjudicated
    assert k.first_pass_resolution_rate == D("0.6667")  # C1 and C3
    # payments 120 over (450 charges - 60 contractual) = 390
    assert k.net_collection_rate == D("0.3077")
    assert k.charge_lag_days == D("2.3")  # (2 + 5 + 0 + 2) / 4 = 2.25, half-up
    assert k.denial_rate_by_category == {"authorization": D("0.3333")}
    assert k.denial_rate_by_payer == {"BCX": D("1.0000"), "MCR": D("0.0000")}


def test_rates_are_absent_not_zero_when_nothing_was_adjudicated() -> None:
    k = compute_kpis([facts("C9", submissions=0)], as_of=AS_OF)
    assert k.denial_rate is None and k.clean_claim_rate is None


def test_aging_by_payer_and_by_patient() -> None:
    by_payer = ar_aging(LEDGER, by="payer", as_of=AS_OF)
    assert [(r.key, r.total) for r in by_payer] == [("BCX", D("200.00")), ("MCR", D("50.00"))]
    assert by_payer[0].buckets["61-90"] == D("200.00")  # 2025-04-15 is 76 days before 06-30
    assert by_payer[1].buckets["0-30"] == D("50.00")
    by_patient = ar_aging(LEDGER, by="patient", as_of=AS_OF)
    assert [(r.key, r.buckets["120+"]) for r in by_patient] == [("P2", D("20.00"))]  # 149 days
