"""Payment plans: a patient balance split into instalments, paid down, missed, defaulted.

Instalments are whole cents; the remainder lands on the last instalment so the schedule
sums exactly to the balance. Payments apply to the oldest unpaid instalment first; `review`
defaults a plan after more misses than allowed, and `plan_note` says where it stands on the
statement.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from openrcm.domain.money import CENT, ZERO, format_money, to_money


class PlanStatus(StrEnum):
    ACTIVE = "active"
    PAID_OFF = "paid_off"
    DEFAULTED = "defaulted"


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    amount: Decimal
    paid_amount: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.amount


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """An agreed schedule for one guarantor's balance."""

    guarantor_id: str
    balance: Decimal
    instalments: tuple[Instalment, ...]
    max_missed: int = 2  # a plan defaults after this many missed instalments
    grace_days: int = 10  # an instalment counts as missed this long after its due date
    status: PlanStatus = PlanStatus.ACTIVE
    id: str = ""  # the stored plan's id
    created_on: date | None = None

    @property
    def paid(self) -> Decimal:
        return sum((i.paid_amount for i in self.instalments), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.balance - self.paid

    def missed(self, as_of: date) -> tuple[Instalment, ...]:
        """Instalments not fully paid by their due date plus the grace period."""
        return tuple(
            i
            for i in self.instalments
            if not i.is_paid and (as_of - i.due_date).days > self.grace_days
        )

    def next_due(self) -> Instalment | None:
        return next((i for i in self.instalments if not i.is_paid), None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def create_plan(
    guarantor_id: str,
    balance: Decimal,
    *,
    instalments: int,
    first_due: date,
    max_missed: int = 2,
    grace_days: int = 10,
    plan_id: str = "",
    created_on: date | None = None,
) -> PaymentPlan:
    """Split `balance` into `instalments` monthly amounts; the last takes the remainder."""
    balance = to_money(balance)
    if balance <= 0:
        raise ValueError(f"a payment plan needs a balance above zero, not {balance}")
    if not 1 <= instalments <= 120:
        raise ValueError(f"a payment plan has 1 to 120 instalments, not {instalments}")
    regular = (balance / instalments).quantize(CENT, rounding=ROUND_DOWN)
    if regular <= 0:
        raise ValueError(
            f"{balance} cannot be split into {instalments} instalments of a cent or more"
        )
    amounts = [regular] * (instalments - 1) + [balance - regular * (instalments - 1)]
    schedule = tuple(
        Instalment(number=n + 1, due_date=add_months(first_due, n), amount=amount)
        for n, amount in enumerate(amounts)
    )
    return PaymentPlan(
        guarantor_id,
        balance,
        schedule,
        max_missed,
        grace_days,
        id=plan_id,
        created_on=created_on,
    )


def apply_payment(plan: PaymentPlan, amount: Decimal) -> tuple[PaymentPlan, Decimal]:
    """Apply a payment to the oldest unpaid instalments. Returns the plan and any excess."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValueError("a plan payment must be above zero")
    if plan.status is not PlanStatus.ACTIVE:
        raise ValueError(f"the plan is {plan.status.value}; payments go to the account instead")
    left, updated = amount, []
    for inst in plan.instalments:
        take = min(left, inst.remaining) if left > 0 else ZERO
        updated.append(replace(inst, paid_amount=inst.paid_amount + take) if take else inst)
        left -= take
    new = replace(plan, instalments=tuple(updated))
    if new.remaining == 0:
        new = replace(new, status=PlanStatus.PAID_OFF)
    return new, left


def review(plan: PaymentPlan, as_of: date) -> PaymentPlan:
    """Default an active plan once it has missed more instalments than allowed."""
    if plan.status is PlanStatus.ACTIVE and len(plan.missed(as_of)) > plan.max_missed:
        return replace(plan, status=PlanStatus.DEFAULTED)
    return plan


def plan_note(plan: PaymentPlan, as_of: date) -> str:
    """The plan's standing as one line for the statement."""
    paid = sum(1 for i in plan.instalments if i.is_paid)
    total = len(plan.instalments)
    if plan.status is PlanStatus.PAID_OFF:
        return f"Payment plan paid off: all {total} instalments paid. Thank you."
    if plan.status is PlanStatus.DEFAULTED:
        count = len(plan.missed(as_of))
        return (
            f"Payment plan DEFAULTED after {count} missed instalments; the full balance of "
            f"${format_money(plan.remaining)} is due."
        )
    nxt = plan.next_due()
    missed = plan.missed(as_of)
    text = f"Payment plan: {paid} of {total} instalments paid"
    if nxt is not None:
        text += f"; next ${format_money(nxt.remaining)} due {nxt.due_date.isoformat()}"
    if missed:
        text += f"; {len(missed)} missed (the plan ends after {plan.max_missed + 1})"
    return text + "."


def plan_document(plan: PaymentPlan) -> dict[str, object]:
    """The plan as JSON-ready data (money "125.00", dates ISO), as storage keeps it."""
    return {
        "id": plan.id,
        "guarantor_id": plan.guarantor_id,
        "balance": format_money(plan.balance),
        "max_missed": plan.max_missed,
        "grace_days": plan.grace_days,
        "status": plan.status.value,
        "created_on": plan.created_on.isoformat() if plan.created_on else None,
        "instalments": [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "amount": format_money(i.amount),
                "paid_amount": format_money(i.paid_amount),
            }
            for i in plan.instalments
        ],
    }


def plan_from_document(data: dict[str, Any]) -> PaymentPlan:
    """The plan `plan_document` wrote."""
    return PaymentPlan(
        str(data["guarantor_id"]),
        Decimal(data["balance"]),
        tuple(
            Instalment(
                int(i["number"]),
                date.fromisoformat(i["due_date"]),
                Decimal(i["amount"]),
                Decimal(i["paid_amount"]),
            )
            for i in data["instalments"]
        ),
        int(data["max_missed"]),
        int(data["grace_days"]),
        PlanStatus(data["status"]),
        id=str(data["id"]),
        created_on=date.fromisoformat(data["created_on"]) if data.get("created_on") else None,
    )
