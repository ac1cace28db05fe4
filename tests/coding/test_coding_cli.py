"""`openrcm coding suggest` and `predict` on written notes, with the small test engine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openrcm.cli import coding as cli
from openrcm.cli.main import build_app
from openrcm.coding import CodingEngine


@pytest.fixture
def runner(engine: CodingEngine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(cli, "_engine", lambda policy, progress: _with_policy(engine, policy))
    return CliRunner()


def _with_policy(engine: CodingEngine, policy):  # type: ignore[no-untyped-def]
    return CodingEngine(engine.knowledge, engine.models, engine.context, policy)


def test_predict_writes_one_line_per_code_best_first(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "S0001-1.txt").write_text(
        "An appendectomy was performed.\nOtoscopy showed otitis media.\n"
    )
    (notes / "S0002-1.txt").write_text("Long-standing essential hypertension on enalapril.\n")
    (notes / "ignored.md").write_text("otitis media")
    out = tmp_path / "pred.tsv"
    result = runner.invoke(build_app(), ["coding", "predict", str(notes), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 3 for r in rows)
    assert {r[0] for r in rows} == {"S0001-1", "S0002-1"}
    assert all(re.fullmatch(r"[a-z]\d[0-9a-z](\.[0-9a-z]{1,4})?", r[1]) for r in rows)
    assert ["S0002-1", "i10"] in [r[:2] for r in rows]
    assert {"k35.80", "h66.90"} <= {r[1] for r in rows if r[0] == "S0001-1"}
    for doc in ("S0001-1", "S0002-1"):
        scores = [float(r[2]) for r in rows if r[0] == doc]
        assert scores == sorted(scores, reverse=True)
    top = tmp_path / "top.tsv"
    runner.invoke(build_app(), ["coding", "predict", str(notes), "--out", str(top), "--top", "1"])
    assert len(top.read_text().splitlines()) == 2


def test_suggest_json_has_suggestions_and_queries(runner: CliRunner, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Otoscopy showed otitis media.\n")
    result = runner.invoke(build_app(), ["coding", "suggest", str(note), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["suggestions"][0]
    assert first["code"] == "H66.90"
    assert set(first) >= {"code", "title", "score", "evidence", "flags"}
    assert (
        first["evidence"][0]["text"]
        == note.read_text()[first["evidence"][0]["start"] : first["evidence"][0]["end"]]
    )
    assert data["queries"][0]["kind"] == "laterality"


def test_a_missing_note_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["coding", "suggest", str(tmp_path / "none.txt")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
