"""Claims of the current tenant: the queue, one claim, scrub, one-click fixes, 837 out, 837 in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from openrcm.api.convert import balance_out, claim_summary, findings_out
from openrcm.api.deps import Actor, CodeClaims, Paging, ReadRecords, SubmitClaims, WriteRecords
from openrcm.api.idempotency import IdempotencyKey, idempotent
from openrcm.api.problems import Problem
from openrcm.api.schemas import (
    ClaimDetailOut,
    ClaimSummary,
    FixIn,
    FixOut,
    ImportOut,
    PageOf,
    ScrubOut,
    SubmitIn,
    SubmitOut,
    X12In,
)
from openrcm.domain.access import AuditAction
from openrcm.domain.claim_state import ClaimStatus
from openrcm.service import claims as service

router = APIRouter(prefix="/claims", tags=["claims"])

ClaimId = Annotated[str, Path(min_length=1, max_length=64)]
NOT_FOUND = "this tenant has no claim with that id"


@router.get("", response_model=PageOf[ClaimSummary], responses={401: {}, 403: {}})
def list_claims(
    who: ReadRecords,
    paging: Paging,
    status: ClaimStatus | None = None,
    payer_id: Annotated[str | None, Query(max_length=80)] = None,
) -> PageOf[ClaimSummary]:
    """A page of claims by patient control number, filtered by status and payer."""
    found, total = service.claim_listings(
        who.uow(), status=status, payer_id=payer_id, limit=paging.limit, offset=paging.offset
    )
    who.audit(AuditAction.LIST, "claim", *(c.id for c in found))
    return PageOf[ClaimSummary](
        items=[
            ClaimSummary(
                id=c.id,
                patient_control_number=c.patient_control_number,
                status=c.status,
                kind=c.kind,
                payer_id=c.payer_id,
                patient_id=c.patient_id,
                first_service_date=c.first_service_date,
                total_charge_amount=c.total_charge_amount,
            )
            for c in found
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/{claim_id}", response_model=ClaimDetailOut, responses={401: {}, 403: {}, 404: {}})
def read_claim(claim_id: ClaimId, who: ReadRecords) -> ClaimDetailOut:
    """One claim as filed, its status history and its ledger balance."""
    detail = service.claim_detail(who.uow(), claim_id)
    if detail is None:
        raise Problem(404, NOT_FOUND)
    who.audit(AuditAction.READ, "claim", claim_id)
    return ClaimDetailOut(
        claim=detail.claim.model_dump(mode="json"),
        history=list(detail.history),
        balance=balance_out(detail.balance) if detail.balance else None,
    )


def scrub_one(who: Actor, claim_id: str) -> ScrubOut:
    context = who.resources.scrub_context(who.resources.today())
    found = service.scrub_stored_claim(who.uow(), claim_id, context)
    if found is None:
        raise Problem(404, NOT_FOUND)
    _, findings = found
    who.audit(AuditAction.SCRUB, "claim", claim_id)
    return ScrubOut(
        claim_id=claim_id,
        errors=sum(1 for f in findings if f.is_error),
        findings=findings_out(findings),
    )


@router.post("/{claim_id}/scrub", response_model=ScrubOut, responses={401: {}, 403: {}, 404: {}})
def scrub(claim_id: ClaimId, who: CodeClaims) -> ScrubOut:
    """The claim's scrub findings now, each with its one-click fix when there is one."""
    return scrub_one(who, claim_id)


@router.post(
    "/{claim_id}/fixes",
    response_model=FixOut,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def fix(claim_id: ClaimId, body: FixIn, who: CodeClaims) -> FixOut:
    """Apply the automatic fix for one finding and store the claim."""
    context = who.resources.scrub_context(who.resources.today())
    try:
        result = service.fix_claim(who.uow(), claim_id, body.code, body.line, context)
    except service.FixError as error:
        raise Problem(409, str(error), kind="fix-not-applicable") from error
    if result is None:
        raise Problem(404, NOT_FOUND)
    who.audit(AuditAction.FIX, "claim", claim_id)
    return FixOut(
        claim=claim_summary(result.claim),
        fixed=result.fixed,
        before=findings_out(result.before),
        after=findings_out(result.after),
    )


@router.post(
    "/submissions",
    response_model=SubmitOut,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def submit(body: SubmitIn, who: SubmitClaims) -> SubmitOut:
    """Scrub the claims, write the clean ones as one 837P and mark them submitted."""
    for claim_id in body.claim_ids:
        if not 1 <= len(claim_id) <= 64:
            raise Problem(422, "a claim id is 1-64 characters")
    context = who.resources.scrub_context(who.resources.today())
    result = service.submit_claims(who.uow(), body.claim_ids, context)
    if result is None:
        raise Problem(404, "a claim id is not a claim of this tenant")
    who.audit(AuditAction.SUBMIT, "claim", *result.submitted)
    return SubmitOut(
        submitted=list(result.submitted),
        held={k: findings_out(v) for k, v in result.held.items()},
        x12=result.text,
    )


@router.post(
    "/imports",
    response_model=ImportOut,
    responses={401: {}, 403: {}, 422: {}},
)
def import_claims(body: X12In, who: WriteRecords, key: IdempotencyKey) -> object:
    """Store every claim of an 837P/837I file and post its charges; the same file twice
    imports nothing. Charges are money movements: send an Idempotency-Key."""
    from openrcm.x12.errors import X12Error

    def run() -> tuple[int, object]:
        try:
            summary = service.import_837(who.uow(), body.text, name=body.name)
        except X12Error as error:
            raise Problem(422, str(error), kind="x12-unreadable") from error
        who.audit(AuditAction.CREATE, "claim-file", summary.document)
        payload = ImportOut(
            document=summary.document,
            claims_imported=summary.claims_imported,
            already_imported=summary.already_imported,
            claims_already_on_file=summary.claims_already_on_file,
            findings=findings_out(summary.findings),
        )
        return 200, payload.model_dump(mode="json")

    return idempotent(who, key, body.model_dump_json(), run)
