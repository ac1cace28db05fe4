"""What a running app holds: settings, the database, code sets, the scrub context, throttles.

`Resources.build(settings)` connects to the database (no migration: `openrcm serve` migrates
first) and prepares the rest lazily: code sets and the scrubber's reference data load on
first use and stay for the life of the process. Tests pass their own `scrub_context` and
`suggest_codes` to avoid loading the full NCCI tables.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from openrcm.service.auth import LoginThrottle
from openrcm.settings import Settings
from openrcm.store import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Resources:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    code_sets_factory: Callable[[], Any] | None = None
    scrub_context_factory: Callable[[date], Any] | None = None
    suggest_codes: Callable[[str], Any] | None = None
    clock: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    session_lifetime: timedelta = timedelta(hours=8)
    bearer_lifetime: timedelta = timedelta(hours=1)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _code_sets: Any = None
    _scrub_context: Any = None
    _coding_tried: bool = False

    @classmethod
    def build(cls, settings: Settings, **overrides: Any) -> Resources:
        from openrcm.store import engine, session_factory

        built = engine(settings.database_url)
        return cls(
            settings=settings, engine=built, session_factory=session_factory(built), **overrides
        )

    def today(self) -> date:
        """The business date: what scrub edits and statements are judged against."""
        return self.clock()

    def unit_of_work(self, tenant_id: str) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, tenant_id)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.environment != "development"

    def code_sets(self) -> Any:
        with self._lock:
            if self._code_sets is None:
                if self.code_sets_factory is not None:
                    self._code_sets = self.code_sets_factory()
                else:
                    from openrcm.codes import load_code_sets

                    self._code_sets = load_code_sets(self.settings.reference_data_dir())
            return self._code_sets

    def scrub_context(self, as_of: date) -> Any:
        """The scrubber's reference data in force on `as_of` (loaded once, then re-dated)."""
        with self._lock:
            if self._scrub_context is None:
                if self.scrub_context_factory is not None:
                    self._scrub_context = self.scrub_context_factory(as_of)
                else:
                    from openrcm.scrub.reference import build_context

                    self._scrub_context = build_context(
                        self.settings.reference_data_dir(), as_of=as_of
                    )
            context = self._scrub_context
        return context if context.as_of == as_of else dataclasses.replace(context, as_of=as_of)

    def coding_engine(self) -> Callable[[str], Any] | None:
        """`note -> suggestions` from the coding engine (loaded once); None when unavailable."""
        with self._lock:
            if self.suggest_codes is None and not self._coding_tried:
                self._coding_tried = True
                try:
                    from openrcm.coding import CodingEngine, Policy

                    engine = CodingEngine.load(
                        self.settings.reference_data_dir() / "codiesp", policy=Policy()
                    )
                    self.suggest_codes = engine.suggest
                except (ImportError, OSError, ValueError) as error:
                    log.warning("coding engine unavailable: %s", error.__class__.__name__)
            return self.suggest_codes

    def dispose(self) -> None:
        self.engine.dispose()
