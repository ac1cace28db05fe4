"""The coder workflow on SQLite and PostgreSQL: decisions stored, encounters updated."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from openrcm.domain.claim import DiagnosisKind
from openrcm.domain.party import Tenant
from openrcm.service.coding import (
    CodingDecisionError,
    decide,
    decision_summary,
    decisions,
)
from openrcm.store import SqlUnitOfWork

Factory = Callable[[Tenant | str], SqlUnitOfWork]
NOTE = "note-2025-0304-0417"
ENCOUNTER = "enc-2025-0304-0417"  # the practice's encounter: E11.40 principal, I10


@pytest.fixture
def stored(uow_factory: Factory, tenant: Tenant, practice) -> Factory:  # type: ignore[no-untyped-def]
    with uow_factory(tenant) as uow:
        practice.store(uow)
        uow.commit()
    return uow_factory


def _codes(factory: Factory, tenant: Tenant) -> list[tuple[str, DiagnosisKind]]:
    with factory(tenant) as uow:
        encounter = uow.encounters.get(ENCOUNTER)
        assert encounter is not None
        return [(d.code, d.kind) for d in encounter.diagnoses]


def test_accept_adds_the_code_to_the_encounter_and_stores_who_and_when(
    stored: Factory, tenant: Tenant
) -> None:
    at = datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
    outcome = decide(
        stored(tenant),
        NOTE,
        "g62.9",
        "accept",
        decided_by="coder-ann",
        encounter_id=ENCOUNTER,
        score=0.81,
        now=lambda: at,
    )
    assert outcome.encounter_diagnoses == ("E1140", "I10", "G629")
    assert _codes(stored, tenant)[-1] == ("G629", DiagnosisKind.OTHER)
    [kept] = decisions(stored(tenant))
    assert (kept.note_id, kept.code, kept.decision, kept.decided_by) == (
        NOTE,
        "G629",
        "accept",
        "coder-ann",
    )
    assert kept.decided_at == at and kept.score == pytest.approx(0.81)
    assert kept.encounter_id == ENCOUNTER and kept.system == "icd10cm"


def test_accepting_a_code_twice_codes_it_once(stored: Factory, tenant: Tenant) -> None:
    for _ in range(2):
        decide(stored(tenant), NOTE, "I10", "accept", decided_by="ann", encounter_id=ENCOUNTER)
    assert [c for c, _ in _codes(stored, tenant)] == ["E1140", "I10"]
    assert len(decisions(stored(tenant))) == 2


def test_reject_takes_a_principal_off_and_the_next_becomes_principal(
    stored: Factory, tenant: Tenant
) -> None:
    decide(stored(tenant), NOTE, "E11.40", "reject", decided_by="ann", encounter_id=ENCOUNTER)
    assert _codes(stored, tenant) == [("I10", DiagnosisKind.PRINCIPAL)]


def test_replace_swaps_the_code_and_keeps_the_replacement(stored: Factory, tenant: Tenant) -> None:
    outcome = decide(
        stored(tenant),
        NOTE,
        "I10",
        "replace",
        replacement="I11.9",
        decided_by="ann",
        encounter_id=ENCOUNTER,
    )
    assert outcome.decision.replacement == "I119"
    assert [c for c, _ in _codes(stored, tenant)] == ["E1140", "I119"]


def test_a_procedure_decision_is_stored_without_touching_diagnoses(
    stored: Factory, tenant: Tenant
) -> None:
    outcome = decide(
        stored(tenant), NOTE, "0DTJ4ZZ", "accept", decided_by="ann", encounter_id=ENCOUNTER
    )
    assert outcome.decision.system == "icd10pcs"
    assert [c for c, _ in _codes(stored, tenant)] == ["E1140", "I10"]


def test_refused_decisions_store_nothing(stored: Factory, tenant: Tenant) -> None:
    with pytest.raises(CodingDecisionError):
        decide(stored(tenant), NOTE, "not a code", "accept", decided_by="ann")
    with pytest.raises(CodingDecisionError):
        decide(stored(tenant), NOTE, "I10", "replace", decided_by="ann")  # no replacement
    with pytest.raises(CodingDecisionError):
        decide(stored(tenant), NOTE, "I10", "replace", replacement="0DTJ", decided_by="ann")
    with pytest.raises(CodingDecisionError):
        decide(stored(tenant), NOTE, "I10", "accept", decided_by="ann", encounter_id="enc-none")
    assert decisions(stored(tenant)) == []


def test_another_tenant_neither_sees_decisions_nor_reaches_the_encounter(
    stored: Factory, tenant: Tenant, other_tenant: Tenant
) -> None:
    decide(stored(tenant), NOTE, "I10", "accept", decided_by="ann")
    assert decisions(stored(other_tenant)) == []
    with pytest.raises(CodingDecisionError):
        decide(
            stored(other_tenant), NOTE, "I10", "accept", decided_by="bob", encounter_id=ENCOUNTER
        )


def test_summary_counts_each_notes_latest_decision(stored: Factory, tenant: Tenant) -> None:
    decide(stored(tenant), NOTE, "I10", "reject", decided_by="ann")
    decide(stored(tenant), NOTE, "I10", "accept", decided_by="ann")  # changed her mind
    decide(stored(tenant), NOTE, "R52", "reject", decided_by="ann")
    decide(stored(tenant), "note-2", "R52", "replace", replacement="R10.9", decided_by="ann")
    assert decisions(stored(tenant), note_id="note-2")[0].replacement == "R109"
    assert decision_summary(decisions(stored(tenant))) == {
        "decisions": 3,
        "accepted": 1,
        "rejected": 1,
        "replaced": 1,
        "acceptance_rate": pytest.approx(1 / 3, abs=1e-4),
    }


def test_cli_decide_and_decisions(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openrcm.cli.main import build_app
    from openrcm.settings import get_settings

    monkeypatch.setenv("OPENRCM_DATABASE_URL", f"sqlite:///{tmp_path / 'openrcm.db'}")
    get_settings.cache_clear()
    monkeypatch.setattr("openrcm.settings.get_settings", get_settings)
    app = build_app()
    runner = CliRunner()
    done = runner.invoke(
        app, ["coding", "decide", NOTE, "r52", "--accept", "--by", "ann", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["code"] == "R52"
    done = runner.invoke(app, ["coding", "decide", NOTE, "i10", "--replace", "I11.9", "--json"])
    assert done.exit_code == 0, done.output
    both = runner.invoke(app, ["coding", "decide", NOTE, "i10", "--accept", "--reject"])
    assert both.exit_code == 2
    listed = json.loads(runner.invoke(app, ["coding", "decisions", "--json"]).stdout)
    assert [(d["code"], d["decision"], d["replacement"]) for d in listed["decisions"]] == [
        ("R52", "accept", None),
        ("I10", "replace", "I119"),
    ]
    assert listed["summary"]["decisions"] == 2
    get_settings.cache_clear()
