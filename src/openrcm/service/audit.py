"""The audit trail: every read and write of patient data, appended, and read by auditors.

`record_access` appends one event per record touched (who, tenant, record, action, when,
why) in its own transaction; `audit_of(uow)` gives the audit repository of an open unit of
work, for writes that should commit together with their audit rows. `audit_trail` pages
through a tenant's events, newest first. Events carry ids only, never names or other PHI.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openrcm.domain.access import AuditAction, AuditEvent
from openrcm.store.auth_tables import SqlAuditRepository

DEFAULT_REASON = "payment"  # HIPAA's treatment, payment and operations: billing is payment


def audit_of(uow: Any) -> SqlAuditRepository:
    """The audit repository of an open unit of work."""
    found = getattr(uow, "audit", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlAuditRepository(uow.session, uow.tenant_id)


def events(
    tenant_id: str,
    *,
    user_id: str,
    username: str,
    action: AuditAction,
    record_type: str,
    record_ids: Iterable[str],
    reason: str | None = None,
) -> list[AuditEvent]:
    now = datetime.now(UTC)
    return [
        AuditEvent(
            tenant_id=tenant_id,
            user_id=user_id,
            username=username,
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            reason=(reason or DEFAULT_REASON).strip()[:200] or DEFAULT_REASON,
            at=now,
        )
        for record_id in record_ids
    ]


def record_access(
    uow: Any,
    *,
    user_id: str,
    username: str,
    action: AuditAction,
    record_type: str,
    record_ids: Iterable[str],
    reason: str | None = None,
) -> int:
    """Append one event per record in a transaction of its own; returns how many."""
    found = events(
        uow.tenant_id,
        user_id=user_id,
        username=username,
        action=action,
        record_type=record_type,
        record_ids=record_ids,
        reason=reason,
    )
    if not found:
        return 0
    with uow:
        audit_of(uow).add(found)
        uow.commit()
    return len(found)


def audit_trail(
    uow: Any,
    *,
    record_type: str | None = None,
    record_id: str | None = None,
    user_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """A page of the tenant's audit events, newest first, and how many match in all."""
    with uow:
        repo = audit_of(uow)
        filters = {"record_type": record_type, "record_id": record_id, "user_id": user_id}
        return repo.list(**filters, limit=limit, offset=offset), repo.count(**filters)
