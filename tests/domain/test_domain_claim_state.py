"""The claim lifecycle: every allowed move works, illegal ones are refused with a clear error."""

import pytest

from openrcm.domain import ClaimStatus, IllegalTransition, can_transition, transition
from openrcm.domain.claim_state import TRANSITIONS

S = ClaimStatus
ALLOWED = [(src, dst) for src, targets in TRANSITIONS.items() for dst in sorted(targets)]


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_transition_is_taken(current: ClaimStatus, target: ClaimStatus) -> None:
    assert transition(current, target) is target
    assert can_transition(current, target)


REFUSED = [
    (S.DRAFT, S.SUBMITTED),  # a claim is scrubbed (ready) before it goes out
    (S.DRAFT, S.PAID),
    (S.READY, S.PAID),
    (S.SUBMITTED, S.DRAFT),  # a claim in the payer's hands is not edited in place
    (S.REJECTED, S.PAID),
    (S.PAID, S.DRAFT),
    (S.DENIED, S.SUBMITTED),  # corrected claims are new claims (frequency 7)
    (S.CLOSED, S.PAID),
    (S.VOID, S.DRAFT),
    (S.VOID, S.READY),
    (S.APPEALED, S.SUBMITTED),
]


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_illegal_transitions_are_refused(current: ClaimStatus, target: ClaimStatus) -> None:
    assert not can_transition(current, target)
    with pytest.raises(IllegalTransition) as exc:
        transition(current, target)
    assert exc.value.current is current and exc.value.target is target
    assert current.value in str(exc.value) and target.value in str(exc.value)


def test_every_status_has_an_entry_and_void_is_final() -> None:
    assert set(TRANSITIONS) == set(ClaimStatus)
    assert TRANSITIONS[S.VOID] == frozenset()


def test_every_status_is_reachable_from_draft() -> None:
    seen, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(ClaimStatus)
