"""Coding benchmark: notes per second and peak memory on one core, with a tokenizing baseline.

Prints, from one run pinned to one core (OMP_NUM_THREADS=1):
- engine load from the cache (ICD-10-CM index, term index, trained models, spaCy/ConText);
  the first run trains the models on CodiEsp train and caches them (time shown);
- suggest (CPU time, as the machine may be shared; wall rate beside it): `CodingEngine.suggest` over the CodiEsp dev notes (about one page each: ~300
  words) and over "long" notes of about 600 words (two dev notes joined), notes/s and
  ms/note (median, p95);
- baseline: tokenizing the same notes (sentences + stemmed tokens, the engine's first step);
- memory: peak resident set size of the process (ru_maxrss) after loading and after coding.

Run: .venv/bin/python bench/coding.py [--notes N]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import resource
import statistics
import sys
import time


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(texts: list[str], run) -> tuple[float, float, list[float]]:  # type: ignore[no-untyped-def]
    """Wall seconds, CPU seconds and CPU ms per note (CPU time: the machine may be shared)."""
    each = []
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        t = time.process_time()
        run(text)
        each.append((time.process_time() - t) * 1000)
    return time.perf_counter() - wall, time.process_time() - cpu, each


def report(label: str, texts: list[str], wall: float, cpu: float, each: list[float]) -> None:
    ordered = sorted(each)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"  {label:<12} {len(texts) / cpu:7.1f} notes/s of CPU time "
        f"({len(texts) / wall:6.1f}/s wall)   CPU per note: median "
        f"{statistics.median(each):6.1f} ms, p95 {p95:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=250)
    args = parser.parse_args()
    print(f"coding benchmark ({pin_one_core()}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})")

    from openrcm.coding import CodingEngine, load_split
    from openrcm.coding.features import prepare
    from openrcm.coding.training import default_model_dir, training_key
    from openrcm.datadir import find_data_dir

    corpus = find_data_dir() / "codiesp"
    key = training_key(load_split(corpus, "train"))
    cached = (default_model_dir() / f"model-{key}.pickle").exists()
    started = time.perf_counter()
    engine = CodingEngine.load(corpus)
    engine.suggest("Warm-up: the patient denies chest pain.")  # spaCy and ConText load lazily
    load = time.perf_counter() - started
    print(f"engine load: {load:.2f} s ({'from cache' if cached else 'trained and cached now'})")
    print(f"peak RSS after load: {peak_mb():.0f} MB")

    notes = [n.text for n in load_split(corpus, "dev")[: args.notes]]
    long = [notes[i] + notes[i + 1] for i in range(0, len(notes) - 1, 2)]
    words = statistics.mean(len(t.split()) for t in notes)
    long_words = statistics.mean(len(t.split()) for t in long)
    print(
        f"notes: {len(notes)} dev notes, {words:.0f} words each on average; "
        f"{len(long)} long notes of {long_words:.0f} words"
    )

    print("baseline (tokenizing only):")
    report("dev notes", notes, *timed(notes, prepare))
    print("engine (suggest: candidates, ranker, ConText, guidelines, queries):")
    report("dev notes", notes, *timed(notes, engine.suggest))
    report("long notes", long, *timed(long, engine.suggest))
    print(f"peak RSS after coding: {peak_mb():.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
