"""The HTTP API: FastAPI over the use cases, with authentication, roles, audit and tenancy.

`app` builds the application (`create_app(settings)`, nothing at import) and mounts the web
UI; `resources` holds what a running app shares (database, code sets, scrub context, login
throttle); `deps` the dependencies every route states in its signature (the acting
principal with a permission, paging); `routes/` one router per resource; `schemas` and
`convert` the bodies that are not domain records; `problems` RFC 9457 error documents;
`idempotency` the Idempotency-Key handling of money-moving POSTs.
"""

from openrcm.api.app import create_app

__all__ = ["create_app"]
