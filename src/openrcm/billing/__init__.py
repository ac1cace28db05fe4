"""Claim building: coded encounters and the practice's charge master to professional and
institutional claims, ready for the scrubber and the 837 writers.

`charge_master` holds the effective-dated charges (`ChargeRate`, `ChargeMaster`, the CSV
import, rate changes); `lines` prices an encounter's procedures into service lines with
`modifiers` (payment order, at most four), `diagnoses` (claim order, pointers) and `drugs`
(NDC); `parties` gathers the patient, coverages, payers and providers as of the date of
service (provider changes applied); `cob` picks the coverage billed and fills the other
payers' loops with earlier payers' decisions; `frequency` handles original, replacement and
void claims and the type of bill; `details` holds what an encounter adds for billing
(referring and supervising providers, onset, the hospital stay); `revenue` maps codes to
revenue codes; `drg` assigns the MS-DRG through `msdrg`; `professional` and `institutional`
build the claims; `built` is what they return. Pure: storage is `openrcm.service.billing`.
"""

from openrcm.billing.built import BuiltClaim
from openrcm.billing.charge_master import (
    ChargeFileError,
    ChargeMaster,
    ChargeRate,
    charge_master_from_amounts,
    raise_rates,
    read_charge_csv,
)
from openrcm.billing.cob import (
    PriorAdjudication,
    billed_coverage,
    coverage_to_bill,
    coverages_in_force,
    other_payers,
)
from openrcm.billing.details import EncounterDetails, IcdProcedure, InstitutionalStay, Setting
from openrcm.billing.diagnoses import claim_diagnoses, line_pointers
from openrcm.billing.drg import (
    DrgAssignment,
    DrgGrouper,
    DrgRequest,
    MsdrgGrouping,
    grouper_version,
)
from openrcm.billing.drugs import format_ndc, is_drug_code, normalize_ndc
from openrcm.billing.frequency import frequency_findings, resubmission_of, type_of_bill
from openrcm.billing.institutional import build_institutional_claim
from openrcm.billing.modifiers import order_modifiers
from openrcm.billing.parties import ClaimParties, facility_from_location, parties_on
from openrcm.billing.professional import build_professional_claim
from openrcm.billing.revenue import revenue_code_for

__all__ = [
    "BuiltClaim",
    "ChargeFileError",
    "ChargeMaster",
    "ChargeRate",
    "ClaimParties",
    "DrgAssignment",
    "DrgGrouper",
    "DrgRequest",
    "EncounterDetails",
    "IcdProcedure",
    "InstitutionalStay",
    "MsdrgGrouping",
    "PriorAdjudication",
    "Setting",
    "billed_coverage",
    "build_institutional_claim",
    "build_professional_claim",
    "charge_master_from_amounts",
    "claim_diagnoses",
    "coverage_to_bill",
    "coverages_in_force",
    "facility_from_location",
    "format_ndc",
    "frequency_findings",
    "grouper_version",
    "is_drug_code",
    "line_pointers",
    "normalize_ndc",
    "order_modifiers",
    "other_payers",
    "parties_on",
    "raise_rates",
    "read_charge_csv",
    "resubmission_of",
    "revenue_code_for",
    "type_of_bill",
]
