"""Denials: understanding why a payer did not pay, and working the denial to resolution.

`reasons` loads the CARC (Claim Adjustment Reason Code), RARC (Remittance Advice Remark
Code) and group code lists with their descriptions, gives every CARC a category
(eligibility, authorisation, coding, bundling, medical necessity, timely filing,
duplicate, missing information, coordination of benefits, contractual, patient
responsibility...) and a recommended action. Work queues, appeal deadlines and letters
build on it.
"""

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
    "Category",
    "ReasonCode",
    "ReasonCodes",
    "ReasonKind",
    "categorise",
    "categorise_remark",
    "kind_of",
    "load_reason_codes",
]
