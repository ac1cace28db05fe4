"""Encounters (coded visits) of the current tenant: add one, read one (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from openrcm.api.deps import ReadRecords, WriteRecords
from openrcm.api.problems import Problem
from openrcm.domain.access import AuditAction
from openrcm.domain.claim import Encounter

router = APIRouter(prefix="/encounters", tags=["encounters"])


@router.post("", response_model=Encounter, status_code=201, responses={401: {}, 403: {}, 409: {}})
def add_encounter(encounter: Encounter, who: WriteRecords) -> Encounter:
    """Record a coded visit for a patient and provider of this tenant."""
    with who.uow() as uow:
        uow.encounters.add(encounter)
        uow.commit()
    who.audit(AuditAction.CREATE, "encounter", encounter.id)
    return encounter


@router.get("/{encounter_id}", response_model=Encounter, responses={401: {}, 403: {}, 404: {}})
def read_encounter(
    encounter_id: Annotated[str, Path(min_length=1, max_length=64)], who: ReadRecords
) -> Encounter:
    """One encounter."""
    with who.uow() as uow:
        encounter = uow.encounters.get(encounter_id)
    if encounter is None:
        raise Problem(404, "this tenant has no encounter with that id")
    who.audit(AuditAction.READ, "encounter", encounter.id)
    return encounter
