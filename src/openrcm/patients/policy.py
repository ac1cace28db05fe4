"""A practice's patient-account policy: thresholds and intervals it configures, as data.

The service reads the tenant's stored policy (or these defaults) and passes it to the pure
functions; nothing here reads settings or the environment.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from openrcm.domain.money import NonNegativeMoney


class PatientAccountPolicy(BaseModel):
    """How one practice bills and collects patient balances.

    small_balance_threshold: a guarantor's whole balance at or below this is written off
    (0.00: never); minimum_statement_amount: no statement for less; statement_interval_days:
    days between cycle statements; plan_max_missed / plan_grace_days: a plan defaults after
    more than this many instalments unpaid this many days past due; pre_collection_after_days:
    age of the oldest due amount (at dunning level 4) before the validation notice and
    pre-collection letter; agency_after_days: days after that letter (and after the dispute
    period) before assignment to the agency; agency_minimum: smaller balances are not
    assigned; write_off_on_assignment: assigned balances move to bad debt.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    small_balance_threshold: NonNegativeMoney = Decimal("0.00")
    minimum_statement_amount: NonNegativeMoney = Decimal("0.01")
    statement_interval_days: int = Field(default=30, ge=1, le=366)
    plan_max_missed: int = Field(default=2, ge=0, le=24)
    plan_grace_days: int = Field(default=10, ge=0, le=90)
    pre_collection_after_days: int = Field(default=90, ge=30, le=3650)
    agency_after_days: int = Field(default=30, ge=0, le=3650)
    agency_minimum: NonNegativeMoney = Decimal("25.00")
    agency_id: str = Field(default="agency", min_length=1, max_length=64)
    agency_name: str = Field(default="Collection agency", min_length=1, max_length=120)
    write_off_on_assignment: bool = True
