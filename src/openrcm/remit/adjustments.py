"""Where each CAS adjustment goes in the ledger, by its group code.

CAS: Claim Adjustment Segment; its group code says who bears the amount. CO (contractual
obligation) is written off to contractual adjustments; PR (patient responsibility:
deductible, coinsurance, copay) moves to the next payer or the patient; OA (other), PI
(payer initiated) and CR (correction) go to other adjustments. OA-23, "the impact of prior
payer adjudication", repeats what an earlier payer already paid or adjusted and is not
posted again by a later payer.
"""

from __future__ import annotations

from openrcm.domain.claim import Adjustment
from openrcm.ledger.accounts import CONTRACTUAL_ADJUSTMENT, OTHER_ADJUSTMENT, Account

PATIENT_GROUP = "PR"
PRIOR_PAYER_CARC = "23"

DEDUCTIBLE, COINSURANCE, COPAY = "1", "2", "3"


def adjustment_account(group: str) -> Account:
    """The account a non-PR adjustment is written off to."""
    return CONTRACTUAL_ADJUSTMENT if group == "CO" else OTHER_ADJUSTMENT


def label(adjustment: Adjustment) -> str:
    """The group and CARC as billers write them: "CO-45", "PR-1"."""
    return f"{adjustment.group}-{adjustment.reason}"


def is_prior_payer_impact(adjustment: Adjustment) -> bool:
    """OA-23: an earlier payer's payment or adjustment, already posted from its own 835."""
    return adjustment.group == "OA" and adjustment.reason == PRIOR_PAYER_CARC
