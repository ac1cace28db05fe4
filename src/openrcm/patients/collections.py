"""Collections that obey the FDCPA and Regulation F, enforced in code, not in a manual.

FDCPA: Fair Debt Collection Practices Act (15 U.S.C. 1692); Regulation F: the CFPB's rule
implementing it (12 CFR 1006). Every proposed collection action is checked by `check_action`
against the safeguards below; each safeguard is a small function with a stable code and
the section it comes from. A refused action is still logged, with its reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import format_money

VALIDATION_PERIOD_DAYS = 30  # days the consumer has to dispute after receiving the notice
EARLIEST_CONTACT, LATEST_CONTACT = time(8, 0), time(21, 0)  # 1692c(a)(1): 8 a.m. to 9 p.m.
CALL_LIMIT, CALL_WINDOW = 7, timedelta(days=7)  # 12 CFR 1006.14(b)(2)(i)


class Channel(StrEnum):
    LETTER = "letter"
    CALL = "call"
    TEXT = "text"
    EMAIL = "email"


class ActionKind(StrEnum):
    VALIDATION_NOTICE = "validation_notice"  # the notice 12 CFR 1006.34 requires
    COLLECTION_CONTACT = "collection_contact"  # a reminder, a call, a demand
    PRE_COLLECTION_LETTER = "pre_collection_letter"
    AGENCY_ASSIGNMENT = "agency_assignment"
    CEASE_CONFIRMATION = "cease_confirmation"  # 1692c(c): telling the consumer efforts stop
    VERIFICATION = "verification"  # 1692g(b): verification of a disputed debt


@dataclass(frozen=True, slots=True)
class ValidationNotice:
    """The 12 CFR 1006.34 validation information, as it was sent."""

    debt_id: str
    creditor: str
    itemization_date: date
    amount_on_itemization_date: Decimal
    current_amount: Decimal
    sent_on: date
    dispute_deadline: date

    def text(self) -> str:
        return (
            f"This is a communication from a debt collector about a debt owed to {self.creditor}. "
            f"As of {self.itemization_date.isoformat()} you owed "
            f"${format_money(self.amount_on_itemization_date)}. You now owe "
            f"${format_money(self.current_amount)}. You have the right to dispute all or part "
            f"of this debt: if you tell us by {self.dispute_deadline.isoformat()} that you "
            "dispute it, we must stop collection until we send you verification of the debt. "
            "You may also ask for the name and address of the original creditor."
        )


@dataclass(frozen=True, slots=True)
class Debt:
    """A guarantor's delinquent balance in collection."""

    id: str
    guarantor_id: str
    creditor: str
    amount: Decimal
    itemization_date: date  # e.g. the date of the last statement
    amount_on_itemization_date: Decimal
    time_zone: str = "America/New_York"
    validation_notice: ValidationNotice | None = None
    disputed: bool = False
    verification_sent: bool = False
    cease_communication: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    """A proposed collection action: what, how, to whom, when (an aware datetime)."""

    debt_id: str
    kind: ActionKind
    channel: Channel
    recipient_id: str  # the person to be contacted
    at: datetime
    connected: bool = False  # for calls: a conversation took place


@dataclass(frozen=True, slots=True)
class LogEntry:
    """Every collection action, allowed or refused, with its reasons: the audit trail."""

    action: Action
    allowed: bool
    reasons: tuple[Finding, ...] = field(default=())


Safeguard = Callable[[Debt, Action, Sequence[LogEntry]], Iterator[Finding]]


def _refuse(code: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message)


def validation_notice_first(
    debt: Debt, action: Action, log: Sequence[LogEntry]
) -> Iterator[Finding]:
    """12 CFR 1006.34: the validation notice comes before (or as) the first collection activity."""
    exempt = {ActionKind.VALIDATION_NOTICE, ActionKind.CEASE_CONFIRMATION, ActionKind.VERIFICATION}
    if action.kind not in exempt and debt.validation_notice is None:
        yield _refuse("FDCPA-VALIDATION-NOTICE", "no validation notice has been sent for this debt")
    elif action.kind not in exempt and debt.validation_notice is not None:
        problems = notice_problems(debt.validation_notice)
        if problems:
            yield _refuse(
                "FDCPA-VALIDATION-NOTICE", "the validation notice lacks: " + ", ".join(problems)
            )


def convenient_hours(debt: Debt, action: Action, log: Sequence[LogEntry]) -> Iterator[Finding]:
    """15 U.S.C. 1692c(a)(1): no calls, texts or emails before 8 a.m. or after 9 p.m. local time."""
    if action.channel is Channel.LETTER:
        return
    if action.at.tzinfo is None:
        yield _refuse(
            "FDCPA-CONTACT-HOURS", "the contact time has no time zone; it cannot be checked"
        )
        return
    local = action.at.astimezone(ZoneInfo(debt.time_zone)).time()
    if not EARLIEST_CONTACT <= local < LATEST_CONTACT:
        yield _refuse(
            "FDCPA-CONTACT-HOURS",
            f"{local.strftime('%H:%M')} in {debt.time_zone} is outside 8 a.m. to 9 p.m.",
        )


def cease_communication(debt: Debt, action: Action, log: Sequence[LogEntry]) -> Iterator[Finding]:
    """15 U.S.C. 1692c(c): after a written request to cease, only a closing notice may go out."""
    if debt.cease_communication and action.kind is not ActionKind.CEASE_CONFIRMATION:
        yield _refuse("FDCPA-CEASE", "the guarantor asked that communication cease")


def disputed_debt(debt: Debt, action: Action, log: Sequence[LogEntry]) -> Iterator[Finding]:
    """15 U.S.C. 1692g(b): a disputed debt is not collected until verification is mailed."""
    if debt.disputed and not debt.verification_sent and action.kind is not ActionKind.VERIFICATION:
        yield _refuse("FDCPA-DISPUTED", "the debt is disputed and verification has not been sent")


def call_frequency(debt: Debt, action: Action, log: Sequence[LogEntry]) -> Iterator[Finding]:
    """12 CFR 1006.14(b)(2): at most 7 call attempts in 7 days per debt, and no call within
    7 days after a telephone conversation about it."""
    if action.channel is not Channel.CALL:
        return
    calls = [
        e.action
        for e in log
        if e.allowed
        and e.action.debt_id == debt.id
        and e.action.channel is Channel.CALL
        and timedelta(0) <= action.at - e.action.at < CALL_WINDOW
    ]
    if len(calls) >= CALL_LIMIT:
        yield _refuse("REGF-CALL-FREQUENCY", f"{len(calls)} calls in the last 7 days already")
    if any(call.connected for call in calls):
        yield _refuse(
            "REGF-CALL-AFTER-CONVERSATION", "a telephone conversation took place within 7 days"
        )


def no_third_parties(debt: Debt, action: Action, log: Sequence[LogEntry]) -> Iterator[Finding]:
    """15 U.S.C. 1692c(b): the debt is discussed with the guarantor only, never a third party."""
    if action.kind is not ActionKind.AGENCY_ASSIGNMENT and action.recipient_id != debt.guarantor_id:
        yield _refuse("FDCPA-THIRD-PARTY", "the recipient is not the guarantor who owes the debt")


SAFEGUARDS: tuple[Safeguard, ...] = (
    validation_notice_first,
    convenient_hours,
    cease_communication,
    disputed_debt,
    call_frequency,
    no_third_parties,
)


def check_action(debt: Debt, action: Action, log: Sequence[LogEntry]) -> LogEntry:
    """Check a proposed action against every safeguard; the result is logged either way."""
    if action.debt_id != debt.id:
        raise ValueError("the action is for another debt")
    reasons = tuple(f for safeguard in SAFEGUARDS for f in safeguard(debt, action, log))
    return LogEntry(action=action, allowed=not reasons, reasons=reasons)


def make_validation_notice(debt: Debt, sent_on: date) -> ValidationNotice:
    """The validation notice for `debt`, with the dispute deadline 30 days after receipt
    (counted, conservatively, from five business days after mailing)."""
    received = sent_on + timedelta(days=5)
    return ValidationNotice(
        debt_id=debt.id,
        creditor=debt.creditor,
        itemization_date=debt.itemization_date,
        amount_on_itemization_date=debt.amount_on_itemization_date,
        current_amount=debt.amount,
        sent_on=sent_on,
        dispute_deadline=received + timedelta(days=VALIDATION_PERIOD_DAYS),
    )


def notice_problems(notice: ValidationNotice) -> list[str]:
    """What a validation notice is missing: amount, creditor, itemization date, dispute right."""
    problems = []
    if notice.current_amount <= 0:
        problems.append("the amount owed")
    if not notice.creditor.strip():
        problems.append("the creditor")
    if notice.itemization_date > notice.sent_on:
        problems.append("an itemization date on or before the notice")
    if (notice.dispute_deadline - notice.sent_on).days < VALIDATION_PERIOD_DAYS:
        problems.append("a dispute period of at least 30 days")
    return problems
