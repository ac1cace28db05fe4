"""A small world for API, web and browser tests: two practices, their users, claims, an 835.

`World.build(resources, practice)` stores the conftest practice's parties in tenant A
("northside") and tenant B ("lakeview"), files claims in both (one needing modifier 25),
and creates users with every role. `era_text()` writes an 835 paying claim NFP-A-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from openrcm.domain import (
    Adjustment,
    ClaimPayment,
    ClaimPaymentStatus,
    Remittance,
    ServicePayment,
)
from openrcm.domain.claim import Claim
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.remittance import Party
from openrcm.service.auth import create_user
from openrcm.service.ledger import post_charges

TENANT_A = "northside"
TENANT_B = "lakeview"
PASSWORD = "correct horse battery staple"
DOS = date(2025, 3, 4)


def visit_with_minor_procedure(practice: Any, pcn: str) -> Claim:
    """An office visit (99214, no 25) on the day of a joint injection (20610, 0-day global)."""
    claim = practice.claim(pcn, charges=("150.00", "95.00"))
    lines = [
        {**claim.lines[0].model_dump(), "modifiers": ()},
        {
            **claim.lines[1].model_dump(),
            "procedure": "20610",
            "modifiers": (),
            "ndc": None,
            "ndc_quantity": None,
            "ndc_unit": None,
        },
    ]
    return Claim.model_validate({**claim.model_dump(), "lines": lines})


@dataclass
class World:
    claims_a: dict[str, Claim]
    claims_b: dict[str, Claim]

    @classmethod
    def build(cls, resources: Any, practice: Any) -> World:
        users = [
            ("alice-admin", TENANT_A, "admin"),
            ("bob-biller", TENANT_A, "biller"),
            ("cora-coder", TENANT_A, "coder"),
            ("audrey-auditor", TENANT_A, "auditor"),
            ("pete-examiner", TENANT_A, "payer_examiner"),
            ("lena-biller", TENANT_B, "biller"),
        ]
        for username, tenant, role in users:
            create_user(
                resources.session_factory,
                username=username,
                password=PASSWORD,
                tenant_id=tenant,
                role=role,
            )
        claims_a = {
            "NFP-A-1": practice.claim("NFP-A-1", status=ClaimStatus.SUBMITTED).model_copy(
                update={"other_payers": ()}
            ),
            "NFP-A-2": visit_with_minor_procedure(practice, "NFP-A-2"),
        }
        claims_b = {"LKV-B-1": practice.claim("LKV-B-1").model_copy(update={"other_payers": ()})}
        for tenant, claims in ((TENANT_A, claims_a), (TENANT_B, claims_b)):
            uow = resources.unit_of_work(tenant)
            with uow:
                practice.store(uow)
                if tenant == TENANT_B:
                    uow.patients.add(B_PATIENT(practice))
                    uow.coverages.add(B_COVERAGE(practice))
                    uow.encounters.add(B_ENCOUNTER(practice))
                uow.claims.add_many(list(claims.values()))
                post_charges(uow, list(claims.values()))
                uow.commit()
        return cls(claims_a, claims_b)


def B_PATIENT(practice: Any) -> Any:
    """A patient only tenant B has."""
    return practice.patient.model_copy(
        update={"id": "pat-lkv-900", "account_number": "LKV-900", "guarantor_id": None}
    )


def B_COVERAGE(practice: Any) -> Any:
    return practice.coverage.model_copy(update={"id": "cov-lkv-900", "patient_id": "pat-lkv-900"})


def B_ENCOUNTER(practice: Any) -> Any:
    return practice.encounter.model_copy(update={"id": "enc-lkv-900", "patient_id": "pat-lkv-900"})


def era_text(pcn: str = "NFP-A-1", trace: str = "EFT-7001", unmatched: bool = True) -> str:
    """An 835 paying `pcn` (205.00 billed: 130.00 paid, CO-45 55.00, PR-2 20.00) and, when
    `unmatched`, a claim payment no claim on file matches."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t835 import write_835

    def svc(code: str, charge: str, paid: str, line: int, *adj: Adjustment) -> ServicePayment:
        return ServicePayment(
            procedure=code,
            charge_amount=Decimal(charge),
            paid_amount=Decimal(paid),
            adjustments=adj,
            line_control_number=str(line),
            service_date=DOS,
        )

    claims = [
        ClaimPayment(
            patient_control_number=pcn,
            status=ClaimPaymentStatus("1"),
            charge_amount=Decimal("205.00"),
            paid_amount=Decimal("130.00"),
            payer_claim_control_number=f"ICN-{pcn}",
            lines=(
                svc(
                    "99214",
                    "150.00",
                    "100.00",
                    1,
                    Adjustment(group="CO", reason="45", amount=Decimal("30.00")),
                    Adjustment(group="PR", reason="2", amount=Decimal("20.00")),
                ),
                svc(
                    "82947",
                    "55.00",
                    "30.00",
                    2,
                    Adjustment(group="CO", reason="45", amount=Decimal("25.00")),
                ),
            ),
        )
    ]
    if unmatched:
        claims.append(
            ClaimPayment(
                patient_control_number="GHOST-9",
                status=ClaimPaymentStatus("1"),
                charge_amount=Decimal("80.00"),
                paid_amount=Decimal("80.00"),
                lines=(svc("99213", "80.00", "80.00", 1),),
            )
        )
    remittance = Remittance(
        control_number="0001",
        total_paid_amount=sum((c.paid_amount for c in claims), Decimal(0)),
        payment_date=date(2025, 4, 1),
        trace_number=trace,
        payer=Party(name="Prairie Health Plan", identifier="87726", identifier_qualifier="XV"),
        payee=Party(
            name="Northside Family Practice", identifier="1234567893", identifier_qualifier="XX"
        ),
        claims=tuple(claims),
    )
    header = InterchangeHeader(
        sender_id="PAYER1",
        receiver_id="CLINIC1",
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
    )
    return write_835([remittance], header)
