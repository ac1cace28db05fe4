"""The 837 loops professional (X222A1) and institutional (X223A2) claims share, read and written.

`t837p` and `t837i` are thin: they pick a `Layout` and call `write_837` / `iter_837` here.
The loop layout lives in one place so that the reader and the writer change together:

    ST BHT
    1000A  NM1*41 PER            submitter            (Submitter)
    1000B  NM1*40                receiver             (Receiver)
    2000A  HL*n**20*1 PRV*BI     billing provider level, one per billing provider
      2010AA NM1*85 N3 N4 REF*EI|SY
    2000B  HL*n*a*22*0|1 SBR     subscriber level, one per (payer, subscriber, member id)
      2010BA NM1*IL N3 N4 DMG
      2010BB NM1*PR N3 N4
    2000C  HL*n*b*23*0 PAT       patient level, only when the patient is not the subscriber
      2010CA NM1*QC N3 N4 DMG
    2300   CLM DTP REF NTE (CL1) HI...                        one per claim
      2310x  NM1 providers (P: DN referring, 82 rendering, 77 facility, DQ supervising;
                            I: 71 attending, 72 operating, 82 rendering, 77 facility, DN)
      2320   SBR CAS AMT*D OI        other payer (coordination of benefits)
        2330A NM1*IL N3 N4           other subscriber
        2330B NM1*PR N3 N4 DTP*573 REF*F8   other payer
      2400   LX SV1|SV2 DTP*472 REF*G1      one per service line
        2410 LIN CTP                 drug (NDC)
        2420A NM1*82 PRV             line rendering provider
        2430 SVD CAS DTP*573         earlier payers' line adjudication

What the 837 does not carry is filled in by convention on reading, and `canonical_837`
applies the same conventions to any claim, so `read(write(c)) == canonical_837(c)`:
provider ids are their NPIs and roles the loop they came from; a patient id is the member
id (the subscriber) or ``member:last:first:birthdate`` (a dependent); a coverage id is
``payer:member`` and its effective date the first date of service; an other payer's
subscriber takes the birth date and sex of the claim's subscriber or patient with the
same name (2330A has no DMG); adjustments are grouped by group code (one CAS per group).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    ClaimId,
    ClaimKind,
    Diagnosis,
    DiagnosisKind,
    LineAdjudication,
    OtherPayer,
    ServiceLine,
)
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.domain.party import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoverageId,
    CoveragePriority,
    EntityType,
    Patient,
    PatientId,
    Payer,
    PayerId,
    Person,
    PersonName,
    Provider,
    ProviderId,
    ProviderRole,
    Relationship,
    Sex,
)
from openrcm.x12.envelope import (
    SEGMENT,
    START,
    EnvelopeReader,
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import (
    SegmentWriter,
    parse_amount,
    parse_date,
    parse_date_range,
    x12_amount,
    x12_date,
    x12_date_range,
    x12_decimal,
    x12_text,
)
from openrcm.x12.tokenizer import Delimiters, Segment, _Readable

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

_ROLE_OF = {
    "referring_provider": ProviderRole.REFERRING,
    "rendering_provider": ProviderRole.RENDERING,
    "service_facility": ProviderRole.SERVICE_FACILITY,
    "supervising_provider": ProviderRole.SUPERVISING,
    "attending_provider": ProviderRole.ATTENDING,
    "operating_provider": ProviderRole.OPERATING,
}

_FILING = {member.value: member for member in ClaimFilingIndicator}
_RELATIONSHIP = {member.value: member for member in Relationship}
_SEX = {member.value: member for member in Sex}
_PRIORITY = {member.value: member for member in CoveragePriority}


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


def _borrow_birth(name: PersonName, subscriber: Person, patient: Person) -> tuple[date, Sex]:
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
            id=_dependent_id(coverage.member_id, p.name, p.birth_date),
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
        id=_coverage_id(payer.id, coverage.member_id),
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
        birth, sex = _borrow_birth(other.subscriber.name, subscriber, patient)
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
        "place_of_service": claim.place_of_service or _default_pos(claim)
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
            update[attribute] = _role_only(provider, _ROLE_OF[attribute], keep_taxonomy=bool(prv))
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
            type_of_bill=_facility_code(claim) + claim.frequency_code,
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


def _dependent_id(member_id: str, name: PersonName, birth: date) -> PatientId:
    """A stable, opaque id for a patient read from an 837: a digest of who they are, so that
    the id (which names ledger accounts) carries no name or birth date."""
    key = f"{member_id}|{name.last.upper()}|{name.first.upper()}|{x12_date(birth)}"
    return PatientId("pt-" + hashlib.sha256(key.encode()).hexdigest()[:20])


def _coverage_id(payer_id: str, member_id: str) -> CoverageId:
    return CoverageId("cov-" + hashlib.sha256(f"{payer_id}|{member_id}".encode()).hexdigest()[:20])


def _default_pos(claim: Claim) -> str:
    for line in claim.lines:
        if line.place_of_service:
            return line.place_of_service
    return "11"


def _facility_code(claim: Claim) -> str:
    tob = claim.type_of_bill or "131"
    return tob[-3:-1]


# ====================================================================== writing


def _name_elements(name: PersonName) -> tuple[str, str, str | None, str | None]:
    return (
        x12_text(name.last),
        x12_text(name.first),
        x12_text(name.middle) if name.middle else None,
        x12_text(name.suffix) if name.suffix else None,
    )


def _write_address(w: SegmentWriter, address: Address | None) -> None:
    if address is None:
        return
    if address.line2:
        w.add("N3", x12_text(address.line1), x12_text(address.line2))
    else:
        w.add("N3", x12_text(address.line1))
    w.add("N4", x12_text(address.city), address.state, address.zip_code)


def _write_provider_name(w: SegmentWriter, nm101: str, provider: Provider) -> None:
    if provider.entity_type is EntityType.PERSON:
        w.add(
            "NM1",
            nm101,
            "1",
            x12_text(provider.name),
            x12_text(provider.first_name or ""),
            None,
            None,
            None,
            "XX",
            provider.npi,
        )
    else:
        w.add(
            "NM1", nm101, "2", x12_text(provider.name), None, None, None, None, "XX", provider.npi
        )


def _write_person_name(w: SegmentWriter, nm101: str, person: Person, member_id: str | None) -> None:
    last, first, middle, suffix = _name_elements(person.name)
    if member_id is None:
        w.add("NM1", nm101, "1", last, first, middle, None, suffix)
    else:
        w.add("NM1", nm101, "1", last, first, middle, None, suffix, "MI", member_id)


def _write_cas(w: SegmentWriter, adjustments: tuple[Adjustment, ...]) -> None:
    groups: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        groups.setdefault(adjustment.group, []).append(adjustment)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            elements: list[str | None] = []
            for a in items[start : start + 6]:
                elements += [
                    a.reason,
                    x12_amount(a.amount),
                    x12_decimal(a.quantity) if a.quantity is not None else None,
                ]
            w.add("CAS", group, *elements)


def _write_billing(w: SegmentWriter, provider: Provider) -> None:
    if provider.taxonomy:
        w.add("PRV", "BI", "PXC", provider.taxonomy)
    _write_provider_name(w, "85", provider)
    _write_address(w, provider.address)
    if provider.tin:
        w.add("REF", "SY" if provider.tin_is_ssn else "EI", provider.tin)


def _write_subscriber(w: SegmentWriter, claim: Claim, is_self: bool, layout: Layout) -> None:
    coverage = claim.coverage
    group_name = (
        None
        if coverage.group_number
        else (x12_text(coverage.group_name) if coverage.group_name else None)
    )
    w.add(
        "SBR",
        coverage.priority.value,
        "18" if is_self else None,
        coverage.group_number and x12_text(coverage.group_number),
        group_name,
        None,
        None,
        None,
        None,
        claim.payer.claim_filing_indicator.value,
    )
    subscriber = coverage.subscriber
    _write_person_name(w, "IL", subscriber, coverage.member_id)
    _write_address(w, subscriber.address)
    if is_self:
        w.add("DMG", "D8", x12_date(subscriber.birth_date), subscriber.sex.value)
    payer = claim.payer
    w.add("NM1", "PR", "2", x12_text(payer.name), None, None, None, None, "PI", payer.id)
    _write_address(w, payer.address)


def _write_patient(w: SegmentWriter, claim: Claim) -> None:
    w.add("PAT", claim.coverage.relationship.value)
    patient = claim.patient
    _write_person_name(w, "QC", patient, None)
    _write_address(w, patient.address)
    w.add("DMG", "D8", x12_date(patient.birth_date), patient.sex.value)


def _write_other_payers(w: SegmentWriter, claim: Claim) -> None:
    for other in claim.other_payers:
        w.add(
            "SBR",
            other.priority,
            other.relationship.value,
            other.group_number and x12_text(other.group_number),
            None,
            None,
            None,
            None,
            None,
            other.payer.claim_filing_indicator.value,
        )
        _write_cas(w, other.adjustments)
        if other.paid_amount is not None:
            w.add("AMT", "D", x12_amount(other.paid_amount))
        w.add(
            "OI",
            None,
            None,
            "Y" if claim.benefits_assigned else "N",
            None,
            None,
            claim.release_of_information,
        )
        _write_person_name(w, "IL", other.subscriber, other.member_id)
        _write_address(w, other.subscriber.address)
        w.add(
            "NM1",
            "PR",
            "2",
            x12_text(other.payer.name),
            None,
            None,
            None,
            None,
            "PI",
            other.payer.id,
        )
        _write_address(w, other.payer.address)
        if other.adjudication_date is not None:
            w.add("DTP", "573", "D8", x12_date(other.adjudication_date))
        if other.payer_claim_control_number:
            w.add("REF", "F8", x12_text(other.payer_claim_control_number))


def _write_line_adjudications(w: SegmentWriter, line: ServiceLine, layout: Layout) -> None:
    for adj in line.adjudications:
        procedure = ("HC", adj.procedure, *adj.modifiers)
        if layout is PROFESSIONAL:
            w.add(
                "SVD",
                adj.payer_id,
                x12_amount(adj.paid_amount),
                procedure,
                None,
                x12_decimal(adj.units),
            )
        else:
            w.add(
                "SVD",
                adj.payer_id,
                x12_amount(adj.paid_amount),
                procedure,
                line.revenue_code,
                x12_decimal(adj.units),
            )
        _write_cas(w, adj.adjustments)
        w.add("DTP", "573", "D8", x12_date(adj.adjudication_date))


def _write_service_date(w: SegmentWriter, line: ServiceLine) -> None:
    e = w.element
    if line.service_date_end is not None:
        w.segments.append(
            f"DTP{e}472{e}RD8{e}{x12_date_range(line.service_date, line.service_date_end)}"
        )
    else:
        w.segments.append(f"DTP{e}472{e}D8{e}{x12_date(line.service_date)}")


def _write_lines(w: SegmentWriter, claim: Claim, layout: Layout) -> None:
    e, c = w.element, w.component
    out = w.segments
    for line in claim.lines:
        out.append(f"LX{e}{line.number}")
        if layout is PROFESSIONAL:
            # the hottest segment of an 837P, built directly (SegmentWriter.add is the general path)
            procedure = c.join((line.procedure_qualifier, line.procedure, *line.modifiers))
            pointers = c.join(map(str, line.diagnosis_pointers))
            pos = line.place_of_service or ""
            out.append(
                f"SV1{e}{procedure}{e}{x12_amount(line.charge_amount)}{e}{line.unit_basis}{e}"
                f"{x12_decimal(line.units)}{e}{pos}{e}{e}{pointers}"
            )
        else:
            procedure = (
                None
                if line.procedure_qualifier == "NU"
                else (line.procedure_qualifier, line.procedure, *line.modifiers)
            )
            w.add(
                "SV2",
                line.revenue_code or "0300",
                procedure,
                x12_amount(line.charge_amount),
                line.unit_basis if line.unit_basis in {"UN", "DA"} else "UN",
                x12_decimal(line.units),
            )
        _write_service_date(w, line)
        if line.prior_authorization and layout is PROFESSIONAL:
            w.add("REF", "G1", x12_text(line.prior_authorization))
        if line.ndc:
            w.add("LIN", None, "N4", line.ndc)
            if line.ndc_quantity is not None:
                w.add(
                    "CTP",
                    None,
                    None,
                    None,
                    x12_decimal(line.ndc_quantity),
                    (line.ndc_unit or "UN",),
                )
        if line.rendering_provider is not None:
            _write_provider_name(w, "82", line.rendering_provider)
            if layout is PROFESSIONAL and line.rendering_provider.taxonomy:
                w.add("PRV", "PE", "PXC", line.rendering_provider.taxonomy)
        _write_line_adjudications(w, line, layout)


def _write_claim(w: SegmentWriter, claim: Claim, layout: Layout) -> None:
    if layout is PROFESSIONAL:
        w.add(
            "CLM",
            x12_text(claim.patient_control_number),
            x12_amount(claim.total_charge_amount),
            None,
            None,
            (claim.place_of_service or _default_pos(claim), "B", claim.frequency_code),
            "Y" if claim.provider_signature else "N",
            claim.assignment,
            "Y" if claim.benefits_assigned else "N",
            claim.release_of_information,
        )
        if claim.onset_date is not None:
            w.add("DTP", "431", "D8", x12_date(claim.onset_date))
    else:
        w.add(
            "CLM",
            x12_text(claim.patient_control_number),
            x12_amount(claim.total_charge_amount),
            None,
            None,
            (_facility_code(claim), "A", claim.frequency_code),
            None,
            claim.assignment,
            "Y" if claim.benefits_assigned else "N",
            claim.release_of_information,
        )
        start = claim.statement_from or claim.first_service_date
        end = claim.statement_to or claim.last_service_date
        if claim.admission_date is not None:
            w.add("DTP", "435", "D8", x12_date(claim.admission_date))
        w.add("DTP", "434", "RD8", x12_date_range(start, end))
        if claim.admission_type or claim.admission_source or claim.patient_status:
            w.add("CL1", claim.admission_type, claim.admission_source, claim.patient_status or "01")
    if claim.payer_claim_control_number:
        w.add("REF", "F8", x12_text(claim.payer_claim_control_number))
    if claim.prior_authorization:
        w.add("REF", "G1", x12_text(claim.prior_authorization))
    if claim.referral_number:
        w.add("REF", "9F", x12_text(claim.referral_number))
    if claim.note:
        text = x12_text(claim.note)
        if text:
            w.add("NTE", "ADD", text)
    if layout is PROFESSIONAL:
        codes = [("ABK" if n == 0 else "ABF", d.code) for n, d in enumerate(claim.diagnoses)]
        w.add("HI", *codes)
    else:
        _write_institutional_codes(w, claim)
    for nm101, attribute, _loop, prv in layout.providers:
        provider: Provider | None = getattr(claim, attribute)
        if provider is None:
            continue
        if attribute == "service_facility":
            if provider.address is None:
                continue
            w.add(
                "NM1",
                nm101,
                "2",
                x12_text(provider.name),
                None,
                None,
                None,
                None,
                "XX",
                provider.npi,
            )
            _write_address(w, provider.address)
            continue
        _write_provider_name(w, nm101, provider)
        if prv and provider.taxonomy:
            w.add("PRV", prv, "PXC", provider.taxonomy)
    _write_other_payers(w, claim)
    _write_lines(w, claim, layout)


def _write_institutional_codes(w: SegmentWriter, claim: Claim) -> None:
    by_kind: dict[DiagnosisKind, list[Diagnosis]] = {}
    for d in claim.diagnoses:
        by_kind.setdefault(d.kind, []).append(d)

    def dx(qualifier: str, d: Diagnosis) -> tuple[str | None, ...]:
        if d.present_on_admission:
            return (qualifier, d.code, None, None, None, None, None, None, d.present_on_admission)
        return (qualifier, d.code)

    principal = by_kind.get(DiagnosisKind.PRINCIPAL, [])
    if principal:
        w.add("HI", dx("ABK", principal[0]))
    for d in by_kind.get(DiagnosisKind.ADMITTING, [])[:1]:
        w.add("HI", ("ABJ", d.code))
    reasons = by_kind.get(DiagnosisKind.REASON_FOR_VISIT, [])[:3]
    if reasons:
        w.add("HI", *[("APR", d.code) for d in reasons])
    external = by_kind.get(DiagnosisKind.EXTERNAL_CAUSE, [])[:12]
    if external:
        w.add("HI", *[dx("ABN", d) for d in external])
    if claim.drg:
        w.add("HI", ("DR", claim.drg))
    others = principal[1:] + by_kind.get(DiagnosisKind.OTHER, [])
    for start in range(0, min(len(others), 24), 12):
        w.add("HI", *[dx("ABF", d) for d in others[start : start + 12]])
    occurrences = list(claim.occurrence_codes)
    for start in range(0, min(len(occurrences), 24), 12):
        w.add(
            "HI",
            *[("BH", code, "D8", x12_date(day)) for code, day in occurrences[start : start + 12]],
        )
    values = list(claim.value_codes)
    for start in range(0, min(len(values), 24), 12):
        w.add(
            "HI",
            *[
                ("BE", code, None, None, x12_amount(amount))
                for code, amount in values[start : start + 12]
            ],
        )
    conditions = list(claim.condition_codes)
    for start in range(0, min(len(conditions), 24), 12):
        w.add("HI", *[("BG", code) for code in conditions[start : start + 12]])


def _transaction_body(
    claims: list[Claim],
    layout: Layout,
    submitter: Submitter,
    receiver: Receiver,
    reference: str,
    created_at: datetime,
    delimiters: Delimiters,
) -> TransactionBody:
    w = SegmentWriter(delimiters)
    w.add(
        "BHT",
        "0019",
        "00",
        reference,
        x12_date(created_at.date()),
        created_at.strftime("%H%M"),
        "CH",
    )
    w.add(
        "NM1",
        "41",
        "2",
        x12_text(submitter.name),
        None,
        None,
        None,
        None,
        "46",
        submitter.identifier,
    )
    w.add("PER", "IC", x12_text(submitter.contact_name or submitter.name), "TE", submitter.phone)
    w.add(
        "NM1", "40", "2", x12_text(receiver.name), None, None, None, None, "46", receiver.identifier
    )
    # HL hierarchy: billing provider -> subscriber (per payer, member, self or not) -> patient
    tree: dict[Any, dict[Any, dict[Any, list[Claim]]]] = {}
    for claim in claims:
        coverage = claim.coverage
        is_self = coverage.relationship is Relationship.SELF
        sub_key = (
            claim.payer,
            coverage.subscriber,
            coverage.member_id,
            coverage.priority,
            coverage.group_number,
            coverage.group_name,
            is_self,
        )
        pat_key = (
            None
            if is_self
            else (
                claim.patient.name,
                claim.patient.birth_date,
                claim.patient.sex,
                claim.patient.address,
                coverage.relationship,
            )
        )
        tree.setdefault(claim.billing_provider, {}).setdefault(sub_key, {}).setdefault(
            pat_key, []
        ).append(claim)
    hl = 0
    for billing, subscribers in tree.items():
        hl += 1
        billing_hl = hl
        w.add("HL", str(billing_hl), None, "20", "1")
        _write_billing(w, billing)
        for sub_key, patients in subscribers.items():
            hl += 1
            subscriber_hl = hl
            is_self = sub_key[-1]
            w.add("HL", str(subscriber_hl), str(billing_hl), "22", "0" if is_self else "1")
            first_claim = next(iter(patients.values()))[0]
            _write_subscriber(w, first_claim, is_self, layout)
            for pat_key, group in patients.items():
                if pat_key is not None:
                    hl += 1
                    w.add("HL", str(hl), str(subscriber_hl), "23", "0")
                    _write_patient(w, group[0])
                for claim in group:
                    _write_claim(w, claim, layout)
    return TransactionBody("837", w.segments, layout.version)


def write_837(
    claims: Iterable[Claim],
    layout: Layout,
    *,
    submitter: Submitter,
    receiver: Receiver,
    created_at: datetime,
    interchange_control_number: int = 1,
    group_control_number: int | None = None,
    usage: str = "P",
    reference: str | None = None,
    delimiters: Delimiters = Delimiters.DEFAULT,
    claims_per_set: int = MAX_CLAIMS_PER_SET,
) -> str:
    """One interchange holding `claims` as 837 transaction sets of at most `claims_per_set` claims."""
    kind_claims = list(claims)
    for claim in kind_claims:
        if claim.kind is not layout.kind:
            raise ValueError(
                f"claim {claim.patient_control_number} is {claim.kind.value}, not {layout.kind.value}"
            )
    if not kind_claims:
        raise ValueError("an 837 needs at least one claim")
    header = InterchangeHeader(
        sender_id=submitter.identifier,
        receiver_id=receiver.identifier,
        sender_qualifier=submitter.qualifier,
        receiver_qualifier=receiver.qualifier,
        interchange_control_number=interchange_control_number,
        group_control_number=group_control_number or interchange_control_number,
        created_at=created_at,
        usage=usage,
        delimiters=delimiters,
    )
    bodies = []
    base = reference or str(interchange_control_number)
    for number, start in enumerate(range(0, len(kind_claims), claims_per_set), start=1):
        bodies.append(
            _transaction_body(
                kind_claims[start : start + claims_per_set],
                layout,
                submitter,
                receiver,
                f"{base}-{number}" if len(kind_claims) > claims_per_set else base,
                created_at,
                delimiters,
            )
        )
    return write_interchange(bodies, header, functional_id="HC", version=layout.version)


# ====================================================================== reading


@dataclass(slots=True)
class _Named:
    """An NM1 loop being read: the name segment's elements and its N3/N4/REF/PRV/DMG."""

    nm1: list[str]
    index: int
    n3: list[str] | None = None
    n4: list[str] | None = None
    refs: dict[str, str] = field(default_factory=dict)
    prv: str | None = None
    dmg: list[str] | None = None
    dtp: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _OtherDraft:
    sbr: list[str]
    cas: list[list[str]] = field(default_factory=list)
    paid: str | None = None
    subscriber: _Named | None = None
    payer: _Named | None = None


@dataclass(slots=True)
class _LineDraft:
    lx: list[str]
    index: int
    service: list[str] | None = None
    dtp: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    lin: list[str] | None = None
    ctp: list[str] | None = None
    rendering: _Named | None = None
    svd: list[tuple[list[str], list[list[str]], str]] = field(default_factory=list)


@dataclass(slots=True)
class _ClaimDraft:
    clm: list[str]
    index: int
    dtp: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    hi: list[list[str]] = field(default_factory=list)
    cl1: list[str] | None = None
    providers: dict[str, _Named] = field(default_factory=dict)
    others: list[_OtherDraft] = field(default_factory=list)
    lines: list[_LineDraft] = field(default_factory=list)


def _g(e: list[str], i: int) -> str:
    return e[i] if i < len(e) else ""


class _Reader837:
    """Reads the claims of one 837 transaction set; findings go to `findings`."""

    def __init__(self, ts: TransactionSet, layout: Layout, findings: list[Finding]) -> None:
        self.ts = ts
        self.layout = layout
        self.findings = findings
        self.component = ts.delimiters.component
        self.repetition = ts.delimiters.repetition
        self.billing: _Named | None = None
        self.billing_prv: str | None = None
        self.billing_cache: Provider | None = None
        self.sbr: list[str] | None = None
        self.subscriber: _Named | None = None
        self.payer: _Named | None = None
        self.subscriber_cache: tuple[Person, Payer] | None = None
        self.pat: list[str] | None = None
        self.patient: _Named | None = None

    def finding(
        self,
        code: str,
        message: str,
        index: int,
        segment_id: str,
        loop: str | None,
        element: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                segment=SegmentRef(
                    segment_index=index, segment_id=segment_id, loop=loop, element=element
                ),
            )
        )

    def claims(self, body: Iterable[Segment]) -> Iterator[Claim]:
        ts = self.ts
        base = ts.header.index - 1
        claim: _ClaimDraft | None = None
        loop = ""  # the loop the last NM1/SBR/LX/SVD opened
        named: _Named | None = None
        other: _OtherDraft | None = None
        line: _LineDraft | None = None
        svd: tuple[list[str], list[list[str]], str] | None = None
        provider_codes = {nm101 for nm101, _a, _l, _p in self.layout.providers}
        for seg in body:
            e = seg.elements
            sid = e[0]
            if sid == "HL":
                if claim is not None:
                    built = self.build(claim)
                    if built is not None:
                        yield built
                    claim = None
                level = _g(e, 3)
                named, other, line, svd = None, None, None, None
                if level == "20":
                    self.billing, self.billing_prv, self.billing_cache = None, None, None
                    loop = "2000A"
                elif level == "22":
                    self.sbr, self.subscriber, self.payer, self.subscriber_cache = (
                        None,
                        None,
                        None,
                        None,
                    )
                    self.pat, self.patient = None, None
                    loop = "2000B"
                elif level == "23":
                    self.pat, self.patient = None, None
                    loop = "2000C"
                else:
                    loop = "HL?"
                continue
            if sid == "CLM":
                if claim is not None:
                    built = self.build(claim)
                    if built is not None:
                        yield built
                claim = _ClaimDraft(clm=e, index=seg.index - base)
                named, other, line, svd = None, None, None, None
                loop = "2300"
                continue
            if claim is None:
                # ---------------------------------------------- 2000A/B/C levels
                if sid == "NM1":
                    code = _g(e, 1)
                    named = _Named(nm1=e, index=seg.index - base)
                    if code == "85":
                        self.billing = named
                        loop = "2010AA"
                    elif code == "IL":
                        self.subscriber = named
                        loop = "2010BA"
                    elif code == "PR":
                        self.payer = named
                        loop = "2010BB"
                    elif code == "QC":
                        self.patient = named
                        loop = "2010CA"
                    else:
                        loop = "other"
                elif sid in ("N3", "N4", "REF", "DMG", "PER"):
                    if named is not None:
                        _attach(named, e)
                elif sid == "PRV" and loop == "2000A":
                    self.billing_prv = _g(e, 3)
                elif sid == "SBR":
                    self.sbr = e
                elif sid == "PAT":
                    self.pat = e
                continue
            # -------------------------------------------------- inside a claim
            if line is None:
                if sid == "LX":
                    line = _LineDraft(lx=e, index=seg.index - base)
                    claim.lines.append(line)
                    named, svd = None, None
                    loop = "2400"
                elif other is None and sid == "HI":
                    claim.hi.append(e)
                elif other is None and sid == "DTP":
                    claim.dtp[_g(e, 1)] = e
                elif other is None and sid == "REF" and named is None:
                    claim.refs[_g(e, 1)] = _g(e, 2)
                elif other is None and sid == "NTE":
                    claim.note = _g(e, 2)
                elif sid == "CL1":
                    claim.cl1 = e
                elif sid == "SBR":
                    other = _OtherDraft(sbr=e)
                    claim.others.append(other)
                    named = None
                    loop = "2320"
                elif sid == "NM1":
                    code = _g(e, 1)
                    named = _Named(nm1=e, index=seg.index - base)
                    if other is not None:
                        if code == "IL":
                            other.subscriber = named
                            loop = "2330A"
                        elif code == "PR":
                            other.payer = named
                            loop = "2330B"
                        else:
                            loop = "2330?"
                    elif code in provider_codes and code not in claim.providers:
                        claim.providers[code] = named
                        loop = "2310"
                    else:
                        loop = "2310?"
                elif other is not None and named is None:
                    if sid == "CAS":
                        other.cas.append(e)
                    elif sid == "AMT" and _g(e, 1) == "D":
                        other.paid = _g(e, 2)
                elif named is not None:
                    _attach(named, e)
                continue
            # -------------------------------------------------- inside a line
            if sid == "LX":
                line = _LineDraft(lx=e, index=seg.index - base)
                claim.lines.append(line)
                named, svd = None, None
                loop = "2400"
            elif sid == "SV1" or sid == "SV2":
                line.service = e
            elif sid == "SVD":
                svd = (e, [], "")
                line.svd.append(svd)
                named = None
                loop = "2430"
            elif svd is not None:
                if sid == "CAS":
                    svd[1].append(e)
                elif sid == "DTP" and _g(e, 1) == "573":
                    line.svd[-1] = svd = (svd[0], svd[1], _g(e, 3))
            elif sid == "NM1":
                named = _Named(nm1=e, index=seg.index - base)
                if _g(e, 1) == "82" and line.rendering is None:
                    line.rendering = named
                loop = "2420"
            elif named is not None:
                _attach(named, e)
            elif sid == "DTP":
                line.dtp[_g(e, 1)] = e
            elif sid == "REF":
                line.refs[_g(e, 1)] = _g(e, 2)
            elif sid == "LIN":
                line.lin = e
            elif sid == "CTP":
                line.ctp = e
        if claim is not None:
            built = self.build(claim)
            if built is not None:
                yield built

    # ------------------------------------------------------------------ building
    def build(self, draft: _ClaimDraft) -> Claim | None:
        try:
            return self._build(draft)
        except (ValidationError, ValueError, IndexError, KeyError, TypeError) as exc:
            pcn = _g(draft.clm, 1)
            reason = _reason(exc)
            self.finding(
                "X12-CLAIM-UNREADABLE",
                f"claim {pcn!r} cannot be read into a claim: {reason}",
                draft.index,
                "CLM",
                "2300",
            )
            return None

    def _billing_provider(self) -> Provider:
        if self.billing_cache is None:
            if self.billing is None:
                raise ValueError("the billing provider (2010AA NM1*85) is missing")
            self.billing_cache = _provider(
                self.billing, ProviderRole.BILLING, self.billing_prv, True
            )
        return self.billing_cache

    def _subscriber_and_payer(self) -> tuple[Person, Payer]:
        if self.subscriber_cache is None:
            if self.subscriber is None or self.payer is None or self.sbr is None:
                raise ValueError("the subscriber loop (2000B SBR, 2010BA, 2010BB) is incomplete")
            person = _person_from(self.subscriber)
            payer = _payer_from(self.payer, _g(self.sbr, 9))
            self.subscriber_cache = (person, payer)
        return self.subscriber_cache

    def _build(self, d: _ClaimDraft) -> Claim:
        layout = self.layout
        c = d.clm
        comp = self.component
        subscriber, payer = self._subscriber_and_payer()
        sbr = self.sbr or []
        member_id = _g(self.subscriber.nm1, 9) if self.subscriber else ""
        if self.patient is not None and self.pat is not None:
            relationship = _RELATIONSHIP.get(_g(self.pat, 1), Relationship.OTHER)
            person = _person_from(self.patient)
            patient = Patient(
                id=_dependent_id(member_id, person.name, person.birth_date),
                name=person.name,
                birth_date=person.birth_date,
                sex=person.sex,
                address=person.address,
            )
        else:
            relationship = Relationship.SELF
            patient = Patient(
                id=PatientId(member_id),
                name=subscriber.name,
                birth_date=subscriber.birth_date,
                sex=subscriber.sex,
                address=subscriber.address,
            )
        clm05 = _g(c, 5).split(comp)
        # ---- lines
        lines = []
        for ld in d.lines:
            lines.append(self._line(ld, layout, comp))
        first = min(line.service_date for line in lines) if lines else None
        statement = None
        if layout is INSTITUTIONAL:
            dtp434 = d.dtp.get("434")
            statement = parse_date_range(_g(dtp434, 3)) if dtp434 else None
            if statement is not None:
                first = statement[0] if first is None else min(first, statement[0])
                lines = [
                    ln
                    if ln.service_date is not _NO_DATE
                    else ln.model_copy(update={"service_date": statement[0]})
                    for ln in lines
                ]
        if first is None:
            raise ValueError("the claim has no service lines")
        coverage = Coverage(
            id=_coverage_id(payer.id, member_id),
            patient_id=patient.id,
            payer_id=payer.id,
            priority=_PRIORITY.get(_g(sbr, 1), CoveragePriority.PRIMARY),
            subscriber=subscriber,
            relationship=relationship,
            member_id=member_id,
            group_number=_g(sbr, 3) or None,
            group_name=_g(sbr, 4) or None,
            effective_date=first,
        )
        fields: dict[str, Any] = {
            "id": ClaimId(_g(c, 1)),
            "kind": layout.kind,
            "patient_control_number": _g(c, 1),
            "total_charge_amount": parse_amount(_g(c, 2)),
            "frequency_code": clm05[2] if len(clm05) > 2 and clm05[2] else "1",
            "assignment": _g(c, 7) or "A",
            "benefits_assigned": _g(c, 8) != "N",
            "release_of_information": _g(c, 9) or "Y",
            "billing_provider": self._billing_provider(),
            "patient": patient,
            "coverage": coverage,
            "payer": payer,
            "lines": tuple(lines),
            "payer_claim_control_number": d.refs.get("F8") or None,
            "prior_authorization": d.refs.get("G1") or None,
            "referral_number": d.refs.get("9F") or None,
            "note": d.note or None,
        }
        if layout is PROFESSIONAL:
            fields["place_of_service"] = clm05[0] or None
            fields["provider_signature"] = _g(c, 6) != "N"
            onset = d.dtp.get("431")
            if onset:
                fields["onset_date"] = parse_date(_g(onset, 3))
            fields["diagnoses"] = tuple(self._professional_diagnoses(d.hi))
        else:
            fields["type_of_bill"] = clm05[0] + fields["frequency_code"]
            if statement is not None:
                fields["statement_from"], fields["statement_to"] = statement
            admission = d.dtp.get("435")
            if admission:
                fields["admission_date"] = parse_date(_g(admission, 3)[:8])
            if d.cl1:
                fields["admission_type"] = _g(d.cl1, 1) or None
                fields["admission_source"] = _g(d.cl1, 2) or None
                fields["patient_status"] = _g(d.cl1, 3) or None
            self._institutional_codes(d.hi, fields)
        for nm101, attribute, _loop, _prv in layout.providers:
            named = d.providers.get(nm101)
            if named is not None:
                fields[attribute] = _provider(
                    named,
                    _ROLE_OF[attribute],
                    named.prv,
                    attribute == "service_facility",
                    keep_tin=False,
                )
        fields["other_payers"] = tuple(self._other(o, subscriber, patient) for o in d.others)
        return Claim(**fields)

    def _line(self, ld: _LineDraft, layout: Layout, comp: str) -> ServiceLine:
        sv = ld.service
        if sv is None:
            raise ValueError(f"service line {_g(ld.lx, 1)} has no {layout.service_segment}")
        fields: dict[str, Any] = {"number": int(_g(ld.lx, 1))}
        if layout is PROFESSIONAL:
            procedure = _g(sv, 1).split(comp)
            fields["charge_amount"] = parse_amount(_g(sv, 2))
            fields["unit_basis"] = _g(sv, 3) or "UN"
            units = parse_amount(_g(sv, 4))
            if units is not None:
                fields["units"] = units
            fields["place_of_service"] = _g(sv, 5) or None
            pointers = _g(sv, 7)
            if pointers:
                fields["diagnosis_pointers"] = tuple(int(p) for p in pointers.split(comp) if p)
        else:
            fields["revenue_code"] = _g(sv, 1) or None
            procedure = _g(sv, 2).split(comp) if _g(sv, 2) else ["NU", _g(sv, 1)]
            fields["charge_amount"] = parse_amount(_g(sv, 3))
            fields["unit_basis"] = _g(sv, 4) or "UN"
            units = parse_amount(_g(sv, 5))
            if units is not None:
                fields["units"] = units
        fields["procedure_qualifier"] = procedure[0]
        fields["procedure"] = _g(procedure, 1)
        fields["modifiers"] = tuple(m for m in procedure[2:6] if m)
        dtp = ld.dtp.get("472")
        if dtp is not None:
            if _g(dtp, 2) == "RD8":
                span = parse_date_range(_g(dtp, 3))
                if span is None:
                    raise ValueError(
                        f"line {fields['number']}: DTP*472 {_g(dtp, 3)!r} is not a date range"
                    )
                fields["service_date"], fields["service_date_end"] = span
            else:
                fields["service_date"] = parse_date(_g(dtp, 3))
        elif layout is INSTITUTIONAL:
            fields["service_date"] = _NO_DATE
        if ld.refs.get("G1"):
            fields["prior_authorization"] = ld.refs["G1"]
        if ld.lin is not None:
            fields["ndc"] = _g(ld.lin, 3) or None
            if ld.ctp is not None:
                fields["ndc_quantity"] = parse_amount(_g(ld.ctp, 4))
                fields["ndc_unit"] = _g(ld.ctp, 5).split(comp)[0] or None
        if ld.rendering is not None:
            fields["rendering_provider"] = _provider(
                ld.rendering, ProviderRole.RENDERING, ld.rendering.prv, False, keep_tin=False
            )
        adjudications = []
        for svd, cas, day in ld.svd:
            proc = _g(svd, 3).split(comp)
            adjudication: dict[str, Any] = {
                "payer_id": _g(svd, 1),
                "paid_amount": parse_amount(_g(svd, 2)),
                "procedure": _g(proc, 1),
                "modifiers": tuple(m for m in proc[2:6] if m),
                "adjustments": _adjustments(cas),
                "adjudication_date": parse_date(day),
            }
            units = parse_amount(_g(svd, 5))
            if units is not None:
                adjudication["units"] = units
            adjudications.append(LineAdjudication(**adjudication))
        fields["adjudications"] = tuple(adjudications)
        return ServiceLine(**fields)

    def _professional_diagnoses(self, his: list[list[str]]) -> list[Diagnosis]:
        out = []
        comp = self.component
        for hi in his:
            for value in hi[1:]:
                parts = value.split(comp)
                qualifier = parts[0]
                if qualifier in {"ABK", "BK"}:
                    out.append(Diagnosis(code=_g(parts, 1), kind=DiagnosisKind.PRINCIPAL))
                elif qualifier in {"ABF", "BF"}:
                    out.append(Diagnosis(code=_g(parts, 1), kind=DiagnosisKind.OTHER))
        return out

    def _institutional_codes(self, his: list[list[str]], fields: dict[str, Any]) -> None:
        comp = self.component
        diagnoses: list[Diagnosis] = []
        occurrences: list[tuple[str, date]] = []
        values: list[tuple[str, Decimal]] = []
        conditions: list[str] = []
        kinds = {
            "ABK": DiagnosisKind.PRINCIPAL,
            "BK": DiagnosisKind.PRINCIPAL,
            "ABJ": DiagnosisKind.ADMITTING,
            "BJ": DiagnosisKind.ADMITTING,
            "APR": DiagnosisKind.REASON_FOR_VISIT,
            "PR": DiagnosisKind.REASON_FOR_VISIT,
            "ABN": DiagnosisKind.EXTERNAL_CAUSE,
            "BN": DiagnosisKind.EXTERNAL_CAUSE,
            "ABF": DiagnosisKind.OTHER,
            "BF": DiagnosisKind.OTHER,
        }
        for hi in his:
            for value in hi[1:]:
                parts = value.split(comp)
                qualifier = parts[0]
                kind = kinds.get(qualifier)
                if kind is not None:
                    poa = _g(parts, 8) or None
                    diagnoses.append(
                        Diagnosis(code=_g(parts, 1), kind=kind, present_on_admission=poa)
                    )
                elif qualifier == "BH":
                    day = parse_date(_g(parts, 3))
                    if day is not None:
                        occurrences.append((_g(parts, 1), day))
                elif qualifier == "BE":
                    amount = parse_amount(_g(parts, 4))
                    if amount is not None:
                        values.append((_g(parts, 1), amount))
                elif qualifier == "BG":
                    conditions.append(_g(parts, 1))
                elif qualifier == "DR":
                    fields["drg"] = _g(parts, 1) or None
        fields["diagnoses"] = tuple(diagnoses)
        fields["occurrence_codes"] = tuple(occurrences)
        fields["value_codes"] = tuple(values)
        fields["condition_codes"] = tuple(conditions)

    def _other(self, o: _OtherDraft, subscriber: Person, patient: Patient) -> OtherPayer:
        if o.subscriber is None or o.payer is None:
            raise ValueError("an other-payer loop (2320) lacks its 2330A or 2330B")
        name = _name_from(o.subscriber.nm1)
        birth, sex = _borrow_birth(name, subscriber, patient)
        other_subscriber = Person(
            name=name, birth_date=birth, sex=sex, address=_address(o.subscriber)
        )
        fields: dict[str, Any] = {
            "payer": _payer_from(o.payer, _g(o.sbr, 9)),
            "subscriber": other_subscriber,
            "member_id": _g(o.subscriber.nm1, 9),
            "priority": _g(o.sbr, 1),
            "relationship": _RELATIONSHIP.get(_g(o.sbr, 2), Relationship.OTHER),
            "group_number": _g(o.sbr, 3) or None,
            "paid_amount": parse_amount(o.paid) if o.paid else None,
            "adjustments": _adjustments(o.cas),
            "adjudication_date": parse_date(o.payer.dtp.get("573", ""))
            if o.payer.dtp.get("573")
            else None,
            "payer_claim_control_number": o.payer.refs.get("F8") or None,
        }
        return OtherPayer(**fields)


_NO_DATE = date(1, 1, 1)  # an 837I line without DTP*472 takes the statement start date


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc) or exc.__class__.__name__


def _attach(named: _Named, e: list[str]) -> None:
    sid = e[0]
    if sid == "N3":
        named.n3 = e
    elif sid == "N4":
        named.n4 = e
    elif sid == "REF":
        named.refs.setdefault(_g(e, 1), _g(e, 2))
    elif sid == "PRV":
        named.prv = _g(e, 3)
    elif sid == "DMG":
        named.dmg = e
    elif sid == "DTP":
        named.dtp[_g(e, 1)] = _g(e, 3)


def _address(named: _Named) -> Address | None:
    if named.n3 is None or named.n4 is None:
        return None
    return Address(
        line1=_g(named.n3, 1),
        line2=_g(named.n3, 2) or None,
        city=_g(named.n4, 1),
        state=_g(named.n4, 2),
        zip_code=_g(named.n4, 3),
    )


def _name_from(nm1: list[str]) -> PersonName:
    return PersonName(
        last=_g(nm1, 3), first=_g(nm1, 4), middle=_g(nm1, 5) or None, suffix=_g(nm1, 7) or None
    )


def _person_from(named: _Named) -> Person:
    dmg = named.dmg
    if dmg is None:
        if _g(named.nm1, 1) == "IL":
            return Person(
                name=_name_from(named.nm1),
                birth_date=UNKNOWN_BIRTH_DATE,
                sex=Sex.UNKNOWN,
                address=_address(named),
            )
        raise ValueError(f"{_g(named.nm1, 1)} {_g(named.nm1, 3)!r} has no DMG (birth date and sex)")
    birth = parse_date(_g(dmg, 2))
    return Person(
        name=_name_from(named.nm1),
        birth_date=birth,
        sex=_SEX.get(_g(dmg, 3), Sex.UNKNOWN),
        address=_address(named),
    )


def _payer_from(named: _Named, filing: str) -> Payer:
    return Payer(
        id=PayerId(_g(named.nm1, 9)),
        name=_g(named.nm1, 3),
        claim_filing_indicator=_FILING.get(filing, ClaimFilingIndicator.OTHER),
        address=_address(named),
    )


def _provider(
    named: _Named,
    role: ProviderRole,
    taxonomy: str | None,
    with_address: bool,
    keep_tin: bool = True,
) -> Provider:
    nm1 = named.nm1
    person = _g(nm1, 2) == "1"
    tin, ssn = None, False
    if keep_tin:
        if named.refs.get("EI"):
            tin = named.refs["EI"]
        elif named.refs.get("SY"):
            tin, ssn = named.refs["SY"], True
    return Provider(
        id=ProviderId(_g(nm1, 9)),
        npi=_g(nm1, 9),
        entity_type=EntityType.PERSON if person else EntityType.ORGANISATION,
        name=_g(nm1, 3),
        first_name=(_g(nm1, 4) or None) if person else None,
        taxonomy=taxonomy or None,
        tin=tin,
        tin_is_ssn=ssn,
        address=_address(named) if with_address else None,
        roles=frozenset({role}),
    )


def _adjustments(cas_segments: list[list[str]]) -> tuple[Adjustment, ...]:
    out = []
    for cas in cas_segments:
        group = _g(cas, 1)
        for k in range(2, len(cas), 3):
            reason = cas[k]
            if not reason:
                continue
            amount = parse_amount(_g(cas, k + 1))
            quantity = parse_amount(_g(cas, k + 2))
            out.append(
                Adjustment(
                    group=group,
                    reason=reason,
                    amount=amount if amount is not None else Decimal(0),
                    quantity=quantity,
                )
            )
    return tuple(out)


def iter_837(
    source: str | _Readable,
    layout: Layout,
    findings: list[Finding] | None = None,
    accept: Callable[[TransactionSet], bool] | None = None,
) -> Iterator[Claim]:
    """Stream the claims of every 837 set in `source` matching `layout`, one claim at a time.

    Findings are appended to `findings`. Nothing of a set is kept once its claims are out.
    """
    sink: list[Finding] = findings if findings is not None else []
    reader = EnvelopeReader(source)
    events = reader.events()
    count = 0

    def body() -> Iterator[Segment]:
        for kind, value in events:
            if kind is SEGMENT:
                yield value  # type: ignore[misc]
            else:
                return

    for kind, value in events:
        if kind is not START:
            continue
        ts: TransactionSet = value  # type: ignore[assignment]
        segments = body()
        if ts.transaction_type == "837" and (accept is None or accept(ts)):
            yield from _Reader837(ts, layout, sink).claims(segments)
        for _ in segments:
            pass
        sink.extend(reader.findings[count:])
        count = len(reader.findings)
    sink.extend(reader.findings[count:])


def is_institutional(ts: TransactionSet) -> bool:
    """X223 in ST03/GS08 marks an institutional 837."""
    return "X223" in ts.version or "X096" in ts.version


def is_professional(ts: TransactionSet) -> bool:
    """X222 (or 4010 X098) marks a professional 837."""
    return "X222" in ts.version or "X098" in ts.version
