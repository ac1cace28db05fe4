"""837 writer micro-benchmark (the (f) line of bench/x12.py, smaller and quicker to iterate on).

    .venv/bin/python bench/x12_write.py [--claims 10000] [--repeat 3]
                                        [--cache /tmp/openrcm-bench-x12-write]
                                        [--save DIR] [--compare DIR]

Writes `tests/x12/x12_claims.claims(seed=1, count=--claims)` as an 837P (the claims are
generated once and pickled under --cache, then loaded from the pickle as bench/x12.py does),
best of --repeat runs, CPU time (`time.process_time`) and wall time, with the load average.

--save DIR writes a varied set of files (837P and 837I, default and other delimiters, small
transaction sets, synthetic practice claims) to DIR; --compare DIR writes them again and
checks each is byte-identical to the saved one (to check a writer change keeps the output).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "x12"))
sys.path.insert(0, str(ROOT / "bench"))

from openrcm.domain import ClaimKind  # noqa: E402
from openrcm.x12 import write_837i, write_837p  # noqa: E402
from openrcm.x12.tokenizer import Delimiters  # noqa: E402
from x12 import RECEIVER, SUBMITTER, WHEN, load  # noqa: E402  (bench/x12.py: the same inputs)


def cached(cache: Path, count: int, kind: ClaimKind) -> list:
    path = cache / f"{kind.value}-{count}.pkl"
    if not path.exists():
        from x12_claims import claims

        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(claims(seed=1, count=count, kind=kind), protocol=5))
    return pickle.loads(path.read_bytes())


def files(cache: Path, count: int) -> dict[str, Callable[[], str]]:
    """A varied set of files to compare byte for byte before and after a writer change."""
    from openrcm.synth import generate_practice

    prof = cached(cache, count, ClaimKind.PROFESSIONAL)
    inst = cached(cache, max(count // 5, 1), ClaimKind.INSTITUTIONAL)
    practice = list(generate_practice(7, claims=3000).claims)
    odd = Delimiters(element="|", component="^", repetition="{", segment="\n")
    kw = {"submitter": SUBMITTER, "receiver": RECEIVER, "created_at": WHEN}
    return {
        "p-default.837": lambda: write_837p(prof, **kw),
        "p-sets.837": lambda: write_837p(prof[:3000], claims_per_set=7, reference="R9", **kw),
        "p-odd.837": lambda: write_837p(prof[:3000], delimiters=odd, usage="T", **kw),
        "i-default.837": lambda: write_837i(inst, **kw),
        "i-odd.837": lambda: write_837i(inst, delimiters=odd, claims_per_set=5, **kw),
        "practice-p.837": lambda: write_837p(
            [c for c in practice if c.kind is ClaimKind.PROFESSIONAL], **kw
        ),
        "practice-i.837": lambda: write_837i(
            [c for c in practice if c.kind is ClaimKind.INSTITUTIONAL] or inst[:1], **kw
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/openrcm-bench-x12-write"))
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    if args.save or args.compare:
        bad = 0
        for name, make in files(args.cache, args.claims).items():
            text = make()
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / name).write_text(text)
                print(f"saved {name}: {len(text):,} characters")
            else:
                same = (args.compare / name).read_text() == text
                bad += not same
                print(f"{name}: {'identical' if same else 'DIFFERENT'} ({len(text):,} characters)")
        sys.exit(1 if bad else 0)
    batch = cached(args.cache, args.claims, ClaimKind.PROFESSIONAL)
    print(f"837P write, {len(batch):,} claims; {load()}")
    best_cpu = best_wall = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        write_837p(batch, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"  cpu {cpu:.3f} s  wall {wall:.3f} s  {len(batch) / cpu:10,.0f} claims/s (cpu)")
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    print(f"best: {len(batch) / best_cpu:,.0f} claims/s CPU, {len(batch) / best_wall:,.0f} wall")
    print(f"  {load()}")


if __name__ == "__main__":
    main()
