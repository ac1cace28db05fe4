"""Access: who may do what in which tenant, and the audit trail of what they did.

A `User` logs in once and belongs to one or more tenants through `Membership`s, each with a
`Role`. A role grants `Permission`s (`ROLE_PERMISSIONS`); the auditor's are read-only. An
`AuditEvent` records one read or write of patient data: who, in which tenant, which record,
what action, when and why. Audit events are only ever appended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """What a person does in a tenant."""

    ADMIN = "admin"  # users, roles and everything else
    MANAGER = "manager"  # the revenue cycle's supervisor
    CODER = "coder"  # assigns and fixes codes
    BILLER = "biller"  # claims out, payments in, patient accounts
    AUDITOR = "auditor"  # reads everything, the audit trail included; writes nothing
    PAYER_EXAMINER = "payer_examiner"  # a payer's reviewer: reads claims and remittances


class Permission(StrEnum):
    """One kind of request; routes ask for exactly one."""

    READ_RECORDS = "read_records"  # patients, coverages, encounters, claims, statements
    WRITE_RECORDS = "write_records"  # add patients, coverages, encounters; import claims
    CODE_CLAIMS = "code_claims"  # scrub, fix findings, coding suggestions
    SUBMIT_CLAIMS = "submit_claims"  # write the 837 and mark claims submitted
    POST_REMITTANCE = "post_remittance"  # post 835s: moves money
    READ_FINANCE = "read_finance"  # ledger, queues, reports, remittances
    SEARCH_CODES = "search_codes"  # code sets hold no patient data
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"


P = Permission
_READ = frozenset({P.READ_RECORDS, P.READ_FINANCE, P.SEARCH_CODES})
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.ADMIN: frozenset(Permission),
        Role.MANAGER: frozenset(Permission) - {P.MANAGE_USERS, P.READ_AUDIT},
        Role.CODER: frozenset({P.READ_RECORDS, P.CODE_CLAIMS, P.SEARCH_CODES}),
        Role.BILLER: _READ | {P.WRITE_RECORDS, P.CODE_CLAIMS, P.SUBMIT_CLAIMS, P.POST_REMITTANCE},
        Role.AUDITOR: _READ | {P.READ_AUDIT},
        Role.PAYER_EXAMINER: _READ,
    }
)

WRITE_PERMISSIONS = frozenset(
    {P.WRITE_RECORDS, P.CODE_CLAIMS, P.SUBMIT_CLAIMS, P.POST_REMITTANCE, P.MANAGE_USERS}
)


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """Everything any of these roles may do."""
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return granted


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """A person (or machine client) who logs in. The password is kept only as an argon2 hash."""

    id: str
    username: str
    password_hash: str
    active: bool = True
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    """A user's role in one tenant; a user may hold several roles and several tenants."""

    user_id: str
    tenant_id: str
    role: Role


class AuditAction(StrEnum):
    """What was done to a record."""

    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    SCRUB = "scrub"
    FIX = "fix"
    SUBMIT = "submit"
    POST = "post"
    EXPORT = "export"
    LOGIN = "login"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One read or write of patient data. Holds ids, never names or other PHI."""

    tenant_id: str
    user_id: str
    username: str
    action: AuditAction
    record_type: str  # "patient", "claim", "remittance", ...
    record_id: str  # the record's id in the tenant; "*" for a listing
    reason: str  # why: the purpose the client declared ("payment", "treatment", ...)
    at: datetime
    id: int | None = None  # set by the store
