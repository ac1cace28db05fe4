"""Appeals: the letter's content, the documents to enclose, and how an appeal ended.

`build_appeal_letter` gathers what a payer's appeals unit needs to find and reconsider a
claim: who asks (the billing provider, its NPI and tax id), the claim (our number, the
payer's claim control number, dates of service, amounts), each denial code with its
published description, an argument fitting the root cause, and the list of documents
enclosed. It is data; `openrcm.forms.appeal_letter` lays it out as a PDF. `AppealOutcome`
records what the payer decided, and `recovered` how much the appeal brought back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from pydantic import Field

from openrcm.denials.queue import DenialCase, split_label
from openrcm.denials.reasons import Category, ReasonCodes
from openrcm.domain.base import Record
from openrcm.domain.claim import Claim
from openrcm.domain.money import Money
from openrcm.domain.party import Address


class AppealOutcome(StrEnum):
    """What the payer decided on an appeal (or a corrected claim)."""

    PENDING = "pending"
    OVERTURNED = "overturned"  # paid in full
    PARTIALLY_OVERTURNED = "partially_overturned"
    UPHELD = "upheld"  # the denial stands
    WITHDRAWN = "withdrawn"

    @property
    def decided(self) -> bool:
        return self is not AppealOutcome.PENDING


ALWAYS_ENCLOSED = (
    "Copy of the claim as submitted (CMS-1500 / UB-04)",
    "Remittance advice (835) showing the denial",
)

ENCLOSURES: dict[Category, tuple[str, ...]] = {
    Category.MEDICAL_NECESSITY: (
        "Office notes for the date of service",
        "Letter of medical necessity from the treating provider",
        "Applicable coverage policy (LCD/NCD or payer policy) excerpt",
    ),
    Category.AUTHORISATION: (
        "Authorization approval (number, dates and services authorized)",
        "Office notes for the date of service",
    ),
    Category.REFERRAL: ("Referral from the primary care provider",),
    Category.TIMELY_FILING: (
        "Clearinghouse acceptance report (999 / 277CA) showing timely submission",
        "Claim submission history",
    ),
    Category.CODING: ("Operative or office notes supporting the codes billed",),
    Category.BUNDLING: (
        "Documentation showing the services were separate and distinct",
        "NCCI policy reference for the modifier used",
    ),
    Category.ELIGIBILITY: ("Eligibility verification (271) for the date of service",),
    Category.COORDINATION_OF_BENEFITS: (
        "Primary payer's remittance advice (EOB)",
        "Patient's other-insurance information",
    ),
    Category.DUPLICATE: ("Documentation showing the services are not duplicates",),
    Category.MISSING_INFORMATION: ("The missing information or attachment requested",),
    Category.NON_COVERED: ("Documentation supporting coverage under the member's plan",),
    Category.BENEFIT_LIMIT: ("Documentation supporting an exception to the benefit limit",),
}

ARGUMENTS: dict[Category, str] = {
    Category.MEDICAL_NECESSITY: (
        "The services were reasonable and necessary for the diagnosis and treatment of the "
        "patient's condition. The enclosed records document the clinical findings that "
        "support each service billed, which meets the criteria of the applicable coverage policy."
    ),
    Category.AUTHORISATION: (
        "Authorization for these services was obtained before they were rendered, or the "
        "services were urgent and could not wait for it. The enclosed documentation shows the "
        "authorization and the services it covers."
    ),
    Category.REFERRAL: (
        "The patient was referred by the primary care provider before the visit; the enclosed "
        "referral covers the date of service."
    ),
    Category.TIMELY_FILING: (
        "The claim was first submitted within the filing limit. The enclosed acceptance "
        "reports show the date it was received."
    ),
    Category.CODING: (
        "The codes billed are supported by the documentation enclosed and follow the coding "
        "guidelines in effect on the date of service."
    ),
    Category.BUNDLING: (
        "The services were separate and distinct: performed at a different session, site or "
        "encounter, as the enclosed documentation shows. The modifier billed identifies this."
    ),
    Category.ELIGIBILITY: (
        "The patient's coverage was in force on the date of service, as the enclosed "
        "eligibility verification shows."
    ),
    Category.COORDINATION_OF_BENEFITS: (
        "The enclosed remittance from the primary payer shows its payment; this claim is "
        "submitted for the balance under your plan's coordination of benefits rules."
    ),
    Category.DUPLICATE: (
        "This claim is not a duplicate: the services were performed again on the same day, "
        "as the enclosed documentation shows."
    ),
}
DEFAULT_ARGUMENT = (
    "We believe the claim was denied in error and ask that it be reconsidered on the basis "
    "of the enclosed documentation."
)


class DenialCodeLine(Record):
    """One denial code as the letter cites it: the code and its published description."""

    code: str  # "CO-50", "N115"
    description: str


class AppealLetter(Record):
    """Everything an appeal letter says, ready to lay out."""

    letter_date: date
    level: str  # "redetermination (MAC)", "first-level appeal"
    practice_name: str
    practice_address: Address | None = None
    practice_npi: str
    practice_tin: str | None = None
    payer_name: str
    payer_address: Address | None = None
    patient_name: str
    patient_birth_date: date
    member_id: str
    patient_control_number: str
    payer_claim_control_number: str | None = None
    service_from: date
    service_to: date
    billed_amount: Money
    denied_amount: Money
    denial_date: date
    deadline: date
    procedures: tuple[str, ...] = ()
    denial_codes: tuple[DenialCodeLine, ...] = ()
    category: Category
    argument: str
    enclosures: tuple[str, ...] = Field(min_length=1)
    signer: str
    contact_phone: str | None = None

    @property
    def subject(self) -> str:
        payer_number = (
            f", payer claim {self.payer_claim_control_number}"
            if self.payer_claim_control_number
            else ""
        )
        return f"Request for {self.level}: claim {self.patient_control_number}{payer_number}"


def enclosures_for(category: Category, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The documents to enclose for a root cause: the claim and remittance, the category's
    usual evidence, then any the biller adds."""
    return tuple(dict.fromkeys((*ALWAYS_ENCLOSED, *ENCLOSURES.get(category, ()), *extra)))


def build_appeal_letter(
    case: DenialCase,
    claim: Claim,
    codes: ReasonCodes,
    *,
    letter_date: date,
    signer: str,
    enclosures: Sequence[str] = (),
    argument: str | None = None,
    contact_phone: str | None = None,
) -> AppealLetter:
    """The appeal letter for a denial case on `claim`; `enclosures` adds to the usual list."""
    cited = []
    for label in (*case.carcs, *case.remark_codes):
        _, code = split_label(label)
        found = codes.explain(code)
        cited.append(DenialCodeLine(code=label, description=found.description if found else ""))
    provider = claim.billing_provider
    patient = claim.patient
    return AppealLetter(
        letter_date=letter_date,
        level=case.appeal_level,
        practice_name=provider.display_name,
        practice_address=provider.address,
        practice_npi=provider.npi,
        practice_tin=provider.tin,
        payer_name=claim.payer.name,
        payer_address=claim.payer.address,
        patient_name=str(patient.name),
        patient_birth_date=patient.birth_date,
        member_id=claim.coverage.member_id,
        patient_control_number=claim.patient_control_number,
        payer_claim_control_number=case.payer_claim_control_number,
        service_from=claim.first_service_date,
        service_to=claim.last_service_date,
        billed_amount=claim.total_charge_amount,
        denied_amount=case.denied_amount,
        denial_date=case.denial_date,
        deadline=case.deadline,
        procedures=case.procedures or tuple(dict.fromkeys(line.procedure for line in claim.lines)),
        denial_codes=tuple(cited),
        category=case.category,
        argument=argument or ARGUMENTS.get(case.category, DEFAULT_ARGUMENT),
        enclosures=enclosures_for(case.category, enclosures),
        signer=signer,
        contact_phone=contact_phone,
    )
