"""Same seed, same bytes; another seed, other data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openrcm.synth import generate_practice, iter_claims, make_practice, write_claims_json


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_claims_json(generate_practice(11, claims=300), first)
    write_claims_json(generate_practice(11, claims=300), second)
    assert first.read_bytes() == second.read_bytes()


def test_another_seed_writes_other_data(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_claims_json(generate_practice(11, claims=300), first)
    write_claims_json(generate_practice(12, claims=300), second)
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a["billing_provider"]["npi"] != b["billing_provider"]["npi"]
    assert [c["patient"]["name"] for c in a["claims"]] != [
        c["patient"]["name"] for c in b["claims"]
    ]


def test_streaming_gives_the_claims_held_in_memory() -> None:
    held = generate_practice(13, claims=250)
    streamed = list(iter_claims(make_practice(13, claims=250)))
    assert streamed == list(held.claims)
    # a longer run starts with the same claims: the stream does not depend on its length
    longer = list(iter_claims(make_practice(13, claims=250), 300))
    assert longer[:250] == streamed


def test_bytes_do_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "openrcm.cli.main",
                "synth",
                "--claims",
                "150",
                "--seed",
                "21",
                "--out",
                str(out),
                "--json",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(out)
    for name in ("claims.json", "claims.837p"):
        first, second = outputs[0] / name, outputs[1] / name
        if first.exists() or second.exists():
            assert first.read_bytes() == second.read_bytes(), name
