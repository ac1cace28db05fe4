"""Posting the real 835 samples others wrote (../shared/data/x12/samples/835).

For each sample, claims are built to match its CLPs (as the practice's own claims would),
then every payment is posted: deposits equal BPR02, the ledger balances, every claim
reconciles, and posting the same payment again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from remit_factories import NPI, PERSON

from openrcm.datadir import find_data_dir
from openrcm.domain import Claim, Remittance, Severity
from openrcm.ledger import charge_entry, claim_balances, trial_balance, validate
from openrcm.remit import ExceptionReason, post_remittance

t835 = pytest.importorskip("openrcm.x12.t835", reason="the 835 reader is not there yet")


def samples() -> list[Path]:
    try:
        folder = find_data_dir() / "x12" / "samples" / "835"
    except Exception:
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".md")


def claims_for(remittance: Remittance) -> dict[str, Claim]:
    built: dict[str, Claim] = {}
    for n, payment in enumerate(remittance.claims):
        if payment.charge_amount < 0 or payment.patient_control_number in built:
            continue
        fallback_day = payment.statement_from or remittance.payment_date
        lines = [
            {
                "number": i,
                "procedure": s.original_procedure or s.procedure,
                "modifiers": s.modifiers,
                "charge_amount": str(s.charge_amount),
                "service_date": s.service_date or fallback_day,
            }
            for i, s in enumerate(payment.lines, start=1)
        ] or [
            {
                "number": 1,
                "procedure": "99213",
                "charge_amount": str(payment.charge_amount),
                "service_date": fallback_day,
            }
        ]
        built[payment.patient_control_number] = Claim.model_validate(
            {
                "id": f"claim-{n}",
                "patient_control_number": payment.patient_control_number,
                "total_charge_amount": str(sum(Decimal(x["charge_amount"]) for x in lines)),
                "diagnoses": [{"code": "R69", "kind": "ABK"}],
                "lines": lines,
                "billing_provider": {
                    "id": "b",
                    "npi": NPI,
                    "entity_type": "2",
                    "name": "Clinic",
                    "tin": "361234567",
                },
                "patient": {"id": f"pt-{n}", **{**PERSON, "birth_date": date(1899, 1, 1)}},
                "coverage": {
                    "id": "cov",
                    "patient_id": f"pt-{n}",
                    "payer_id": remittance.payer.identifier or "PAYER",
                    "subscriber": PERSON,
                    "member_id": "M1",
                    "effective_date": date(2000, 1, 1),
                },
                "payer": {
                    "id": remittance.payer.identifier or "PAYER",
                    "name": remittance.payer.name[:60],
                },
            }
        )
    return built


@pytest.mark.parametrize("path", samples(), ids=lambda p: p.name[:60])
def test_every_sample_835_posts_to_a_balanced_ledger(path: Path) -> None:
    remittances, _ = t835.read_835(path.read_text(encoding="latin-1"))
    for remittance in remittances[:5]:
        claims = claims_for(remittance)
        ledger = [charge_entry(c) for c in claims.values()]
        posting = post_remittance(remittance, claims, ledger)
        if remittance.is_balanced:
            assert posting.check.deposited_amount == remittance.total_paid_amount
            assert not posting.has_errors
        assert [x for x in posting.exceptions if x.reason is ExceptionReason.CLAIM_NOT_FOUND] == []
        not_posted = [
            c
            for c in remittance.claims
            if c.status.value not in {"1", "2", "3", "4", "19", "20", "21", "22"}
        ]
        assert posting.claims_posted == len(remittance.claims) - len(not_posted)
        ledger += posting.entries
        assert trial_balance(ledger).total == 0
        assert [f for f in validate(ledger) if f.severity is Severity.ERROR] == []
        for pcn, s in claim_balances(ledger).items():
            assert s.balance == s.charge - s.insurance_paid - s.patient_paid - s.adjustments, pcn
        assert post_remittance(remittance, claims, ledger).already_posted


def test_a_sample_denial_is_queued_with_its_reason_codes() -> None:
    path = next((p for p in samples() if p.name.startswith("azoner-pyx12__835_mult_loops")), None)
    if path is None:
        pytest.skip("sample not present")
    (remittance,), _ = t835.read_835(path.read_text(encoding="latin-1"))
    claims = claims_for(remittance)
    posting = post_remittance(remittance, claims, [charge_entry(c) for c in claims.values()])
    assert [d.patient_control_number for d in posting.denials] == [
        remittance.claims[0].patient_control_number
    ]
    assert posting.denials[0].carcs, "the denial keeps the payer's reason codes"


def test_a_predetermination_in_a_sample_is_not_posted_but_listed() -> None:
    path = next(
        (p for p in samples() if p.name.startswith("zentist-TigerShark__5010-835-example-1")), None
    )
    if path is None:
        pytest.skip("sample not present")
    (remittance,), _ = t835.read_835(path.read_text(encoding="latin-1"))
    claims = claims_for(remittance)
    posting = post_remittance(remittance, claims, [charge_entry(c) for c in claims.values()])
    listed = [x for x in posting.exceptions if x.reason is ExceptionReason.NOT_POSTED_STATUS]
    assert [x.status for x in listed] == ["25"]
