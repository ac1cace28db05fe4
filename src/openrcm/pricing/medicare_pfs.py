"""Medicare Physician Fee Schedule (PFS): RVUs × GPCIs × conversion factor, one code at a time.

The CMS files (national RVU file with its payment indicators, GPCIs by locality, ZIP →
locality) load into a `MedicarePfs`. `MedicarePfs.price` prices one code with its
modifiers in one locality and setting:

    fee = (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × CF

with the facility PE RVU when the place of service is a facility (`FACILITY_POS`) and the
non-facility PE RVU otherwise. Rounding happens at defined points only, half-up to cents:
(1) the full fee schedule amount for one unit of the code; (2) after each modifier
adjustment (bilateral, assistant, co-surgeon); (3) after multiplying by units. The
same-day rules that rank several procedures (multiple surgery, endoscopy families,
imaging, therapy and cardiology/ophthalmology reductions) are in `multiple_procedure`.

Status codes (RVU25D Attachment A) decide whether a code is paid: A and T are priced; B
and P are bundled; N is not covered; I is not valid for Medicare; M is reporting only;
C, R, E, X, J and codes missing from the file have no PFS amount (contractor priced or
paid outside the PFS), which a payer contract may price another way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import CENT

ZERO = Decimal("0.00")
ONE = Decimal(1)

FACILITY_POS: frozenset[str] = frozenset(
    {"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)
"""Places of service paid at the facility rate (Medicare Claims Processing Manual, ch. 12,
§20.4.2): telehealth other than home (02), hospital inpatient and outpatient (19, 21, 22),
emergency room (23), ASC (24), military facility (26), SNF (31), hospice (34), ambulance (41,
42), inpatient psychiatric (51), partial hospitalisation (52), CMHC (53), psychiatric
residential treatment (56) and comprehensive inpatient rehabilitation (61)."""

NATIONAL = "NATIONAL"
"""The pseudo-locality whose GPCIs are all 1.000: the national payment amount."""

ASSISTANT_MODIFIERS = frozenset({"80", "81", "82", "AS"})
COMPONENT_MODIFIERS = frozenset({"26", "TC", "53"})

ASSISTANT_SHARE = Decimal("0.16")  # assistant at surgery: 16% of the surgeon's fee
NON_PHYSICIAN_ASSISTANT_SHARE = Decimal("0.85")  # AS: 85% of the 16%
CO_SURGEON_SHARE = Decimal("0.625")  # modifier 62: 62.5% to each surgeon


def half_up(value: Decimal) -> Decimal:
    """Round half-up to cents: the one rounding rule for money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class PfsStatus(StrEnum):
    """What the RVU file's status code means for payment."""

    PRICED = "priced"  # A, T: RVUs and a PFS amount
    NOT_PRICED = "not_priced"  # C, R, E, X, J, or not in the file: no PFS amount
    NOT_PAYABLE = "not_payable"  # B, P, N, I, M, or an invalid modifier: no payment


@dataclass(frozen=True, slots=True)
class RvuRow:
    """One row of the national RVU file (PPRRVU): a code, or a code with 26, TC or 53.

    Indicators keep the file's one-character values: `pctc` (PC/TC), `multiple_procedure`,
    `bilateral`, `assistant`, `co_surgeons`, `team_surgery`; `endoscopic_base` is the
    family's base code for multiple-procedure indicator 3; `imaging_family` is 88 for
    diagnostic imaging subject to the multiple-procedure reduction, 99 when it does not apply.
    """

    hcpcs: str
    modifier: str  # "", "26", "TC" or "53"
    status: str
    work: Decimal
    pe_non_facility: Decimal
    pe_facility: Decimal
    mp: Decimal
    non_facility_total: Decimal
    facility_total: Decimal
    non_facility_na: bool
    facility_na: bool
    pctc: str
    global_days: str
    multiple_procedure: str
    bilateral: str
    assistant: str
    co_surgeons: str
    team_surgery: str
    endoscopic_base: str
    conversion_factor: Decimal
    imaging_family: str
    description: str = ""

    def pe(self, facility: bool) -> Decimal:
        return self.pe_facility if facility else self.pe_non_facility


@dataclass(frozen=True, slots=True)
class Gpci:
    """Geographic practice cost indices of one payment locality (MAC and locality number)."""

    mac: str
    locality: str
    state: str
    name: str
    work: Decimal
    pe: Decimal
    mp: Decimal

    @property
    def key(self) -> str:
        """`MAC-LOCALITY`, e.g. `01182-18` for Los Angeles."""
        return f"{self.mac}-{self.locality}"


NATIONAL_GPCI = Gpci(
    mac="00000", locality="00", state="US", name="NATIONAL", work=ONE, pe=ONE, mp=ONE
)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One modifier adjustment applied to a price: what, and the factor it multiplied by."""

    rule: str  # "bilateral-150", "assistant-16", "co-surgeon-62.5", "multiple-procedure-50"...
    factor: Decimal
    amount_before: Decimal
    amount_after: Decimal


@dataclass(frozen=True, slots=True)
class PfsPrice:
    """The PFS price of one code (with modifiers and units) in one locality and setting.

    `fee_schedule_amount` is the full amount for one unit of the row priced (26 or TC rows
    included), before any modifier adjustment; `allowed` is after the adjustments and units.
    `carc` and `rarc` say why a code is not payable (status or modifier), for the 835.
    """

    code: str
    modifiers: tuple[str, ...]
    locality: str
    facility: bool
    service_date: date
    status: PfsStatus
    status_code: str  # the RVU file's own status code; "" when the code is not in the file
    rvu_work: Decimal = ZERO
    rvu_pe: Decimal = ZERO
    rvu_mp: Decimal = ZERO
    gpci_work: Decimal = ONE
    gpci_pe: Decimal = ONE
    gpci_mp: Decimal = ONE
    conversion_factor: Decimal = ZERO
    units: Decimal = ONE
    fee_schedule_amount: Decimal = ZERO
    allowed: Decimal = ZERO
    adjustments: tuple[Adjustment, ...] = ()
    findings: tuple[Finding, ...] = ()
    carc: str | None = None
    rarc: str | None = None
    row: RvuRow | None = field(default=None, compare=False, repr=False)

    @property
    def priced(self) -> bool:
        return self.status is PfsStatus.PRICED

    @property
    def rvu_total(self) -> Decimal:
        return self.rvu_work + self.rvu_pe + self.rvu_mp

    def reduced(self, allowed: Decimal, adjustment: Adjustment) -> PfsPrice:
        """A copy with a new allowed amount and one more adjustment on record."""
        from dataclasses import replace

        return replace(self, allowed=allowed, adjustments=(*self.adjustments, adjustment))


class UnknownLocality(LookupError):
    """A locality or ZIP code the fee schedule does not know."""


@dataclass(frozen=True, slots=True)
class MedicarePfs:
    """One year's Medicare PFS: RVU rows, GPCIs and ZIP → locality, with its effective period."""

    year: int
    effective_date: date
    termination_date: date
    conversion_factor: Decimal
    rvus: Mapping[tuple[str, str], RvuRow]  # (HCPCS, "" | "26" | "TC" | "53")
    gpcis: Mapping[str, Gpci]  # "MAC-LOCALITY"
    zip_localities: Mapping[str, str]  # ZIP5 -> "MAC-LOCALITY"

    def in_force(self, day: date) -> bool:
        return self.effective_date <= day <= self.termination_date

    def row(self, code: str, modifier: str = "") -> RvuRow | None:
        return self.rvus.get((code.upper(), modifier))

    def gpci(self, locality: str) -> Gpci:
        """The GPCIs of a locality given as `MAC-LOCALITY` (`01182-18`), `MACLOCALITY`
        (`0118218`) or `NATIONAL`."""
        key = normalise_locality(locality)
        if key == NATIONAL:
            return NATIONAL_GPCI
        found = self.gpcis.get(key)
        if found is None:
            raise UnknownLocality(
                f"{locality!r} is not a Medicare payment locality in the CY{self.year} GPCI file"
            )
        return found

    def locality_for_zip(self, zip_code: str) -> str:
        """The `MAC-LOCALITY` a ZIP code (5 or 9 digits) is paid in."""
        found = self.zip_localities.get(zip_code.strip()[:5])
        if found is None:
            raise UnknownLocality(f"ZIP code {zip_code[:5]!r} is not in the ZIP-to-locality file")
        return found

    def fee(self, row: RvuRow, gpci: Gpci, facility: bool) -> Decimal:
        """The full fee schedule amount for one unit of `row`, rounded half-up to cents."""
        exact = (
            row.work * gpci.work + row.pe(facility) * gpci.pe + row.mp * gpci.mp
        ) * row.conversion_factor
        return half_up(exact)

    def price(
        self,
        code: str,
        modifiers: Iterable[str] = (),
        *,
        locality: str,
        place_of_service: str,
        service_date: date,
        units: Decimal = ONE,
    ) -> PfsPrice:
        """Price one code with its modifiers; modifier rules from the file's indicators.

        Raises `UnknownLocality` for an unknown locality and `ValueError` for a date outside
        this schedule's year; everything about the code itself comes back as data.
        """
        if not self.in_force(service_date):
            raise ValueError(
                f"the CY{self.year} Medicare PFS is not in force on {service_date.isoformat()}"
            )
        gpci = self.gpci(locality)
        return price_code(
            self,
            code.upper().strip(),
            tuple(m.upper() for m in modifiers),
            gpci=gpci,
            facility=place_of_service in FACILITY_POS,
            service_date=service_date,
            units=units,
        )


def normalise_locality(locality: str) -> str:
    text = locality.strip().upper()
    if text in {NATIONAL, "NATIONAL", "00000-00"}:
        return NATIONAL
    if "-" in text:
        mac, _, number = text.partition("-")
        return f"{mac.zfill(5)}-{number.zfill(2)}"
    if len(text) == 7 and text.isdigit():
        return f"{text[:5]}-{text[5:]}"
    return text


def price_code(
    pfs: MedicarePfs,
    code: str,
    modifiers: tuple[str, ...],
    *,
    gpci: Gpci,
    facility: bool,
    service_date: date,
    units: Decimal = ONE,
) -> PfsPrice:
    """Price one code (see `MedicarePfs.price`); the GPCIs are already looked up."""
    base = PfsPrice(
        code=code,
        modifiers=modifiers,
        locality=gpci.key if gpci is not NATIONAL_GPCI else NATIONAL,
        facility=facility,
        service_date=service_date,
        status=PfsStatus.NOT_PRICED,
        status_code="",
        gpci_work=gpci.work,
        gpci_pe=gpci.pe,
        gpci_mp=gpci.mp,
        conversion_factor=pfs.conversion_factor,
        units=units,
    )
    component = next((m for m in modifiers if m in COMPONENT_MODIFIERS), "")
    global_row = pfs.row(code)
    row = pfs.row(code, component) if component else global_row
    if row is None and component == "53":
        row = global_row  # 53 has its own row for four codes only; the rest price as billed
    if global_row is None and row is None:
        return _with(
            base,
            findings=(_finding("PFS-CODE-UNKNOWN", Severity.WARNING, f"{code} is not in the PFS"),),
        )
    if row is None:
        assert global_row is not None
        return _with(
            base,
            status=PfsStatus.NOT_PAYABLE,
            status_code=global_row.status,
            carc="4",
            rarc="N519",
            findings=(
                _finding(
                    "PFS-MODIFIER-INVALID",
                    Severity.ERROR,
                    f"modifier {component} is not valid with {code} (PC/TC indicator "
                    f"{global_row.pctc})",
                ),
            ),
        )
    base = _with(
        base,
        status_code=row.status,
        rvu_work=row.work,
        rvu_pe=row.pe(facility),
        rvu_mp=row.mp,
        conversion_factor=row.conversion_factor,
        row=row,
    )
    blocked = _status_block(row.status)
    if blocked is not None:
        status, carc, rarc, message = blocked
        severity = Severity.INFO if status is PfsStatus.NOT_PRICED else Severity.WARNING
        return _with(
            base,
            status=status,
            carc=carc,
            rarc=rarc,
            findings=(_finding(f"PFS-STATUS-{row.status}", severity, f"{code}: {message}"),),
        )
    fee = pfs.fee(row, gpci, facility)
    price = _with(base, status=PfsStatus.PRICED, fee_schedule_amount=fee, allowed=fee)
    price = _apply_bilateral(price, row)
    if price.status is PfsStatus.PRICED:
        price = _apply_surgeon_modifiers(price, row)
    if price.status is PfsStatus.PRICED and units != ONE:
        before = price.allowed
        price = price.reduced(
            half_up(before * units), Adjustment("units", units, before, half_up(before * units))
        )
    return price


def _with(price: PfsPrice, **changes: object) -> PfsPrice:
    from dataclasses import replace

    return replace(price, **changes)  # type: ignore[arg-type]


def _finding(code: str, severity: Severity, message: str) -> Finding:
    return Finding(code=code, severity=severity, message=message)


_STATUS_BLOCKS: dict[str, tuple[PfsStatus, str | None, str | None, str]] = {
    "B": (
        PfsStatus.NOT_PAYABLE,
        "97",
        "M15",
        "bundled code (status B): paid within another service",
    ),
    "P": (PfsStatus.NOT_PAYABLE, "97", "M15", "bundled/excluded code (status P)"),
    "N": (PfsStatus.NOT_PAYABLE, "96", "N130", "not covered by Medicare (status N)"),
    "I": (
        PfsStatus.NOT_PAYABLE,
        "181",
        "M51",
        "not valid for Medicare: another code is used (status I)",
    ),
    "M": (PfsStatus.NOT_PAYABLE, "246", None, "measurement code, reporting only (status M)"),
    "C": (PfsStatus.NOT_PRICED, None, None, "contractor priced (status C)"),
    "R": (PfsStatus.NOT_PRICED, None, None, "restricted coverage, contractor priced (status R)"),
    "E": (PfsStatus.NOT_PRICED, None, None, "excluded from the PFS by regulation (status E)"),
    "X": (PfsStatus.NOT_PRICED, None, None, "statutory exclusion: paid outside the PFS (status X)"),
    "J": (PfsStatus.NOT_PRICED, None, None, "anesthesia service: no RVUs (status J)"),
}


def _status_block(status: str) -> tuple[PfsStatus, str | None, str | None, str] | None:
    if status in {"A", "T"}:
        return None
    return _STATUS_BLOCKS.get(
        status, (PfsStatus.NOT_PRICED, None, None, f"status {status} has no PFS amount")
    )


def _not_payable(price: PfsPrice, code: str, message: str, carc: str, rarc: str | None) -> PfsPrice:
    return _with(
        price,
        status=PfsStatus.NOT_PAYABLE,
        allowed=ZERO,
        carc=carc,
        rarc=rarc,
        findings=(*price.findings, _finding(code, Severity.ERROR, message)),
    )


def _apply_bilateral(price: PfsPrice, row: RvuRow) -> PfsPrice:
    """Modifier 50 by the bilateral indicator: 1 → 150%, 2 → 100% (RVUs already bilateral),
    3 → 100% for each side (200%), 0 → 100% for both sides; 9 → the modifier does not apply."""
    if "50" not in price.modifiers:
        return price
    factor = {"1": Decimal("1.5"), "2": ONE, "3": Decimal(2), "0": ONE}.get(row.bilateral)
    if factor is None:
        return _not_payable(
            price,
            "PFS-BILATERAL-NA",
            f"modifier 50 does not apply to {price.code} (bilateral indicator {row.bilateral})",
            "4",
            None,
        )
    after = half_up(price.allowed * factor)
    return price.reduced(
        after, Adjustment(f"bilateral-{row.bilateral}", factor, price.allowed, after)
    )


def _apply_surgeon_modifiers(price: PfsPrice, row: RvuRow) -> PfsPrice:
    """Assistant at surgery (80/81/82: 16%; AS: 85% of 16%) by the assistant indicator
    (2 payable; 0 needs documentation; 1 never), co-surgeons (62: 62.5%; indicator 0
    refused) and team surgery (66: priced by report)."""
    modifiers = set(price.modifiers)
    assistant = modifiers & ASSISTANT_MODIFIERS
    if assistant:
        if row.assistant != "2":
            why = "never paid" if row.assistant == "1" else "not paid without documentation"
            return _not_payable(
                price,
                "PFS-ASSISTANT-NOT-PAID",
                f"an assistant at surgery on {price.code} is {why} (indicator {row.assistant})",
                "54",
                "N90" if row.assistant == "1" else "M25",
            )
        factor = ASSISTANT_SHARE
        rule = "assistant-16"
        if "AS" in assistant:
            factor = ASSISTANT_SHARE * NON_PHYSICIAN_ASSISTANT_SHARE
            rule = "assistant-AS-13.6"
        after = half_up(price.allowed * factor)
        price = price.reduced(after, Adjustment(rule, factor, price.allowed, after))
    if "62" in modifiers:
        if row.co_surgeons not in {"1", "2"}:
            return _not_payable(
                price,
                "PFS-CO-SURGEON-NOT-PAID",
                f"co-surgeons are not paid for {price.code} (indicator {row.co_surgeons})",
                "54",
                None,
            )
        after = half_up(price.allowed * CO_SURGEON_SHARE)
        price = price.reduced(
            after, Adjustment("co-surgeon-62.5", CO_SURGEON_SHARE, price.allowed, after)
        )
    if "66" in modifiers:
        if row.team_surgery in {"1", "2"}:
            return _with(
                price,
                status=PfsStatus.NOT_PRICED,
                allowed=ZERO,
                findings=(
                    *price.findings,
                    _finding(
                        "PFS-TEAM-BY-REPORT",
                        Severity.INFO,
                        f"team surgery on {price.code} is priced by report",
                    ),
                ),
            )
        return _not_payable(
            price,
            "PFS-TEAM-NOT-PAID",
            f"team surgery is not paid for {price.code} (indicator {row.team_surgery})",
            "54",
            None,
        )
    return price


# --- loading -------------------------------------------------------------------------------


def _decimal(text: str) -> Decimal:
    text = text.strip()
    return Decimal(text) if text else Decimal("0.00")


def read_rvu_rows(path: Path) -> dict[tuple[str, str], RvuRow]:
    """Rows of the tidy national RVU file (`pprrvu2025_oct_tidy.csv`), by (HCPCS, modifier)."""
    rows: dict[tuple[str, str], RvuRow] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            row = RvuRow(
                hcpcs=record["hcpcs"].strip().upper(),
                modifier=record["mod"].strip().upper(),
                status=record["status_code"].strip().upper(),
                work=_decimal(record["work_rvu"]),
                pe_non_facility=_decimal(record["non_fac_pe_rvu"]),
                pe_facility=_decimal(record["facility_pe_rvu"]),
                mp=_decimal(record["mp_rvu"]),
                non_facility_total=_decimal(record["non_facility_total"]),
                facility_total=_decimal(record["facility_total"]),
                non_facility_na=record["non_fac_na_indicator"].strip() == "NA",
                facility_na=record["facility_na_indicator"].strip() == "NA",
                pctc=record["pctc_ind"].strip(),
                global_days=record["glob_days"].strip(),
                multiple_procedure=record["mult_proc"].strip(),
                bilateral=record["bilat_surg"].strip(),
                assistant=record["asst_surg"].strip(),
                co_surgeons=record["co_surg"].strip(),
                team_surgery=record["team_surg"].strip(),
                endoscopic_base=record["endo_base"].strip().upper(),
                conversion_factor=_decimal(record["conv_factor"]),
                imaging_family=record["diagnostic_imaging_family_indicator"].strip(),
                description=record["description"].strip(),
            )
            rows[(row.hcpcs, row.modifier)] = row
    return rows


def read_gpcis(path: Path) -> dict[str, Gpci]:
    """The tidy GPCI file (`gpci2025_tidy.csv`), by `MAC-LOCALITY`."""
    gpcis: dict[str, Gpci] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            gpci = Gpci(
                mac=record["mac"].strip().zfill(5),
                locality=record["locality"].strip().zfill(2),
                state=record["state"].strip(),
                name=record["locality_name"].strip(),
                work=_decimal(record["pw_gpci_with_1_0_floor"]),
                pe=_decimal(record["pe_gpci"]),
                mp=_decimal(record["mp_gpci"]),
            )
            gpcis[gpci.key] = gpci
    return gpcis


def read_zip_localities(path: Path) -> dict[str, str]:
    """The ZIP5 → `MAC-LOCALITY` file (`zip5_locality_2025q4.csv`)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            r["zip5"].strip(): f"{r['carrier'].strip().zfill(5)}-{r['locality'].strip().zfill(2)}"
            for r in csv.DictReader(handle)
        }


def load_medicare_pfs(directory: Path, *, year: int = 2025) -> MedicarePfs:
    """Load a year's PFS from a folder laid out like `shared/data/cms/pfs2025/`."""
    rvus = read_rvu_rows(directory / f"pprrvu{year}_oct_tidy.csv")
    gpcis = read_gpcis(directory / f"gpci{year}_tidy.csv")
    zips = read_zip_localities(directory / f"zip5_locality_{year}q4.csv")
    factors = {row.conversion_factor for row in rvus.values() if row.conversion_factor}
    if len(factors) != 1:
        raise ValueError(f"the RVU file has {len(factors)} conversion factors; expected one")
    return MedicarePfs(
        year=year,
        effective_date=date(year, 1, 1),
        termination_date=date(year, 12, 31),
        conversion_factor=factors.pop(),
        rvus=MappingProxyType(rvus),
        gpcis=MappingProxyType(gpcis),
        zip_localities=MappingProxyType(zips),
    )
