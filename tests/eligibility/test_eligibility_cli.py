"""`openrcm eligibility check|batch|history|auth` as scripts use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.settings import get_settings

TENANT = "front-desk"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice: Any) -> Any:
    url = f"sqlite:///{tmp_path / 'frontdesk.db'}"
    monkeypatch.setenv("OPENRCM_DATABASE_URL", url)
    monkeypatch.setenv("OPENRCM_TENANT", TENANT)
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work

    uow = unit_of_work(TENANT, url)
    with uow:
        practice.store(uow)
        uow.commit()
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_check_one_patient_and_the_batch_for_tomorrow(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "eligibility",
        "check",
        "pat-000417",
        "--date",
        "2025-03-04",
        "--as-of",
        "2025-03-01",
        "--out",
        str(tmp_path / "x12"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "active" and summary["checked_on"] == "2025-03-01"
    assert summary["deductible_remaining"] == "500.00" and summary["copay"] == "25.00"
    assert (tmp_path / "x12" / "eligibility.270").read_text(encoding="latin-1").startswith("ISA")

    result = cli("eligibility", "batch", "--as-of", "2025-03-03", "--json")
    assert result.exit_code == 0, result.output
    batch = json.loads(result.stdout)
    assert batch["checked"] == 1 and batch["inactive"] == 0 and batch["skipped"] == []

    history = json.loads(cli("eligibility", "history", "pat-000417", "--json").stdout)
    assert [h["checked_on"] for h in history] == ["2025-03-03", "2025-03-01"]

    missing = cli("eligibility", "check", "nobody", "--json")
    assert missing.exit_code == 2 and missing.stdout == ""


def test_authorizations_on_file_and_their_flags(cli: Any) -> None:
    result = cli(
        "eligibility",
        "auth",
        "add",
        "PA-1",
        "--patient",
        "pat-000417",
        "--payer",
        "87726",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-31",
        "--units",
        "12",
        "--code",
        "97110",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units_authorized"] == 12
    flags = json.loads(cli("eligibility", "auth", "list", "--as-of", "2025-03-25", "--json").stdout)
    assert [(f["number"], f["state"], f["days_to_end"]) for f in flags] == [("PA-1", "expiring", 6)]
    again = cli(
        "eligibility",
        "auth",
        "add",
        "PA-1",
        "--patient",
        "pat-000417",
        "--payer",
        "87726",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-31",
    )
    assert again.exit_code == 2
    bad = cli(
        "eligibility",
        "auth",
        "add",
        "PA-2",
        "--patient",
        "pat-000417",
        "--payer",
        "87726",
        "--start",
        "2025-03-31",
        "--end",
        "2025-03-01",
    )
    assert bad.exit_code == 2 and "Traceback" not in bad.output
