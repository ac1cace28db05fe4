"""The practice charge master: what the practice charges for each code, effective-dated.

A charge master (the fee schedule of a practice, the CDM of a hospital) holds one charge
per code and component: modifier '' for the whole service, '26' or 'TC' for the
professional or technical component. Each `ChargeRate` applies from its effective date until
the next rate for the same code and component; a rate change is a new row with a later date,
so claims for services before it keep the old charge. A row may carry the revenue code an
institutional claim bills the code under and, for a drug, its NDC (National Drug Code) with
the NDC quantity one HCPCS unit holds. `read_charge_csv` reads the import file
(`code,charge[,modifier,revenue_code,ndc,ndc_quantity,ndc_unit,effective_date]`) into rates
and findings; `charge_master_from_amounts` builds one from plain amounts (such as the
Medicare PFS national amounts times a multiplier); `raise_rates` makes a rate change.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pydantic import Field, ValidationError, field_validator

from openrcm.domain.base import Record
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import Money, to_money

COMPONENTS = ("26", "TC")
"""Modifiers that select a component's own rate (PC/TC split)."""

DOLLAR = Decimal(1)


class ChargeRate(Record):
    """One charge master row: a code's charge for one unit from `effective_date` on."""

    code: str = Field(pattern=r"^[0-9A-Z]{4,5}$")  # CPT/HCPCS, or a revenue code (room and board)
    modifier: str = Field(default="", pattern=r"^(|26|TC)$")
    charge_amount: Money = Field(gt=0)
    effective_date: date
    revenue_code: str | None = Field(default=None, pattern=r"^\d{4}$")  # SV201, UB-04 FL 42
    ndc: str | None = Field(default=None, pattern=r"^\d{11}$")  # LIN03, 5-4-2 without hyphens
    ndc_quantity: Decimal | None = Field(default=None, gt=0, decimal_places=3)  # per HCPCS unit
    ndc_unit: str | None = Field(default=None, pattern=r"^(F2|GR|ME|ML|UN)$")  # CTP05-1

    @field_validator("code", "modifier", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.modifier)


class ChargeMaster:
    """Every rate of a practice, looked up by code, component and date of service."""

    def __init__(self, rates: Iterable[ChargeRate] = ()) -> None:
        by_key: dict[tuple[str, str], dict[date, ChargeRate]] = {}
        for rate in rates:
            by_key.setdefault(rate.key, {})[rate.effective_date] = rate  # a later row wins
        self._rates: dict[tuple[str, str], list[ChargeRate]] = {
            key: [dated[day] for day in sorted(dated)] for key, dated in by_key.items()
        }
        self._dates = {key: [r.effective_date for r in rows] for key, rows in self._rates.items()}

    @property
    def rates(self) -> tuple[ChargeRate, ...]:
        """Every row, by code, component and effective date."""
        return tuple(rate for key in sorted(self._rates) for rate in self._rates[key])

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rates.values())

    def history(self, code: str, modifier: str = "") -> tuple[ChargeRate, ...]:
        """The rates of one code and component, oldest first."""
        return tuple(self._rates.get((code.upper(), modifier.upper()), ()))

    def _in_force(self, key: tuple[str, str], on: date) -> ChargeRate | None:
        dates = self._dates.get(key)
        if not dates:
            return None
        at = bisect_right(dates, on)
        return self._rates[key][at - 1] if at else None

    def rate(self, code: str, on: date, modifiers: Iterable[str] = ()) -> ChargeRate | None:
        """The rate in force on `on`: a 26 or TC modifier picks that component's own rate when
        the charge master has one, else the whole service's rate; None when nothing is."""
        code = code.upper()
        mods = {m.upper() for m in modifiers}
        for component in COMPONENTS:
            if component in mods:
                found = self._in_force((code, component), on)
                if found is not None:
                    return found
        return self._in_force((code, ""), on)

    def with_rates(self, rates: Iterable[ChargeRate]) -> ChargeMaster:
        """This charge master with more rows (a rate change, an import); same-day rows replace."""
        return ChargeMaster((*self.rates, *rates))


def charge_master_from_amounts(
    amounts: Mapping[tuple[str, str] | str, Decimal],
    *,
    effective_date: date,
    multiplier: Decimal = DOLLAR,
    whole_dollars: bool = True,
) -> ChargeMaster:
    """A charge master from base amounts per code (or (code, component)): each amount times
    `multiplier`, rounded half-up to whole dollars (or cents), in force from `effective_date`."""
    rates = []
    for key, amount in amounts.items():
        code, modifier = (key, "") if isinstance(key, str) else key
        charge = _round(Decimal(amount) * multiplier, whole_dollars)
        if charge > 0:
            rates.append(
                ChargeRate(
                    code=code,
                    modifier=modifier,
                    charge_amount=charge,
                    effective_date=effective_date,
                )
            )
    return ChargeMaster(rates)


def raise_rates(
    master: ChargeMaster,
    factor: Decimal,
    *,
    effective_date: date,
    codes: Iterable[str] | None = None,
    whole_dollars: bool = True,
) -> tuple[ChargeRate, ...]:
    """A rate change: the rates in force the day before `effective_date` times `factor`
    (1.05 for five per cent more), effective from that date; only `codes` when given."""
    wanted = frozenset(c.upper() for c in codes) if codes is not None else None
    before = date.fromordinal(effective_date.toordinal() - 1)
    changed = []
    for code, modifier in sorted({r.key for r in master.rates}):
        if wanted is not None and code not in wanted:
            continue
        current = master._in_force((code, modifier), before)
        if current is None:
            continue
        charge = _round(current.charge_amount * factor, whole_dollars)
        changed.append(
            current.model_copy(
                update={
                    "charge_amount": max(charge, Decimal("0.01")),
                    "effective_date": effective_date,
                }
            )
        )
    return tuple(changed)


def _round(amount: Decimal, whole_dollars: bool) -> Decimal:
    if whole_dollars:
        return amount.quantize(DOLLAR, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))
    return to_money(amount)


REQUIRED_COLUMNS = ("code", "charge")
OPTIONAL_COLUMNS = (
    "modifier",
    "revenue_code",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "effective_date",
)


class ChargeFileError(ValueError):
    """A charge master file that cannot be read at all (no header, missing columns)."""


def read_charge_csv(
    text: str, *, effective_date: date | None = None
) -> tuple[tuple[ChargeRate, ...], tuple[Finding, ...]]:
    """The rates of a charge master CSV and a finding for each row that cannot be used.

    Columns: `code` and `charge` (required), `modifier`, `revenue_code`, `ndc` (any of the
    10-digit hyphenated layouts, or 11 digits), `ndc_quantity`, `ndc_unit` and
    `effective_date` (a row's own date; else `effective_date`). Raises `ChargeFileError`
    when the header lacks a required column, or no date is given for a row.
    """
    from openrcm.billing.drugs import normalize_ndc

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ChargeFileError(f"the charge master file has no {', '.join(missing)} column")
    reader.fieldnames = header
    rates: list[ChargeRate] = []
    findings: list[Finding] = []
    for line_number, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        day_text = values.get("effective_date")
        if day_text:
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                findings.append(_row_finding(line_number, f"{day_text!r} is not a date"))
                continue
        elif effective_date is not None:
            day = effective_date
        else:
            raise ChargeFileError(
                f"line {line_number}: no effective_date column value and no effective date given"
            )
        try:
            charge = Decimal(values["charge"].replace("$", "").replace(",", ""))
            ndc = normalize_ndc(values["ndc"]) if values.get("ndc") else None
            quantity = Decimal(values["ndc_quantity"]) if values.get("ndc_quantity") else None
            rates.append(
                ChargeRate(
                    code=values["code"],
                    modifier=values.get("modifier", ""),
                    charge_amount=to_money(charge),
                    effective_date=day,
                    revenue_code=values.get("revenue_code") or None,
                    ndc=ndc,
                    ndc_quantity=quantity,
                    ndc_unit=(values.get("ndc_unit") or None) if ndc else None,
                )
            )
        except (InvalidOperation, ValueError) as error:
            reason = (
                error.errors()[0]["msg"]
                if isinstance(error, ValidationError)
                else str(error) or "not a number"
            )
            findings.append(_row_finding(line_number, f"code {values.get('code')!r}: {reason}"))
    return tuple(rates), tuple(findings)


def _row_finding(line_number: int, message: str) -> Finding:
    return Finding(
        code="BILL-FEE-ROW",
        severity=Severity.ERROR,
        message=f"charge master line {line_number}: {message}",
        fix="correct the row and import the file again",
    )
