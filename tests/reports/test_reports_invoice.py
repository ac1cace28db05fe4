from datetime import date
from decimal import Decimal

from openrcm.reports.invoice import FeeBasis, ServiceAgreement, invoice_for

MONTH = {"period_start": date(2025, 5, 1), "period_end": date(2025, 5, 31)}


def test_percent_of_collections() -> None:
    agreement = ServiceAgreement("clinic-a", FeeBasis.PERCENT_OF_COLLECTIONS, Decimal("0.065"))
    invoice = invoice_for(agreement, collections=Decimal("48213.37"), claims_submitted=410, **MONTH)
    assert invoice.fee == Decimal("3133.87")  # 3133.869 half-up


def test_per_claim_with_a_minimum() -> None:
    agreement = ServiceAgreement("clinic-b", FeeBasis.PER_CLAIM, Decimal("4.50"), Decimal("250.00"))
    assert invoice_for(
        agreement, collections=Decimal("0"), claims_submitted=120, **MONTH
    ).fee == Decimal("540.00")
    assert invoice_for(
        agreement, collections=Decimal("0"), claims_submitted=20, **MONTH
    ).fee == Decimal("250.00")
