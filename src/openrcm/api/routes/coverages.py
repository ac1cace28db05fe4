"""Coverages of the current tenant's patients: add one, read one (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from openrcm.api.deps import ReadRecords, WriteRecords
from openrcm.api.problems import Problem
from openrcm.domain.access import AuditAction
from openrcm.domain.party import Coverage

router = APIRouter(prefix="/coverages", tags=["coverages"])


@router.post("", response_model=Coverage, status_code=201, responses={401: {}, 403: {}, 409: {}})
def add_coverage(coverage: Coverage, who: WriteRecords) -> Coverage:
    """Add a coverage for a patient and payer of this tenant."""
    with who.uow() as uow:
        uow.coverages.add(coverage)
        uow.commit()
    who.audit(AuditAction.CREATE, "coverage", coverage.id)
    return coverage


@router.get("/{coverage_id}", response_model=Coverage, responses={401: {}, 403: {}, 404: {}})
def read_coverage(
    coverage_id: Annotated[str, Path(min_length=1, max_length=64)], who: ReadRecords
) -> Coverage:
    """One coverage."""
    with who.uow() as uow:
        coverage = uow.coverages.get(coverage_id)
    if coverage is None:
        raise Problem(404, "this tenant has no coverage with that id")
    who.audit(AuditAction.READ, "coverage", coverage.id)
    return coverage
