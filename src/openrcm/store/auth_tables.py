"""Access storage: users, memberships, tokens, the audit trail and idempotency keys.

Users are not owned by a tenant: one login may work for several practices, each through a
`membership` row with a role. `auth_token` keeps only the SHA-256 of each secret handed out
(web sessions, bearer tokens, API keys), so a stolen database yields no usable token.
`audit_event` is append-only: the repository inserts and reads, and a trigger (created by
the migration) refuses UPDATE on both backends. `idempotency_key` remembers the answer to a
POST that moved money, so a client retrying with the same key gets that answer again.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from openrcm.domain.access import AuditAction, AuditEvent, Membership, Role, User
from openrcm.store.column_types import UtcDateTime
from openrcm.store.errors import NotFound
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, RowNumber


class UserRow(Base):
    """A login; `username` is unique across tenants."""

    __tablename__ = "app_user"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MembershipRow(Base):
    """A user's role in a tenant."""

    __tablename__ = "membership"
    __table_args__ = (Index(None, "tenant_id"),)

    user_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class TokenRow(Base):
    """A secret handed to a client, by its SHA-256: a web session, bearer token or API key."""

    __tablename__ = "auth_token"
    __table_args__ = (Index(None, "user_id"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # session, bearer, api_key
    user_id: Mapped[str] = mapped_column(String(64), ForeignKey("app_user.id", ondelete="CASCADE"))
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    name: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEventRow(Base):
    """One read or write of patient data; inserted only."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index(None, "tenant_id", "at"),
        Index(None, "tenant_id", "record_type", "record_id"),
        Index(None, "tenant_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class IdempotencyKeyRow(Base):
    """The stored answer to a money-moving POST, by the client's Idempotency-Key."""

    __tablename__ = "idempotency_key"

    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class StoredToken:
    """What a token's hash unlocks."""

    kind: str
    user_id: str
    tenant_id: str
    expires_at: datetime | None
    revoked: bool


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A remembered response to an idempotent request."""

    request_sha256: str
    status_code: int
    response: str


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        password_hash=row.password_hash,
        active=row.active,
        created_at=row.created_at,
    )


class SqlAccountRepository:
    """Users, memberships and tokens: not tenant-scoped, for authentication only."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_user(self, user: User) -> User:
        self.session.add(
            UserRow(
                id=user.id,
                username=user.username,
                password_hash=user.password_hash,
                active=user.active,
                created_at=user.created_at,
            )
        )
        self.session.flush()
        return user

    def user(self, user_id: str) -> User | None:
        row = self.session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def by_username(self, username: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return None if row is None else _user(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"no user {user_id}")
        row.password_hash = password_hash
        self.session.flush()

    def add_membership(self, membership: Membership) -> None:
        key = (membership.user_id, membership.tenant_id, membership.role.value)
        if self.session.get(MembershipRow, key) is None:
            self.session.add(
                MembershipRow(
                    user_id=membership.user_id,
                    tenant_id=membership.tenant_id,
                    role=membership.role.value,
                )
            )
            self.session.flush()

    def memberships(self, user_id: str) -> builtins.list[Membership]:
        rows = self.session.scalars(
            select(MembershipRow)
            .where(MembershipRow.user_id == user_id)
            .order_by(MembershipRow.tenant_id, MembershipRow.role)
        )
        return [
            Membership(user_id=r.user_id, tenant_id=r.tenant_id, role=Role(r.role)) for r in rows
        ]

    def members_of(self, tenant_id: str) -> builtins.list[tuple[User, Role]]:
        statement = (
            select(UserRow, MembershipRow.role)
            .join(MembershipRow, MembershipRow.user_id == UserRow.id)
            .where(MembershipRow.tenant_id == tenant_id)
            .order_by(UserRow.username, MembershipRow.role)
        )
        return [(_user(row), Role(role)) for row, role in self.session.execute(statement)]

    def add_token(
        self,
        token_sha256: str,
        *,
        kind: str,
        user_id: str,
        tenant_id: str,
        expires_at: datetime | None,
        name: str | None = None,
    ) -> None:
        self.session.add(
            TokenRow(
                token_sha256=token_sha256,
                kind=kind,
                user_id=user_id,
                tenant_id=tenant_id,
                name=name,
                created_at=datetime.now(UTC),
                expires_at=expires_at,
                revoked_at=None,
            )
        )
        self.session.flush()

    def token(self, token_sha256: str) -> StoredToken | None:
        row = self.session.get(TokenRow, token_sha256)
        if row is None:
            return None
        return StoredToken(
            kind=row.kind,
            user_id=row.user_id,
            tenant_id=row.tenant_id,
            expires_at=row.expires_at,
            revoked=row.revoked_at is not None,
        )

    def revoke_token(self, token_sha256: str) -> None:
        self.session.execute(
            update(TokenRow)
            .where(TokenRow.token_sha256 == token_sha256, TokenRow.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


class SqlAuditRepository(TenantScoped):
    """The current tenant's audit trail: append and read, nothing else."""

    def add(self, events: builtins.list[AuditEvent]) -> None:
        if not events:
            return
        for event in events:
            if event.tenant_id != self.tenant_id:
                raise ValueError("an audit event belongs to the tenant it is recorded in")
        # one executemany, no ORM objects: a page of 50 claims is 50 events per request
        with self._writing("an audit event"):
            self.session.execute(
                insert(AuditEventRow),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "user_id": e.user_id,
                        "username": e.username,
                        "action": e.action.value,
                        "record_type": e.record_type,
                        "record_id": e.record_id[:200],
                        "reason": e.reason[:200],
                        "at": e.at,
                    }
                    for e in events
                ],
            )

    def _filtered(
        self, record_type: str | None, record_id: str | None, user_id: str | None
    ) -> Select[Any]:
        statement = select(AuditEventRow).where(AuditEventRow.tenant_id == self.tenant_id)
        if record_type is not None:
            statement = statement.where(AuditEventRow.record_type == record_type)
        if record_id is not None:
            statement = statement.where(AuditEventRow.record_id == record_id)
        if user_id is not None:
            statement = statement.where(AuditEventRow.user_id == user_id)
        return statement

    def list(
        self,
        *,
        record_type: str | None = None,
        record_id: str | None = None,
        user_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[AuditEvent]:
        """A page of events, newest first."""
        statement = self._filtered(record_type, record_id, user_id)
        statement = statement.order_by(AuditEventRow.id.desc()).limit(limit).offset(offset)
        return [
            AuditEvent(
                id=row.id,
                tenant_id=row.tenant_id,
                user_id=row.user_id,
                username=row.username,
                action=AuditAction(row.action),
                record_type=row.record_type,
                record_id=row.record_id,
                reason=row.reason,
                at=row.at,
            )
            for row in self.session.scalars(statement)
        ]

    def count(
        self,
        *,
        record_type: str | None = None,
        record_id: str | None = None,
        user_id: str | None = None,
    ) -> int:
        statement = self._filtered(record_type, record_id, user_id)
        return int(self.session.scalar(statement.with_only_columns(func.count())) or 0)


class SqlIdempotencyRepository(TenantScoped):
    """Answers to money-moving POSTs, by the current tenant's idempotency keys."""

    def get(self, key: str) -> StoredAnswer | None:
        row = self.session.get(IdempotencyKeyRow, (self.tenant_id, key))
        if row is None:
            return None
        return StoredAnswer(row.request_sha256, row.status_code, row.response)

    def add(
        self, key: str, *, user_id: str, request_sha256: str, status_code: int, response: str
    ) -> None:
        with self._writing(f"idempotency key {key}"):
            self.session.add(
                IdempotencyKeyRow(
                    tenant_id=self.tenant_id,
                    key=key,
                    user_id=user_id,
                    request_sha256=request_sha256,
                    status_code=status_code,
                    response=response,
                    created_at=datetime.now(UTC),
                )
            )
