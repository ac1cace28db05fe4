"""Remittances (835): post one (idempotent), list and read posted files, the work queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from openrcm.api.convert import findings_out
from openrcm.api.deps import Paging, PostRemittance, ReadFinance
from openrcm.api.idempotency import IdempotencyKey, idempotent
from openrcm.api.problems import Problem
from openrcm.api.schemas import (
    DocumentOut,
    PageOf,
    PostingOut,
    ResolvedOut,
    ResolveIn,
    WorkItemOut,
    X12In,
)
from openrcm.domain.access import AuditAction
from openrcm.service.ledger import ledger_of
from openrcm.service.remit import post_835, resolve_work_items

router = APIRouter(prefix="/remittances", tags=["remittances"])

WORK_KINDS = ("exception", "denial", "discrepancy", "secondary_claim")


@router.post(
    "",
    response_model=PostingOut,
    responses={401: {}, 403: {}, 422: {}},
)
def post_remittance(body: X12In, who: PostRemittance, key: IdempotencyKey) -> object:
    """Post every payment of an 835 to the ledger. Send an Idempotency-Key: a retry with the
    same key is answered from the first posting; the same file twice changes nothing."""
    from openrcm.x12.errors import X12Error

    def run() -> tuple[int, object]:
        try:
            summary = post_835(who.uow(), body.text, name=body.name)
        except X12Error as error:
            raise Problem(422, str(error), kind="x12-unreadable") from error
        who.audit(AuditAction.POST, "remittance", summary.document)
        payload = PostingOut(
            document=summary.document,
            checks=summary.checks,
            claims_posted=summary.claims_posted,
            claims_unmatched=summary.claims_unmatched,
            amount_posted=summary.amount_posted,
            already_posted=summary.already_posted,
            checks_already_posted=summary.checks_already_posted,
            exceptions=summary.exceptions,
            denials=summary.denials,
            discrepancies=summary.discrepancies,
            secondary_claims=summary.secondary_claims,
            findings=findings_out(summary.findings),
        )
        return 200, payload.model_dump(mode="json")

    return idempotent(who, key, body.model_dump_json(), run)


@router.get("", response_model=PageOf[DocumentOut], responses={401: {}, 403: {}})
def list_remittances(who: ReadFinance, paging: Paging) -> PageOf[DocumentOut]:
    """Posted 835 files, newest first."""
    with who.uow() as uow:
        found = uow.documents.list(kind="835", limit=paging.limit, offset=paging.offset)
    return PageOf[DocumentOut](
        items=[
            DocumentOut(id=d.content_sha256, kind=d.kind, name=d.name, received_at=d.received_at)
            for d in found
        ],
        total=None,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/work-items", response_model=PageOf[WorkItemOut], responses={401: {}, 403: {}})
def work_items(
    who: ReadFinance,
    paging: Paging,
    kind: Annotated[str, Query(pattern="^(exception|denial|discrepancy|secondary_claim)$")] = (
        "exception"
    ),
    include_resolved: bool = False,
) -> PageOf[WorkItemOut]:
    """What posting queued for people: unmatched payments and other exceptions, denials,
    underpayment discrepancies, secondary claims."""
    with who.uow() as uow:
        found = ledger_of(uow).work_items(
            kind=kind, open_only=not include_resolved, limit=paging.limit, offset=paging.offset
        )
    who.audit(AuditAction.LIST, f"work-item:{kind}", *(str(i["id"]) for i in found))
    return PageOf[WorkItemOut](
        items=[work_item_out(i) for i in found],
        total=None,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "/work-items/resolve", response_model=ResolvedOut, responses={401: {}, 403: {}, 422: {}}
)
def resolve(body: ResolveIn, who: PostRemittance) -> ResolvedOut:
    """Close open work items (any kind) with a note: what was done about them. Ids that are
    not open in this tenant (resolved before, or not there) count as `not_open`; sending
    the same request again resolves nothing more."""
    ids = sorted({i[:64] for i in body.ids})
    done = resolve_work_items(who.uow(), ids, body.note)
    who.audit(AuditAction.UPDATE, "work-item", *ids)
    return ResolvedOut(resolved=done, not_open=len(ids) - done)


def work_item_out(item: dict[str, object]) -> WorkItemOut:
    base = {"id", "kind", "check_id", "claim", "resolved"}
    return WorkItemOut(
        id=str(item["id"]),
        kind=str(item["kind"]),
        check_id=str(item["check_id"]),
        claim=None if item.get("claim") is None else str(item["claim"]),
        resolved=bool(item["resolved"]),
        details={k: v for k, v in item.items() if k not in base},
    )


@router.get("/{document_id}", response_model=DocumentOut, responses={401: {}, 403: {}, 404: {}})
def read_remittance(
    document_id: Annotated[str, Path(min_length=1, max_length=64)], who: ReadFinance
) -> DocumentOut:
    """One posted 835 file by its SHA-256."""
    with who.uow() as uow:
        found = uow.documents.get(document_id)
    if found is None or found.kind != "835":
        raise Problem(404, "this tenant has no remittance with that id")
    who.audit(AuditAction.READ, "remittance", document_id)
    return DocumentOut(
        id=found.content_sha256, kind=found.kind, name=found.name, received_at=found.received_at
    )
