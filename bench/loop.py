"""Benchmark: claims per second through the whole revenue cycle, per stage, on SQLite and
PostgreSQL.

One synthetic practice of N claims (default 10,000) runs through `service.loop.run_loop`:
file (claims + charges), scrub, write 837, payer engine, post 835, secondaries, statements,
balances. Each backend gets a fresh database (a temp SQLite file; a new PostgreSQL schema,
dropped afterwards). Baseline from the same run on the same claims: generating them
(`openrcm.synth`), the floor any loop over these claims pays.

    .venv/bin/python bench/loop.py [--claims 10000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import date, timedelta
from typing import Any

from openrcm.datadir import find_data_dir
from openrcm.domain.party import Tenant
from openrcm.service.claims import store_practice
from openrcm.service.loop import load_reference, run_loop
from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory
from openrcm.synth import PFS_RELATIVE_PATH, generate_practice

AS_OF = date(2026, 1, 15)


def postgres_url() -> tuple[str, str, Any]:
    """A fresh schema on the test server: (url, schema, connection to drop it with)."""
    import psycopg

    base = os.environ.get(
        "OPENRCM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    schema = f"bench_loop_{uuid.uuid4().hex[:8]}"
    raw = base.replace("postgresql+psycopg://", "postgresql://")
    connection = psycopg.connect(raw, autocommit=True)
    connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}", schema, connection


def run(url: str, practice: Any, reference: Any) -> Any:
    migrate(url)
    factory = session_factory(engine(url))
    with SqlUnitOfWork(factory, "bench") as uow:
        uow.tenants.add(Tenant(id="bench", name="Bench practice"))
        uow.commit()

    def new_uow() -> Any:
        return SqlUnitOfWork(factory, "bench")

    with new_uow() as uow:
        store_practice(uow, practice)
        uow.commit()
    started = time.perf_counter()
    report = run_loop(new_uow, practice.claims, reference, as_of=AS_OF)
    return report, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    data = find_data_dir()

    started = time.perf_counter()
    practice = generate_practice(
        11,
        claims=args.claims,
        pfs=data / PFS_RELATIVE_PATH,
        start_date=AS_OF - timedelta(days=90),
        end_date=AS_OF - timedelta(days=3),
    )
    generated = time.perf_counter() - started
    reference = load_reference(data, as_of=AS_OF)
    print(
        f"claims: {args.claims}  lines: {sum(len(c.lines) for c in practice.claims)}  "
        f"with secondary coverage: {sum(1 for c in practice.claims if c.other_payers)}"
    )
    print(f"baseline  generate the claims (synth): {args.claims / generated:,.0f} claims/s")
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                folder = tempfile.mkdtemp(prefix="bench-loop-")
                report, seconds = run(f"sqlite:///{folder}/loop.sqlite", practice, reference)
                cleanup = None
            else:
                url, schema, connection = postgres_url()
                report, seconds = run(url, practice, reference)
                cleanup = (connection, schema)
            print(
                f"\n{backend}: whole loop {args.claims / seconds:,.0f} claims/s "
                f"({seconds:.1f} s; trial balance {report.trial_balance_total})"
            )
            slowest = max(report.stages, key=lambda s: s.seconds)
            for stage in report.stages:
                rate = f"{stage.per_second:,.0f}/s" if stage.items else "-"
                print(f"  {stage.name:<12} {stage.seconds:7.2f} s  {stage.items:>7} items  {rate}")
            print(f"  slowest stage: {slowest.name}")
            if cleanup:
                connection, schema = cleanup
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
                connection.close()
    finally:
        reference.close()


if __name__ == "__main__":
    main()
