"""`openrcm serve`: the API (OpenAPI at /openapi.json) and the web UI, on SQLite by default.

The database at `OPENRCM_DATABASE_URL` is migrated before the server starts; sessions are
signed with `OPENRCM_SECRET_KEY` (required outside development).
"""

from __future__ import annotations

from typing import Annotated

import typer

from openrcm.cli.output import input_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    log_level: Annotated[str, typer.Option("--log-level")] = "warning",
) -> None:
    """Serve the API and the web UI (migrating the database first)."""
    import uvicorn

    from openrcm.api import create_app
    from openrcm.settings import get_settings
    from openrcm.store import migrate

    with input_errors():
        settings = get_settings()
        migrate(settings.database_url)
        app = create_app(settings)
    typer.echo(f"openrcm on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers if workers == 1 else None,
        log_level=log_level,
        access_log=False,  # access lines hold paths with record ids: keep them out of logs
    )
