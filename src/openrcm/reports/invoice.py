"""Billing-service invoices: what a billing company charges each client practice per month,
as a percentage of collections or a fee per claim, from the ledger's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO, to_money


class FeeBasis(StrEnum):
    PERCENT_OF_COLLECTIONS = "percent_of_collections"
    PER_CLAIM = "per_claim"


@dataclass(frozen=True, slots=True)
class ServiceAgreement:
    tenant_id: str
    basis: FeeBasis
    rate: Decimal  # 0.0600 for 6 % of collections, or 4.50 per claim
    minimum_fee: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Invoice:
    tenant_id: str
    period_start: date
    period_end: date
    collections: Decimal
    claims_submitted: int
    fee: Decimal
    description: str


def invoice_for(
    agreement: ServiceAgreement,
    *,
    period_start: date,
    period_end: date,
    collections: Decimal,
    claims_submitted: int,
) -> Invoice:
    """The month's invoice: the fee by the agreement's basis, never below its minimum."""
    if agreement.basis is FeeBasis.PERCENT_OF_COLLECTIONS:
        fee = to_money(collections * agreement.rate)
        what = f"{agreement.rate * 100:.2f}% of collections of {to_money(collections):.2f}"
    else:
        fee = to_money(agreement.rate * claims_submitted)
        what = f"{claims_submitted} claims at {to_money(agreement.rate):.2f}"
    fee = max(fee, to_money(agreement.minimum_fee))
    return Invoice(
        agreement.tenant_id,
        period_start,
        period_end,
        to_money(collections),
        claims_submitted,
        fee,
        what,
    )
