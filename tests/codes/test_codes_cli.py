"""`openrcm codes ...` per the command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openrcm.cli.main import build_app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(build_app(), ["codes", *args])


def test_search_json_is_an_array_best_first() -> None:
    result = run("search", "type 2 diabetes with neuropathy", "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 5
    assert {"code", "title", "score"} <= set(rows[0])
    assert "E11.40" in [r["code"] for r in rows[:3]]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_search_billable_and_hcpcs() -> None:
    rows = json.loads(run("search", "diabetes", "--json", "--billable", "--limit", "10").stdout)
    assert rows and all(r["billable"] for r in rows)
    hcpcs = json.loads(run("search", "standard wheelchair", "--json", "--system", "hcpcs").stdout)
    assert hcpcs[0]["code"] == "K0001"


def test_validate_exit_codes() -> None:
    ok = run("validate", "icd10cm", "S72.001A", "--dos", "2025-01-01", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout) == []
    header = run("validate", "icd10cm", "S72.001", "--dos", "2025-01-01", "--json")
    assert header.exit_code == 1
    (finding,) = json.loads(header.stdout)
    assert (
        finding["code"] == "ICD-7TH-CHARACTER"
        and finding["severity"] == "error"
        and finding["message"]
    )
    bad_date = run("validate", "icd10cm", "E11.9", "--dos", "2025-02-30", "--json")
    assert bad_date.exit_code == 2 and "Traceback" not in bad_date.output
    bad_system = run("validate", "icd9", "250.00", "--dos", "2025-02-01", "--json")
    assert bad_system.exit_code == 2


def test_show_has_notes_and_parents() -> None:
    result = run("show", "E11.40", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["title"] == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"
    assert shown["billable"] is True
    for key in ("excludes1", "excludes2", "code_first", "use_additional", "code_also"):
        assert key in shown
    assert [p["code"] for p in shown["parents"]] == ["4", "E08-E13", "E11", "E11.4"]
    category = json.loads(run("show", "E11", "--json").stdout)
    assert "type 1 diabetes mellitus (E10.-)" in category["excludes1"]
    assert run("show", "QQQ.Q", "--json").exit_code == 2


def test_stats_counts_match_the_sources() -> None:
    result = run("stats", "--json")
    counts = json.loads(result.stdout)
    assert counts["icd10cm"]["billable"] == 74_719
    assert counts["hcpcs"]["procedure_codes"] == 8463 and counts["hcpcs"]["modifiers"] == 383
    assert counts["place_of_service"]["assigned"] == 52


def test_import_cpt_goes_to_the_user_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    source = tmp_path / "cpt.csv"
    source.write_text("code,description\n99213,Office visit (user text)\n")
    result = run("import-cpt", str(source), "--json")
    assert result.exit_code == 0, result.output
    stored = Path(json.loads(result.stdout)["stored_as"])
    assert stored.is_file() and str(tmp_path) in str(stored)
    assert run("import-cpt", str(tmp_path / "missing.csv")).exit_code == 2
