"""Authentication: users with argon2 passwords, tokens for sessions, clients and machines.

`create_user` adds a login (or a new role for an existing one) in a tenant; `authenticate`
checks a username and password and returns the `Principal` acting in one tenant;
`issue_token` hands out a random secret (a web session, an API bearer token or an API key)
of which only the SHA-256 is stored, and `principal_for_token` turns one back into a
principal, re-reading the user's roles each time so a revoked role takes effect at once.
`LoginThrottle` limits failed logins per username and per client address. Passwords and
tokens never reach a log line.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from openrcm.domain.access import Membership, Permission, Role, User, permissions_of
from openrcm.domain.party import Tenant
from openrcm.store.auth_tables import SqlAccountRepository
from openrcm.store.tenants import SqlTenantRepository

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
TOKEN_KINDS = ("session", "bearer", "api_key")
API_KEY_PREFIX = "orcm_"


class AuthError(ValueError):
    """A request to create or change a login that cannot be carried out."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting, in which tenant, with which roles, and how they proved it."""

    user_id: str
    username: str
    tenant_id: str
    roles: frozenset[Role]
    via: str  # session, bearer, api_key

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


_COST: dict[str, int] = {}  # argon2 parameters; empty: argon2-cffi's RFC 9106 defaults


def set_hash_cost(*, time_cost: int, memory_cost: int, parallelism: int = 1) -> None:
    """Change the argon2 cost of new hashes (tests and benchmarks use a cheap one).

    Hashes made with other parameters still verify, and are re-hashed at the next login.
    """
    _COST.update(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _hasher.cache_clear()
    _dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(**_COST)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so timing tells nothing."""
    return str(_hasher().hash(secrets.token_urlsafe(16)))


def hash_password(password: str) -> str:
    """The argon2id hash of a password (salted; parameters in the hash)."""
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def accounts(session_factory: sessionmaker[Session]) -> Iterator[SqlAccountRepository]:
    """A transaction over users and tokens, committed when the block ends without error."""
    session = session_factory()
    try:
        yield SqlAccountRepository(session)
        session.commit()
    finally:
        session.rollback()
        session.close()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or not password.isprintable():
        raise AuthError("a password may not start or end with spaces or hold control characters")


def create_user(
    session_factory: sessionmaker[Session],
    *,
    username: str,
    password: str,
    tenant_id: str,
    role: Role | str,
    tenant_name: str | None = None,
) -> User:
    """Add a login with a role in a tenant (the tenant is created when new).

    An existing username gets the extra role; its password must match, so this cannot be
    used to take over someone else's login.
    """
    if not USERNAME.match(username):
        raise AuthError("a username is 2-64 letters, digits, dots, dashes, @ or underscores")
    role = Role(role)
    with accounts(session_factory) as repo:
        SqlTenantRepository(repo.session).find_or_add(
            Tenant(id=tenant_id, name=(tenant_name or tenant_id)[:120])
        )
        user = repo.by_username(username)
        if user is None:
            check_password_rules(password)
            user = repo.add_user(
                User(
                    id=f"usr-{uuid.uuid4().hex[:20]}",
                    username=username,
                    password_hash=hash_password(password),
                    created_at=datetime.now(UTC),
                )
            )
        elif not verify_password(user.password_hash, password):
            raise AuthError(f"user {username} exists with another password")
        repo.add_membership(Membership(user_id=user.id, tenant_id=tenant_id, role=role))
    return user


def _principal(
    repo: SqlAccountRepository, user: User, tenant_id: str | None, via: str
) -> Principal | None:
    memberships = repo.memberships(user.id)
    if not memberships or not user.active:
        return None
    chosen = tenant_id or memberships[0].tenant_id
    roles = frozenset(m.role for m in memberships if m.tenant_id == chosen)
    if not roles:
        return None
    return Principal(user.id, user.username, chosen, roles, via)


def authenticate(
    session_factory: sessionmaker[Session],
    username: str,
    password: str,
    tenant_id: str | None = None,
) -> Principal | None:
    """The principal for a correct username and password, acting in `tenant_id` (default:
    the user's first tenant); None for a wrong password, an unknown user or a tenant the
    user does not belong to."""
    with accounts(session_factory) as repo:
        user = repo.by_username(username)
        if user is None:
            verify_password(_dummy_hash(), password)
            return None
        if not verify_password(user.password_hash, password):
            return None
        if _hasher().check_needs_rehash(user.password_hash):
            repo.set_password_hash(user.id, hash_password(password))
        return _principal(repo, user, tenant_id, "password")


def tenants_of(session_factory: sessionmaker[Session], user_id: str) -> list[str]:
    """The tenants a user belongs to, by id."""
    with accounts(session_factory) as repo:
        return sorted({m.tenant_id for m in repo.memberships(user_id)})


def issue_token(
    session_factory: sessionmaker[Session],
    principal: Principal,
    *,
    kind: str,
    lifetime: timedelta | None,
    name: str | None = None,
) -> str:
    """A new secret for `principal` in its tenant; only its SHA-256 is stored."""
    if kind not in TOKEN_KINDS:
        raise ValueError(f"token kind {kind!r} is not one of {', '.join(TOKEN_KINDS)}")
    token = secrets.token_urlsafe(32)
    if kind == "api_key":
        token = API_KEY_PREFIX + token
    expires = None if lifetime is None else datetime.now(UTC) + lifetime
    with accounts(session_factory) as repo:
        repo.add_token(
            token_digest(token),
            kind=kind,
            user_id=principal.user_id,
            tenant_id=principal.tenant_id,
            expires_at=expires,
            name=name,
        )
    return token


def principal_for_token(
    session_factory: sessionmaker[Session], token: str, kinds: tuple[str, ...]
) -> Principal | None:
    """The principal a live token of one of `kinds` stands for, or None."""
    if not token or len(token) > 200:
        return None
    with accounts(session_factory) as repo:
        stored = repo.token(token_digest(token))
        if stored is None or stored.kind not in kinds or stored.revoked:
            return None
        if stored.expires_at is not None and stored.expires_at <= datetime.now(UTC):
            return None
        user = repo.user(stored.user_id)
        if user is None:
            return None
        return _principal(repo, user, stored.tenant_id, stored.kind)


def revoke_token(session_factory: sessionmaker[Session], token: str) -> None:
    with accounts(session_factory) as repo:
        repo.revoke_token(token_digest(token))


def members(session_factory: sessionmaker[Session], tenant_id: str) -> list[tuple[User, Role]]:
    """Every login with a role in the tenant."""
    with accounts(session_factory) as repo:
        return repo.members_of(tenant_id)


class LoginThrottle:
    """At most `limit` failed logins per key (username, client address) in `window` seconds.

    Kept in this process's memory: with several server processes each counts its own.
    """

    def __init__(
        self,
        limit: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        cutoff = self.clock() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> float:
        """Seconds to wait before trying again (0 when a login may be tried now)."""
        with self._lock:
            wait = 0.0
            for key in keys:
                failures = self._recent(key)
                if len(failures) >= self.limit:
                    wait = max(wait, failures[0] + self.window - self.clock())
            return wait

    def failed(self, *keys: str) -> None:
        with self._lock:
            now = self.clock()
            for key in keys:
                self._recent(key).append(now)

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)
