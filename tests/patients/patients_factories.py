"""A family's claims and the 835s that adjudicate them, for the patient-account tests.

The conftest `practice` gives the payers, the guarantor (gua-okafor) and the patient
(pat-000417); `store_family` adds a child billed to the same guarantor and files claims.
835s are written with `openrcm.x12.t835.write_835` and posted with `service.remit.post_835`,
so statements come from a ledger built the way production builds it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from openrcm.domain import (
    Adjustment,
    ClaimPayment,
    ClaimPaymentStatus,
    OtherPayer,
    Remittance,
    ServicePayment,
)
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.party import Patient, PersonName, Sex
from openrcm.domain.remittance import Party
from openrcm.service import remit as remit_service
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import write_835

D = Decimal
CHILD = "pat-000418"


def cas(group: str, reason: str, amount: str) -> Adjustment:
    return Adjustment(group=group, reason=reason, amount=D(amount))


def svc(
    procedure: str, charge: str, paid: str, *adjustments: Adjustment, line: int
) -> ServicePayment:
    return ServicePayment(
        procedure=procedure,
        charge_amount=D(charge),
        paid_amount=D(paid),
        adjustments=adjustments,
        line_control_number=str(line),
        service_date=date(2025, 3, 4),
    )


def clp(
    pcn: str, charge: str, paid: str, *lines: ServicePayment, status: str = "1"
) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=pcn,
        status=ClaimPaymentStatus(status),
        charge_amount=D(charge),
        paid_amount=D(paid),
        payer_claim_control_number=f"ICN-{pcn}",
        lines=lines,
    )


def era(payer_id: str, *claims: ClaimPayment, trace: str, on: date) -> Remittance:
    return Remittance(
        control_number="0001",
        total_paid_amount=sum((c.paid_amount for c in claims), D(0)),
        payment_date=on,
        trace_number=trace,
        payer=Party(name=f"Plan {payer_id}", identifier=payer_id, identifier_qualifier="XV"),
        payee=Party(
            name="Northside Family Practice", identifier="1234567893", identifier_qualifier="XX"
        ),
        claims=claims,
    )


def post(uow, *remittances: Remittance, number: int = 1):  # type: ignore[no-untyped-def]
    header = InterchangeHeader(
        sender_id="PAYER1",
        receiver_id="CLINIC1",
        interchange_control_number=number,
        group_control_number=number,
        created_at=datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
    )
    summary = remit_service.post_835(uow, write_835(remittances, header))
    assert not summary.has_errors, summary.findings
    return summary


def child_of(practice) -> Patient:  # type: ignore[no-untyped-def]
    return practice.patient.model_copy(
        update={
            "id": CHILD,
            "name": PersonName(last="Okafor", first="Leo"),
            "birth_date": date(2014, 6, 2),
            "sex": Sex.MALE,
            "account_number": "NFP-000418",
        }
    )


def store_family(uow, practice, claims):  # type: ignore[no-untyped-def]
    """Store the practice, the child (billed to the same guarantor) and `claims`."""
    with uow:
        practice.store(uow)
        uow.patients.add(child_of(practice))
        uow.claims.add_many(list(claims))
        uow.commit()


def claim(
    practice, pcn: str, *charges: str, secondary: bool = False, patient=None, dos=date(2025, 3, 4)
):  # type: ignore[no-untyped-def]
    built = practice.claim(pcn, status=ClaimStatus.SUBMITTED, charges=charges, service_date=dos)
    following = OtherPayer(
        payer=practice.secondary_payer,
        subscriber=practice.secondary_coverage.subscriber,
        member_id=practice.secondary_coverage.member_id,
        priority="S",
    )
    update: dict = {"other_payers": (following,) if secondary else ()}
    if patient is not None:
        update["patient"] = patient
    return built.model_copy(update=update)
