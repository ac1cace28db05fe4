"""835s from the payer engine: balanced, valid for pyx12, readable by our own reader."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from payer_builders import DAY, RECEIVED, book, claim, engine, line, person, pfs
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.domain import ClaimPaymentStatus
from openrcm.payer import PayerBook, build_remittances, default_plans_dir, load_payer_book
from openrcm.payer.batch import adjudicate_837, write_remittances
from openrcm.x12 import write_837p
from openrcm.x12.t837 import Receiver, Submitter
from pyx12_oracle import pyx12_errors

D = Decimal


def claims_file() -> str:
    other = {
        "payer": {"id": "PRIME", "name": "PRIMARY PAYER"},
        "subscriber": person(),
        "member_id": "P1",
        "priority": "P",
        "paid_amount": "200.00",
        "adjustments": [{"group": "PR", "reason": "1", "amount": "80.00"}],
        "adjudication_date": date(2025, 6, 20),
    }
    claims = [
        claim(line(1, "99213", "150.00"), line(2, "20610", "400.00"), pcn="C1"),
        claim(line(1, "15781", "900.00"), pcn="C2"),  # excluded: PR-204
        claim(line(1, "99214", "200.00", day=date(2024, 12, 1)), pcn="C3"),  # before coverage
        claim(line(1, "11042", "300.00"), line(2, "10060", "300.00"), pcn="C4"),
        claim(
            line(1, "20610", "400.00", day=DAY.replace(day=9)),
            pcn="C5",
            coverage={"priority": "S"},
            other_payers=[other],
        ),
    ]
    return write_837p(
        claims,
        submitter=Submitter(name="ELM STREET CLINIC", identifier="ELM01"),
        receiver=Receiver(name="PRAIRIE HEALTH", identifier="60054"),
        created_at=datetime(2025, 7, 1, 9, 30),
    )


def roster() -> PayerBook:
    """The test payer with a roster: an 837 carries no plan and no coverage dates."""
    return book(
        payer={"enrollment": "roster"},
        members=[{"member_id": "W100", "plan_id": "PPO", "effective_date": date(2025, 1, 1)}],
    )


def test_an_837_comes_back_as_a_balanced_835_that_pyx12_accepts() -> None:
    result = adjudicate_837(claims_file(), roster(), [pfs()])
    assert result.received_date == RECEIVED  # the 837's ISA date
    assert result.findings == ()
    assert [a.payment.status for a in result.adjudications] == [
        ClaimPaymentStatus.PRIMARY,
        ClaimPaymentStatus.DENIED,
        ClaimPaymentStatus.DENIED,
        ClaimPaymentStatus.PRIMARY,
        ClaimPaymentStatus.SECONDARY,
    ]
    (remittance,) = result.remittances
    assert remittance.is_balanced
    assert remittance.total_paid_amount == sum(c.paid_amount for c in remittance.claims)
    assert result.text_835 is not None
    assert pyx12_errors(result.text_835) == []


def test_the_835_reads_back_with_the_same_amounts() -> None:
    from openrcm.x12.t835 import read_835

    result = adjudicate_837(claims_file(), roster(), [pfs()])
    assert result.text_835 is not None
    read, findings = read_835(result.text_835)
    assert not [f for f in findings if f.is_error]
    (remittance,) = read
    assert remittance.total_paid_amount == result.remittances[0].total_paid_amount
    assert [
        (c.patient_control_number, c.paid_amount, c.patient_responsibility_amount)
        for c in remittance.claims
    ] == [
        (c.patient_control_number, c.paid_amount, c.patient_responsibility_amount)
        for c in result.remittances[0].claims
    ]


def test_reversals_that_leave_a_negative_total_are_carried_forward_in_plb() -> None:
    payer = engine()
    first = payer.adjudicate(claim(line(1, "99213", "150.00"), pcn="V1"), received_date=RECEIVED)
    void = payer.adjudicate(
        claim(
            line(1, "99213", "150.00"),
            pcn="V1",
            frequency_code="8",
            payer_claim_control_number=first.payment.payer_claim_control_number,
        ),
        received_date=RECEIVED,
    )
    (remittance,) = build_remittances([void], payment_date=date(2025, 7, 15))
    assert remittance.claims[0].paid_amount == D("-97.74")
    assert remittance.total_paid_amount == D("0.00")
    assert remittance.is_balanced
    assert remittance.provider_adjustments[0].adjustments[0].reason == "FB"
    text = write_remittances(
        [remittance], sender_id="60054", receiver_id="ELM01", created=date(2025, 7, 15)
    )
    assert pyx12_errors(text) == []


def test_the_demo_plans_load() -> None:
    demo = load_payer_book(default_plans_dir())
    assert demo.payer_for("ANY-PAYER") is not None
    assert {p.id for p in demo.plans} >= {"DEMO-PPO", "DEMO-HMO", "DEMO-MEDICARE-B"}


def test_cli_adjudicates_an_837_into_an_835_and_prints_each_claim(tmp_path: Path) -> None:
    source = tmp_path / "claims.837"
    source.write_text(claims_file())
    plans = tmp_path / "plans"
    plans.mkdir()
    config = roster().model_dump(mode="json")
    import yaml

    documents = (
        [{"kind": "payer", **p} for p in config["payers"]]
        + [{"kind": "plan", **p} for p in config["plans"]]
        + [{"kind": "members", "members": config["members"]}]
    )
    (plans / "prairie.yaml").write_text(yaml.safe_dump(documents))
    out = tmp_path / "answer.835"
    result = CliRunner().invoke(
        build_app(),
        ["payer", "adjudicate", str(source), "--plans", str(plans), "--out", str(out), "--json"],
    )
    assert result.exit_code == 0, result.stderr
    claims = json.loads(result.stdout)
    assert [c["patient_control_number"] for c in claims] == ["C1", "C2", "C3", "C4", "C5"]
    first = claims[0]
    assert set(first) >= {
        "patient_control_number",
        "status",
        "charge",
        "allowed",
        "paid",
        "patient_responsibility",
        "adjustments",
    }
    assert first["status"] == "1"
    assert first["charge"] == "550.00"
    assert {"group": "PR", "carc": "3", "amount": "25.00"} in first["adjustments"]
    assert claims[2]["status"] == "4"
    assert pyx12_errors(out.read_text()) == []
    explained = CliRunner().invoke(
        build_app(), ["payer", "explain", str(source), "C3", "--plans", str(plans), "--json"]
    )
    assert explained.exit_code == 0
    steps = json.loads(explained.stdout)[0]["steps"]
    assert {"stage": "eligibility", "carc": "26"}.items() <= steps[1].items()


def test_cli_refuses_a_missing_plans_directory(tmp_path: Path) -> None:
    source = tmp_path / "claims.837"
    source.write_text(claims_file())
    result = CliRunner().invoke(
        build_app(),
        [
            "payer",
            "adjudicate",
            str(source),
            "--plans",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "o.835"),
        ],
    )
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
