"""Denial work queue use cases: build the queue from posted denials, and work each case.

`sync_cases` turns the denials 835 posting queued (remittance work items of kind
"denial") into stored `DenialCase`s, one per claim and payment, and tracks outcomes: a case
that was appealed or corrected and whose claim the payer has decided again gets the
outcome that decision implies. `denial_queue` returns the open cases re-ranked for today.
The actions each change the claim through the state machine, log what was done on the
case, and commit together: `appeal` (a letter PDF; the claim goes to appealed),
`correct` (the stored claim becomes its frequency-7 replacement and goes to appealed, to
be sent in an 837), `void` (frequency 8; the claim is voided or closed), `write_off` (a
ledger entry with a reason; the claim is closed) and `record_outcome`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openrcm.denials.actions import (
    WriteOffReason,
    corrected_claim,
    denial_write_off,
    void_claim,
    with_modifier,
)
from openrcm.denials.appeals import AppealLetter, AppealOutcome, build_appeal_letter
from openrcm.denials.deadlines import AppealPolicy
from openrcm.denials.queue import CaseState, DenialCase, build_cases, rank, refreshed, split_label
from openrcm.denials.reasons import ReasonCodes
from openrcm.domain.claim import Claim, Diagnosis, DiagnosisKind
from openrcm.domain.claim_state import ClaimStatus, can_transition
from openrcm.domain.money import ZERO, to_money
from openrcm.domain.party import Payer
from openrcm.ledger import JournalEntry, SourceKind, claim_balance
from openrcm.remit.queues import Denial
from openrcm.service.ledger import ledger_of
from openrcm.service.reports import followup_of

OPEN_STATES = (CaseState.OPEN, CaseState.APPEALED, CaseState.CORRECTED)
DECIDED = {ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED}


class DenialError(ValueError):
    """A denial action that cannot be done as asked (no such case, no payer claim number)."""


def _denial(item: Mapping[str, Any]) -> Denial:
    return Denial(
        check=item["check"],
        patient_control_number=item["patient_control_number"],
        claim_id=item["claim_id"],
        payer_id=item["payer_id"],
        denied_amount=Decimal(item["denied_amount"]),
        denial_date=date.fromisoformat(item["denial_date"]),
        line=item.get("line"),
        procedure=item.get("procedure"),
        carcs=tuple(item.get("carcs") or ()),
        remark_codes=tuple(item.get("remark_codes") or ()),
        payer_claim_number=item.get("payer_claim_number"),
    )


def _payers(uow: Any, ids: set[str]) -> dict[str, Payer]:
    found = {}
    for payer_id in ids:
        payer = uow.payers.get(payer_id)
        if payer is not None:
            found[payer_id] = payer
    return found


@dataclass(frozen=True, slots=True)
class SyncSummary:
    new_cases: int
    outcomes_recorded: int


def sync_cases(
    uow: Any,
    codes: ReasonCodes,
    *,
    today: date,
    policies: Mapping[str, AppealPolicy] | None = None,
) -> SyncSummary:
    """Store a case for every posted denial not yet in the queue; track decided appeals."""
    with uow:
        repo = followup_of(uow)
        items = ledger_of(uow).work_items(kind="denial", open_only=False, limit=10_000_000)
        denials = [_denial(i) for i in items]
        payers = _payers(uow, {d.payer_id for d in denials})
        known = repo.case_ids()
        cases = [
            c
            for c in build_cases(denials, payers, codes, today=today, policies=policies)
            if c.id not in known
        ]
        repo.add_cases(cases)
        outcomes = _track_outcomes(uow, repo)
        uow.commit()
    return SyncSummary(len(cases), outcomes)


def _track_outcomes(uow: Any, repo: Any) -> int:
    """Appealed or corrected cases whose claim the payer decided again get an outcome; what
    was recovered is the money later payments (not the denying one) brought in."""
    recorded = 0
    for case in repo.cases(states=(CaseState.APPEALED, CaseState.CORRECTED)):
        history = uow.claims.history(case.claim_id)
        appealed = [h for h in history if h.to_status is ClaimStatus.APPEALED]
        if not appealed:
            continue
        since = appealed[-1].changed_at
        decided = [h for h in history if h.changed_at >= since and h.to_status in DECIDED]
        if not decided:
            continue
        last = decided[-1]
        outcome = {
            ClaimStatus.PAID: AppealOutcome.OVERTURNED,
            ClaimStatus.PARTIALLY_PAID: AppealOutcome.PARTIALLY_OVERTURNED,
            ClaimStatus.DENIED: AppealOutcome.UPHELD,
        }[last.to_status]
        entries = ledger_of(uow).entries(claim=case.patient_control_number)
        recovered = sum(
            (
                e.cash
                for e in entries
                if e.source is SourceKind.CLAIM_PAYMENT
                and e.check != case.check
                and e.entry_date >= case.denial_date
            ),
            ZERO,
        )
        repo.update_case(
            case.id,
            state=CaseState.OPEN if outcome is AppealOutcome.UPHELD else CaseState.RESOLVED,
            action="outcome",
            detail={"outcome": outcome.value, "source": "835", "recovered": str(recovered)},
            outcome=outcome.value,
            outcome_date=last.changed_at.date(),
            recovered_amount=to_money(recovered),
        )
        recorded += 1
    return recorded


def denial_queue(
    uow: Any,
    codes: ReasonCodes,
    *,
    today: date,
    policies: Mapping[str, AppealPolicy] | None = None,
    sync: bool = True,
) -> list[DenialCase]:
    """The open cases, re-ranked for `today` (after syncing new denials unless `sync` is off)."""
    if sync:
        sync_cases(uow, codes, today=today, policies=policies)
    with uow:
        cases = followup_of(uow).cases(states=OPEN_STATES)
    return rank(refreshed(c, today) for c in cases)


def _open_case(repo: Any, key: str) -> DenialCase:
    """A case by id, or the newest open case of a claim (by CLM01)."""
    found = repo.case(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    cases: list[DenialCase] = [c for c in repo.cases(claim=key) if c.state.open]
    if not cases:
        raise DenialError(f"no open denial case for {key!r}")
    return max(cases, key=lambda c: (c.denial_date, c.id))


def _stored_claim(uow: Any, case: DenialCase) -> Claim:
    claim = uow.claims.by_control_number(case.patient_control_number)
    if claim is None:
        raise DenialError(f"claim {case.patient_control_number} is not on file")
    return claim  # type: ignore[no-any-return]


def _move(uow: Any, claim: Claim, status: ClaimStatus, reason: str) -> Claim:
    if claim.status is status or not can_transition(claim.status, status):
        return claim
    return uow.claims.set_status(claim, status, reason=reason)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class AppealResult:
    case: DenialCase
    letter: AppealLetter
    path: Path
    late: bool  # the deadline had passed when the letter was written


def appeal(
    uow: Any,
    key: str,
    codes: ReasonCodes,
    *,
    out_dir: Path,
    today: date,
    signer: str,
    enclosures: Sequence[str] = (),
    argument: str | None = None,
    contact_phone: str | None = None,
) -> AppealResult:
    """Write the appeal letter PDF for a case (by id or CLM01) and mark it appealed."""
    from openrcm.forms.appeal_letter import render_appeal_letter

    with uow:
        repo = followup_of(uow)
        case = refreshed(_open_case(repo, key), today)
        claim = _stored_claim(uow, case)
        letter = build_appeal_letter(
            case,
            claim,
            codes,
            letter_date=today,
            signer=signer,
            enclosures=enclosures,
            argument=argument,
            contact_phone=contact_phone,
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"appeal-{_safe(case.patient_control_number)}.pdf"
        path.write_bytes(render_appeal_letter(letter))
        _move(uow, claim, ClaimStatus.APPEALED, f"appeal sent: {case.appeal_level}"[:500])
        updated = repo.update_case(
            case.id,
            state=CaseState.APPEALED,
            action="appeal",
            detail={
                "letter": path.name,
                "level": case.appeal_level,
                "deadline": case.deadline.isoformat(),
                "enclosures": list(letter.enclosures),
            },
        )
        uow.commit()
    return AppealResult(updated, letter, path, late=case.days_left < 0)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


@dataclass(frozen=True, slots=True)
class Correction:
    """What to change on a corrected claim: modifiers added per line, replaced diagnoses,
    an authorisation or referral number, lines dropped."""

    add_modifiers: tuple[tuple[int, str], ...] = ()
    diagnoses: tuple[str, ...] = ()
    prior_authorization: str | None = None
    referral_number: str | None = None
    drop_lines: tuple[int, ...] = ()


def correct(uow: Any, key: str, correction: Correction, *, today: date) -> tuple[DenialCase, Claim]:
    """Replace the stored claim with its corrected version (frequency 7, REF*F8 the payer's
    claim control number) and mark it appealed; the caller sends it in an 837."""
    with uow:
        repo = followup_of(uow)
        case = _open_case(repo, key)
        claim = _stored_claim(uow, case)
        number = case.payer_claim_control_number or claim.payer_claim_control_number
        if not number:
            raise DenialError(
                f"claim {claim.patient_control_number} has no payer claim control number "
                "(CLP07) to replace"
            )
        lines = list(claim.lines)
        for line_number, modifier in correction.add_modifiers:
            if not 1 <= line_number <= len(lines):
                raise DenialError(f"claim {claim.patient_control_number} has no line {line_number}")
            lines[line_number - 1] = with_modifier(lines[line_number - 1], modifier.upper())
        if correction.drop_lines:
            kept = [line for line in lines if line.number not in correction.drop_lines]
            if not kept:
                raise DenialError("a corrected claim keeps at least one line")
            lines = [line.model_copy(update={"number": n}) for n, line in enumerate(kept, 1)]
        diagnoses = None
        if correction.diagnoses:
            diagnoses = tuple(
                Diagnosis(
                    code=code, kind=DiagnosisKind.PRINCIPAL if n == 0 else DiagnosisKind.OTHER
                )
                for n, code in enumerate(correction.diagnoses)
            )
        fixed = corrected_claim(
            claim,
            number,
            lines=tuple(lines),
            diagnoses=diagnoses,
            prior_authorization=correction.prior_authorization,
            referral_number=correction.referral_number,
        )
        uow.claims.update(fixed)
        moved = _move(uow, fixed, ClaimStatus.APPEALED, "corrected claim (frequency 7) sent")
        updated = repo.update_case(
            case.id,
            state=CaseState.CORRECTED,
            action="correct",
            detail={
                "frequency_code": "7",
                "payer_claim_control_number": number,
                "add_modifiers": [f"{n}:{m}" for n, m in correction.add_modifiers],
                "diagnoses": list(correction.diagnoses),
                "prior_authorization": correction.prior_authorization,
                "referral_number": correction.referral_number,
                "drop_lines": list(correction.drop_lines),
                "on": today.isoformat(),
            },
        )
        uow.commit()
    return updated, moved


def void(uow: Any, key: str, *, today: date) -> tuple[DenialCase, Claim]:
    """Void the claim (frequency 8) at the payer; the stored claim is voided (or closed when
    money was paid on it) and the case closed as voided."""
    with uow:
        repo = followup_of(uow)
        case = _open_case(repo, key)
        claim = _stored_claim(uow, case)
        number = case.payer_claim_control_number or claim.payer_claim_control_number
        if not number:
            raise DenialError(
                f"claim {claim.patient_control_number} has no payer claim control number to void"
            )
        voided = void_claim(claim, number)
        uow.claims.update(voided)
        target = (
            ClaimStatus.VOID
            if can_transition(voided.status, ClaimStatus.VOID)
            else ClaimStatus.CLOSED
        )
        moved = _move(uow, voided, target, "void (frequency 8) sent")
        updated = repo.update_case(
            case.id,
            state=CaseState.VOIDED,
            action="void",
            detail={"payer_claim_control_number": number, "on": today.isoformat()},
        )
        uow.commit()
    return updated, moved


def write_off(
    uow: Any,
    key: str,
    reason: WriteOffReason,
    *,
    today: date,
    amount: Decimal | None = None,
    note: str | None = None,
) -> tuple[DenialCase, JournalEntry]:
    """Write the denied amount (or `amount`) off in the ledger with `reason`; close the claim."""
    with uow:
        repo = followup_of(uow)
        case = _open_case(repo, key)
        claim = _stored_claim(uow, case)
        ledger = ledger_of(uow)
        entries = ledger.entries(claim=claim.patient_control_number)
        balance = claim_balance(entries, claim.patient_control_number) if entries else None
        insurance = balance.insurance_balance if balance is not None else ZERO
        group = next(
            (g for g, _ in map(split_label, case.carcs) if g and g != "PR"),
            None,
        )
        entry = denial_write_off(
            entry_id=f"denial-write-off:{case.id}"[:160],
            claim=claim,
            amount=to_money(amount if amount is not None else case.denied_amount),
            reason=reason,
            entry_date=today,
            insurance_balance=insurance,
            denial_group=group,
        )
        ledger.add([entry])
        _move(uow, claim, ClaimStatus.CLOSED, f"denial written off: {reason.value}")
        updated = repo.update_case(
            case.id,
            state=CaseState.WRITTEN_OFF,
            action="write_off",
            detail={
                "reason": reason.value,
                "amount": str(to_money(amount if amount is not None else case.denied_amount)),
                "note": note,
                "on": today.isoformat(),
            },
        )
        uow.commit()
    return updated, entry


def record_outcome(
    uow: Any,
    key: str,
    outcome: AppealOutcome,
    *,
    on: date,
    recovered: Decimal = ZERO,
) -> DenialCase:
    """Record what the payer decided on an appeal; an upheld denial reopens the case."""
    with uow:
        repo = followup_of(uow)
        case = repo.case(key) or max(
            repo.cases(claim=key), key=lambda c: (c.denial_date, c.id), default=None
        )
        if case is None:
            raise DenialError(f"no denial case for {key!r}")
        state = (
            CaseState.RESOLVED
            if outcome in {AppealOutcome.OVERTURNED, AppealOutcome.PARTIALLY_OVERTURNED}
            else CaseState.OPEN
        )
        updated = repo.update_case(
            case.id,
            state=state,
            action="outcome",
            detail={"outcome": outcome.value, "recovered": str(to_money(recovered))},
            outcome=outcome.value,
            outcome_date=on,
            recovered_amount=to_money(recovered),
        )
        uow.commit()
    return updated


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    """How the denial work went: cases by state and outcome, money recovered."""

    by_state: dict[str, int]
    by_outcome: dict[str, int]
    recovered: Decimal
    overturn_rate: Decimal | None  # overturned (fully or partly) over decided appeals


def outcome_summary(uow: Any) -> OutcomeSummary:
    with uow:
        rows = followup_of(uow).outcomes()
    by_state: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    recovered = ZERO
    for _, state, outcome, amount in rows:
        by_state[state] = by_state.get(state, 0) + 1
        if outcome:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
        recovered += amount or ZERO
    won = by_outcome.get("overturned", 0) + by_outcome.get("partially_overturned", 0)
    decided = won + by_outcome.get("upheld", 0)
    rate = (Decimal(won) / decided).quantize(Decimal("0.0001")) if decided else None
    return OutcomeSummary(by_state, by_outcome, to_money(recovered), rate)
