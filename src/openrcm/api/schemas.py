"""Request and response bodies of the API that are not domain records themselves.

Domain records (`Patient`, `Coverage`, `Encounter`, `Claim`) travel as they are; these
models add pages, findings with their one-click fixes, summaries and tokens. Money is a
string with two decimals ("125.00"), as everywhere in openrcm's JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from openrcm.domain.access import Role
from openrcm.domain.claim_history import ClaimStatusChange
from openrcm.domain.money import Money

T = TypeVar("T")
MAX_X12 = 20_000_000  # characters in one uploaded 837 or 835


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = Field(description="How many items match in all (null when not counted).")
    limit: int
    offset: int


class FindingOut(Body):
    code: str
    severity: str
    message: str
    line: int | None = None
    fix: str | None = None
    autofix: str | None = Field(None, description="The one-click fix's label, when there is one.")


class ClaimSummary(Body):
    id: str
    patient_control_number: str
    status: str
    kind: str
    payer_id: str
    patient_id: str
    first_service_date: date
    total_charge_amount: Money


class BalanceOut(Body):
    claim: str
    charge: Money
    insurance_paid: Money
    adjustments: Money
    patient_paid: Money
    patient_responsibility: Money
    insurance_balance: Money
    patient_balance: Money
    status: str


class ClaimDetailOut(Body):
    claim: dict[str, Any]
    history: list[ClaimStatusChange]
    balance: BalanceOut | None


class ScrubOut(Body):
    claim_id: str
    errors: int
    findings: list[FindingOut]


class FixIn(Body):
    code: str = Field(min_length=1, max_length=60, description="The finding's code.")
    line: int | None = Field(None, ge=1, le=999, description="The finding's service line.")


class FixOut(Body):
    claim: ClaimSummary
    fixed: str
    before: list[FindingOut]
    after: list[FindingOut]


class SubmitIn(Body):
    claim_ids: list[str] = Field(min_length=1, max_length=500)


class SubmitOut(Body):
    submitted: list[str]
    held: dict[str, list[FindingOut]]
    x12: str | None = Field(description="The 837P interchange; null when nothing was clean.")


class X12In(Body):
    text: str = Field(min_length=1, max_length=MAX_X12, description="The X12 file's text.")
    name: str | None = Field(None, max_length=255, description="The file's name, if any.")


class DocumentOut(Body):
    id: str = Field(description="The document's SHA-256.")
    kind: str
    name: str | None
    received_at: datetime


class WorkItemOut(Body):
    id: str
    kind: str
    check_id: str
    claim: str | None
    resolved: bool
    details: dict[str, Any]


class ResolveIn(Body):
    ids: list[str] = Field(min_length=1, max_length=500)
    note: str | None = Field(None, max_length=200)


class ResolvedOut(Body):
    resolved: int
    not_open: int


class TokenIn(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    tenant: str | None = Field(None, max_length=63)


class TokenOut(Body):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    tenant: str


class MeOut(Body):
    user_id: str
    username: str
    tenant: str
    roles: list[Role]
    permissions: list[str]
    tenants: list[str]


class UserIn(Body):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=12, max_length=1024)
    role: Role


class UserOut(Body):
    user_id: str
    username: str
    roles: list[Role]


class ApiKeyIn(Body):
    name: str = Field(min_length=1, max_length=80)


class ApiKeyOut(Body):
    api_key: str
    name: str
    tenant: str


class AuditEventOut(Body):
    id: int | None
    user_id: str
    username: str
    action: str
    record_type: str
    record_id: str
    reason: str
    at: datetime


class CodeHitOut(Body):
    code: str
    title: str
    score: float
    billable: bool
    system: str


class CodingSuggestionsIn(Body):
    note: str = Field(min_length=1, max_length=100_000)


class CodingDecisionIn(Body):
    note_id: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=1, max_length=10)
    decision: str = Field(pattern="^(accept|reject|replace)$")
    replacement: str | None = Field(None, min_length=1, max_length=10)
    encounter_id: str | None = Field(None, min_length=1, max_length=64)
    score: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)


class CodingDecisionOut(Body):
    note_id: str
    code: str
    system: str
    decision: str
    replacement: str | None
    final_code: str | None
    decided_by: str
    decided_at: datetime
    encounter_id: str | None
    encounter_diagnoses: list[str] | None = None


class DashboardOut(Body):
    claims_by_status: dict[str, int]
    total_charges: Money
    insurance_ar: Money
    patient_ar: Money
    open_denials: int
    open_exceptions: int


class AccountBalanceOut(Body):
    account: str
    balance: Money


class TrialBalanceOut(Body):
    accounts: list[AccountBalanceOut]
    total: Money


class StatementOut(Body):
    guarantor_id: str
    statement_date: date
    amount_due: Money
    insurance_pending: Money
    dunning_level: int
    message: str
    aging: dict[str, Money]


class PatientAccountOut(Body):
    patient_id: str
    balances: list[BalanceOut]
    statement: StatementOut | None


class PostingOut(Body):
    document: str
    checks: int
    claims_posted: int
    claims_unmatched: int
    amount_posted: Money
    already_posted: bool
    checks_already_posted: int
    exceptions: int
    denials: int
    discrepancies: int
    secondary_claims: int
    findings: list[FindingOut]


class ImportOut(Body):
    document: str
    claims_imported: int
    already_imported: bool
    claims_already_on_file: int
    findings: list[FindingOut]
