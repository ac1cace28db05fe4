"""Writing 837P and 837I transaction sets from `domain.Claim` (see `openrcm.x12.t837`)."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    Diagnosis,
    DiagnosisKind,
    ServiceLine,
)
from openrcm.domain.party import (
    Address,
    EntityType,
    Person,
    PersonName,
    Provider,
    Relationship,
)
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    write_interchange,
)
from openrcm.x12.segments import (
    SegmentWriter,
    x12_amount,
    x12_date,
    x12_date_range,
    x12_decimal,
    x12_text,
)
from openrcm.x12.t837_layout import (
    MAX_CLAIMS_PER_SET,
    PROFESSIONAL,
    Layout,
    Receiver,
    Submitter,
    default_pos,
    facility_code,
)
from openrcm.x12.tokenizer import Delimiters

_T = TypeVar("_T")
# ====================================================================== writing
#
# Segments are built as strings directly (f-strings and joins, one append each); what repeats
# in a file (a provider's name, address and taxonomy; an address) is formatted once per file.
# `SegmentWriter.add` stays for the rarer institutional segments. Rules kept from the general
# builder: no trailing empty element and no trailing empty component.


def _name_elements(name: PersonName) -> tuple[str, str, str | None, str | None]:
    return (
        x12_text(name.last),
        x12_text(name.first),
        x12_text(name.middle) if name.middle else None,
        x12_text(name.suffix) if name.suffix else None,
    )


_POINTER_TEXTS: dict[tuple[int, ...], str] = {}  # SV107 with ":" between pointers


def _trimmed(e: str, parts: list[str]) -> str:
    """`parts` joined by `e` without trailing empty elements (the id always stays)."""
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return e.join(parts)


class _Body:
    """The segments of one 837 transaction set body, with per-file caches of formatted parts."""

    __slots__ = ("_addresses", "_providers", "c", "e", "layout", "out", "professional", "w")

    def __init__(self, w: SegmentWriter, layout: Layout) -> None:
        self.w = w
        self.out = w.segments
        self.e = w.element
        self.c = w.component
        self.layout = layout
        self.professional = layout is PROFESSIONAL
        # keyed by id(): every record stays alive (the claims hold them) while the body is built
        self._addresses: dict[int, tuple[str, str]] = {}
        self._providers: dict[tuple[int, str, bool], tuple[str, ...]] = {}

    # ---------------------------------------------------------------- parts
    def address(self, address: Address | None) -> None:
        if address is None:
            return
        known = self._addresses.get(id(address))
        if known is None:
            e = self.e
            line1 = x12_text(address.line1)
            line2 = x12_text(address.line2) if address.line2 else ""
            n3 = f"N3{e}{line1}{e}{line2}" if line2 else _trimmed(e, ["N3", line1])
            # state and ZIP code are never empty (the record checks them)
            n4 = f"N4{e}{x12_text(address.city)}{e}{address.state}{e}{address.zip_code}"
            known = self._addresses[id(address)] = (n3, n4)
        self.out += known

    def provider_name(self, nm101: str, provider: Provider) -> str:
        e = self.e
        if provider.entity_type is EntityType.PERSON:
            first = x12_text(provider.first_name or "")
            return f"NM1{e}{nm101}{e}1{e}{x12_text(provider.name)}{e}{first}{e}{e}{e}{e}XX{e}{provider.npi}"
        return f"NM1{e}{nm101}{e}2{e}{x12_text(provider.name)}{e}{e}{e}{e}{e}XX{e}{provider.npi}"

    def provider(self, nm101: str, provider: Provider, prv: str, facility: bool) -> None:
        """NM1 and PRV*`prv` when the provider has a taxonomy; a `facility` is named as an
        organisation and followed by its address."""
        key = (id(provider), nm101 + prv, facility)
        known = self._providers.get(key)
        if known is None:
            e = self.e
            if facility:
                name = x12_text(provider.name)
                block = [f"NM1{e}{nm101}{e}2{e}{name}{e}{e}{e}{e}{e}XX{e}{provider.npi}"]
            else:
                block = [self.provider_name(nm101, provider)]
            if facility and provider.address is not None:
                mark = len(self.out)
                self.address(provider.address)
                block += self.out[mark:]
                del self.out[mark:]
            if prv and provider.taxonomy:
                block.append(f"PRV{e}{prv}{e}PXC{e}{provider.taxonomy}")
            known = self._providers[key] = tuple(block)
        self.out += known

    def person_name(self, nm101: str, person: Person, member_id: str | None) -> None:
        last, first, middle, suffix = _name_elements(person.name)
        e = self.e
        if member_id is None and first and not middle and not suffix:
            self.out.append(f"NM1{e}{nm101}{e}1{e}{last}{e}{first}")
        elif member_id is None:
            self.out.append(
                _trimmed(e, ["NM1", nm101, "1", last, first, middle or "", "", suffix or ""])
            )
        else:
            self.out.append(
                e.join(
                    (
                        "NM1",
                        nm101,
                        "1",
                        last,
                        first,
                        middle or "",
                        "",
                        suffix or "",
                        "MI",
                        member_id,
                    )
                )
            )

    def cas(self, adjustments: tuple[Adjustment, ...]) -> None:
        if not adjustments:
            return
        e = self.e
        if len(adjustments) == 1:
            a = adjustments[0]
            quantity = a.quantity
            if quantity is None:
                self.out.append(f"CAS{e}{a.group}{e}{a.reason}{e}{x12_amount(a.amount)}")
            else:
                self.out.append(
                    _trimmed(
                        e, ["CAS", a.group, a.reason, x12_amount(a.amount), x12_decimal(quantity)]
                    )
                )
            return
        groups: dict[str, list[Adjustment]] = {}
        for adjustment in adjustments:
            groups.setdefault(adjustment.group, []).append(adjustment)
        e = self.e
        for group, items in groups.items():
            for start in range(0, len(items), 6):
                parts = ["CAS", group]
                for a in items[start : start + 6]:
                    parts += (
                        a.reason,
                        x12_amount(a.amount),
                        x12_decimal(a.quantity) if a.quantity is not None else "",
                    )
                self.out.append(_trimmed(e, parts))

    # ---------------------------------------------------------------- loops
    def billing(self, provider: Provider) -> None:
        e = self.e
        if provider.taxonomy:
            self.out.append(f"PRV{e}BI{e}PXC{e}{provider.taxonomy}")
        self.out.append(self.provider_name("85", provider))
        self.address(provider.address)
        if provider.tin:
            self.out.append(f"REF{e}{'SY' if provider.tin_is_ssn else 'EI'}{e}{provider.tin}")

    def subscriber(self, claim: Claim, is_self: bool) -> None:
        e = self.e
        out = self.out
        coverage = claim.coverage
        group_name = (
            ""
            if coverage.group_number
            else (x12_text(coverage.group_name) if coverage.group_name else "")
        )
        group_number = x12_text(coverage.group_number) if coverage.group_number else ""
        out.append(
            f"SBR{e}{coverage.priority.value}{e}{'18' if is_self else ''}{e}{group_number}{e}"
            f"{group_name}{e}{e}{e}{e}{e}{claim.payer.claim_filing_indicator.value}"
        )
        subscriber = coverage.subscriber
        self.person_name("IL", subscriber, coverage.member_id)
        self.address(subscriber.address)
        if is_self:
            out.append(f"DMG{e}D8{e}{x12_date(subscriber.birth_date)}{e}{subscriber.sex.value}")
        payer = claim.payer
        out.append(f"NM1{e}PR{e}2{e}{x12_text(payer.name)}{e}{e}{e}{e}{e}PI{e}{payer.id}")
        self.address(payer.address)

    def patient(self, claim: Claim) -> None:
        e = self.e
        self.out.append(f"PAT{e}{claim.coverage.relationship.value}")
        patient = claim.patient
        self.person_name("QC", patient, None)
        self.address(patient.address)
        self.out.append(f"DMG{e}D8{e}{x12_date(patient.birth_date)}{e}{patient.sex.value}")

    def other_payers(self, claim: Claim) -> None:
        e = self.e
        out = self.out
        for other in claim.other_payers:
            group_number = x12_text(other.group_number) if other.group_number else ""
            out.append(
                f"SBR{e}{other.priority}{e}{other.relationship.value}{e}{group_number}"
                f"{e}{e}{e}{e}{e}{e}{other.payer.claim_filing_indicator.value}"
            )
            self.cas(other.adjustments)
            if other.paid_amount is not None:
                out.append(f"AMT{e}D{e}{x12_amount(other.paid_amount)}")
            out.append(
                f"OI{e}{e}{e}{'Y' if claim.benefits_assigned else 'N'}{e}{e}{e}"
                f"{claim.release_of_information}"
            )
            self.person_name("IL", other.subscriber, other.member_id)
            self.address(other.subscriber.address)
            out.append(
                f"NM1{e}PR{e}2{e}{x12_text(other.payer.name)}{e}{e}{e}{e}{e}PI{e}{other.payer.id}"
            )
            self.address(other.payer.address)
            if other.adjudication_date is not None:
                out.append(f"DTP{e}573{e}D8{e}{x12_date(other.adjudication_date)}")
            if other.payer_claim_control_number:
                out.append(f"REF{e}F8{e}{x12_text(other.payer_claim_control_number)}")

    def line_adjudications(self, line: ServiceLine) -> None:
        e, c = self.e, self.c
        out = self.out
        revenue = "" if self.professional else (line.revenue_code or "")
        for adj in line.adjudications:
            procedure = _trimmed(c, ["HC", adj.procedure, *adj.modifiers])
            out.append(
                f"SVD{e}{adj.payer_id}{e}{x12_amount(adj.paid_amount)}{e}{procedure}{e}"
                f"{revenue}{e}{x12_decimal(adj.units)}"
            )
            self.cas(adj.adjustments)
            out.append(f"DTP{e}573{e}D8{e}{x12_date(adj.adjudication_date)}")

    def lines(self, claim: Claim) -> None:
        e, c = self.e, self.c
        out = self.out
        append = out.append
        professional = self.professional
        pointer_texts = _POINTER_TEXTS if c == ":" else {}
        for line in claim.lines:
            f = line.__dict__  # plain reads of the frozen record's fields
            append(f"LX{e}{f['number']}")
            modifiers = f["modifiers"]
            if professional:
                if modifiers:
                    procedure = c.join((f["procedure_qualifier"], f["procedure"], *modifiers))
                else:
                    procedure = f"{f['procedure_qualifier']}{c}{f['procedure']}"
                pointers = pointer_texts.get(f["diagnosis_pointers"])
                if pointers is None:
                    pointers = c.join(map(str, f["diagnosis_pointers"]))
                    pointer_texts[f["diagnosis_pointers"]] = pointers
                append(
                    f"SV1{e}{procedure}{e}{x12_amount(f['charge_amount'])}{e}{f['unit_basis']}"
                    f"{e}{x12_decimal(f['units'])}{e}{f['place_of_service'] or ''}{e}{e}{pointers}"
                )
            else:
                procedure = (
                    ""
                    if f["procedure_qualifier"] == "NU"
                    else c.join((f["procedure_qualifier"], f["procedure"], *modifiers))
                )
                basis = f["unit_basis"] if f["unit_basis"] in {"UN", "DA"} else "UN"
                append(
                    f"SV2{e}{f['revenue_code'] or '0300'}{e}{procedure}{e}"
                    f"{x12_amount(f['charge_amount'])}{e}{basis}{e}{x12_decimal(f['units'])}"
                )
            end = f["service_date_end"]
            if end is not None:
                append(f"DTP{e}472{e}RD8{e}{x12_date_range(f['service_date'], end)}")
            else:
                append(f"DTP{e}472{e}D8{e}{x12_date(f['service_date'])}")
            if f["prior_authorization"] and professional:
                append(f"REF{e}G1{e}{x12_text(f['prior_authorization'])}")
            if f["ndc"]:
                append(f"LIN{e}{e}N4{e}{f['ndc']}")
                if f["ndc_quantity"] is not None:
                    append(
                        f"CTP{e}{e}{e}{e}{x12_decimal(f['ndc_quantity'])}{e}{f['ndc_unit'] or 'UN'}"
                    )
            rendering = f["rendering_provider"]
            if rendering is not None:
                self.provider("82", rendering, "PE" if professional else "", False)
            if f["adjudications"]:
                self.line_adjudications(line)

    def claim(self, claim: Claim) -> None:
        e, c = self.e, self.c
        out = self.out
        w = self.w
        pcn = x12_text(claim.patient_control_number)
        total = x12_amount(claim.total_charge_amount)
        assigned = "Y" if claim.benefits_assigned else "N"
        if self.professional:
            pos = claim.place_of_service or default_pos(claim)
            out.append(
                f"CLM{e}{pcn}{e}{total}{e}{e}{e}{pos}{c}B{c}{claim.frequency_code}{e}"
                f"{'Y' if claim.provider_signature else 'N'}{e}{claim.assignment}{e}{assigned}"
                f"{e}{claim.release_of_information}"
            )
            if claim.onset_date is not None:
                out.append(f"DTP{e}431{e}D8{e}{x12_date(claim.onset_date)}")
        else:
            w.add(
                "CLM",
                pcn,
                total,
                None,
                None,
                (facility_code(claim), "A", claim.frequency_code),
                None,
                claim.assignment,
                assigned,
                claim.release_of_information,
            )
            start = claim.statement_from or claim.first_service_date
            end = claim.statement_to or claim.last_service_date
            if claim.admission_date is not None:
                w.add("DTP", "435", "D8", x12_date(claim.admission_date))
            w.add("DTP", "434", "RD8", x12_date_range(start, end))
            if claim.admission_type or claim.admission_source or claim.patient_status:
                w.add(
                    "CL1",
                    claim.admission_type,
                    claim.admission_source,
                    claim.patient_status or "01",
                )
        if claim.payer_claim_control_number:
            out.append(f"REF{e}F8{e}{x12_text(claim.payer_claim_control_number)}")
        if claim.prior_authorization:
            out.append(f"REF{e}G1{e}{x12_text(claim.prior_authorization)}")
        if claim.referral_number:
            out.append(f"REF{e}9F{e}{x12_text(claim.referral_number)}")
        if claim.note:
            text = x12_text(claim.note)
            if text:
                out.append(f"NTE{e}ADD{e}{text}")
        if self.professional:
            codes = [f"ABF{c}{d.code}" for d in claim.diagnoses]
            if codes:
                codes[0] = f"ABK{c}{claim.diagnoses[0].code}"
            out.append(e.join(("HI", *codes)))
        else:
            _write_institutional_codes(w, claim)
        for nm101, attribute, _loop, prv in self.layout.providers:
            provider: Provider | None = getattr(claim, attribute)
            if provider is None:
                continue
            if attribute == "service_facility":
                if provider.address is None:
                    continue
                self.provider(nm101, provider, "", True)
                continue
            self.provider(nm101, provider, prv, False)
        if claim.other_payers:
            self.other_payers(claim)
        self.lines(claim)


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
    # HL hierarchy: billing provider -> subscriber (per payer, member, self or not) -> patient.
    # Equal records share a loop; each record is hashed once (the first equal one met stands
    # for the others, by identity), not once per claim.
    firsts: dict[int, Any] = {}
    by_value: dict[Any, Any] = {}

    def same(record: Any) -> int:
        first = firsts.get(id(record))
        if first is None:
            first = firsts[id(record)] = by_value.setdefault(record, record)
        return id(first)

    tree: dict[int, tuple[Provider, dict[Any, dict[Any, list[Claim]]]]] = {}
    for claim in claims:
        coverage = claim.coverage
        is_self = coverage.relationship is Relationship.SELF
        sub_key = (
            same(claim.payer),
            same(coverage.subscriber),
            coverage.member_id,
            coverage.priority,
            coverage.group_number,
            coverage.group_name,
            is_self,
        )
        patient = claim.patient
        pat_key = (
            None
            if is_self
            else (
                same(patient.name),
                patient.birth_date,
                patient.sex,
                same(patient.address),
                coverage.relationship,
            )
        )
        billing = claim.billing_provider
        tree.setdefault(same(billing), (billing, {}))[1].setdefault(sub_key, {}).setdefault(
            pat_key, []
        ).append(claim)
    hl = 0
    body = _Body(w, layout)
    out, e = w.segments, w.element
    for billing, subscribers in tree.values():
        hl += 1
        billing_hl = hl
        out.append(f"HL{e}{billing_hl}{e}{e}20{e}1")
        body.billing(billing)
        for sub_key, patients in subscribers.items():
            hl += 1
            subscriber_hl = hl
            is_self = sub_key[-1]
            out.append(f"HL{e}{subscriber_hl}{e}{billing_hl}{e}22{e}{'0' if is_self else '1'}")
            first_claim = next(iter(patients.values()))[0]
            body.subscriber(first_claim, is_self)
            for pat_key, group in patients.items():
                if pat_key is not None:
                    hl += 1
                    out.append(f"HL{e}{hl}{e}{subscriber_hl}{e}23{e}0")
                    body.patient(group[0])
                for claim in group:
                    body.claim(claim)
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
    with _collector_paused():
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is written.

    Writing makes many small acyclic objects (segment strings, keys); each collection
    would walk the caller's whole heap (often the claims being written) to free nothing.
    Reference counting still frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
