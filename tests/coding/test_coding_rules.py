"""Guidelines, queries, context and metrics as pure functions, without a trained model."""

from __future__ import annotations

import pytest

from openrcm.coding import Evidence, Policy, Suggestion, apply_guidelines, physician_queries
from openrcm.coding.context import ContextDetector
from openrcm.coding.evaluate import TitleBaseline, score
from openrcm.coding.knowledge import Knowledge
from openrcm.coding.queries import OTHER, UNDETERMINED


def s(code: str, score: float, text: str = "", *flags: str) -> Suggestion:
    start = 0
    return Suggestion(
        code=code,
        title="",
        score=score,
        evidence=(Evidence(start=start, end=len(text), text=text),) if text else (),
        flags=flags,
    )


@pytest.fixture(scope="module")
def icd(knowledge: Knowledge):  # type: ignore[no-untyped-def]
    return knowledge.icd


def test_context_flags_negation_uncertainty_history_and_family() -> None:
    text = (
        "The patient denies chest pain. Cough for a week; rule out pneumonia. "
        "History of myocardial infarction in 2010. Her mother had breast cancer."
    )
    spans = [
        (text.index(w), text.index(w) + len(w))
        for w in ("chest pain", "pneumonia", "Cough", "myocardial infarction", "breast cancer")
    ]
    flags = ContextDetector().flags(text, spans)
    assert flags[0] == {"negated"}
    assert "uncertain" in flags[1]
    assert flags[2] == frozenset()
    assert "historical" in flags[3]
    assert "family" in flags[4]


def test_hypertension_with_chronic_kidney_disease_keeps_the_stage(icd) -> None:  # type: ignore[no-untyped-def]
    out = apply_guidelines([s("I10", 0.9), s("N18.30", 0.8)], icd, "", Policy())
    assert [x.code for x in out] == ["I12.9", "N18.30"]


def test_excludes1_keeps_the_likelier_code(icd) -> None:  # type: ignore[no-untyped-def]
    # E10 (type 1) and E11 (type 2) diabetes exclude each other
    assert icd.excludes1_conflict("E11.9", "E10.9")
    out = apply_guidelines([s("E10.9", 0.4), s("E11.9", 0.7)], icd, "", Policy(combine=False))
    assert [x.code for x in out] == ["E11.9"]


def test_a_symptom_integral_to_a_coded_diagnosis_is_dropped_only_under_us_rules(icd) -> None:  # type: ignore[no-untyped-def]
    found = [s("J18.9", 0.9), s("R50.9", 0.8), s("R07.9", 0.5)]
    assert [x.code for x in apply_guidelines(found, icd, "", Policy())] == ["J18.9", "R07.9"]
    kept = apply_guidelines(found, icd, "", Policy.codiesp())
    assert [x.code for x in kept] == ["J18.9", "R50.9", "R07.9"]


def test_a_category_beside_its_own_code_is_dropped(icd) -> None:  # type: ignore[no-untyped-def]
    out = apply_guidelines([s("R10", 0.9), s("R10.9", 0.6)], icd, "", Policy())
    assert [x.code for x in out] == ["R10.9"]


def test_an_injury_code_without_its_seventh_character_is_flagged_and_queried(icd) -> None:  # type: ignore[no-untyped-def]
    text = "X-ray showed a fracture of the femur after a fall."
    found = apply_guidelines([s("S72.90", 0.9, text)], icd, text, Policy())
    assert "needs_seventh_character" in found[0].flags
    queries = physician_queries(text, found, icd)
    episode = next(q for q in queries if q.kind == "episode_of_care")
    assert any("initial encounter" in o.lower() for o in episode.options)
    assert any("subsequent" in o.lower() for o in episode.options)


def test_queries_are_multiple_choice_and_non_leading(icd) -> None:  # type: ignore[no-untyped-def]
    text = "Diabetes mellitus on metformin. Otitis media. Chronic kidney disease."
    found = [s("E11.9", 0.9, "Diabetes"), s("H66.90", 0.8, "Otitis media"), s("N18.9", 0.7)]
    queries = physician_queries(text, found, icd)
    assert {q.kind for q in queries} == {"diabetes_type", "laterality", "stage"}
    for q in queries:
        assert q.options[-2:] == (OTHER, UNDETERMINED)
        assert len(q.options) >= 4
        # neutral: no answer is named in the question, and no money
        assert not any(o.lower() in q.question.lower() for o in q.options[:-2])
        assert "reimburse" not in q.question.lower() and "$" not in q.question


def test_documented_type_and_side_need_no_query(icd) -> None:  # type: ignore[no-untyped-def]
    text = "Type 2 diabetes mellitus. Otitis media of the left ear."
    found = [s("E11.9", 0.9, "Type 2 diabetes"), s("H66.90", 0.8, "Otitis media")]
    found[1] = found[1].model_copy(
        update={"evidence": (Evidence(start=26, end=38, text=text[26:38]),)}
    )
    assert physician_queries(text, found, icd) == []


def test_micro_scores_and_mean_average_precision() -> None:
    gold = {"a": {"r52", "i10"}, "b": {"e11.9"}}
    predicted = {"a": ["r52", "j18.9", "i10"], "b": ["r50.9"]}
    result = score(predicted, gold)
    assert (result.true_positives, result.predicted, result.gold) == (2, 4, 3)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(2 / 3)
    # a: (1/1 + 2/3) / 2; b: 0
    assert result.map == pytest.approx(((1 + 2 / 3) / 2 + 0) / 2)


def test_the_baseline_matches_whole_titles_only(icd) -> None:  # type: ignore[no-untyped-def]
    baseline = TitleBaseline(icd)
    found = baseline.predict("Known essential (primary) hypertension. Some hypertension.")
    assert "i10" in found
    assert baseline.predict("High blood pressure.") == []


def test_the_codiesp_convention_lists_each_condition_as_written(icd) -> None:  # type: ignore[no-untyped-def]
    found = [s("E11.9", 0.9), s("G62.9", 0.8), s("E10.9", 0.4)]
    us = [x.code for x in apply_guidelines(found, icd, "", Policy())]
    assert us == ["E11.40"]  # combination code; E10.9 excluded by E11 (Excludes1)
    codiesp = [x.code for x in apply_guidelines(found, icd, "", Policy.codiesp())]
    assert codiesp == ["E11.9", "G62.9", "E10.9"]
