"""`openrcm denials follow-up` (276) and `openrcm denials status FILE` (277/277CA)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.domain import ClaimStatus
from openrcm.service.claim_status import answer_276
from openrcm.settings import get_settings

TENANT = "status-practice"
LATER = (datetime.now(UTC).date() + timedelta(days=45)).isoformat()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice: Any) -> Any:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    monkeypatch.setenv("OPENRCM_DATABASE_URL", url)
    monkeypatch.setenv("OPENRCM_TENANT", TENANT)
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work

    uow = unit_of_work(TENANT, url)
    with uow:
        practice.store(uow)
        uow.claims.add(practice.claim("ST1", status=ClaimStatus.SUBMITTED))
        uow.commit()
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_follow_up_writes_a_276_and_the_277_is_applied_once(cli: Any, tmp_path: Path) -> None:
    result = cli("denials", "follow-up", "--out", str(tmp_path), "--as-of", LATER, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["claims"] == ["ST1"]
    text_277 = answer_276(
        Path(document["file"]).read_text(encoding="latin-1"), {}, answered=datetime.now(UTC).date()
    )
    path = tmp_path / "answer.277"
    path.write_text(text_277, encoding="latin-1")
    applied = json.loads(cli("denials", "status", str(path), "--json").stdout)
    assert applied["kind"] == "277"
    (claim,) = applied["claims"]
    assert (
        claim["claim"] == "ST1"
        and claim["category"] == "A4"
        and claim["claim_status"] == "rejected"
    )
    assert claim["description"]
    assert (
        json.loads(cli("denials", "status", str(path), "--json").stdout)["already_applied"] is True
    )
    broken = tmp_path / "broken.277"
    broken.write_text("not x12")
    assert cli("denials", "status", str(broken)).exit_code == 2
    assert cli("denials", "follow-up", "--out", str(tmp_path), "--days", "x").exit_code == 2
