"""X12 benchmark: 837P read/validate/write against a str.split floor and pyx12, same input, one run.

    .venv/bin/python bench/x12.py [--claims 20000] [--pyx12-claims 1000] [--big-mb 200]

(a) naive floor: text.split(segment) then split(element) per segment
(b) pyx12's tokenizer alone (pyx12.x12file.X12Reader)
(c) pyx12 full validation (x12n_document) on the first --pyx12-claims claims (it is slow)
(d) openrcm read into domain Claims (streaming iter_837p)
(e) openrcm validate (all registered rules)
(f) openrcm write 837P
and the peak RSS of a child process streaming a file of about --big-mb megabytes.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "x12"))

from x12_claims import claims as make_claims  # noqa: E402

from openrcm.x12 import Receiver, Submitter, iter_837p, write_837p  # noqa: E402
from openrcm.x12.validate import validate  # noqa: E402

SUBMITTER = Submitter(name="BENCH CLINIC", identifier="BENCH01")
RECEIVER = Receiver(name="BENCH PAYER", identifier="PAYER01")


def timed(label: str, fn, units: float, unit: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<42} {seconds:8.3f} s  {units / seconds:12,.0f} {unit}/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=20000)
    parser.add_argument("--pyx12-claims", type=int, default=1000)
    parser.add_argument("--big-mb", type=int, default=200)
    args = parser.parse_args()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)

    batch = make_claims(seed=1, count=args.claims)
    when = datetime(2025, 1, 2, 3, 4)  # noqa: DTZ001 - ISA and GS carry local date and time

    def write() -> str:
        return write_837p(batch, submitter=SUBMITTER, receiver=RECEIVER, created_at=when)

    text = write()
    segments = text.count("~")
    print(f"837P: {args.claims:,} claims, {segments:,} segments, {len(text) / 1e6:.1f} MB")

    def floor() -> None:
        for seg in text.split("~"):
            seg.split("*")

    def pyx12_tokenizer() -> None:
        import pyx12.x12file

        for _ in pyx12.x12file.X12Reader(io.StringIO(text)):
            pass

    def read() -> None:
        for _ in iter_837p(text):
            pass

    t_floor = timed("(a) str.split floor", floor, segments, "segments")
    t_pyx = timed("(b) pyx12 tokenizer", pyx12_tokenizer, segments, "segments")
    t_read = timed("(d) openrcm read into Claims", read, args.claims, "claims")
    t_validate = timed("(e) openrcm validate", lambda: validate(text), args.claims, "claims")
    t_write = timed("(f) openrcm write 837P", write, args.claims, "claims")

    small = write_837p(
        batch[: args.pyx12_claims], submitter=SUBMITTER, receiver=RECEIVER, created_at=when
    )

    def pyx12_validate() -> None:
        import pyx12.params
        import pyx12.x12n_document

        pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(small), None, None)

    t_pyx_val = timed(
        f"(c) pyx12 validation ({args.pyx12_claims:,} claims)",
        pyx12_validate,
        args.pyx12_claims,
        "claims",
    )
    t_validate_small = timed(
        f"(e') openrcm validate ({args.pyx12_claims:,} claims)",
        lambda: validate(small),
        args.pyx12_claims,
        "claims",
    )
    print()
    print(f"read vs floor speed:       {t_floor / t_read:6.3f}x   (target >= 0.5)")
    print(f"read vs pyx12 tokenizer:   {t_pyx / t_read:6.3f}x   (target >= 2)")
    print(f"validate vs pyx12:         {t_pyx_val / t_validate_small:6.1f}x   (target >= 10)")
    print(f"write:                     {args.claims / t_write:8,.0f} claims/s (target >= 20,000)")
    del t_validate

    # peak memory streaming a big file, in a child process (VmHWM: ru_maxrss would include the
    # parent's high-water mark inherited through fork)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.837"
        repeats = max(1, int(args.big_mb * 1e6 / len(text)))
        with path.open("w") as handle:
            for _ in range(repeats):
                handle.write(text)
        size = path.stat().st_size
        child = (
            "import sys\n"
            "from openrcm.x12 import iter_837p\n"
            "n = 0\n"
            f"with open({str(path)!r}) as f:\n"
            "    for _ in iter_837p(f):\n"
            "        n += 1\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(n, hwm)\n"
        )
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", child],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        seconds = time.perf_counter() - start
        count, rss_kb = out.stdout.split()
        print(
            f"streamed {size / 1e6:,.0f} MB ({int(count):,} claims) in {seconds:.1f} s; "
            f"peak RSS {int(rss_kb) / 1024:,.0f} MB (target < 300 MB for 1 GB)"
        )


if __name__ == "__main__":
    main()
