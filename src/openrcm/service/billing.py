"""Claim building use cases: charge master imports, claims built from stored encounters, and
ready claims batched per payer into 837P/837I files.

`import_fees(uow, text, effective_date=...)` stores a charge master CSV as rates in force
from a date (a later file is a rate change; the same file twice changes nothing).
`record_details(uow, details)` keeps an encounter's billing details (referring and
supervising providers, onset, the hospital stay). `build_claims(uow, encounter_ids)` builds
one claim per encounter with `openrcm.billing` from what is on file (patient, coverages,
payers, providers as of the date of service, the charge master, details), adds the
authorisation and referral numbers on file (recording the units used), stores the claims
as drafts with their charges posted to the ledger and, given a scrub context, moves the
clean ones to ready; an encounter already billed to that payer priority is skipped.
`batch_claims(uow, out_dir)` writes the ready claims as one 837 per payer and kind, each
with the tenant's next interchange control number, records the batch and marks the claims
submitted.
"""

from __future__ import annotations

import builtins
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openrcm.billing import (
    BuiltClaim,
    ChargeMaster,
    ClaimParties,
    EncounterDetails,
    PriorAdjudication,
    Setting,
    build_institutional_claim,
    build_professional_claim,
    facility_from_location,
    read_charge_csv,
)
from openrcm.billing.drg import DrgGrouper
from openrcm.domain.claim import Claim, ClaimKind, Encounter
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.finding import Finding
from openrcm.domain.money import format_money
from openrcm.domain.party import CoveragePriority, Provider, ProviderRole
from openrcm.store.billing_tables import BilledEncounter, ClaimBatch, SqlBillingRepository

PAGE = 500
CONTROL_PREFIX = "B"


def billing_of(uow: Any) -> SqlBillingRepository:
    """The billing repository of an open unit of work."""
    found = getattr(uow, "billing", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlBillingRepository(uow.session, uow.tenant_id)


# -- charge master ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeeImport:
    """What importing one charge master file did."""

    document: str  # the file's SHA-256
    rates_read: int
    added: int
    changed: int
    unchanged: int
    effective_date: date | None
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "rates_read": self.rates_read,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "findings": [_finding_json(f) for f in self.findings],
        }


def import_fees(
    uow: Any, text: str, *, effective_date: date | None = None, name: str | None = None
) -> FeeImport:
    """Store a charge master CSV (see `billing.read_charge_csv`); rows with problems are
    skipped and reported. Raises `billing.ChargeFileError` for a file without its columns."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    rates, findings = read_charge_csv(text, effective_date=effective_date)
    with uow:
        result = billing_of(uow).add_rates(rates, source=digest)
        uow.commit()
    return FeeImport(
        document=digest,
        rates_read=len(rates),
        added=result.added,
        changed=result.changed,
        unchanged=result.unchanged,
        effective_date=effective_date,
        findings=findings,
    )


def charge_master(uow: Any) -> ChargeMaster:
    """The tenant's whole charge master."""
    with uow:
        return billing_of(uow).charge_master()


def record_details(uow: Any, details: EncounterDetails) -> None:
    """Store (or replace) an encounter's billing details."""
    with uow:
        billing_of(uow).put_details(details)
        uow.commit()


# -- building ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildResult:
    """One encounter's outcome: the claim stored (or None) and the findings."""

    encounter_id: str
    claim: Claim | None
    findings: tuple[Finding, ...] = ()
    scrub_findings: tuple[Finding, ...] = ()
    already_built: str | None = None  # the control number of the claim built earlier
    drg_description: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in (*self.findings, *self.scrub_findings))

    def as_json(self) -> dict[str, Any]:
        claim = self.claim
        return {
            "encounter_id": self.encounter_id,
            "claim_id": claim.id if claim else None,
            "patient_control_number": claim.patient_control_number if claim else None,
            "kind": claim.kind.value if claim else None,
            "payer_id": claim.payer.id if claim else None,
            "status": claim.status.value if claim else None,
            "total_charge": format_money(claim.total_charge_amount) if claim else None,
            "lines": len(claim.lines) if claim else 0,
            "drg": claim.drg if claim else None,
            "already_built": self.already_built,
            "findings": [_finding_json(f) for f in self.findings],
            "scrub_findings": [_finding_json(f) for f in self.scrub_findings],
        }


@dataclass(frozen=True, slots=True)
class BuildSummary:
    """What `build_claims` did, encounter by encounter."""

    results: tuple[BuildResult, ...]

    @property
    def built(self) -> tuple[Claim, ...]:
        return tuple(r.claim for r in self.results if r.claim is not None)

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.results if r.already_built is None)

    def as_json(self) -> dict[str, Any]:
        built = self.built
        return {
            "encounters": len(self.results),
            "claims_built": len(built),
            "already_built": sum(1 for r in self.results if r.already_built),
            "not_built": sum(1 for r in self.results if r.claim is None and not r.already_built),
            "ready": sum(1 for c in built if c.status is ClaimStatus.READY),
            "total_charge": format_money(sum((c.total_charge_amount for c in built), Decimal(0))),
            "claims": [r.as_json() for r in self.results],
        }


class BillingSetupError(ValueError):
    """The tenant's data cannot bill at all (no billing provider, an unknown encounter)."""


def build_claims(
    uow: Any,
    encounter_ids: Sequence[str] | None = None,
    *,
    priority: CoveragePriority = CoveragePriority.PRIMARY,
    prior: Mapping[str, Sequence[PriorAdjudication]] | None = None,
    frequency_code: str = "1",
    payer_claim_control_number: str | None = None,
    billing_provider_id: str | None = None,
    scrub_context: Any | None = None,
    grouper: DrgGrouper | None = None,
    record_authorizations: bool = True,
) -> BuildSummary:
    """Build, store and (with a scrub context) scrub one claim per encounter.

    `encounter_ids` None: every encounter without an original claim for `priority` yet.
    `prior` gives, per encounter id, the earlier payers' decisions a secondary or tertiary
    claim carries. Raises `BillingSetupError` for an encounter id the tenant lacks or when
    no billing provider can be chosen.
    """
    prior = prior or {}
    own_grouper = None
    results: list[BuildResult] = []
    with uow:
        billing = billing_of(uow)
        ids = (
            list(encounter_ids)
            if encounter_ids is not None
            else (billing.unbilled_encounter_ids(priority.value))
        )
        encounters = _encounters(uow, ids)
        done = {
            b.encounter_id: b
            for b in billing.billed(ids)
            if b.priority == priority.value and b.frequency_code == frequency_code == "1"
        }
        billing_provider = _billing_provider(uow, billing_provider_id)
        master = billing.charge_master()
        details = billing.details(ids)
        sequence = billing.next_sequence()
        stored: list[Claim] = []
        links: list[BilledEncounter] = []
        try:
            for encounter in encounters:
                if encounter.id in done:
                    claim = uow.claims.get(done[encounter.id].claim_id)
                    results.append(
                        BuildResult(
                            encounter.id,
                            None,
                            already_built=claim.patient_control_number if claim else "?",
                        )
                    )
                    continue
                sequence, number = _free_number(uow, sequence)
                detail = details.get(encounter.id)
                stay = detail.institutional if detail else None
                if stay is not None and stay.setting is Setting.INPATIENT and grouper is None:
                    from openrcm.billing.drg import MsdrgGrouping

                    grouper = own_grouper = MsdrgGrouping()
                parties = _parties(uow, encounter, detail, billing_provider)
                common: dict[str, Any] = {
                    "claim_id": f"claim-{number.lower()}",
                    "patient_control_number": number,
                    "priority": priority,
                    "prior": tuple(prior.get(encounter.id, ())),
                    "frequency_code": frequency_code,
                    "payer_claim_control_number": payer_claim_control_number,
                    "details": detail,
                }
                built: BuiltClaim = (
                    build_institutional_claim(
                        encounter, stay, parties, master, grouper=grouper, **common
                    )
                    if stay is not None
                    else build_professional_claim(encounter, parties, master, **common)
                )
                if built.claim is None:
                    results.append(BuildResult(encounter.id, None, built.findings))
                    continue
                claim, auth_findings = _with_authorizations(uow, built.claim, record_authorizations)
                stored.append(claim)
                links.append(
                    BilledEncounter(
                        claim_id=claim.id,
                        encounter_id=encounter.id,
                        priority=priority.value,
                        frequency_code=frequency_code,
                        sequence=sequence,
                    )
                )
                sequence += 1
                results.append(
                    BuildResult(
                        encounter.id,
                        claim,
                        (*built.findings, *auth_findings),
                        drg_description=built.drg_description,
                    )
                )
        finally:
            if own_grouper is not None:
                own_grouper.close()
        if stored:
            from openrcm.service.ledger import post_charges

            uow.claims.add_many(stored, reason="built from encounter")
            billing.add_billed(links)
            post_charges(uow, stored)
        if scrub_context is not None and stored:
            results = _scrubbed(uow, results, scrub_context)
        uow.commit()
    return BuildSummary(tuple(results))


def _encounters(uow: Any, ids: Sequence[str]) -> list[Encounter]:
    found = []
    for encounter_id in dict.fromkeys(ids):
        encounter = uow.encounters.get(encounter_id)
        if encounter is None:
            raise BillingSetupError(f"no encounter {encounter_id} on file")
        found.append(encounter)
    return found


def _all(repository: Any) -> builtins.list[Any]:
    records: builtins.list[Any] = []
    while True:
        page = repository.list(limit=PAGE, offset=len(records))
        records.extend(page)
        if len(page) < PAGE:
            return records


def _billing_provider(uow: Any, provider_id: str | None) -> Provider:
    """The provider named, else the tenant's one provider with the billing role."""
    if provider_id is not None:
        provider: Provider | None = uow.providers.get(provider_id)
        if provider is None:
            raise BillingSetupError(f"no provider {provider_id} on file")
        return provider
    billing: list[Provider] = [p for p in _all(uow.providers) if ProviderRole.BILLING in p.roles]
    if len(billing) != 1:
        raise BillingSetupError(
            "choose the billing provider: the practice has "
            + (f"{len(billing)} providers with the billing role" if billing else "none on file")
        )
    return billing[0]


def _parties(
    uow: Any, encounter: Encounter, detail: EncounterDetails | None, billing: Provider
) -> ClaimParties:
    from openrcm.store.provider_change_tables import SqlProviderChangeRepository

    patient = uow.patients.get(encounter.patient_id)
    if patient is None:
        raise BillingSetupError(f"encounter {encounter.id}: no patient {encounter.patient_id}")
    coverages = tuple(uow.coverages.for_patient(patient.id))
    payers = {c.payer_id: uow.payers.get(c.payer_id) for c in coverages}
    rendering = uow.providers.get(encounter.provider_id)
    stay = detail.institutional if detail else None

    def provider(provider_id: str | None) -> Provider | None:
        return uow.providers.get(provider_id) if provider_id else None

    location = uow.locations.get(encounter.location_id) if encounter.location_id else None
    roles: dict[str, Any] = {
        "billing_provider": billing,
        "rendering_provider": rendering if stay is None else None,
        "referring_provider": provider(detail.referring_provider_id if detail else None),
        "supervising_provider": provider(detail.supervising_provider_id if detail else None),
        "attending_provider": (
            provider(stay.attending_provider_id) or rendering if stay is not None else None
        ),
        "operating_provider": provider(stay.operating_provider_id) if stay else None,
        "service_facility": facility_from_location(location, billing),
    }
    ids = [p.id for p in roles.values() if p is not None]
    changes = SqlProviderChangeRepository(uow.session, uow.tenant_id).for_providers(ids)
    return ClaimParties(
        patient=patient,
        coverages=coverages,
        payers={k: v for k, v in payers.items() if v is not None},
        provider_changes=tuple(changes),
        **roles,
    )


def _free_number(uow: Any, sequence: int) -> tuple[int, str]:
    """The next control number in the sequence that no claim on file has (an imported
    claim may hold one)."""
    while True:
        number = f"{CONTROL_PREFIX}{sequence:09d}"
        if uow.claims.by_control_number(number) is None:
            return sequence, number
        sequence += 1


def _with_authorizations(uow: Any, claim: Claim, record: bool) -> tuple[Claim, list[Finding]]:
    from openrcm.service.authorizations import apply_to_claim

    return apply_to_claim(uow, claim, record_use=record)


def _scrubbed(uow: Any, results: list[BuildResult], context: Any) -> list[BuildResult]:
    """Scrub each built claim; the clean ones become ready."""
    from openrcm.scrub.runner import scrub_claim

    out = []
    moves = []
    for result in results:
        claim = result.claim
        if claim is None:
            out.append(result)
            continue
        findings = tuple(scrub_claim(claim, context))
        if not any(f.is_error for f in findings):
            moves.append((claim, ClaimStatus.READY))
            claim = claim.moved_to(ClaimStatus.READY)
        out.append(
            BuildResult(
                result.encounter_id,
                claim,
                result.findings,
                findings,
                drg_description=result.drg_description,
            )
        )
    if moves:
        uow.claims.set_statuses(moves, reason="scrubbed clean")
    return out


# -- batching ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchFile:
    """One 837 written."""

    path: Path
    kind: ClaimKind
    payer_id: str
    interchange_control_number: int
    claims: tuple[str, ...]  # patient control numbers
    total_charge: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "kind": self.kind.value,
            "transaction": "837P" if self.kind is ClaimKind.PROFESSIONAL else "837I",
            "payer_id": self.payer_id,
            "interchange_control_number": self.interchange_control_number,
            "claims": len(self.claims),
            "patient_control_numbers": list(self.claims),
            "total_charge": format_money(self.total_charge),
        }


@dataclass(frozen=True, slots=True)
class BatchSummary:
    files: tuple[BatchFile, ...]
    held: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # CLM01 -> errors

    @property
    def has_errors(self) -> bool:
        return bool(self.held)

    def as_json(self) -> dict[str, Any]:
        return {
            "files": [f.as_json() for f in self.files],
            "claims_submitted": sum(len(f.claims) for f in self.files),
            "total_charge": format_money(sum((f.total_charge for f in self.files), Decimal(0))),
            "held": [
                {"patient_control_number": number, "findings": [_finding_json(f) for f in found]}
                for number, found in sorted(self.held.items())
            ],
        }


def batch_claims(
    uow: Any,
    out_dir: Path,
    *,
    submitter: Any | None = None,
    scrub_context: Any | None = None,
    now: datetime | None = None,
    usage: str = "P",
) -> BatchSummary:
    """Write every ready claim into one 837P or 837I per payer and kind, mark them submitted.

    Each file gets the tenant's next interchange control number (ISA13, also GS06 and the
    BHT reference) and is recorded; the file is named `<ICN>-<payer>-837P.x12`. Given a scrub
    context, claims with scrub errors are held (left ready) and reported. The default
    submitter is the billing provider, identified by its NPI.
    """
    from openrcm.x12.t837 import Receiver, Submitter
    from openrcm.x12.t837i import write_837i
    from openrcm.x12.t837p import write_837p

    created = (now or datetime.now(UTC)).astimezone(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[BatchFile] = []
    written: list[tuple[Path, Path]] = []
    held: dict[str, tuple[Finding, ...]] = {}
    with uow:
        billing = billing_of(uow)
        ready = _all_ready(uow)
        groups: dict[tuple[str, ClaimKind], list[Claim]] = defaultdict(list)
        for claim in ready:
            if scrub_context is not None:
                from openrcm.scrub.runner import scrub_claim

                errors = tuple(f for f in scrub_claim(claim, scrub_context) if f.is_error)
                if errors:
                    held[claim.patient_control_number] = errors
                    continue
            groups[(claim.payer.id, claim.kind)].append(claim)
        icn = billing.next_interchange_number()
        moves: list[tuple[Claim, ClaimStatus]] = []
        try:
            for (payer_id, kind), claims in sorted(groups.items()):
                claims.sort(key=lambda c: c.patient_control_number)
                billing_provider = claims[0].billing_provider
                sender = submitter or Submitter(
                    name=billing_provider.name[:60], identifier=billing_provider.npi
                )
                receiver = Receiver(name=claims[0].payer.name[:60], identifier=payer_id[:15])
                write = write_837p if kind is ClaimKind.PROFESSIONAL else write_837i
                text = write(
                    claims,
                    submitter=sender,
                    receiver=receiver,
                    created_at=created.replace(tzinfo=None),
                    interchange_control_number=icn,
                    usage=usage,
                )
                suffix = "837P" if kind is ClaimKind.PROFESSIONAL else "837I"
                path = out_dir / f"{icn:09d}-{_safe(payer_id)}-{suffix}.x12"
                partial = path.with_suffix(".x12.partial")
                partial.write_text(text, encoding="utf-8")
                written.append((partial, path))
                total = sum((c.total_charge_amount for c in claims), Decimal("0.00"))
                numbers = tuple(c.patient_control_number for c in claims)
                billing.add_batch(
                    ClaimBatch(
                        interchange_control_number=icn,
                        kind=kind.value,
                        payer_id=payer_id,
                        claim_count=len(claims),
                        total_charge_amount=total,
                        file_name=path.name,
                        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
                        claims=numbers,
                        created_at=created,
                    )
                )
                files.append(BatchFile(path, kind, payer_id, icn, numbers, total))
                moves.extend((c, ClaimStatus.SUBMITTED) for c in claims)
                icn += 1
            if moves:
                uow.claims.set_statuses(moves, reason="sent in 837 batch")
            uow.commit()
        except BaseException:
            for partial, _ in written:
                partial.unlink(missing_ok=True)
            raise
    for partial, path in written:
        partial.replace(path)
    return BatchSummary(tuple(files), held)


def _all_ready(uow: Any) -> list[Claim]:
    claims: list[Claim] = []
    while True:
        page = uow.claims.list(status=ClaimStatus.READY, limit=PAGE, offset=len(claims))
        claims.extend(page)
        if len(page) < PAGE:
            return claims


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "line": finding.line,
        "fix": finding.fix,
    }


__all__ = [
    "BatchFile",
    "BatchSummary",
    "BillingSetupError",
    "BuildResult",
    "BuildSummary",
    "FeeImport",
    "batch_claims",
    "billing_of",
    "build_claims",
    "charge_master",
    "import_fees",
    "record_details",
]
