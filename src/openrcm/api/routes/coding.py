"""Coding suggestions: a clinical note in, suggested codes with evidence out (audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from openrcm.api.deps import CodeClaims
from openrcm.api.problems import Problem
from openrcm.api.schemas import CodingSuggestionsIn
from openrcm.domain.access import AuditAction

router = APIRouter(prefix="/coding", tags=["coding"])


@router.post("/suggestions", response_model=dict[str, Any], responses={401: {}, 403: {}, 503: {}})
def suggest(body: CodingSuggestionsIn, who: CodeClaims) -> dict[str, Any]:
    """Suggested diagnosis codes for a note, with evidence spans and physician queries."""
    suggest_codes = who.resources.coding_engine()
    if suggest_codes is None:
        raise Problem(503, "the coding engine is not available on this server")
    result = suggest_codes(body.note)
    who.audit(AuditAction.READ, "note", "coding-suggestion")
    found: dict[str, Any] = plain(result)
    return found


def plain(value: Any) -> Any:
    """A result of the coding engine as JSON values."""
    import dataclasses
    from decimal import Decimal
    from enum import Enum

    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value
