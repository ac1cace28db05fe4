"""Institutional claims (837I, UB-04) from a hospital encounter and its stay.

`build_institutional_claim` bills a facility's services: an inpatient stay gets room and
board (the accommodation revenue code's daily rate times the days, discharge day not
counted), covered days as value code 80, the admission data (date, type, source, patient
status) and its MS-DRG from the grouper; every other service is a line priced from the
charge master under the revenue code the charge master names, or the usual one for the code
(`revenue`). Lines go in revenue code order, as the UB-04 lists them. The type of bill is
0 + facility type + bill classification + frequency code (0111 an inpatient admission
through discharge, 0131 a hospital outpatient bill). Missing admission data, POA indicators
or an attending physician do not stop building: the scrubber reports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from pydantic import ValidationError

from openrcm.billing.built import BuiltClaim, stopped
from openrcm.billing.charge_master import ChargeMaster
from openrcm.billing.cob import (
    PriorAdjudication,
    billed_coverage,
    coverages_in_force,
    other_payers,
    with_line_adjudications,
)
from openrcm.billing.details import EncounterDetails, InstitutionalStay, Setting
from openrcm.billing.diagnoses import claim_diagnoses
from openrcm.billing.drg import DrgAssignment, DrgGrouper, DrgRequest, age_on
from openrcm.billing.frequency import ORIGINAL, frequency_findings, type_of_bill
from openrcm.billing.lines import price_entry
from openrcm.billing.parties import ClaimParties, parties_on
from openrcm.billing.revenue import revenue_code_for
from openrcm.domain.claim import (
    Claim,
    ClaimId,
    ClaimKind,
    Diagnosis,
    DiagnosisKind,
    Encounter,
    ServiceLine,
)
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.party import CoveragePriority

MAX_DIAGNOSES = 25
COVERED_DAYS = "80"  # value code 80: covered days


def build_institutional_claim(
    encounter: Encounter,
    stay: InstitutionalStay,
    parties: ClaimParties,
    charge_master: ChargeMaster,
    *,
    claim_id: str,
    patient_control_number: str,
    priority: CoveragePriority = CoveragePriority.PRIMARY,
    prior: Sequence[PriorAdjudication] = (),
    frequency_code: str = ORIGINAL,
    payer_claim_control_number: str | None = None,
    details: EncounterDetails | None = None,
    grouper: DrgGrouper | None = None,
) -> BuiltClaim:
    """The institutional claim for `encounter` and its `stay` to the `priority` payer."""
    inpatient = stay.setting is Setting.INPATIENT
    start = stay.admission_date if inpatient and stay.admission_date else encounter.service_date
    end = stay.discharge_date or encounter.service_date
    end = max(end, start)
    parties = parties_on(parties, start)
    findings = frequency_findings(frequency_code, payer_claim_control_number)
    billed, payer, coverage_findings = billed_coverage(
        parties.coverages, parties.payers, start, priority
    )
    findings += coverage_findings
    if not encounter.diagnoses:
        findings.append(_error("BILL-NO-DIAGNOSIS", "the encounter has no diagnosis code"))
    if billed is None or payer is None or any(f.is_error for f in findings):
        return stopped(encounter.id, findings)
    diagnoses, pointer_map, dx_findings = claim_diagnoses(encounter.diagnoses, limit=MAX_DIAGNOSES)
    findings += dx_findings
    if stay.admitting_diagnosis and inpatient:
        diagnoses = (
            *diagnoses,
            Diagnosis(code=stay.admitting_diagnosis, kind=DiagnosisKind.ADMITTING),
        )
    drafts: list[dict[str, object]] = []
    if inpatient:
        accommodation = _accommodation(stay, charge_master)
        if isinstance(accommodation, Finding):
            findings.append(accommodation)
        else:
            drafts.append(accommodation)
    service_day = min(max(encounter.service_date, start), end)
    for number, entry in enumerate(encounter.procedures, start=1):
        priced, line_findings = price_entry(
            entry, charge_master, on=service_day, line=number, pointer_map=pointer_map
        )
        findings += line_findings
        if priced is None:
            continue
        revenue = priced.rate.revenue_code or revenue_code_for(priced.procedure, priced.modifiers)
        if revenue is None:
            findings.append(
                _error(
                    "BILL-REVENUE-CODE-MISSING",
                    f"no revenue code for {priced.procedure}: the charge master names none and "
                    "the code has no usual department",
                    line=number,
                    fix="add the revenue code to the code's charge master row",
                )
            )
            continue
        drafts.append({**priced.fields(), "revenue_code": revenue})
    if not drafts:
        findings.append(_error("BILL-NO-PROCEDURE", "the stay has no billable service"))
    in_force = coverages_in_force(parties.coverages, start)
    decisions = {d.payer_id: d for d in prior}
    others, cob_findings = other_payers(billed, in_force, parties.payers, decisions)
    findings += cob_findings
    if any(f.is_error for f in findings):
        return stopped(encounter.id, findings)
    drafts.sort(key=lambda d: str(d["revenue_code"]))
    lines = tuple(ServiceLine(number=n, **d) for n, d in enumerate(drafts, start=1))
    earlier = [decisions[o.payer.id] for o in others if o.paid_amount is not None]
    lines = with_line_adjudications(lines, earlier)
    value_codes = tuple(stay.value_codes)
    if inpatient and all(code != COVERED_DAYS for code, _ in value_codes):
        value_codes = (*value_codes, (COVERED_DAYS, Decimal(stay.days)))
    assignment: DrgAssignment | None = None
    if inpatient and grouper is not None:
        assignment = grouper.group(_drg_request(stay, diagnoses, parties, end))
        if not assignment.grouped:
            findings.append(
                Finding(
                    code="BILL-DRG-UNGROUPABLE",
                    severity=Severity.WARNING,
                    message=f"the MS-DRG grouper could not group the stay ({assignment.return_code})",
                    fix="check the principal diagnosis, POA indicators and ICD-10-PCS codes",
                )
            )
    attending = parties.attending_provider or parties.rendering_provider
    try:
        claim = Claim(
            id=ClaimId(claim_id),
            kind=ClaimKind.INSTITUTIONAL,
            patient_control_number=patient_control_number,
            total_charge_amount=sum((line.charge_amount for line in lines), Decimal("0.00")),
            frequency_code=frequency_code,
            payer_claim_control_number=(
                payer_claim_control_number if frequency_code != ORIGINAL else None
            ),
            type_of_bill=type_of_bill(stay.facility_type, stay.classification, frequency_code),
            statement_from=start,
            statement_to=end,
            admission_date=stay.admission_date,
            admission_type=stay.admission_type,
            admission_source=stay.admission_source,
            patient_status=stay.patient_status,
            diagnoses=diagnoses,
            lines=lines,
            billing_provider=parties.billing_provider,
            attending_provider=attending,
            operating_provider=parties.operating_provider,
            referring_provider=parties.referring_provider,
            service_facility=parties.service_facility,
            patient=parties.patient,
            coverage=billed,
            payer=payer,
            other_payers=others,
            prior_authorization=encounter.prior_authorization,
            referral_number=encounter.referral_number,
            occurrence_codes=stay.occurrence_codes,
            value_codes=value_codes,
            condition_codes=stay.condition_codes,
            drg=assignment.drg if assignment is not None and assignment.grouped else None,
            note=details.note if details else None,
        )
    except ValidationError as error:
        first = error.errors()[0]
        findings.append(_error("BILL-INVALID", f"the claim cannot be built: {first['msg']}"))
        return stopped(encounter.id, findings)
    description = assignment.description if assignment is not None else None
    return BuiltClaim(encounter.id, claim, tuple(findings), description)


def _accommodation(stay: InstitutionalStay, master: ChargeMaster) -> dict[str, object] | Finding:
    """Room and board: one line at the daily rate for the days of the stay."""
    assert stay.admission_date is not None
    revenue = stay.accommodation_revenue_code
    rate = master.rate(revenue, stay.admission_date)
    if rate is None:
        return _error(
            "BILL-NO-RATE",
            f"the charge master has no daily rate for revenue code {revenue} on "
            f"{stay.admission_date.isoformat()}",
            fix="add the accommodation rate to the charge master (code = revenue code)",
        )
    days = stay.days
    last = stay.admission_date + timedelta(days=days - 1)
    return {
        "procedure": revenue,
        "procedure_qualifier": "NU",
        "revenue_code": revenue,
        "units": Decimal(days),
        "unit_basis": "DA",
        "charge_amount": rate.charge_amount * days,
        "service_date": stay.admission_date,
        "service_date_end": last if last > stay.admission_date else None,
    }


def _drg_request(
    stay: InstitutionalStay,
    diagnoses: tuple[Diagnosis, ...],
    parties: ClaimParties,
    end: date,
) -> DrgRequest:
    coded = [d for d in diagnoses if d.kind in (DiagnosisKind.PRINCIPAL, DiagnosisKind.OTHER)]
    principal, others = coded[0], coded[1:]
    return DrgRequest(
        age=min(124, age_on(parties.patient.birth_date, end)),
        sex=parties.patient.sex.value,
        discharge_date=end,
        patient_status=stay.patient_status,
        principal_diagnosis=principal.code,
        principal_poa=principal.present_on_admission,
        admitting_diagnosis=(
            stay.admitting_diagnosis.replace(".", "") if stay.admitting_diagnosis else None
        ),
        secondary_diagnoses=tuple((d.code, d.present_on_admission) for d in others[:24]),
        procedures=tuple(p.code for p in stay.icd_procedures),
    )


def _error(code: str, message: str, *, line: int | None = None, fix: str | None = None) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message, line=line, fix=fix)
