"""Tokens: log in for a bearer token, log out, who am I, API keys for machines."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from openrcm.api.deps import (
    CurrentPrincipal,
    ManageUsers,
    ResourcesDep,
    bearer_scheme,
    unauthenticated,
)
from openrcm.api.problems import Problem
from openrcm.api.schemas import ApiKeyIn, ApiKeyOut, MeOut, TokenIn, TokenOut
from openrcm.domain.access import AuditAction
from openrcm.service.audit import record_access
from openrcm.service.auth import (
    authenticate,
    issue_token,
    revoke_token,
    tenants_of,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/token", response_model=TokenOut, responses={401: {}, 429: {}})
def login(body: TokenIn, request: Request, resources: ResourcesDep) -> TokenOut:
    """Exchange a username and password for a bearer token in one tenant."""
    keys = (f"user:{body.username.lower()}", f"ip:{client_address(request)}")
    wait = resources.throttle.blocked(*keys)
    if wait > 0:
        raise Problem(
            429,
            "too many failed logins; try again later",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    principal = authenticate(resources.session_factory, body.username, body.password, body.tenant)
    if principal is None:
        resources.throttle.failed(*keys)
        raise unauthenticated("wrong username, password or tenant")
    resources.throttle.succeeded(keys[0])
    token = issue_token(
        resources.session_factory, principal, kind="bearer", lifetime=resources.bearer_lifetime
    )
    record_access(
        resources.unit_of_work(principal.tenant_id),
        user_id=principal.user_id,
        username=principal.username,
        action=AuditAction.LOGIN,
        record_type="session",
        record_ids=["api"],
    )
    return TokenOut(
        access_token=token,
        expires_in=int(resources.bearer_lifetime.total_seconds()),
        tenant=principal.tenant_id,
    )


@router.post("/logout", status_code=204, responses={401: {}})
def logout(
    principal: CurrentPrincipal,
    resources: ResourcesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    """Revoke the bearer token this request carries."""
    if credentials is not None and principal.via == "bearer":
        revoke_token(resources.session_factory, credentials.credentials)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses={401: {}})
def me(principal: CurrentPrincipal, resources: ResourcesDep) -> MeOut:
    """The current user, tenant, roles and permissions."""
    return MeOut(
        user_id=principal.user_id,
        username=principal.username,
        tenant=principal.tenant_id,
        roles=sorted(principal.roles),
        permissions=sorted(p.value for p in principal.permissions),
        tenants=tenants_of(resources.session_factory, principal.user_id),
    )


@router.post("/api-keys", response_model=ApiKeyOut, status_code=201, responses={401: {}, 403: {}})
def create_api_key(body: ApiKeyIn, who: ManageUsers) -> ApiKeyOut:
    """A key for a machine client acting as the calling administrator in this tenant."""
    key = issue_token(
        who.resources.session_factory, who.principal, kind="api_key", lifetime=None, name=body.name
    )
    return ApiKeyOut(api_key=key, name=body.name, tenant=who.tenant_id)
