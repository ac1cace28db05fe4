"""Benchmark: payer adjudication, claims per second on one core, and 837 → 835 end to end.

Input: synthetic professional claims (`openrcm.synth`, seed 7, 1–12 lines each) and the
demo plans. Figures:

- adjudicate: `Adjudicator.adjudicate` over claims already in memory (target ≥ 5,000/s);
  baseline: a plain pass over the same claims that sums every line's charge, and a
  pricing-only pass (the PFS price of every line, no cache) to show what pricing costs.
- end to end: `adjudicate_837` from 837 text to 835 text (read, adjudicate, group,
  write); baseline: `read_837p` alone on the same file.

Run: .venv/bin/python bench/adjudicate.py [CLAIMS]
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from decimal import Decimal

from openrcm.datadir import find_data_dir
from openrcm.payer import Adjudicator, default_plans_dir, load_payer_book
from openrcm.payer.batch import adjudicate_837
from openrcm.pricing import load_medicare_pfs
from openrcm.synth import generate_practice
from openrcm.x12 import read_837p, write_837p
from openrcm.x12.t837 import Receiver, Submitter


def rate(count: int, seconds: tuple[float, float]) -> str:
    wall, cpu = seconds
    return f"{count / cpu:,.0f}/s CPU time, {count / wall:,.0f}/s wall ({count:,} claims)"


def best(runs: int, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The best (wall, CPU) seconds of `runs` runs. The machine may be shared, so CPU time
    (`time.process_time`, this process on one core) is the figure to compare."""
    times = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    claims = list(generate_practice(7, claims=count).claims)
    lines = sum(len(c.lines) for c in claims)
    pfs = load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")
    book = load_payer_book(default_plans_dir())
    received = date(2026, 1, 5)
    print(f"{len(claims):,} claims, {lines:,} lines ({lines / len(claims):.2f} a claim)")

    def plain_pass() -> None:
        total = Decimal(0)
        for claim in claims:
            for line in claim.lines:
                total += line.charge_amount

    def pricing_only() -> None:
        for claim in claims:
            for line in claim.lines:
                pfs.price(
                    line.procedure,
                    line.modifiers,
                    locality="NATIONAL",
                    place_of_service=line.place_of_service or "11",
                    service_date=date(2025, 6, 1),
                    units=line.units,
                )

    def adjudicate() -> None:
        engine = Adjudicator(book, [pfs])
        for claim in claims:
            engine.adjudicate(claim, received_date=received)

    print("baseline  sum of line charges:   ", rate(len(claims), best(3, plain_pass)))
    print("baseline  PFS price every line:  ", rate(len(claims), best(3, pricing_only)))
    print("adjudicate (in memory, 1 core):  ", rate(len(claims), best(3, adjudicate)))

    text = write_837p(
        claims,
        submitter=Submitter(name="BENCH PRACTICE", identifier="BENCH1"),
        receiver=Receiver(name="DEMO PAYER", identifier="DEMO1"),
        created_at=datetime(2026, 1, 5, 9, 0),  # noqa: DTZ001 - X12 times are local
    )
    print(f"837P: {len(text) / 1e6:.1f} MB")
    print("baseline  read_837p:             ", rate(len(claims), best(2, lambda: read_837p(text))))
    result = adjudicate_837(text, book, [pfs])
    assert all(r.is_balanced for r in result.remittances)
    print(
        "end to end 837 -> 835:           ",
        rate(len(claims), best(2, lambda: adjudicate_837(text, book, [pfs]))),
    )


if __name__ == "__main__":
    main()
