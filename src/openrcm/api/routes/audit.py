"""The audit trail of the current tenant, for auditors and administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from openrcm.api.deps import Paging, ReadAudit
from openrcm.api.schemas import AuditEventOut, PageOf
from openrcm.service.audit import audit_trail

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=PageOf[AuditEventOut], responses={401: {}, 403: {}})
def audit_events(
    who: ReadAudit,
    paging: Paging,
    record_type: Annotated[str | None, Query(max_length=30)] = None,
    record_id: Annotated[str | None, Query(max_length=200)] = None,
    user_id: Annotated[str | None, Query(max_length=64)] = None,
) -> PageOf[AuditEventOut]:
    """Who read or wrote which record, when and why; newest first."""
    found, total = audit_trail(
        who.uow(),
        record_type=record_type,
        record_id=record_id,
        user_id=user_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    return PageOf[AuditEventOut](
        items=[
            AuditEventOut(
                id=e.id,
                user_id=e.user_id,
                username=e.username,
                action=e.action.value,
                record_type=e.record_type,
                record_id=e.record_id,
                reason=e.reason,
                at=e.at,
            )
            for e in found
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )
