"""Same-day procedure rules of the Medicare PFS: the payment reductions that rank procedures.

Lines billed on one date by one provider are ranked by their fee schedule amounts, and
all but the first are reduced as the multiple-procedure indicator of the RVU file says
(RVU25D, field "Multiple Procedure"):

- 1 and 2 (surgery): 100% for the highest, then 50% (indicator 1: 50%, then 25%). Each
  unit beyond the first is a further procedure. Bilateral adjustments come first.
- 3 (endoscopy): within a family (same endoscopic base code) the highest pays in full and
  every other pays its fee less the base code's fee (the base itself then pays nothing);
  the family then ranks as one procedure among the day's other surgeries.
- 4 (diagnostic imaging): technical components after the highest are paid at 50% and
  professional components after the highest at 95%.
- 6 (diagnostic cardiovascular) and 7 (diagnostic ophthalmology): technical components
  after the highest are reduced by 25% and 20%.
- 5 (therapy): the practice expense of every unit after the highest is paid at 50%.

Global-only diagnostic codes (PC/TC indicator 4, such as an ECG with interpretation) have
no split in the file and are left unreduced. Each reduction is rounded half-up to cents
per line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openrcm.pricing.medicare_pfs import (
    ZERO,
    Adjustment,
    Gpci,
    MedicarePfs,
    PfsPrice,
    half_up,
)

SURGICAL = frozenset({"1", "2", "3"})
TECHNICAL_RATES = {"4": Decimal("0.50"), "6": Decimal("0.25"), "7": Decimal("0.20")}
IMAGING_PROFESSIONAL_RATE = Decimal("0.05")
THERAPY_PE_RATE = Decimal("0.50")


@dataclass(frozen=True, slots=True)
class SameDayLine:
    """One priced line to rank with the others of its day: its number, date and provider."""

    number: int
    service_date: date
    provider: str  # the rendering provider's NPI (same-day rules are per provider)
    price: PfsPrice


def apply_same_day_rules(pfs: MedicarePfs, lines: Sequence[SameDayLine]) -> dict[int, PfsPrice]:
    """The prices of `lines` after the same-day reductions, by line number."""
    prices = {line.number: line.price for line in lines}
    groups: dict[tuple[date, str], list[SameDayLine]] = defaultdict(list)
    for line in lines:
        if line.price.priced and line.price.row is not None:
            groups[(line.service_date, line.provider)].append(line)
    for group in groups.values():
        if len(group) == 1 and group[0].price.units <= 1:
            continue
        _surgery(pfs, [g for g in group if _indicator(g) in SURGICAL], prices)
        for indicator, rate in TECHNICAL_RATES.items():
            members = [g for g in group if _indicator(g) == indicator]
            _diagnostic(pfs, indicator, rate, members, prices)
        _therapy([g for g in group if _indicator(g) == "5"], prices)
    return prices


def _indicator(line: SameDayLine) -> str:
    return line.price.row.multiple_procedure if line.price.row is not None else "9"


def _unit_amount(price: PfsPrice) -> Decimal:
    """The amount of one unit after modifier adjustments, before multiplying by units."""
    for adjustment in price.adjustments:
        if adjustment.rule == "units":
            return adjustment.amount_before
    return price.allowed


def _unit_count(price: PfsPrice) -> int:
    whole = int(price.units)
    return whole if whole >= 1 and whole == price.units else 1


def _gpci(price: PfsPrice) -> Gpci:
    return Gpci("", "", "", "", price.gpci_work, price.gpci_pe, price.gpci_mp)


def _record(prices: dict[int, PfsPrice], number: int, after: Decimal, rule: str) -> None:
    price = prices[number]
    before = price.allowed
    after = max(after, ZERO)
    if after == before:
        return
    factor = (after / before).quantize(Decimal("0.0001")) if before else ZERO
    prices[number] = price.reduced(after, Adjustment(rule, factor, before, after))


def _surgery(pfs: MedicarePfs, lines: list[SameDayLine], prices: dict[int, PfsPrice]) -> None:
    units: list[tuple[Decimal, int, list[tuple[int, Decimal]], str]] = []
    # (rank amount, first line number, parts [(line, amount)], indicator)
    families: dict[str, list[SameDayLine]] = defaultdict(list)
    bases: set[str] = set()
    for g in lines:
        if g.price.row is not None and g.price.row.multiple_procedure == "3":
            bases.add(g.price.row.endoscopic_base)
    singles: list[SameDayLine] = []
    for line in lines:
        row = line.price.row
        assert row is not None
        if line.price.units != int(line.price.units):
            continue  # fractional units are not procedures to rank
        if row.multiple_procedure == "3" and row.endoscopic_base:
            families[row.endoscopic_base].append(line)
        elif line.price.code in bases:
            families[line.price.code].append(line)
        else:
            singles.append(line)
    for base_code, members in families.items():
        expanded = [
            (m.number, _unit_amount(m.price)) for m in members for _ in range(_unit_count(m.price))
        ]
        if len(expanded) < 2:
            singles.extend(members)
            continue
        base_row = pfs.row(base_code)
        first = members[0].price
        base_fee = pfs.fee(base_row, _gpci(first), first.facility) if base_row else ZERO
        expanded.sort(key=lambda part: (-part[1], part[0]))
        parts = [expanded[0]] + [(n, max(a - base_fee, ZERO)) for n, a in expanded[1:]]
        total = sum((a for _, a in parts), ZERO)
        units.append((total, min(n for n, _ in parts), parts, "3"))
    for line in singles:
        amount = _unit_amount(line.price)
        for _ in range(_unit_count(line.price)):
            units.append((amount, line.number, [(line.number, amount)], _indicator(line)))
    if not units:
        return
    units.sort(key=lambda unit: (-unit[0], unit[1]))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for rank, (_, _, parts, indicator) in enumerate(units):
        if rank == 0:
            share = Decimal(1)
        elif indicator == "1" and rank >= 2:
            share = Decimal("0.25")
        else:
            share = Decimal("0.50")
        for number, amount in parts:
            totals[number] += amount * share
    for number, total in totals.items():
        _record(prices, number, half_up(total), "multiple-procedure")


def _components(pfs: MedicarePfs, price: PfsPrice) -> tuple[Decimal, Decimal]:
    """(professional, technical) fee of one unit of a diagnostic line."""
    row = price.row
    assert row is not None
    if row.modifier == "26" or row.pctc == "2":
        return _unit_amount(price), ZERO
    if row.modifier == "TC" or row.pctc == "3":
        return ZERO, _unit_amount(price)
    if row.pctc != "1":
        return ZERO, ZERO
    pc, tc = pfs.row(row.hcpcs, "26"), pfs.row(row.hcpcs, "TC")
    if pc is None or tc is None:
        return ZERO, ZERO
    gpci = _gpci(price)
    return pfs.fee(pc, gpci, price.facility), pfs.fee(tc, gpci, price.facility)


def _ranked_reductions(parts: Iterable[tuple[int, Decimal]], rate: Decimal) -> dict[int, Decimal]:
    ordered = sorted((p for p in parts if p[1] > 0), key=lambda p: (-p[1], p[0]))
    reductions: dict[int, Decimal] = defaultdict(Decimal)
    for number, amount in ordered[1:]:
        reductions[number] += amount * rate
    return reductions


def _diagnostic(
    pfs: MedicarePfs,
    indicator: str,
    rate: Decimal,
    lines: list[SameDayLine],
    prices: dict[int, PfsPrice],
) -> None:
    professional: list[tuple[int, Decimal]] = []
    technical: list[tuple[int, Decimal]] = []
    for line in lines:
        pc, tc = _components(pfs, line.price)
        for _ in range(_unit_count(line.price)):
            professional.append((line.number, pc))
            technical.append((line.number, tc))
    reductions = _ranked_reductions(technical, rate)
    if indicator == "4":
        for number, amount in _ranked_reductions(professional, IMAGING_PROFESSIONAL_RATE).items():
            reductions[number] += amount
    rule = {
        "4": "imaging-reduction",
        "6": "cardiovascular-tc-reduction",
        "7": "ophthalmology-tc-reduction",
    }[indicator]
    for number, reduction in reductions.items():
        _record(prices, number, prices[number].allowed - half_up(reduction), rule)


def _therapy(lines: list[SameDayLine], prices: dict[int, PfsPrice]) -> None:
    parts = [
        (line.number, line.price.rvu_pe * line.price.gpci_pe * line.price.conversion_factor)
        for line in lines
        for _ in range(_unit_count(line.price))
    ]
    for number, reduction in _ranked_reductions(parts, THERAPY_PE_RATE).items():
        _record(prices, number, prices[number].allowed - half_up(reduction), "therapy-pe-reduction")
