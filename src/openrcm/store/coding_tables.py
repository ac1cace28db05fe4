"""Stored coding decisions: what a coder did with each code the engine suggested.

`CodingDecisionRow` keeps one row per decision, inserted only: who decided, when, on which
note (and encounter, when the note belongs to one), the suggested code, the decision
(`accept`, `reject` or `replace`), the replacement code and the engine's score. The rows
are the record to evaluate suggestions against coders and to learn from later.
`SqlCodingDecisionRepository` maps them for one tenant in the session of a unit of work.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, ForeignKey, ForeignKeyConstraint, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.store.column_types import UtcDateTime
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, RowNumber

DECISIONS = ("accept", "reject", "replace")


class CodingDecisionRow(Base):
    """One coder's decision on one suggested code of one note."""

    __tablename__ = "coding_decision"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "encounter_id"], ["encounter.tenant_id", "encounter.id"]
        ),
        Index(None, "tenant_id", "note_id", "decided_at"),
        Index(None, "tenant_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    note_id: Mapped[str] = mapped_column(String(128))
    encounter_id: Mapped[str | None] = mapped_column(String(64))
    system: Mapped[str] = mapped_column(String(10))  # icd10cm or icd10pcs
    code: Mapped[str] = mapped_column(String(8))  # as suggested, without the dot
    decision: Mapped[str] = mapped_column(String(8))  # accept, reject or replace
    replacement: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True, kw_only=True)
class CodingDecision:
    """A coder's decision on a suggested code. `final_code` is what the encounter gets:
    the code when accepted, the replacement when replaced, nothing when rejected."""

    note_id: str
    code: str
    decision: str
    decided_by: str
    decided_at: datetime
    system: str = "icd10cm"
    replacement: str | None = None
    encounter_id: str | None = None
    score: float | None = None

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"decision {self.decision!r} is not one of {', '.join(DECISIONS)}")
        if (self.decision == "replace") != (self.replacement is not None):
            raise ValueError("a replacement code goes with, and only with, a replace decision")

    @property
    def final_code(self) -> str | None:
        if self.decision == "accept":
            return self.code
        return self.replacement


class SqlCodingDecisionRepository(TenantScoped):
    """The current tenant's coding decisions; inserted only."""

    def add(self, decision: CodingDecision) -> CodingDecision:
        """Store a decision; `MissingReference` when its encounter is not in this tenant."""
        with self._writing("a coding decision"):
            self.session.add(
                CodingDecisionRow(
                    tenant_id=self.tenant_id,
                    note_id=decision.note_id,
                    encounter_id=decision.encounter_id,
                    system=decision.system,
                    code=decision.code,
                    decision=decision.decision,
                    replacement=decision.replacement,
                    score=decision.score,
                    decided_by=decision.decided_by,
                    decided_at=decision.decided_at,
                )
            )
        return decision

    def list(
        self, *, note_id: str | None = None, limit: int = 1000, offset: int = 0
    ) -> builtins.list[CodingDecision]:
        """Decisions, oldest first; only one note's with `note_id`."""
        statement = select(CodingDecisionRow).where(CodingDecisionRow.tenant_id == self.tenant_id)
        if note_id is not None:
            statement = statement.where(CodingDecisionRow.note_id == note_id)
        statement = statement.order_by(CodingDecisionRow.decided_at, CodingDecisionRow.id)
        return [_record(row) for row in self.session.scalars(statement.limit(limit).offset(offset))]


def _record(row: CodingDecisionRow) -> CodingDecision:
    return CodingDecision(
        note_id=row.note_id,
        code=row.code,
        decision=row.decision,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        system=row.system,
        replacement=row.replacement,
        encounter_id=row.encounter_id,
        score=row.score,
    )
