"""The migrations build the schema the tables declare, and take it away again, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from openrcm.store import current_revision, downgrade, engine, head_revision, migrate
from openrcm.store.schema import table_metadata

# the foundation's tables (revision 0001); later revisions add more
TABLES = {
    "tenant",
    "patient",
    "guarantor",
    "payer",
    "insurance_plan",
    "coverage",
    "provider",
    "location",
    "encounter",
    "claim",
    "claim_line",
    "claim_status_history",
    "document",
}


def _tables(url: str) -> set[str]:
    built = engine(url)
    try:
        return set(inspect(built).get_table_names()) - {"alembic_version"}
    finally:
        built.dispose()


def test_upgrade_head_then_downgrade_base_then_upgrade_again(database_url: str) -> None:
    assert current_revision(database_url) is None

    migrate(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) >= TABLES

    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _tables(database_url) == set()

    migrate(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) >= TABLES


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    migrate(database_url)
    tables = _tables(database_url)
    migrate(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) == tables >= TABLES


def test_the_migrated_schema_is_exactly_what_the_tables_declare(migrated_database_url: str) -> None:
    built = engine(migrated_database_url)
    try:
        with built.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, table_metadata())
    finally:
        built.dispose()
    assert differences == []


def test_the_foundation_revision_alone_builds_exactly_the_foundation_tables(
    database_url: str,
) -> None:
    migrate(database_url, "0001")
    assert _tables(database_url) == TABLES
    downgrade(database_url, "base")
    assert _tables(database_url) == set()


def test_every_tenant_owned_table_keys_its_rows_by_tenant(migrated_database_url: str) -> None:
    built = engine(migrated_database_url)
    try:
        inspector = inspect(built)
        for table in TABLES - {"tenant", "claim_status_history"}:
            assert inspector.get_pk_constraint(table)["constrained_columns"][0] == "tenant_id"
        for table in TABLES - {"tenant"}:
            foreign_keys = inspector.get_foreign_keys(table)
            assert {"tenant_id"} in [set(fk["constrained_columns"]) for fk in foreign_keys]
            for fk in foreign_keys:
                assert fk["constrained_columns"][0] == "tenant_id", (table, fk)
    finally:
        built.dispose()


def test_sqlite_enforces_foreign_keys_and_writes_ahead(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'openrcm.db'}"
    built = engine(url)
    try:
        with built.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        built.dispose()
    assert (tmp_path / "nested").is_dir()
