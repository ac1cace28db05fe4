"""Account inquiries: calls and messages from patients and payers, and the follow-up they need.

An `Inquiry` is one contact about an account (and, often, one claim): who called, how, and
what it was about. A `FollowUpTask` is the work it left, with a due date; `overdue` and
`due_by` pick the tasks a biller must look at. The summary is patient data: it is stored,
never logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class InquirySource(StrEnum):
    PATIENT = "patient"  # the patient or the guarantor
    PAYER = "payer"


class InquiryChannel(StrEnum):
    CALL = "call"
    MESSAGE = "message"  # portal or e-mail
    LETTER = "letter"
    VISIT = "visit"  # at the front desk


@dataclass(frozen=True, slots=True, kw_only=True)
class Inquiry:
    """One contact about an account; `claim` (CLM01) and `payer_id` when it concerns them."""

    id: str
    guarantor_id: str
    source: InquirySource
    channel: InquiryChannel
    received_at: datetime  # aware, UTC
    summary: str
    claim: str | None = None
    payer_id: str | None = None
    taken_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", InquirySource(self.source))
        object.__setattr__(self, "channel", InquiryChannel(self.channel))
        if self.received_at.tzinfo is None:
            raise ValueError("an inquiry's time needs a time zone")
        if not self.summary.strip():
            raise ValueError("an inquiry needs a summary of what was asked")
        if self.source is InquirySource.PAYER and not self.payer_id:
            raise ValueError("a payer inquiry names the payer")


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpTask:
    """Work an inquiry left: what, by when, by whom; `done_on` once finished."""

    id: str
    inquiry_id: str
    description: str
    due_date: date
    assignee: str | None = None
    done_on: date | None = None

    @property
    def open(self) -> bool:
        return self.done_on is None


def overdue(tasks: Iterable[FollowUpTask], as_of: date) -> list[FollowUpTask]:
    """Open tasks past their due date, oldest first."""
    return sorted((t for t in tasks if t.open and t.due_date < as_of), key=_order)


def due_by(tasks: Iterable[FollowUpTask], day: date) -> list[FollowUpTask]:
    """Open tasks due on or before `day`, oldest first."""
    return sorted((t for t in tasks if t.open and t.due_date <= day), key=_order)


def _order(task: FollowUpTask) -> tuple[date, str]:
    return task.due_date, task.id
