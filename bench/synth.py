"""Benchmark: synthetic claims generated per second, and peak memory, for 100,000 claims.

Each phase runs in its own process so its peak memory (max RSS) is its own:

- `baseline`: the same number of claims as bare nested dicts from the same kind of random
  draws (no codes, no validation), serialised with `json.dumps` to a file: the floor any
  generator writing claims.json pays.
- `objects`: `make_practice` + `iter_claims`: validated domain `Claim`s, nothing written.
- `files`: `write_synthetic_data` without the 837P: claims.json, as `openrcm synth` writes it.
- `x12` (with --x12): the same plus claims.837p (the X12 writer needs every claim in memory).

Wall time depends on what else the machine runs; CPU time is printed beside it.

    .venv/bin/python bench/synth.py [--claims 100000] [--seed 1] [--x12]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _baseline(claims: int, seed: int, out: Path) -> None:
    rng = random.Random(seed)
    with (out / "baseline.json").open("w") as handle:
        handle.write('{"claims":[')
        for n in range(claims):
            lines = rng.choices((1, 2, 3, 4, 8, 30), (50, 30, 9, 5, 4, 2))[0]
            record = {
                "id": f"c{n}",
                "total_charge_amount": f"{rng.randint(50, 900)}.00",
                "diagnoses": [
                    {"code": f"Z{rng.randint(0, 99):02d}"} for _ in range(rng.randint(1, 5))
                ],
                "lines": [
                    {
                        "number": i + 1,
                        "procedure": f"{rng.randint(10000, 99999)}",
                        "charge_amount": f"{rng.randint(20, 400)}.00",
                        "units": "1",
                        "service_date": "2025-06-01",
                        "diagnosis_pointers": [1],
                    }
                    for i in range(lines)
                ],
                "billing_provider": {"npi": "1234567893", "name": "Practice", "tin": "123456789"},
                "rendering_provider": {"npi": f"1{rng.randrange(10**9):09d}", "name": "Doctor"},
                "patient": {"id": f"p{rng.randrange(claims // 3 + 1)}", "birth_date": "1970-01-01"},
                "coverage": {"member_id": f"M{rng.randrange(10**9)}", "payer_id": "P1"},
                "payer": {"id": "P1", "name": "Payer"},
            }
            handle.write(("," if n else "") + json.dumps(record))
        handle.write("]}")


def _phase(name: str, claims: int, seed: int) -> dict[str, float]:
    from openrcm.synth import iter_claims, make_practice, write_synthetic_data

    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        if name == "baseline":
            _baseline(claims, seed, out)
        elif name == "objects":
            lines = sum(len(c.lines) for c in iter_claims(make_practice(seed, claims=claims)))
        else:
            result = write_synthetic_data(
                make_practice(seed, claims=claims), out, x12=name == "x12"
            )
            lines = result.lines
        size = sum(f.stat().st_size for f in out.iterdir())
    report = {
        "wall_seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "output_mb": size / 2**20,
    }
    if name != "baseline":
        report["lines"] = lines
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--x12", action="store_true", help="also time claims.837p")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.claims, args.seed)))
        return
    phases = ["baseline", "objects", "files"] + (["x12"] if args.x12 else [])
    print(f"synthetic claims: {args.claims:,} claims, seed {args.seed}")
    print(
        f"{'phase':<10}{'wall s':>9}{'cpu s':>9}{'claims/s (cpu)':>16}{'peak RSS MB':>13}{'output MB':>11}"
    )
    for phase in phases:
        run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--phase",
                phase,
                "--claims",
                str(args.claims),
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(run.stdout)
        rate = args.claims / r["cpu_seconds"]
        print(
            f"{phase:<10}{r['wall_seconds']:>9.1f}{r['cpu_seconds']:>9.1f}{rate:>16,.0f}"
            f"{r['peak_rss_mb']:>13.0f}{r['output_mb']:>11.0f}"
        )


if __name__ == "__main__":
    main()
