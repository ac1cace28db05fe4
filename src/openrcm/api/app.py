"""The application: `create_app(settings)` builds the FastAPI app with the API and web UI.

Nothing is built at import. The API lives under `/api/v1` (OpenAPI at `/openapi.json`,
interactive docs at `/docs`); the web UI at `/`. Every response carries security headers
and `Cache-Control: no-store`, since pages and answers may hold patient data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

from openrcm.api.problems import install
from openrcm.api.resources import Resources
from openrcm.settings import Settings

API_PREFIX = "/api/v1"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def create_app(
    settings: Settings, *, resources: Resources | None = None, web: bool = True
) -> FastAPI:
    """The openrcm server for `settings` (or for ready-made `resources`, as tests pass)."""
    from importlib.metadata import PackageNotFoundError, version

    from openrcm.api.routes import ROUTERS

    try:
        release = version("openrcm")
    except PackageNotFoundError:
        release = "0.0.0"

    owned = resources is None
    held = resources if resources is not None else Resources.build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            held.dispose()

    app = FastAPI(
        title="openrcm",
        version=release,
        description="Revenue-cycle management: patients, claims, X12, remittances, ledger.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.resources = held
    install(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)

    @app.get("/healthz", tags=["health"], include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    if web:
        from openrcm.web import register

        register(app)

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
