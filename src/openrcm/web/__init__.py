"""The web UI: server-rendered pages (Jinja2) for the work queues, with htmx for updates.

`pages` holds the routes (login, dashboard, claim queue with scrub findings and one-click
fixes, claim detail, code search, denial queue, remittance upload and unmatched queue,
patient account with statement); `session` the signed session cookie and CSRF checks;
`templates/` the HTML and `static/` the stylesheet and htmx (vendored from the npm package
`htmx.org`, no build step). `register(app)` mounts them on the FastAPI app.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

HERE = Path(__file__).resolve().parent


def register(app: FastAPI) -> None:
    """Mount the static files and the pages on `app`."""
    from fastapi.staticfiles import StaticFiles

    from openrcm.web.pages import install

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    install(app)
