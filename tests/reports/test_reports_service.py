"""KPIs, A/R aging, CSV, charts and invoices from a small stored ledger computed by hand,
on SQLite and PostgreSQL.

Five claims of the practice, all served three days before TODAY:
- K1 205.00 paid 130.00 (CO-45 55.00), the patient owes 20.00 (PR-2): clean, paid first time
- K2 200.00 denied for medical necessity (CO-50 200.00)
- K3 205.00: line 1 paid 90.00 (CO-45 60.00), line 2 denied as bundled (CO-97 55.00)
- K4 100.00 rejected at the front door, fixed, sent again, not answered yet
- K5  80.00 still a draft (never sent)
Gross charges 790.00; payments 220.00; contractual write-downs 115.00 (CO-45 only); open
A/R 20.00 (K1, patient) + 100.00 (K4, payer) = 120.00.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openrcm.datadir import find_data_dir
from openrcm.denials import load_reason_codes
from openrcm.domain import ClaimStatus
from openrcm.domain.claim import Adjustment
from openrcm.domain.remittance import (
    ClaimPayment,
    ClaimPaymentStatus,
    Party,
    Remittance,
    ServicePayment,
)
from openrcm.reports.invoice import FeeBasis, ServiceAgreement
from openrcm.service import reports
from openrcm.service.remit import post_835
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import write_835

D = Decimal
TODAY = datetime.now(UTC).date()
DOS = TODAY - timedelta(days=3)
PAID_ON = TODAY
CODES = load_reason_codes(find_data_dir() / "x12codes")


def svc(
    procedure: str, charge: str, paid: str, *cas: tuple[str, str, str], n: int
) -> ServicePayment:
    return ServicePayment(
        procedure=procedure,
        charge_amount=D(charge),
        paid_amount=D(paid),
        adjustments=tuple(Adjustment(group=g, reason=r, amount=D(a)) for g, r, a in cas),
        line_control_number=str(n),
        service_date=DOS,
    )


def clp(pcn: str, status: str, charge: str, paid: str, *lines: ServicePayment) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=pcn,
        status=ClaimPaymentStatus(status),
        charge_amount=D(charge),
        paid_amount=D(paid),
        payer_claim_control_number=f"PHP-{pcn}",
        lines=lines,
    )


@pytest.fixture
def ledger(uow: Any, practice: Any) -> Any:
    def claim(
        pcn: str, charges: tuple[str, ...], status: ClaimStatus = ClaimStatus.SUBMITTED
    ) -> Any:
        return practice.claim(pcn, status=status, charges=charges, service_date=DOS).model_copy(
            update={"other_payers": ()}
        )

    with uow:
        practice.store(uow)
        uow.claims.add_many(
            [
                claim("K1", ("150.00", "55.00")),
                claim("K2", ("200.00",)),
                claim("K3", ("150.00", "55.00")),
                claim("K4", ("100.00",)),
                claim("K5", ("80.00",), ClaimStatus.DRAFT),
            ]
        )
        k4 = uow.claims.by_control_number("K4")
        for status, why in (
            (ClaimStatus.REJECTED, "277CA A7"),
            (ClaimStatus.DRAFT, "fix member id"),
            (ClaimStatus.READY, "scrubbed clean"),
            (ClaimStatus.SUBMITTED, "sent in 837"),
        ):
            k4 = uow.claims.set_status(k4, status, reason=why)
        uow.commit()
    payment = Remittance(
        control_number="0001",
        total_paid_amount=D("220.00"),
        payment_date=PAID_ON,
        trace_number="EFT100",
        payer=Party(name="Prairie Health Plan", identifier="87726", identifier_qualifier="XV"),
        payee=Party(name="Northside", identifier="1456789019", identifier_qualifier="XX"),
        claims=(
            clp(
                "K1",
                "1",
                "205.00",
                "130.00",
                svc("99214", "150.00", "100.00", ("CO", "45", "30.00"), ("PR", "2", "20.00"), n=1),
                svc("82947", "55.00", "30.00", ("CO", "45", "25.00"), n=2),
            ),
            clp(
                "K2",
                "4",
                "200.00",
                "0.00",
                svc("99214", "200.00", "0.00", ("CO", "50", "200.00"), n=1),
            ),
            clp(
                "K3",
                "1",
                "205.00",
                "90.00",
                svc("99214", "150.00", "90.00", ("CO", "45", "60.00"), n=1),
                svc("82947", "55.00", "0.00", ("CO", "97", "55.00"), n=2),
            ),
        ),
    )
    header = InterchangeHeader(
        sender_id="87726",
        receiver_id="NFP",
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.now(UTC),
    )
    assert post_835(uow, write_835([payment], header)).claims_posted == 3
    return practice


def test_claim_facts_come_from_the_stored_ledger_and_history(uow: Any, ledger: Any) -> None:
    facts = {f.patient_control_number: f for f in reports.claim_facts(uow, codes=CODES)}
    k1, k2, k3, k4, k5 = (facts[k] for k in ("K1", "K2", "K3", "K4", "K5"))
    assert (k1.insurance_paid, k1.contractual, k1.patient_balance) == (
        D("130.00"),
        D("55.00"),
        D("20.00"),
    )
    assert k1.adjudicated and not k1.denied and k1.submissions == 1
    assert k2.denied and k2.denial_category == "medical necessity" and k2.contractual == 0
    assert k2.other_adjustments == D("200.00") and k2.open_balance == 0
    assert k3.denied and k3.denial_category == "bundling" and k3.contractual == D("60.00")
    assert k4.rejected and k4.submissions == 2 and k4.insurance_balance == D("100.00")
    assert k4.scrub_errors_before_first_submission is False
    assert not k4.adjudicated
    assert k5.submissions == 0 and k5.open_balance == 0 and k5.charge == D("80.00")
    assert all(f.created_date == TODAY for f in facts.values())


def test_the_kpis_match_the_hand_computed_figures(uow: Any, ledger: Any) -> None:
    result = reports.kpis(uow, as_of=TODAY, codes=CODES)
    document = reports.kpis_json(result, as_of=TODAY)
    assert document["gross_charges"] == "790.00"
    assert document["payments"] == "220.00"
    assert document["total_ar"] == "120.00"
    # 220 / (790 - 115)
    assert document["net_collection_rate"] == 0.3259
    # A/R 120 over average daily charges 790 / 90
    assert document["days_in_ar"] == 13.7
    # K1-K4 sent; K4 was rejected
    assert document["clean_claim_rate"] == 0.75
    # K1-K3 decided; K2 and K3 denied in whole or part
    assert document["denial_rate"] == 0.6667
    assert document["first_pass_resolution_rate"] == 0.3333
    assert document["charge_lag_days"] == 3.0
    assert document["denial_rate_by_reason"] == {"bundling": 0.3333, "medical necessity": 0.3333}
    assert document["denial_rate_by_payer"] == {"87726": 0.6667}


def test_ar_aging_by_payer_and_patient_with_csv(uow: Any, ledger: Any) -> None:
    by_payer = reports.aging(uow, by="payer", as_of=TODAY, codes=CODES)
    document = reports.aging_json(by_payer, by="payer", as_of=TODAY)
    assert document["rows"] == [
        {
            "key": "87726",
            "name": "Prairie Health Plan",
            "0-30": "100.00",
            "31-60": "0.00",
            "61-90": "0.00",
            "91-120": "0.00",
            "120+": "0.00",
            "total": "100.00",
        }
    ]
    later = reports.aging(uow, by="patient", as_of=TODAY + timedelta(days=100), codes=CODES)
    (row,) = later
    assert (row.key, row.name) == ("pat-000417", "Okafor, Grace")
    assert row.buckets["91-120"] == D("20.00")
    rows = list(csv.reader(io.StringIO(reports.aging_csv(later, by="patient"))))
    assert rows[0] == ["patient", "name", "0-30", "31-60", "61-90", "91-120", "120+", "total"]
    assert rows[-1] == ["TOTAL", "", "0.00", "0.00", "0.00", "20.00", "0.00", "20.00"]


def test_the_report_pack_writes_csv_and_charts(uow: Any, ledger: Any, tmp_path: Path) -> None:
    pack = reports.write_report_pack(uow, tmp_path, as_of=TODAY, codes=CODES)
    names = {p.name for p in pack.files}
    assert {"kpis.csv", "ar_aging_by_payer.csv", "ar_aging_by_patient.csv"} <= names
    assert {"ar_aging.svg", "ar_aging.png", "denial_rate_by_reason.svg"} <= names
    svg = (tmp_path / "denial_rate_by_reason.svg").read_text()
    assert svg.count('class="bar"') == 2 and "medical necessity" in svg and "33.3%" in svg
    assert (tmp_path / "ar_aging.png").read_bytes().startswith(b"\x89PNG")
    kpi_rows = dict(csv.reader(io.StringIO((tmp_path / "kpis.csv").read_text())))
    assert kpi_rows["denial_rate"] == "0.6667"


def test_a_billing_service_invoices_a_share_of_the_months_collections(
    uow: Any, ledger: Any
) -> None:
    percent = ServiceAgreement("northside", FeeBasis.PERCENT_OF_COLLECTIONS, D("0.06"))
    invoice = reports.monthly_invoice(uow, percent, year=TODAY.year, month=TODAY.month)
    assert invoice.collections == D("220.00") and invoice.fee == D("13.20")
    assert invoice.claims_submitted == 4
    per_claim = ServiceAgreement("northside", FeeBasis.PER_CLAIM, D("4.50"), minimum_fee=D("25.00"))
    assert reports.monthly_invoice(uow, per_claim, year=TODAY.year, month=TODAY.month).fee == D(
        "25.00"
    )
    previous = date(TODAY.year, TODAY.month, 1) - timedelta(days=1)
    empty = reports.monthly_invoice(uow, percent, year=previous.year, month=previous.month)
    assert empty.collections == 0 and empty.claims_submitted == 0
