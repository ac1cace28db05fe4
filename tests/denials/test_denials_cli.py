"""`openrcm denials queue|appeal|correct|void|write-off|outcome(s)` as scripts use them."""

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
TENANT = "cli-practice"


def denial_835() -> str:
    def clp(pcn: str, carc: str, charge: str) -> ClaimPayment:
        return ClaimPayment(
            patient_control_number=pcn,
            status=ClaimPaymentStatus.DENIED,
            charge_amount=D(charge),
            paid_amount=D("0.00"),
            payer_claim_control_number=f"PHP-{pcn}",
            lines=(
                ServicePayment(
                    procedure="99214",
                    charge_amount=D(charge),
                    paid_amount=D("0.00"),
                    adjustments=(Adjustment(group="CO", reason=carc, amount=D(charge)),),
                    line_control_number="1",
                    service_date=date(2025, 3, 4),
                ),
            ),
        )

    payment = Remittance(
        control_number="0001",
        total_paid_amount=D("0.00"),
        payment_date=date(2025, 4, 1),
        trace_number="EFT900",
        payer=Party(name="Prairie Health Plan", identifier="87726", identifier_qualifier="XV"),
        payee=Party(name="Northside", identifier="1456789019", identifier_qualifier="XX"),
        claims=(clp("Q1", "197", "200.00"), clp("Q2", "29", "150.00")),
    )
    header = InterchangeHeader(
        sender_id="87726",
        receiver_id="NFP",
        interchange_control_number=9,
        group_control_number=9,
        created_at=datetime(2025, 4, 1, tzinfo=UTC),
    )
    return write_835([payment], header)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice: Any) -> Any:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
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
                practice.claim("Q1", status=ClaimStatus.SUBMITTED, charges=("200.00",)),
                practice.claim("Q2", status=ClaimStatus.SUBMITTED, charges=("150.00",)),
            ]
        )
        uow.commit()
    post_835(uow, denial_835())
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_the_queue_the_appeal_and_the_write_off(cli: Any, tmp_path: Path) -> None:
    result = cli("denials", "queue", "--as-of", "2025-04-20", "--json")
    assert result.exit_code == 0, result.output
    queue = json.loads(result.stdout)
    assert [c["claim"] for c in queue["cases"]] == ["Q1", "Q2"]
    assert queue["by_category"] == {
        "authorisation": ["87726/EFT900|Q1"],
        "timely filing": ["87726/EFT900|Q2"],
    }
    assert list(queue["by_category"]) == ["authorisation", "timely filing"]
    first = queue["cases"][0]
    assert first["denied_amount"] == "200.00" and first["deadline"] == "2025-05-31"
    assert first["days_left"] == 41 and first["carcs"] == ["CO-197"]

    result = cli(
        "denials",
        "appeal",
        "Q1",
        "--out",
        str(tmp_path / "letters"),
        "--as-of",
        "2025-04-20",
        "--enclose",
        "Authorization approval PA-88812",
        "--json",
    )
    assert result.exit_code == 0, result.output
    appealed = json.loads(result.stdout)
    assert Path(appealed["letter"]).read_bytes().startswith(b"%PDF")
    assert appealed["state"] == "appealed" and appealed["late"] is False
    assert "Authorization approval PA-88812" in appealed["enclosures"]

    result = cli(
        "denials", "write-off", "Q2", "--reason", "timely_filing", "--as-of", "2025-04-20", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written_off"] == "150.00"

    result = cli("ledger", "balance", "--claim", "Q2", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["insurance_balance"] == "0.00"

    result = cli(
        "denials", "outcome", "Q1", "--outcome", "overturned", "--recovered", "180.00", "--json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(cli("denials", "outcomes", "--json").stdout)
    assert summary["by_outcome"] == {"overturned": 1} and summary["recovered"] == "180.00"
    assert summary["by_state"] == {"resolved": 1, "written_off": 1}


def test_a_corrected_claim_is_written_as_an_837p_with_frequency_7(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "denials",
        "correct",
        "Q1",
        "--prior-auth",
        "PA-88812",
        "--out",
        str(tmp_path),
        "--json",
        "--as-of",
        "2025-04-20",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["frequency_code"] == "7" and document["claim_status"] == "appealed"
    text = Path(document["file"]).read_text(encoding="latin-1")
    assert "CLM*Q1*200*" in text and ":B:7*" in text  # CLM05: place of service, B, frequency 7
    assert "REF*F8*PHP-Q1~" in text and "REF*G1*PA-88812~" in text


def test_bad_input_is_one_line_and_exit_2(cli: Any) -> None:
    for args in (
        ("denials", "appeal", "NOPE", "--out", "/tmp/x"),
        ("denials", "write-off", "Q1", "--reason", "because"),
        ("denials", "correct", "Q1", "--add-modifier", "two:59"),
        ("denials", "queue", "--as-of", "2025-13-01"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert result.stderr.count("\n") == 1
