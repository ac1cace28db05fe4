"""Evidence sentences: a note scores a code by how closely its sentences read like the
training sentences that carried the code."""

from __future__ import annotations

import math

import pytest

from openrcm.coding.features import prepare
from openrcm.coding.passages import CLOSE, NOTHING, EvidencePassages

TRAIN = [
    (
        "A 45-year-old man consulted for fever.\n"
        "Physical examination showed an enlarged right testis with a hard nodule.\n"
        "He was discharged home.\n",
        {"n44.8": "enlarged", "r50.9": "fever"},
    ),
    (
        "The patient reported a dry cough for two weeks.\n"
        "Chest radiograph showed a right upper lobe infiltrate.\n",
        {"r05.9": "cough"},
    ),
    (
        "She had a dry cough at night.\nNo fever was recorded.\n",
        {"r05.9": "cough"},
    ),
]


def _passages() -> EvidencePassages:
    notes = [prepare(text) for text, _ in TRAIN]
    evidence = [
        {code: (text.index(word),) for code, word in codes.items()} for text, codes in TRAIN
    ]
    gold = [frozenset(codes) for _, codes in TRAIN]
    return EvidencePassages.fit(
        [n.sentences for n in notes], [n.bounds for n in notes], gold, evidence, min_df=1
    )


def test_a_note_reading_like_a_code_evidence_sentence_scores_that_code() -> None:
    passages = _passages()
    note = prepare("On examination the right testis was enlarged, with a hard nodule.\n")
    scores = passages.scores(note.sentences, ["n44.8", "r05.9", "z99.9"])
    best, close, share = scores["n44.8"]
    assert best >= CLOSE and close > 0 and share == 1.0
    assert scores["r05.9"][0] < CLOSE < best  # cough sentences share nothing with it
    assert scores["z99.9"] == NOTHING  # a code without evidence sentences


def test_every_evidence_sentence_of_a_code_counts_towards_its_share() -> None:
    passages = _passages()
    note = prepare("Three days of dry cough.\n")
    best, close, share = passages.scores(note.sentences, ["r05.9"])["r05.9"]
    assert best >= CLOSE
    reached = round(math.expm1(close))  # r05.9 has two evidence sentences, one per note
    assert reached >= 1 and share == pytest.approx(reached / 2)


def test_codes_without_evidence_offsets_add_no_sentences() -> None:
    notes = [prepare(text) for text, _ in TRAIN]
    passages = EvidencePassages.fit(
        [n.sentences for n in notes],
        [n.bounds for n in notes],
        [frozenset(codes) for _, codes in TRAIN],
        [{} for _ in TRAIN],
    )
    assert passages.passages == 0
    assert passages.scores(notes[0].sentences, ["n44.8"]) == {"n44.8": NOTHING}
