"""Claims on file: store claims with their people and payers, import 837 files idempotently.

`store_claims` files claims for the tenant as if the practice had built them: payers,
providers, patients and coverages already on file are reused (by payer id, NPI, name and
birth date with member id, and patient+payer+member id), new ones added, and each claim's
charge posted to the ledger. `import_837` does that for every claim of an 837P/837I file,
once: the file's SHA-256 is recorded, and the same file again imports nothing.

For the work queues (API and web UI): `list_claims` and `claim_detail` read claims,
`scrub_stored_claim` scrubs one, `fix_claim` applies a one-click fix from `FIXES` (finding
code -> automatic change) and stores the result, `submit_claims` writes the clean ones as an
837P and marks them submitted, `patient_account` gives a patient's balances and statement,
and `dashboard` the day's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from openrcm.domain.claim import Claim, OtherPayer
from openrcm.domain.document import ImportedDocument, content_sha256
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.party import Coverage, Payer, Provider
from openrcm.service.ledger import post_charges


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What importing one 837 file did, as `openrcm claims import --json` prints it."""

    document: str
    claims_imported: int = 0
    already_imported: bool = False
    claims_already_on_file: int = 0
    patients: int = 0
    payers: int = 0
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "claims_imported": self.claims_imported,
            "already_imported": self.already_imported,
            "claims_already_on_file": self.claims_already_on_file,
            "patients": self.patients,
            "payers": self.payers,
            "document": self.document,
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


class _Filing:
    """Finds or adds the parties of claims within one unit of work, remembering each once."""

    def __init__(self, uow: Any) -> None:
        self.uow = uow
        self.payers: dict[str, Payer] = {}
        self.providers: dict[str, Provider] = {}
        self.patients: dict[tuple[str, ...], Any] = {}
        self.coverages: dict[tuple[str, str, str], Coverage] = {}

    def payer(self, payer: Payer) -> Payer:
        if payer.id not in self.payers:
            self.payers[payer.id] = self.uow.payers.find_or_add(payer)
        return self.payers[payer.id]

    def provider(self, provider: Provider | None) -> Provider | None:
        if provider is None:
            return None
        key = f"{provider.npi}:{','.join(sorted(provider.roles))}"
        if key not in self.providers:
            self.providers[key] = self.uow.providers.find_or_add(provider)
        return self.providers[key]

    def coverage(self, coverage: Coverage, patient_id: str, payer_id: str) -> Coverage:
        key = (patient_id, payer_id, coverage.member_id)
        if key not in self.coverages:
            wanted = coverage.model_copy(update={"patient_id": patient_id, "payer_id": payer_id})
            self.coverages[key] = self.uow.coverages.find_or_add(wanted)
        return self.coverages[key]

    def claim(self, claim: Claim) -> Claim:
        """The claim pointing at the stored parties (ids may differ from the claim's own)."""
        payer = self.payer(claim.payer)
        name = claim.patient.name
        key = (
            name.last.upper(),
            name.first.upper(),
            claim.patient.birth_date.isoformat(),
            claim.coverage.member_id,
        )
        if key not in self.patients:
            self.patients[key] = self.uow.patients.find_or_add(
                claim.patient, member_id=claim.coverage.member_id
            )
        patient = self.patients[key]
        coverage = self.coverage(claim.coverage, patient.id, payer.id)
        others = tuple(self._other(o) for o in claim.other_payers)
        update: dict[str, Any] = {
            "payer": payer,
            "patient": patient,
            "coverage": coverage,
            "other_payers": others,
        }
        for role in (
            "billing_provider",
            "rendering_provider",
            "referring_provider",
            "supervising_provider",
            "attending_provider",
            "operating_provider",
            "service_facility",
        ):
            update[role] = self.provider(getattr(claim, role))
        return claim.model_copy(update=update)

    def _other(self, other: OtherPayer) -> OtherPayer:
        return other.model_copy(update={"payer": self.payer(other.payer)})


def store_claims(uow: Any, claims: Sequence[Claim]) -> tuple[list[Claim], int]:
    """File new claims and post their charges, inside an open unit of work (the caller commits).

    Returns the claims as stored, and how many were skipped because their patient control
    number (CLM01) is already on file.
    """
    on_file = uow.claims.by_control_numbers(c.patient_control_number for c in claims)
    filing = _Filing(uow)
    fresh, seen = [], set(on_file)
    for claim in claims:
        if claim.patient_control_number in seen:
            continue
        seen.add(claim.patient_control_number)
        fresh.append(filing.claim(claim))
    uow.claims.add_many(fresh)
    post_charges(uow, fresh)
    return fresh, len(claims) - len(fresh)


def import_837(uow: Any, text: str, *, name: str | None = None) -> ImportSummary:
    """Store every claim of an 837P/837I file once. Raises `X12Error` for unreadable input;
    a file with error-severity findings imports nothing and its summary carries them."""
    from openrcm.payer.batch import read_claims

    digest = content_sha256(text)
    with uow:
        if uow.documents.seen(digest):
            return ImportSummary(document=digest, already_imported=True)
    claims, findings = read_claims(text)
    if any(f.severity is Severity.ERROR for f in findings):
        return ImportSummary(document=digest, findings=tuple(findings))
    with uow:
        stored, skipped = store_claims(uow, claims)
        uow.documents.add(
            ImportedDocument(
                kind="837",
                content_sha256=digest,
                name=name[:255] if name else None,
                received_at=datetime.now(UTC),
            )
        )
        uow.commit()
    return ImportSummary(
        document=digest,
        claims_imported=len(stored),
        claims_already_on_file=skipped,
        patients=len({c.patient.id for c in stored}),
        payers=len({c.payer.id for c in stored}),
        findings=tuple(findings),
    )


def store_parties(
    uow: Any,
    *,
    payers: Sequence[Payer] = (),
    plans: Sequence[Any] = (),
    providers: Sequence[Provider] = (),
    locations: Sequence[Any] = (),
    guarantors: Sequence[Any] = (),
    patients: Sequence[Any] = (),
    coverages: Sequence[Coverage] = (),
) -> int:
    """File a practice's parties (a demo or a migration from another system), skipping those
    already on file by id. Inside an open unit of work; the caller commits. Returns how many
    records were added."""
    added = 0
    for repository, records in (
        (uow.payers, payers),
        (uow.plans, plans),
        (uow.providers, providers),
        (uow.locations, locations),
        (uow.guarantors, guarantors),
        (uow.patients, patients),
        (uow.coverages, coverages),
    ):
        for record in records:
            if repository.get(record.id) is None:
                repository.add(record)
                added += 1
    return added


# -- claim queue, detail, scrub, one-click fixes, submission, patient account ------------------


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    """A claim with its status history and, once charged, its ledger balance."""

    claim: Claim
    history: tuple[Any, ...]  # ClaimStatusChange, oldest first
    balance: Any | None  # openrcm.ledger.ClaimBalance


def list_claims(
    uow: Any,
    *,
    status: Any | None = None,
    payer_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Claim], int]:
    """A page of the tenant's claims (by patient control number) and how many match."""
    with uow:
        found = uow.claims.list(status=status, payer_id=payer_id, limit=limit, offset=offset)
        return found, uow.claims.count(status=status, payer_id=payer_id)


@dataclass(frozen=True, slots=True)
class ClaimListing:
    """A claim's key columns, read without parsing the whole claim (for queues and lists)."""

    id: str
    patient_control_number: str
    status: str
    kind: str
    payer_id: str
    patient_id: str
    first_service_date: date
    total_charge_amount: Decimal


def claim_listings(
    uow: Any,
    *,
    status: Any | None = None,
    payer_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ClaimListing], int]:
    """A page of the tenant's claims as key columns (by patient control number), and how
    many match: the list endpoint's query, which never parses claim documents."""
    from sqlalchemy import func, select

    from openrcm.store.tables import ClaimRow

    columns = (
        ClaimRow.id,
        ClaimRow.patient_control_number,
        ClaimRow.status,
        ClaimRow.kind,
        ClaimRow.payer_id,
        ClaimRow.patient_id,
        ClaimRow.first_service_date,
        ClaimRow.total_charge_amount,
    )
    with uow:
        where = [ClaimRow.tenant_id == uow.tenant_id]
        if status is not None:
            where.append(ClaimRow.status == str(getattr(status, "value", status)))
        if payer_id is not None:
            where.append(ClaimRow.payer_id == payer_id)
        rows = uow.session.execute(
            select(*columns)
            .where(*where)
            .order_by(ClaimRow.patient_control_number)
            .limit(limit)
            .offset(offset)
        ).all()
        total = uow.session.scalar(select(func.count()).select_from(ClaimRow).where(*where))
    return [ClaimListing(*row) for row in rows], int(total or 0)


def claim_detail(uow: Any, claim_id: str) -> ClaimDetail | None:
    """One claim of the tenant with its history and balance; None when the tenant lacks it."""
    from openrcm.ledger import claim_balance as summarise
    from openrcm.service.ledger import ledger_of

    with uow:
        claim = uow.claims.get(claim_id)
        if claim is None:
            return None
        history = tuple(uow.claims.history(claim_id))
        entries = ledger_of(uow).entries(claim=claim.patient_control_number)
    balance = summarise(entries, claim.patient_control_number) if entries else None
    return ClaimDetail(claim, history, balance)


@dataclass(frozen=True, slots=True)
class ClaimFix:
    """A fix the system can apply by itself for one scrub finding code ("one-click")."""

    code: str  # the finding's code, e.g. "MODIFIER-25-MISSING"
    label: str  # the button's words
    apply: Any  # (Claim, Finding) -> Claim


def _with_modifiers(claim: Claim, number: int | None, build: Any) -> Claim:
    if number is None:
        raise ValueError("this fix needs the finding's service line")
    lines = [
        {**line.model_dump(), "modifiers": build(line.modifiers)}
        if line.number == number
        else line.model_dump()
        for line in claim.lines
    ]
    return Claim.model_validate({**claim.model_dump(), "lines": lines})


def _add_25(claim: Claim, finding: Finding) -> Claim:
    return _with_modifiers(claim, finding.line, lambda mods: (*mods, "25")[:4])


def _dedupe_modifiers(claim: Claim, finding: Finding) -> Claim:
    return _with_modifiers(claim, finding.line, lambda mods: tuple(dict.fromkeys(mods)))


def _drop_59(claim: Claim, finding: Finding) -> Claim:
    return _with_modifiers(claim, finding.line, lambda mods: tuple(m for m in mods if m != "59"))


def _recompute_total(claim: Claim, finding: Finding) -> Claim:
    return Claim.model_validate({**claim.model_dump(), "total_charge_amount": claim.lines_total})


FIXES: dict[str, ClaimFix] = {
    fix.code: fix
    for fix in (
        ClaimFix("MODIFIER-25-MISSING", "Add modifier 25 to the visit", _add_25),
        ClaimFix("MODIFIER-DUPLICATE", "Remove the repeated modifier", _dedupe_modifiers),
        ClaimFix("MODIFIER-59-WITH-X", "Drop 59 (the X modifier says it)", _drop_59),
        ClaimFix("TOTAL-CHARGE-MISMATCH", "Set CLM02 to the sum of the lines", _recompute_total),
    )
}

EDITABLE = ("draft", "ready", "rejected")


def scrub_stored_claim(
    uow: Any, claim_id: str, context: Any
) -> tuple[Claim, tuple[Finding, ...]] | None:
    """The tenant's claim and its scrub findings against `context`; None when it lacks it."""
    from openrcm.scrub.runner import scrub_claim

    with uow:
        claim = uow.claims.get(claim_id)
    if claim is None:
        return None
    return claim, scrub_claim(claim, context)


@dataclass(frozen=True, slots=True)
class FixResult:
    """A one-click fix applied: the claim as stored now and its findings before and after."""

    claim: Claim
    fixed: str  # the finding code fixed
    before: tuple[Finding, ...]
    after: tuple[Finding, ...]


class FixError(ValueError):
    """The fix asked for cannot be applied (no such finding, no automatic fix, wrong status)."""


def fix_claim(
    uow: Any, claim_id: str, code: str, line: int | None, context: Any
) -> FixResult | None:
    """Apply the automatic fix for finding `code` (on `line`) to a stored claim.

    None when the tenant has no such claim; `FixError` when the claim does not have that
    finding now, the finding has no automatic fix, or the claim has already gone out.
    """
    from openrcm.scrub.runner import scrub_claim

    fix = FIXES.get(code)
    if fix is None:
        raise FixError(f"{code} has no automatic fix; edit the claim by hand")
    with uow:
        claim = uow.claims.get(claim_id)
        if claim is None:
            return None
        if claim.status.value not in EDITABLE:
            raise FixError(f"a {claim.status.value} claim cannot be changed; correct it instead")
        before = scrub_claim(claim, context)
        finding = next((f for f in before if f.code == code and f.line == line), None)
        if finding is None:
            raise FixError(f"the claim has no {code} finding on line {line}")
        fixed = fix.apply(claim, finding)
        uow.claims.update(fixed)
        uow.commit()
    return FixResult(fixed, code, before, scrub_claim(fixed, context))


@dataclass(frozen=True, slots=True)
class Submission:
    """Claims written as one 837P and marked submitted; claims held with their errors."""

    text: str | None
    submitted: tuple[str, ...]  # claim ids
    held: dict[str, tuple[Finding, ...]]  # claim id -> error findings


def submit_claims(
    uow: Any, claim_ids: Sequence[str], context: Any | None, *, now: datetime | None = None
) -> Submission | None:
    """Scrub the claims, write the clean ones as one 837P and mark them submitted.

    None when any id is not a claim of this tenant. Claims with scrub errors, claims that are
    not draft or ready, and institutional claims are held (the 837I goes out in batches).
    """
    from openrcm.domain.claim import ClaimKind
    from openrcm.domain.claim_state import ClaimStatus
    from openrcm.scrub.runner import scrub_claim
    from openrcm.x12.t837 import Receiver, Submitter
    from openrcm.x12.t837p import write_837p

    held: dict[str, tuple[Finding, ...]] = {}
    clean: list[Claim] = []
    with uow:
        claims = [uow.claims.get(claim_id) for claim_id in dict.fromkeys(claim_ids)]
        if any(c is None for c in claims):
            return None
        for claim in claims:
            assert claim is not None
            if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.READY):
                held[claim.id] = (
                    Finding(
                        code="CLAIM-NOT-READY",
                        severity=Severity.ERROR,
                        message=f"a {claim.status.value} claim is not sent again",
                    ),
                )
                continue
            if claim.kind is not ClaimKind.PROFESSIONAL:
                held[claim.id] = (
                    Finding(
                        code="CLAIM-INSTITUTIONAL",
                        severity=Severity.ERROR,
                        message="institutional claims go out in the 837I batch",
                    ),
                )
                continue
            errors = tuple(
                f for f in (scrub_claim(claim, context) if context else ()) if f.is_error
            )
            if errors:
                held[claim.id] = errors
            else:
                clean.append(claim)
        if not clean:
            return Submission(None, (), held)
        billing = clean[0].billing_provider
        text = write_837p(
            clean,
            submitter=Submitter(name=billing.name[:60], identifier=billing.npi),
            receiver=Receiver(name=clean[0].payer.name[:60], identifier=clean[0].payer.id[:15]),
            created_at=(now or datetime.now(UTC)).replace(tzinfo=None),
            interchange_control_number=int(datetime.now(UTC).timestamp()) % 1_000_000_000,
        )
        for claim in clean:
            moved = claim
            if moved.status is ClaimStatus.DRAFT:
                moved = uow.claims.set_status(moved, ClaimStatus.READY, reason="scrubbed clean")
            uow.claims.set_status(moved, ClaimStatus.SUBMITTED, reason="sent in 837")
        uow.commit()
    return Submission(text, tuple(c.id for c in clean), held)


@dataclass(frozen=True, slots=True)
class PatientAccount:
    """A patient's claims with their balances, and the statement due now (if any)."""

    patient: Any  # Patient
    balances: tuple[Any, ...]  # openrcm.ledger.ClaimBalance, one per claim
    statement: Any | None  # openrcm.patients.statements.Statement


def patient_account(uow: Any, patient_id: str, *, as_of: date) -> PatientAccount | None:
    """The patient's account from the ledger; None when the tenant has no such patient."""
    from openrcm.ledger import claim_balances
    from openrcm.patients.statements import ClaimAccount, build_statement
    from openrcm.service.ledger import ledger_of

    with uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            return None
        entries = ledger_of(uow).entries(patient_id=patient_id)
        numbers = sorted({e.claim for e in entries if e.claim})
        claims = uow.claims.by_control_numbers(numbers)
    balances = tuple(sorted(claim_balances(entries).values(), key=lambda b: b.claim))
    accounts = []
    for balance in balances:
        claim = claims.get(balance.claim)
        if claim is None:
            continue
        accounts.append(
            ClaimAccount(
                patient_control_number=balance.claim,
                patient_name=str(patient.name),
                service_date=claim.first_service_date,
                description=", ".join(line.procedure for line in claim.lines)[:60],
                charge=balance.charge,
                insurance_paid=balance.insurance_paid,
                adjustments=balance.adjustments,
                patient_paid=balance.patient_paid,
                patient_responsibility=balance.patient_responsibility,
                insurance_pending=balance.insurance_pending,
            )
        )
    statement = build_statement(patient.guarantor_id or patient.id, accounts, as_of)
    return PatientAccount(patient, balances, statement)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The work-queue figures a biller opens the day with."""

    claims_by_status: dict[str, int]
    total_charges: Decimal
    insurance_ar: Decimal
    patient_ar: Decimal
    open_denials: int
    open_exceptions: int


def dashboard(uow: Any) -> Dashboard:
    """Claim counts by status, charges, A/R and open work items, from the stored data."""
    from sqlalchemy import func, select

    from openrcm.ledger import AccountKind
    from openrcm.service.ledger import ledger_of
    from openrcm.store.ledger_tables import RemitWorkItemRow
    from openrcm.store.tables import ClaimRow

    with uow:
        session = uow.session
        counts = dict(
            session.execute(
                select(ClaimRow.status, func.count())
                .where(ClaimRow.tenant_id == uow.tenant_id)
                .group_by(ClaimRow.status)
            ).all()
        )
        charges = session.scalar(
            select(func.coalesce(func.sum(ClaimRow.total_charge_amount), 0)).where(
                ClaimRow.tenant_id == uow.tenant_id
            )
        )
        open_items = dict(
            session.execute(
                select(RemitWorkItemRow.kind, func.count())
                .where(
                    RemitWorkItemRow.tenant_id == uow.tenant_id,
                    RemitWorkItemRow.resolved.is_(False),
                )
                .group_by(RemitWorkItemRow.kind)
            ).all()
        )
        balances = ledger_of(uow).account_balances()
    from openrcm.ledger import Account

    insurance = patient = Decimal("0.00")
    for name, amount in balances.items():
        kind = Account.parse(name).kind
        if kind is AccountKind.INSURANCE_AR:
            insurance += amount
        elif kind is AccountKind.PATIENT_AR:
            patient += amount
    return Dashboard(
        claims_by_status={str(k): int(v) for k, v in counts.items()},
        total_charges=Decimal(str(charges or 0)).quantize(Decimal("0.01")),
        insurance_ar=insurance,
        patient_ar=patient,
        open_denials=int(open_items.get("denial", 0)),
        open_exceptions=int(open_items.get("exception", 0)),
    )


def store_practice(uow: Any, practice: Any) -> int:
    """File every party of a synthetic practice (`openrcm.synth.SyntheticPractice`): the demo's
    and the benchmarks' way to start from a populated practice. Inside an open unit of work."""
    return store_parties(
        uow,
        payers=practice.payers,
        plans=practice.plans,
        providers=(
            practice.billing_provider,
            *practice.rendering_providers,
            *practice.referring_providers,
            *practice.facilities,
        ),
        locations=practice.locations,
        guarantors=practice.guarantors,
        patients=practice.patients,
        coverages=practice.coverages,
    )
