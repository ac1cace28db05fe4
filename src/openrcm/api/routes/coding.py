"""Coding suggestions: a clinical note in, suggested codes with evidence out (audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from openrcm.api.deps import CodeClaims
from openrcm.api.problems import Problem
from openrcm.api.schemas import CodingDecisionIn, CodingDecisionOut, CodingSuggestionsIn
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


@router.post(
    "/decisions",
    response_model=CodingDecisionOut,
    status_code=201,
    responses={401: {}, 403: {}, 422: {}},
)
def decide(body: CodingDecisionIn, who: CodeClaims) -> CodingDecisionOut:
    """A coder's decision on one suggested code of a note: accept, reject, or replace it with
    another code. With an encounter, its diagnoses follow (the accepted or replacing code
    added, a rejected or replaced one removed). Decisions are kept to measure suggestions."""
    from openrcm.service.coding import CodingDecisionError
    from openrcm.service.coding import decide as store_decision

    try:
        outcome = store_decision(
            who.uow(),
            body.note_id,
            body.code,
            body.decision,
            decided_by=who.principal.username,
            replacement=body.replacement,
            encounter_id=body.encounter_id,
            score=body.score,
        )
    except CodingDecisionError as error:
        raise Problem(422, str(error)) from error
    who.audit(AuditAction.CREATE, "coding-decision", body.note_id)
    return decision_out(outcome.decision, outcome.encounter_diagnoses)


@router.get("/decisions", response_model=dict[str, Any], responses={401: {}, 403: {}})
def list_decisions(
    who: CodeClaims,
    note_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Stored decisions, oldest first (one note's with `note_id`), and how coders received
    the suggestions (counts by decision, acceptance rate)."""
    from openrcm.service.coding import decision_summary, decisions

    found = decisions(who.uow(), note_id=note_id, limit=limit)
    who.audit(AuditAction.LIST, "coding-decision", *sorted({d.note_id for d in found}))
    return {
        "items": [decision_out(d).model_dump(mode="json") for d in found],
        "summary": plain(decision_summary(found)),
    }


def decision_out(d: Any, diagnoses: tuple[str, ...] | None = None) -> CodingDecisionOut:
    return CodingDecisionOut(
        note_id=d.note_id,
        code=d.code,
        system=d.system,
        decision=d.decision,
        replacement=d.replacement,
        final_code=d.final_code,
        decided_by=d.decided_by,
        decided_at=d.decided_at,
        encounter_id=d.encounter_id,
        encounter_diagnoses=list(diagnoses) if diagnoses is not None else None,
    )


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
