"""Patient-account storage: guarantor standing, statements, plans, refunds, inquiries, the
collection log and the practice's policy, per tenant.

`GuarantorAccountRow` keeps what must survive between statement cycles (dunning level, the
last statement, the collection stage and the FDCPA flags); `PatientStatementRow` every
statement sent (its export as JSON); `PaymentPlanRow` each plan with its instalments;
`CollectionLogRow` every collection action, allowed or refused, inserted only (the
repository offers no update or delete); `RefundProposalRow` refunds awaiting approval;
`AccountInquiryRow` and `InquiryTaskRow` the inquiry log and its follow-up work;
`PatientAccountPolicyRow` the tenant's policy as JSON. Money is NUMERIC(14,2).
`SqlPatientAccountRepository` maps rows to the records of `openrcm.patients`, and reads the
claim facts a statement needs straight from the claim tables.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.domain.finding import Finding, Severity
from openrcm.patients.accounts import ClaimFacts, GuarantorAccountState
from openrcm.patients.collections import Action, ActionKind, Channel, LogEntry
from openrcm.patients.credits import RefundProposal, RefundStatus
from openrcm.patients.inquiries import FollowUpTask, Inquiry
from openrcm.patients.payment_plan import PaymentPlan, plan_document, plan_from_document
from openrcm.patients.policy import PatientAccountPolicy
from openrcm.store.column_types import Amount, UtcDateTime
from openrcm.store.errors import NotFound
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import (
    Base,
    ClaimLineRow,
    ClaimRow,
    PatientRow,
    RowNumber,
    _owned_by,
    _tenant_id,
)

CHUNK = 500
CLOSED_CLAIM_STATUSES = frozenset({"void", "rejected", "draft"})


class PatientAccountPolicyRow(Base):
    """The tenant's patient-account policy (thresholds, intervals), as JSON."""

    __tablename__ = "patient_account_policy"

    tenant_id: Mapped[str] = _tenant_id()
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GuarantorAccountRow(Base):
    """A guarantor's standing between cycles: dunning, collection stage, FDCPA flags."""

    __tablename__ = "guarantor_account"

    tenant_id: Mapped[str] = _tenant_id()
    guarantor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dunning_level: Mapped[int | None] = mapped_column(Integer)
    last_statement_date: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    debt_id: Mapped[str | None] = mapped_column(String(80))
    time_zone: Mapped[str] = mapped_column(String(64))
    disputed: Mapped[bool] = mapped_column(Boolean)
    verification_sent: Mapped[bool] = mapped_column(Boolean)
    cease_communication: Mapped[bool] = mapped_column(Boolean)
    validation_notice: Mapped[str | None] = mapped_column(Text)  # the notice sent, as JSON
    letter_on: Mapped[date | None] = mapped_column(Date)
    agency_id: Mapped[str | None] = mapped_column(String(64))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PatientStatementRow(Base):
    """One statement sent to a guarantor, with its machine-readable export."""

    __tablename__ = "patient_statement"
    __table_args__ = (Index(None, "tenant_id", "guarantor_id", "statement_date"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    guarantor_id: Mapped[str] = mapped_column(String(64))
    statement_date: Mapped[date] = mapped_column(Date)
    amount_due: Mapped[Decimal] = mapped_column(Amount(14, 2))
    insurance_pending: Mapped[Decimal] = mapped_column(Amount(14, 2))
    dunning_level: Mapped[int] = mapped_column(Integer)
    cycle: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[str] = mapped_column(Text)  # the export, as JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PaymentPlanRow(Base):
    """A payment plan with its instalments (JSON) and the columns to find it by."""

    __tablename__ = "payment_plan"
    __table_args__ = (Index(None, "tenant_id", "guarantor_id", "status"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    guarantor_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    created_on: Mapped[date] = mapped_column(Date)
    balance: Mapped[Decimal] = mapped_column(Amount(14, 2))
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CollectionLogRow(Base):
    """One collection action, allowed or refused, with its reasons; inserted only."""

    __tablename__ = "collection_log"
    __table_args__ = (
        Index(None, "tenant_id", "debt_id"),
        Index(None, "tenant_id", "guarantor_id"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    guarantor_id: Mapped[str] = mapped_column(String(64))
    debt_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[str] = mapped_column(String(64))
    action_at: Mapped[datetime] = mapped_column(UtcDateTime())
    connected: Mapped[bool] = mapped_column(Boolean)
    allowed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(Text)  # [{"code","message"}] as JSON
    detail: Mapped[str | None] = mapped_column(String(200))  # never patient data
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RefundProposalRow(Base):
    """A refund of a credit balance, proposed and waiting for (or past) approval."""

    __tablename__ = "refund_proposal"
    __table_args__ = (Index(None, "tenant_id", "status"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    guarantor_id: Mapped[str] = mapped_column(String(64))
    claim: Mapped[str | None] = mapped_column(String(38))
    pool: Mapped[str | None] = mapped_column(String(80))
    patient_id: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    status: Mapped[str] = mapped_column(String(20))
    proposed_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))


class AccountInquiryRow(Base):
    """A call or message from a patient or payer about an account (and a claim)."""

    __tablename__ = "account_inquiry"
    __table_args__ = (
        Index(None, "tenant_id", "guarantor_id"),
        Index(None, "tenant_id", "claim"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    guarantor_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    summary: Mapped[str] = mapped_column(Text)
    claim: Mapped[str | None] = mapped_column(String(38))
    payer_id: Mapped[str | None] = mapped_column(String(80))
    taken_by: Mapped[str | None] = mapped_column(String(64))


class InquiryTaskRow(Base):
    """Follow-up work an inquiry left, with its due date."""

    __tablename__ = "inquiry_task"
    __table_args__ = (
        _owned_by("account_inquiry", "inquiry_id"),
        Index(None, "tenant_id", "due_date"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    inquiry_id: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    assignee: Mapped[str | None] = mapped_column(String(64))
    done_on: Mapped[date | None] = mapped_column(Date)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementRecord:
    """A statement as stored: its key figures and its export document."""

    id: str
    guarantor_id: str
    statement_date: date
    amount_due: Decimal
    insurance_pending: Decimal
    dunning_level: int
    cycle: bool
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LoggedAction:
    """A collection-log row: the entry and the guarantor it concerned."""

    guarantor_id: str
    entry: LogEntry
    detail: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class SqlPatientAccountRepository(TenantScoped):
    """The current tenant's patient-account records."""

    # -- policy ----------------------------------------------------------------------

    def policy(self) -> PatientAccountPolicy:
        row = self.session.get(PatientAccountPolicyRow, self.tenant_id)
        if row is None:
            return PatientAccountPolicy()
        return PatientAccountPolicy.model_validate_json(row.document)

    def set_policy(self, policy: PatientAccountPolicy) -> PatientAccountPolicy:
        row = self.session.get(PatientAccountPolicyRow, self.tenant_id)
        with self._writing("the patient-account policy"):
            if row is None:
                self.session.add(
                    PatientAccountPolicyRow(
                        tenant_id=self.tenant_id,
                        document=policy.model_dump_json(),
                        updated_at=_now(),
                    )
                )
            else:
                row.document, row.updated_at = policy.model_dump_json(), _now()
        return policy

    # -- guarantor standing ------------------------------------------------------------

    def account(self, guarantor_id: str) -> GuarantorAccountState | None:
        row = self.session.get(GuarantorAccountRow, (self.tenant_id, guarantor_id))
        return None if row is None else _state(row)

    def accounts(self) -> dict[str, GuarantorAccountState]:
        statement = select(GuarantorAccountRow).where(
            GuarantorAccountRow.tenant_id == self.tenant_id
        )
        return {row.guarantor_id: _state(row) for row in self.session.scalars(statement)}

    def save_accounts(self, states: Iterable[GuarantorAccountState]) -> None:
        """Insert or replace each guarantor's standing."""
        wanted = {s.guarantor_id: s for s in states}
        if not wanted:
            return
        ids = sorted(wanted)
        existing: dict[str, GuarantorAccountRow] = {}
        for start in range(0, len(ids), CHUNK):
            statement = select(GuarantorAccountRow).where(
                GuarantorAccountRow.tenant_id == self.tenant_id,
                GuarantorAccountRow.guarantor_id.in_(ids[start : start + CHUNK]),
            )
            existing.update({row.guarantor_id: row for row in self.session.scalars(statement)})
        now = _now()
        fresh = []
        with self._writing("a guarantor account"):
            for guarantor_id, state in wanted.items():
                columns = _state_columns(state)
                row = existing.get(guarantor_id)
                if row is None:
                    fresh.append({"tenant_id": self.tenant_id, **columns, "updated_at": now})
                    continue
                for name, value in columns.items():
                    setattr(row, name, value)
                row.updated_at = now
            if fresh:
                self.session.execute(insert(GuarantorAccountRow), fresh)

    # -- statements ----------------------------------------------------------------------

    def add_statements(self, records: Sequence[StatementRecord]) -> None:
        if not records:
            return
        now = _now()
        with self._writing("a statement"):
            self.session.execute(
                insert(PatientStatementRow),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "id": r.id,
                        "guarantor_id": r.guarantor_id,
                        "statement_date": r.statement_date,
                        "amount_due": r.amount_due,
                        "insurance_pending": r.insurance_pending,
                        "dunning_level": r.dunning_level,
                        "cycle": r.cycle,
                        "document": json.dumps(r.document, sort_keys=True),
                        "created_at": now,
                    }
                    for r in records
                ],
            )

    def statements(self, guarantor_id: str) -> builtins.list[StatementRecord]:
        statement = (
            select(PatientStatementRow)
            .where(
                PatientStatementRow.tenant_id == self.tenant_id,
                PatientStatementRow.guarantor_id == guarantor_id,
            )
            .order_by(PatientStatementRow.statement_date, PatientStatementRow.id)
        )
        return [
            StatementRecord(
                id=row.id,
                guarantor_id=row.guarantor_id,
                statement_date=row.statement_date,
                amount_due=row.amount_due,
                insurance_pending=row.insurance_pending,
                dunning_level=row.dunning_level,
                cycle=row.cycle,
                document=json.loads(row.document),
            )
            for row in self.session.scalars(statement)
        ]

    # -- payment plans -----------------------------------------------------------------

    def add_plan(self, plan: PaymentPlan) -> PaymentPlan:
        if not plan.id or plan.created_on is None:
            raise ValueError("a stored plan needs an id and its creation date")
        with self._writing(f"payment plan {plan.id}"):
            self.session.add(
                PaymentPlanRow(
                    tenant_id=self.tenant_id,
                    id=plan.id,
                    guarantor_id=plan.guarantor_id,
                    status=plan.status.value,
                    created_on=plan.created_on,
                    balance=plan.balance,
                    document=json.dumps(plan_document(plan)),
                    updated_at=_now(),
                )
            )
        return plan

    def update_plan(self, plan: PaymentPlan) -> PaymentPlan:
        row = self.session.get(PaymentPlanRow, (self.tenant_id, plan.id))
        if row is None:
            raise NotFound(f"no payment plan {plan.id} in this tenant")
        with self._writing(f"payment plan {plan.id}"):
            row.status = plan.status.value
            row.document = json.dumps(plan_document(plan))
            row.updated_at = _now()
        return plan

    def plan(self, plan_id: str) -> PaymentPlan | None:
        row = self.session.get(PaymentPlanRow, (self.tenant_id, plan_id))
        return None if row is None else plan_from_document(json.loads(row.document))

    def plans(
        self, *, guarantor_id: str | None = None, status: str | None = None
    ) -> builtins.list[PaymentPlan]:
        statement = select(PaymentPlanRow).where(PaymentPlanRow.tenant_id == self.tenant_id)
        if guarantor_id is not None:
            statement = statement.where(PaymentPlanRow.guarantor_id == guarantor_id)
        if status is not None:
            statement = statement.where(PaymentPlanRow.status == status)
        statement = statement.order_by(PaymentPlanRow.created_on, PaymentPlanRow.id)
        return [plan_from_document(json.loads(r.document)) for r in self.session.scalars(statement)]

    # -- the collection log (append only) -------------------------------------------------

    def log(self, entries: Sequence[LoggedAction]) -> None:
        """Append collection actions to the log. There is no way to change or remove one."""
        if not entries:
            return
        now = _now()
        with self._writing("a collection log entry"):
            self.session.execute(
                insert(CollectionLogRow),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "guarantor_id": item.guarantor_id,
                        "debt_id": item.entry.action.debt_id,
                        "kind": item.entry.action.kind.value,
                        "channel": item.entry.action.channel.value,
                        "recipient_id": item.entry.action.recipient_id,
                        "action_at": item.entry.action.at,
                        "connected": item.entry.action.connected,
                        "allowed": item.entry.allowed,
                        "reasons": json.dumps(
                            [{"code": f.code, "message": f.message} for f in item.entry.reasons]
                        ),
                        "detail": item.detail,
                        "logged_at": now,
                    }
                    for item in entries
                ],
            )

    def collection_log(
        self, *, debt_id: str | None = None, guarantor_id: str | None = None
    ) -> builtins.list[LoggedAction]:
        """Logged actions, in the order they were logged."""
        statement = select(CollectionLogRow).where(CollectionLogRow.tenant_id == self.tenant_id)
        if debt_id is not None:
            statement = statement.where(CollectionLogRow.debt_id == debt_id)
        if guarantor_id is not None:
            statement = statement.where(CollectionLogRow.guarantor_id == guarantor_id)
        rows = self.session.scalars(statement.order_by(CollectionLogRow.id))
        return [
            LoggedAction(
                row.guarantor_id,
                LogEntry(
                    action=Action(
                        row.debt_id,
                        ActionKind(row.kind),
                        Channel(row.channel),
                        row.recipient_id,
                        row.action_at,
                        row.connected,
                    ),
                    allowed=row.allowed,
                    reasons=tuple(
                        Finding(code=r["code"], severity=Severity.ERROR, message=r["message"])
                        for r in json.loads(row.reasons)
                    ),
                ),
                row.detail,
            )
            for row in rows
        ]

    # -- refunds -----------------------------------------------------------------------

    def add_refund(self, proposal: RefundProposal) -> RefundProposal:
        with self._writing(f"refund proposal {proposal.id}"):
            self.session.add(RefundProposalRow(tenant_id=self.tenant_id, **_refund(proposal)))
        return proposal

    def update_refund(self, proposal: RefundProposal) -> RefundProposal:
        row = self.session.get(RefundProposalRow, (self.tenant_id, proposal.id))
        if row is None:
            raise NotFound(f"no refund proposal {proposal.id} in this tenant")
        with self._writing(f"refund proposal {proposal.id}"):
            for name, value in _refund(proposal).items():
                setattr(row, name, value)
        return proposal

    def refund(self, proposal_id: str) -> RefundProposal | None:
        row = self.session.get(RefundProposalRow, (self.tenant_id, proposal_id))
        return None if row is None else _proposal(row)

    def refunds(
        self, *, status: str | None = None, guarantor_id: str | None = None
    ) -> builtins.list[RefundProposal]:
        statement = select(RefundProposalRow).where(RefundProposalRow.tenant_id == self.tenant_id)
        if status is not None:
            statement = statement.where(RefundProposalRow.status == status)
        if guarantor_id is not None:
            statement = statement.where(RefundProposalRow.guarantor_id == guarantor_id)
        statement = statement.order_by(RefundProposalRow.proposed_on, RefundProposalRow.id)
        return [_proposal(row) for row in self.session.scalars(statement)]

    # -- inquiries -----------------------------------------------------------------------

    def add_inquiry(self, inquiry: Inquiry) -> Inquiry:
        with self._writing(f"inquiry {inquiry.id}"):
            self.session.add(
                AccountInquiryRow(
                    tenant_id=self.tenant_id,
                    id=inquiry.id,
                    guarantor_id=inquiry.guarantor_id,
                    source=inquiry.source.value,
                    channel=inquiry.channel.value,
                    received_at=inquiry.received_at,
                    summary=inquiry.summary,
                    claim=inquiry.claim,
                    payer_id=inquiry.payer_id,
                    taken_by=inquiry.taken_by,
                )
            )
        return inquiry

    def inquiries(
        self, *, guarantor_id: str | None = None, claim: str | None = None
    ) -> builtins.list[Inquiry]:
        statement = select(AccountInquiryRow).where(AccountInquiryRow.tenant_id == self.tenant_id)
        if guarantor_id is not None:
            statement = statement.where(AccountInquiryRow.guarantor_id == guarantor_id)
        if claim is not None:
            statement = statement.where(AccountInquiryRow.claim == claim)
        statement = statement.order_by(AccountInquiryRow.received_at, AccountInquiryRow.id)
        return [
            Inquiry(
                id=row.id,
                guarantor_id=row.guarantor_id,
                source=row.source,  # type: ignore[arg-type]
                channel=row.channel,  # type: ignore[arg-type]
                received_at=row.received_at,
                summary=row.summary,
                claim=row.claim,
                payer_id=row.payer_id,
                taken_by=row.taken_by,
            )
            for row in self.session.scalars(statement)
        ]

    def add_task(self, task: FollowUpTask) -> FollowUpTask:
        with self._writing(f"follow-up task {task.id}"):
            self.session.add(InquiryTaskRow(tenant_id=self.tenant_id, **_task(task)))
        return task

    def update_task(self, task: FollowUpTask) -> FollowUpTask:
        row = self.session.get(InquiryTaskRow, (self.tenant_id, task.id))
        if row is None:
            raise NotFound(f"no follow-up task {task.id} in this tenant")
        with self._writing(f"follow-up task {task.id}"):
            for name, value in _task(task).items():
                setattr(row, name, value)
        return task

    def task(self, task_id: str) -> FollowUpTask | None:
        row = self.session.get(InquiryTaskRow, (self.tenant_id, task_id))
        return None if row is None else _task_record(row)

    def tasks(
        self,
        *,
        open_only: bool = True,
        due_by: date | None = None,
        inquiry_id: str | None = None,
    ) -> builtins.list[FollowUpTask]:
        statement = select(InquiryTaskRow).where(InquiryTaskRow.tenant_id == self.tenant_id)
        if open_only:
            statement = statement.where(InquiryTaskRow.done_on.is_(None))
        if due_by is not None:
            statement = statement.where(InquiryTaskRow.due_date <= due_by)
        if inquiry_id is not None:
            statement = statement.where(InquiryTaskRow.inquiry_id == inquiry_id)
        statement = statement.order_by(InquiryTaskRow.due_date, InquiryTaskRow.id)
        return [_task_record(row) for row in self.session.scalars(statement)]

    # -- what statements need from the claim tables -----------------------------------------

    def claim_facts(
        self,
        *,
        patient_ids: Iterable[str] | None = None,
        claims: Iterable[str] | None = None,
    ) -> dict[str, ClaimFacts]:
        """Each claim's patient, dates, procedure codes and current guarantor, read in bulk.

        All the tenant's claims, or those of `patient_ids`, or those numbered `claims`
        (patient control numbers); both filters together give the union.
        """
        base = (
            select(
                ClaimRow.id,
                ClaimRow.patient_control_number,
                ClaimRow.patient_id,
                ClaimRow.first_service_date,
                ClaimRow.total_charge_amount,
                ClaimRow.status,
                PatientRow.last_name,
                PatientRow.first_name,
                PatientRow.guarantor_id,
            )
            .join(
                PatientRow,
                (PatientRow.tenant_id == ClaimRow.tenant_id)
                & (PatientRow.id == ClaimRow.patient_id),
            )
            .where(ClaimRow.tenant_id == self.tenant_id)
        )
        rows: list[Any] = []
        if patient_ids is None and claims is None:
            rows = list(self.session.execute(base))
        else:
            for column, values in (
                (ClaimRow.patient_id, patient_ids),
                (ClaimRow.patient_control_number, claims),
            ):
                wanted = sorted(set(values or ()))
                for start in range(0, len(wanted), CHUNK):
                    rows.extend(
                        self.session.execute(base.where(column.in_(wanted[start : start + CHUNK])))
                    )
        procedures = self._procedures([row.id for row in rows])
        facts: dict[str, ClaimFacts] = {}
        for row in rows:
            codes = procedures.get(row.id, [])
            facts[row.patient_control_number] = ClaimFacts(
                patient_control_number=row.patient_control_number,
                patient_id=row.patient_id,
                patient_name=f"{row.last_name}, {row.first_name}",
                service_date=row.first_service_date,
                description=_describe(codes),
                charge=row.total_charge_amount,
                guarantor_id=row.guarantor_id or row.patient_id,
                closed=row.status in CLOSED_CLAIM_STATUSES,
            )
        return facts

    def _procedures(self, claim_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        if not claim_ids:
            return found
        everything = len(claim_ids) > 5 * CHUNK
        statement = (
            select(ClaimLineRow.claim_id, ClaimLineRow.procedure)
            .where(ClaimLineRow.tenant_id == self.tenant_id)
            .order_by(ClaimLineRow.claim_id, ClaimLineRow.number)
        )
        batches = (
            [statement]
            if everything
            else [
                statement.where(ClaimLineRow.claim_id.in_(claim_ids[start : start + CHUNK]))
                for start in range(0, len(claim_ids), CHUNK)
            ]
        )
        for batch in batches:
            for claim_id, procedure in self.session.execute(batch):
                found.setdefault(claim_id, []).append(procedure)
        return found

    def patients_of(self, guarantor_id: str) -> builtins.list[str]:
        """Ids of the patients billed to this guarantor (the guarantor may be a patient too)."""
        statement = select(PatientRow.id).where(
            PatientRow.tenant_id == self.tenant_id,
            (PatientRow.guarantor_id == guarantor_id)
            | ((PatientRow.id == guarantor_id) & PatientRow.guarantor_id.is_(None)),
        )
        return list(self.session.scalars(statement.order_by(PatientRow.id)))

    def patient_guarantors(self) -> dict[str, str]:
        """Each patient's guarantor id (the patient's own id when none is set)."""
        statement = select(PatientRow.id, PatientRow.guarantor_id).where(
            PatientRow.tenant_id == self.tenant_id
        )
        return {pid: gid or pid for pid, gid in self.session.execute(statement)}


def _describe(codes: Sequence[str]) -> str:
    unique = list(dict.fromkeys(codes))
    if not unique:
        return "Services"
    shown = ", ".join(unique[:4])
    return f"Services {shown}" + (f" +{len(unique) - 4}" if len(unique) > 4 else "")


def _state(row: GuarantorAccountRow) -> GuarantorAccountState:
    return GuarantorAccountState(
        guarantor_id=row.guarantor_id,
        dunning_level=row.dunning_level,
        last_statement_date=row.last_statement_date,
        stage=row.stage,
        debt_id=row.debt_id,
        time_zone=row.time_zone,
        disputed=row.disputed,
        verification_sent=row.verification_sent,
        cease_communication=row.cease_communication,
        validation_notice=row.validation_notice,
        letter_on=row.letter_on,
        agency_id=row.agency_id,
        assigned_on=row.assigned_on,
    )


def _state_columns(state: GuarantorAccountState) -> dict[str, Any]:
    return {
        "guarantor_id": state.guarantor_id,
        "dunning_level": state.dunning_level,
        "last_statement_date": state.last_statement_date,
        "stage": state.stage,
        "debt_id": state.debt_id,
        "time_zone": state.time_zone,
        "disputed": state.disputed,
        "verification_sent": state.verification_sent,
        "cease_communication": state.cease_communication,
        "validation_notice": state.validation_notice,
        "letter_on": state.letter_on,
        "agency_id": state.agency_id,
        "assigned_on": state.assigned_on,
    }


def _refund(p: RefundProposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "guarantor_id": p.guarantor_id,
        "claim": p.claim,
        "pool": p.pool,
        "patient_id": p.patient_id,
        "amount": p.amount,
        "status": p.status.value,
        "proposed_on": p.proposed_on,
        "decided_on": p.decided_on,
        "decided_by": p.decided_by,
    }


def _proposal(row: RefundProposalRow) -> RefundProposal:
    return RefundProposal(
        id=row.id,
        guarantor_id=row.guarantor_id,
        amount=row.amount,
        proposed_on=row.proposed_on,
        claim=row.claim,
        pool=row.pool,
        patient_id=row.patient_id,
        status=RefundStatus(row.status),
        decided_on=row.decided_on,
        decided_by=row.decided_by,
    )


def _task(task: FollowUpTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "inquiry_id": task.inquiry_id,
        "description": task.description,
        "due_date": task.due_date,
        "assignee": task.assignee,
        "done_on": task.done_on,
    }


def _task_record(row: InquiryTaskRow) -> FollowUpTask:
    return FollowUpTask(
        id=row.id,
        inquiry_id=row.inquiry_id,
        description=row.description,
        due_date=row.due_date,
        assignee=row.assignee,
        done_on=row.done_on,
    )


@dataclass(frozen=True, slots=True)
class Addressee:
    """Who a guarantor's mail goes to: name, address lines, phone and time zone."""

    name: str
    address: tuple[str, ...]
    phone: str | None
    time_zone: str


def _address_lines(row: Any) -> tuple[str, ...]:
    if not row.address_line1:
        return ()
    lines = [row.address_line1]
    if row.address_line2:
        lines.append(row.address_line2)
    zip_code = row.address_zip_code or ""
    if len(zip_code) == 9:
        zip_code = f"{zip_code[:5]}-{zip_code[5:]}"
    lines.append(f"{row.address_city}, {row.address_state} {zip_code}".strip())
    return tuple(lines)


def _full_name(row: Any) -> str:
    parts = [row.first_name, row.middle_name, row.last_name, row.name_suffix]
    return " ".join(p for p in parts if p)


def addressees(repository: SqlPatientAccountRepository) -> dict[str, Addressee]:
    """Every guarantor's (and self-guaranteed patient's) mailing details, read in bulk."""
    from openrcm.store.tables import GuarantorRow

    session, tenant = repository.session, repository.tenant_id
    zones: dict[str, str] = {}
    found: dict[str, Addressee] = {}
    patients = session.scalars(select(PatientRow).where(PatientRow.tenant_id == tenant))
    for row in patients:
        key = row.guarantor_id or row.id
        if row.id == key or key not in zones:
            zones[key] = row.time_zone
        if row.guarantor_id is None:
            found[row.id] = Addressee(
                _full_name(row), _address_lines(row), row.phone, row.time_zone
            )
    guarantors = session.scalars(select(GuarantorRow).where(GuarantorRow.tenant_id == tenant))
    for guarantor in guarantors:
        found[guarantor.id] = Addressee(
            _full_name(guarantor),
            _address_lines(guarantor),
            guarantor.phone,
            zones.get(guarantor.id, "America/New_York"),
        )
    return found


def awaiting_next_payer(repository: SqlPatientAccountRepository) -> dict[str, set[str]]:
    """Claims with a secondary (or tertiary) claim queued by 835 posting and still open,
    with the payer ids that claim goes to."""
    from openrcm.store.ledger_tables import RemitWorkItemRow

    statement = select(RemitWorkItemRow.claim, RemitWorkItemRow.reason).where(
        RemitWorkItemRow.tenant_id == repository.tenant_id,
        RemitWorkItemRow.kind == "secondary_claim",
        RemitWorkItemRow.resolved.is_(False),
    )
    found: dict[str, set[str]] = {}
    for claim, payer in repository.session.execute(statement):
        if claim:
            found.setdefault(claim, set()).add(payer or "")
    return found
