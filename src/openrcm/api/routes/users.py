"""Users of the current tenant: list them, add one with a role (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter

from openrcm.api.deps import ManageUsers
from openrcm.api.problems import Problem
from openrcm.api.schemas import UserIn, UserOut
from openrcm.service.auth import AuthError, create_user, members

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserOut], responses={401: {}, 403: {}})
def list_users(who: ManageUsers) -> list[UserOut]:
    """Every login with a role in this tenant."""
    found: dict[str, UserOut] = {}
    for user, role in members(who.resources.session_factory, who.tenant_id):
        prior = found.get(user.id)
        roles = [*(prior.roles if prior else []), role]
        found[user.id] = UserOut(user_id=user.id, username=user.username, roles=roles)
    return list(found.values())


@router.post("", response_model=UserOut, status_code=201, responses={401: {}, 403: {}, 422: {}})
def add_user(body: UserIn, who: ManageUsers) -> UserOut:
    """Add a login with a role in this tenant (or the role to an existing login)."""
    try:
        user = create_user(
            who.resources.session_factory,
            username=body.username,
            password=body.password,
            tenant_id=who.tenant_id,
            role=body.role,
        )
    except AuthError as error:
        raise Problem(422, str(error)) from error
    return UserOut(user_id=user.id, username=user.username, roles=[body.role])
