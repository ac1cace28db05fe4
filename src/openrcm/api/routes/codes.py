"""Code search and validation: ICD-10-CM, HCPCS Level II, CPT (no patient data, not audited)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query

from openrcm.api.convert import findings_out
from openrcm.api.deps import SearchCodes
from openrcm.api.problems import Problem
from openrcm.api.schemas import CodeHitOut, FindingOut

router = APIRouter(prefix="/codes", tags=["codes"])


class SearchSystem(StrEnum):
    ICD10CM = "icd10cm"
    HCPCS = "hcpcs"
    CPT = "cpt"


class ValidateSystem(StrEnum):
    ICD10CM = "icd10cm"
    HCPCS = "hcpcs"
    CPT = "cpt"
    MODIFIER = "modifier"
    POS = "pos"


def display(code: str, system: str) -> str:
    from openrcm.codes import icd10cm_dotted

    return icd10cm_dotted(code) if system == "icd10cm" else code


@router.get("/search", response_model=list[CodeHitOut], responses={401: {}, 403: {}})
def search_codes(
    who: SearchCodes,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words or a code.")],
    system: SearchSystem = SearchSystem.ICD10CM,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    billable: bool = False,
) -> list[CodeHitOut]:
    """Codes ranked by title, inclusion terms and synonyms, best first."""
    try:
        hits = who.resources.code_sets().search(
            q, system=system.value, limit=limit, billable_only=billable
        )
    except ValueError as error:
        raise Problem(422, str(error)) from error
    return [
        CodeHitOut(
            code=display(h.code, h.system),
            title=h.title,
            score=float(h.score),
            billable=bool(h.billable),
            system=h.system,
        )
        for h in hits
    ]


@router.get("/validate", response_model=list[FindingOut], responses={401: {}, 403: {}})
def validate_code(
    who: SearchCodes,
    system: ValidateSystem,
    code: Annotated[str, Query(min_length=1, max_length=20)],
    dos: Annotated[date, Query(description="Date of service.")],
) -> list[FindingOut]:
    """Findings for one code on a date of service; [] when valid and billable then."""
    try:
        found = who.resources.code_sets().validate(system.value, code, dos)
    except ValueError as error:
        raise Problem(422, str(error)) from error
    return findings_out(found)
