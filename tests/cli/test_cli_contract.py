"""The command-line contract of ../shared/INTERFACES.md, command by command, as users run it.

Each command runs in its own process, as scripts and the acceptance checks run it: names,
flags, JSON keys, money as "125.00", exit codes 0/1/2, and for bad input exactly one line on
stderr and no traceback. The database is a fresh SQLite file per module.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openrcm.datadir import find_data_dir

MONEY = re.compile(r"^-?\d+\.\d{2}$")
SAMPLES = find_data_dir() / "x12" / "samples"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("contract")
    return {
        **os.environ,
        "OPENRCM_DATABASE_URL": f"sqlite:///{home / 'contract.sqlite'}",
        "OPENRCM_TENANT": "contract-practice",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache")),
    }


def run(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    # the first coding command on a machine trains the model from the CodiEsp train split
    # (about five CPU minutes) and caches it; on a busy machine that takes a while
    timeout = 1500 if args[:1] == ("coding",) else 600
    return subprocess.run(
        [sys.executable, "-m", "openrcm.cli.main", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ok_json(env: dict[str, str], *args: str, code: int = 0) -> Any:
    result = run(env, *args)
    assert result.returncode == code, (args, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def refused(env: dict[str, str], *args: str) -> str:
    """Bad input: exit 2, one line on stderr, nothing on stdout, no traceback."""
    result = run(env, *args)
    assert result.returncode == 2, (args, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def money_fields(document: Any, keys: tuple[str, ...]) -> Iterator[str]:
    for key in keys:
        yield document[key]


@pytest.fixture(scope="module")
def synth_dir(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    summary = ok_json(env, "synth", "--claims", "40", "--seed", "5", "--out", str(out), "--json")
    assert summary["claims"] == 40
    return out


def test_synth_writes_the_same_bytes_for_the_same_seed(
    env: dict[str, str], synth_dir: Path, tmp_path: Path
) -> None:
    ok_json(env, "synth", "--claims", "40", "--seed", "5", "--out", str(tmp_path), "--json")
    for name in ("claims.json", "claims.837p"):
        assert (tmp_path / name).read_bytes() == (synth_dir / name).read_bytes()
    claims = json.loads((synth_dir / "claims.json").read_text())
    assert len(claims["claims"] if isinstance(claims, dict) else claims) == 40


def test_x12_read_and_validate(env: dict[str, str], synth_dir: Path, tmp_path: Path) -> None:
    parsed = ok_json(env, "x12", "read", str(synth_dir / "claims.837p"), "--json")
    assert parsed
    assert ok_json(env, "x12", "validate", str(synth_dir / "claims.837p"), "--json") == []
    broken = tmp_path / "broken.837"
    text = (synth_dir / "claims.837p").read_text()
    broken.write_text(re.sub(r"SE\*\d+\*", "SE*3*", text, count=1))
    findings = ok_json(env, "x12", "validate", str(broken), "--json", code=1)
    keys = {"code", "severity", "segment_index", "segment_id", "loop", "element", "message"}
    assert findings and keys <= set(findings[0])
    assert any(f["segment_id"] == "SE" and f["severity"] == "error" for f in findings)
    not_x12 = tmp_path / "notes.txt"
    not_x12.write_text("Patient seen for follow-up of hypertension.\n")
    assert "notes.txt" in refused(env, "x12", "read", str(not_x12), "--json")
    refused(env, "x12", "read", str(tmp_path / "missing.835"), "--json")


def test_claims_import_scrub_adjudicate_post_and_balance(
    env: dict[str, str], synth_dir: Path, tmp_path: Path
) -> None:
    claims_837 = str(synth_dir / "claims.837p")
    first = ok_json(env, "claims", "import", claims_837, "--json")
    assert first["claims_imported"] == 40 and first["already_imported"] is False
    again = ok_json(env, "claims", "import", claims_837, "--json")
    assert again["claims_imported"] == 0 and again["already_imported"] is True

    late = run(env, "scrub", claims_837, "--json", "--as-of", "2027-06-30")
    scrubbed = json.loads(late.stdout)
    assert len(scrubbed) == 40
    # a year and a half after the visits, timely filing has run out: error findings, exit 1
    assert late.returncode == 1 and "Traceback" not in late.stderr
    assert any(f["severity"] == "error" for c in scrubbed for f in c["findings"])
    assert {"edit", "severity", "message", "line"} <= set(scrubbed[0]["findings"][0])
    on_time = run(env, "scrub", claims_837, "--json", "--as-of", "2025-12-31")
    errors = [
        f for c in json.loads(on_time.stdout) for f in c["findings"] if f["severity"] == "error"
    ]
    assert on_time.returncode == (1 if errors else 0)
    assert {"patient_control_number", "findings"} <= set(scrubbed[0])
    rules = ok_json(env, "scrub", "rules", "--json")
    assert len(rules) >= 60 and {"id", "severity", "description", "source"} <= set(rules[0])

    remit = tmp_path / "remit.835"
    decided = ok_json(
        env, "payer", "adjudicate", claims_837, "--plans", _plans(), "--out", str(remit), "--json"
    )
    assert len(decided) >= 40
    for claim in decided:
        assert {
            "patient_control_number",
            "status",
            "charge",
            "allowed",
            "paid",
            "patient_responsibility",
            "adjustments",
        } <= set(claim)
        for amount in money_fields(claim, ("charge", "allowed", "paid", "patient_responsibility")):
            assert MONEY.match(amount), amount
        for adjustment in claim["adjustments"]:
            assert {"group", "carc", "amount"} <= set(adjustment) and MONEY.match(
                adjustment["amount"]
            )

    posted = ok_json(env, "remit", "post", str(remit), "--json")
    assert {
        "checks",
        "claims_posted",
        "claims_unmatched",
        "amount_posted",
        "already_posted",
    } <= set(posted)
    assert posted["claims_posted"] >= 40 and posted["claims_unmatched"] == 0
    assert MONEY.match(posted["amount_posted"]) and posted["already_posted"] is False
    assert ok_json(env, "remit", "post", str(remit), "--json")["already_posted"] is True

    pcn = decided[0]["patient_control_number"]
    balance = ok_json(env, "ledger", "balance", "--claim", pcn, "--json")
    for key in (
        "charge",
        "insurance_paid",
        "adjustments",
        "patient_paid",
        "patient_responsibility",
        "insurance_balance",
        "patient_balance",
    ):
        assert MONEY.match(balance[key]), (key, balance[key])
    assert "status" in balance
    trial = ok_json(env, "ledger", "trial-balance", "--json")
    assert trial["total"] == "0.00" and trial["accounts"]
    assert {"account", "balance"} <= set(trial["accounts"][0])

    statements_dir = tmp_path / "statements"
    statements = ok_json(
        env,
        "patients",
        "statements",
        "--cycle",
        "--as-of",
        "2026-02-15",
        "--out",
        str(statements_dir),
        "--json",
    )
    assert statements, "patients owe deductibles and coinsurance after the 835"
    for statement in statements:
        assert MONEY.match(statement["amount_due"]) and statement["amount_due"] != "0.00"
    assert len(list(statements_dir.rglob("*.pdf"))) == len(statements)
    assert list(statements_dir.rglob("*.json")) or list(statements_dir.rglob("*.csv"))
    refused(
        env,
        "patients",
        "statements",
        "--cycle",
        "--as-of",
        "15/02/2026",
        "--out",
        str(statements_dir),
        "--json",
    )

    kpis = ok_json(env, "reports", "kpis", "--json")
    assert {
        "days_in_ar",
        "clean_claim_rate",
        "denial_rate",
        "net_collection_rate",
        "first_pass_resolution_rate",
    } <= set(kpis)
    for by in ("payer", "patient"):
        aging = ok_json(env, "reports", "ar-aging", "--by", by, "--json")
        assert isinstance(aging, list | dict)
    assert run(env, "reports", "ar-aging", "--by", "planet", "--json").returncode == 2


def _plans() -> str:
    from openrcm.payer import default_plans_dir

    return str(default_plans_dir())


def test_codes(env: dict[str, str]) -> None:
    hits = ok_json(
        env, "codes", "search", "type 2 diabetes with neuropathy", "--json", "--limit", "5"
    )
    assert {"code", "title", "score"} <= set(hits[0])
    assert any(h["code"].replace(".", "") == "E1140" for h in hits[:3])
    assert (
        ok_json(env, "codes", "validate", "icd10cm", "S72.001A", "--dos", "2025-03-01", "--json")
        == []
    )
    header = ok_json(
        env, "codes", "validate", "icd10cm", "S72.001", "--dos", "2025-03-01", "--json", code=1
    )
    assert header and {"code", "severity", "message"} <= set(header[0])
    shown = ok_json(env, "codes", "show", "E11.40", "--json")
    assert {
        "title",
        "billable",
        "excludes1",
        "excludes2",
        "code_first",
        "use_additional",
        "parents",
    } <= set(shown)
    refused(env, "codes", "validate", "icd10cm", "E11.9", "--dos", "2025-13-45", "--json")


def test_pricing_and_denials(env: dict[str, str]) -> None:
    price = ok_json(
        env,
        "pricing",
        "price",
        "99214",
        "--locality",
        "01112-05",
        "--pos",
        "11",
        "--date",
        "2025-06-01",
        "--json",
    )
    assert {
        "allowed",
        "rvu_work",
        "rvu_pe",
        "rvu_mp",
        "gpci_work",
        "gpci_pe",
        "gpci_mp",
        "conversion_factor",
        "facility",
    } <= set(price)
    assert MONEY.match(price["allowed"]) and price["facility"] is False
    carc = ok_json(env, "denials", "explain", "16", "--json")
    assert carc["kind"] == "CARC" and {"code", "description", "category", "action"} <= set(carc)
    rarc = ok_json(env, "denials", "explain", "N290", "--json")
    assert rarc["kind"] == "RARC"
    refused(env, "denials", "explain", "ZZZ9", "--json")


def test_forms_cms1500(env: dict[str, str], synth_dir: Path, tmp_path: Path) -> None:
    result = run(env, "forms", "cms1500", str(synth_dir / "claims.837p"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("*.pdf"))) == 40


def test_unknown_options_and_missing_files_are_refused(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "remit", "post", "--no-such-flag")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    refused(env, "remit", "post", str(tmp_path / "nowhere.835"), "--json")
    refused(env, "claims", "import", str(tmp_path / "nowhere.837"), "--json")
    refused(env, "scrub", str(tmp_path / "nowhere.837"), "--json")


def test_coding_suggest_and_predict(env: dict[str, str], tmp_path: Path) -> None:
    note = tmp_path / "visit-1.txt"
    note.write_text(
        "68-year-old man with type 2 diabetes mellitus with diabetic polyneuropathy and "
        "essential hypertension. He denies chest pain. Mother had breast cancer.\n"
    )
    (tmp_path / "visit-2.txt").write_text(
        "Woman seen for acute cystitis with hematuria. Urine culture grew E. coli.\n"
    )
    suggested = ok_json(env, "coding", "suggest", str(note), "--json")
    assert {"suggestions", "queries"} <= set(suggested)
    assert suggested["suggestions"], "a note this plain has codes to suggest"
    for suggestion in suggested["suggestions"]:
        assert {"code", "title", "score", "evidence", "flags"} <= set(suggestion)
        for span in suggestion["evidence"]:
            assert note.read_text()[span["start"] : span["end"]] == span["text"]
    out = tmp_path / "predictions.tsv"
    result = run(env, "coding", "predict", str(tmp_path), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert {row[0] for row in rows} <= {"visit-1", "visit-2"} and rows
    for _document, code, score in rows:
        assert re.fullmatch(r"[a-z][0-9][0-9a-z](\.[0-9a-z]{1,4})?", code), code
        float(score)
    refused(env, "coding", "suggest", str(tmp_path / "missing.txt"), "--json")


def test_users_create_and_serve(env: dict[str, str]) -> None:
    import socket
    import time
    import urllib.error
    import urllib.request

    created = run(
        env,
        "users",
        "create",
        "--tenant",
        "contract-practice",
        "--role",
        "biller",
        "--username",
        "pat.biller",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert created.returncode == 0, created.stderr[-2000:]
    assert "correct horse" not in created.stdout + created.stderr
    bad_role = run(
        env,
        "users",
        "create",
        "--tenant",
        "contract-practice",
        "--role",
        "wizard",
        "--username",
        "x",
        "--password-stdin",
        stdin="whatever password\n",
    )
    assert bad_role.returncode == 2 and "Traceback" not in bad_role.stderr

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openrcm.cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        schema = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=2) as response:
                    schema = json.load(response)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert schema is not None
        api = next(p.removesuffix("/claims") for p in schema["paths"] if p.endswith("/claims"))
        try:
            urllib.request.urlopen(f"{base}{api}/claims", timeout=5)
            raise AssertionError("an unauthenticated request must be refused")
        except urllib.error.HTTPError as refused_request:
            assert refused_request.code == 401
        login = urllib.request.Request(
            f"{base}{api}/auth/token",
            data=json.dumps(
                {
                    "username": "pat.biller",
                    "password": "correct horse battery",
                    "tenant": "contract-practice",
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(login, timeout=10) as response:
            token = json.load(response)["access_token"]
        listing = urllib.request.Request(
            f"{base}/claims", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(listing, timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_runs_the_cycle_on_a_fresh_sqlite_database(env: dict[str, str]) -> None:
    report = ok_json(env, "demo", "--claims", "20", "--json")
    assert report["database"].startswith("sqlite:///")
    assert report["claims"] == 20 and report["remittances_posted"] > 0
    assert report["trial_balance_total"] == "0.00"


def test_coding_eval_scores_dev_beside_its_baseline(env: dict[str, str]) -> None:
    scored = ok_json(env, "coding", "eval", "--split", "dev", "--json")
    assert scored["split"] == "dev" and scored["documents"] == 250
    for part in ("diagnoses", "baseline", "procedures"):
        assert {"precision", "recall", "f1", "map"} <= scored[part].keys()
        assert 0 <= scored[part]["f1"] <= 1
    # the engine beats matching code titles word for word, and both policies are reported
    assert scored["diagnoses"]["f1"] > scored["baseline"]["f1"]
    assert {"us", "codiesp"} <= scored["by_policy"].keys()
