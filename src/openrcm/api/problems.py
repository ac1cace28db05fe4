"""Errors as RFC 9457 problem details: `application/problem+json` with type, title, status.

`Problem` is the exception routes raise for expected failures; `install(app)` maps it, the
framework's own HTTP and validation errors and the store's refusals (`NotFound`,
`Duplicate`, `Conflict`, ...) to problem documents, and turns anything unexpected into a
500 problem that names no internals. Problem bodies never echo patient data.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://openrcm.org/problems/"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class Problem(Exception):
    """An expected failure, answered as a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.kind = kind or TITLES.get(status, "error").lower().replace(" ", "-")
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extra = extra or {}


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    kind = kind or TITLES.get(status, "error").lower().replace(" ", "-")
    body = {
        "type": TYPE_BASE + kind,
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every error of `app` with a problem document."""
    from openrcm.domain.claim_state import IllegalTransition
    from openrcm.store.errors import Conflict, Duplicate, MissingReference, NotFound, StoreError

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.detail,
            kind=exc.kind,
            title=exc.title,
            headers=exc.headers,
            extra=exc.extra,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        return problem_response(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e["type"]}
            for e in exc.errors()
        ]
        return problem_response(
            request,
            422,
            "the request does not match the schema",
            kind="validation",
            extra={"errors": errors},
        )

    store_status = {NotFound: 404, Duplicate: 409, Conflict: 409, MissingReference: 422}

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        status = next((s for t, s in store_status.items() if isinstance(exc, t)), 409)
        return problem_response(request, status, str(exc))

    @app.exception_handler(IllegalTransition)
    async def _transition(request: Request, exc: IllegalTransition) -> JSONResponse:
        return problem_response(request, 409, str(exc), kind="illegal-transition")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # the class name only: a message may hold data from the request
        log.error("unhandled %s on %s %s", exc.__class__.__name__, request.method, request.url.path)
        return problem_response(request, 500, "the server could not complete the request")
