"""`openrcm synth` writes claims.json (and claims.837p once the X12 writer exists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.domain import Claim, Coverage, Patient, Provider
from openrcm.synth import x12_writer

runner = CliRunner()


def test_synth_writes_claims_json_with_patients_coverages_and_providers(tmp_path: Path) -> None:
    result = runner.invoke(
        build_app(), ["synth", "--claims", "120", "--seed", "4", "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["claims"] == 120
    assert summary["claims_json"] == str(tmp_path / "claims.json")
    document = json.loads((tmp_path / "claims.json").read_text())
    assert document["claim_count"] == 120 == len(document["claims"])
    claims = [Claim.model_validate(c) for c in document["claims"]]
    patients = {Patient.model_validate(p).id for p in document["patients"]}
    coverages = {Coverage.model_validate(c).id for c in document["coverages"]}
    providers = {Provider.model_validate(p).npi for p in document["rendering_providers"]}
    assert {c.patient.id for c in claims} <= patients
    assert {c.coverage.id for c in claims} <= coverages
    assert {c.rendering_provider.npi for c in claims if c.rendering_provider} <= providers
    assert document["defects"] == {}


def test_synth_writes_an_837p_that_reads_back(tmp_path: Path) -> None:
    if x12_writer() is None:
        pytest.skip("the X12 writer is not built yet")
    from openrcm.x12 import read_837p

    result = runner.invoke(
        build_app(), ["synth", "--claims", "60", "--seed", "4", "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims_837p"] == str(tmp_path / "claims.837p")
    claims, findings = read_837p((tmp_path / "claims.837p").read_text())
    assert [f for f in findings if f.severity.value == "error"] == []
    document = json.loads((tmp_path / "claims.json").read_text())
    originals = {c["patient_control_number"]: c for c in document["claims"]}
    assert sorted(c.patient_control_number for c in claims) == sorted(originals)
    for claim in claims:  # the 837 groups claims by subscriber, so order may differ
        original = originals[claim.patient_control_number]
        assert f"{claim.total_charge_amount:.2f}" == original["total_charge_amount"]
        assert [d.code for d in claim.diagnoses] == [d["code"] for d in original["diagnoses"]]
        assert [line.procedure for line in claim.lines] == [
            line["procedure"] for line in original["lines"]
        ]
        assert len(claim.other_payers) == len(original["other_payers"])


def test_synth_without_json_prints_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["synth", "--claims", "30", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Claims" in result.stdout
    assert (tmp_path / "claims.json").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["--claims", "0"],
        ["--start", "2025-13-01"],
        ["--start", "2025-06-01", "--end", "2025-01-01"],
        ["--secondary-share", "1.5"],
    ],
)
def test_unusable_options_exit_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(build_app(), ["synth", "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_without_reference_data_the_built_in_fees_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_data = tmp_path / "with"
    result = runner.invoke(
        build_app(), ["synth", "--claims", "80", "--seed", "6", "--out", str(with_data), "--json"]
    )
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("OPENRCM_DATA_DIR", str(tmp_path / "nowhere"))
    without = tmp_path / "without"
    result = runner.invoke(
        build_app(), ["synth", "--claims", "80", "--seed", "6", "--out", str(without), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fee_schedule"] == "built-in"
    assert (with_data / "claims.json").read_bytes() == (without / "claims.json").read_bytes()
