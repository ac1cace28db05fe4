"""Ledger storage: journal entries, their legs and the remittance work queue, per tenant.

`JournalEntryRow` and `JournalLegRow` hold `openrcm.ledger.JournalEntry` records exactly
(amounts as NUMERIC(14,2)); entries are only ever inserted, never updated, since a
correction is a new entry. `RemitWorkItemRow` keeps what 835 posting hands to people:
exceptions, denials, underpayment discrepancies and the secondary claims it built, each as
JSON with a few columns to query by. `SqlLedgerRepository` maps between rows and records
for one tenant, in the session of a unit of work. Balances are never stored: they are sums.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.ledger.accounts import Account
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind
from openrcm.store.column_types import Amount, UtcDateTime
from openrcm.store.errors import Duplicate, MissingReference
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, _tenant_id

CHUNK = 500  # values per IN (...) query


def _natural(text: str) -> tuple[Any, ...]:
    """Sort "835:x:2" before "835:x:10": digit runs compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


class JournalEntryRow(Base):
    """One journal entry: when, why (its source), for which claim; inserted only."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        Index(None, "tenant_id", "claim"),
        Index(None, "tenant_id", "check_id"),
        Index(None, "tenant_id", "payer_claim_number"),
        Index(None, "tenant_id", "entry_date"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    entry_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(200))
    claim: Mapped[str | None] = mapped_column(String(38))  # CLM01
    patient_id: Mapped[str | None] = mapped_column(String(64))
    payer_id: Mapped[str | None] = mapped_column(String(80))
    check_id: Mapped[str | None] = mapped_column(String(160))  # payer/TRN02
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))  # CLP07
    adjudication_status: Mapped[str | None] = mapped_column(String(2))  # CLP02
    reverses: Mapped[str | None] = mapped_column(String(160))
    memo: Mapped[str | None] = mapped_column(String(200))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JournalLegRow(Base):
    """One leg of an entry: a signed amount (debit +) to one account."""

    __tablename__ = "journal_leg"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["journal_entry.tenant_id", "journal_entry.id"],
            ondelete="CASCADE",
        ),
        Index(None, "tenant_id", "account"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    entry_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    line: Mapped[int | None] = mapped_column(Integer)  # LX01
    reason: Mapped[str | None] = mapped_column(String(40))  # "paid", "CO-45", "COB:PR-1"
    reference: Mapped[str | None] = mapped_column(String(80))


class RemitWorkItemRow(Base):
    """An item 835 posting queued for people: exception, denial, discrepancy, next claim."""

    __tablename__ = "remit_work_item"
    __table_args__ = (
        Index(None, "tenant_id", "kind", "resolved"),
        Index(None, "tenant_id", "claim"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    check_id: Mapped[str] = mapped_column(String(160))
    claim: Mapped[str | None] = mapped_column(String(38))
    reason: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[Decimal | None] = mapped_column(Amount(14, 2))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    document: Mapped[str] = mapped_column(Text)  # the record as JSON


def _entry_columns(e: JournalEntry, document: str | None, now: datetime) -> dict[str, Any]:
    return {
        "id": e.id,
        "entry_date": e.entry_date,
        "source": e.source.value,
        "source_id": e.source_id,
        "claim": e.claim,
        "patient_id": e.patient_id,
        "payer_id": e.payer_id,
        "check_id": e.check,
        "payer_claim_number": e.payer_claim_number,
        "adjudication_status": e.adjudication_status,
        "reverses": e.reverses,
        "memo": e.memo,
        "document_sha256": document,
        "created_at": now,
    }


class SqlLedgerRepository(TenantScoped):
    """The current tenant's journal entries and remittance work items."""

    def add(self, entries: Sequence[JournalEntry], *, document: str | None = None) -> None:
        """Insert entries and their legs in bulk; `Duplicate` when an entry id is taken."""
        if not entries:
            return
        now = datetime.now(UTC)
        tenant = self.tenant_id
        with self._writing("a journal entry"):
            self._insert(
                JournalEntryRow,
                [{"tenant_id": tenant, **_entry_columns(e, document, now)} for e in entries],
            )
        legs = [
            {
                "tenant_id": tenant,
                "entry_id": e.id,
                "position": position,
                "account": str(leg.account),
                "amount": leg.amount,
                "line": leg.line,
                "reason": leg.reason,
                "reference": leg.reference,
            }
            for e in entries
            for position, leg in enumerate(e.legs, start=1)
        ]
        if legs:
            with self._writing("a journal leg"):
                self._insert(JournalLegRow, legs)

    def has_check(self, check: str) -> bool:
        """True when entries of this payment (payer/TRN02) are already in the ledger."""
        statement = (
            select(JournalEntryRow.id)
            .where(JournalEntryRow.tenant_id == self.tenant_id, JournalEntryRow.check_id == check)
            .limit(1)
        )
        return self.session.scalar(statement) is not None

    def has_entry(self, entry_id: str) -> bool:
        return self.session.get(JournalEntryRow, (self.tenant_id, entry_id)) is not None

    def existing_ids(self, entry_ids: Iterable[str]) -> set[str]:
        """Which of these entry ids are already stored."""
        wanted = sorted(set(entry_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            statement = select(JournalEntryRow.id).where(
                JournalEntryRow.tenant_id == self.tenant_id,
                JournalEntryRow.id.in_(wanted[start : start + CHUNK]),
            )
            found.update(self.session.scalars(statement))
        return found

    def for_claims(self, claims: Iterable[str]) -> builtins.list[JournalEntry]:
        """Every entry for these claims (patient control numbers), oldest first."""
        return self._where_in(JournalEntryRow.claim, claims)

    def for_payer_claim_numbers(self, numbers: Iterable[str]) -> builtins.list[JournalEntry]:
        """Entries carrying these payer claim control numbers (CLP07 / PLB references)."""
        return self._where_in(JournalEntryRow.payer_claim_number, numbers)

    def for_account(self, account: Account | str) -> builtins.list[JournalEntry]:
        """Every entry with a leg on this account (e.g. a payer's refunds payable)."""
        ids = select(JournalLegRow.entry_id).where(
            JournalLegRow.tenant_id == self.tenant_id, JournalLegRow.account == str(account)
        )
        return self._entries(
            select(JournalEntryRow).where(
                JournalEntryRow.tenant_id == self.tenant_id, JournalEntryRow.id.in_(ids)
            )
        )

    def entries(
        self, *, claim: str | None = None, patient_id: str | None = None
    ) -> builtins.list[JournalEntry]:
        """The tenant's entries, optionally one claim's or one patient's, oldest first."""
        statement = select(JournalEntryRow).where(JournalEntryRow.tenant_id == self.tenant_id)
        if claim is not None:
            statement = statement.where(JournalEntryRow.claim == claim)
        if patient_id is not None:
            statement = statement.where(JournalEntryRow.patient_id == patient_id)
        return self._entries(statement)

    def account_balances(self, *, through: date | None = None) -> dict[str, Decimal]:
        """Each account's balance, summed in whole cents by the database."""
        cents = func.sum(func.round(JournalLegRow.amount * 100))
        statement = select(JournalLegRow.account, cents).where(
            JournalLegRow.tenant_id == self.tenant_id
        )
        if through is not None:
            statement = statement.join(
                JournalEntryRow,
                (JournalEntryRow.tenant_id == JournalLegRow.tenant_id)
                & (JournalEntryRow.id == JournalLegRow.entry_id),
            ).where(JournalEntryRow.entry_date <= through)
        statement = statement.group_by(JournalLegRow.account).order_by(JournalLegRow.account)
        return {
            account: (Decimal(int(total or 0)) / 100).quantize(Decimal("0.01"))
            for account, total in self.session.execute(statement)
        }

    def add_work_items(self, items: Sequence[dict[str, Any]]) -> None:
        """Queue work items: dicts with id, kind, check_id, claim, reason, amount, document."""
        if not items:
            return
        now = datetime.now(UTC)
        with self._writing("a remittance work item"):
            self._insert(
                RemitWorkItemRow,
                [
                    {"tenant_id": self.tenant_id, "resolved": False, "created_at": now, **i}
                    for i in items
                ],
            )

    def work_items(
        self, *, kind: str | None = None, open_only: bool = True, limit: int = 100, offset: int = 0
    ) -> builtins.list[dict[str, Any]]:
        """A page of queued work items, oldest first, as their stored JSON plus id and kind."""
        statement = select(RemitWorkItemRow).where(RemitWorkItemRow.tenant_id == self.tenant_id)
        if kind is not None:
            statement = statement.where(RemitWorkItemRow.kind == kind)
        if open_only:
            statement = statement.where(RemitWorkItemRow.resolved.is_(False))
        statement = statement.order_by(RemitWorkItemRow.created_at, RemitWorkItemRow.id)
        rows = self.session.scalars(statement.limit(limit).offset(offset))
        return [
            {
                "id": row.id,
                "kind": row.kind,
                "check_id": row.check_id,
                "claim": row.claim,
                "resolved": row.resolved,
                **json.loads(row.document),
            }
            for row in rows
        ]

    def _insert(self, row_type: Any, rows: builtins.list[dict[str, Any]]) -> None:
        """Insert many rows: COPY on PostgreSQL (one stream), executemany elsewhere."""
        table = row_type.__table__
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            connection.execute(table.insert(), rows)
            return
        from psycopg import errors, sql

        columns = builtins.list(rows[0])
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        raw: Any = connection.connection.dbapi_connection
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        except errors.UniqueViolation as error:
            raise Duplicate(f"a {table.name} row is already stored") from error
        except errors.ForeignKeyViolation as error:
            raise MissingReference(f"a {table.name} row points at nothing") from error

    # -- rows to records ----------------------------------------------------------------

    def _where_in(self, column: Any, values: Iterable[str]) -> builtins.list[JournalEntry]:
        wanted = sorted(set(values))
        found: builtins.list[JournalEntry] = []
        for start in range(0, len(wanted), CHUNK):
            found.extend(
                self._entries(
                    select(JournalEntryRow).where(
                        JournalEntryRow.tenant_id == self.tenant_id,
                        column.in_(wanted[start : start + CHUNK]),
                    )
                )
            )
        found.sort(key=lambda e: (e.entry_date, _natural(e.id)))
        return found

    def _entries(self, statement: Any) -> builtins.list[JournalEntry]:
        rows = builtins.list(self.session.scalars(statement))
        if not rows:
            return []
        legs: dict[str, builtins.list[Leg]] = {row.id: [] for row in rows}
        ids = builtins.list(legs)
        for start in range(0, len(ids), CHUNK):
            leg_rows = self.session.scalars(
                select(JournalLegRow)
                .where(
                    JournalLegRow.tenant_id == self.tenant_id,
                    JournalLegRow.entry_id.in_(ids[start : start + CHUNK]),
                )
                .order_by(JournalLegRow.entry_id, JournalLegRow.position)
            )
            for leg in leg_rows:
                legs[leg.entry_id].append(
                    Leg(Account.parse(leg.account), leg.amount, leg.line, leg.reason, leg.reference)
                )
        order = {row.id: (row.entry_date, row.created_at, _natural(row.id)) for row in rows}
        built = [
            JournalEntry(
                id=row.id,
                entry_date=row.entry_date,
                source=SourceKind(row.source),
                source_id=row.source_id,
                legs=tuple(legs[row.id]),
                claim=row.claim,
                patient_id=row.patient_id,
                payer_id=row.payer_id,
                check=row.check_id,
                payer_claim_number=row.payer_claim_number,
                adjudication_status=row.adjudication_status,
                reverses=row.reverses,
                memo=row.memo,
            )
            for row in rows
        ]
        built.sort(key=lambda e: order[e.id])
        return built
