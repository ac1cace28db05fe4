"""Eligibility and benefits (270/271): ask before the visit, keep what the payer answered.

- `build_270` turns a patient's coverage into an `EligibilityRequest`: the payer as the
  information source, the billing provider as the receiver, the subscriber (and the patient
  as a dependent when the patient is not the subscriber), the service date and the
  service types asked about (30: health benefit plan coverage).
- `demo_271` is the demo payer answering from the payer engine's configuration: the
  member's plan (roster or coverage), active or inactive on the date, the plan's
  deductible and out-of-pocket maximum with what remains (from the engine's accumulators
  when given), coinsurance and the office-visit copay, or an AAA rejection when the member
  or payer is unknown. `answer_270` does the same X12 in, X12 out.
- `summarise` reads a 271 answer into a `BenefitsSummary` a front desk can use: active,
  deductible met and remaining, copay, coinsurance, out-of-pocket remaining, dated.
- `check_eligibility` (one patient) and `check_appointments` (everyone seen on a day, by
  default tomorrow, from the stored encounters) write one 270 interchange, have the demo
  payer answer it as a 271, read that back, and store each summary with its check date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.eligibility import (
    Benefit,
    BenefitCode,
    EligibilityRequest,
    EligibilityResponse,
    Entity,
    Member,
    QualifiedDate,
    Rejection,
    TimePeriod,
    Trace,
)
from openrcm.domain.money import ZERO, Money
from openrcm.domain.party import Coverage, Patient, Payer, Provider, ProviderRole, Relationship
from openrcm.service.reports import followup_of

HEALTH_PLAN = "30"  # EQ01 / EB03: health benefit plan coverage
OFFICE_VISIT = "98"  # professional (physician) visit - office

REJECTION_REASONS = {
    "15": "required application data missing",
    "41": "authorization/access restrictions",
    "42": "unable to respond at current time",
    "43": "invalid/missing provider identification",
    "58": "invalid/missing date of birth",
    "64": "invalid/missing patient ID",
    "65": "invalid/missing patient name",
    "67": "patient not found",
    "71": "patient birth date does not match that for the patient on the database",
    "72": "invalid/missing subscriber/insured ID",
    "73": "invalid/missing subscriber/insured name",
    "75": "subscriber/insured not found",
    "76": "duplicate subscriber/insured ID",
    "79": "invalid participant identification",
}


class BenefitsSummary(Record):
    """What a 271 says about a patient's coverage on a date, as the front desk reads it.

    status: "active", "inactive" or "rejected" (the payer could not answer; see
    `rejection_reasons`). Amounts are in-network, individual, for the plan year unless the
    payer sent only other tiers. `deductible_met` is the deductible less what remains.
    """

    patient_id: str
    coverage_id: str | None = None
    payer_id: str
    member_id: str
    service_date: date
    checked_on: date
    status: str = Field(pattern=r"^(active|inactive|rejected)$")
    plan_name: str | None = None
    plan_begin_date: date | None = None
    deductible: Money | None = None
    deductible_remaining: Money | None = None
    deductible_met: Money | None = None
    out_of_pocket: Money | None = None
    out_of_pocket_remaining: Money | None = None
    copay: Money | None = None  # office visit (98), else the plan's (30)
    coinsurance: Decimal | None = None  # a fraction: 0.2 is 20%
    rejection_reasons: tuple[str, ...] = ()
    trace_number: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


# ------------------------------------------------------------------------------ the 270


def payer_entity(payer: Payer) -> Entity:
    return Entity(
        entity_code="PR",
        entity_type="2",
        name=payer.name[:60],
        id_qualifier="PI",
        identifier=payer.id,
    )


def provider_entity(provider: Provider) -> Entity:
    return Entity(
        entity_code="1P",
        entity_type=provider.entity_type.value,
        name=provider.name[:60],
        first_name=provider.first_name,
        id_qualifier="XX",
        identifier=provider.npi,
    )


def build_270(
    patient: Patient,
    coverage: Coverage,
    payer: Payer,
    provider: Provider,
    *,
    service_date: date,
    trace_number: str,
    control_number: str = "0001",
    created: date | None = None,
    service_types: tuple[str, ...] = (HEALTH_PLAN,),
) -> EligibilityRequest:
    """One 270 inquiry about `patient` under `coverage` for `service_date`."""
    originator = f"1{provider.tin}" if provider.tin else None
    trace = Trace(trace_type="1", number=trace_number, originator=originator)
    subscriber = coverage.subscriber
    self_pay = coverage.relationship is Relationship.SELF
    subscriber_member = Member(
        entity=Entity(
            entity_code="IL",
            entity_type="1",
            name=subscriber.name.last,
            first_name=subscriber.name.first,
            middle_name=subscriber.name.middle,
            suffix=subscriber.name.suffix,
            id_qualifier="MI",
            identifier=coverage.member_id,
        ),
        birth_date=subscriber.birth_date,
        sex=subscriber.sex.value,
        traces=(trace,) if self_pay else (),
    )
    dependent = None
    if not self_pay:
        dependent = Member(
            entity=Entity(
                entity_code="03",
                entity_type="1",
                name=patient.name.last,
                first_name=patient.name.first,
                middle_name=patient.name.middle,
                suffix=patient.name.suffix,
            ),
            birth_date=patient.birth_date,
            sex=patient.sex.value,
            relationship=coverage.relationship.value,
            traces=(trace,),
        )
    return EligibilityRequest(
        control_number=control_number,
        reference_id=trace_number,
        created_date=created or service_date,
        information_source=payer_entity(payer),
        information_receiver=provider_entity(provider),
        subscriber=subscriber_member,
        dependent=dependent,
        service_type_codes=service_types,
        service_date=service_date,
    )


# ------------------------------------------------------------------------- the demo payer


def _benefit(code: str, **values: Any) -> Benefit:
    return Benefit(code=code, **values)


def demo_271(
    request: EligibilityRequest,
    book: Any,
    *,
    accumulators: Any = None,
    control_number: str | None = None,
    answered: date | None = None,
) -> EligibilityResponse:
    """The demo payer's answer to one inquiry, from a `payer.PayerBook` (and optionally the
    engine's `Accumulators`, for what remains of the deductible and out-of-pocket)."""
    from openrcm.payer.accumulators import Accumulators
    from openrcm.payer.configuration import Enrollment

    day = request.service_date or request.created_date
    base: dict[str, Any] = {
        "control_number": control_number or request.control_number,
        "reference_id": request.reference_id,
        "created_date": answered or request.created_date,
        "information_source": request.information_source,
        "information_receiver": request.information_receiver,
    }
    patient = request.patient
    echoed = [t.model_copy(update={"trace_type": "2"}) for t in patient.traces]
    subscriber = request.subscriber.model_copy(update={"traces": ()})
    dependent = request.dependent
    if dependent is not None:
        dependent = dependent.model_copy(update={"traces": tuple(echoed)})
    else:
        subscriber = subscriber.model_copy(update={"traces": tuple(echoed)})

    def rejected(level: str, reason: str, *, member: bool = True) -> EligibilityResponse:
        rejection = Rejection(
            level=level, valid_request=level != "source", reason_code=reason, follow_up_action="C"
        )
        return EligibilityResponse(
            **base,
            subscriber=subscriber if member else None,
            dependent=dependent if member else None,
            rejections=(rejection,),
        )

    payer = book.payer_for(request.information_source.identifier or "")
    if payer is None:
        return rejected("source", "79", member=False)
    member_id = request.subscriber.entity.identifier or ""
    if not member_id:
        return rejected("subscriber", "72")
    plans = book.plan_index
    member = book.member_index.get(member_id)
    if payer.enrollment is Enrollment.ROSTER and member is None:
        return rejected("subscriber", "75")
    plan = plans.get(member.plan_id) if member is not None else plans.get(payer.default_plan or "")
    if plan is None:
        return rejected("subscriber", "75")
    covered = member.covers(day) if member is not None else True
    plan_start = plan.plan_year(day)
    dates = (
        QualifiedDate(qualifier="346", start_date=member.effective_date if member else plan_start),
    )
    if not covered:
        return EligibilityResponse(
            **base,
            subscriber=subscriber,
            dependent=dependent,
            dates=dates,
            benefits=(
                _benefit(
                    BenefitCode.INACTIVE,
                    coverage_level="IND",
                    service_type_codes=(HEALTH_PLAN,),
                    plan_description=plan.name[:50],
                ),
            ),
        )
    used = accumulators or Accumulators()
    patient_entity = patient.entity
    identity = (
        f"{member_id}|{(patient_entity.name or '').upper()}|{(patient_entity.first_name or '').upper()}|"
        f"{patient.birth_date}"
    )
    member_key, family_key = (
        (member.member_id, member.family) if member is not None else (identity, member_id)
    )
    keys = used.keys(member_key, family_key, plan.id, plan_start, True)
    deductible = plan.deductible.individual.get(True)
    family_deductible = plan.deductible.family.get(True)
    out_of_pocket = plan.out_of_pocket_max.individual.get(True)
    family_oop = plan.out_of_pocket_max.family.get(True)
    standing = used.standing(keys, (deductible, family_deductible), (out_of_pocket, family_oop))
    insurance_type = {"MEDICARE": "MB", "MEDICAID": "MC", "HMO": "HM"}.get(
        plan.network_type.value, "PR"
    )
    benefits = [
        _benefit(
            BenefitCode.ACTIVE,
            coverage_level="IND",
            service_type_codes=(HEALTH_PLAN,),
            insurance_type=insurance_type,
            plan_description=plan.name[:50],
        )
    ]
    for code, limit, left in (
        (BenefitCode.DEDUCTIBLE, deductible, standing.deductible_left),
        (BenefitCode.OUT_OF_POCKET, out_of_pocket, standing.out_of_pocket_left),
    ):
        if limit is None:
            continue
        benefits.append(
            _benefit(
                code,
                coverage_level="IND",
                service_type_codes=(HEALTH_PLAN,),
                time_period=TimePeriod.CALENDAR_YEAR
                if plan.plan_year_start_month == 1
                else TimePeriod.SERVICE_YEAR,
                amount=limit,
                in_network="Y",
            )
        )
        benefits.append(
            _benefit(
                code,
                coverage_level="IND",
                service_type_codes=(HEALTH_PLAN,),
                time_period=TimePeriod.REMAINING,
                amount=left if left is not None else limit,
                in_network="Y",
            )
        )
    benefits.append(
        _benefit(
            BenefitCode.COINSURANCE,
            coverage_level="IND",
            service_type_codes=(HEALTH_PLAN,),
            percent=plan.coinsurance.in_network,
            in_network="Y",
        )
    )
    office = plan.category_for("99213", "11")
    if office.copay is not None:
        benefits.append(
            _benefit(
                BenefitCode.COPAYMENT,
                coverage_level="IND",
                service_type_codes=(OFFICE_VISIT,),
                time_period=TimePeriod.VISIT,
                amount=office.copay,
                in_network="Y",
            )
        )
    if office.coinsurance is not None and office.id != "medical":
        benefits.append(
            _benefit(
                BenefitCode.COINSURANCE,
                coverage_level="IND",
                service_type_codes=(OFFICE_VISIT,),
                percent=office.coinsurance,
                in_network="Y",
            )
        )
    return EligibilityResponse(
        **base, subscriber=subscriber, dependent=dependent, dates=dates, benefits=tuple(benefits)
    )


def answer_270(text: str, book: Any, *, answered: date, accumulators: Any = None) -> str:
    """The demo payer, X12 in and out: a 271 answering every inquiry of a 270 file.

    Raises `X12Error` when the 270 cannot be read at all.
    """
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t270 import read_270
    from openrcm.x12.t271 import write_271

    requests, _ = read_270(text)
    responses = [demo_271(r, book, accumulators=accumulators, answered=answered) for r in requests]
    header = InterchangeHeader(
        sender_id=(requests[0].information_source.identifier or "PAYER")[:15]
        if requests
        else "PAYER",
        receiver_id=(requests[0].information_receiver.identifier or "PROVIDER")[:15]
        if requests
        else "PROVIDER",
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.combine(answered, datetime.min.time(), tzinfo=UTC),
    )
    return write_271(responses, header)


# ------------------------------------------------------------------------------ the summary


def _first(
    benefits: Sequence[Benefit], code: str, *, remaining: bool, service: str = HEALTH_PLAN
) -> Benefit | None:
    """The best EB for a figure: in network over unknown over out of network, individual
    over family, the asked service type over the plan."""
    found = [
        b
        for b in benefits
        if b.code == code
        and b.is_remaining == remaining
        and (b.amount is not None or b.percent is not None)
        and b.covers_service(service)
    ]
    found.sort(
        key=lambda b: (
            {"Y": 0, None: 1, "W": 1, "U": 1}.get(b.in_network, 2),
            b.coverage_level not in {None, "IND"},
        )
    )
    return found[0] if found else None


def summarise(
    response: EligibilityResponse,
    *,
    patient_id: str,
    payer_id: str,
    service_date: date,
    checked_on: date,
    coverage_id: str | None = None,
) -> BenefitsSummary:
    """A front-desk summary of one 271 answer."""
    member_id = (response.subscriber.entity.identifier if response.subscriber else None) or ""
    patient = response.dependent or response.subscriber
    trace = next((t.number for t in patient.traces), None) if patient else None
    common: dict[str, Any] = {
        "patient_id": patient_id,
        "coverage_id": coverage_id,
        "payer_id": payer_id,
        "member_id": member_id,
        "service_date": service_date,
        "checked_on": checked_on,
        "trace_number": trace,
    }
    if response.is_rejected:
        return BenefitsSummary(
            **common,
            status="rejected",
            rejection_reasons=tuple(
                f"{r.reason_code}: {REJECTION_REASONS.get(r.reason_code, 'see the payer')}"
                for r in response.rejections
            ),
        )
    benefits = response.benefits
    deductible = _first(benefits, BenefitCode.DEDUCTIBLE, remaining=False)
    deductible_left = _first(benefits, BenefitCode.DEDUCTIBLE, remaining=True)
    oop = _first(benefits, BenefitCode.OUT_OF_POCKET, remaining=False)
    oop_left = _first(benefits, BenefitCode.OUT_OF_POCKET, remaining=True)
    copay = _first(benefits, BenefitCode.COPAYMENT, remaining=False, service=OFFICE_VISIT)
    coinsurance = _first(benefits, BenefitCode.COINSURANCE, remaining=False)
    plan_begin = next((d.start_date for d in response.dates if d.qualifier in {"346", "291"}), None)
    met = None
    if (
        deductible is not None
        and deductible_left is not None
        and deductible.amount is not None
        and deductible_left.amount is not None
    ):
        met = max(deductible.amount - deductible_left.amount, ZERO)
    return BenefitsSummary(
        **common,
        status="active" if response.has_active_coverage else "inactive",
        plan_name=response.plan_name,
        plan_begin_date=plan_begin,
        deductible=deductible.amount if deductible else None,
        deductible_remaining=deductible_left.amount if deductible_left else None,
        deductible_met=met,
        out_of_pocket=oop.amount if oop else None,
        out_of_pocket_remaining=oop_left.amount if oop_left else None,
        copay=copay.amount if copay else None,
        coinsurance=coinsurance.percent if coinsurance else None,
    )


# ------------------------------------------------------------------------------ use cases


@dataclass(frozen=True, slots=True)
class EligibilityRun:
    """One batch: the 270 and 271 exchanged, and each patient's stored summary."""

    text_270: str
    text_271: str
    summaries: tuple[BenefitsSummary, ...]
    skipped: tuple[str, ...]  # patients with no coverage in force on the date


def _billing_provider(uow: Any) -> Provider:
    providers = uow.providers.list(limit=1000)
    billing = [p for p in providers if ProviderRole.BILLING in p.roles]
    chosen = (billing or providers or [None])[0]
    if chosen is None:
        raise ValueError("the practice has no provider on file to ask as")
    return chosen  # type: ignore[no-any-return]


def _coverage_on(uow: Any, patient_id: str, day: date) -> Coverage | None:
    found = [c for c in uow.coverages.for_patient(patient_id) if c.covers(day)]
    found.sort(key=lambda c: c.priority.rank)
    return found[0] if found else None


def _trace(patient_id: str, day: date, n: int) -> str:
    digest = hashlib.sha256(f"{patient_id}|{day.isoformat()}".encode()).hexdigest()[:10].upper()
    return f"{day:%y%m%d}{n:04d}{digest}"


def check_patients(
    uow: Any,
    patient_ids: Sequence[str],
    *,
    service_date: date,
    book: Any,
    today: date,
    accumulators: Any = None,
) -> EligibilityRun:
    """Ask about each patient's primary coverage in force on `service_date`, in one 270;
    the demo payer answers with one 271; each answer is summarised and stored."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t270 import write_270
    from openrcm.x12.t271 import read_271

    requests: list[tuple[EligibilityRequest, Coverage]] = []
    skipped: list[str] = []
    with uow:
        provider = _billing_provider(uow)
        for n, patient_id in enumerate(dict.fromkeys(patient_ids), 1):
            patient = uow.patients.get(patient_id)
            coverage = _coverage_on(uow, patient_id, service_date) if patient else None
            payer = uow.payers.get(coverage.payer_id) if coverage else None
            if patient is None or coverage is None or payer is None:
                skipped.append(patient_id)
                continue
            request = build_270(
                patient,
                coverage,
                payer,
                provider,
                service_date=service_date,
                trace_number=_trace(patient_id, service_date, n),
                control_number=f"{n:04d}",
                created=today,
            )
            requests.append((request, coverage))
    if not requests:
        return EligibilityRun("", "", (), tuple(skipped))
    header = InterchangeHeader(
        sender_id=provider.npi,
        receiver_id=(requests[0][0].information_source.identifier or "PAYER")[:15],
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.combine(today, datetime.min.time(), tzinfo=UTC),
    )
    text_270 = write_270([r for r, _ in requests], header)
    text_271 = answer_270(text_270, book, answered=today, accumulators=accumulators)
    responses, _ = read_271(text_271)
    by_trace = {
        t.number: r
        for r in responses
        for m in (r.dependent, r.subscriber)
        if m is not None
        for t in m.traces
    }
    summaries = []
    checked_at = datetime.now(UTC)
    with uow:
        repo = followup_of(uow)
        for request, coverage in requests:
            trace = request.patient.traces[0].number
            response = by_trace.get(trace)
            if response is None:
                continue
            summary = summarise(
                response,
                patient_id=coverage.patient_id,
                payer_id=coverage.payer_id,
                service_date=service_date,
                checked_on=today,
                coverage_id=coverage.id,
            )
            repo.add_eligibility_check(
                check_id=f"{trace}-{checked_at:%H%M%S%f}"[:64],
                patient_id=coverage.patient_id,
                coverage_id=coverage.id,
                payer_id=coverage.payer_id,
                service_date=service_date,
                checked_at=checked_at,
                status=summary.status,
                summary_json=summary.model_dump_json(),
                trace_number=trace,
            )
            summaries.append(summary)
        uow.commit()
    return EligibilityRun(text_270, text_271, tuple(summaries), tuple(skipped))


def check_eligibility(
    uow: Any,
    patient_id: str,
    *,
    service_date: date,
    book: Any,
    today: date,
    accumulators: Any = None,
) -> BenefitsSummary | None:
    """One patient's check; None when no coverage is in force on the date."""
    run = check_patients(
        uow,
        [patient_id],
        service_date=service_date,
        book=book,
        today=today,
        accumulators=accumulators,
    )
    return run.summaries[0] if run.summaries else None


def check_appointments(
    uow: Any, *, book: Any, today: date, day: date | None = None
) -> EligibilityRun:
    """Check everyone with an encounter (appointment) on `day`, tomorrow by default."""
    target = day or today + timedelta(days=1)
    with uow:
        encounters = followup_of(uow).encounters_on(target)
    return check_patients(
        uow, [e.patient_id for e in encounters], service_date=target, book=book, today=today
    )


def latest_checks(
    uow: Any, patient_id: str | None = None, limit: int = 20
) -> list[BenefitsSummary]:
    """The stored summaries, newest first."""
    with uow:
        rows = followup_of(uow).eligibility_checks(patient_id=patient_id, limit=limit)
    return [BenefitsSummary.model_validate(row["summary"]) for row in rows]


def summaries_by_patient(summaries: Sequence[BenefitsSummary]) -> Mapping[str, BenefitsSummary]:
    return {s.patient_id: s for s in summaries}
