"""Coder workflow use cases: decide on the engine's suggestions, list the decisions.

`decide` stores a coder's accept, reject or replace decision on one suggested code of a
note and, when the note belongs to a stored encounter, brings the encounter's diagnoses in
line: an accepted ICD-10-CM code (or the replacement of a replaced one) is added, a
rejected or replaced code is taken off. The decision and the encounter change commit
together. ICD-10-PCS (procedure) decisions are stored but change no encounter, whose
procedures are CPT/HCPCS lines. `decisions` lists what was decided, oldest first, and
`decision_summary` counts acceptances per code to evaluate the suggestions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openrcm.domain.claim import Diagnosis, DiagnosisKind, Encounter
from openrcm.store.coding_tables import CodingDecision, SqlCodingDecisionRepository

ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
ICD10PCS = re.compile(r"^[0-9A-HJ-NP-Z]{4}([0-9A-HJ-NP-Z]{3})?$")


class CodingDecisionError(ValueError):
    """A decision that cannot be stored as asked: a malformed code, an unknown encounter."""


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """A stored decision and the encounter's diagnoses after it (None without encounter)."""

    decision: CodingDecision
    encounter_diagnoses: tuple[str, ...] | None


def _code(raw: str) -> tuple[str, str]:
    """The code without the dot, upper case, and its system; CodingDecisionError if neither."""
    code = raw.replace(".", "").strip().upper()
    if ICD10CM.match(code) and not code[:1].isdigit():
        return code, "icd10cm"
    if ICD10PCS.match(code):
        return code, "icd10pcs"
    raise CodingDecisionError(f"{raw!r} is neither an ICD-10-CM nor an ICD-10-PCS code")


def decisions_of(uow: Any) -> SqlCodingDecisionRepository:
    """The unit of work's coding decision repository (its `coding` attribute, when any)."""
    found = getattr(uow, "coding", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlCodingDecisionRepository(uow.session, uow.tenant_id)


def revised_diagnoses(
    diagnoses: Sequence[Diagnosis], remove: str | None, add: str | None
) -> tuple[Diagnosis, ...]:
    """Diagnoses without `remove` and with `add` appended once; the first stays principal."""
    kept = [d for d in diagnoses if d.code != remove]
    if add is not None and all(d.code != add for d in kept):
        kept.append(Diagnosis(code=add))
    if kept and all(d.kind is not DiagnosisKind.PRINCIPAL for d in kept):
        kept[0] = kept[0].model_copy(update={"kind": DiagnosisKind.PRINCIPAL})
    return tuple(kept)


def decide(
    uow: Any,
    note_id: str,
    code: str,
    decision: str,
    *,
    decided_by: str,
    replacement: str | None = None,
    encounter_id: str | None = None,
    score: float | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DecisionOutcome:
    """Store one decision and update the encounter's diagnoses; one transaction."""
    if not note_id.strip():
        raise CodingDecisionError("a decision needs the note id")
    suggested, system = _code(code)
    final: str | None = None
    if replacement is not None:
        final, replacement_system = _code(replacement)
        if replacement_system != system:
            raise CodingDecisionError(f"{replacement!r} is not a {system} code like {code!r}")
    try:
        record = CodingDecision(
            note_id=note_id,
            code=suggested,
            decision=decision,
            decided_by=decided_by,
            decided_at=now(),
            system=system,
            replacement=final,
            encounter_id=encounter_id,
            score=score,
        )
    except ValueError as error:
        raise CodingDecisionError(str(error)) from error
    with uow:
        diagnoses: tuple[str, ...] | None = None
        if encounter_id is not None:
            encounter: Encounter | None = uow.encounters.get(encounter_id)
            if encounter is None:
                raise CodingDecisionError(f"no encounter {encounter_id!r} in this practice")
            if system == "icd10cm":
                revised = revised_diagnoses(encounter.diagnoses, suggested, record.final_code)
                if revised != encounter.diagnoses:
                    encounter = uow.encounters.update(
                        encounter.model_copy(update={"diagnoses": revised})
                    )
            diagnoses = tuple(d.code for d in encounter.diagnoses)
        decisions_of(uow).add(record)
        uow.commit()
    return DecisionOutcome(record, diagnoses)


def decisions(uow: Any, *, note_id: str | None = None, limit: int = 1000) -> list[CodingDecision]:
    """Stored decisions, oldest first (one note's with `note_id`)."""
    with uow:
        return decisions_of(uow).list(note_id=note_id, limit=limit)


def decision_summary(found: Sequence[CodingDecision]) -> dict[str, Any]:
    """How coders received the suggestions: counts by decision and the acceptance rate,
    counting only each (note, code)'s latest decision."""
    latest = {(d.note_id, d.code): d for d in found}
    counts = Counter(d.decision for d in latest.values())
    total = sum(counts.values())
    return {
        "decisions": total,
        "accepted": counts["accept"],
        "rejected": counts["reject"],
        "replaced": counts["replace"],
        "acceptance_rate": round(counts["accept"] / total, 4) if total else None,
    }
