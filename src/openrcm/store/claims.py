"""Claims: the claim repository, its service lines and its append-only status history.

A claim is stored twice over, on purpose: key columns to query by (control number, status,
payer, patient, first date of service, total charge) with one `claim_line` row per service
line, and the whole domain `Claim` as JSON text, so what comes back is exactly what went in.
Status moves go through the domain state machine (`Claim.moved_to`) and each one appends a
`claim_status_history` row; `update` never changes a status. `set_statuses` moves many claims
at once (835 posting): one UPDATE per status group and one history INSERT. It leaves the JSON
document as it was, so the `status` column is the claim's status and reading a claim takes
its status from there.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    String,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from openrcm.domain.claim import Claim
from openrcm.domain.claim_history import ClaimStatusChange
from openrcm.domain.claim_state import ClaimStatus, transition
from openrcm.store.errors import Conflict, NotFound
from openrcm.store.repository import DEFAULT_PAGE, TenantScoped
from openrcm.store.tables import ClaimLineRow, ClaimRow, ClaimStatusHistoryRow

# control numbers per IN (...) query: well under every database's parameter limit
LOOKUP_CHUNK = 500
CREATED_REASON = "stored"


class SqlClaimRepository(TenantScoped):
    """The current tenant's claims."""

    def add(self, claim: Claim, reason: str = CREATED_REASON) -> Claim:
        """Store a new claim with its lines and a first history record (from None).

        Raises `Duplicate` when the id or the patient control number (CLM01) is taken in
        this tenant, `MissingReference` when the tenant lacks the claim's patient or payer.
        """
        self.add_many([claim], reason)
        return claim

    def add_many(self, claims: Sequence[Claim], reason: str = CREATED_REASON) -> None:
        """Store many new claims in a few bulk statements (for imports)."""
        if not claims:
            return
        now = datetime.now(UTC)
        what = f"claim {claims[0].patient_control_number}" if len(claims) == 1 else "a claim"
        with self._writing(what):
            self.session.execute(
                insert(ClaimRow),
                [self._claim_columns(claim, now, created=True) for claim in claims],
            )
        with self._writing(what):
            self.session.execute(
                insert(ClaimLineRow), [row for claim in claims for row in self._line_rows(claim)]
            )
            self.session.execute(
                insert(ClaimStatusHistoryRow),
                [self._history_row(claim.id, None, claim.status, now, reason) for claim in claims],
            )

    def get(self, claim_id: str) -> Claim | None:
        """The claim with this id in this tenant, or None."""
        row = self._row(claim_id)
        return None if row is None else _claim(row)

    def by_control_number(self, patient_control_number: str) -> Claim | None:
        """The claim with this patient control number (CLM01), or None."""
        return self.by_control_numbers([patient_control_number]).get(patient_control_number)

    def by_control_numbers(self, patient_control_numbers: Iterable[str]) -> dict[str, Claim]:
        """The claims with these patient control numbers (CLM01), keyed by number.

        Numbers this tenant has no claim for are simply absent: 835 posting reports them as
        unmatched.
        """
        wanted = sorted(set(patient_control_numbers))
        found: dict[str, Claim] = {}
        columns = (ClaimRow.patient_control_number, ClaimRow.status, ClaimRow.document)
        for chunk in self._chunks(wanted):
            statement = select(*columns).where(
                ClaimRow.tenant_id == self.tenant_id,
                self._among(ClaimRow.patient_control_number, chunk),
            )
            for number, status, document in self.session.execute(statement):
                found[number] = _parse(document, status)
        return found

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _chunks(self, values: builtins.list[str]) -> Iterable[builtins.list[str]]:
        """`values` in pieces one query can take: all at once on PostgreSQL (an array)."""
        size = (len(values) or 1) if self._postgresql else LOOKUP_CHUNK
        for start in range(0, len(values), size):
            yield values[start : start + size]

    def _among(self, column: Any, values: builtins.list[str]) -> Any:
        """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter."""
        if self._postgresql:
            return column == any_(bindparam(None, values, type_=ARRAY(String())))
        return column.in_(values)

    def list(
        self,
        *,
        status: ClaimStatus | None = None,
        payer_id: str | None = None,
        limit: int = DEFAULT_PAGE,
        offset: int = 0,
    ) -> builtins.list[Claim]:
        """A page of claims, optionally one status and one payer, by patient control number."""
        statement = self._filtered(status, payer_id).order_by(ClaimRow.patient_control_number)
        rows = self.session.scalars(statement.limit(limit).offset(offset))
        return [_claim(row) for row in rows]

    def count(self, *, status: ClaimStatus | None = None, payer_id: str | None = None) -> int:
        """How many claims `list` would page through with the same filters."""
        statement = self._filtered(status, payer_id).with_only_columns(func.count())
        return int(self.session.scalar(statement) or 0)

    def update(self, claim: Claim) -> Claim:
        """Replace a stored claim's content (lines, amounts, parties); its status stays.

        Raises `NotFound` when this tenant has no such claim and `Conflict` when the claim's
        status differs from the one on file: status moves go through `set_status`.
        """
        row = self._locked_row(claim.id)
        if row.status != claim.status.value:
            raise Conflict(
                f"claim {claim.patient_control_number} is {row.status} on file, not "
                f"{claim.status.value}; change a status with set_status"
            )
        now = datetime.now(UTC)
        with self._writing(f"claim {claim.patient_control_number}"):
            for name, value in self._claim_columns(claim, now, created=False).items():
                setattr(row, name, value)
            self.session.execute(
                delete(ClaimLineRow).where(
                    ClaimLineRow.tenant_id == self.tenant_id, ClaimLineRow.claim_id == claim.id
                )
            )
        with self._writing(f"claim {claim.patient_control_number}"):
            self.session.execute(insert(ClaimLineRow), self._line_rows(claim))
        return claim

    def set_status(self, claim: Claim, new_status: ClaimStatus, reason: str | None = None) -> Claim:
        """Move a stored claim to `new_status`, recording why; returns the moved claim.

        The domain state machine decides: an illegal move raises `IllegalTransition` and
        changes nothing. Raises `NotFound` when this tenant has no such claim and `Conflict`
        when its status on file is not `claim.status` (someone moved it meanwhile).
        """
        row = self._locked_row(claim.id)
        if row.status != claim.status.value:
            raise Conflict(
                f"claim {claim.patient_control_number} is {row.status} on file, not "
                f"{claim.status.value}"
            )
        moved = _claim(row).moved_to(new_status)
        now = datetime.now(UTC)
        with self._writing(f"claim {claim.patient_control_number}"):
            row.status = moved.status.value
            row.document = moved.model_dump_json()
            row.updated_at = now
            self.session.execute(
                insert(ClaimStatusHistoryRow),
                [self._history_row(claim.id, claim.status, new_status, now, reason)],
            )
        return moved

    def set_statuses(
        self, moves: Iterable[tuple[Claim, ClaimStatus]], reason: str | None = None
    ) -> builtins.list[Claim]:
        """Move many stored claims at once, as `set_status` moves one; returns the moved claims.

        `moves` pairs each claim (as read in this unit of work) with its new status; a claim
        may appear more than once, its moves applied in order. Every move is checked before
        anything is written: `IllegalTransition` for an illegal move, `NotFound` for a claim
        this tenant lacks, `Conflict` when a claim's status on file is not the one given.
        Writes one UPDATE per (from, to) status group and one history INSERT for all moves.
        """
        listed = builtins.list(moves)
        if not listed:
            return []
        first: dict[str, Claim] = {}
        current: dict[str, Claim] = {}
        steps: builtins.list[tuple[str, ClaimStatus, ClaimStatus]] = []
        for claim, new_status in listed:
            before = current.get(claim.id)
            if before is None:
                first[claim.id] = before = claim
            elif before.status is not claim.status:
                raise Conflict(
                    f"claim {claim.patient_control_number} was moved to {before.status.value} "
                    f"earlier in this batch, not {claim.status.value}"
                )
            moved = before.model_copy(update={"status": transition(before.status, new_status)})
            current[claim.id] = moved
            steps.append((claim.id, before.status, new_status))
        on_file = self._locked_statuses(builtins.list(first))
        for claim_id, claim in first.items():
            status = on_file.get(claim_id)
            if status is None:
                raise NotFound(f"no claim {claim_id} in this tenant")
            if status != claim.status.value:
                raise Conflict(
                    f"claim {claim.patient_control_number} is {status} on file, not "
                    f"{claim.status.value}"
                )
        groups: dict[tuple[str, str], builtins.list[str]] = defaultdict(builtins.list)
        for claim_id, claim in current.items():
            if claim.status is not first[claim_id].status:
                groups[(first[claim_id].status.value, claim.status.value)].append(claim_id)
        now = datetime.now(UTC)
        table: Table = ClaimRow.__table__  # type: ignore[assignment]
        # SQLite would find the rows through the (tenant_id, status) index and read every
        # claim in that status once per chunk; the unary + leaves it the primary key
        status_column: Any = table.c.status if self._postgresql else literal_column("+status")
        with self._writing("a claim status"):
            for (before_status, after_status), ids in groups.items():
                for chunk in self._chunks(ids):
                    self.session.execute(
                        update(table)
                        .where(
                            table.c.tenant_id == self.tenant_id,
                            self._among(table.c.id, chunk),
                            status_column == before_status,
                        )
                        .values(status=after_status, updated_at=now)
                    )
            self._insert_history(
                [self._history_row(i, before, after, now, reason) for i, before, after in steps]
            )
        self._expire(set(current))
        return builtins.list(current.values())

    def _insert_history(self, rows: builtins.list[dict[str, Any]]) -> None:
        """Append status history rows: one COPY on PostgreSQL, executemany elsewhere."""
        if not self._postgresql:
            self.session.execute(insert(ClaimStatusHistoryRow), rows)
            return
        from psycopg import sql

        columns = builtins.list(rows[0])
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(ClaimStatusHistoryRow.__tablename__),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
        )
        raw: Any = self.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def _locked_statuses(self, claim_ids: builtins.list[str]) -> dict[str, str]:
        """The status on file of each claim, its row locked until the transaction ends."""
        found: dict[str, str] = {}
        for chunk in self._chunks(sorted(claim_ids)):
            statement = (
                select(ClaimRow.id, ClaimRow.status)
                .where(ClaimRow.tenant_id == self.tenant_id, self._among(ClaimRow.id, chunk))
                .with_for_update()
            )
            found.update({claim_id: status for claim_id, status in self.session.execute(statement)})
        return found

    def _expire(self, claim_ids: set[str]) -> None:
        """Forget loaded rows of claims changed behind the session's back (a bulk UPDATE)."""
        for row in builtins.list(self.session.identity_map.values()):
            if isinstance(row, ClaimRow) and row.id in claim_ids:
                self.session.expire(row)

    def history(self, claim_id: str) -> builtins.list[ClaimStatusChange]:
        """The claim's status changes, oldest first; empty for a claim this tenant lacks."""
        statement = (
            select(ClaimStatusHistoryRow)
            .where(
                ClaimStatusHistoryRow.tenant_id == self.tenant_id,
                ClaimStatusHistoryRow.claim_id == claim_id,
            )
            .order_by(ClaimStatusHistoryRow.id)
        )
        return [
            ClaimStatusChange(
                claim_id=row.claim_id,
                from_status=row.from_status,
                to_status=row.to_status,
                changed_at=row.changed_at,
                reason=row.reason,
            )
            for row in self.session.scalars(statement)
        ]

    def _row(self, claim_id: str) -> ClaimRow | None:
        return self.session.get(ClaimRow, (self.tenant_id, claim_id))

    def _locked_row(self, claim_id: str) -> ClaimRow:
        statement = (
            select(ClaimRow)
            .where(ClaimRow.tenant_id == self.tenant_id, ClaimRow.id == claim_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = self.session.scalars(statement).one_or_none()
        if row is None:
            raise NotFound(f"no claim {claim_id} in this tenant")
        return row

    def _filtered(self, status: ClaimStatus | None, payer_id: str | None) -> Any:
        statement = select(ClaimRow).where(ClaimRow.tenant_id == self.tenant_id)
        if status is not None:
            statement = statement.where(ClaimRow.status == status.value)
        if payer_id is not None:
            statement = statement.where(ClaimRow.payer_id == payer_id)
        return statement

    def _claim_columns(self, claim: Claim, now: datetime, *, created: bool) -> dict[str, Any]:
        columns: dict[str, Any] = {
            "patient_control_number": claim.patient_control_number,
            "status": claim.status.value,
            "kind": claim.kind.value,
            "total_charge_amount": claim.total_charge_amount,
            "payer_id": claim.payer.id,
            "patient_id": claim.patient.id,
            "first_service_date": claim.first_service_date,
            "frequency_code": claim.frequency_code,
            "payer_claim_control_number": claim.payer_claim_control_number,
            "updated_at": now,
            "document": claim.model_dump_json(),
        }
        if created:
            columns |= {"tenant_id": self.tenant_id, "id": claim.id, "created_at": now}
        return columns

    def _line_rows(self, claim: Claim) -> builtins.list[dict[str, Any]]:
        return [
            {
                "tenant_id": self.tenant_id,
                "claim_id": claim.id,
                "number": line.number,
                "procedure": line.procedure,
                "modifiers": list(line.modifiers),
                "units": line.units,
                "charge_amount": line.charge_amount,
                "service_date": line.service_date,
            }
            for line in claim.lines
        ]

    def _history_row(
        self,
        claim_id: str,
        from_status: ClaimStatus | None,
        to_status: ClaimStatus,
        at: datetime,
        reason: str | None,
    ) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "claim_id": claim_id,
            "from_status": None if from_status is None else from_status.value,
            "to_status": to_status.value,
            "changed_at": at,
            "reason": reason,
        }


def _claim(row: ClaimRow) -> Claim:
    return _parse(row.document, row.status)


def _parse(document: str, status: str) -> Claim:
    """The claim a row holds; its status column wins over the document (see `set_statuses`)."""
    claim = Claim.model_validate_json(document)
    if claim.status.value != status:
        claim = claim.model_copy(update={"status": ClaimStatus(status)})
    return claim
