"""The practice charge master: Medicare PFS national amounts times a practice multiplier.

A practice sets its charges above what any payer allows, commonly as a multiple of the
Medicare Physician Fee Schedule. `load_fee_catalog` reads the national RVU file
(`cms/pfs2025/pprrvu2025_oct_tidy.csv`: total RVUs times the conversion factor is the
national amount); `builtin_fee_catalog` holds the same rows for the codes the generator
uses, so synthetic data can be made without the reference data. `ChargeMaster` turns a
code and its modifiers into the practice's charge, rounded to whole dollars.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType

from openrcm.synth.feetable import BUILTIN_ROWS

DOLLAR = Decimal(1)
PAYABLE_STATUSES = frozenset("ARTN")
"""PFS status codes with RVUs a fee can be derived from (A active, R restricted, T paid
only without other services, N non-covered by Medicare but priced, as for preventive visits)."""


@dataclass(frozen=True, slots=True)
class FeeRow:
    """One PFS row: a code (and 26/TC modifier, or ''), its status and total RVUs."""

    code: str
    modifier: str
    status: str
    non_facility_rvu: Decimal
    facility_rvu: Decimal
    pctc: str  # PC/TC indicator: 1 = has professional (26) and technical (TC) components
    bilateral: str  # 1 = modifier 50 pays 150%
    global_days: str
    conversion_factor: Decimal

    @property
    def national_amount(self) -> Decimal:
        """The higher of the non-facility and facility national amounts, in cents."""
        rvu = max(self.non_facility_rvu, self.facility_rvu)
        return (rvu * self.conversion_factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class FeeCatalog:
    """PFS rows by (code, modifier), and where they came from."""

    rows: Mapping[tuple[str, str], FeeRow]
    source: str

    def get(self, code: str, modifier: str = "") -> FeeRow | None:
        return self.rows.get((code, modifier))

    def priced(self, code: str, modifier: str = "") -> bool:
        """True when the code has a payable status and a national amount above zero."""
        row = self.rows.get((code, modifier))
        return row is not None and row.status in PAYABLE_STATUSES and row.national_amount > 0


def _row(values: Mapping[str, str]) -> FeeRow:
    return FeeRow(
        code=values["hcpcs"],
        modifier=values["mod"],
        status=values["status_code"],
        non_facility_rvu=Decimal(values["non_facility_total"] or "0"),
        facility_rvu=Decimal(values["facility_total"] or "0"),
        pctc=values["pctc_ind"],
        bilateral=values["bilat_surg"],
        global_days=values["glob_days"],
        conversion_factor=Decimal(values["conv_factor"] or "0"),
    )


def load_fee_catalog(path: Path | str, codes: Iterable[str] | None = None) -> FeeCatalog:
    """Read the tidy PFS RVU file; keep only `codes` when given (all rows otherwise)."""
    wanted = frozenset(codes) if codes is not None else None
    rows: dict[tuple[str, str], FeeRow] = {}
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for values in csv.DictReader(handle):
            if wanted is not None and values["hcpcs"] not in wanted:
                continue
            row = _row(values)
            rows[(row.code, row.modifier)] = row
    if not rows:
        raise ValueError(f"{path}: no fee schedule rows for the generator's procedure codes")
    return FeeCatalog(MappingProxyType(rows), source=str(path))


def builtin_fee_catalog() -> FeeCatalog:
    """The PFS CY2025 rows for every code the generator uses, built into the package."""
    rows = {
        (code, modifier): FeeRow(
            code,
            modifier,
            status,
            Decimal(non_facility),
            Decimal(facility),
            pctc,
            bilateral,
            global_days,
            Decimal("32.3465"),
        )
        for code, modifier, status, non_facility, facility, pctc, bilateral, global_days in (
            BUILTIN_ROWS
        )
    }
    return FeeCatalog(MappingProxyType(rows), source="built-in PFS CY2025 subset")


@dataclass(frozen=True, slots=True)
class ChargeMaster:
    """A practice's charges: national amount times `multiplier`, rounded to dollars."""

    multiplier: Decimal
    charges: Mapping[tuple[str, str], Decimal]

    def unit_charge(self, code: str, modifiers: tuple[str, ...] = ()) -> Decimal:
        """The charge for one unit; 26 or TC selects that component's own fee."""
        component = "26" if "26" in modifiers else "TC" if "TC" in modifiers else ""
        charge = self.charges.get((code, component)) or self.charges[(code, "")]
        return charge * 2 if "50" in modifiers else charge

    def has(self, code: str) -> bool:
        return (code, "") in self.charges


def build_charge_master(catalog: FeeCatalog, multiplier: Decimal) -> ChargeMaster:
    """Every priced row of `catalog` times `multiplier`, half-up to whole dollars."""
    charges = {
        key: max(DOLLAR, (row.national_amount * multiplier).quantize(DOLLAR, ROUND_HALF_UP))
        for key, row in catalog.rows.items()
        if catalog.priced(row.code, row.modifier)
    }
    return ChargeMaster(multiplier, MappingProxyType(charges))
