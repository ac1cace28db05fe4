"""835 remittance posting: payments, adjustments, denials, reversals, take-backs, COB, contracts.

`posting` holds `post_remittance`, which turns one 835 payment into balanced journal entries
and work items (`Posting`); `matching` finds the claim for each CLP and the line for each
SVC; `adjustments` maps CAS group codes to accounts; `cob` ranks a claim's payers, decides
where patient responsibility goes, and builds the next payer's claim with COB data;
`balancing` checks BPR against claims and PLB, and each claim and line against its CAS;
`book` indexes the earlier entries posting needs; `underpayment` compares allowed amounts
with the contract; `queues` holds the exception, denial and discrepancy records;
`deposits` reads bank deposits and reconciles them with 835 payments by trace number and
amount.
"""

from openrcm.remit.book import Book
from openrcm.remit.cob import adjudicating_payer, next_claim, next_payer
from openrcm.remit.deposits import (
    BankDeposit,
    DepositMatch,
    MatchKind,
    Reconciliation,
    RemittancePayment,
    read_deposits_csv,
    reconcile,
)
from openrcm.remit.matching import ClaimIndex, match_lines
from openrcm.remit.posting import (
    POSTED_STATUSES,
    RECOVERY_CODES,
    CheckSummary,
    ClaimOutcome,
    Posting,
    check_key,
    payer_party,
    post_remittance,
    post_remittances,
)
from openrcm.remit.queues import (
    Denial,
    Discrepancy,
    DiscrepancyKind,
    ExceptionReason,
    PostingException,
)
from openrcm.remit.underpayment import (
    DEFAULT_TOLERANCE,
    ContractQuery,
    ExpectedAmount,
    find_discrepancies,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "POSTED_STATUSES",
    "RECOVERY_CODES",
    "BankDeposit",
    "Book",
    "CheckSummary",
    "ClaimIndex",
    "ClaimOutcome",
    "ContractQuery",
    "Denial",
    "DepositMatch",
    "Discrepancy",
    "DiscrepancyKind",
    "ExceptionReason",
    "ExpectedAmount",
    "MatchKind",
    "Posting",
    "PostingException",
    "Reconciliation",
    "RemittancePayment",
    "adjudicating_payer",
    "check_key",
    "find_discrepancies",
    "match_lines",
    "next_claim",
    "next_payer",
    "payer_party",
    "post_remittance",
    "post_remittances",
    "read_deposits_csv",
    "reconcile",
]
