"""Stored scrub results: every time a claim was scrubbed, what the edits found.

`ScrubResultRow` keeps one row per scrub of a stored claim, inserted only: when, how many
error, warning and info findings, and the findings themselves as JSON. Reports read them to
tell whether a claim had scrub errors before it first went out (the clean-claim rate).
`SqlScrubResultRepository` maps them for one tenant in the session of a unit of work, adds
batches in one bulk insert and reads what reports need without the findings.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.store.column_types import UtcDateTime
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, RowNumber


class ScrubResultRow(Base):
    """One scrub of a stored claim: counts by severity and the findings as JSON."""

    __tablename__ = "scrub_result"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "claim_id"], ["claim.tenant_id", "claim.id"]),
        Index(None, "tenant_id", "patient_control_number", "scrubbed_at"),
        Index(None, "tenant_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    claim_id: Mapped[str] = mapped_column(String(64))
    patient_control_number: Mapped[str] = mapped_column(String(38))  # CLM01
    scrubbed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    error_count: Mapped[int] = mapped_column(Integer)
    warning_count: Mapped[int] = mapped_column(Integer)
    info_count: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScrubResult:
    """One stored scrub of a claim."""

    claim_id: str
    patient_control_number: str  # CLM01
    scrubbed_at: datetime
    error_count: int
    warning_count: int
    info_count: int
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0


@dataclass(frozen=True, slots=True)
class ScrubMark:
    """When a claim was scrubbed and how many errors it had: what reports read."""

    scrubbed_at: datetime
    error_count: int


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON object: code, severity, message, line, fix (and segment)."""
    document: dict[str, Any] = {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "line": finding.line,
        "fix": finding.fix,
    }
    if finding.segment is not None:
        s = finding.segment
        document["segment"] = {
            "segment_index": s.segment_index,
            "segment_id": s.segment_id,
            "loop": s.loop,
            "element": s.element,
            "component": s.component,
        }
    return document


def finding_from(document: dict[str, Any]) -> Finding:
    segment = document.get("segment")
    return Finding(
        code=document["code"],
        severity=Severity(document["severity"]),
        message=document["message"],
        line=document.get("line"),
        fix=document.get("fix"),
        segment=SegmentRef(**segment) if segment else None,
    )


def result_columns(
    claim_id: str, patient_control_number: str, findings: Sequence[Finding], at: datetime
) -> dict[str, Any]:
    """The columns of one scrub result row (without `tenant_id`)."""
    severities = [f.severity for f in findings]
    return {
        "claim_id": claim_id,
        "patient_control_number": patient_control_number,
        "scrubbed_at": at,
        "error_count": severities.count(Severity.ERROR),
        "warning_count": severities.count(Severity.WARNING),
        "info_count": severities.count(Severity.INFO),
        "findings": [finding_json(f) for f in findings],
    }


class SqlScrubResultRepository(TenantScoped):
    """The current tenant's scrub results; inserted only."""

    def add_many(self, results: Sequence[dict[str, Any]]) -> None:
        """Insert rows built by `result_columns` in one statement; `MissingReference` when
        a claim is not stored in this tenant."""
        if not results:
            return
        with self._writing("a scrub result"):
            self.session.execute(
                insert(ScrubResultRow), [{"tenant_id": self.tenant_id, **r} for r in results]
            )

    def history(self, patient_control_number: str) -> builtins.list[ScrubResult]:
        """Every scrub of the claim with this CLM01, oldest first."""
        statement = (
            select(ScrubResultRow)
            .where(
                ScrubResultRow.tenant_id == self.tenant_id,
                ScrubResultRow.patient_control_number == patient_control_number,
            )
            .order_by(ScrubResultRow.scrubbed_at, ScrubResultRow.id)
        )
        return [
            ScrubResult(
                claim_id=row.claim_id,
                patient_control_number=row.patient_control_number,
                scrubbed_at=row.scrubbed_at,
                error_count=row.error_count,
                warning_count=row.warning_count,
                info_count=row.info_count,
                findings=tuple(finding_from(f) for f in row.findings),
            )
            for row in self.session.scalars(statement)
        ]

    def marks(self) -> dict[str, builtins.list[ScrubMark]]:
        """Every claim's scrubs (by CLM01), oldest first, without the findings."""
        statement = (
            select(
                ScrubResultRow.patient_control_number,
                ScrubResultRow.scrubbed_at,
                ScrubResultRow.error_count,
            )
            .where(ScrubResultRow.tenant_id == self.tenant_id)
            .order_by(ScrubResultRow.scrubbed_at, ScrubResultRow.id)
        )
        found: dict[str, builtins.list[ScrubMark]] = defaultdict(list)
        for pcn, at, errors in self.session.execute(statement):
            found[pcn].append(ScrubMark(at, errors))
        return dict(found)
