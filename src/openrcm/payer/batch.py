"""A payer's batch: an 837 file in, adjudications and an 835 interchange out.

`adjudicate_837(text, book, schedules)` reads the professional and institutional claims
of an 837 (`openrcm.x12`), adjudicates them in file order with one `PayerState`, groups
the claim payments into balanced remittances and writes them as one 835 interchange.
Dates default to the 837's own interchange date, so the same file gives the same 835.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding
from openrcm.domain.remittance import Remittance
from openrcm.payer.adjudicate import Adjudication, Adjudicator, PayerState
from openrcm.payer.configuration import PayerBook
from openrcm.payer.remittance import build_remittances
from openrcm.pricing.medicare_pfs import MedicarePfs


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one 837 file produced."""

    adjudications: tuple[Adjudication, ...]
    remittances: tuple[Remittance, ...]
    findings: tuple[Finding, ...]  # from reading the 837
    text_835: str | None  # None when there were no claims
    received_date: date
    payment_date: date


def interchange_date(text: str) -> date | None:
    """ISA09 (YYMMDD) of the first interchange in `text`, when there is one."""
    start = text.find("ISA")
    if start < 0 or len(text) < start + 106:
        return None
    fields = text[start : start + 106].split(text[start + 3])
    try:
        stamp = fields[9]
        return date(2000 + int(stamp[:2]), int(stamp[2:4]), int(stamp[4:6]))
    except (IndexError, ValueError):
        return None


def read_claims(text: str) -> tuple[tuple[Claim, ...], tuple[Finding, ...]]:
    """Professional then institutional claims of an 837 file, with the reading findings."""
    from openrcm.x12 import read_837i, read_837p

    professional, found_p = read_837p(text)
    institutional: tuple[Claim, ...] = ()
    found_i: tuple[Finding, ...] = ()
    if "X223" in text:
        institutional, found_i = read_837i(text)
    return professional + institutional, found_p + found_i


def write_remittances(
    remittances: Sequence[Remittance], *, sender_id: str, receiver_id: str, created: date
) -> str:
    """The remittances as one 835 interchange (ISA/GS control number 1)."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t835 import write_835

    header = InterchangeHeader(
        sender_id=sender_id[:15],
        receiver_id=receiver_id[:15],
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.combine(created, time(12, 0)),
    )
    return write_835(remittances, header)


def adjudicate_batch(
    claims: Sequence[Claim],
    book: PayerBook,
    schedules: Sequence[MedicarePfs],
    *,
    received_date: date,
    payment_date: date | None = None,
    state: PayerState | None = None,
) -> tuple[tuple[Adjudication, ...], tuple[Remittance, ...]]:
    """Adjudicate claims in order and group the decisions into balanced remittances."""
    engine = Adjudicator(book, schedules, state=state)
    adjudications = tuple(engine.adjudicate(claim, received_date=received_date) for claim in claims)
    remittances = build_remittances(adjudications, payment_date=payment_date or received_date)
    return adjudications, remittances


def adjudicate_837(
    text: str,
    book: PayerBook,
    schedules: Sequence[MedicarePfs],
    *,
    received_date: date | None = None,
    payment_date: date | None = None,
    state: PayerState | None = None,
) -> BatchResult:
    """Read an 837, adjudicate every claim, and write the 835 answering it."""
    claims, findings = read_claims(text)
    received = received_date or interchange_date(text) or date(2025, 1, 1)
    paid_on = payment_date or received
    adjudications, remittances = adjudicate_batch(
        claims, book, schedules, received_date=received, payment_date=paid_on, state=state
    )
    text_835 = None
    if remittances:
        payer = remittances[0].payer.identifier or "PAYER"
        text_835 = write_remittances(
            remittances,
            sender_id=payer,
            receiver_id=remittances[0].payee.identifier or "PAYEE",
            created=paid_on,
        )
    return BatchResult(adjudications, remittances, findings, text_835, received, paid_on)
