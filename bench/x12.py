"""X12 benchmark: 837P and 835 read/validate/write against a str.split floor and pyx12, one run.

    .venv/bin/python bench/x12.py [--claims 100000] [--pyx12-claims 1000] [--big-mb 200]
                                  [--cache /tmp/openrcm-bench-x12] [--skip-835]

Inputs are generated once and cached under --cache (delete the folder to regenerate):
the 837P holds `tests/x12/x12_claims.claims(seed=1)` (varied shapes: COB, 1-50 lines,
modifiers, drugs, dependents); the 835 answers an 837P of `openrcm.synth` claims through
the payer engine (`openrcm.payer.batch.adjudicate_837`). For each of 837P and 835:

(a) naive floor: text.split(segment terminator) then split(element separator) per segment
(b) pyx12's tokenizer alone (pyx12.x12file.X12Reader)
(c) pyx12 full validation (x12n_document) on a file of the first --pyx12-claims claims
(d) openrcm read into domain objects (iter_837p: Claims; iter_835: Remittances)
(e) openrcm validate (all registered rules), on the whole file and on the (c) file
(f) openrcm write (write_837p from Claims; write_835 from the Remittances read in (d))
(g) a ceiling for any reader that returns these records: unpickling the very records (d)
    returns, in chunks of 1,000 claims dropped as they come (no text to parse: only the
    records' construction, by pickle's C loader and pydantic's __setstate__, GC off); not
    a true lower bound: __setstate__ is Python code run once per record
(h) construction only: the records (d) returns built again from their field values, already
    parsed (no text), by the trusted builders the readers use (`domain.trusted`), with the
    records the readers share (memoised providers, people, payers...) built once, in chunks
    of 1,000 claims dropped as they come, GC off: what constructing the records costs
and the peak RSS of a child process streaming an 837P of about --big-mb megabytes.

Every figure is CPU time of this process (`time.process_time`): the machine is shared, and
wall time would measure the neighbours. The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "x12"))

from openrcm.domain.trusted import trusted_builder  # noqa: E402
from openrcm.x12 import Receiver, Submitter, iter_835, iter_837p, write_835, write_837p  # noqa: E402
from openrcm.x12.envelope import InterchangeHeader  # noqa: E402
from openrcm.x12.validate import validate  # noqa: E402

SUBMITTER = Submitter(name="BENCH CLINIC", identifier="BENCH01")
RECEIVER = Receiver(name="BENCH PAYER", identifier="PAYER01")
WHEN = datetime(2025, 1, 2, 3, 4)  # noqa: DTZ001 - ISA and GS carry local date and time


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def timed(label: str, fn: Callable[[], Any], units: float, unit: str) -> float:
    """CPU seconds of `fn()`, printed with the rate."""
    start = time.process_time()
    fn()
    seconds = max(time.process_time() - start, 1e-9)
    print(f"  {label:<44} {seconds:8.3f} s  {units / seconds:12,.0f} {unit}/s", flush=True)
    return seconds


def batched(records: Iterable[Any], size: int) -> list[list[Any]]:
    out: list[list[Any]] = [[]]
    for record in records:
        if len(out[-1]) == size:
            out.append([])
        out[-1].append(record)
    return out


def cached_837p(cache: Path, count: int) -> tuple[Path, Path]:
    """The 837P text and the pickled claims it was written from (generated once)."""
    text_path, claims_path = cache / f"claims{count}.837", cache / f"claims{count}.pkl"
    if not text_path.exists() or not claims_path.exists():
        from x12_claims import claims as make_claims

        print(f"generating {count:,} claims (cached in {cache}) ...", flush=True)
        batch = make_claims(seed=1, count=count)
        text = write_837p(batch, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN)
        claims_path.write_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        text_path.write_text(text)
    return text_path, claims_path


def cached_835(cache: Path, count: int) -> Path:
    """An 835 answering `count` synthetic claims, from the payer engine (generated once)."""
    path = cache / f"remit{count}.835"
    if not path.exists():
        from openrcm.datadir import find_data_dir
        from openrcm.payer import default_plans_dir, load_payer_book
        from openrcm.payer.batch import adjudicate_837
        from openrcm.pricing import load_medicare_pfs
        from openrcm.synth import generate_practice

        print(f"adjudicating {count:,} synthetic claims into an 835 ...", flush=True)
        claims = list(generate_practice(7, claims=count).claims)
        text_837 = write_837p(
            claims,
            submitter=Submitter(name="BENCH PRACTICE", identifier="BENCH1"),
            receiver=Receiver(name="DEMO PAYER", identifier="DEMO1"),
            created_at=datetime(2026, 1, 5, 9, 0),  # noqa: DTZ001
        )
        pfs = load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")
        result = adjudicate_837(
            text_837, load_payer_book(default_plans_dir()), [pfs], received_date=date(2026, 1, 5)
        )
        assert result.text_835 is not None
        path.write_text(result.text_835)
    return path


def pyx12_tokenizer(text: str) -> None:
    import pyx12.x12file

    for _ in pyx12.x12file.X12Reader(io.StringIO(text)):
        pass


def pyx12_validate(text: str) -> None:
    import pyx12.params
    import pyx12.x12n_document

    pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None)


def floor(text: str, terminator: str, separator: str) -> Callable[[], None]:
    def run() -> None:
        for seg in text.split(terminator):
            seg.split(separator)

    return run


def ceiling(chunks: list[Any], count: int) -> float:
    """(g): CPU seconds to unpickle `chunks` (lists of records), one chunk alive at a time."""
    blobs = [pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL) for chunk in chunks]

    def run() -> None:  # with the cyclic GC off: the most favourable case for the ceiling
        gc.disable()
        try:
            for blob in blobs:
                pickle.loads(blob)
        finally:
            gc.enable()

    return timed("(g) ceiling: unpickle the same records", run, count, "claims")


# (h) a plan step: (builder, values without records, [(field, kind, where)], kept for later)
# where kind is "one" (where = (shared?, index)) or "many" (where = a tuple of those)
_Step = tuple[Callable[[dict[str, Any]], Any], dict[str, Any], list[tuple[str, str, Any]], bool]


def construction_plan(
    chunks: list[list[Any]],
) -> tuple[list[list[_Step]], list[tuple[bool, int]]]:
    """(h): per chunk, the steps that build its records again, children first.

    A record met more than once in the whole input (a memoised provider, say) is built at
    its first meeting and kept, as the readers keep it; every other record is built once
    per meeting and dropped with its chunk."""
    builders: dict[type, Callable[[dict[str, Any]], Any]] = {}
    seen: dict[int, int] = {}
    for chunk in chunks:  # count the meetings of every record
        stack = list(chunk)
        while stack:
            record = stack.pop()
            key = id(record)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                continue
            for value in record.__dict__.values():
                if isinstance(value, BaseModel):
                    stack.append(value)
                elif isinstance(value, tuple):
                    stack.extend(v for v in value if isinstance(v, BaseModel))
    kept: dict[int, int] = {}
    plan: list[list[_Step]] = []
    roots: list[tuple[bool, int]] = []  # where the first chunk's records land (the check)

    def builder(cls: type) -> Callable[[dict[str, Any]], Any]:
        if cls not in builders:
            try:
                builders[cls] = trusted_builder(cls)
            except TypeError:  # a record the readers validate (one per transaction set)
                builders[cls] = lambda values, c=cls: c(**values)
        return builders[cls]

    def place(record: Any, steps: list[_Step]) -> tuple[bool, int]:
        key = id(record)
        if key in kept:
            return True, kept[key]
        values: dict[str, Any] = {}
        refs: list[tuple[str, str, Any]] = []
        for name in record.model_fields_set:
            value = record.__dict__[name]
            if isinstance(value, BaseModel):
                refs.append((name, "one", place(value, steps)))
            elif isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
                refs.append((name, "many", tuple(place(v, steps) for v in value)))
            else:
                values[name] = value
        shared = seen[key] > 1
        steps.append((builder(type(record)), values, refs, shared))
        if shared:
            kept[key] = len(kept)
            return True, kept[key]
        return False, len(steps) - 1

    for chunk in chunks:
        steps: list[_Step] = []
        for record in chunk:
            where = place(record, steps)
            if not plan:
                roots.append(where)
        plan.append(steps)
    return plan, roots


def construction(chunks: list[list[Any]], count: int) -> float:
    """(h): CPU seconds to build the records of `chunks` again (see `construction_plan`)."""
    plan, roots = construction_plan(chunks)
    first = chunks[0]

    def build(steps: list[_Step], shared: list[Any]) -> list[Any]:
        local: list[Any] = []
        for make, values, refs, keep in steps:
            if refs:
                values = values.copy()
                for name, kind, where in refs:
                    if kind == "one":
                        values[name] = (shared if where[0] else local)[where[1]]
                    else:
                        values[name] = tuple((shared if s else local)[i] for s, i in where)
            record = make(values)
            local.append(record)
            if keep:
                shared.append(record)
        return local

    shared: list[Any] = []  # the plan rebuilds the very records (d) returned
    local = build(plan[0], shared)
    again = [(shared if s else local)[i] for s, i in roots]
    assert again == first
    assert [r.model_fields_set for r in again] == [r.model_fields_set for r in first]
    del shared, local, again, first

    def run() -> None:
        gc.disable()
        try:
            shared: list[Any] = []
            for steps in plan:
                build(steps, shared)
        finally:
            gc.enable()

    return timed("(h) construction only (trusted builders)", run, count, "claims")


def report(
    name: str, t: dict[str, float], segments: int, count: int, small: int, unit: str
) -> None:
    print(f"  {name} summary:")
    print(f"    read vs floor speed:       {t['a'] / t['d']:6.3f}x   (target >= 0.5)")
    print(f"    ceiling vs floor speed:    {t['a'] / t['g']:6.3f}x   (unpickling, no parsing)")
    print(
        f"    construction vs pyx12 tok: {t['b'] / t['h']:6.3f}x   (h: building the records alone)"
    )
    print(f"    construction share of (d): {t['h'] / t['d']:6.1%}")
    print(f"    read vs pyx12 tokenizer:   {t['b'] / t['d']:6.3f}x   (target >= 2)")
    print(
        f"    validate vs pyx12 (same file of {small:,} {unit}): {t['c'] / t['e_small']:6.1f}x"
        "   (target >= 10)"
    )
    print(f"    write:                     {count / t['f']:8,.0f} {unit}/s")
    del segments


def bench_837p(args: argparse.Namespace, cache: Path) -> None:
    text_path, claims_path = cached_837p(cache, args.claims)
    text = text_path.read_text()
    small_path = cache / f"claims{args.claims}-first{args.pyx12_claims}.837"
    if not small_path.exists():
        batch = pickle.loads(claims_path.read_bytes())
        small_path.write_text(
            write_837p(
                batch[: args.pyx12_claims],
                submitter=SUBMITTER,
                receiver=RECEIVER,
                created_at=WHEN,
            )
        )
        del batch
    small = small_path.read_text()
    n = text.count("~\nCLM*")  # the writer ends each segment with "~" and a line break
    segments = text.count("~")
    print(f"\n837P: {n:,} claims, {segments:,} segments, {len(text) / 1e6:.1f} MB; {load()}")
    t: dict[str, float] = {}
    t["a"] = timed("(a) str.split floor", floor(text, "~", "*"), segments, "segments")
    t["b"] = timed("(b) pyx12 tokenizer", lambda: pyx12_tokenizer(text), segments, "segments")

    def read() -> None:
        for _ in iter_837p(text):
            pass

    t["d"] = timed("(d) openrcm read into Claims", read, n, "claims")
    print(f"      = {segments / t['d']:,.0f} segments/s")
    t["e"] = timed("(e) openrcm validate", lambda: validate(text), n, "claims")
    # the claims are loaded only now: a heap of 100,000 claims would make every collection
    # of the cyclic GC during (d) and (e) walk them, which says nothing about the reader
    batch = pickle.loads(claims_path.read_bytes())
    assert len(batch) == n
    t["f"] = timed(
        "(f) openrcm write 837P",
        lambda b=batch: write_837p(b, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN),
        n,
        "claims",
    )
    del batch
    chunks = batched(iter_837p(text), 1000)
    t["g"] = ceiling(chunks, n)
    t["h"] = construction(chunks, n)
    del chunks
    k = min(args.pyx12_claims, n)
    t["c"] = timed(
        f"(c) pyx12 validation ({k:,} claims)", lambda: pyx12_validate(small), k, "claims"
    )
    t["e_small"] = timed(
        f"(e') openrcm validate ({k:,} claims)", lambda: validate(small), k, "claims"
    )
    print(f"  {load()}")
    report("837P", t, segments, n, k, "claims")


def bench_835(args: argparse.Namespace, cache: Path) -> None:
    text = cached_835(cache, args.claims).read_text()
    small_text = cached_835(cache, args.pyx12_claims).read_text()
    n = text.count("~\nCLP*")
    k = small_text.count("~\nCLP*")
    segments = text.count("~")
    sets = text.count("~\nST*")
    print(
        f"\n835: {sets:,} remittances, {n:,} claim payments, "
        f"{segments:,} segments, {len(text) / 1e6:.1f} MB; {load()}"
    )
    header = InterchangeHeader(
        sender_id="DEMO1",
        receiver_id="BENCH1",
        interchange_control_number=1,
        group_control_number=1,
        created_at=WHEN,
    )
    t: dict[str, float] = {}
    t["a"] = timed("(a) str.split floor", floor(text, "~", "*"), segments, "segments")
    t["b"] = timed("(b) pyx12 tokenizer", lambda: pyx12_tokenizer(text), segments, "segments")

    def read() -> None:
        for _ in iter_835(text):
            pass

    t["d"] = timed("(d) openrcm read into Remittances", read, n, "claims")
    print(f"      = {segments / t['d']:,.0f} segments/s")
    t["e"] = timed("(e) openrcm validate", lambda: validate(text), n, "claims")
    remittances = list(iter_835(text))  # loaded only now, as the claims for the 837P
    assert sum(len(r.claims) for r in remittances) == n
    t["f"] = timed("(f) openrcm write 835", lambda r=remittances: write_835(r, header), n, "claims")
    t["g"] = ceiling([[r] for r in remittances], n)
    t["h"] = construction([[r] for r in remittances], n)
    del remittances
    t["c"] = timed(
        f"(c) pyx12 validation ({k:,} claims)", lambda: pyx12_validate(small_text), k, "claims"
    )
    t["e_small"] = timed(
        f"(e') openrcm validate ({k:,} claims)", lambda: validate(small_text), k, "claims"
    )
    print(f"  {load()}")
    report("835", t, segments, n, k, "claims")


def big_file_memory(args: argparse.Namespace, cache: Path) -> None:
    """Peak RSS of a child process streaming an 837P of about --big-mb megabytes (VmHWM:
    ru_maxrss would include the parent's high-water mark inherited through fork)."""
    text_path, _ = cached_837p(cache, args.claims)
    size_one = text_path.stat().st_size
    repeats = max(1, round(args.big_mb * 1e6 / size_one))
    path = cache / f"big{repeats}x{args.claims}.837"
    if not path.exists():
        text = text_path.read_text()
        with path.open("w") as handle:
            for _ in range(repeats):
                handle.write(text)
        del text
    size = path.stat().st_size
    child = (
        "import sys, time\n"
        "from openrcm.x12 import iter_837p\n"
        "n = 0\n"
        "start = time.process_time()\n"
        f"with open({str(path)!r}) as f:\n"
        "    for _ in iter_837p(f):\n"
        "        n += 1\n"
        "seconds = time.process_time() - start\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(n, hwm, seconds)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    count, rss_kb, seconds = out.stdout.split()
    print(
        f"\nstreamed {size / 1e6:,.0f} MB ({int(count):,} claims) in {float(seconds):.1f} s CPU; "
        f"peak RSS {int(rss_kb) / 1024:,.0f} MB (target < 300 MB for 1 GB); {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pyx12-claims", type=int, default=1000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/openrcm-bench-x12"))
    parser.add_argument("--skip-835", action="store_true")
    args = parser.parse_args()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"X12 benchmark, {args.claims:,} claims; {load()}")
    bench_837p(args, args.cache)
    if not args.skip_835:
        bench_835(args, args.cache)
    if args.big_mb:
        big_file_memory(args, args.cache)


if __name__ == "__main__":
    main()
