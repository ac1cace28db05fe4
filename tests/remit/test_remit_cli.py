"""`openrcm remit post`, `openrcm ledger balance` and `openrcm ledger trial-balance`, as scripts use them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.settings import get_settings

t835 = pytest.importorskip("openrcm.x12.t835", reason="the 835 reader/writer is not there yet")
from openrcm.x12.envelope import InterchangeHeader  # noqa: E402

SAMPLE = "albmarin-badX12__X221-era-sample.edi"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENRCM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPENRCM_TENANT", "cli-practice")
    get_settings.cache_clear()
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_posting_a_file_twice_reports_already_posted_and_the_ledger_stays_at_zero(
    cli, tmp_path
) -> None:
    from remit_factories import clp, era, svc

    text = t835.write_835(
        [
            era(
                clp("UNKNOWN-1", "1", "100.00", "100.00", svc("99214", "100.00", "100.00")),
                trace="CLI-1",
            )
        ],
        InterchangeHeader(
            sender_id="P",
            receiver_id="R",
            interchange_control_number=1,
            group_control_number=1,
            created_at=datetime(2025, 4, 1, tzinfo=UTC),
        ),
    )
    path = tmp_path / "era.835"
    path.write_text(text)
    first = cli("remit", "post", str(path), "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert {
        "checks",
        "claims_posted",
        "claims_unmatched",
        "amount_posted",
        "already_posted",
    } <= set(data)
    assert (data["checks"], data["claims_unmatched"], data["already_posted"]) == (1, 1, False)
    again = json.loads(cli("remit", "post", str(path), "--json").stdout)
    assert again["already_posted"] is True
    trial = json.loads(cli("ledger", "trial-balance", "--json").stdout)
    assert trial["total"] == "0.00"
    assert {"account": "deposits", "balance": "100.00"} in trial["accounts"]
    (item,) = json.loads(cli("remit", "exceptions", "--json").stdout)
    assert (item["claim"], item["reason"], item["amount"]) == (
        "UNKNOWN-1",
        "claim_not_found",
        "100.00",
    )


def test_unusable_input_exits_2_with_one_line(cli, tmp_path) -> None:
    bad = tmp_path / "not.835"
    bad.write_text("hello")
    result = cli("remit", "post", str(bad), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    unknown = cli("ledger", "balance", "--claim", "NOPE", "--json")
    assert unknown.exit_code == 2
    neither = cli("ledger", "balance", "--json")
    assert neither.exit_code == 2
