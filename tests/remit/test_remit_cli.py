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


def _era_file(tmp_path: Path, *claims, trace: str) -> Path:
    from remit_factories import era

    text = t835.write_835(
        [era(*claims, trace=trace)],
        InterchangeHeader(
            sender_id="P",
            receiver_id="R",
            interchange_control_number=1,
            group_control_number=1,
            created_at=datetime(2025, 4, 1, tzinfo=UTC),
        ),
    )
    path = tmp_path / f"{trace}.835"
    path.write_text(text)
    return path


def test_deposits_import_then_match_list_what_is_left_on_either_side(cli, tmp_path) -> None:
    from remit_factories import clp, svc

    paid = _era_file(
        tmp_path, clp("X-1", "1", "60.00", "60.00", svc("99213", "60.00", "60.00")), trace="EFT-31"
    )
    waiting = _era_file(
        tmp_path, clp("X-2", "1", "45.00", "45.00", svc("99213", "45.00", "45.00")), trace="EFT-32"
    )
    assert cli("remit", "post", str(paid), "--json").exit_code == 0
    assert cli("remit", "post", str(waiting), "--json").exit_code == 0
    export = tmp_path / "bank.csv"
    export.write_text(
        "date,reference,amount\n2025-04-02,EFT-31,60.00\n2025-04-02,,12.34\n04/31/2025,,1.00\n"
    )
    imported = cli("remit", "deposits", "import", str(export), "--json")
    assert imported.exit_code == 1, "an unreadable row is an error finding"
    data = json.loads(imported.stdout)
    assert (data["deposits_imported"], data["already_imported"]) == (2, 0)
    assert [f["code"] for f in data["findings"]] == ["DEPOSIT-DATE"]
    again = json.loads(cli("remit", "deposits", "import", str(export), "--json").stdout)
    assert (again["deposits_imported"], again["already_imported"]) == (0, 2)

    matched = cli("remit", "deposits", "match", "--json")
    assert matched.exit_code == 0, matched.output
    result = json.loads(matched.stdout)
    assert [(m["payment"]["trace_number"], m["match"]) for m in result["matched"]] == [
        ("EFT-31", "trace")
    ]
    assert [d["amount"] for d in result["unmatched_deposits"]] == ["12.34"]
    assert [(p["trace_number"], p["amount"]) for p in result["unmatched_payments"]] == [
        ("EFT-32", "45.00")
    ]
    assert json.loads(cli("remit", "deposits", "match", "--json").stdout) == result


def test_deposit_files_that_cannot_be_used_exit_2(cli, tmp_path) -> None:
    missing = cli("remit", "deposits", "import", str(tmp_path / "nope.csv"), "--json")
    assert missing.exit_code == 2 and missing.stdout == ""
    headless = tmp_path / "headless.csv"
    headless.write_text("hello,world\n")
    bad = cli("remit", "deposits", "import", str(headless), "--json")
    assert bad.exit_code == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1
    assert cli("remit", "deposits", "match", "--window", "-1").exit_code == 2


def test_ledger_balance_by_payer_and_by_patient(cli, tmp_path) -> None:
    from remit_factories import clp, svc

    path = _era_file(
        tmp_path, clp("Y-1", "1", "80.00", "80.00", svc("99213", "80.00", "80.00")), trace="EFT-41"
    )
    assert cli("remit", "post", str(path), "--json").exit_code == 0
    trial = json.loads(cli("ledger", "trial-balance", "--json").stdout)
    payers = [a["account"].split(":", 1)[1] for a in trial["accounts"] if ":" in a["account"]]
    assert payers, "the unmatched claim's money is held for its payer"
    unknown_payer = cli("ledger", "balance", "--payer", "NO-SUCH-PAYER", "--json")
    assert unknown_payer.exit_code == 2 and unknown_payer.stdout == ""
    unknown_patient = cli("ledger", "balance", "--patient", "pt-nobody", "--json")
    assert unknown_patient.exit_code == 2 and unknown_patient.stdout == ""
    both = cli("ledger", "balance", "--payer", "A", "--patient", "B", "--json")
    assert both.exit_code == 2


def test_ledger_balance_keys_for_a_payer_and_a_patient_with_claims(cli, tmp_path, practice) -> None:
    from remit_factories import cas, clp, era, svc

    from openrcm.cli.database import unit_of_work
    from openrcm.domain import ClaimStatus

    claim = practice.claim("Z-1", status=ClaimStatus.SUBMITTED, charges=("150.00",)).model_copy(
        update={"other_payers": ()}
    )
    uow = unit_of_work()
    with uow:
        practice.store(uow)
        uow.claims.add(claim)
        uow.commit()
    text = t835.write_835(
        [
            era(
                clp(
                    "Z-1",
                    "1",
                    "150.00",
                    "90.00",
                    svc(
                        "99214",
                        "150.00",
                        "90.00",
                        cas("CO", "45", "40.00"),
                        cas("PR", "2", "20.00"),
                    ),
                ),
                trace="EFT-51",
                payer=practice.payer.id,
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
    path = tmp_path / "z.835"
    path.write_text(text)
    assert cli("remit", "post", str(path), "--json").exit_code == 0

    payer = cli("ledger", "balance", "--payer", practice.payer.id, "--json")
    assert payer.exit_code == 0, payer.output
    assert json.loads(payer.stdout) == {"payer": practice.payer.id, "insurance_balance": "0.00"}

    patient = cli("ledger", "balance", "--patient", claim.patient.id, "--json")
    assert patient.exit_code == 0, patient.output
    data = json.loads(patient.stdout)
    assert {k: v for k, v in data.items() if k != "claims"} == {
        "patient": claim.patient.id,
        "charge": "150.00",
        "insurance_paid": "90.00",
        "adjustments": "40.00",
        "patient_paid": "0.00",
        "patient_responsibility": "20.00",
        "insurance_balance": "0.00",
        "patient_balance": "20.00",
    }
    assert [(c["claim"], c["status"]) for c in data["claims"]] == [("Z-1", "patient_due")]
