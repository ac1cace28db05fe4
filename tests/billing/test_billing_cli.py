"""`openrcm billing fees import`, `billing build` and `billing batch`, as scripts use them:
one JSON document, money as two-decimal strings, exit 0 / 1 / 2 per the contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from billing_testkit import FEES_2025, FEES_JULY, knee_injection_visit
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.settings import get_settings


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENRCM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPENRCM_TENANT", "cli-practice")
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work

    uow = unit_of_work()
    with uow:
        practice.store(uow)
        uow.encounters.add(knee_injection_visit(date(2025, 3, 4), encounter_id="enc-knee-0304"))
        uow.encounters.add(knee_injection_visit(date(2025, 7, 8), encounter_id="enc-knee-0708"))
        uow.commit()
    (tmp_path / "fees-2025.csv").write_text(FEES_2025)
    (tmp_path / "fees-july.csv").write_text(FEES_JULY)
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_fees_build_and_batch_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    imported = cli("billing", "fees", "import", str(tmp_path / "fees-2025.csv"),
                   "--effective", "2025-01-01", "--json")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["added"] == 12
    change = cli("billing", "fees", "import", str(tmp_path / "fees-july.csv"),
                 "--effective", "2025-07-01", "--json")  # fmt: skip
    assert json.loads(change.stdout)["added"] == 2

    built = cli("billing", "build", "--encounters", "enc-knee-0304,enc-knee-0708", "--no-scrub",
                "--json")  # fmt: skip
    assert built.exit_code == 0, built.output
    data = json.loads(built.stdout)
    assert (data["claims_built"], data["total_charge"]) == (2, "895.00")
    assert [c["total_charge"] for c in data["claims"]] == ["440.00", "455.00"]
    assert [c["status"] for c in data["claims"]] == ["draft", "draft"]

    again = cli("billing", "build", "--encounters", "enc-knee-0304", "--no-scrub", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["already_built"] == 1

    # drafts are not ready: nothing to send yet
    empty = cli("billing", "batch", "--out", str(tmp_path / "out"), "--json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["files"] == []


def test_scrubbed_clean_claims_go_out_in_an_837p(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("billing", "fees", "import", str(tmp_path / "fees-2025.csv"), "--effective", "2025-01-01")
    built = cli("billing", "build", "--encounters", "enc-knee-0304", "--as-of", "2025-03-20",
                "--json")  # fmt: skip
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["ready"] == 1
    sent = cli("billing", "batch", "--out", str(tmp_path / "out"), "--json")
    assert sent.exit_code == 0, sent.output
    (batch,) = json.loads(sent.stdout)["files"]
    assert (batch["transaction"], batch["payer_id"], batch["interchange_control_number"]) == (
        "837P",
        "87726",
        1,
    )
    assert Path(batch["file"]).read_text().startswith("ISA*")


def test_an_encounter_that_cannot_be_billed_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("billing", "build", "--encounters", "enc-knee-0304", "--no-scrub", "--json")
    assert result.exit_code == 1  # no charge master yet
    (claim,) = json.loads(result.stdout)["claims"]
    assert {f["code"] for f in claim["findings"]} == {"BILL-NO-RATE"}


@pytest.mark.parametrize(
    "args",
    [
        ("billing", "fees", "import", "missing.csv", "--effective", "2025-01-01"),
        ("billing", "fees", "import", "{tmp}/fees-2025.csv", "--effective", "2025-13-01"),
        ("billing", "build", "--encounters", "enc-nowhere", "--no-scrub", "--json"),
        ("billing", "build", "--priority", "X", "--no-scrub"),
    ],
)
def test_unusable_input_exits_2_with_one_line(cli, tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_charge_file_without_a_charge_column_is_unusable(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text("code,price\n99213,150\n")
    result = cli("billing", "fees", "import", str(path), "--effective", "2025-01-01", "--json")
    assert result.exit_code == 2 and "charge" in result.stderr
