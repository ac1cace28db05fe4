"""Storage: SQLAlchemy 2 tables, tenant-scoped repositories, the unit of work, migrations.

`database` builds engines (`engine(url)`: SQLite with foreign keys and WAL, or PostgreSQL
through psycopg 3) and session factories; `schema` runs the Alembic migrations shipped in
`migrations/` (`migrate(url)`, `downgrade(url)`); `tables` declares the rows and
`column_types` the exact money and UTC timestamp columns. The repositories map domain
records to rows and back, each for one tenant: `people` (patients, guarantors), `payers`
(payers, plans, coverages), `providers` (providers, locations), `encounters`, `claims`
(claims, lines, status history) and `documents` (imported files, for idempotent imports),
all on the base in `repository`; `tenants` is the unfiltered admin repository. `unit_of_work`
holds `SqlUnitOfWork`, and `errors` what the store raises. Nothing connects at import.
"""

from openrcm.store.database import engine, session_factory
from openrcm.store.errors import Conflict, Duplicate, MissingReference, NotFound, StoreError
from openrcm.store.schema import current_revision, downgrade, head_revision, migrate
from openrcm.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "Conflict",
    "Duplicate",
    "MissingReference",
    "NotFound",
    "SqlUnitOfWork",
    "StoreError",
    "current_revision",
    "downgrade",
    "engine",
    "head_revision",
    "migrate",
    "session_factory",
]
