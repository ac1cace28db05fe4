"""`openrcm reports kpis|ar-aging|pack|invoice` on a small stored ledger, as scripts use them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.domain import ClaimStatus
from openrcm.domain.claim import Adjustment
from openrcm.domain.remittance import (
    ClaimPayment,
    ClaimPaymentStatus,
    Party,
    Remittance,
    ServicePayment,
)
from openrcm.settings import get_settings
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import write_835

D = Decimal
TENANT = "report-practice"
DOS = date(2025, 3, 4)


def payment() -> str:
    paid = ClaimPayment(
        patient_control_number="R1",
        status=ClaimPaymentStatus.PRIMARY,
        charge_amount=D("200.00"),
        paid_amount=D("120.00"),
        payer_claim_control_number="PHP-R1",
        lines=(
            ServicePayment(
                procedure="99214",
                charge_amount=D("200.00"),
                paid_amount=D("120.00"),
                adjustments=(
                    Adjustment(group="CO", reason="45", amount=D("50.00")),
                    Adjustment(group="PR", reason="1", amount=D("30.00")),
                ),
                line_control_number="1",
                service_date=DOS,
            ),
        ),
    )
    remittance = Remittance(
        control_number="0001",
        total_paid_amount=D("120.00"),
        payment_date=date(2025, 4, 1),
        trace_number="EFT500",
        payer=Party(name="Prairie Health Plan", identifier="87726", identifier_qualifier="XV"),
        payee=Party(name="Northside", identifier="1456789019", identifier_qualifier="XX"),
        claims=(paid,),
    )
    header = InterchangeHeader(
        sender_id="87726",
        receiver_id="NFP",
        interchange_control_number=5,
        group_control_number=5,
        created_at=datetime(2025, 4, 1, tzinfo=UTC),
    )
    return write_835([remittance], header)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice: Any) -> Any:
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    monkeypatch.setenv("OPENRCM_DATABASE_URL", url)
    monkeypatch.setenv("OPENRCM_TENANT", TENANT)
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work
    from openrcm.service.remit import post_835

    uow = unit_of_work(TENANT, url)
    with uow:
        practice.store(uow)
        uow.claims.add_many(
            [
                practice.claim("R1", status=ClaimStatus.SUBMITTED, charges=("200.00",)),
                practice.claim("R2", status=ClaimStatus.SUBMITTED, charges=("100.00",)),
            ]
        )
        uow.commit()
    post_835(uow, payment())
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_kpis_json_has_the_contract_keys(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "reports", "kpis", "--as-of", "2025-04-30", "--json", "--csv", str(tmp_path / "k.csv")
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    for key in (
        "days_in_ar",
        "clean_claim_rate",
        "denial_rate",
        "net_collection_rate",
        "first_pass_resolution_rate",
    ):
        assert key in document
    # 120 paid over 300 charged less 50 contractual
    assert document["net_collection_rate"] == 0.48
    # open A/R: R1 patient 30 + R2 with the payer 100 = 130, over 300/90 a day = 39.0 days
    assert document["total_ar"] == "130.00" and document["days_in_ar"] == 39.0
    assert document["denial_rate"] == 0.0 and document["first_pass_resolution_rate"] == 1.0
    assert (tmp_path / "k.csv").read_text().startswith("metric,value\n")


def test_ar_aging_by_payer_and_by_patient(cli: Any) -> None:
    result = cli("reports", "ar-aging", "--by", "payer", "--as-of", "2025-04-30", "--json")
    assert result.exit_code == 0, result.output
    payer = json.loads(result.stdout)
    assert payer["rows"][0]["key"] == "87726" and payer["rows"][0]["31-60"] == "100.00"
    result = cli("reports", "ar-aging", "--by", "patient", "--as-of", "2025-07-10", "--json")
    patient = json.loads(result.stdout)
    assert patient["rows"][0]["name"] == "Okafor, Grace"
    assert patient["rows"][0]["120+"] == "30.00" and patient["totals"]["total"] == "30.00"
    bad = cli("reports", "ar-aging", "--by", "guarantor", "--json")
    assert bad.exit_code == 2 and bad.stdout == ""


def test_the_pack_and_the_invoice(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "reports", "pack", "--out", str(tmp_path / "pack"), "--as-of", "2025-04-30", "--json"
    )
    assert result.exit_code == 0, result.output
    assert "ar_aging.svg" in json.loads(result.stdout)["files"]
    result = cli("reports", "invoice", "--month", "2025-04", "--rate", "0.05", "--json")
    assert result.exit_code == 0, result.output
    invoice = json.loads(result.stdout)
    assert invoice["collections"] == "120.00" and invoice["fee"] == "6.00"
    assert cli("reports", "invoice", "--month", "April", "--json").exit_code == 2
