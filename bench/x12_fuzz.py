"""Long mutation-fuzz run over every X12 sample: readers may raise X12Error and nothing else.

    .venv/bin/python bench/x12_fuzz.py [--iterations 20000] [--seed 1]

Mutations: delete a run, insert delimiter-rich text, replace a character, truncate, duplicate
a run. Every mutated text goes through read_envelope, validate, read_837p, read_837i and every
other reader that exists (read_835, ...). Prints iterations, X12Error count and any crash.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
import traceback
from pathlib import Path

from openrcm.x12 import X12Error, read_837i, read_837p, read_envelope
from openrcm.x12.validate import validate

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "x12" / "samples"
ALPHABET = "*:^~\n\r ISAGSTEHLCMNX0123456789>|-."


def readers() -> list:  # type: ignore[type-arg]
    found = [read_envelope, validate, read_837p, read_837i]
    for module, name in [
        ("t835", "read_835"),
        ("t999", "read_999"),
        ("t277ca", "read_277ca"),
        ("t271", "read_271"),
        ("t270", "read_270"),
        ("t276", "read_276"),
        ("t277", "read_277"),
    ]:
        try:
            found.append(getattr(importlib.import_module(f"openrcm.x12.{module}"), name))
        except (ImportError, AttributeError):
            continue
    return found


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 6)):
        if not text:
            break
        at = rng.randrange(len(text))
        op = rng.choice(["delete", "insert", "replace", "truncate", "duplicate"])
        if op == "delete":
            text = text[:at] + text[at + rng.randint(1, 40) :]
        elif op == "insert":
            text = (
                text[:at]
                + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8)))
                + text[at:]
            )
        elif op == "replace":
            text = text[:at] + rng.choice(ALPHABET) + text[at + 1 :]
        elif op == "truncate":
            text = text[:at]
        else:
            end = min(len(text), at + rng.randint(1, 200))
            text = text[:end] + text[at:end] + text[end:]
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = [
        p.read_text(errors="replace")
        for p in sorted(SAMPLES.rglob("*"))
        if p.is_file() and p.stat().st_size < 200_000
    ]
    functions = readers()
    x12_errors = crashes = 0
    crashed_by: dict[str, int] = {}
    start = time.perf_counter()
    for n in range(args.iterations):
        text = mutate(rng, rng.choice(texts))
        for fn in functions:
            try:
                fn(text)
            except X12Error:
                x12_errors += 1
            except Exception:
                crashes += 1
                crashed_by[fn.__name__] = crashed_by.get(fn.__name__, 0) + 1
                if crashed_by[fn.__name__] <= 2:
                    print(f"iteration {n}: {fn.__name__} crashed", file=sys.stderr)
                    traceback.print_exc()
    seconds = time.perf_counter() - start
    print(
        f"{args.iterations:,} mutated files x {len(functions)} readers in {seconds:.0f} s: "
        f"{x12_errors:,} X12Error, {crashes} other exceptions {crashed_by}"
    )
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
