"""`openrcm scrub FILE` and `openrcm scrub rules` as scripts use them: JSON and exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.scrub import EDITS

synth = pytest.importorskip("openrcm.synth")
runner = CliRunner()


def test_rules_lists_every_edit_as_json() -> None:
    result = runner.invoke(build_app(), ["scrub", "rules", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == list(EDITS)
    assert set(rows[0]) >= {"id", "severity", "description", "source"}


def _batch(tmp_path: Path, dirty: float) -> Path:
    practice = synth.generate_practice(
        5, claims=12, start_date=date(2025, 6, 2), end_date=date(2025, 6, 20), dirty_share=dirty
    )
    path = tmp_path / "claims.837p"
    assert synth.write_claims_837p(practice, practice.claims, path)
    return path


def test_a_clean_batch_exits_zero_with_one_object_per_claim(tmp_path: Path) -> None:
    path = _batch(tmp_path, 0.0)
    result = runner.invoke(build_app(), ["scrub", str(path), "--json", "--as-of", "2025-07-01"])
    assert result.exit_code == 0, result.stdout
    rows = json.loads(result.stdout)
    assert len(rows) == 12
    for row in rows:
        assert set(row) == {"patient_control_number", "findings"}
        assert all(f["severity"] != "error" for f in row["findings"])
        for f in row["findings"]:
            assert {"edit", "severity", "message", "line"} <= set(f)


def test_a_batch_with_defects_exits_one(tmp_path: Path) -> None:
    path = _batch(tmp_path, 1.0)
    result = runner.invoke(build_app(), ["scrub", str(path), "--json", "--as-of", "2025-07-01"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert any(f["severity"] == "error" for row in rows for f in row["findings"])


def test_timely_filing_follows_the_as_of_date(tmp_path: Path) -> None:
    path = _batch(tmp_path, 0.0)
    result = runner.invoke(build_app(), ["scrub", str(path), "--json", "--as-of", "2027-01-01"])
    assert result.exit_code == 1
    edits = {f["edit"] for row in json.loads(result.stdout) for f in row["findings"]}
    assert "TIMELY-FILING" in edits


def test_unusable_input_exits_two_with_one_line(tmp_path: Path) -> None:
    missing = runner.invoke(build_app(), ["scrub", str(tmp_path / "none.837"), "--json"])
    assert missing.exit_code == 2
    assert missing.stdout == ""
    path = _batch(tmp_path, 0.0)
    bad_date = runner.invoke(build_app(), ["scrub", str(path), "--as-of", "01/07/2025"])
    assert bad_date.exit_code == 2
    bad_rules = tmp_path / "rules"
    bad_rules.mkdir()
    (bad_rules / "x.yaml").write_text("payer_id: X\ntimely_filing_days: -4\n")
    result = runner.invoke(build_app(), ["scrub", str(path), "--payer-rules", str(bad_rules)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_cms_layout_ncci_files_replace_the_shared_quarter(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data"
    path = _batch(tmp_path, 0.0)
    result = runner.invoke(
        build_app(),
        [
            "scrub",
            str(path),
            "--json",
            "--as-of",
            "2025-07-01",
            "--ncci-ptp",
            str(data / "ptp_practitioner_cms_layout.txt"),
            "--mue",
            str(data / "mue_practitioner_cms_layout.csv"),
        ],
    )
    assert result.exit_code in (0, 1)
    assert len(json.loads(result.stdout)) == 12
