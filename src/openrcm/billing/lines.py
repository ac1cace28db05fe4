"""Service lines from an encounter's procedures, priced from the charge master.

Each `ProcedureEntry` becomes one line: modifiers ordered (`modifiers`), pointers
renumbered (`diagnoses`), the charge the charge master had in force on the date of
service times the units (a bilateral procedure, modifier 50, is one unit at twice the
charge), and for a drug the NDC from the encounter or the charge master with the quantity
the units hold. A code without a rate on that date is an error: the line cannot be priced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openrcm.billing.charge_master import ChargeMaster, ChargeRate
from openrcm.billing.diagnoses import line_pointers
from openrcm.billing.drugs import is_drug_code, normalize_ndc
from openrcm.billing.modifiers import order_modifiers
from openrcm.domain.claim import ProcedureEntry
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import to_money


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A line's fields before it is numbered into a claim (ServiceLine's own names)."""

    procedure: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge_amount: Decimal
    diagnosis_pointers: tuple[int, ...]
    service_date: date
    rate: ChargeRate
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None

    def fields(self) -> dict[str, object]:
        return {
            "procedure": self.procedure,
            "modifiers": self.modifiers,
            "units": self.units,
            "charge_amount": self.charge_amount,
            "diagnosis_pointers": self.diagnosis_pointers,
            "service_date": self.service_date,
            "ndc": self.ndc,
            "ndc_quantity": self.ndc_quantity,
            "ndc_unit": self.ndc_unit,
        }


def price_entry(
    entry: ProcedureEntry,
    master: ChargeMaster,
    *,
    on: date,
    line: int,
    pointer_map: dict[int, int],
) -> tuple[PricedLine | None, list[Finding]]:
    """One encounter procedure as a priced line, or None with the findings that stop it."""
    modifiers, findings = order_modifiers(entry.modifiers, line=line)
    pointers, pointer_findings = line_pointers(entry.diagnosis_pointers, pointer_map, line=line)
    findings += pointer_findings
    code = entry.code.strip().upper()
    rate = master.rate(code, on, modifiers)
    if rate is None:
        findings.append(
            Finding(
                code="BILL-NO-RATE",
                severity=Severity.ERROR,
                line=line,
                message=f"the charge master has no charge for {code} on {on.isoformat()}",
                fix="add the code to the charge master (openrcm billing fees import)",
            )
        )
        return None, findings
    units = entry.units
    charge = rate.charge_amount * units
    if "50" in modifiers:
        if units != 1:
            findings.append(
                Finding(
                    code="BILL-BILATERAL-UNITS",
                    severity=Severity.INFO,
                    line=line,
                    message=f"a bilateral procedure is one unit; {units} became 1",
                )
            )
        units = Decimal(1)
        charge = rate.charge_amount * 2
    ndc, quantity, unit, drug_findings = _drug(entry, rate, units, line=line)
    findings += drug_findings
    priced = PricedLine(
        procedure=code,
        modifiers=modifiers,
        units=units,
        charge_amount=to_money(charge),
        diagnosis_pointers=pointers,
        service_date=on,
        rate=rate,
        ndc=ndc,
        ndc_quantity=quantity,
        ndc_unit=unit,
    )
    return priced, findings


def _drug(
    entry: ProcedureEntry, rate: ChargeRate, units: Decimal, *, line: int
) -> tuple[str | None, Decimal | None, str | None, list[Finding]]:
    """The line's NDC, quantity and unit: the encounter's NDC first, else the charge master's."""
    findings: list[Finding] = []
    ndc = None
    if entry.ndc:
        try:
            ndc = normalize_ndc(entry.ndc)
        except ValueError as error:
            findings.append(
                Finding(
                    code="BILL-NDC-INVALID",
                    severity=Severity.ERROR,
                    line=line,
                    message=str(error),
                    fix="copy the NDC from the vial or package: 11 digits, or 10 with hyphens",
                )
            )
            return None, None, None, findings
    ndc = ndc or rate.ndc
    if ndc is None:
        if is_drug_code(entry.code):
            findings.append(
                Finding(
                    code="BILL-NDC-MISSING",
                    severity=Severity.WARNING,
                    line=line,
                    message=f"{entry.code} bills a drug but neither the encounter nor the charge "
                    "master gives its NDC",
                    fix="record the NDC administered, or add it to the charge master row",
                )
            )
        return None, None, None, findings
    per_unit = rate.ndc_quantity if rate.ndc_quantity is not None else Decimal(1)
    quantity = (per_unit * units).quantize(Decimal("0.001"))
    if quantity == quantity.to_integral_value():
        quantity = quantity.quantize(Decimal(1))
    return ndc, quantity, rate.ndc_unit or "UN", findings
