"""Patients of the current tenant: list, add, read, and their coverages, encounters,
balances and statement. Every read of a patient is audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from openrcm.api.convert import balance_out, statement_out
from openrcm.api.deps import Paging, ReadRecords, WriteRecords
from openrcm.api.problems import Problem
from openrcm.api.schemas import PageOf, PatientAccountOut
from openrcm.domain.access import AuditAction
from openrcm.domain.claim import Encounter
from openrcm.domain.party import Coverage, Patient
from openrcm.service.claims import patient_account

router = APIRouter(prefix="/patients", tags=["patients"])

PatientId = Annotated[str, Path(min_length=1, max_length=64)]


def valid_patient(patient_id: PatientId, who: ReadRecords) -> Patient:
    """The tenant's patient with this id (audited as read), or 404."""
    with who.uow() as uow:
        patient = uow.patients.get(patient_id)
    if patient is None:
        raise Problem(404, "this tenant has no patient with that id")
    who.audit(AuditAction.READ, "patient", patient.id)
    return patient


ValidPatient = Annotated[Patient, Depends(valid_patient)]


@router.get("", response_model=PageOf[Patient], responses={401: {}, 403: {}})
def list_patients(who: ReadRecords, paging: Paging) -> PageOf[Patient]:
    """A page of patients in id order."""
    with who.uow() as uow:
        found = uow.patients.list(limit=paging.limit, offset=paging.offset)
    who.audit(AuditAction.LIST, "patient", *(p.id for p in found))
    return PageOf[Patient](items=found, total=None, limit=paging.limit, offset=paging.offset)


@router.post("", response_model=Patient, status_code=201, responses={401: {}, 403: {}, 409: {}})
def add_patient(patient: Patient, who: WriteRecords) -> Patient:
    """Register a patient (the id must be new in this tenant)."""
    with who.uow() as uow:
        uow.patients.add(patient)
        uow.commit()
    who.audit(AuditAction.CREATE, "patient", patient.id)
    return patient


@router.get("/{patient_id}", response_model=Patient, responses={401: {}, 403: {}, 404: {}})
def read_patient(patient: ValidPatient) -> Patient:
    """One patient."""
    return patient


@router.get(
    "/{patient_id}/coverages", response_model=list[Coverage], responses={401: {}, 403: {}, 404: {}}
)
def patient_coverages(patient: ValidPatient, who: ReadRecords) -> list[Coverage]:
    """The patient's coverages, primary first."""
    with who.uow() as uow:
        return uow.coverages.for_patient(patient.id)


@router.get(
    "/{patient_id}/encounters",
    response_model=list[Encounter],
    responses={401: {}, 403: {}, 404: {}},
)
def patient_encounters(patient: ValidPatient, who: ReadRecords) -> list[Encounter]:
    """The patient's encounters, oldest first."""
    with who.uow() as uow:
        return uow.encounters.for_patient(patient.id)


@router.get(
    "/{patient_id}/account",
    response_model=PatientAccountOut,
    responses={401: {}, 403: {}, 404: {}},
)
def patient_account_view(
    patient: ValidPatient, who: ReadRecords, as_of: date | None = None
) -> PatientAccountOut:
    """The patient's claim balances and the statement due now (null when nothing is due)."""
    day = as_of or who.resources.today()
    found = patient_account(who.uow(), patient.id, as_of=day)
    if found is None:
        raise Problem(404, "this tenant has no patient with that id")
    who.audit(AuditAction.READ, "statement", patient.id)
    return PatientAccountOut(
        patient_id=patient.id,
        balances=[balance_out(b) for b in found.balances],
        statement=statement_out(found.statement) if found.statement else None,
    )
