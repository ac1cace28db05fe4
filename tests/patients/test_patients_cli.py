"""`openrcm patients ...` as scripts use it: statements, plans, payments, collections, inquiries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from patients_factories import cas, claim, clp, era, post, store_family, svc
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.settings import get_settings

TENANT = "cli-practice"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("OPENRCM_DATABASE_URL", url)
    monkeypatch.setenv("OPENRCM_TENANT", TENANT)
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work

    uow = unit_of_work(TENANT, url)
    store_family(
        uow, practice, [claim(practice, "C1", "150.00", "55.00"), claim(practice, "C3", "90.00")]
    )
    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "C1",
                "205.00",
                "100.00",
                svc(
                    "99214",
                    "150.00",
                    "70.00",
                    cas("CO", "45", "20.00"),
                    cas("PR", "1", "40.00"),
                    cas("PR", "3", "20.00"),
                    line=1,
                ),
                svc(
                    "82947",
                    "55.00",
                    "30.00",
                    cas("CO", "45", "13.00"),
                    cas("PR", "2", "12.00"),
                    line=2,
                ),
            ),
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_statements_cycle_writes_a_pdf_and_exports_per_guarantor_due(cli, tmp_path) -> None:
    out = tmp_path / "statements"
    result = cli(
        "patients", "statements", "--cycle", "--as-of", "2025-04-15", "--out", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [(s["guarantor_id"], s["amount_due"], s["insurance_pending"]) for s in listed] == [
        ("gua-okafor", "72.00", "90.00")
    ]
    for kind in ("pdf", "json", "csv"):
        assert Path(listed[0][kind]).is_file()
    assert Path(listed[0]["pdf"]).read_bytes().startswith(b"%PDF")
    again = cli(
        "patients", "statements", "--cycle", "--as-of", "2025-04-20", "--out", str(out), "--json"
    )
    assert json.loads(again.stdout) == []  # the next cycle is 30 days on


def test_bad_input_is_one_line_and_exit_2(cli, tmp_path) -> None:
    result = cli(
        "patients", "statements", "--cycle", "--as-of", "15/04/2025", "--out", str(tmp_path)
    )
    assert result.exit_code == 2 and "--as-of" in result.stderr and "Traceback" not in result.output
    bad = cli(
        "patients",
        "plan",
        "create",
        "--guarantor",
        "nobody",
        "--instalments",
        "3",
        "--first-due",
        "2025-05-01",
    )
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_plan_create_pay_and_collections_run(cli) -> None:
    made = cli(
        "patients",
        "plan",
        "create",
        "--guarantor",
        "gua-okafor",
        "--instalments",
        "5",
        "--first-due",
        "2025-05-01",
        "--json",
    )
    assert made.exit_code == 0, made.output
    plan = json.loads(made.stdout)
    assert [i["amount"] for i in plan["instalments"]] == ["14.40"] * 5
    paid = cli(
        "patients",
        "pay",
        "--guarantor",
        "gua-okafor",
        "--amount",
        "20.00",
        "--method",
        "check",
        "--reference",
        "1001",
        "--date",
        "2025-05-01",
        "--json",
    )
    assert paid.exit_code == 0, paid.output
    assert json.loads(paid.stdout)["applied"] == [{"claim": "C1", "amount": "20.00"}]
    account = json.loads(cli("patients", "account", "gua-okafor", "--json").stdout)
    assert account["amount_due"] == "52.00" and account["plan"]["paid"] == "20.00"
    run = cli("patients", "collections", "run", "--as-of", "2025-05-05", "--json")
    assert run.exit_code == 0 and json.loads(run.stdout)["aging"]["31-60"] == "52.00"
    refused = cli(
        "patients",
        "collections",
        "contact",
        "gua-okafor",
        "--channel",
        "call",
        "--at",
        "2025-05-06T12:00-05:00",
        "--json",
    )
    assert refused.exit_code == 1
    assert [r["code"] for r in json.loads(refused.stdout)["reasons"]] == ["FDCPA-VALIDATION-NOTICE"]


def test_inquiry_add_and_tasks(cli) -> None:
    added = cli(
        "patients",
        "inquiry",
        "add",
        "--guarantor",
        "gua-okafor",
        "--claim",
        "C1",
        "--summary",
        "Question about the deductible",
        "--follow-up",
        "Call back",
        "--due",
        "2025-05-02",
        "--json",
    )
    assert added.exit_code == 0, added.output
    tasks = json.loads(
        cli("patients", "inquiry", "tasks", "--due-by", "2025-05-03", "--json").stdout
    )
    assert [t["description"] for t in tasks] == ["Call back"]
