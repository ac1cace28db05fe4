"""Ledger validations: small functions `(entries) -> list[Finding]`, each checking one invariant.

Each is registered with a stable code, a severity and a one-line description; `VALIDATIONS`
is the read-only registry and `validate(entries)` runs them all. A validation that raises
becomes a `LEDGER-CRASH` error finding instead of stopping the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import AccountKind
from openrcm.ledger.balances import active_adjudications
from openrcm.ledger.entries import JournalEntry, SourceKind

Check = Callable[[Sequence[JournalEntry]], list[Finding]]


@dataclass(frozen=True, slots=True)
class Validation:
    code: str  # "LEDGER-UNBALANCED"
    severity: Severity
    description: str  # the invariant, in one line
    check: Check

    def __call__(self, entries: Sequence[JournalEntry]) -> list[Finding]:
        return self.check(entries)

    def finding(self, message: str) -> Finding:
        return Finding(code=self.code, severity=self.severity, message=message)


_REGISTRY: dict[str, Validation] = {}


def validation(code: str, severity: Severity, description: str) -> Callable[[Check], Validation]:
    """Register a check under a stable code. A duplicate code fails at import."""

    def register(check: Check) -> Validation:
        if code in _REGISTRY:
            raise ValueError(f"two ledger validations share the code {code!r}")
        _REGISTRY[code] = Validation(code, severity, description, check)
        return _REGISTRY[code]

    return register


def _make(code: str, message: str) -> Finding:
    rule = _REGISTRY[code]
    return Finding(code=code, severity=rule.severity, message=message)


@validation("LEDGER-UNBALANCED", Severity.ERROR, "Every entry's legs sum to zero.")
def entries_balance(entries: Sequence[JournalEntry]) -> list[Finding]:
    """Double entry: the debits and credits of each entry are equal."""
    found = []
    for e in entries:
        total = sum((leg.amount for leg in e.legs), ZERO)
        if total != 0:
            found.append(_make("LEDGER-UNBALANCED", f"entry {e.id} sums to {total}, not 0.00"))
    return found


@validation("LEDGER-DUPLICATE-ID", Severity.ERROR, "No two entries share an id.")
def unique_ids(entries: Sequence[JournalEntry]) -> list[Finding]:
    """An id names one entry; two with one id means a document was posted twice."""
    counts = Counter(e.id for e in entries)
    return [
        _make("LEDGER-DUPLICATE-ID", f"{n} entries have the id {i}")
        for i, n in counts.items()
        if n > 1
    ]


@validation(
    "LEDGER-REVERSAL-UNKNOWN", Severity.ERROR, "A reversal names an earlier entry that exists."
)
def reversals_point_to_entries(entries: Sequence[JournalEntry]) -> list[Finding]:
    """A reversal negates an entry of this ledger, dated no later than itself."""
    by_id = {e.id: e for e in entries}
    found = []
    for e in entries:
        if e.reverses is None:
            continue
        original = by_id.get(e.reverses)
        if original is None:
            found.append(
                _make("LEDGER-REVERSAL-UNKNOWN", f"{e.id} reverses unknown entry {e.reverses}")
            )
        elif original.entry_date > e.entry_date:
            found.append(
                _make("LEDGER-REVERSAL-UNKNOWN", f"{e.id} reverses {original.id}, dated after it")
            )
    return found


@validation("LEDGER-REVERSED-TWICE", Severity.ERROR, "No entry is reversed more than once.")
def reversed_once(entries: Sequence[JournalEntry]) -> list[Finding]:
    """Reversing an entry twice would count its negation twice."""
    counts = Counter(e.reverses for e in entries if e.reverses)
    return [
        _make("LEDGER-REVERSED-TWICE", f"entry {i} is reversed {n} times")
        for i, n in counts.items()
        if n > 1
    ]


@validation(
    "LEDGER-REVERSAL-MISMATCH", Severity.ERROR, "A reversal negates its original leg for leg."
)
def reversals_negate(entries: Sequence[JournalEntry]) -> list[Finding]:
    """A reversal's legs, per account and line, are exactly the original's negated."""
    by_id = {e.id: e for e in entries}
    found = []
    for e in entries:
        original = by_id.get(e.reverses) if e.reverses else None
        if original is None:
            continue
        net: dict[tuple[str, int | None], Decimal] = defaultdict(lambda: ZERO)
        for leg in (*original.legs, *e.legs):
            net[(str(leg.account), leg.line)] += leg.amount
        if any(v != 0 for v in net.values()) or e.claim != original.claim:
            found.append(
                _make("LEDGER-REVERSAL-MISMATCH", f"{e.id} does not negate {original.id} exactly")
            )
    return found


def _claim_ar(entries: Sequence[JournalEntry]) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for e in entries:
        if e.claim is None:
            continue
        for leg in e.legs:
            if leg.account.kind in (AccountKind.INSURANCE_AR, AccountKind.PATIENT_AR):
                totals[e.claim][str(leg.account)] += leg.amount
    return totals


@validation(
    "LEDGER-CREDIT-BALANCE",
    Severity.WARNING,
    "No claim owes money back: its insurance and patient A/R are not negative.",
)
def no_credit_balances(entries: Sequence[JournalEntry]) -> list[Finding]:
    """A negative A/R on a claim is an overpayment: refund it or find the missing charge."""
    found = []
    for claim, accounts in _claim_ar(entries).items():
        for account, amount in accounts.items():
            if amount < 0:
                found.append(
                    _make(
                        "LEDGER-CREDIT-BALANCE",
                        f"claim {claim} has a credit balance of {-amount} on {account}",
                    )
                )
    return found


@validation(
    "LEDGER-PATIENT-WHILE-PENDING",
    Severity.WARNING,
    "A patient is not billed on a claim while a payer that has not decided still holds it.",
)
def patient_not_billed_while_pending(entries: Sequence[JournalEntry]) -> list[Finding]:
    """Patient A/R on a claim only once the last responsible payer has adjudicated."""
    grouped: dict[str, list[JournalEntry]] = defaultdict(list)
    for e in entries:
        if e.claim is not None:
            grouped[e.claim].append(e)
    found = []
    for claim, claim_entries in grouped.items():
        decided = {e.payer_id for e in active_adjudications(claim_entries)}
        insurance: dict[str, Decimal] = defaultdict(lambda: ZERO)
        patient = ZERO
        for e in claim_entries:
            for leg in e.legs:
                if leg.account.kind is AccountKind.INSURANCE_AR:
                    insurance[leg.account.party or ""] += leg.amount
                elif leg.account.kind is AccountKind.PATIENT_AR:
                    patient += leg.amount
        waiting = sorted(p for p, v in insurance.items() if v > 0 and p not in decided)
        if patient > 0 and waiting:
            found.append(
                _make(
                    "LEDGER-PATIENT-WHILE-PENDING",
                    f"claim {claim} bills the patient {patient} while {', '.join(waiting)} "
                    "has not adjudicated it",
                )
            )
    return found


@validation(
    "LEDGER-CLAIM-WITHOUT-CHARGE",
    Severity.WARNING,
    "Money is posted to a claim only after its charge.",
)
def claims_have_charges(entries: Sequence[JournalEntry]) -> list[Finding]:
    """A payment or adjustment on a claim with no charge entry leaves its A/R meaningless."""
    charged = {e.claim for e in entries if e.source is SourceKind.CHARGE}
    orphans = sorted({e.claim for e in entries if e.claim is not None} - charged)
    return [
        _make("LEDGER-CLAIM-WITHOUT-CHARGE", f"claim {c} has entries but no charge")
        for c in orphans
    ]


@validation(
    "LEDGER-REFUND-OVERDRAWN",
    Severity.WARNING,
    "Refunds payable never has a debit balance: nobody recovered more than was owed.",
)
def refunds_not_overdrawn(entries: Sequence[JournalEntry]) -> list[Finding]:
    """A debit on refunds payable means a payer took back money nobody recorded as owed."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        for leg in e.legs:
            if leg.account.kind is AccountKind.REFUNDS_PAYABLE:
                totals[str(leg.account)] += leg.amount
    return [
        _make("LEDGER-REFUND-OVERDRAWN", f"{account} has a debit balance of {amount}")
        for account, amount in sorted(totals.items())
        if amount > 0
    ]


VALIDATIONS: Mapping[str, Validation] = MappingProxyType(dict(_REGISTRY))
"""Every ledger validation, by code."""


def validate(entries: Sequence[JournalEntry]) -> list[Finding]:
    """Run every validation; one that raises becomes a `LEDGER-CRASH` finding."""
    listed = list(entries)
    found: list[Finding] = []
    for rule in VALIDATIONS.values():
        try:
            found.extend(rule(listed))
        except Exception as error:  # a broken rule must not hide the others
            found.append(
                Finding(
                    code="LEDGER-CRASH",
                    severity=Severity.ERROR,
                    message=f"validation {rule.code} failed: {type(error).__name__}",
                )
            )
    return found
