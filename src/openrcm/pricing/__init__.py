"""Pricing: what a service is worth under the Medicare PFS and under a payer's contract.

`medicare_pfs` loads the CMS Physician Fee Schedule (RVUs with payment indicators, GPCIs,
ZIP → locality) and prices one code with its modifiers (26/TC, bilateral 50, assistant
at surgery 80/81/82/AS, co-surgeons 62, team 66) and status codes; `multiple_procedure`
applies the same-day ranking rules (multiple surgery, endoscopy families, imaging,
cardiovascular, ophthalmology and therapy reductions); `contracts` holds payer contracts
(percentage of Medicare, fixed fee schedules, percentage of charge; effective-dated) and
prices a claim's lines under one, allowing the lesser of billed and contracted amounts.
"""

from openrcm.pricing.contracts import (
    ContractPrice,
    ContractTerm,
    LineToPrice,
    PayerContract,
    lesser_of,
    price_lines,
    schedule_for,
)
from openrcm.pricing.medicare_pfs import (
    FACILITY_POS,
    NATIONAL,
    Gpci,
    MedicarePfs,
    PfsPrice,
    PfsStatus,
    RvuRow,
    UnknownLocality,
    half_up,
    load_medicare_pfs,
)
from openrcm.pricing.multiple_procedure import SameDayLine, apply_same_day_rules

__all__ = [
    "FACILITY_POS",
    "NATIONAL",
    "ContractPrice",
    "ContractTerm",
    "Gpci",
    "LineToPrice",
    "MedicarePfs",
    "PayerContract",
    "PfsPrice",
    "PfsStatus",
    "RvuRow",
    "SameDayLine",
    "UnknownLocality",
    "apply_same_day_rules",
    "half_up",
    "lesser_of",
    "load_medicare_pfs",
    "price_lines",
    "schedule_for",
]
