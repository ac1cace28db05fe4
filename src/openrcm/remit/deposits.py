"""Deposit reconciliation: bank deposits matched to the 835 payments they pay.

An 835's BPR02 is what the payer sent and its TRN02 the trace number of the check or EFT;
the bank's statement shows the deposit with a reference that, for an EFT, carries the same
trace number (the CCD+ addenda's TRN segment). `read_deposits_csv` reads a bank export
(date, amount, reference and optional description columns) into `BankDeposit` records, with
a finding for each row it cannot use. `reconcile` pairs deposits with payments: first by
trace number (the amount may still differ, and the match says so), then, for deposits
without a usable reference, by exact amount within a few days of the payment date when
exactly one payment fits. Whatever is left is listed: deposits no 835 explains and 835
payments no deposit has brought in yet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO, format_money

DEFAULT_WINDOW_DAYS = 5
"""How far apart a deposit and an 835 payment date may be for a match by amount alone."""

MIN_SUBSTRING_TRACE = 8
"""A trace number found inside a longer word of the bank's text must be at least this long;
shorter ones ("42", "EFT-100") match only a whole word."""

_COLUMNS = {
    "date": ("date", "depositdate", "postingdate", "posteddate", "posted", "valuedate"),
    "amount": ("amount", "depositamount", "credit", "creditamount", "deposit"),
    "reference": ("reference", "ref", "trace", "tracenumber", "referencenumber", "eftreference"),
    "description": ("description", "memo", "details", "narrative", "text"),
}


class MatchKind(StrEnum):
    """How a deposit was tied to an 835 payment."""

    TRACE = "trace"  # the deposit's reference carries the payment's TRN02; amounts agree
    TRACE_AMOUNT_DIFFERS = "trace_amount_differs"  # same trace number, different amount
    AMOUNT_AND_DATE = "amount_and_date"  # no trace number; the one payment of that amount


@dataclass(frozen=True, slots=True, kw_only=True)
class BankDeposit:
    """One credit on the practice's bank statement.

    id: stable across imports (a hash of the row's content and its occurrence in the file),
    so importing the same statement twice stores each deposit once.
    check: the payment (payer/TRN02, as the ledger keys it) it was matched to, once matched.
    """

    id: str
    deposit_date: date
    amount: Decimal
    reference: str = ""
    description: str = ""
    check: str | None = None
    match: MatchKind | None = None

    @property
    def text(self) -> str:
        return f"{self.reference} {self.description}"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "deposit_date": self.deposit_date.isoformat(),
            "amount": format_money(self.amount),
            "reference": self.reference,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RemittancePayment:
    """One 835 payment as posted: who paid, how much (BPR02), when, and its trace (TRN02)."""

    check: str  # payer/TRN02, the ledger's key for the payment
    trace_number: str  # TRN02
    payer_id: str
    payment_date: date  # BPR16
    amount: Decimal  # BPR02
    payment_method: str = "ACH"  # BPR04
    payer_name: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "trace_number": self.trace_number,
            "payer_id": self.payer_id,
            "payer_name": self.payer_name,
            "payment_date": self.payment_date.isoformat(),
            "amount": format_money(self.amount),
            "payment_method": self.payment_method,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositMatch:
    """A deposit and the 835 payment it brought in."""

    deposit: BankDeposit
    payment: RemittancePayment
    kind: MatchKind

    @property
    def difference(self) -> Decimal:
        """Deposited minus paid: zero when the bank received what the 835 says."""
        return self.deposit.amount - self.payment.amount

    def as_json(self) -> dict[str, object]:
        return {
            "deposit": self.deposit.as_json(),
            "payment": self.payment.as_json(),
            "match": self.kind.value,
            "difference": format_money(self.difference),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """Deposits against 835 payments: matched pairs, and what is left on either side."""

    matches: tuple[DepositMatch, ...] = ()
    unmatched_deposits: tuple[BankDeposit, ...] = ()
    unmatched_payments: tuple[RemittancePayment, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    @property
    def new_matches(self) -> tuple[DepositMatch, ...]:
        """Matches made now (the deposits that arrived here without one)."""
        return tuple(m for m in self.matches if m.deposit.check is None)

    def as_json(self) -> dict[str, object]:
        def total(amounts: Iterable[Decimal]) -> str:
            return format_money(sum(amounts, ZERO))

        return {
            "matched": [m.as_json() for m in self.matches],
            "unmatched_deposits": [d.as_json() for d in self.unmatched_deposits],
            "unmatched_payments": [p.as_json() for p in self.unmatched_payments],
            "totals": {
                "matched": len(self.matches),
                "matched_amount": total(m.deposit.amount for m in self.matches),
                "differences": total(m.difference for m in self.matches),
                "unmatched_deposits": len(self.unmatched_deposits),
                "unmatched_deposit_amount": total(d.amount for d in self.unmatched_deposits),
                "unmatched_payments": len(self.unmatched_payments),
                "unmatched_payment_amount": total(p.amount for p in self.unmatched_payments),
            },
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


# -- reading a bank export ----------------------------------------------------------------


def _key(header: str) -> str:
    return re.sub(r"[^a-z]", "", header.lower())


def _amount(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").replace("$", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    value = Decimal(cleaned)
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise InvalidOperation(text)
    return (-value if negative else value).quantize(Decimal("0.01"))


def _date(text: str) -> date:
    cleaned = text.strip()
    for layout in ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%m/%d/%y"):
        try:
            return datetime.strptime(cleaned, layout).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise ValueError(cleaned)


def deposit_id(
    deposit_date: date, amount: Decimal, reference: str, description: str, n: int
) -> str:
    """The stable id of the `n`th identical row (1-based) of a bank export."""
    text = f"{deposit_date.isoformat()}|{amount}|{reference}|{description}|{n}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def read_deposits_csv(text: str) -> tuple[list[BankDeposit], list[Finding]]:
    """The credits of a bank export as deposits, and a finding for every row left out.

    The first row names the columns: a date (YYYY-MM-DD or MM/DD/YYYY), an amount ("1,234.56",
    "$1,234.56"; "(12.00)" is a debit), and a reference (the trace number) and/or a
    description. Raises `ValueError` when there is no header with a date and an amount column.
    Debits and zero rows are skipped (info); unreadable dates or amounts are errors.
    """
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if not header:
        raise ValueError("the deposit file is empty: expected a header row")
    keys = [_key(h) for h in header]
    where: dict[str, int] = {}
    for name, aliases in _COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                where[name] = keys.index(alias)
                break
    missing = [name for name in ("date", "amount") if name not in where]
    if missing:
        raise ValueError(
            f"the deposit file has no {' or '.join(missing)} column (header: {', '.join(header)})"
        )
    if "reference" not in where and "description" not in where:
        raise ValueError("the deposit file has neither a reference nor a description column")
    deposits: list[BankDeposit] = []
    findings: list[Finding] = []
    seen: Counter[tuple[date, Decimal, str, str]] = Counter()
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: Sequence[str] = row) -> str:
            index = where.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            day = _date(cell("date"))
        except ValueError:
            findings.append(_row_finding(number, "DEPOSIT-DATE", "its date cannot be read"))
            continue
        try:
            amount = _amount(cell("amount"))
        except (InvalidOperation, ValueError):
            findings.append(_row_finding(number, "DEPOSIT-AMOUNT", "its amount cannot be read"))
            continue
        if amount <= 0:
            findings.append(
                Finding(
                    code="DEPOSIT-NOT-A-CREDIT",
                    severity=Severity.INFO,
                    message=f"row {number}: {format_money(amount)} is not a deposit; skipped",
                )
            )
            continue
        reference, description = cell("reference"), cell("description")
        key = (day, amount, reference, description)
        seen[key] += 1
        deposits.append(
            BankDeposit(
                id=deposit_id(day, amount, reference, description, seen[key]),
                deposit_date=day,
                amount=amount,
                reference=reference[:200],
                description=description[:200],
            )
        )
    return deposits, findings


def _row_finding(number: int, code: str, what: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=f"row {number}: {what}; the row was not imported",
        fix="correct the row in the bank export and import the file again",
    )


# -- matching ----------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def carries_trace(text: str, trace_number: str) -> bool:
    """True when a bank reference or description names this TRN02 trace number.

    The text is cut into words at spaces and X12 separators (`*`, `~`, `\\`, ...); a word
    equal to the trace, ignoring case, punctuation and leading zeros, counts. So does a trace
    of at least `MIN_SUBSTRING_TRACE` characters inside a longer word.
    """
    trace = _normal(trace_number)
    if not trace:
        return False
    words = {w for w in (_normal(part) for part in _WORD_BREAKS.split(text)) if w}
    if trace in words:
        return True
    bare = trace.lstrip("0")
    if bare and bare in {w.lstrip("0") for w in words}:
        return True
    return len(trace) >= MIN_SUBSTRING_TRACE and any(trace in w for w in words)


_WORD_BREAKS = re.compile(r"[\s*~\\|,;:/^]+")


def reconcile(
    deposits: Sequence[BankDeposit],
    payments: Sequence[RemittancePayment],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Reconciliation:
    """Match deposits to 835 payments; keep the matches deposits already carry.

    Only payments of more than zero are expected at the bank (an 835 of denials pays
    nothing; a net take-back is a debit). A deposit matches at most one payment and a
    payment at most one deposit.
    """
    by_check: Mapping[str, RemittancePayment] = {p.check: p for p in payments}
    matches: list[DepositMatch] = []
    taken: set[str] = set()
    waiting: list[BankDeposit] = []
    findings: list[Finding] = []
    for deposit in sorted(deposits, key=lambda d: (d.deposit_date, d.id)):
        payment = by_check.get(deposit.check) if deposit.check else None
        if payment is not None and deposit.match is not None:
            matches.append(DepositMatch(deposit=deposit, payment=payment, kind=deposit.match))
            taken.add(payment.check)
        else:
            waiting.append(replace(deposit, check=None, match=None))
    open_payments = [p for p in payments if p.check not in taken and p.amount > 0]

    left: list[BankDeposit] = []
    for deposit in waiting:
        found = [p for p in open_payments if carries_trace(deposit.text, p.trace_number)]
        if len(found) > 1:
            found = [p for p in found if p.amount == deposit.amount] or found
        if len(found) > 1:
            found.sort(key=lambda p: -len(_normal(p.trace_number)))
            if len(_normal(found[0].trace_number)) == len(_normal(found[1].trace_number)):
                findings.append(
                    Finding(
                        code="DEPOSIT-AMBIGUOUS",
                        severity=Severity.WARNING,
                        message=f"deposit of {format_money(deposit.amount)} on "
                        f"{deposit.deposit_date.isoformat()} names {len(found)} payments' traces",
                    )
                )
                left.append(deposit)
                continue
        if not found:
            left.append(deposit)
            continue
        payment = found[0]
        kind = (
            MatchKind.TRACE if payment.amount == deposit.amount else MatchKind.TRACE_AMOUNT_DIFFERS
        )
        matches.append(DepositMatch(deposit=deposit, payment=payment, kind=kind))
        open_payments.remove(payment)

    unmatched: list[BankDeposit] = []
    for deposit in left:
        fits = [
            p
            for p in open_payments
            if p.amount == deposit.amount
            and abs((deposit.deposit_date - p.payment_date).days) <= window_days
        ]
        rivals = [
            d
            for d in left
            if d.amount == deposit.amount
            and any(abs((d.deposit_date - p.payment_date).days) <= window_days for p in fits)
        ]
        if len(fits) == 1 and len(rivals) == 1:
            matches.append(
                DepositMatch(deposit=deposit, payment=fits[0], kind=MatchKind.AMOUNT_AND_DATE)
            )
            open_payments.remove(fits[0])
        else:
            unmatched.append(deposit)
    return Reconciliation(
        matches=tuple(sorted(matches, key=lambda m: (m.deposit.deposit_date, m.deposit.id))),
        unmatched_deposits=tuple(sorted(unmatched, key=lambda d: (d.deposit_date, d.id))),
        unmatched_payments=tuple(sorted(open_payments, key=lambda p: (p.payment_date, p.check))),
        findings=tuple(findings),
    )
