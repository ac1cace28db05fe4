"""Front desk and follow-up storage: eligibility checks, authorisations, claim status, denials.

`EligibilityCheckRow` keeps each benefits summary read from a 271 with the day it was
checked; `AuthorizationRow` prior authorisations and referrals with the units authorised,
and `AuthorizationUseRow` each claim line that used some (one row per claim line, so using
twice changes nothing); `ClaimStatusEventRow` every 276 sent and every 277/277CA status
received, inserted only; `DenialCaseRow` one denial work case per denied claim and payment
with its state and outcome, and `DenialActionRow` what was done on it (appeal, correction,
void, write-off, outcome), inserted only. `SqlFollowUpRepository` maps them for one tenant
in the session of a unit of work, and reads what reports need in bulk (claims with their
patient and payer names, status histories, encounters on a day).
"""

from __future__ import annotations

import builtins
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.denials.queue import CaseState, DenialCase
from openrcm.domain.authorization import Authorization, AuthorizationKind
from openrcm.domain.claim import Encounter
from openrcm.store.column_types import Amount, UtcDateTime
from openrcm.store.encounters import SqlEncounterRepository
from openrcm.store.errors import NotFound
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import (
    Base,
    ClaimRow,
    ClaimStatusHistoryRow,
    EncounterRow,
    PatientRow,
    PayerRow,
    RowNumber,
    _tenant_id,
)

CHUNK = 500


class EligibilityCheckRow(Base):
    """One eligibility check (270 sent, 271 read): the benefits summary and when it was made."""

    __tablename__ = "eligibility_check"
    __table_args__ = (
        Index(None, "tenant_id", "patient_id"),
        Index(None, "tenant_id", "service_date"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64))
    coverage_id: Mapped[str | None] = mapped_column(String(64))
    payer_id: Mapped[str] = mapped_column(String(80))
    service_date: Mapped[date] = mapped_column(Date)  # the date asked about (DTP*291)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))  # active, inactive, rejected
    trace_number: Mapped[str | None] = mapped_column(String(50))  # TRN02 of the 270
    summary: Mapped[str] = mapped_column(Text)  # the benefits summary as JSON


class AuthorizationRow(Base):
    """A prior authorisation or referral: its number, codes, units and dates."""

    __tablename__ = "authorization"
    __table_args__ = (
        UniqueConstraint("tenant_id", "payer_id", "kind", "number"),
        Index(None, "tenant_id", "patient_id"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(50))
    patient_id: Mapped[str] = mapped_column(String(64))
    payer_id: Mapped[str] = mapped_column(String(80))
    procedure_codes: Mapped[list[str]] = mapped_column(JSON)
    units_authorized: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuthorizationUseRow(Base):
    """Units of an authorisation one claim line used."""

    __tablename__ = "authorization_use"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "authorization_id"],
            ["authorization.tenant_id", "authorization.id"],
            ondelete="CASCADE",
        ),
    )

    tenant_id: Mapped[str] = _tenant_id()
    authorization_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim: Mapped[str] = mapped_column(String(38), primary_key=True)  # CLM01
    line: Mapped[int] = mapped_column(Integer, primary_key=True)  # LX01
    units: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClaimStatusEventRow(Base):
    """A 276 inquiry sent or a 277/277CA status received for a claim; inserted only."""

    __tablename__ = "claim_status_event"
    __table_args__ = (
        Index(None, "tenant_id", "claim"),
        Index(None, "tenant_id", "kind", "event_date"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    claim: Mapped[str] = mapped_column(String(38))  # CLM01
    payer_id: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8))  # 276, 277, 277CA
    event_date: Mapped[date] = mapped_column(Date)
    trace_number: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str | None] = mapped_column(String(3))  # STC01-1
    status_code: Mapped[str | None] = mapped_column(String(5))  # STC01-2
    entity: Mapped[str | None] = mapped_column(String(3))  # STC01-3
    description: Mapped[str | None] = mapped_column(String(500))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DenialCaseRow(Base):
    """One denial work case: a denied claim from one payment, its state and outcome."""

    __tablename__ = "denial_case"
    __table_args__ = (
        Index(None, "tenant_id", "state"),
        Index(None, "tenant_id", "claim"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(240), primary_key=True)  # check|CLM01
    claim: Mapped[str] = mapped_column(String(38))
    payer_id: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    denied_amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    denial_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_date: Mapped[date | None] = mapped_column(Date)
    recovered_amount: Mapped[Decimal | None] = mapped_column(Amount(14, 2))
    document: Mapped[str] = mapped_column(Text)  # the DenialCase as JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DenialActionRow(Base):
    """One thing done on a denial case; inserted only."""

    __tablename__ = "denial_action"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["denial_case.tenant_id", "denial_case.id"],
            ondelete="CASCADE",
        ),
        Index(None, "tenant_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    case_id: Mapped[str] = mapped_column(String(240))
    action: Mapped[str] = mapped_column(String(20))  # appeal, correct, void, write_off, outcome
    acted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(Text)  # JSON


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusEvent:
    """A stored 276 or 277/277CA event."""

    claim: str
    kind: str
    event_date: date
    payer_id: str | None = None
    trace_number: str | None = None
    category: str | None = None
    status_code: str | None = None
    entity: str | None = None
    description: str | None = None
    document_sha256: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimSummaryRow:
    """The claim columns reports read, with the patient's and payer's names."""

    claim_id: str
    patient_control_number: str
    status: str
    payer_id: str
    payer_name: str
    patient_id: str
    patient_name: str
    first_service_date: date
    total_charge_amount: Decimal
    frequency_code: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryRow:
    from_status: str | None
    to_status: str
    changed_at: datetime
    reason: str | None


class SqlFollowUpRepository(TenantScoped):
    """The current tenant's eligibility checks, authorisations, status events and denials."""

    # -- eligibility ---------------------------------------------------------------------

    def add_eligibility_check(
        self,
        *,
        check_id: str,
        patient_id: str,
        coverage_id: str | None,
        payer_id: str,
        service_date: date,
        checked_at: datetime,
        status: str,
        summary_json: str,
        trace_number: str | None = None,
    ) -> None:
        with self._writing(f"eligibility check {check_id}"):
            self.session.add(
                EligibilityCheckRow(
                    tenant_id=self.tenant_id,
                    id=check_id,
                    patient_id=patient_id,
                    coverage_id=coverage_id,
                    payer_id=payer_id,
                    service_date=service_date,
                    checked_at=checked_at,
                    status=status,
                    trace_number=trace_number,
                    summary=summary_json,
                )
            )

    def eligibility_checks(
        self, *, patient_id: str | None = None, limit: int = 100
    ) -> builtins.list[dict[str, Any]]:
        """Stored checks, newest first: the summary JSON as a dict plus the key columns."""
        statement = select(EligibilityCheckRow).where(
            EligibilityCheckRow.tenant_id == self.tenant_id
        )
        if patient_id is not None:
            statement = statement.where(EligibilityCheckRow.patient_id == patient_id)
        statement = statement.order_by(
            EligibilityCheckRow.checked_at.desc(), EligibilityCheckRow.id.desc()
        ).limit(limit)
        return [
            {
                "id": row.id,
                "patient_id": row.patient_id,
                "coverage_id": row.coverage_id,
                "payer_id": row.payer_id,
                "service_date": row.service_date,
                "checked_at": row.checked_at,
                "status": row.status,
                "trace_number": row.trace_number,
                "summary": json.loads(row.summary),
            }
            for row in self.session.scalars(statement)
        ]

    # -- authorisations ------------------------------------------------------------------

    def add_authorization(self, record: Authorization) -> Authorization:
        """Store an authorisation with no units used; `Duplicate` for a taken id or number."""
        with self._writing(f"authorization {record.number}"):
            self.session.add(
                AuthorizationRow(
                    tenant_id=self.tenant_id,
                    id=record.id,
                    kind=record.kind.value,
                    number=record.number,
                    patient_id=record.patient_id,
                    payer_id=record.payer_id,
                    procedure_codes=list(record.procedure_codes),
                    units_authorized=record.units_authorized,
                    start_date=record.start_date,
                    end_date=record.end_date,
                    created_at=datetime.now(UTC),
                )
            )
        return record.model_copy(update={"units_used": 0})

    def authorization(self, authorization_id: str) -> Authorization | None:
        row = self.session.get(AuthorizationRow, (self.tenant_id, authorization_id))
        return None if row is None else self._authorizations([row])[0]

    def authorizations(
        self, *, patient_id: str | None = None, payer_id: str | None = None
    ) -> builtins.list[Authorization]:
        """Authorisations with the units used so far, by end date."""
        statement = select(AuthorizationRow).where(AuthorizationRow.tenant_id == self.tenant_id)
        if patient_id is not None:
            statement = statement.where(AuthorizationRow.patient_id == patient_id)
        if payer_id is not None:
            statement = statement.where(AuthorizationRow.payer_id == payer_id)
        statement = statement.order_by(AuthorizationRow.end_date, AuthorizationRow.id)
        return self._authorizations(builtins.list(self.session.scalars(statement)))

    def use_authorization(
        self, authorization_id: str, *, claim: str, line: int, units: int
    ) -> Authorization:
        """Record that a claim line used `units`; the same claim line twice changes nothing.

        Raises `NotFound` for an unknown authorisation and ValueError (from the domain) when
        more units are asked than are left.
        """
        found = self.authorization(authorization_id)
        if found is None:
            raise NotFound(f"no authorization {authorization_id} in this tenant")
        key = (self.tenant_id, authorization_id, claim, line)
        if self.session.get(AuthorizationUseRow, key) is not None:
            return found
        used = found.use(units)  # refuses more than is left
        with self._writing(f"use of authorization {found.number}"):
            self.session.add(
                AuthorizationUseRow(
                    tenant_id=self.tenant_id,
                    authorization_id=authorization_id,
                    claim=claim,
                    line=line,
                    units=units,
                    used_at=datetime.now(UTC),
                )
            )
        return used

    def _authorizations(self, rows: Sequence[AuthorizationRow]) -> builtins.list[Authorization]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        used: dict[str, int] = defaultdict(int)
        for start in range(0, len(ids), CHUNK):
            statement = (
                select(AuthorizationUseRow.authorization_id, func.sum(AuthorizationUseRow.units))
                .where(
                    AuthorizationUseRow.tenant_id == self.tenant_id,
                    AuthorizationUseRow.authorization_id.in_(ids[start : start + CHUNK]),
                )
                .group_by(AuthorizationUseRow.authorization_id)
            )
            for auth_id, total in self.session.execute(statement):
                used[auth_id] = int(total or 0)
        return [
            Authorization(
                id=row.id,
                kind=AuthorizationKind(row.kind),
                number=row.number,
                patient_id=row.patient_id,
                payer_id=row.payer_id,
                procedure_codes=tuple(row.procedure_codes),
                units_authorized=row.units_authorized,
                units_used=used[row.id],
                start_date=row.start_date,
                end_date=row.end_date,
            )
            for row in rows
        ]

    # -- claim status --------------------------------------------------------------------

    def add_status_events(self, events: Sequence[StatusEvent]) -> None:
        if not events:
            return
        now = datetime.now(UTC)
        with self._writing("a claim status event"):
            self.session.execute(
                insert(ClaimStatusEventRow),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "claim": e.claim,
                        "payer_id": e.payer_id,
                        "kind": e.kind,
                        "event_date": e.event_date,
                        "trace_number": e.trace_number,
                        "category": e.category,
                        "status_code": e.status_code,
                        "entity": e.entity,
                        "description": (e.description or "")[:500] or None,
                        "document_sha256": e.document_sha256,
                        "created_at": now,
                    }
                    for e in events
                ],
            )

    def status_events(
        self, *, claim: str | None = None, kind: str | None = None
    ) -> builtins.list[StatusEvent]:
        """Stored events, oldest first, optionally one claim's or one kind's."""
        statement = select(ClaimStatusEventRow).where(
            ClaimStatusEventRow.tenant_id == self.tenant_id
        )
        if claim is not None:
            statement = statement.where(ClaimStatusEventRow.claim == claim)
        if kind is not None:
            statement = statement.where(ClaimStatusEventRow.kind == kind)
        statement = statement.order_by(ClaimStatusEventRow.event_date, ClaimStatusEventRow.id)
        return [
            StatusEvent(
                claim=row.claim,
                kind=row.kind,
                event_date=row.event_date,
                payer_id=row.payer_id,
                trace_number=row.trace_number,
                category=row.category,
                status_code=row.status_code,
                entity=row.entity,
                description=row.description,
                document_sha256=row.document_sha256,
            )
            for row in self.session.scalars(statement)
        ]

    def last_event_dates(self) -> dict[str, date]:
        """Per claim (CLM01), the date of its latest status event of any kind."""
        statement = (
            select(ClaimStatusEventRow.claim, func.max(ClaimStatusEventRow.event_date))
            .where(ClaimStatusEventRow.tenant_id == self.tenant_id)
            .group_by(ClaimStatusEventRow.claim)
        )
        return {claim: day for claim, day in self.session.execute(statement)}

    def trace_numbers(self, traces: Iterable[str]) -> dict[str, str]:
        """Claim (CLM01) by the trace number of the 276 that asked about it."""
        wanted = sorted(set(traces))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), CHUNK):
            statement = select(ClaimStatusEventRow.trace_number, ClaimStatusEventRow.claim).where(
                ClaimStatusEventRow.tenant_id == self.tenant_id,
                ClaimStatusEventRow.kind == "276",
                ClaimStatusEventRow.trace_number.in_(wanted[start : start + CHUNK]),
            )
            for trace, claim in self.session.execute(statement):
                if trace is not None:
                    found[trace] = claim
        return found

    # -- denial cases --------------------------------------------------------------------

    def case_ids(self) -> set[str]:
        statement = select(DenialCaseRow.id).where(DenialCaseRow.tenant_id == self.tenant_id)
        return set(self.session.scalars(statement))

    def add_cases(self, cases: Sequence[DenialCase]) -> None:
        """Store new cases (their state as given)."""
        if not cases:
            return
        now = datetime.now(UTC)
        with self._writing("a denial case"):
            self.session.execute(
                insert(DenialCaseRow),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "id": c.id,
                        "claim": c.patient_control_number,
                        "payer_id": c.payer_id,
                        "category": c.category.value,
                        "state": c.state.value,
                        "denied_amount": c.denied_amount,
                        "denial_date": c.denial_date,
                        "deadline": c.deadline,
                        "outcome": None,
                        "outcome_date": None,
                        "recovered_amount": None,
                        "document": c.model_dump_json(),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for c in cases
                ],
            )

    def cases(
        self,
        *,
        states: Iterable[CaseState] | None = None,
        claim: str | None = None,
    ) -> builtins.list[DenialCase]:
        """Stored cases (as stored: recompute days left for today), by deadline."""
        statement = select(DenialCaseRow).where(DenialCaseRow.tenant_id == self.tenant_id)
        if states is not None:
            statement = statement.where(DenialCaseRow.state.in_([s.value for s in states]))
        if claim is not None:
            statement = statement.where(DenialCaseRow.claim == claim)
        statement = statement.order_by(DenialCaseRow.deadline, DenialCaseRow.id)
        return [self._case(row) for row in self.session.scalars(statement)]

    def case(self, case_id: str) -> DenialCase | None:
        row = self.session.get(DenialCaseRow, (self.tenant_id, case_id))
        return None if row is None else self._case(row)

    def case_outcome(self, case_id: str) -> tuple[str | None, date | None, Decimal | None]:
        row = self.session.get(DenialCaseRow, (self.tenant_id, case_id))
        if row is None:
            raise NotFound(f"no denial case {case_id} in this tenant")
        return row.outcome, row.outcome_date, row.recovered_amount

    def update_case(
        self,
        case_id: str,
        *,
        state: CaseState,
        action: str,
        detail: dict[str, Any],
        outcome: str | None = None,
        outcome_date: date | None = None,
        recovered_amount: Decimal | None = None,
    ) -> DenialCase:
        """Move a case to `state` and log the action; `NotFound` for an unknown case."""
        row = self.session.get(DenialCaseRow, (self.tenant_id, case_id))
        if row is None:
            raise NotFound(f"no denial case {case_id} in this tenant")
        now = datetime.now(UTC)
        case = self._case(row).model_copy(update={"state": state})
        with self._writing(f"denial case {case_id}"):
            row.state = state.value
            row.document = case.model_dump_json()
            row.updated_at = now
            if outcome is not None:
                row.outcome = outcome
                row.outcome_date = outcome_date
                row.recovered_amount = recovered_amount
            self.session.add(
                DenialActionRow(
                    tenant_id=self.tenant_id,
                    case_id=case_id,
                    action=action,
                    acted_at=now,
                    detail=json.dumps(detail, sort_keys=True, default=str),
                )
            )
        return case

    def actions(self, case_id: str) -> builtins.list[dict[str, Any]]:
        """The actions taken on a case, oldest first."""
        statement = (
            select(DenialActionRow)
            .where(DenialActionRow.tenant_id == self.tenant_id, DenialActionRow.case_id == case_id)
            .order_by(DenialActionRow.id)
        )
        return [
            {"action": row.action, "acted_at": row.acted_at, **json.loads(row.detail)}
            for row in self.session.scalars(statement)
        ]

    def outcomes(self) -> builtins.list[tuple[str, str, str | None, Decimal | None]]:
        """(case id, state, outcome, recovered amount) of every case."""
        statement = select(
            DenialCaseRow.id,
            DenialCaseRow.state,
            DenialCaseRow.outcome,
            DenialCaseRow.recovered_amount,
        ).where(DenialCaseRow.tenant_id == self.tenant_id)
        return [tuple(row) for row in self.session.execute(statement)]  # type: ignore[misc]

    @staticmethod
    def _case(row: DenialCaseRow) -> DenialCase:
        return DenialCase.model_validate_json(row.document).model_copy(
            update={"state": CaseState(row.state)}
        )

    # -- bulk reads for reports and batches ---------------------------------------------

    def claim_summaries(self) -> builtins.list[ClaimSummaryRow]:
        """Every claim's key columns with the patient's and payer's names, by CLM01."""
        statement = (
            select(
                ClaimRow.id,
                ClaimRow.patient_control_number,
                ClaimRow.status,
                ClaimRow.payer_id,
                PayerRow.name,
                ClaimRow.patient_id,
                PatientRow.last_name,
                PatientRow.first_name,
                ClaimRow.first_service_date,
                ClaimRow.total_charge_amount,
                ClaimRow.frequency_code,
                ClaimRow.created_at,
            )
            .join(
                PayerRow,
                (PayerRow.tenant_id == ClaimRow.tenant_id) & (PayerRow.id == ClaimRow.payer_id),
            )
            .join(
                PatientRow,
                (PatientRow.tenant_id == ClaimRow.tenant_id)
                & (PatientRow.id == ClaimRow.patient_id),
            )
            .where(ClaimRow.tenant_id == self.tenant_id)
            .order_by(ClaimRow.patient_control_number)
        )
        return [
            ClaimSummaryRow(
                claim_id=r[0],
                patient_control_number=r[1],
                status=r[2],
                payer_id=r[3],
                payer_name=r[4],
                patient_id=r[5],
                patient_name=f"{r[6]}, {r[7]}",
                first_service_date=r[8],
                total_charge_amount=r[9],
                frequency_code=r[10],
                created_at=r[11],
            )
            for r in self.session.execute(statement)
        ]

    def status_histories(self) -> dict[str, builtins.list[HistoryRow]]:
        """Every claim's status history (by claim id), oldest first."""
        statement = (
            select(
                ClaimStatusHistoryRow.claim_id,
                ClaimStatusHistoryRow.from_status,
                ClaimStatusHistoryRow.to_status,
                ClaimStatusHistoryRow.changed_at,
                ClaimStatusHistoryRow.reason,
            )
            .where(ClaimStatusHistoryRow.tenant_id == self.tenant_id)
            .order_by(ClaimStatusHistoryRow.id)
        )
        found: dict[str, builtins.list[HistoryRow]] = defaultdict(list)
        for claim_id, from_status, to_status, at, reason in self.session.execute(statement):
            found[claim_id].append(HistoryRow(from_status, to_status, at, reason))
        return dict(found)

    def encounters_on(self, day: date) -> builtins.list[Encounter]:
        """The encounters (appointments) scheduled on `day`."""
        repository = SqlEncounterRepository(self.session, self.tenant_id)
        statement = (
            select(EncounterRow)
            .where(EncounterRow.tenant_id == self.tenant_id, EncounterRow.service_date == day)
            .order_by(EncounterRow.id)
        )
        return [repository.to_record(row) for row in self.session.scalars(statement)]
