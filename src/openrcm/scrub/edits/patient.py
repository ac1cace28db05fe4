"""Patient, subscriber and coverage edits: member id, demographics, coverage period."""

from __future__ import annotations

import re
from collections.abc import Iterator

from openrcm.domain import Claim, Finding, Relationship, Severity, Sex
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import age_on
from openrcm.scrub.registry import edit

X222 = "ASC X12N 837P (005010X222A1)"
_PLACEHOLDERS = frozenset({"UNKNOWN", "NONE", "NA", "TBD", "PENDING", "SELFPAY", "TEMP", "TEST"})
_NAME = re.compile(r"^[A-Za-z][A-Za-z '\-.]*$")


@edit(
    "MEMBER-ID-FORMAT",
    Severity.ERROR,
    description="The member id has the shape the payer issues (Medicare: an 11-character MBI).",
    source="Payer rules (member_id_pattern); CMS MBI format specification",
)
def member_id_format(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    rules = ctx.rules_for(claim.payer)
    if not rules.member_id_ok(claim.coverage.member_id.upper()):
        yield member_id_format.finding(
            f"the member id is not in {claim.payer.name}'s format",
            fix="copy the member id from the insurance card or the eligibility response (271)",
        )


@edit(
    "MEMBER-ID-PLACEHOLDER",
    Severity.ERROR,
    description="The member id is a real id, not a placeholder such as UNKNOWN or 000000000.",
    source=f"{X222} loop 2010BA NM109",
)
def member_id_placeholder(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    member = claim.coverage.member_id.upper().replace("-", "")
    if member in _PLACEHOLDERS or len(set(member)) == 1:
        yield member_id_placeholder.finding(
            "the member id is a placeholder",
            fix="verify eligibility (270/271) and enter the member id from the card",
        )


@edit(
    "PATIENT-ADDRESS-MISSING",
    Severity.ERROR,
    description="The patient (or the subscriber who is the patient) has an address.",
    source=f"{X222} loops 2010BA/2010CA N3/N4",
)
def patient_address_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.patient.address is None and (
        claim.coverage.relationship is not Relationship.SELF
        or claim.coverage.subscriber.address is None
    ):
        yield patient_address_missing.finding(
            "the patient has no address", fix="add the patient's home address"
        )


def _same_person(claim: Claim) -> bool:
    subscriber, patient = claim.coverage.subscriber, claim.patient
    return (
        subscriber.name.last.upper() == patient.name.last.upper()
        and subscriber.name.first.upper() == patient.name.first.upper()
        and subscriber.birth_date == patient.birth_date
    )


@edit(
    "SUBSCRIBER-SELF-MISMATCH",
    Severity.ERROR,
    description="When the patient is the subscriber (relationship 18), names and birth dates agree.",
    source=f"{X222} loop 2000B SBR02 = 18 and loop 2010BA",
)
def subscriber_self_mismatch(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.coverage.relationship is Relationship.SELF and not _same_person(claim):
        yield subscriber_self_mismatch.finding(
            "the patient is marked as the subscriber but the subscriber's name or birth date differs",
            fix="set the patient's relationship to the subscriber (spouse, child, ...)",
        )


@edit(
    "SUBSCRIBER-NOT-SELF-IDENTICAL",
    Severity.WARNING,
    description="A patient who is not the subscriber is not the same person as the subscriber.",
    source=f"{X222} loop 2000B SBR02 / 2000C PAT01",
)
def subscriber_not_self_identical(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.coverage.relationship is not Relationship.SELF and _same_person(claim):
        yield subscriber_not_self_identical.finding(
            "the subscriber has the patient's name and birth date but the relationship is not self",
            fix="set the relationship to self (18), or enter the real subscriber",
        )


@edit(
    "PATIENT-SEX-UNKNOWN",
    Severity.WARNING,
    description="The patient's sex is given (Medicare and many payers reject U).",
    source=f"{X222} DMG03; Medicare claims processing manual ch. 26",
)
def patient_sex_unknown(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.patient.sex is Sex.UNKNOWN:
        yield patient_sex_unknown.finding(
            "the patient's sex is unknown (U)", fix="record the sex the payer has on file"
        )


@edit(
    "PATIENT-AGE-IMPLAUSIBLE",
    Severity.ERROR,
    description="The patient's age on the date of service is at most 120 years.",
    source=f"{X222} DMG02",
)
def patient_age_implausible(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    age = age_on(claim.patient.birth_date, claim.first_service_date)
    if age > 120:
        yield patient_age_implausible.finding(
            f"the patient would be {age} years old on the date of service",
            fix="check the birth date (a mistyped century is common)",
        )


@edit(
    "CHILD-OLDER-THAN-SUBSCRIBER",
    Severity.WARNING,
    description="A patient who is the subscriber's child is younger than the subscriber.",
    source=f"{X222} PAT01 = 19",
)
def child_older_than_subscriber(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if (
        claim.coverage.relationship is Relationship.CHILD
        and claim.coverage.subscriber.birth_date >= claim.patient.birth_date
    ):
        yield child_older_than_subscriber.finding(
            "the patient is the subscriber's child but was born before the subscriber",
            fix="check both birth dates and the relationship",
        )


@edit(
    "PATIENT-NAME-FORMAT",
    Severity.WARNING,
    description="Patient and subscriber names hold letters, spaces, hyphens, apostrophes and periods only.",
    source=f"{X222} NM103/NM104; payer name matching",
)
def patient_name_format(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for who, person in (("patient", claim.patient), ("subscriber", claim.coverage.subscriber)):
        for part in (person.name.last, person.name.first):
            if not _NAME.match(part):
                yield patient_name_format.finding(
                    f"the {who}'s name contains characters a payer will not match",
                    fix="write the name as it appears on the insurance card",
                )
                break


@edit(
    "COVERAGE-PAYER-MISMATCH",
    Severity.ERROR,
    description="The coverage billed belongs to the claim's payer.",
    source="Coordination of benefits: bill the payer of the coverage",
)
def coverage_payer_mismatch(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.coverage.payer_id != claim.payer.id:
        yield coverage_payer_mismatch.finding(
            f"the coverage is with payer {claim.coverage.payer_id}, the claim goes to {claim.payer.id}",
            fix="send the claim to the coverage's payer or pick the right coverage",
        )


@edit(
    "COVERAGE-PATIENT-MISMATCH",
    Severity.ERROR,
    description="The coverage billed is the patient's.",
    source="Eligibility: the coverage must cover this patient",
)
def coverage_patient_mismatch(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.coverage.patient_id != claim.patient.id:
        yield coverage_patient_mismatch.finding(
            "the coverage belongs to another patient", fix="pick the patient's own coverage"
        )


@edit(
    "COVERAGE-PERIOD",
    Severity.ERROR,
    description="Every date of service falls inside the coverage's effective period.",
    source="Eligibility (271) coverage dates; payer rejection CARC 27/26",
)
def coverage_period(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    coverage = claim.coverage
    for line in claim.lines:
        for day in {line.service_date, line.last_service_date}:
            if not coverage.covers(day):
                yield coverage_period.finding(
                    f"the service on {day} is outside the coverage "
                    f"({coverage.effective_date} to {coverage.termination_date or 'open'})",
                    line=line.number,
                    fix="verify eligibility for that date; bill the coverage in force then, or the patient",
                )
                break
