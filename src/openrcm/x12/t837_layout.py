"""The 837 loop layout both readers and writers share, and the canonical form of a claim as an 837 carries it.

See `openrcm.x12.t837` for the loops and the conventions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    ClaimId,
    ClaimKind,
    Diagnosis,
    DiagnosisKind,
)
from openrcm.domain.party import (
    ClaimFilingIndicator,
    Coverage,
    CoverageId,
    CoveragePriority,
    Patient,
    PatientId,
    Payer,
    Person,
    PersonName,
    Provider,
    ProviderId,
    ProviderRole,
    Relationship,
    Sex,
)
from openrcm.x12.segments import (
    x12_date,
    x12_text,
)

_T = TypeVar("_T")

MAX_CLAIMS_PER_SET = 5000  # the guides recommend at most 5000 CLM per transaction set


@dataclass(frozen=True, slots=True, kw_only=True)
class Submitter:
    """Loop 1000A and the ISA/GS sender: who sends the file (a practice or clearinghouse)."""

    name: str
    identifier: str  # NM109 (46, ETIN); also ISA06 and GS02
    contact_name: str | None = None  # PER02
    phone: str = "8005550100"  # PER04 (TE)
    qualifier: str = "ZZ"  # ISA05


@dataclass(frozen=True, slots=True, kw_only=True)
class Receiver:
    """Loop 1000B and the ISA/GS receiver: the payer or clearinghouse the file goes to."""

    name: str
    identifier: str  # NM109 (46); also ISA08 and GS03
    qualifier: str = "ZZ"  # ISA07


@dataclass(frozen=True, slots=True)
class Layout:
    """What differs between 837P and 837I."""

    kind: ClaimKind
    version: str  # GS08 / ST03
    service_segment: str  # SV1 | SV2
    # NM101 in 2310x -> claim attribute, in the guide's loop order
    providers: tuple[tuple[str, str, str, str], ...]  # (NM101, attribute, loop, PRV01 or "")
    max_diagnoses: int


PROFESSIONAL = Layout(
    kind=ClaimKind.PROFESSIONAL,
    version="005010X222A1",
    service_segment="SV1",
    providers=(
        ("DN", "referring_provider", "2310A", ""),
        ("82", "rendering_provider", "2310B", "PE"),
        ("77", "service_facility", "2310C", ""),
        ("DQ", "supervising_provider", "2310D", ""),
    ),
    max_diagnoses=12,
)

INSTITUTIONAL = Layout(
    kind=ClaimKind.INSTITUTIONAL,
    version="005010X223A2",
    service_segment="SV2",
    providers=(
        ("71", "attending_provider", "2310A", "AT"),
        ("72", "operating_provider", "2310B", ""),
        ("82", "rendering_provider", "2310D", ""),
        ("77", "service_facility", "2310E", ""),
        ("DN", "referring_provider", "2310F", ""),
    ),
    max_diagnoses=25,
)

ROLE_OF = {
    "referring_provider": ProviderRole.REFERRING,
    "rendering_provider": ProviderRole.RENDERING,
    "service_facility": ProviderRole.SERVICE_FACILITY,
    "supervising_provider": ProviderRole.SUPERVISING,
    "attending_provider": ProviderRole.ATTENDING,
    "operating_provider": ProviderRole.OPERATING,
}

FILING = {member.value: member for member in ClaimFilingIndicator}
RELATIONSHIP = {member.value: member for member in Relationship}
SEX = {member.value: member for member in Sex}
PRIORITY = {member.value: member for member in CoveragePriority}


# ====================================================================== canonical form


def _role_only(
    provider: Provider | None,
    role: ProviderRole,
    *,
    keep_address: bool = False,
    keep_tin: bool = False,
    keep_taxonomy: bool = False,
) -> Provider | None:
    if provider is None:
        return None
    return provider.model_copy(
        update={
            "id": ProviderId(provider.npi),
            "roles": frozenset({role}),
            "address": provider.address if keep_address else None,
            "tin": provider.tin if keep_tin else None,
            "tin_is_ssn": provider.tin_is_ssn if keep_tin else False,
            "taxonomy": provider.taxonomy if keep_taxonomy else None,
        }
    )


UNKNOWN_BIRTH_DATE = date(1900, 1, 1)
"""A subscriber who is not the patient has no DMG in 2010BA (the guides say do not send it)."""


def _person(person: Person, with_demographics: bool = True) -> Person:
    if with_demographics:
        return Person(
            name=person.name, birth_date=person.birth_date, sex=person.sex, address=person.address
        )
    return Person(
        name=person.name, birth_date=UNKNOWN_BIRTH_DATE, sex=Sex.UNKNOWN, address=person.address
    )


def borrow_birth(name: PersonName, subscriber: Person, patient: Person) -> tuple[date, Sex]:
    for known in (subscriber, patient):
        if known.name == name:
            return known.birth_date, known.sex
    return subscriber.birth_date, subscriber.sex


def _group_adjustments(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    order: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        order.setdefault(adjustment.group, []).append(adjustment)
    return tuple(a for group in order.values() for a in group)


def canonical_837(claim: Claim) -> Claim:
    """`claim` as an 837 carries it: what `read_837p`/`read_837i` return after a write."""
    layout = PROFESSIONAL if claim.kind is ClaimKind.PROFESSIONAL else INSTITUTIONAL
    coverage = claim.coverage
    is_self = coverage.relationship is Relationship.SELF
    subscriber = _person(coverage.subscriber, is_self)
    if is_self:
        patient = Patient(
            id=PatientId(coverage.member_id),
            name=subscriber.name,
            birth_date=subscriber.birth_date,
            sex=subscriber.sex,
            address=subscriber.address,
        )
    else:
        p = claim.patient
        patient = Patient(
            id=dependent_id(coverage.member_id, p.name, p.birth_date),
            name=p.name,
            birth_date=p.birth_date,
            sex=p.sex,
            address=p.address,
        )
    payer = Payer(
        id=claim.payer.id,
        name=x12_text(claim.payer.name),
        claim_filing_indicator=claim.payer.claim_filing_indicator,
        address=claim.payer.address,
    )
    first = claim.first_service_date
    if layout is INSTITUTIONAL and claim.statement_from is not None:
        first = min(first, claim.statement_from)
    new_coverage = Coverage(
        id=coverage_id(payer.id, coverage.member_id),
        patient_id=patient.id,
        payer_id=payer.id,
        priority=coverage.priority,
        subscriber=subscriber,
        relationship=coverage.relationship,
        member_id=coverage.member_id,
        group_number=coverage.group_number,
        group_name=None if coverage.group_number else coverage.group_name,
        effective_date=first,
    )
    others = []
    for other in claim.other_payers:
        birth, sex = borrow_birth(other.subscriber.name, subscriber, patient)
        others.append(
            other.model_copy(
                update={
                    "payer": Payer(
                        id=other.payer.id,
                        name=x12_text(other.payer.name),
                        claim_filing_indicator=other.payer.claim_filing_indicator,
                        address=other.payer.address,
                    ),
                    "subscriber": Person(
                        name=other.subscriber.name,
                        birth_date=birth,
                        sex=sex,
                        address=other.subscriber.address,
                    ),
                    "adjustments": _group_adjustments(other.adjustments),
                }
            )
        )
    lines = []
    for line in claim.lines:
        update: dict[str, Any] = {
            "rendering_provider": _role_only(
                line.rendering_provider,
                ProviderRole.RENDERING,
                keep_taxonomy=layout is PROFESSIONAL,
            ),
            "adjudications": tuple(
                a.model_copy(update={"adjustments": _group_adjustments(a.adjustments)})
                for a in line.adjudications
            ),
        }
        if layout is PROFESSIONAL:
            update["revenue_code"] = None
        else:
            update["prior_authorization"] = None
            update["place_of_service"] = None
            update["diagnosis_pointers"] = (1,)
            update["unit_basis"] = line.unit_basis if line.unit_basis in {"UN", "DA"} else "UN"
        if line.ndc is None:
            update.update(ndc_quantity=None, ndc_unit=None)
        lines.append(line.model_copy(update=update))
    diagnoses = []
    for number, diagnosis in enumerate(claim.diagnoses):
        if layout is PROFESSIONAL:
            kind = DiagnosisKind.PRINCIPAL if number == 0 else DiagnosisKind.OTHER
            diagnoses.append(Diagnosis(code=diagnosis.code, kind=kind))
        else:
            diagnoses.append(diagnosis)
    if layout is INSTITUTIONAL:
        diagnoses = _institutional_order(diagnoses)
    update = {
        "id": ClaimId(claim.patient_control_number),
        "status": Claim.model_fields["status"].default,
        "patient": patient,
        "coverage": new_coverage,
        "payer": payer,
        "billing_provider": _role_only(
            claim.billing_provider,
            ProviderRole.BILLING,
            keep_address=True,
            keep_tin=True,
            keep_taxonomy=True,
        ),
        "other_payers": tuple(others),
        "lines": tuple(lines),
        "diagnoses": tuple(diagnoses),
        "note": x12_text(claim.note) or None if claim.note else None,
        "place_of_service": claim.place_of_service or default_pos(claim)
        if layout is PROFESSIONAL
        else None,
    }
    for _nm101, attribute, _loop, prv in layout.providers:
        provider = getattr(claim, attribute)
        if attribute == "service_facility":
            update[attribute] = (
                _role_only(provider, ProviderRole.SERVICE_FACILITY, keep_address=True)
                if provider is not None and provider.address is not None
                else None
            )
        else:
            update[attribute] = _role_only(provider, ROLE_OF[attribute], keep_taxonomy=bool(prv))
    for attribute in (
        "referring_provider",
        "rendering_provider",
        "service_facility",
        "supervising_provider",
        "attending_provider",
        "operating_provider",
    ):
        if attribute not in {a for _n, a, _l, _p in layout.providers}:
            update[attribute] = None
    if layout is PROFESSIONAL:
        update.update(
            statement_from=None,
            statement_to=None,
            admission_date=None,
            admission_type=None,
            admission_source=None,
            patient_status=None,
            type_of_bill=None,
            occurrence_codes=(),
            value_codes=(),
            condition_codes=(),
            drg=None,
        )
    else:
        update.update(
            provider_signature=True,
            onset_date=None,
            type_of_bill=facility_code(claim) + claim.frequency_code,
        )
    return claim.model_copy(update=update)


def _institutional_order(diagnoses: list[Diagnosis]) -> list[Diagnosis]:
    order = [
        DiagnosisKind.PRINCIPAL,
        DiagnosisKind.ADMITTING,
        DiagnosisKind.REASON_FOR_VISIT,
        DiagnosisKind.EXTERNAL_CAUSE,
        DiagnosisKind.OTHER,
    ]
    return sorted(diagnoses, key=lambda d: order.index(d.kind))


def dependent_id(member_id: str, name: PersonName, birth: date) -> PatientId:
    """A stable, opaque id for a patient read from an 837: a digest of who they are, so that
    the id (which names ledger accounts) carries no name or birth date."""
    key = f"{member_id}|{name.last.upper()}|{name.first.upper()}|{x12_date(birth)}"
    return PatientId("pt-" + hashlib.sha256(key.encode()).hexdigest()[:20])


def coverage_id(payer_id: str, member_id: str) -> CoverageId:
    return CoverageId("cov-" + hashlib.sha256(f"{payer_id}|{member_id}".encode()).hexdigest()[:20])


def default_pos(claim: Claim) -> str:
    for line in claim.lines:
        if line.place_of_service:
            return line.place_of_service
    return "11"


def facility_code(claim: Claim) -> str:
    tob = claim.type_of_bill or "131"
    return tob[-3:-1]
