"""Ledger storage: journal entries, their legs and the remittance work queue, per tenant.

`JournalEntryRow` and `JournalLegRow` hold `openrcm.ledger.JournalEntry` records exactly
(amounts as NUMERIC(14,2)); entries are only ever inserted, never updated, since a
correction is a new entry. `RemitWorkItemRow` keeps what 835 posting hands to people:
exceptions, denials, underpayment discrepancies and the secondary claims it built, each as
JSON with a few columns to query by, until a person (or the loop billing a secondary claim)
resolves it. `RemitPaymentRow` records each 835 payment posted (BPR02 and TRN02) and
`BankDepositRow` each bank deposit imported, with the payment it was matched to.
`SqlLedgerRepository` maps between rows and records for one tenant, in the session of a unit
of work; it writes in bulk (COPY on PostgreSQL, the driver's executemany on SQLite), or as
entries are built (`streaming`: the legs flow to PostgreSQL in one COPY while the caller
builds the next entries), and reads an entry with its legs in one query. Balances are never
stored: they are sums.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Index,
    Integer,
    String,
    Text,
    and_,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.ledger.accounts import Account, AccountKind
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind
from openrcm.remit.deposits import BankDeposit, DepositMatch, MatchKind, RemittancePayment
from openrcm.store.column_types import Amount, UtcDateTime
from openrcm.store.errors import Duplicate, MissingReference
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, _tenant_id

CHUNK = 500  # values per IN (...) query on SQLite; PostgreSQL takes them all as one array


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


PARTY_LEGS = "account LIKE '%:%' AND account NOT LIKE 'insurance_ar:%'"
"""The legs `journal_leg`'s account index holds: those on a party's account other than
insurance A/R (patient A/R, unapplied cash and refunds payable per guarantor or payer), the
accounts `for_account` looks up. Insurance A/R and the practice-wide accounts (revenue,
deposits, adjustments) take most legs and are only ever summed, so the index leaves them
out and posting an 835 maintains it for about one leg in five."""


class JournalLegRow(Base):
    """One leg of an entry: a signed amount (debit +) to one account.

    No foreign keys, to `journal_entry` or `tenant`: a leg is only ever written by
    `SqlLedgerRepository.add`, in the same transaction as its entry and with its entry's
    tenant, and entries (which keep their key to `tenant`) are never deleted. Per-row key
    checks on the 15 or so legs of each claim paid cost more than the rest of posting an 835
    (and on a young table PostgreSQL may plan the check as a scan of every entry).
    """

    __tablename__ = "journal_leg"
    __table_args__ = (
        Index(
            None,
            "tenant_id",
            "account",
            postgresql_where=text(PARTY_LEGS),
            sqlite_where=text(PARTY_LEGS),
        ),
    )

    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(255))  # Account's name, party encoded
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
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution_note: Mapped[str | None] = mapped_column(String(200))


class RemitPaymentRow(Base):
    """One 835 payment (check or EFT) posted: BPR02, TRN02, the payer and the date."""

    __tablename__ = "remit_payment"
    __table_args__ = (Index(None, "tenant_id", "trace_number"),)

    tenant_id: Mapped[str] = _tenant_id()
    check_id: Mapped[str] = mapped_column(String(160), primary_key=True)  # payer/TRN02
    trace_number: Mapped[str] = mapped_column(String(80))  # TRN02
    payer_id: Mapped[str] = mapped_column(String(80))
    payer_name: Mapped[str] = mapped_column(String(60))
    payment_date: Mapped[date] = mapped_column(Date)  # BPR16
    payment_method: Mapped[str] = mapped_column(String(3))  # BPR04
    amount: Mapped[Decimal] = mapped_column(Amount(14, 2))  # BPR02
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BankDepositRow(Base):
    """One deposit from the practice's bank statement, and the 835 payment it matched."""

    __tablename__ = "bank_deposit"
    __table_args__ = (Index(None, "tenant_id", "check_id"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # content hash
    deposit_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    reference: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(200))
    check_id: Mapped[str | None] = mapped_column(String(160))  # the payment matched
    match_kind: Mapped[str | None] = mapped_column(String(30))
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    document_sha256: Mapped[str | None] = mapped_column(String(64))  # the file it came from
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


ENTRY_COLUMNS = (
    "tenant_id",
    "id",
    "entry_date",
    "source",
    "source_id",
    "claim",
    "patient_id",
    "payer_id",
    "check_id",
    "payer_claim_number",
    "adjudication_status",
    "reverses",
    "memo",
    "document_sha256",
    "created_at",
)
LEG_COLUMNS = (
    "tenant_id",
    "entry_id",
    "position",
    "account",
    "amount",
    "line",
    "reason",
    "reference",
)
_ENTRY_SELECT = (
    JournalEntryRow.id,
    JournalEntryRow.entry_date,
    JournalEntryRow.source,
    JournalEntryRow.source_id,
    JournalEntryRow.claim,
    JournalEntryRow.patient_id,
    JournalEntryRow.payer_id,
    JournalEntryRow.check_id,
    JournalEntryRow.payer_claim_number,
    JournalEntryRow.adjudication_status,
    JournalEntryRow.reverses,
    JournalEntryRow.memo,
    JournalEntryRow.created_at,
    JournalLegRow.position,
    JournalLegRow.account,
    JournalLegRow.amount,
    JournalLegRow.line,
    JournalLegRow.reason,
    JournalLegRow.reference,
)


class SqlLedgerRepository(TenantScoped):
    """The current tenant's journal entries, remittance work items, payments and deposits."""

    def add(self, entries: Sequence[JournalEntry], *, document: str | None = None) -> None:
        """Insert entries and their legs in bulk; `Duplicate` when an entry id is taken."""
        if not entries:
            return
        rows = _Rows(self.tenant_id, document)
        entry_rows: builtins.list[tuple[Any, ...]] = []
        leg_rows: builtins.list[tuple[Any, ...]] = []
        for e in entries:
            rows.write(e, entry_rows.append, leg_rows.append)
        with self._writing("a journal entry"):
            self._insert_rows(JournalEntryRow, ENTRY_COLUMNS, entry_rows)
        if leg_rows:
            with self._writing("a journal leg"):
                self._insert_rows(JournalLegRow, LEG_COLUMNS, leg_rows)

    @contextmanager
    def streaming(
        self, *, document: str | None = None, switch_every: int = 1000
    ) -> Iterator[Callable[[JournalEntry], None]]:
        """Store entries as they are built: the block gets a function taking one entry at a
        time, and what it was given is stored when the block ends without an error.

        On PostgreSQL the rows stream to the server as they come (`_CopyStreams`), so the
        database stores and indexes them while the caller builds the next entries. Nothing
        else may use the session inside the block. Elsewhere the entries are collected and
        stored by `add`. `Duplicate` when an entry id is taken.
        """
        if not self._postgresql:
            collected: builtins.list[JournalEntry] = []
            yield collected.append
            self.add(collected, document=document)
            return
        from psycopg import errors

        self.session.flush()
        raw: Any = self.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor:
            streams = _CopyStreams(cursor, _Rows(self.tenant_id, document), switch_every)
            try:
                yield streams.add
                streams.close()
            except BaseException as error:
                streams.abort(error)
                if isinstance(error, errors.UniqueViolation):
                    raise Duplicate("a journal entry or leg is already stored") from error
                if isinstance(error, errors.ForeignKeyViolation):
                    raise MissingReference("a journal entry points at nothing") from error
                raise

    def has_check(self, check: str) -> bool:
        """True when this payment (payer/TRN02) is already posted: its record or its entries
        are in the ledger (a payment of only unmatched zero-paid claims has no entries)."""
        recorded = select(RemitPaymentRow.check_id).where(
            RemitPaymentRow.tenant_id == self.tenant_id, RemitPaymentRow.check_id == check
        )
        if self.session.scalar(recorded) is not None:
            return True
        statement = (
            select(JournalEntryRow.id)
            .where(JournalEntryRow.tenant_id == self.tenant_id, JournalEntryRow.check_id == check)
            .limit(1)
        )
        return self.session.scalar(statement) is not None

    def has_entry(self, entry_id: str) -> bool:
        return bool(self.existing_ids([entry_id]))

    def existing_ids(self, entry_ids: Iterable[str]) -> set[str]:
        """Which of these entry ids are already stored."""
        found: set[str] = set()
        for chunk in self._chunks(entry_ids):
            statement = select(JournalEntryRow.id).where(
                JournalEntryRow.tenant_id == self.tenant_id,
                self._among(JournalEntryRow.id, chunk),
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
        """Every entry with a leg on this account (e.g. a payer's refunds payable).

        A party's account other than insurance A/R is found through the account index
        (`PARTY_LEGS`, repeated in the query so both databases see the index fits); any
        other account by reading the tenant's legs.
        """
        return self._entries(JournalEntryRow.id.in_(self._legs_on(account)))

    def _legs_on(self, account: Account | str) -> Any:
        """SELECT the entry ids of the tenant's legs on `account`."""
        name = str(account)
        ids = select(JournalLegRow.entry_id).where(
            JournalLegRow.tenant_id == self.tenant_id, JournalLegRow.account == name
        )
        kind, _, party = name.partition(":")
        if party and kind != AccountKind.INSURANCE_AR.value:
            ids = ids.where(text(PARTY_LEGS))
        return ids

    def history(
        self, claims: Iterable[str], payer_claim_numbers: Iterable[str], account: Account | str
    ) -> builtins.list[JournalEntry]:
        """What posting a payment needs, each entry once, oldest first: the entries of these
        claims, those carrying these payer claim numbers, and those on `account`."""
        found: dict[str, JournalEntry] = {}
        for e in (
            *self.for_claims(claims),
            *self.for_payer_claim_numbers(payer_claim_numbers),
            *self.for_account(account),
        ):
            found.setdefault(e.id, e)
        return _ordered(builtins.list(found.values()))

    def entries(
        self, *, claim: str | None = None, patient_id: str | None = None
    ) -> builtins.list[JournalEntry]:
        """The tenant's entries, optionally one claim's or one patient's, oldest first."""
        conditions = []
        if claim is not None:
            conditions.append(JournalEntryRow.claim == claim)
        if patient_id is not None:
            conditions.append(JournalEntryRow.patient_id == patient_id)
        return self._entries(*conditions)

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

    # -- the work queue ----------------------------------------------------------------

    def add_work_items(self, items: Sequence[dict[str, Any]]) -> None:
        """Queue work items: dicts with id, kind, check_id, claim, reason, amount, document."""
        if not items:
            return
        now = datetime.now(UTC)
        columns = ("id", "kind", "check_id", "claim", "reason", "amount", "document")
        rows = [
            (self.tenant_id, *(i.get(c) for c in columns), False, now, None, None) for i in items
        ]
        with self._writing("a remittance work item"):
            self._insert_rows(
                RemitWorkItemRow,
                ("tenant_id", *columns, "resolved", "created_at", "resolved_at", "resolution_note"),
                rows,
            )

    def work_items(
        self,
        *,
        kind: str | None = None,
        open_only: bool = True,
        limit: int | None = 100,
        offset: int = 0,
    ) -> builtins.list[dict[str, Any]]:
        """A page of queued work items, oldest first, as their stored JSON plus id and kind."""
        return [
            {
                "id": row.id,
                "kind": row.kind,
                "check_id": row.check_id,
                "claim": row.claim,
                "resolved": row.resolved,
                **json.loads(row.document),
            }
            for row in self._work_item_rows(kind, open_only, limit, offset)
        ]

    def work_item_documents(
        self, *, kind: str, open_only: bool = True
    ) -> builtins.list[tuple[str, str]]:
        """Every queued item of a kind as (id, stored JSON), oldest first."""
        return [(row.id, row.document) for row in self._work_item_rows(kind, open_only, None, 0)]

    def resolve_work_items(self, ids: Iterable[str], note: str | None = None) -> int:
        """Mark open work items resolved, with a note; returns how many were open."""
        now = datetime.now(UTC)
        table: Any = RemitWorkItemRow.__table__
        done = 0
        with self._writing("a remittance work item"):
            for chunk in self._chunks(ids):
                result: Any = self.session.execute(
                    update(table)
                    .where(
                        table.c.tenant_id == self.tenant_id,
                        self._among(table.c.id, chunk),
                        table.c.resolved.is_(False),
                    )
                    .values(resolved=True, resolved_at=now, resolution_note=note)
                )
                done += result.rowcount or 0
        for row in builtins.list(self.session.identity_map.values()):
            if isinstance(row, RemitWorkItemRow):
                self.session.expire(row)
        return done

    def _work_item_rows(
        self, kind: str | None, open_only: bool, limit: int | None, offset: int
    ) -> builtins.list[RemitWorkItemRow]:
        statement = select(RemitWorkItemRow).where(RemitWorkItemRow.tenant_id == self.tenant_id)
        if kind is not None:
            statement = statement.where(RemitWorkItemRow.kind == kind)
        if open_only:
            statement = statement.where(RemitWorkItemRow.resolved.is_(False))
        statement = statement.order_by(RemitWorkItemRow.created_at, RemitWorkItemRow.id)
        if limit is not None:
            statement = statement.limit(limit)
        return builtins.list(self.session.scalars(statement.offset(offset)))

    # -- payments and bank deposits ----------------------------------------------------

    def add_payment(self, payment: RemittancePayment, *, document: str | None = None) -> None:
        """Record an 835 payment posted; `Duplicate` when its check is already recorded."""
        row = {
            "tenant_id": self.tenant_id,
            "check_id": payment.check,
            "trace_number": payment.trace_number[:80],
            "payer_id": payment.payer_id[:80],
            "payer_name": payment.payer_name[:60],
            "payment_date": payment.payment_date,
            "payment_method": payment.payment_method[:3],
            "amount": payment.amount,
            "document_sha256": document,
            "created_at": datetime.now(UTC),
        }
        with self._writing(f"payment {payment.check}"):
            self.session.execute(insert(RemitPaymentRow), [row])

    def payments(self) -> builtins.list[RemittancePayment]:
        """Every 835 payment posted, by payment date."""
        statement = (
            select(RemitPaymentRow)
            .where(RemitPaymentRow.tenant_id == self.tenant_id)
            .order_by(RemitPaymentRow.payment_date, RemitPaymentRow.check_id)
        )
        return [
            RemittancePayment(
                check=row.check_id,
                trace_number=row.trace_number,
                payer_id=row.payer_id,
                payer_name=row.payer_name,
                payment_date=row.payment_date,
                payment_method=row.payment_method,
                amount=row.amount,
            )
            for row in self.session.scalars(statement)
        ]

    def add_deposits(
        self, deposits: Sequence[BankDeposit], *, document: str | None = None
    ) -> builtins.list[BankDeposit]:
        """Store the deposits not stored yet (by id); returns those that were new."""
        have: set[str] = set()
        ids = [d.id for d in deposits]
        for chunk in self._chunks(ids):
            have.update(
                self.session.scalars(
                    select(BankDepositRow.id).where(
                        BankDepositRow.tenant_id == self.tenant_id,
                        self._among(BankDepositRow.id, chunk),
                    )
                )
            )
        now = datetime.now(UTC)
        new = {d.id: d for d in deposits if d.id not in have}
        rows = [
            {
                "tenant_id": self.tenant_id,
                "id": d.id,
                "deposit_date": d.deposit_date,
                "amount": d.amount,
                "reference": d.reference,
                "description": d.description,
                "check_id": None,
                "match_kind": None,
                "matched_at": None,
                "document_sha256": document,
                "created_at": now,
            }
            for d in new.values()
        ]
        if rows:
            with self._writing("a bank deposit"):
                self.session.execute(insert(BankDepositRow), rows)
        return builtins.list(new.values())

    def deposits(self) -> builtins.list[BankDeposit]:
        """Every deposit imported, with the payment it matched, by date."""
        statement = (
            select(BankDepositRow)
            .where(BankDepositRow.tenant_id == self.tenant_id)
            .order_by(BankDepositRow.deposit_date, BankDepositRow.id)
        )
        return [
            BankDeposit(
                id=row.id,
                deposit_date=row.deposit_date,
                amount=row.amount,
                reference=row.reference,
                description=row.description,
                check=row.check_id,
                match=MatchKind(row.match_kind) if row.match_kind else None,
            )
            for row in self.session.scalars(statement)
        ]

    def record_matches(self, matches: Iterable[DepositMatch]) -> int:
        """Tie deposits to the payments they matched (deposits not matched yet only)."""
        table: Any = BankDepositRow.__table__
        now = datetime.now(UTC)
        done = 0
        with self._writing("a deposit match"):
            for m in matches:
                result: Any = self.session.execute(
                    update(table)
                    .where(
                        table.c.tenant_id == self.tenant_id,
                        table.c.id == m.deposit.id,
                        table.c.check_id.is_(None),
                    )
                    .values(check_id=m.payment.check, match_kind=m.kind.value, matched_at=now)
                )
                done += result.rowcount or 0
        return done

    # -- writing -------------------------------------------------------------------------

    def _insert_rows(
        self, row_type: Any, columns: Sequence[str], rows: builtins.list[tuple[Any, ...]]
    ) -> None:
        """Insert many rows given as tuples in `columns` order: COPY on PostgreSQL (one
        stream), the driver's executemany elsewhere, each value bound as its column's type
        binds it (the same text SQLAlchemy's own insert would store)."""
        table = row_type.__table__
        connection = self.session.connection()
        dialect = connection.dialect
        if dialect.name != "postgresql" and dialect.paramstyle != "qmark":
            connection.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
            )
            return
        if dialect.name != "postgresql":
            converting = [
                (i, process)
                for i, name in enumerate(columns)
                if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            ]
            bound: builtins.list[Any] = rows
            if converting:
                bound = []
                for row in rows:
                    values = builtins.list(row)
                    for i, process in converting:
                        values[i] = process(values[i])
                    bound.append(tuple(values))
            marks = ", ".join("?" * len(columns))
            names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
            connection.exec_driver_sql(
                f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
                f"VALUES ({marks})",
                bound,
            )
            return
        from psycopg import errors

        statement = _copy_statement(row_type, columns)
        raw: Any = connection.connection.dbapi_connection
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                write = copy.write_row  # psycopg's C formatter: faster than any Python join
                for row in rows:
                    write(row)
        except errors.UniqueViolation as error:
            raise Duplicate(f"a {table.name} row is already stored") from error
        except errors.ForeignKeyViolation as error:
            raise MissingReference(f"a {table.name} row points at nothing") from error

    # -- rows to records ----------------------------------------------------------------

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _among(self, column: Any, values: builtins.list[str]) -> Any:
        """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter."""
        if self._postgresql:
            return column == any_(bindparam(None, values, type_=ARRAY(String())))
        return column.in_(values)

    def _chunks(self, values: Iterable[str]) -> Iterable[builtins.list[str]]:
        """Distinct values, sorted, in pieces an IN (...) list can take."""
        wanted = sorted(set(values))
        size = (len(wanted) or 1) if self._postgresql else CHUNK
        for start in range(0, len(wanted), size):
            yield wanted[start : start + size]

    def _where_in(self, column: Any, values: Iterable[str]) -> builtins.list[JournalEntry]:
        found: builtins.list[JournalEntry] = []
        for chunk in self._chunks(values):
            found.extend(self._entries(self._among(column, chunk), ordered=False))
        return _ordered(found)

    def _entries(self, *conditions: Any, ordered: bool = True) -> builtins.list[JournalEntry]:
        """Entries meeting `conditions`, each with its legs, in one query."""
        statement = (
            select(*_ENTRY_SELECT)
            .outerjoin(
                JournalLegRow,
                and_(
                    JournalLegRow.tenant_id == JournalEntryRow.tenant_id,
                    JournalLegRow.entry_id == JournalEntryRow.id,
                ),
            )
            .where(JournalEntryRow.tenant_id == self.tenant_id, *conditions)
            .order_by(JournalEntryRow.id, JournalLegRow.position)
        )
        accounts: dict[str, Account] = {}
        heads: dict[str, tuple[Any, ...]] = {}
        legs: dict[str, builtins.list[Leg]] = {}
        for row in self.session.execute(statement):
            entry_id = row[0]
            if entry_id not in heads:
                heads[entry_id] = tuple(row[:13])
                legs[entry_id] = []
            if row[13] is None:  # an entry without legs
                continue
            name = row[14]
            account = accounts.get(name)
            if account is None:
                account = accounts[name] = Account.parse(name)
            legs[entry_id].append(Leg(account, row[15], row[16], row[17], row[18]))
        built = []
        for entry_id, head in heads.items():
            e = JournalEntry(
                id=entry_id,
                entry_date=head[1],
                source=SourceKind(head[2]),
                source_id=head[3],
                legs=tuple(legs[entry_id]),
                claim=head[4],
                patient_id=head[5],
                payer_id=head[6],
                check=head[7],
                payer_claim_number=head[8],
                adjudication_status=head[9],
                reverses=head[10],
                memo=head[11],
            )
            built.append((e, head[12]))
        if not ordered:
            return [e for e, _ in built]
        built.sort(key=lambda pair: (pair[0].entry_date, pair[1], _natural(pair[0].id)))
        return [e for e, _ in built]


class _Rows:
    """Journal rows for one tenant and source document, as tuples in column order."""

    __slots__ = ("_document", "_names", "_now", "_tenant")

    def __init__(self, tenant: str, document: str | None) -> None:
        self._tenant = tenant
        self._document = document
        self._now = datetime.now(UTC)
        self._names: dict[Account, str] = {}

    def write(
        self,
        e: JournalEntry,
        write_entry: Callable[[tuple[Any, ...]], Any],
        write_leg: Callable[[tuple[Any, ...]], Any],
    ) -> None:
        """Hand the entry's row to `write_entry` and each of its legs' rows to `write_leg`."""
        tenant = self._tenant
        entry_id = e.id
        write_entry(
            (
                tenant,
                entry_id,
                e.entry_date,
                e.source.value,
                e.source_id,
                e.claim,
                e.patient_id,
                e.payer_id,
                e.check,
                e.payer_claim_number,
                e.adjudication_status,
                e.reverses,
                e.memo,
                self._document,
                self._now,
            )
        )
        names = self._names
        for position, leg in enumerate(e.legs, start=1):
            account = leg.account
            name = names.get(account)
            if name is None:
                name = names[account] = str(account)
            write_leg(
                (tenant, entry_id, position, name, leg.amount, leg.line, leg.reason, leg.reference)
            )


class _CopyStreams:
    """Entry and leg rows to PostgreSQL as they come, one COPY open at a time.

    A connection runs one COPY at a time, so rows for the table whose COPY is open go
    straight to the server and the other table's rows wait; every `switch_every` entries
    the open COPY ends and the other table's starts with what waited. The server thus
    stores and indexes both tables while the caller builds the next entries, and at the end
    only the rows since the last switch are left to send.
    """

    def __init__(self, cursor: Any, rows: _Rows, switch_every: int) -> None:
        self._cursor = cursor
        self._rows = rows
        self._every = max(switch_every, 1)
        self._count = 0
        self._held: dict[Any, builtins.list[tuple[Any, ...]]] = {
            JournalEntryRow: [],
            JournalLegRow: [],
        }
        self._open: Any = None  # the running COPY's context manager
        self._table: Any = None
        self._write_entry: Callable[[tuple[Any, ...]], Any] = self._held[JournalEntryRow].append
        self._write_leg: Callable[[tuple[Any, ...]], Any] = self._held[JournalLegRow].append
        self._start(JournalLegRow)

    def add(self, e: JournalEntry) -> None:
        self._rows.write(e, self._write_entry, self._write_leg)
        self._count += 1
        if self._count >= self._every:
            self._count = 0
            self._start(JournalEntryRow if self._table is JournalLegRow else JournalLegRow)

    def close(self) -> None:
        """End the running COPY and send what still waits."""
        self._end()
        for table in (JournalEntryRow, JournalLegRow):
            if self._held[table]:
                self._start(table)
                self._end()

    def abort(self, error: BaseException) -> None:
        """End the running COPY with an error: the server discards it."""
        running, self._open = self._open, None
        if running is not None:
            with suppress(Exception):  # `error` is what the caller raises
                running.__exit__(type(error), error, error.__traceback__)

    def _start(self, table: Any) -> None:
        self._end()
        columns = ENTRY_COLUMNS if table is JournalEntryRow else LEG_COLUMNS
        running = self._cursor.copy(_copy_statement(table, columns))
        write = running.__enter__().write_row
        self._open, self._table = running, table
        waiting, self._held[table] = self._held[table], []
        for row in waiting:
            write(row)
        if table is JournalEntryRow:
            self._write_entry, self._write_leg = write, self._held[JournalLegRow].append
        else:
            self._write_entry, self._write_leg = self._held[JournalEntryRow].append, write

    def _end(self) -> None:
        running, self._open = self._open, None
        if running is not None:
            running.__exit__(None, None, None)


def _copy_statement(row_type: Any, columns: Sequence[str]) -> Any:
    """`COPY table (columns) FROM STDIN` for psycopg."""
    from psycopg import sql

    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(row_type.__table__.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def _ordered(entries: builtins.list[JournalEntry]) -> builtins.list[JournalEntry]:
    """Oldest first: by entry date, then by id with digit runs compared as numbers."""
    entries.sort(key=lambda e: (e.entry_date, _natural(e.id)))
    return entries
