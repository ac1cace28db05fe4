"""Fixtures shared by every test, chiefly storage on both SQLite and PostgreSQL.

Any test that takes `database_url` runs twice: on a fresh SQLite file and on a fresh
PostgreSQL schema, created with a unique name for that one test and dropped after it, so
concurrent runs never collide. So does any test that takes `migrated_database_url` or a
fixture built on it (`db_engine`, `session_factory`, `add_tenant`, `tenant`, `other_tenant`,
`uow_factory`, `uow`): it gets an empty database at the newest schema, a copy of a SQLite
file migrated once per run, or this test process's own migrated PostgreSQL schema (uniquely
named, dropped at the end of the run), emptied before each test. `practice` is a realistic
set of parties (`Practice.store(uow)` adds them) and `practice.claim(CLM01, ...)` builds claims.

PostgreSQL is `OPENRCM_TEST_PG_URL` when set, else 127.0.0.1:5432, database `test`, trust
auth, as user `postgres` (or the login user). When it cannot be reached the PostgreSQL half
of each storage test is SKIPPED, loudly, with a warning in the terminal summary; set
`OPENRCM_TEST_REQUIRE_PG=1` (CI) to make that a failure instead.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, MetaData, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    Diagnosis,
    DiagnosisKind,
    Encounter,
    OtherPayer,
    ProcedureEntry,
    ServiceLine,
)
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.identifiers import npi_check_digit
from openrcm.domain.party import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoveragePriority,
    EntityType,
    Guarantor,
    InsurancePlan,
    Location,
    Patient,
    Payer,
    Person,
    PersonName,
    PlanType,
    Provider,
    ProviderRole,
    Relationship,
    Sex,
    Tenant,
)
from openrcm.store import SqlUnitOfWork, engine, migrate
from openrcm.store import session_factory as make_session_factory

PG_URL_ENV = "OPENRCM_TEST_PG_URL"
REQUIRE_PG_ENV = "OPENRCM_TEST_REQUIRE_PG"
PG_SKIP_PREFIX = "PostgreSQL UNREACHABLE"
SCHEMA_PREFIX = "openrcm_test_"
STALE_AFTER = timedelta(days=1)
BACKENDS = (
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
)


def _candidate_urls() -> list[URL]:
    explicit = os.environ.get(PG_URL_ENV)
    if explicit:
        url = make_url(explicit)
        if url.drivername in {"postgresql", "postgres"}:
            url = url.set(drivername="postgresql+psycopg")
        return [url]
    users = dict.fromkeys(["postgres", getpass.getuser()])
    return [
        URL.create(
            "postgresql+psycopg", username=user, host="127.0.0.1", port=5432, database="test"
        )
        for user in users
    ]


def _connect(url: URL) -> psycopg.Connection:
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        dbname=url.database,
        user=url.username,
        password=url.password,
        connect_timeout=5,
        autocommit=True,
        **({"options": url.query["options"]} if "options" in url.query else {}),
    )


def _schema_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M")
    return f"{SCHEMA_PREFIX}{stamp}_{uuid.uuid4().hex[:12]}"


def _drop_stale_schemas(connection: psycopg.Connection) -> None:
    """Drop schemas runs that crashed left behind more than a day ago."""
    cutoff = (datetime.now(UTC) - STALE_AFTER).strftime("%Y%m%d%H%M")
    names = connection.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [SCHEMA_PREFIX + "%"]
    ).fetchall()
    for (name,) in names:
        found = re.fullmatch(rf"{SCHEMA_PREFIX}(\d{{12}})_[0-9a-f]+", name)
        if found and found.group(1) < cutoff:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The PostgreSQL server's URL (database `test`); skips, loudly, when it is unreachable."""
    problems = []
    for url in _candidate_urls():
        try:
            with _connect(url) as connection:
                _drop_stale_schemas(connection)
            return url
        except psycopg.Error as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            problems.append(f"{url.render_as_string(hide_password=True)}: {first_line}")
    reason = f"{PG_SKIP_PREFIX}: storage tests not run on PostgreSQL ({'; '.join(problems)})"
    if os.environ.get(REQUIRE_PG_ENV):
        pytest.fail(f"{reason}; {REQUIRE_PG_ENV} is set", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A URL to a fresh, empty database: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        yield f"sqlite:///{folder / 'openrcm.db'}"
        return
    server: URL = request.getfixturevalue("postgres_server")
    schema = _schema_name()
    with _connect(server) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with _connect(server) as connection:
            connection.execute("SET lock_timeout = '20s'")
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per test process; tests get copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "openrcm.db"
    migrate(f"sqlite:///{path}")  # the engine is disposed: the WAL is checkpointed away
    return path


@pytest.fixture(scope="session")
def postgres_migrated_schema(postgres_server: URL) -> Iterator[tuple[URL, list[str]]]:
    """A PostgreSQL schema migrated to head once per test process (each xdist worker has its
    own, uniquely named, dropped at the end), and its tables, children first."""
    schema = _schema_name()
    with _connect(postgres_server) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = postgres_server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        migrate(url)
        built = engine(url)
        try:
            reflected = MetaData()
            reflected.reflect(bind=built)
        finally:
            built.dispose()
        children_first = [
            table.name
            for table in reversed(reflected.sorted_tables)
            if table.name != "alembic_version"
        ]
        yield url, children_first
    finally:
        with _connect(postgres_server) as connection:
            connection.execute("SET lock_timeout = '20s'")
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=BACKENDS)
def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A URL to an empty database at the newest schema, built by Alembic (never `create_all`).

    SQLite: a copy of a file migrated once per run. PostgreSQL: this process's migrated
    schema, emptied before the test (migrating a schema per test costs half a second).
    Tests that migrate, downgrade or alter the schema take `database_url` instead.
    """
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        copy = tmp_path_factory.mktemp("sqlite") / "openrcm.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"
    url, children_first = request.getfixturevalue("postgres_migrated_schema")
    with _connect(url) as connection:
        connection.execute("SET lock_timeout = '20s'")
        with connection.transaction():
            for table in children_first:
                connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
    return url.render_as_string(hide_password=False)


@pytest.fixture
def db_engine(migrated_database_url: str) -> Iterator[Engine]:
    """An engine on the migrated database, disposed after the test."""
    built = engine(migrated_database_url)
    try:
        yield built
    finally:
        built.dispose()


@pytest.fixture
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def add_tenant(session_factory: sessionmaker[Session]) -> Callable[..., Tenant]:
    """Store a tenant (committed) and return it: `add_tenant("lakeview", "Lakeview Clinic")`."""

    def add(tenant_id: str, name: str | None = None) -> Tenant:
        tenant = Tenant(id=tenant_id, name=name or tenant_id.replace("-", " ").title())
        with SqlUnitOfWork(session_factory, tenant.id) as admin:
            admin.tenants.add(tenant)
            admin.commit()
        return tenant

    return add


@pytest.fixture
def tenant(add_tenant: Callable[..., Tenant]) -> Tenant:
    """A stored practice: the tenant most storage tests act for."""
    return add_tenant("northside-family-practice", "Northside Family Practice")


@pytest.fixture
def other_tenant(add_tenant: Callable[..., Tenant]) -> Tenant:
    """A second stored tenant, for isolation tests."""
    return add_tenant("lakeview-billing", "Lakeview Billing Services")


@pytest.fixture
def uow_factory(session_factory: sessionmaker[Session]) -> Callable[[Tenant | str], SqlUnitOfWork]:
    """Make a (not yet entered) unit of work for a tenant: `with uow_factory(tenant) as uow:`."""

    def make(for_tenant: Tenant | str) -> SqlUnitOfWork:
        tenant_id = for_tenant.id if isinstance(for_tenant, Tenant) else for_tenant
        return SqlUnitOfWork(session_factory, tenant_id)

    return make


@pytest.fixture
def uow(uow_factory: Callable[[Tenant | str], SqlUnitOfWork], tenant: Tenant) -> SqlUnitOfWork:
    """A (not yet entered) unit of work for `tenant`."""
    return uow_factory(tenant)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when PostgreSQL was unreachable and its tests were skipped."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if PG_SKIP_PREFIX in str(getattr(report, "longrepr", ""))
    ]
    if not skipped:
        return
    reason = str(skipped[0].longrepr[2]) if isinstance(skipped[0].longrepr, tuple) else ""
    terminalreporter.section(
        "WARNING: PostgreSQL storage tests skipped", sep="!", red=True, bold=True
    )
    terminalreporter.line(
        f"{len(skipped)} storage tests did NOT run on PostgreSQL: {reason}", red=True, bold=True
    )
    terminalreporter.line(
        f"Start PostgreSQL at 127.0.0.1:5432 (database 'test', trust auth) or set {PG_URL_ENV}; "
        f"set {REQUIRE_PG_ENV}=1 to fail instead of skipping.",
        red=True,
    )


# ---------------------------------------------------------------------------------------
# A small realistic practice: records to store, and claims to bill for it.


def _npi(first_nine: str) -> str:
    return first_nine + npi_check_digit(first_nine)


@dataclass(frozen=True)
class Practice:
    """One practice's parties, ready to store in any tenant, and claims built from them."""

    payer: Payer
    secondary_payer: Payer
    plan: InsurancePlan
    guarantor: Guarantor
    patient: Patient
    coverage: Coverage
    secondary_coverage: Coverage
    billing_provider: Provider
    rendering_provider: Provider
    location: Location
    encounter: Encounter

    def store(self, uow: SqlUnitOfWork) -> None:
        """Add every party (no claims) through an open unit of work, references first."""
        uow.payers.add(self.payer)
        uow.payers.add(self.secondary_payer)
        uow.plans.add(self.plan)
        uow.guarantors.add(self.guarantor)
        uow.patients.add(self.patient)
        uow.coverages.add(self.coverage)
        uow.coverages.add(self.secondary_coverage)
        uow.providers.add(self.billing_provider)
        uow.providers.add(self.rendering_provider)
        uow.locations.add(self.location)
        uow.encounters.add(self.encounter)

    def claim(
        self,
        patient_control_number: str = "NFP25-000101",
        *,
        claim_id: str | None = None,
        status: ClaimStatus = ClaimStatus.DRAFT,
        charges: tuple[str, ...] = ("150.00", "55.00"),
        service_date: date = date(2025, 3, 4),
    ) -> Claim:
        """A professional claim for the patient's primary coverage, secondary on file (COB)."""
        procedures = [("99214", ("25",)), ("82947", ()), ("36415", ()), ("93000", ("59", "XU"))]
        lines = tuple(
            ServiceLine(
                number=number,
                procedure=procedures[(number - 1) % len(procedures)][0],
                modifiers=procedures[(number - 1) % len(procedures)][1],
                charge_amount=Decimal(charge),
                units=Decimal("1") if number != 3 else Decimal("2.5"),
                service_date=service_date,
                place_of_service="11",
                diagnosis_pointers=(1, 2) if number == 1 else (1,),
                ndc="00002143380" if number == 2 else None,
                ndc_quantity=Decimal("0.5") if number == 2 else None,
                ndc_unit="ML" if number == 2 else None,
            )
            for number, charge in enumerate(charges, start=1)
        )
        return Claim(
            id=claim_id or f"clm-{patient_control_number.lower()}",
            patient_control_number=patient_control_number,
            status=status,
            total_charge_amount=sum((line.charge_amount for line in lines), Decimal("0.00")),
            place_of_service="11",
            diagnoses=(
                Diagnosis(code="E11.40", kind=DiagnosisKind.PRINCIPAL),
                Diagnosis(code="I10"),
            ),
            lines=lines,
            billing_provider=self.billing_provider,
            rendering_provider=self.rendering_provider,
            patient=self.patient,
            coverage=self.coverage,
            payer=self.payer,
            other_payers=(
                OtherPayer(
                    payer=self.secondary_payer,
                    subscriber=self.secondary_coverage.subscriber,
                    member_id=self.secondary_coverage.member_id,
                    priority="S",
                    relationship=Relationship.SPOUSE,
                    group_number="GRP-4471",
                    paid_amount=Decimal("0.00"),
                    adjustments=(Adjustment(group="PR", reason="1", amount=Decimal("40.00")),),
                ),
            ),
            prior_authorization="PA-88812",
            onset_date=date(2025, 2, 20),
            note="FOLLOW-UP DIABETIC NEUROPATHY",
        )


def build_practice() -> Practice:
    chicago = Address(
        line1="1400 N Clark St", line2="Suite 210", city="Chicago", state="IL", zip_code="606101234"
    )
    evanston = Address(line1="820 Davis St", city="Evanston", state="IL", zip_code="60201")
    patient_person = {
        "name": PersonName(last="Okafor", first="Grace", middle="A"),
        "birth_date": date(1961, 9, 14),
        "sex": Sex.FEMALE,
        "address": evanston,
        "phone": "8475550142",
    }
    spouse = Person(
        name=PersonName(last="Okafor", first="Daniel", suffix="JR"),
        birth_date=date(1959, 1, 30),
        sex=Sex.MALE,
        address=evanston,
    )
    payer = Payer(
        id="87726",
        name="Prairie Health Plan",
        claim_filing_indicator=ClaimFilingIndicator.PPO,
        timely_filing_days=180,
        appeal_days=60,
        address=Address(
            line1="PO Box 30555", city="Salt Lake City", state="UT", zip_code="841300555"
        ),
    )
    secondary_payer = Payer(
        id="00621", name="Lakeshore Mutual", claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL
    )
    return Practice(
        payer=payer,
        secondary_payer=secondary_payer,
        plan=InsurancePlan(
            id="php-choice-ppo",
            payer_id=payer.id,
            name="Prairie Choice PPO",
            plan_type=PlanType.PPO,
        ),
        guarantor=Guarantor(id="gua-okafor", email="g.okafor@example.org", **patient_person),
        patient=Patient(
            id="pat-000417",
            account_number="NFP-000417",
            guarantor_id="gua-okafor",
            time_zone="America/Chicago",
            **patient_person,
        ),
        coverage=Coverage(
            id="cov-000417-p",
            patient_id="pat-000417",
            payer_id=payer.id,
            plan_id="php-choice-ppo",
            priority=CoveragePriority.PRIMARY,
            subscriber=Person(**patient_person),
            relationship=Relationship.SELF,
            member_id="W281734409",
            group_number="0098123",
            group_name="EVANSTON SCHOOL DIST 65",
            effective_date=date(2024, 1, 1),
            termination_date=date(2025, 12, 31),
        ),
        secondary_coverage=Coverage(
            id="cov-000417-s",
            patient_id="pat-000417",
            payer_id=secondary_payer.id,
            priority=CoveragePriority.SECONDARY,
            subscriber=spouse,
            relationship=Relationship.SPOUSE,
            member_id="LMU-55120-02",
            group_number="GRP-4471",
            effective_date=date(2023, 7, 1),
        ),
        billing_provider=Provider(
            id="prv-nfp",
            npi=_npi("145678901"),
            entity_type=EntityType.ORGANISATION,
            name="Northside Family Practice LLC",
            taxonomy="207Q00000X",
            tin="364417285",
            address=chicago,
            roles=frozenset({ProviderRole.BILLING, ProviderRole.PAY_TO}),
        ),
        rendering_provider=Provider(
            id="prv-patel",
            npi=_npi("198765432"),
            entity_type=EntityType.PERSON,
            name="Patel",
            first_name="Nisha",
            taxonomy="207Q00000X",
            roles=frozenset({ProviderRole.RENDERING}),
        ),
        location=Location(
            id="loc-clark",
            name="Clark Street Office",
            place_of_service="11",
            address=chicago,
            npi=_npi("145678901"),
        ),
        encounter=Encounter(
            id="enc-2025-0304-0417",
            patient_id="pat-000417",
            provider_id="prv-patel",
            location_id="loc-clark",
            service_date=date(2025, 3, 4),
            place_of_service="11",
            diagnoses=(
                Diagnosis(code="E11.40", kind=DiagnosisKind.PRINCIPAL),
                Diagnosis(code="I10"),
            ),
            procedures=(
                ProcedureEntry(code="99214", modifiers=("25",), diagnosis_pointers=(1, 2)),
                ProcedureEntry(code="36415", units=Decimal("1.5")),
            ),
            prior_authorization="PA-88812",
        ),
    )


@pytest.fixture
def practice() -> Practice:
    """A realistic practice's payers, patient, coverages, providers, location and encounter."""
    return build_practice()
