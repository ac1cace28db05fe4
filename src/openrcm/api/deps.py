"""Dependencies: who is asking, what they may do, and the records they may see.

A route's signature reads as its needs (as STYLE.md asks): `who: ReadRecords` is the
authenticated principal with that permission in its tenant, with a unit of work for that
tenant and an audit recorder; `patient: ValidPatient` is a patient of that tenant, loaded
and audited, or a 404 problem. Another tenant's record is simply not found: every lookup
goes through a tenant-scoped repository.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from openrcm.api.problems import Problem
from openrcm.api.resources import Resources
from openrcm.domain.access import AuditAction, Permission
from openrcm.service.audit import record_access
from openrcm.service.auth import Principal, principal_for_token
from openrcm.store import SqlUnitOfWork

API_TOKEN_KINDS = ("bearer", "api_key")

bearer_scheme = HTTPBearer(
    auto_error=False, description="A token from POST /api/v1/auth/token, or an API key."
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key for a machine client."
)


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


def unauthenticated(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="openrcm"'})


def current_principal(
    resources: ResourcesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal:
    token = credentials.credentials if credentials is not None else api_key
    if not token:
        raise unauthenticated("send a bearer token or an X-API-Key header")
    principal = principal_for_token(resources.session_factory, token, API_TOKEN_KINDS)
    if principal is None:
        raise unauthenticated("the token is unknown, expired or revoked")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


@dataclass(frozen=True, slots=True)
class Actor:
    """The principal acting in its tenant, with that tenant's units of work and audit trail."""

    principal: Principal
    resources: Resources
    reason: str | None = None

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id

    def uow(self) -> SqlUnitOfWork:
        return self.resources.unit_of_work(self.principal.tenant_id)

    def audit(self, action: AuditAction, record_type: str, *record_ids: str) -> None:
        record_access(
            self.uow(),
            user_id=self.principal.user_id,
            username=self.principal.username,
            action=action,
            record_type=record_type,
            record_ids=record_ids,
            reason=self.reason,
        )


def forbidden(permission: Permission) -> Problem:
    return Problem(
        403, f"your role in this tenant does not allow {permission.value.replace('_', ' ')}"
    )


def actor(permission: Permission, principal_dependency: Any = current_principal) -> Any:
    """A dependency: the current principal, which must hold `permission`."""

    def check(
        principal: Annotated[Principal, Depends(principal_dependency)],
        resources: ResourcesDep,
        purpose: Annotated[
            str | None,
            Header(
                alias="X-Purpose-Of-Use",
                max_length=200,
                description="Why the data is used (audited); default: payment.",
            ),
        ] = None,
    ) -> Actor:
        if not principal.can(permission):
            raise forbidden(permission)
        return Actor(principal, resources, purpose)

    return Depends(check)


P = Permission
ReadRecords = Annotated[Actor, actor(P.READ_RECORDS)]
WriteRecords = Annotated[Actor, actor(P.WRITE_RECORDS)]
CodeClaims = Annotated[Actor, actor(P.CODE_CLAIMS)]
SubmitClaims = Annotated[Actor, actor(P.SUBMIT_CLAIMS)]
PostRemittance = Annotated[Actor, actor(P.POST_REMITTANCE)]
ReadFinance = Annotated[Actor, actor(P.READ_FINANCE)]
SearchCodes = Annotated[Actor, actor(P.SEARCH_CODES)]
ReadAudit = Annotated[Actor, actor(P.READ_AUDIT)]
ManageUsers = Annotated[Actor, actor(P.MANAGE_USERS)]


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit, offset)


Paging = Annotated[Page, Depends(page)]

RecordId = Annotated[str, "an id within the tenant"]
