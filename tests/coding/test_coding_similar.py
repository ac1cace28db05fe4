"""Whole-note similarity: a note scores highest the codes its nearest training notes carry."""

from __future__ import annotations

from openrcm.coding.features import prepare
from openrcm.coding.similar import NoteSimilarity, note_terms

TRAIN = (
    ("Severe lumbar pain radiating to the leg, treated with analgesics.", {"m54.5"}),
    ("Lumbar pain after lifting; analgesics helped the pain.", {"m54.5"}),
    ("Fever and productive cough; chest film showed pneumonia.", {"j18.9", "r50.9"}),
    ("High fever with cough, pneumonia on the chest film.", {"j18.9", "r50.9"}),
    ("Blood pressure was high on three visits: essential hypertension.", {"i10"}),
    ("Hypertension controlled; blood pressure normal today.", {"i10"}),
)


def _terms(text: str):  # type: ignore[no-untyped-def]
    return note_terms(prepare(text).sentences)


def test_codes_of_similar_notes_score_highest() -> None:
    model = NoteSimilarity.fit([_terms(t) for t, _ in TRAIN], [g for _, g in TRAIN])
    scores = model.scores(prepare("Two days of fever and cough; pneumonia suspected.").sentences)
    ranked = sorted(scores, key=lambda c: -scores[c])
    assert set(ranked[:2]) == {"j18.9", "r50.9"}
    assert scores["j18.9"] > 0.3 > scores.get("i10", 0.0)


def test_a_note_sharing_no_word_scores_nothing() -> None:
    model = NoteSimilarity.fit([_terms(t) for t, _ in TRAIN], [g for _, g in TRAIN])
    scores = model.scores(prepare("Zebra quantum.").sentences)
    assert scores == {}
