"""Web sessions and CSRF: a signed cookie naming a server-side session, and a form token.

The cookie (`openrcm_session`, HttpOnly, SameSite=Lax, Secure outside development) holds a
random session token, whose SHA-256 the database keeps with its tenant and expiry, and a
CSRF token; itsdangerous signs it with the settings' secret key. Every form carries the CSRF
token in a hidden field and htmx sends it as `X-CSRF-Token`; a POST without the matching
token is refused with 403. Before login a cookie holds the CSRF token alone, so the login
form is protected too.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from openrcm.api.deps import ResourcesDep
from openrcm.api.problems import Problem
from openrcm.api.resources import Resources
from openrcm.service.auth import Principal, principal_for_token

COOKIE = "openrcm_session"
SALT = "openrcm-web-session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the login form."""


@dataclass(frozen=True, slots=True)
class CookieState:
    token: str | None  # the session token; None before login
    csrf: str


def serializer(resources: Resources) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(resources.settings.secret_key, salt=SALT)


def read_cookie(request: Request, resources: Resources) -> CookieState | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data: Any = serializer(resources).loads(
            raw, max_age=int(resources.session_lifetime.total_seconds())
        )
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str):
        return None
    token = data.get("t")
    return CookieState(token if isinstance(token, str) else None, data["c"])


def cookie_value(resources: Resources, state: CookieState) -> str:
    return str(serializer(resources).dumps({"t": state.token, "c": state.csrf}))


def new_state(token: str | None = None) -> CookieState:
    return CookieState(token, secrets.token_urlsafe(24))


def set_cookie(response: Any, resources: Resources, state: CookieState) -> None:
    response.set_cookie(
        COOKIE,
        cookie_value(resources, state),
        max_age=int(resources.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=resources.secure_cookies,
        path="/",
    )


def cookie_state(request: Request, resources: ResourcesDep) -> CookieState | None:
    return read_cookie(request, resources)


def web_principal(request: Request, resources: ResourcesDep) -> Principal:
    """The principal of the browser's live session; `LoginRequired` when there is none."""
    state = read_cookie(request, resources)
    if state is None or state.token is None:
        raise LoginRequired
    principal = principal_for_token(resources.session_factory, state.token, ("session",))
    if principal is None:
        raise LoginRequired
    request.state.csrf = state.csrf
    return principal


WebPrincipal = Annotated[Principal, Depends(web_principal)]


async def csrf_checked(request: Request, resources: ResourcesDep) -> None:
    """Refuse a state-changing request whose CSRF token does not match the cookie's."""
    state = read_cookie(request, resources)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if state is None or not sent or not hmac.compare_digest(sent, state.csrf):
        raise Problem(
            403, "the form's CSRF token is missing or wrong; reload the page", kind="csrf"
        )


CsrfChecked = Depends(csrf_checked)
