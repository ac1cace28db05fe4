"""The payer side: adjudicate claims into remittances as a payer or TPA would.

`plans` defines benefit plans (deductibles, out-of-pocket maximums, coinsurance, copays
by service category, exclusions, visit limits, prior authorisation and referral rules);
`configuration` loads a plans directory of YAML (payers with their contracts, network,
bundling pairs, medical-necessity rules, crossovers; plans; member rosters) into a
`PayerBook`; `accumulators` tracks deductible, out-of-pocket and visits per member and
family per plan year, reversible per claim; `rules` holds the registered line rules
(eligibility, timely filing, duplicate, ...); `adjudicate` is the engine that turns a
`Claim` into 835 claim payments with an explanation trace; `remittance` groups them into
balanced `Remittance`s. Demo configuration ships in `payer/plans/`.
"""

from openrcm.payer.accumulators import AccumulatorKey, Accumulators
from openrcm.payer.adjudicate import (
    Adjudication,
    Adjudicator,
    PayerState,
    Step,
    adjudicate_claims,
    negate,
)
from openrcm.payer.configuration import (
    Authorization,
    BundlingPair,
    CrossoverPayer,
    Enrollment,
    Member,
    NecessityRule,
    PayerBook,
    PayerConfig,
    default_plans_dir,
    load_payer_book,
)
from openrcm.payer.plans import BenefitPlan, CodeSet, ServiceCategory
from openrcm.payer.remittance import build_remittances
from openrcm.payer.rules import RULES, Denial, Rule

__all__ = [
    "RULES",
    "AccumulatorKey",
    "Accumulators",
    "Adjudication",
    "Adjudicator",
    "Authorization",
    "BenefitPlan",
    "BundlingPair",
    "CodeSet",
    "CrossoverPayer",
    "Denial",
    "Enrollment",
    "Member",
    "NecessityRule",
    "PayerBook",
    "PayerConfig",
    "PayerState",
    "Rule",
    "ServiceCategory",
    "Step",
    "adjudicate_claims",
    "build_remittances",
    "default_plans_dir",
    "load_payer_book",
    "negate",
]
