"""Validation mode: implementation-guide findings with their place, never an exception."""

from __future__ import annotations

import json
import random
from datetime import datetime

from typer.testing import CliRunner
from x12_claims import claims

from openrcm.cli.main import build_app
from openrcm.domain import Severity
from openrcm.x12 import Receiver, Submitter, X12Error, write_837p
from openrcm.x12.validate import RULES_DOC, rules, validate

SUBMITTER = Submitter(name="CLINIC", identifier="SUB1")
RECEIVER = Receiver(name="PAYER", identifier="REC1")


def claim_file(seed: int = 1, count: int = 3) -> str:
    return write_837p(
        claims(seed, count),
        submitter=SUBMITTER,
        receiver=RECEIVER,
        created_at=datetime(2024, 5, 1, 10, 0),
    )


def codes(text: str) -> set[str]:
    return {f.code for f in validate(text) if f.severity is Severity.ERROR}


def test_what_openrcm_writes_has_no_findings() -> None:
    assert validate(claim_file(seed=2, count=40)) == []


def test_a_claim_total_that_is_not_the_sum_of_its_lines_is_found_at_clm02() -> None:
    text = claim_file()
    clm = next(line for line in text.splitlines() if line.startswith("CLM*"))
    parts = clm.split("*")
    parts[2] = "99999"
    findings = validate(text.replace(clm, "*".join(parts), 1))
    [total] = [f for f in findings if f.code == "X12-837-CLAIM-TOTAL"]
    assert total.segment is not None
    assert (total.segment.segment_id, total.segment.loop, total.segment.element) == (
        "CLM",
        "2300",
        2,
    )


def test_bad_codes_dates_and_lengths_are_found_with_their_element() -> None:
    text = claim_file()
    dmg = next(line for line in text.splitlines() if line.startswith("DMG*"))
    bad = text.replace(dmg, dmg[:-2] + "X~", 1)
    found = [f for f in validate(bad) if f.code == "X12-CODE-VALUE"]
    assert found and found[0].segment is not None and found[0].segment.element == 3
    dtp = next(line for line in text.splitlines() if line.startswith("DTP*472*D8*"))
    assert "X12-DATE" in codes(text.replace(dtp, "DTP*472*D8*20241399~", 1))
    n3 = next(line for line in text.splitlines() if line.startswith("N3*"))
    assert "X12-ELEMENT-LENGTH" in codes(text.replace(n3, "N3*" + "A" * 56 + "~", 1))


def test_a_missing_required_loop_and_a_dangling_hl_parent_are_found() -> None:
    text = claim_file()
    no_payer = "\n".join(line for line in text.splitlines() if not line.startswith("NM1*PR*"))
    assert "X12-REQUIRED-SEGMENT" in codes(no_payer)
    hl = next(line for line in text.splitlines() if line.startswith("HL*2*1*"))
    assert "X12-HL-PARENT" in codes(text.replace(hl, hl.replace("HL*2*1*", "HL*2*7*"), 1))


def test_too_many_diagnoses_on_a_professional_claim_is_a_loop_repeat() -> None:
    text = claim_file()
    hi = next(line for line in text.splitlines() if line.startswith("HI*"))
    many = "HI*ABK:I10" + "".join(f"*ABF:E11{n:02d}" for n in range(12)) + "~"
    assert "X12-LOOP-REPEAT" in codes(text.replace(hi, many, 1))


def test_rules_have_unique_ids_and_descriptions() -> None:
    registered = rules()
    assert {"X12-ELEMENT-LENGTH", "X12-837-STRUCTURE", "X12-837-ELEMENTS"} <= set(registered)
    assert all(r.description for r in registered.values())
    assert "X12-SE-COUNT" in RULES_DOC


def test_a_random_mutation_never_raises() -> None:
    text = claim_file()
    rng = random.Random(4)
    for _ in range(200):
        at = rng.randrange(len(text))
        try:
            validate(text[:at] + rng.choice("*~:^X") + text[at + 1 :])
        except X12Error as exc:  # only a broken ISA makes the input unreadable
            assert exc.offset < 120


def test_cli_validate_prints_the_contract_json_and_exits_1_on_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    good = tmp_path / "good.837"
    good.write_text(claim_file())
    result = runner.invoke(build_app(), ["x12", "validate", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    bad = tmp_path / "bad.837"
    bad.write_text(claim_file().replace("\nSE*", "\nSE*9", 1))
    result = runner.invoke(build_app(), ["x12", "validate", str(bad), "--json"])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert set(finding) == {
        "code",
        "severity",
        "segment_index",
        "segment_id",
        "loop",
        "element",
        "message",
    }
    assert finding["code"] == "X12-SE-COUNT"


def test_cli_read_prints_claims_and_exits_2_with_a_position_on_unreadable_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    good = tmp_path / "claims.837"
    good.write_text(claim_file(count=4))
    result = runner.invoke(build_app(), ["x12", "read", str(good), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    [transaction] = document["transactions"]
    assert transaction["reader"] == "read_837p"
    assert len(transaction["records"]) == 4
    assert transaction["records"][0]["total_charge_amount"].count(".") == 1
    bad = tmp_path / "bad.837"
    bad.write_text("ISA*00*short~")
    result = runner.invoke(build_app(), ["x12", "read", str(bad), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "character" in result.stderr and len(result.stderr.strip().splitlines()) == 1
