"""The denial queue: denied claims the 835s queued, oldest first."""

from __future__ import annotations

from fastapi import APIRouter

from openrcm.api.deps import Paging, ReadFinance
from openrcm.api.routes.remittances import work_item_out
from openrcm.api.schemas import PageOf, WorkItemOut
from openrcm.domain.access import AuditAction
from openrcm.service.ledger import ledger_of

router = APIRouter(prefix="/denials", tags=["denials"])


@router.get("", response_model=PageOf[WorkItemOut], responses={401: {}, 403: {}})
def denial_queue(who: ReadFinance, paging: Paging) -> PageOf[WorkItemOut]:
    """Open denials with their CARCs and amounts."""
    with who.uow() as uow:
        found = ledger_of(uow).work_items(kind="denial", limit=paging.limit, offset=paging.offset)
    who.audit(AuditAction.LIST, "denial", *(str(i["id"]) for i in found))
    return PageOf[WorkItemOut](
        items=[work_item_out(i) for i in found],
        total=None,
        limit=paging.limit,
        offset=paging.offset,
    )
