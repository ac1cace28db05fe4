"""Benchmark: patient statements generated per second for 50,000 guarantors.

Builds, in bulk, a practice with N self-guaranteed patients (SQLite file by default, or
`--url`), one or two claims each (two lines), and for each claim a charge entry and an 835
claim-payment entry (paid, CO-45, PR deductible/coinsurance/copay to the patient); every
fifth claim is left unadjudicated (insurance pending). Then times, end to end on the stored
ledger, `service.patients.run_statement_cycle`: load entries and claim facts, derive every
guarantor's claims, build the statements (with their JSON export documents), store the
statements and the dunning standing, commit. A second, on-demand run also writes the JSON
and CSV exports to disk; PDF rendering is timed on a sample.

Baseline from the same run on the same data: the ledger's own derivation alone (load every
entry and `claim_balances` over them), the floor any statement run stands on.

    .venv/bin/python bench/statements.py [--guarantors 50000] [--url URL] [--pdf-sample 300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from openrcm.domain import Payer, Tenant
from openrcm.ledger import (
    CONTRACTUAL_ADJUSTMENT,
    DEPOSITS,
    REVENUE,
    JournalEntry,
    Leg,
    SourceKind,
    claim_balances,
    insurance_ar,
    patient_ar,
)
from openrcm.service import ledger as ledger_service
from openrcm.service.patients import run_statement_cycle
from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory
from openrcm.store.tables import ClaimLineRow, ClaimRow, PatientRow

D = Decimal
PAYER = "87726"
TENANT = "bench-statements"


def build(url: str, guarantors: int) -> int:
    """Store the practice in bulk; returns the number of claims."""
    factory = session_factory(engine(url))
    with SqlUnitOfWork(factory, TENANT) as uow:
        uow.tenants.add(Tenant(id=TENANT, name="Elm Street Family Medicine"))
        uow.payers.add(Payer(id=PAYER, name="Prairie Health"))
        uow.commit()
    now = datetime.now(UTC)
    claims = 0
    with SqlUnitOfWork(factory, TENANT) as uow:
        session = uow.session
        ledger = ledger_service.ledger_of(uow)
        for start in range(0, guarantors, 5000):
            patients, claim_rows, lines, entries = [], [], [], []
            for n in range(start, min(start + 5000, guarantors)):
                pid = f"P{n:06d}"
                patients.append(
                    {
                        "tenant_id": TENANT,
                        "id": pid,
                        "last_name": f"Family{n % 997}",
                        "first_name": "Ana",
                        "birth_date": date(1970, 1, 1) + timedelta(days=n % 9000),
                        "sex": "F",
                        "address_line1": f"{n % 900 + 1} Elm Street",
                        "address_city": "Springfield",
                        "address_state": "IL",
                        "address_zip_code": "62701",
                        "time_zone": "America/Chicago",
                    }
                )
                for k in range(1 + n % 2):
                    claims += 1
                    pcn = f"C{n:06d}{k}"
                    dos = date(2025, 1, 6) + timedelta(days=(n + 17 * k) % 60)
                    claim_rows.append(
                        {
                            "tenant_id": TENANT,
                            "id": f"id-{pcn}",
                            "patient_control_number": pcn,
                            "status": "paid",
                            "kind": "professional",
                            "total_charge_amount": D("205.00"),
                            "payer_id": PAYER,
                            "patient_id": pid,
                            "first_service_date": dos,
                            "frequency_code": "1",
                            "created_at": now,
                            "updated_at": now,
                            "document": "{}",
                        }
                    )
                    for number, (code, charge) in enumerate(
                        (("99214", D("150.00")), ("82947", D("55.00"))), 1
                    ):
                        lines.append(
                            {
                                "tenant_id": TENANT,
                                "claim_id": f"id-{pcn}",
                                "number": number,
                                "procedure": code,
                                "modifiers": [],
                                "units": D("1"),
                                "charge_amount": charge,
                                "service_date": dos,
                            }
                        )
                    entries.extend(_entries(pcn, pid, dos, adjudicated=(n + k) % 5 != 0))
            session.execute(insert(PatientRow), patients)
            session.execute(insert(ClaimRow), claim_rows)
            session.execute(insert(ClaimLineRow), lines)
            ledger.add(entries)
        uow.commit()
    return claims


def _entries(pcn: str, pid: str, dos: date, *, adjudicated: bool) -> list[JournalEntry]:
    ar = insurance_ar(PAYER)
    charge = JournalEntry(
        id=f"charge:{pcn}",
        entry_date=dos,
        source=SourceKind.CHARGE,
        source_id=pcn,
        legs=(
            Leg(ar, D("150.00"), 1, "charge"),
            Leg(REVENUE, D("-150.00"), 1, "charge"),
            Leg(ar, D("55.00"), 2, "charge"),
            Leg(REVENUE, D("-55.00"), 2, "charge"),
        ),
        claim=pcn,
        patient_id=pid,
        payer_id=PAYER,
    )
    if not adjudicated:
        return [charge]
    g = patient_ar(pid)
    paid = JournalEntry(
        id=f"835:{PAYER}/EFT:{pcn}",
        entry_date=dos + timedelta(days=21),
        source=SourceKind.CLAIM_PAYMENT,
        source_id=pcn,
        legs=(
            Leg(DEPOSITS, D("100.00"), None, "paid"),
            Leg(ar, D("-70.00"), 1, "paid"),
            Leg(ar, D("-30.00"), 2, "paid"),
            Leg(CONTRACTUAL_ADJUSTMENT, D("33.00"), None, "CO-45"),
            Leg(ar, D("-33.00"), None, "CO-45"),
            Leg(g, D("40.00"), 1, "PR-1"),
            Leg(ar, D("-40.00"), 1, "PR-1"),
            Leg(g, D("20.00"), 1, "PR-3"),
            Leg(ar, D("-20.00"), 1, "PR-3"),
            Leg(g, D("12.00"), 2, "PR-2"),
            Leg(ar, D("-12.00"), 2, "PR-2"),
        ),
        claim=pcn,
        patient_id=pid,
        payer_id=PAYER,
        check=f"{PAYER}/EFT",
        adjudication_status="1",
    )
    return [charge, paid]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guarantors", type=int, default=50_000)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--pdf-sample", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="openrcm-bench-statements-"))
    url = args.url or f"sqlite:///{folder / 'bench.db'}"
    migrate(url)
    started = time.perf_counter()
    claims = build(url, args.guarantors)
    built = time.perf_counter() - started
    factory = session_factory(engine(url))
    uow = SqlUnitOfWork(factory, TENANT)
    as_of = date(2025, 4, 30)

    started = time.perf_counter()
    with uow:
        entries = ledger_service.ledger_of(uow).entries()
    summaries = claim_balances(entries)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    results = run_statement_cycle(uow, as_of=as_of, out_dir=None, cycle=True)
    cycle = time.perf_counter() - started

    out = folder / "exports"
    started = time.perf_counter()
    exported = run_statement_cycle(uow, as_of=as_of, out_dir=out, cycle=False, pdf=False)
    export = time.perf_counter() - started

    from openrcm.forms.statement import StatementParties, render_statement

    parties = StatementParties(
        "Elm Street Family Medicine", ("400 Elm Street", "Springfield, IL 62701"), "", "A", (), "G"
    )
    sample = [r.statement for r in results[: args.pdf_sample]]
    started = time.perf_counter()
    for statement in sample:
        render_statement(statement, parties)
    pdf = time.perf_counter() - started

    due = sum((r.statement.amount_due for r in results), D(0))
    print(
        f"data: {args.guarantors:,} guarantors, {claims:,} claims, {len(entries):,} entries "
        f"(built in {built:.1f} s) on {url.split(':', 1)[0]}"
    )
    print(
        f"baseline  load entries + claim_balances: {baseline:6.2f} s "
        f"({len(summaries) / baseline:,.0f} claims/s, "
        f"{args.guarantors / baseline:,.0f} guarantors/s)"
    )
    print(
        f"cycle     run_statement_cycle (stored): {cycle:6.2f} s -> {len(results):,} statements, "
        f"{len(results) / cycle:,.0f} statements/s (total due {due:,.2f})"
    )
    print(
        f"on-demand with JSON + CSV files:       {export:6.2f} s -> {len(exported):,} statements, "
        f"{len(exported) / export:,.0f} statements/s"
    )
    if sample:
        print(
            f"PDF       render_statement x {len(sample)}:       {pdf:6.2f} s -> "
            f"{len(sample) / pdf:,.0f} PDFs/s"
        )
    print(
        f"statements vs baseline: {cycle / baseline:.1f}x the time of deriving the balances alone"
    )


if __name__ == "__main__":
    main()
