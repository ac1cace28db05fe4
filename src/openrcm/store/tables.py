"""The tables: SQLAlchemy 2 declarative rows, one class per table, every row with a tenant.

Tables are singular snake_case; constraint names follow `NAMING_CONVENTION` so Alembic
migrations can name what they create and drop. Every table but `tenant` has `tenant_id` as
the first column of its primary key and of every foreign key into another tenant-owned
table, so a row can only point at rows of its own tenant (and, on Citus, all tables
co-locate by `tenant_id`). Money is `Amount` (NUMERIC(14,2), Decimal in Python); timestamps
are `UtcDateTime`. These classes are rows, not domain records: repositories map between them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from openrcm.store.column_types import Amount, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# an autoincrementing key: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite
RowNumber = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantRow(Base):
    """A practice or billing client: the owner of every other row."""

    __tablename__ = "tenant"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


def _tenant_id() -> Mapped[str]:
    return mapped_column(String(63), ForeignKey("tenant.id"), primary_key=True)


def _owned_by(table: str, *columns: str) -> ForeignKeyConstraint:
    """A foreign key into another tenant-owned table, through (tenant_id, ...)."""
    return ForeignKeyConstraint(["tenant_id", *columns], [f"{table}.tenant_id", f"{table}.id"])


class AddressColumns:
    """N3/N4 address columns, all nullable: `address_line1` is null when there is no address."""

    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    address_city: Mapped[str | None] = mapped_column(String(30))
    address_state: Mapped[str | None] = mapped_column(String(2))
    address_zip_code: Mapped[str | None] = mapped_column(String(9))


class PersonColumns(AddressColumns):
    """A person's name, birth date, sex and contact details."""

    last_name: Mapped[str] = mapped_column(String(60))
    first_name: Mapped[str] = mapped_column(String(35))
    middle_name: Mapped[str | None] = mapped_column(String(25))
    name_suffix: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(10))


class GuarantorRow(PersonColumns, Base):
    __tablename__ = "guarantor"

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))


class PatientRow(PersonColumns, Base):
    __tablename__ = "patient"
    __table_args__ = (
        _owned_by("guarantor", "guarantor_id"),
        Index(None, "tenant_id", "last_name", "first_name", "birth_date"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_number: Mapped[str | None] = mapped_column(String(38))
    guarantor_id: Mapped[str | None] = mapped_column(String(64))
    time_zone: Mapped[str] = mapped_column(String(64))


class PayerRow(AddressColumns, Base):
    __tablename__ = "payer"

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the electronic payer id
    name: Mapped[str] = mapped_column(String(60))
    claim_filing_indicator: Mapped[str] = mapped_column(String(2))
    timely_filing_days: Mapped[int] = mapped_column(Integer)
    appeal_days: Mapped[int] = mapped_column(Integer)


class InsurancePlanRow(Base):
    __tablename__ = "insurance_plan"
    __table_args__ = (_owned_by("payer", "payer_id"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(60))
    plan_type: Mapped[str] = mapped_column(String(20))
    requires_referral: Mapped[bool] = mapped_column(Boolean)


class CoverageRow(Base):
    __tablename__ = "coverage"
    __table_args__ = (
        _owned_by("patient", "patient_id"),
        _owned_by("payer", "payer_id"),
        _owned_by("insurance_plan", "plan_id"),
        Index(None, "tenant_id", "patient_id"),
        Index(None, "tenant_id", "member_id"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64))
    payer_id: Mapped[str] = mapped_column(String(80))
    plan_id: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(1))
    relationship: Mapped[str] = mapped_column(String(2))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    group_name: Mapped[str | None] = mapped_column(String(60))
    effective_date: Mapped[date] = mapped_column(Date)
    termination_date: Mapped[date | None] = mapped_column(Date)
    subscriber: Mapped[dict[str, Any]] = mapped_column(JSON)  # a Person, as JSON


class ProviderRow(AddressColumns, Base):
    __tablename__ = "provider"
    __table_args__ = (UniqueConstraint("tenant_id", "npi"),)

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    npi: Mapped[str] = mapped_column(String(10))
    entity_type: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(60))
    first_name: Mapped[str | None] = mapped_column(String(35))
    taxonomy: Mapped[str | None] = mapped_column(String(10))
    tin: Mapped[str | None] = mapped_column(String(9))
    tin_is_ssn: Mapped[bool] = mapped_column(Boolean)
    roles: Mapped[list[str]] = mapped_column(JSON)  # sorted ProviderRole values


class LocationRow(AddressColumns, Base):
    __tablename__ = "location"

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    place_of_service: Mapped[str] = mapped_column(String(2))
    npi: Mapped[str | None] = mapped_column(String(10))


class EncounterRow(Base):
    __tablename__ = "encounter"
    __table_args__ = (
        _owned_by("patient", "patient_id"),
        _owned_by("provider", "provider_id"),
        _owned_by("location", "location_id"),
        Index(None, "tenant_id", "patient_id"),
        Index(None, "tenant_id", "service_date"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(64))
    provider_id: Mapped[str] = mapped_column(String(64))
    location_id: Mapped[str | None] = mapped_column(String(64))
    service_date: Mapped[date] = mapped_column(Date)
    place_of_service: Mapped[str] = mapped_column(String(2))
    prior_authorization: Mapped[str | None] = mapped_column(String(50))
    referral_number: Mapped[str | None] = mapped_column(String(50))
    diagnoses: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    procedures: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ClaimRow(Base):
    """A claim: key columns to query by, and the whole domain `Claim` as JSON text."""

    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("tenant_id", "patient_control_number"),
        _owned_by("patient", "patient_id"),
        _owned_by("payer", "payer_id"),
        Index(None, "tenant_id", "status"),
        Index(None, "tenant_id", "payer_id"),
        Index(None, "tenant_id", "patient_id"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    patient_control_number: Mapped[str] = mapped_column(String(38))  # CLM01
    status: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    total_charge_amount: Mapped[Decimal] = mapped_column(Amount(14, 2))  # CLM02
    payer_id: Mapped[str] = mapped_column(String(80))
    patient_id: Mapped[str] = mapped_column(String(64))
    first_service_date: Mapped[date] = mapped_column(Date)
    frequency_code: Mapped[str] = mapped_column(String(1))  # CLM05-3
    payer_claim_control_number: Mapped[str | None] = mapped_column(String(50))  # REF*F8
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    document: Mapped[str] = mapped_column(Text)  # the domain Claim, model_dump_json()


class ClaimLineRow(Base):
    """A service line of a claim, for queries; the claim's document remains the source."""

    __tablename__ = "claim_line"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "claim_id"], ["claim.tenant_id", "claim.id"], ondelete="CASCADE"
        ),
        Index(None, "tenant_id", "procedure"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    claim_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # LX01
    procedure: Mapped[str] = mapped_column(String(48))  # SV101-2
    modifiers: Mapped[list[str]] = mapped_column(JSON)  # SV101-3..6
    units: Mapped[Decimal] = mapped_column(Amount(10, 3))  # SV104
    charge_amount: Mapped[Decimal] = mapped_column(Amount(14, 2))  # SV102
    service_date: Mapped[date] = mapped_column(Date)  # DTP*472


class ClaimStatusHistoryRow(Base):
    """One move of a claim through its lifecycle; rows are only ever inserted."""

    __tablename__ = "claim_status_history"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "claim_id"], ["claim.tenant_id", "claim.id"], ondelete="CASCADE"
        ),
        Index(None, "tenant_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    claim_id: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(String(500))


class DocumentRow(Base):
    """An imported external document (837, 835, 277CA...), known by its content hash."""

    __tablename__ = "document"

    tenant_id: Mapped[str] = _tenant_id()
    content_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
