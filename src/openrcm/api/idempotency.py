"""Idempotency keys for POSTs that move money (IETF draft "The Idempotency-Key HTTP Header").

The client sends `Idempotency-Key`; the first successful answer is stored with a hash of
the request, and a retry with the same key and the same request gets that answer again
(`Idempotent-Replayed: true`) without doing the work twice. The same key with a different
request is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse

from openrcm.api.deps import Actor
from openrcm.api.problems import Problem
from openrcm.store.auth_tables import SqlIdempotencyRepository
from openrcm.store.errors import Duplicate

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="A unique key per intended operation; a retry with it is answered once.",
    ),
]


def idempotent(
    who: Actor, key: str, request_body: str, run: Callable[[], tuple[int, Any]]
) -> JSONResponse:
    """Run `run` once per (tenant, key); replay its stored answer on retries."""
    digest = hashlib.sha256(request_body.encode()).hexdigest()
    with who.uow() as uow:
        stored = SqlIdempotencyRepository(uow.session, uow.tenant_id).get(key)
    if stored is not None:
        if stored.request_sha256 != digest:
            raise Problem(
                422,
                "this Idempotency-Key was used for a different request",
                kind="idempotency-key-reused",
            )
        return JSONResponse(
            json.loads(stored.response),
            status_code=stored.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    status, payload = run()
    if 200 <= status < 300:
        with who.uow() as uow:
            try:
                SqlIdempotencyRepository(uow.session, uow.tenant_id).add(
                    key,
                    user_id=who.principal.user_id,
                    request_sha256=digest,
                    status_code=status,
                    response=json.dumps(payload),
                )
                uow.commit()
            except Duplicate:
                pass  # a concurrent retry stored the same answer first
    return JSONResponse(payload, status_code=status)
