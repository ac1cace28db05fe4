"""The engine on notes written for these tests: context, guidelines and queries end to end."""

from __future__ import annotations

from openrcm.coding import CodingEngine, Policy


def codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {s.code for s in result.suggestions}


def test_a_denied_symptom_is_not_coded(engine: CodingEngine) -> None:
    text = "The patient denies chest pain.\nHe reports a persistent cough for a week.\n"
    shown = engine.suggest(text)
    assert "R07.9" not in codes(shown)
    assert "R05.9" in codes(shown)
    kept = engine.suggest(text, policy=Policy.codiesp())
    chest = next(s for s in kept.suggestions if s.code == "R07.9")
    assert "negated" in chest.flags
    assert any(e.text == text[e.start : e.end] and "chest" in e.text for e in chest.evidence)


def test_rule_out_pneumonia_codes_the_symptom_not_the_pneumonia(engine: CodingEngine) -> None:
    text = "He reports a persistent cough for a week; rule out pneumonia.\n"
    assert codes(engine.suggest(text)) >= {"R05.9"}
    assert "J18.9" not in codes(engine.suggest(text))
    flagged = {s.code: s.flags for s in engine.suggest(text, policy=Policy.codiesp()).suggestions}
    assert "uncertain" in flagged["J18.9"]


def test_a_relatives_cancer_is_family_history_not_the_patients(engine: CodingEngine) -> None:
    text = "Her mother had breast cancer.\nLong-standing essential hypertension on enalapril.\n"
    assert codes(engine.suggest(text)) == {"I10"}
    flagged = {s.code: s.flags for s in engine.suggest(text, policy=Policy.codiesp()).suggestions}
    assert "family" in flagged["C50.919"]


def test_diabetes_with_neuropathy_is_one_combination_code(engine: CodingEngine) -> None:
    text = "Known type 2 diabetes mellitus treated with metformin.\nExamination showed a peripheral polyneuropathy.\n"
    result = engine.suggest(text)
    assert "E11.40" in codes(result)
    assert not codes(result) & {"E11.9", "G62.9"}
    combined = next(s for s in result.suggestions if s.code == "E11.40")
    assert set(combined.replaces) == {"E11.9", "G62.9"}
    assert "combination" in combined.flags
    assert not [q for q in result.queries if q.kind == "diabetes_type"]


def test_missing_laterality_stage_and_diabetes_type_raise_queries(engine: CodingEngine) -> None:
    text = (
        "Otoscopy showed otitis media.\nLaboratory work showed chronic kidney disease.\n"
        "Known diabetes treated with metformin.\n"
    )
    queries = {q.kind: q for q in engine.suggest(text).queries}
    assert {"laterality", "stage", "diabetes_type"} <= set(queries)
    assert queries["laterality"].code == "H66.90"
    assert any("right ear" in o for o in queries["laterality"].options)
    assert queries["stage"].code == "N18.9"


def test_a_documented_side_raises_no_laterality_query(engine: CodingEngine) -> None:
    text = "Otoscopy showed otitis media in the right ear.\n"
    result = engine.suggest(text)
    assert "H66.90" in codes(result) or "H66.91" in codes(result)
    assert not [q for q in result.queries if q.kind == "laterality"]


def test_procedures_are_suggested_apart_from_diagnoses(engine: CodingEngine) -> None:
    result = engine.suggest("An appendectomy was performed.\n")
    assert [p.code for p in result.procedures] == ["0DTJ"]
    assert result.procedures[0].system == "icd10pcs"
    assert "Resection" in result.procedures[0].title
    assert "K35.80" in codes(result)


def test_the_first_listed_diagnosis_is_definitive_and_first(engine: CodingEngine) -> None:
    text = "Fever of 38.9 C was recorded on admission.\nOtoscopy showed otitis media.\n"
    result = engine.suggest(text, policy=Policy.codiesp())
    assert result.suggestions[0].code == "H66.90"
    assert "first_listed" in result.suggestions[0].flags
    assert sum("first_listed" in s.flags for s in result.suggestions) == 1
