"""API throughput and latency: claim list and code search with 8 concurrent clients.

Starts `openrcm serve`'s app (uvicorn, one process) on a free loopback port against a fresh
PostgreSQL schema seeded with synthetic claims, then runs 8 client threads per endpoint for
a fixed time and prints requests/s and p50/p95 latency. Baseline, same run, same server and
clients: GET /healthz (no authentication, no database), the framework's floor. Everything is
bounded: seconds per endpoint, one schema dropped at the end, traffic to 127.0.0.1 only.

    .venv/bin/python bench/api.py [--claims 2000] [--seconds 8] [--clients 8]
    (PostgreSQL: OPENRCM_TEST_PG_URL or postgresql://postgres@127.0.0.1:5432/test)
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench password 0123456789"
TENANT = "bench"


def server_url() -> str:
    return os.environ.get("OPENRCM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def connect(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        dbname=parsed.database,
        user=parsed.username,
        password=parsed.password,
        autocommit=True,
        connect_timeout=5,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(database_url: str, claims: int) -> None:
    """Migrate, add the bench user (admin) and `claims` synthetic claims with charges."""
    from openrcm.service.auth import create_user, set_hash_cost
    from openrcm.service.claims import store_claims, store_parties
    from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory
    from openrcm.synth import iter_claims, make_practice

    migrate(database_url)
    built = engine(database_url)
    factory = session_factory(built)
    set_hash_cost(time_cost=1, memory_cost=1024)  # the bench measures requests, not logins
    create_user(factory, username="bench-admin", password=PASSWORD, tenant_id=TENANT, role="admin")
    practice = make_practice(7, claims=claims)
    batch = list(iter_claims(practice))
    uow = SqlUnitOfWork(factory, TENANT)
    with uow:
        store_parties(
            uow,
            payers=practice.payers,
            plans=practice.plans,
            providers=(
                practice.billing_provider,
                *practice.rendering_providers,
                *practice.referring_providers,
                *practice.facilities,
            ),
            locations=practice.locations,
            guarantors=practice.guarantors,
            patients=practice.patients,
            coverages=practice.coverages,
        )
        store_claims(uow, batch)
        uow.commit()
    built.dispose()


def serve(database_url: str, port: int) -> None:
    """The child process: the app on uvicorn, quiet."""
    import uvicorn

    from openrcm.api import create_app
    from openrcm.settings import Settings

    settings = Settings(database_url=database_url, secret_key="bench-secret-0123456789abcdef")
    uvicorn.run(
        create_app(settings), host="127.0.0.1", port=port, log_level="error", access_log=False
    )


def hammer(
    base: str, path: str, headers: dict[str, str], clients: int, seconds: float
) -> tuple[int, list[float], int]:
    """`clients` threads GET `path` for `seconds`: (requests, latencies in s, errors)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = client.get(path)
                latencies[n].append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [x for row in latencies for x in row]
    return len(flat), flat, sum(errors)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--serve", nargs=2, metavar=("DATABASE_URL", "PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return

    server = server_url()
    schema = f"bench_api_{uuid.uuid4().hex[:12]}"
    with connect(server) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    database_url = (
        make_url(server)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    child = None
    try:
        started = time.perf_counter()
        seed(database_url, args.claims)
        print(f"seeded {args.claims} synthetic claims in {time.perf_counter() - started:.1f} s")
        port = free_port()
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", database_url, str(port)], cwd=ROOT
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or child.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"username": "bench-admin", "password": PASSWORD},
            timeout=30,
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        # warm: code sets load on the first search
        httpx.get(f"{base}/api/v1/codes/search?q=asthma", headers=auth, timeout=120)
        httpx.get(f"{base}/api/v1/claims?limit=50", headers=auth, timeout=30)
        cases = [
            ("baseline GET /healthz", "/healthz", {}),
            ("GET /api/v1/claims?limit=50", "/api/v1/claims?limit=50&offset=100", auth),
            (
                "GET /api/v1/codes/search",
                "/api/v1/codes/search?q=type%202%20diabetes%20with%20neuropathy&limit=10",
                auth,
            ),
        ]
        print(
            f"{args.clients} concurrent clients, {args.seconds:.0f} s per endpoint, "
            f"one uvicorn process, PostgreSQL on loopback"
        )
        print(f"{'endpoint':<36} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for label, path, headers in cases:
            count, latencies, errors = hammer(base, path, headers, args.clients, args.seconds)
            print(
                f"{label:<36} {count / args.seconds:>8.1f} "
                f"{statistics.median(latencies) * 1000:>8.1f} "
                f"{percentile(latencies, 0.95) * 1000:>8.1f} {errors:>7}"
            )
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        with connect(server) as connection:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )


if __name__ == "__main__":
    main()
