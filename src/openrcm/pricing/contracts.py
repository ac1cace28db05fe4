"""Payer contracts: what a payer allows per service, as a percentage of Medicare or a fee list.

A `PayerContract` has effective-dated `ContractTerm`s. A term prices a line in this order:
(1) its fixed fee schedule, when it lists the code (with the line's first modifier, or the
bare code); (2) its percentage of the Medicare PFS amount, when the PFS prices the code;
(3) its percentage of the billed charge for what neither prices. A fixed fee follows the
same modifier and same-day reductions the PFS applied to the line (the fee is scaled by
the PFS's allowed ÷ full fee), so a second surgery on a fee list is still cut to 50%.
The allowed amount is the lesser of the billed charge and the contract amount.

Rounding: the contract amount is rounded half-up to cents once, after the percentage or
the scaling; PFS amounts arrive already rounded at their own points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from pydantic import Field, model_validator

from openrcm.domain.base import Record
from openrcm.domain.money import Money
from openrcm.pricing.medicare_pfs import (
    ZERO,
    MedicarePfs,
    PfsPrice,
    PfsStatus,
    half_up,
)
from openrcm.pricing.multiple_procedure import SameDayLine, apply_same_day_rules

SAME_DAY_RULES = frozenset(
    {
        "multiple-procedure",
        "imaging-reduction",
        "cardiovascular-tc-reduction",
        "ophthalmology-tc-reduction",
        "therapy-pe-reduction",
    }
)


class ContractTerm(Record):
    """One effective-dated term of a contract.

    `percent_of_medicare` and `percent_of_charge` are fractions (1.20 is 120%). `fees`
    maps a code, or `CODE-MODIFIER`, to its fixed allowed amount for one unit.
    """

    effective_date: date
    termination_date: date | None = None
    percent_of_medicare: Decimal | None = Field(default=None, ge=0, le=10)
    fees: tuple[tuple[str, Money], ...] = ()
    percent_of_charge: Decimal | None = Field(default=None, ge=0, le=1)
    locality: str | None = None  # a fixed MAC-LOCALITY; else from the provider's ZIP
    nearest_medicare_year: bool = True  # price dates outside the loaded PFS years with the nearest

    @model_validator(mode="before")
    @classmethod
    def _fees_from_mapping(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("fees"), dict):
            data = {**data, "fees": tuple((str(k), v) for k, v in data["fees"].items())}
        return data

    @model_validator(mode="after")
    def _prices_something(self) -> ContractTerm:
        if self.percent_of_medicare is None and not self.fees and self.percent_of_charge is None:
            raise ValueError("a contract term needs percent_of_medicare, fees or percent_of_charge")
        if self.termination_date and self.termination_date < self.effective_date:
            raise ValueError("a contract term ends before it starts")
        return self

    @cached_property
    def _fee_index(self) -> dict[str, Decimal]:
        return {code.upper(): amount for code, amount in self.fees}

    def covers(self, day: date) -> bool:
        return self.effective_date <= day and (
            self.termination_date is None or day <= self.termination_date
        )

    def fee(self, code: str, modifiers: Sequence[str]) -> Decimal | None:
        for modifier in modifiers:
            found = self._fee_index.get(f"{code}-{modifier}")
            if found is not None:
                return found
        return self._fee_index.get(code)


class PayerContract(Record):
    """A payer's contract with providers: effective-dated terms; `provider_npis` empty = all."""

    id: str
    name: str = ""
    provider_npis: tuple[str, ...] = ()
    terms: tuple[ContractTerm, ...] = Field(min_length=1)

    def applies_to(self, npi: str) -> bool:
        return not self.provider_npis or npi in self.provider_npis

    def term_on(self, day: date) -> ContractTerm | None:
        """The term in force on `day`; the latest-starting one when terms overlap."""
        found = [t for t in self.terms if t.covers(day)]
        return max(found, key=lambda t: t.effective_date) if found else None


@dataclass(frozen=True, slots=True)
class LineToPrice:
    """What pricing needs of a claim line."""

    number: int
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge_amount: Decimal
    service_date: date
    place_of_service: str
    provider: str  # rendering NPI: same-day rules are per provider


@dataclass(frozen=True, slots=True)
class ContractPrice:
    """A line's allowed amount under a contract, and how it was reached.

    `allowed` is the lesser of the charge and `contract_amount`; `same_day_reduction` is
    the part of the reduction owed to same-day rules (CARC 59 in an 835). `carc`/`rarc`
    are set when the line cannot be paid (PFS status or modifier, or no rate on file).
    """

    number: int
    payable: bool
    allowed: Decimal
    contract_amount: Decimal
    basis: str
    same_day_reduction: Decimal = ZERO
    carc: str | None = None
    rarc: str | None = None
    pfs: PfsPrice | None = None


def schedule_for(
    schedules: Sequence[MedicarePfs], day: date, *, nearest: bool
) -> tuple[MedicarePfs | None, bool]:
    """The PFS in force on `day`, or (when `nearest`) the closest year; and whether it was exact."""
    for schedule in schedules:
        if schedule.in_force(day):
            return schedule, True
    if not nearest or not schedules:
        return None, False
    return min(schedules, key=lambda s: abs(s.year - day.year)), False


def price_lines(
    lines: Sequence[LineToPrice],
    contract: PayerContract,
    schedules: Sequence[MedicarePfs],
    *,
    locality: str,
    cache: dict[tuple[Any, ...], PfsPrice] | None = None,
) -> dict[int, ContractPrice]:
    """Price a claim's lines under `contract`: PFS per line, same-day rules, then the term."""
    terms = {line.number: contract.term_on(line.service_date) for line in lines}
    pfs_prices: dict[int, PfsPrice] = {}
    by_schedule: dict[int, tuple[MedicarePfs, list[SameDayLine]]] = {}
    for line in lines:
        term = terms[line.number]
        if term is None:
            continue
        schedule, exact = schedule_for(
            schedules, line.service_date, nearest=term.nearest_medicare_year
        )
        if schedule is None:
            continue
        priced_on = line.service_date if exact else _same_day_in(schedule.year, line.service_date)
        where = term.locality or locality
        # a schedule prices the same way all year, so the date is not part of the key
        key = (schedule.year, line.code, line.modifiers, line.units, where, line.place_of_service)
        price = cache.get(key) if cache is not None else None
        if price is None:
            price = schedule.price(
                line.code,
                line.modifiers,
                locality=where,
                place_of_service=line.place_of_service,
                service_date=priced_on,
                units=line.units,
            )
            if cache is not None:
                cache[key] = price
        pfs_prices[line.number] = price
        by_schedule.setdefault(schedule.year, (schedule, []))[1].append(
            SameDayLine(line.number, line.service_date, line.provider, price)
        )
    for schedule, same_day in by_schedule.values():
        if len(same_day) > 1 or any(s.price.units > 1 for s in same_day):
            pfs_prices.update(apply_same_day_rules(schedule, same_day))
    return {
        line.number: _price_line(line, terms[line.number], pfs_prices.get(line.number))
        for line in lines
    }


def _same_day_in(year: int, day: date) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _price_line(
    line: LineToPrice, term: ContractTerm | None, pfs: PfsPrice | None
) -> ContractPrice:
    if term is None:
        return ContractPrice(
            line.number, False, ZERO, ZERO, "no contract term in force", carc="147", rarc="N381"
        )
    if pfs is not None and pfs.status is PfsStatus.NOT_PAYABLE:
        return ContractPrice(
            line.number,
            False,
            ZERO,
            ZERO,
            f"Medicare PFS status {pfs.status_code or '-'}",
            carc=pfs.carc or "96",
            rarc=pfs.rarc,
            pfs=pfs,
        )
    fee = term.fee(line.code, line.modifiers)
    priced = pfs is not None and pfs.status is PfsStatus.PRICED
    if fee is not None:
        factor = line.units
        if priced and pfs is not None and pfs.fee_schedule_amount > 0:
            factor = pfs.allowed / pfs.fee_schedule_amount
        amount = half_up(fee * factor)
        reduction = (
            _same_day(pfs) * (fee / pfs.fee_schedule_amount)
            if priced and pfs and pfs.fee_schedule_amount
            else ZERO
        )
        return _finish(line, amount, "contract fee schedule", half_up(reduction), pfs)
    if priced and pfs is not None and term.percent_of_medicare is not None:
        amount = half_up(pfs.allowed * term.percent_of_medicare)
        percent = (term.percent_of_medicare * 100).normalize()
        reduction = half_up(_same_day(pfs) * term.percent_of_medicare)
        return _finish(line, amount, f"{percent:f}% of Medicare PFS", reduction, pfs)
    if term.percent_of_charge is not None:
        amount = half_up(line.charge_amount * term.percent_of_charge)
        percent = (term.percent_of_charge * 100).normalize()
        return _finish(line, amount, f"{percent:f}% of charge", ZERO, pfs)
    return ContractPrice(
        line.number,
        False,
        ZERO,
        ZERO,
        "no contract rate for the code",
        carc="147",
        rarc="N381",
        pfs=pfs,
    )


def _same_day(pfs: PfsPrice | None) -> Decimal:
    if pfs is None:
        return ZERO
    return sum(
        (a.amount_before - a.amount_after for a in pfs.adjustments if a.rule in SAME_DAY_RULES),
        ZERO,
    )


def _finish(
    line: LineToPrice, amount: Decimal, basis: str, reduction: Decimal, pfs: PfsPrice | None
) -> ContractPrice:
    allowed = min(line.charge_amount, amount)
    # the same-day part of the reduction cannot exceed what the charge lost
    reduction = min(reduction, max(line.charge_amount - allowed, ZERO))
    return ContractPrice(line.number, True, allowed, amount, basis, reduction, pfs=pfs)


def lesser_of(charge: Decimal, allowed: Decimal) -> Decimal:
    """Payers allow the lesser of the billed charge and the fee schedule amount."""
    return min(charge, allowed)
