"""The claim lifecycle as an explicit state machine that refuses illegal moves.

A claim is built (draft), checked (ready), sent (submitted), acknowledged (accepted or
rejected), decided by the payer (adjudicated, paid, partially paid, denied), possibly
appealed, and finally closed or voided. Reversals and take-backs reopen a decided claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ADJUDICATED = "adjudicated"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    CLOSED = "closed"
    VOID = "void"


S = ClaimStatus
_DECIDED = frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED})

TRANSITIONS: Mapping[ClaimStatus, frozenset[ClaimStatus]] = MappingProxyType(
    {
        # built and edited; scrubbed clean makes it ready
        S.DRAFT: frozenset({S.READY, S.VOID}),
        # back to draft to fix, out the door, or abandoned
        S.READY: frozenset({S.DRAFT, S.SUBMITTED, S.VOID}),
        # a 999/277CA answers: accepted into adjudication or rejected at the front door.
        # Payers that skip acknowledgements answer straight with an 835.
        S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED} | _DECIDED | {S.ADJUDICATED}),
        # rejected claims are corrected and resubmitted, or voided
        S.REJECTED: frozenset({S.DRAFT, S.READY, S.VOID}),
        S.ACCEPTED: frozenset({S.ADJUDICATED} | _DECIDED | {S.REJECTED}),
        S.ADJUDICATED: _DECIDED | {S.CLOSED},
        # a paid claim can be reversed (back to adjudicated) or closed when its balance is zero
        S.PAID: frozenset({S.ADJUDICATED, S.CLOSED, S.PARTIALLY_PAID, S.DENIED}),
        S.PARTIALLY_PAID: frozenset({S.PAID, S.APPEALED, S.CLOSED, S.ADJUDICATED, S.DENIED}),
        S.DENIED: frozenset(
            {S.APPEALED, S.CLOSED, S.VOID, S.ADJUDICATED, S.PAID, S.PARTIALLY_PAID}
        ),
        S.APPEALED: _DECIDED | {S.CLOSED},
        # a closed claim reopens only when the payer reverses or takes money back
        S.CLOSED: frozenset({S.ADJUDICATED}),
        S.VOID: frozenset(),
    }
)


class IllegalTransition(ValueError):
    """A claim was asked to move where its lifecycle does not go."""

    def __init__(self, current: ClaimStatus, target: ClaimStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nowhere (it is final)"
        super().__init__(
            f"a {current.value} claim cannot become {target.value}; from {current.value} it may "
            f"go to: {allowed}"
        )
        self.current, self.target = current, target


def can_transition(current: ClaimStatus, target: ClaimStatus) -> bool:
    return target in TRANSITIONS[current]


def transition(current: ClaimStatus, target: ClaimStatus) -> ClaimStatus:
    """Return `target` when the move is legal; raise `IllegalTransition` when it is not."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
    return target
