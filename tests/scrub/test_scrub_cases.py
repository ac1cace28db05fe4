"""Every scrub edit against its own cases: `cases/<ID>.yaml` holds claims that must trigger
the edit and claims that must not (patches over one clean claim, as sqlfluff keeps rule
cases as data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrub_testkit import build_claim, context

from openrcm.domain import Severity
from openrcm.scrub import EDITS, scrub_claim

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        for outcome in ("fail", "pass"):
            for number, case in enumerate(spec.get(outcome) or [], start=1):
                params.append(
                    pytest.param(path.stem, outcome, case, id=f"{path.stem}-{outcome}-{number}")
                )
    return params


def _run(edit_id: str, case: dict[str, Any]) -> list[Any]:
    claim = build_claim(case.get("claim"), case.get("unchecked"))
    as_of = case.get("as_of")
    ctx = context(as_of=date.fromisoformat(str(as_of))) if as_of else context()
    return list(EDITS[edit_id].check(claim, ctx))


@pytest.mark.parametrize(("edit_id", "outcome", "case"), _cases())
def test_edit_case(edit_id: str, outcome: str, case: dict[str, Any]) -> None:
    assert edit_id in EDITS, f"cases/{edit_id}.yaml names no registered edit"
    findings = _run(edit_id, case)
    if outcome == "pass":
        assert findings == []
        return
    assert findings, f"{edit_id} found nothing in a claim that should trigger it"
    rule = EDITS[edit_id]
    assert {f.code for f in findings} == {edit_id}
    assert {f.severity for f in findings} == {rule.severity}
    assert all(f.fix for f in findings), "every finding says how to fix it"
    if "lines" in case:
        assert sorted({f.line for f in findings}) == case["lines"]


def test_every_edit_has_a_failing_and_a_passing_case() -> None:
    missing = []
    for edit_id in EDITS:
        path = CASES / f"{edit_id}.yaml"
        spec = yaml.safe_load(path.read_text()) if path.exists() else {}
        if not spec.get("fail") or not spec.get("pass"):
            missing.append(edit_id)
    assert missing == []
    assert {p.stem for p in CASES.glob("*.yaml")} <= set(EDITS)


def test_the_clean_base_claim_has_no_findings_at_all() -> None:
    assert scrub_claim(build_claim(), context()) == ()


def test_failing_cases_fail_through_the_runner_too() -> None:
    """The runner reports what each edit reports, among all the other edits' findings."""
    spec = yaml.safe_load((CASES / "NCCI-PTP.yaml").read_text())
    claim = build_claim(spec["fail"][0]["claim"])
    codes = [f.code for f in scrub_claim(claim, context())]
    assert "NCCI-PTP" in codes


def test_there_are_at_least_sixty_edits_with_unique_upper_case_ids() -> None:
    assert len(EDITS) >= 60
    for edit_id, rule in EDITS.items():
        assert rule.id == edit_id == edit_id.upper()
        assert rule.description and rule.source
        assert rule.severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
