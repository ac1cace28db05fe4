"""Denials: understanding why a payer did not pay, and working the denial to resolution.

`reasons` loads the CARC (Claim Adjustment Reason Code), RARC (Remittance Advice Remark
Code) and group code lists with their descriptions, gives every CARC a category
(eligibility, authorisation, coding, bundling, medical necessity, timely filing,
duplicate, missing information, coordination of benefits, contractual, patient
responsibility...) and a recommended action. `deadlines` dates appeals per payer and
level (`AppealPolicy`, Medicare's 120-day redetermination); `queue` gathers posted denials
into `DenialCase`s by root cause, ranked by money at risk per day left; `appeals` builds
the appeal letter's content and tracks outcomes; `actions` makes corrected (frequency 7)
and void (8) claims and denial write-off entries.
"""

from openrcm.denials.actions import WriteOffReason, corrected_claim, denial_write_off, void_claim
from openrcm.denials.appeals import AppealLetter, AppealOutcome, build_appeal_letter
from openrcm.denials.deadlines import (
    AppealLevel,
    AppealPolicy,
    appeal_deadline,
    days_left,
    load_appeal_policies,
    policy_for,
)
from openrcm.denials.queue import (
    Band,
    CaseState,
    DenialCase,
    build_cases,
    group_by_category,
    root_cause,
)
from openrcm.denials.reasons import (
    ACTIONS,
    Category,
    ReasonCode,
    ReasonCodes,
    ReasonKind,
    categorise,
    categorise_remark,
    kind_of,
    load_reason_codes,
)

__all__ = [
    "ACTIONS",
    "AppealLetter",
    "AppealLevel",
    "AppealOutcome",
    "AppealPolicy",
    "Band",
    "CaseState",
    "Category",
    "DenialCase",
    "ReasonCode",
    "ReasonCodes",
    "ReasonKind",
    "WriteOffReason",
    "appeal_deadline",
    "build_appeal_letter",
    "build_cases",
    "categorise",
    "categorise_remark",
    "corrected_claim",
    "days_left",
    "denial_write_off",
    "group_by_category",
    "kind_of",
    "load_appeal_policies",
    "load_reason_codes",
    "policy_for",
    "root_cause",
    "void_claim",
]
