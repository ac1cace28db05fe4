"""835 posting: one payment (check or EFT) and its claim payments turned into journal entries.

`post_remittance` is pure. It matches each CLP to a claim, posts what the payer paid, wrote
off (CO), put on the patient (PR) or adjusted otherwise (OA, PI, CR), line by line, and
moves the patient's share to the next payer (insurance pending) or, after the last payer,
to patient A/R. Denials are posted and queued; reversals (CLP02 22) negate the payment they
reverse; PLB adjustments post interest, forward balances and take-backs; anything that
cannot be posted goes to the exception queue with its reason. The same payment posted
again (its check already in the history) changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from openrcm.domain.claim import Adjustment, Claim
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO
from openrcm.domain.party import Coverage, Payer
from openrcm.domain.remittance import ClaimPayment, ClaimPaymentStatus, Remittance
from openrcm.ledger.accounts import (
    DEPOSITS,
    INTEREST_INCOME,
    OTHER_ADJUSTMENT,
    Account,
    AccountKind,
    insurance_ar,
    patient_ar,
    refunds_payable,
    unapplied_cash,
)
from openrcm.ledger.balances import PENDING_PREFIX
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind, entry, reversal_of
from openrcm.ledger.journal import guarantor_of
from openrcm.remit.adjustments import (
    PATIENT_GROUP,
    adjustment_account,
    is_prior_payer_impact,
    label,
)
from openrcm.remit.balancing import check_balance, claim_balance_findings
from openrcm.remit.book import Book
from openrcm.remit.cob import adjudicating_payer, crossover_party, next_claim, next_payer
from openrcm.remit.matching import ClaimIndex, match_lines
from openrcm.remit.queues import Denial, Discrepancy, ExceptionReason, PostingException
from openrcm.remit.underpayment import DEFAULT_TOLERANCE, ExpectedAmount, find_discrepancies

S = ClaimPaymentStatus
POSTED_STATUSES = frozenset(
    {S.PRIMARY, S.SECONDARY, S.TERTIARY, S.DENIED}
    | {S.PRIMARY_FORWARDED, S.SECONDARY_FORWARDED, S.TERTIARY_FORWARDED, S.REVERSAL}
)
"""CLP02 codes the ledger posts; the rest (pended, predetermination, ...) go to exceptions."""

ADJUDICATED = "adjudicated"
"""Reason of the A/R leg that takes several of one line's amounts (paid, CO, PR) off the payer."""

RECOVERY_CODES = frozenset({"WO", "72", "WU", "J1"})
"""PLB03-1 codes by which a payer takes back money: overpayment recovery, authorised return,
unspecified recovery, non-reimbursable. FB (forward balance) and L6 (interest) post apart."""


def check_key(remittance: Remittance) -> str:
    """The payment's identity across files: the payer (TRN03, else N1*PR id) and TRN02."""
    payer = remittance.payer_trace_id or remittance.payer.identifier or remittance.payer.name
    return f"{payer}/{remittance.trace_number}"


def payer_party(remittance: Remittance) -> str:
    """The 835 payer as an account party, for payer-level accounts (refunds, unapplied cash)."""
    text = remittance.payer.identifier or remittance.payer_trace_id or remittance.payer.name
    return text.strip() or "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimOutcome:
    """What one CLP did to its claim: the payer, CLP02, the money and the claim's new status."""

    patient_control_number: str
    claim_id: str
    payer_id: str
    status: ClaimPaymentStatus
    paid_amount: Decimal
    claim_status: ClaimStatus  # the status the claim should move to
    payer_claim_number: str | None = None
    entry_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckSummary:
    """One payment: what BPR02 says against what the claims and PLB add up to."""

    check: str
    trace_number: str
    payment_date: date
    total_paid_amount: Decimal  # BPR02
    claims_paid_amount: Decimal  # sum of CLP04
    provider_adjustment_amount: Decimal  # sum of PLB04
    deposited_amount: Decimal  # what this posting put into deposits

    @property
    def balanced(self) -> bool:
        return self.total_paid_amount == self.claims_paid_amount - self.provider_adjustment_amount


@dataclass(frozen=True, slots=True, kw_only=True)
class Posting:
    """The result of posting one payment: entries to add, and everything people must see."""

    check: CheckSummary
    entries: tuple[JournalEntry, ...] = ()
    findings: tuple[Finding, ...] = ()
    exceptions: tuple[PostingException, ...] = ()
    denials: tuple[Denial, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    secondary_claims: tuple[Claim, ...] = ()
    outcomes: tuple[ClaimOutcome, ...] = ()
    already_posted: bool = False

    @property
    def claims_posted(self) -> int:
        return len(self.outcomes)

    @property
    def claims_unmatched(self) -> int:
        return sum(
            1
            for x in self.exceptions
            if x.reason in (ExceptionReason.CLAIM_NOT_FOUND, ExceptionReason.NOT_POSTED_STATUS)
        )

    @property
    def amount_posted(self) -> Decimal:
        """What the payer paid on the claims posted (CLP04, reversals negative)."""
        return sum((o.paid_amount for o in self.outcomes), ZERO)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def entries_for(self, claim: str) -> list[JournalEntry]:
        return [e for e in self.entries if e.claim == claim]

    def paid(self, claim: str) -> Decimal:
        """Money the payer put on the claim in this payment, interest included."""
        return sum((e.cash for e in self.entries_for(claim)), ZERO)

    def written_off(
        self, claim: str, *, carc: str | None = None, group: str | None = None
    ) -> Decimal:
        """Adjustments posted on the claim, optionally one CARC or group ("CO") only."""
        total = ZERO
        for e in self.entries_for(claim):
            for leg in e.legs:
                if leg.account.kind not in (
                    AccountKind.CONTRACTUAL_ADJUSTMENT,
                    AccountKind.OTHER_ADJUSTMENT,
                ):
                    continue
                code = leg.reason or ""
                if carc is not None and not code.endswith(f"-{carc}"):
                    continue
                if group is not None and not code.startswith(f"{group}-"):
                    continue
                total += leg.amount
        return total

    def patient_responsibility(self, claim: str) -> Decimal:
        """The patient's share this payment set: moved to patient A/R or pending the next payer."""
        total = ZERO
        for e in self.entries_for(claim):
            for leg in e.legs:
                reason = leg.reason or ""
                if reason.startswith(PENDING_PREFIX) or (
                    leg.account.kind is AccountKind.PATIENT_AR and reason.startswith("PR-")
                ):
                    total += leg.amount
        return total


def post_remittance(
    remittance: Remittance,
    claims_by_control_number: Mapping[str, Claim],
    history: Iterable[JournalEntry] | Book = (),
    *,
    expected_amount: ExpectedAmount | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    coverages: Mapping[str, Coverage] | None = None,
    on_entry: Callable[[JournalEntry], object] | None = None,
) -> Posting:
    """Post one 835 payment. Pure: returns the entries and work items, changes nothing.

    claims_by_control_number: the claims the 835 may pay, by patient control number (CLM01);
    for a later payer's 835, the claim sent to that payer (its secondary claim).
    history: the ledger's entries for those claims (and the payer's refunds payable), so
    reversals find what they negate and the same payment is recognised as already posted.
    expected_amount: the contract, for underpayment detection (skipped when None).
    coverages: the patient's coverage per payer id, for the secondary claims built.
    on_entry: called with each entry as soon as it is built, in the order of
    `Posting.entries`, so a caller can store entries while the rest are being built.
    """
    book = history if isinstance(history, Book) else Book(history)
    return _Poster(
        remittance,
        ClaimIndex(claims_by_control_number),
        book,
        expected_amount=expected_amount,
        tolerance=tolerance,
        coverages=coverages or {},
        on_entry=on_entry,
    ).run()


def post_remittances(
    remittances: Sequence[Remittance],
    claims_by_control_number: Mapping[str, Claim],
    history: Iterable[JournalEntry] = (),
    **options: object,
) -> list[Posting]:
    """Post several payments in order, each seeing the ones before (take-backs across checks)."""
    book = Book(history)
    postings = []
    for remittance in remittances:
        posting = post_remittance(remittance, claims_by_control_number, book, **options)  # type: ignore[arg-type]
        for e in posting.entries:
            book.add(e)
        postings.append(posting)
    return postings


@dataclass
class _Candidate:
    """A claim payment that may start the next payer's claim."""

    claim: Claim
    payment: ClaimPayment
    numbers: list[int | None]
    payer: Payer
    rank: int


@dataclass
class _Poster:
    remittance: Remittance
    index: ClaimIndex
    book: Book
    expected_amount: ExpectedAmount | None
    tolerance: Decimal
    coverages: Mapping[str, Coverage]
    on_entry: Callable[[JournalEntry], object] | None = None
    check: str = ""
    party: str = ""
    entries: list[JournalEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    exceptions: list[PostingException] = field(default_factory=list)
    denials: list[Denial] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    outcomes: list[ClaimOutcome] = field(default_factory=list)
    candidates: dict[str, list[_Candidate]] = field(default_factory=lambda: defaultdict(list))
    moved_on: dict[str, Decimal] = field(default_factory=dict)  # PR parked with the next payer

    def run(self) -> Posting:
        r = self.remittance
        self.check = check_key(r)
        self.party = payer_party(r)
        if self.check in self.book.checks:
            return Posting(check=self._summary(), already_posted=True)
        self.findings.extend(check_balance(r, self.check))
        for index, payment in enumerate(r.claims, start=1):
            self._post_claim(index, payment)
        self._post_provider_adjustments()
        secondary = self._next_claims()
        return Posting(
            check=self._summary(),
            entries=tuple(self.entries),
            findings=tuple(self.findings),
            exceptions=tuple(self.exceptions),
            denials=tuple(self.denials),
            discrepancies=tuple(self.discrepancies),
            secondary_claims=tuple(secondary),
            outcomes=tuple(self.outcomes),
        )

    def _summary(self) -> CheckSummary:
        r = self.remittance
        return CheckSummary(
            check=self.check,
            trace_number=r.trace_number,
            payment_date=r.payment_date,
            total_paid_amount=r.total_paid_amount,
            claims_paid_amount=r.claims_paid_total,
            provider_adjustment_amount=r.provider_adjustment_total,
            deposited_amount=sum((e.cash for e in self.entries), ZERO),
        )

    def _add(self, e: JournalEntry) -> None:
        self.entries.append(e)
        self.book.add(e)
        if self.on_entry is not None:
            self.on_entry(e)

    def _find_claim(self, payment: ClaimPayment) -> Claim | None:
        claim = self.index.find(payment.patient_control_number)
        if claim is None and payment.payer_claim_control_number:
            known = self.book.claim_by_payer_number(payment.payer_claim_control_number)
            claim = self.index.find(known) if known else None
            claim = claim or self.index.by_payer_number(payment.payer_claim_control_number)
        return claim

    # -- claim payments -------------------------------------------------------------

    def _post_claim(self, index: int, payment: ClaimPayment) -> None:
        entry_id = f"835:{self.check}:{index}"
        claim = self._find_claim(payment)
        if claim is None:
            self._except(
                payment, ExceptionReason.CLAIM_NOT_FOUND, "no claim has this patient control number"
            )
            self._unapplied(entry_id, index, payment)
            return
        if payment.status not in POSTED_STATUSES:
            self._except(
                payment,
                ExceptionReason.NOT_POSTED_STATUS,
                f"CLP02 {payment.status.value} is not posted",
            )
            self._unapplied(entry_id, index, payment)
            return
        payer, rank = adjudicating_payer(claim, payment, self.remittance)
        numbers = match_lines(claim, payment.lines)
        self.findings.extend(claim_balance_findings(payment, numbers))
        for position, (svc, number) in enumerate(zip(payment.lines, numbers, strict=True), 1):
            if number is None:
                self.findings.append(
                    Finding(
                        code="REMIT-LINE-UNMATCHED",
                        severity=Severity.WARNING,
                        message=f"claim {claim.patient_control_number}: SVC {position} "
                        f"({svc.procedure}) matches no line; posted at claim level",
                    )
                )
        if payment.is_reversal:
            posted = self._reversal(entry_id, index, claim, payment, payer, rank, numbers)
        else:
            posted = self._adjudication(entry_id, index, claim, payment, payer, rank, numbers)
        self._add(posted)
        line_denials = self._queue_denials(claim, payment, payer, numbers)
        self.outcomes.append(
            ClaimOutcome(
                patient_control_number=claim.patient_control_number,
                claim_id=claim.id,
                payer_id=payer.id,
                status=payment.status,
                paid_amount=payment.paid_amount,
                claim_status=_claim_status(payment, line_denials),
                payer_claim_number=payment.payer_claim_control_number,
                entry_id=posted.id,
            )
        )
        if payment.is_reversal:
            return
        if self.expected_amount is not None and rank == 1 and not payment.is_denial:
            self.discrepancies.extend(
                find_discrepancies(
                    claim,
                    payment,
                    numbers,
                    payer_id=payer.id,
                    check=self.check,
                    expected_amount=self.expected_amount,
                    tolerance=self.tolerance,
                )
            )
        self.candidates[claim.patient_control_number].append(
            _Candidate(claim, payment, numbers, payer, rank)
        )

    def _adjudication(
        self,
        entry_id: str,
        index: int,
        claim: Claim,
        payment: ClaimPayment,
        payer: Payer,
        rank: int,
        numbers: Sequence[int | None],
    ) -> JournalEntry:
        """The entry for one CLP: cash in, A/R down by paid and adjustments, PR moved on.

        What leaves the payer's A/R is one leg per line (and one at claim level), after the
        legs it went to: the line's balance is what it was with a leg per amount, and the
        counter legs (deposits, adjustments by CARC, patient responsibility) keep the detail.
        A line's A/R leg keeps its reason ("paid", "CO-45") when one amount made it, else
        it is "adjudicated".
        """
        pcn = claim.patient_control_number
        ar = insurance_ar(payer.id)
        following = next_payer(claim, rank)
        if following is not None:
            destination, pending = insurance_ar(following.payer.id), True
        elif payment.status.forwarded:
            destination, pending = insurance_ar(crossover_party(payment) or "crossover"), True
        else:
            destination, pending = patient_ar(guarantor_of(claim)), False
        later = rank > 1
        interest = payment.interest_amount or ZERO
        legs: list[Leg] = [Leg(DEPOSITS, payment.paid_amount, None, "paid")]
        if interest:
            legs.append(Leg(INTEREST_INCOME, -interest, None, "interest"))
        moved = [ZERO]  # this entry's net on `ar`, for the later-payer cap
        # what comes off `ar`, per line: (amount, reason); one leg per line at the end
        off: dict[int | None, tuple[Decimal, str]] = {}

        def off_ar(amount: Decimal, line: int | None, reason: str) -> None:
            moved[0] -= amount
            if amount:
                held = off.get(line)
                off[line] = (amount, reason) if held is None else (held[0] + amount, ADJUDICATED)

        def adjust(adjustments: tuple[Adjustment, ...], line: int | None) -> None:
            for a in sorted(adjustments, key=lambda a: a.group != PATIENT_GROUP):
                reason = label(a)
                if a.group == PATIENT_GROUP:
                    to = f"{PENDING_PREFIX}{reason}" if pending else reason
                    legs.append(Leg(destination, a.amount, line, to))
                    if pending:
                        self.moved_on[pcn] = self.moved_on.get(pcn, ZERO) + a.amount
                    off_ar(a.amount, line, reason)
                    continue
                if later and is_prior_payer_impact(a):
                    continue
                amount = a.amount
                if later and amount > 0:
                    room = max(self.book.ar_total(pcn, ar) + moved[0], ZERO)
                    if amount > room:
                        self.findings.append(
                            Finding(
                                code="REMIT-COB-ADJUSTMENT-CAPPED",
                                severity=Severity.INFO,
                                line=line,
                                message=f"claim {pcn}: {reason} {a.amount} from a later payer "
                                f"exceeds the {room} left with it; posted {room}",
                            )
                        )
                        amount = room
                legs.append(Leg(adjustment_account(a.group), amount, line, reason))
                off_ar(amount, line, reason)

        paid_on_lines = ZERO
        for svc, number in zip(payment.lines, numbers, strict=True):
            off_ar(svc.paid_amount, number, "paid")
            paid_on_lines += svc.paid_amount
            adjust(svc.adjustments, number)
        off_ar(payment.paid_amount - interest - paid_on_lines, None, "paid")
        adjust(payment.adjustments, None)
        legs.extend(Leg(ar, -amount, line, reason) for line, (amount, reason) in off.items())
        return entry(
            id=entry_id,
            entry_date=self.remittance.payment_date,
            source=SourceKind.CLAIM_PAYMENT,
            source_id=f"{self.check}#{index}",
            legs=legs,
            claim=pcn,
            patient_id=claim.patient.id,
            payer_id=payer.id,
            check=self.check,
            payer_claim_number=payment.payer_claim_control_number,
            adjudication_status=payment.status.value,
        )

    def _reversal(
        self,
        entry_id: str,
        index: int,
        claim: Claim,
        payment: ClaimPayment,
        payer: Payer,
        rank: int,
        numbers: Sequence[int | None],
    ) -> JournalEntry:
        """CLP02 22: negate the payment it reverses; post as reported when there is none."""
        pcn = claim.patient_control_number
        original = self.book.original_payment(pcn, payer.id, payment.payer_claim_control_number)
        if original is None:
            fallback = self.book.original_payment(pcn, payer.id, None)
            if fallback is not None and fallback.cash == -payment.paid_amount:
                original = fallback
        if original is not None and original.cash == -payment.paid_amount:
            return reversal_of(
                original,
                id=entry_id,
                entry_date=self.remittance.payment_date,
                source=SourceKind.CLAIM_PAYMENT,
                source_id=f"{self.check}#{index}",
                check=self.check,
                adjudication_status=payment.status.value,
                payer_claim_number=payment.payer_claim_control_number
                or original.payer_claim_number,
            )
        if original is None:
            self._except(
                payment,
                ExceptionReason.REVERSAL_WITHOUT_ORIGINAL,
                "no earlier payment by this payer to reverse; posted as reported",
            )
        else:
            self.findings.append(
                Finding(
                    code="REMIT-REVERSAL-AMOUNT",
                    severity=Severity.WARNING,
                    message=f"claim {pcn}: the reversal takes back {-payment.paid_amount} but "
                    f"the payment it reverses was {original.cash}; posted as reported",
                )
            )
        return self._adjudication(entry_id, index, claim, payment, payer, rank, numbers)

    def _queue_denials(
        self, claim: Claim, payment: ClaimPayment, payer: Payer, numbers: Sequence[int | None]
    ) -> int:
        """Queue a denied claim, or each zero-paid line a non-patient adjustment explains."""
        if payment.is_reversal:
            return 0

        def denial(**details: Any) -> Denial:
            return Denial(
                check=self.check,
                patient_control_number=claim.patient_control_number,
                claim_id=claim.id,
                payer_id=payer.id,
                denial_date=self.remittance.payment_date,
                payer_claim_number=payment.payer_claim_control_number,
                **details,
            )

        if payment.is_denial:
            self.denials.append(
                denial(
                    denied_amount=payment.charge_amount - payment.paid_amount,
                    carcs=tuple(dict.fromkeys(label(a) for a in payment.all_adjustments())),
                    remark_codes=tuple(
                        dict.fromkeys(
                            payment.remark_codes
                            + tuple(c for s in payment.lines for c in s.remark_codes)
                        )
                    ),
                )
            )
            return 0
        count = 0
        for svc, number in zip(payment.lines, numbers, strict=True):
            denying = [
                a
                for a in svc.adjustments
                if a.group != PATIENT_GROUP and not is_prior_payer_impact(a) and a.amount > 0
            ]
            # paid nothing because the patient owes it all (deductible, copay) is no denial
            patient_owes = any(a.group == PATIENT_GROUP and a.amount > 0 for a in svc.adjustments)
            if svc.paid_amount == 0 and svc.charge_amount > 0 and denying and not patient_owes:
                count += 1
                self.denials.append(
                    denial(
                        denied_amount=sum((a.amount for a in denying), ZERO),
                        line=number,
                        procedure=svc.procedure,
                        carcs=tuple(dict.fromkeys(label(a) for a in svc.adjustments)),
                        remark_codes=svc.remark_codes,
                    )
                )
        return count

    def _unapplied(self, entry_id: str, index: int, payment: ClaimPayment) -> None:
        """Money for a claim openrcm cannot post to: held as unapplied cash from the payer."""
        if payment.paid_amount == 0:
            return
        self._add(
            entry(
                id=entry_id,
                entry_date=self.remittance.payment_date,
                source=SourceKind.UNAPPLIED,
                source_id=f"{self.check}#{index}",
                legs=(
                    Leg(
                        DEPOSITS,
                        payment.paid_amount,
                        None,
                        "unapplied",
                        payment.patient_control_number,
                    ),
                    Leg(
                        unapplied_cash(self.party),
                        -payment.paid_amount,
                        None,
                        "unapplied",
                        payment.patient_control_number,
                    ),
                ),
                payer_id=self.party,
                check=self.check,
                payer_claim_number=payment.payer_claim_control_number,
                adjudication_status=payment.status.value,
            )
        )

    def _except(self, payment: ClaimPayment, reason: ExceptionReason, message: str) -> None:
        self.exceptions.append(
            PostingException(
                check=self.check,
                reason=reason,
                amount=payment.paid_amount,
                patient_control_number=payment.patient_control_number,
                payer_claim_number=payment.payer_claim_control_number,
                status=payment.status.value,
                message=message,
            )
        )

    # -- provider-level adjustments -------------------------------------------------

    def _post_provider_adjustments(self) -> None:
        r = self.remittance
        for i, plb in enumerate(r.provider_adjustments, start=1):
            for k, adjustment in enumerate(plb.adjustments, start=1):
                code = adjustment.reason.upper()
                reference = (adjustment.reference or "").strip() or None
                amount = adjustment.amount
                reason = f"PLB-{code}"
                target: tuple[str, str, str | None] | None = None
                counter: Account
                if code == "L6":
                    counter = INTEREST_INCOME
                elif code == "FB":
                    counter = refunds_payable(self.party)
                elif code in RECOVERY_CODES:
                    owed = self.book.refund_owed(self.party, reference) if reference else ZERO
                    target = None if owed > 0 else self._reference_target(reference)
                    if target is not None:
                        counter = insurance_ar(target[1])
                        self.findings.append(
                            Finding(
                                code="REMIT-TAKE-BACK",
                                severity=Severity.WARNING,
                                message=f"payment {self.check}: the payer took back {amount} "
                                f"on claim {target[0]}, which is open again",
                                fix="check the payer's reason; appeal, rebill or write off",
                            )
                        )
                    else:
                        counter = refunds_payable(self.party)
                        if owed <= 0:
                            self.exceptions.append(
                                PostingException(
                                    check=self.check,
                                    reason=ExceptionReason.RECOVERY_UNMATCHED,
                                    amount=amount,
                                    payer_claim_number=reference,
                                    status=code,
                                    message="a take-back naming no claim or refund owed",
                                )
                            )
                else:
                    counter = OTHER_ADJUSTMENT
                self._add(
                    entry(
                        id=f"835:{self.check}:PLB{i}.{k}",
                        entry_date=r.payment_date,
                        source=SourceKind.PROVIDER_ADJUSTMENT,
                        source_id=f"{self.check}#PLB{i}.{k}",
                        legs=(
                            Leg(DEPOSITS, -amount, None, reason, reference),
                            Leg(counter, amount, None, reason, reference),
                        ),
                        claim=target[0] if target else None,
                        patient_id=target[2] if target else None,
                        payer_id=target[1] if target else self.party,
                        check=self.check,
                        payer_claim_number=reference,
                    )
                )

    def _reference_target(self, reference: str | None) -> tuple[str, str, str | None] | None:
        """The claim a PLB reference names: (patient control number, payer id, patient id)."""
        if not reference:
            return None
        for ref in dict.fromkeys((reference, reference.split()[0])):
            pcn = self.book.claim_by_payer_number(ref)
            if pcn is not None:
                for e in reversed(self.book.entries_for(pcn)):
                    if e.source is SourceKind.CLAIM_PAYMENT and e.payer_claim_number == ref:
                        return pcn, e.payer_id or self.party, e.patient_id
            claim = self.index.find(ref) or self.index.by_payer_number(ref)
            if claim is not None:
                payer, _ = adjudicating_payer(claim, None, self.remittance)
                return claim.patient_control_number, payer.id, claim.patient.id
        return None

    # -- the next payer's claim -------------------------------------------------------

    def _next_claims(self) -> list[Claim]:
        built: list[Claim] = []
        for pcn, candidates in self.candidates.items():
            if self.moved_on.get(pcn, ZERO) <= 0:
                continue
            if any(c.payment.status.forwarded for c in candidates):
                self.findings.append(
                    Finding(
                        code="REMIT-CROSSOVER",
                        severity=Severity.INFO,
                        message=f"claim {pcn}: the payer forwarded it to the next payer; "
                        "no secondary claim is built",
                    )
                )
                continue
            first = candidates[0]
            same = [c for c in candidates if c.payer.id == first.payer.id]
            following = next_payer(first.claim, first.rank)
            if following is None:
                continue
            try:
                built.append(
                    next_claim(
                        first.claim,
                        [c.payment for c in same],
                        [c.numbers for c in same],
                        payer=first.payer,
                        rank=first.rank,
                        following=following,
                        adjudication_date=self.remittance.payment_date,
                        coverage=self.coverages.get(following.payer.id),
                    )
                )
            except (ValidationError, ValueError, StopIteration) as error:
                self.findings.append(
                    Finding(
                        code="REMIT-COB-FAILED",
                        severity=Severity.ERROR,
                        message=f"claim {pcn}: the claim for {following.payer.id} could not be "
                        f"built ({type(error).__name__})",
                        fix="build the secondary claim by hand from the 835",
                    )
                )
        return built


def _claim_status(payment: ClaimPayment, line_denials: int) -> ClaimStatus:
    if payment.is_denial:
        return ClaimStatus.DENIED
    if payment.is_reversal:
        return ClaimStatus.ADJUDICATED
    if line_denials:
        return ClaimStatus.PARTIALLY_PAID
    return ClaimStatus.PAID
