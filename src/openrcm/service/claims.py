"""Claims on file: store claims with their people and payers, import 837 files idempotently.

`store_claims` files claims for the tenant as if the practice had built them: payers,
providers, patients and coverages already on file are reused (by payer id, NPI, name and
birth date with member id, and patient+payer+member id), new ones added, and each claim's
charge posted to the ledger. `import_837` does that for every claim of an 837P/837I file,
once: the file's SHA-256 is recorded, and the same file again imports nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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
