"""Benchmark: claims posted per second from one 835 of 10,000 claims, on PostgreSQL.

Builds a practice with N stored claims (two lines each) in a fresh PostgreSQL schema (and a
fresh SQLite file), writes one 835 paying every claim (CO-45 contractual, PR
deductible/coinsurance, a few denials), then times `service.remit.post_835` end to end:
read, match, post, store entries, work items, the payment record and claim statuses,
commit. Baselines from the same run on the same input: reading the 835 alone (`read_835`)
and pure posting without a database (`post_remittance`). The machine's load average is
printed before and after, since the figures move with it.

    .venv/bin/python bench/post.py [--claims 10000] [--backend postgresql|sqlite|both]
                                   [--url postgresql+psycopg://...] [--no-claim-status]

The URL defaults to OPENRCM_TEST_PG_URL, else 127.0.0.1:5432 database `test` as `postgres`.
Target: at least 2,000 claims per second on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import event, make_url

from openrcm.domain import (
    Adjustment,
    Claim,
    ClaimPayment,
    ClaimPaymentStatus,
    ClaimStatus,
    Remittance,
    ServicePayment,
    Tenant,
)
from openrcm.domain.remittance import Party
from openrcm.ledger import charge_entry, trial_balance
from openrcm.remit import post_remittance
from openrcm.service import ledger as ledger_service
from openrcm.service.remit import post_835
from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import read_835, write_835

NPI = "1234567893"
PERSON = {"name": {"last": "Rivera", "first": "Ana"}, "birth_date": date(1970, 5, 2), "sex": "F"}


def template() -> Claim:
    return Claim.model_validate(
        {
            "id": "tmpl",
            "patient_control_number": "TMPL",
            "status": "submitted",
            "total_charge_amount": "205.00",
            "diagnoses": [{"code": "E11.40", "kind": "ABK"}],
            "lines": [
                {
                    "number": 1,
                    "procedure": "99214",
                    "charge_amount": "150.00",
                    "service_date": date(2025, 3, 4),
                },
                {
                    "number": 2,
                    "procedure": "82947",
                    "charge_amount": "55.00",
                    "service_date": date(2025, 3, 4),
                },
            ],
            "billing_provider": {
                "id": "b",
                "npi": NPI,
                "entity_type": "2",
                "name": "Elm Clinic",
                "tin": "361234567",
            },
            "patient": {"id": "pt1", "guarantor_id": None, **PERSON},
            "coverage": {
                "id": "cov",
                "patient_id": "pt1",
                "payer_id": "87726",
                "subscriber": PERSON,
                "member_id": "W123456789",
                "effective_date": date(2025, 1, 1),
            },
            "payer": {"id": "87726", "name": "Prairie Health Plan"},
        }
    )


def claims(n: int) -> list[Claim]:
    base = template()
    return [
        base.model_copy(update={"id": f"clm-{i:06d}", "patient_control_number": f"PCN{i:07d}"})
        for i in range(n)
    ]


def payment(c: Claim, i: int) -> ClaimPayment:
    a = lambda g, r, amt: Adjustment(group=g, reason=r, amount=Decimal(amt))  # noqa: E731
    if i % 25 == 0:  # a denial now and then
        lines = tuple(
            ServicePayment(
                procedure=line.procedure,
                charge_amount=line.charge_amount,
                paid_amount=Decimal("0.00"),
                adjustments=(a("CO", "50", str(line.charge_amount)),),
                line_control_number=str(line.number),
            )
            for line in c.lines
        )
        return ClaimPayment(
            patient_control_number=c.patient_control_number,
            status=ClaimPaymentStatus.DENIED,
            charge_amount=c.total_charge_amount,
            paid_amount=Decimal("0.00"),
            payer_claim_control_number=f"ICN{i}",
            lines=lines,
        )
    lines = (
        ServicePayment(
            procedure="99214",
            charge_amount=Decimal("150.00"),
            paid_amount=Decimal("80.00"),
            adjustments=(a("CO", "45", "50.00"), a("PR", "2", "20.00")),
            line_control_number="1",
        ),
        ServicePayment(
            procedure="82947",
            charge_amount=Decimal("55.00"),
            paid_amount=Decimal("25.00"),
            adjustments=(a("CO", "45", "20.00"), a("PR", "1", "10.00")),
            line_control_number="2",
        ),
    )
    return ClaimPayment(
        patient_control_number=c.patient_control_number,
        status=ClaimPaymentStatus.PRIMARY,
        charge_amount=Decimal("205.00"),
        paid_amount=Decimal("105.00"),
        payer_claim_control_number=f"ICN{i}",
        lines=lines,
    )


def remittance(stored: list[Claim]) -> Remittance:
    paid = [payment(c, i) for i, c in enumerate(stored)]
    return Remittance(
        control_number="0001",
        total_paid_amount=sum((p.paid_amount for p in paid), Decimal("0.00")),
        payment_method="CHK",
        payment_date=date(2025, 4, 1),
        trace_number="BENCH-CHECK-1",
        payer=Party(name="PRAIRIE HEALTH PLAN", identifier="87726"),
        payee=Party(name="ELM CLINIC", identifier=NPI, identifier_qualifier="XX"),
        claims=tuple(paid),
    )


def server_url(given: str | None):
    url = make_url(
        given
        or os.environ.get("OPENRCM_TEST_PG_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    return url.set(drivername="postgresql+psycopg")


def server_cpu(pids: set[int]) -> float | None:
    """CPU seconds (user + system) the local PostgreSQL server processes have used; None
    when they cannot be read (a remote server, no /proc)."""
    total = 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf("SC_CLK_TCK") if pids else None


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def measure(url, label: str, stored: list[Claim], text: str, n: int, statuses: bool) -> float:
    """Post the 835 on a migrated, empty database at `url`; returns claims per second."""
    migrate(url)
    built = engine(url)
    backends: set[int] = set()  # PostgreSQL server processes serving this engine

    @event.listens_for(built, "connect")
    def _backend(dbapi_connection: Any, _record: Any) -> None:
        pid = getattr(getattr(dbapi_connection, "info", None), "backend_pid", None)
        if pid:
            backends.add(pid)

    factory = session_factory(built)
    first = stored[0]
    try:
        with SqlUnitOfWork(factory, "bench") as admin:
            admin.tenants.add(Tenant(id="bench", name="Bench Clinic"))
            admin.commit()
        with SqlUnitOfWork(factory, "bench") as uow:
            uow.payers.add(first.payer)
            uow.patients.add(first.patient)
            uow.claims.add_many(stored)
            uow.commit()
        server = server_cpu(backends)
        t, cpu = time.perf_counter(), time.process_time()
        summary = post_835(
            SqlUnitOfWork(factory, "bench"), text, name="bench.835", update_claim_status=statuses
        )
        full_s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        server = None if server is None else (server_cpu(backends) or 0.0) - server
        assert summary.claims_posted == n and summary.claims_unmatched == 0
        tb = ledger_service.trial_balance(SqlUnitOfWork(factory, "bench"))
        assert tb.total == 0
        with SqlUnitOfWork(factory, "bench") as uow:
            moved = uow.claims.count(status=ClaimStatus.PAID) + uow.claims.count(
                status=ClaimStatus.DENIED
            )
        assert moved == (n if statuses else 0)
        t = time.perf_counter()
        again = post_835(SqlUnitOfWork(factory, "bench"), text)
        repeat_s = time.perf_counter() - t
        assert again.already_posted
    finally:
        built.dispose()
    what = "with claim statuses" if statuses else "ledger only"
    rate = n / full_s
    print(
        f"post_835 on {label} ({what}): {full_s:6.2f} s  {rate:9,.0f} claims/s"
        f"   target >= 2,000 claims/s: {'met' if rate >= 2000 else 'NOT met'}"
    )
    print(
        f"  CPU in this process {cpu_s:.2f} s ({n / cpu_s:,.0f} claims per CPU second); "
        "the rest is the database and waiting for a core"
    )
    if server is not None:
        print(
            f"  CPU of the PostgreSQL server process {server:.2f} s (from /proc; the part not "
            "overlapped with this process's work adds to the wall time)"
        )
    print(f"  the same file again:          {repeat_s:6.3f} s  (already posted)")
    print(f"  trial balance total {tb.total}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--url", default=None)
    parser.add_argument(
        "--backend", choices=("postgresql", "sqlite", "both"), default="both", help="where to post"
    )
    parser.add_argument(
        "--no-claim-status", action="store_true", help="post without moving claim statuses"
    )
    args = parser.parse_args()
    n = args.claims
    print(load())
    stored = claims(n)
    r = remittance(stored)
    header = InterchangeHeader(
        sender_id="87726",
        receiver_id="ELM",
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime(2025, 4, 1, 9, tzinfo=UTC),
    )
    text = write_835([r], header)
    print(f"835: {len(text):,} bytes, {len(r.claims):,} claims, BPR02 {r.total_paid_amount}")

    t, cpu = time.perf_counter(), time.process_time()
    (parsed,), _ = read_835(text)
    read_s, read_cpu = time.perf_counter() - t, time.process_time() - cpu
    by_pcn = {c.patient_control_number: c for c in stored}
    charges = [charge_entry(c) for c in stored]
    t, cpu = time.perf_counter(), time.process_time()
    pure = post_remittance(parsed, by_pcn, charges)
    pure_s, pure_cpu = time.perf_counter() - t, time.process_time() - cpu
    assert pure.claims_posted == n
    assert trial_balance([*charges, *pure.entries]).total == 0
    print(
        f"baseline read_835 only:            {read_s:7.2f} s  {n / read_s:9,.0f} claims/s"
        f"  (CPU {read_cpu:.2f} s)"
    )
    print(
        f"baseline post_remittance (no db):  {pure_s:7.2f} s  {n / pure_s:9,.0f} claims/s"
        f"  (CPU {pure_cpu:.2f} s)"
    )
    statuses = not args.no_claim_status

    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{folder}/bench.db", "SQLite", stored, text, n, statuses)
    if args.backend in ("postgresql", "both"):
        server = server_url(args.url)
        schema = f"openrcm_bench_{uuid.uuid4().hex[:10]}"
        connect = dict(
            host=server.host,
            port=server.port or 5432,
            dbname=server.database,
            user=server.username,
            password=server.password,
            autocommit=True,
        )
        with psycopg.connect(**connect) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            url = server.update_query_dict({"options": f"-csearch_path={schema}"})
            measure(url, "PostgreSQL", stored, text, n, statuses)
        finally:
            with psycopg.connect(**connect) as conn:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    print(load())


if __name__ == "__main__":
    sys.exit(main())
