"""The two-pass feature table and the screen that sets aside hopeless candidates early."""

from __future__ import annotations

import dataclasses
import random

import pytest

from openrcm.coding import CodingEngine
from openrcm.coding.features import (
    FEATURES,
    SCREEN,
    SCREEN_AT,
    FeatureTable,
    candidates,
    prepare,
)
from openrcm.coding.model import OutOfFold, Screen, fit_screen

NOTE = (
    "A 67-year-old woman presented with chest pain at rest and a persistent cough.\n"
    "She has long-standing essential hypertension and type 2 diabetes mellitus.\n"
    "A chest X-ray confirmed community acquired pneumonia; fever of 38.9 C was recorded.\n"
    "Her mother had breast cancer. Follow-up was arranged in two weeks.\n"
)


def _table(engine: CodingEngine) -> FeatureTable:
    model = engine.models.diagnoses
    note = prepare(NOTE)
    found = candidates(note, engine.knowledge, model.lexicon)
    assert model.similar is not None
    return FeatureTable(
        note, found, engine.knowledge, model.lexicon, model.similar.scores(note.sentences)
    )


def test_a_kept_candidates_row_does_not_depend_on_what_else_was_set_aside(
    engine: CodingEngine,
) -> None:
    everyone = _table(engine)
    assert len(everyone.codes) >= 6
    whole = everyone.complete(range(len(everyone.codes)))
    some = [1, 3, len(everyone.codes) - 1]
    again = _table(engine)
    assert again.complete(some) == [whole[i] for i in some]
    assert all(len(row) == len(FEATURES) for row in whole)


def test_the_first_pass_fills_only_the_screen_columns(engine: CodingEngine) -> None:
    table = _table(engine)
    before = [list(row) for row in table.rows]
    after = table.complete(range(len(table.codes)))
    others = [i for i in range(len(FEATURES)) if i not in SCREEN_AT]
    for first, whole in zip(before, after, strict=True):
        assert [first[i] for i in SCREEN_AT] == [whole[i] for i in SCREEN_AT]
        assert all(first[i] == 0.0 for i in others)
    # the second pass did fill some of the other columns (evidence position, cues, titles)
    assert any(whole[i] != 0.0 for whole in after for i in others)
    assert {FEATURES[i] for i in SCREEN_AT} == set(SCREEN)


def _out_of_fold(seed: int = 3) -> tuple[OutOfFold, list[float]]:
    """Rows of 200 notes, 30 candidates each: the first screen column tells gold apart; the
    ranker's out-of-fold score follows it."""
    rng = random.Random(seed)
    data, scores = OutOfFold(), []
    width = len(FEATURES)
    for note in range(200):
        for _ in range(30):
            gold = rng.random() < 0.1
            signal = rng.uniform(0.5, 1.0) if gold else rng.uniform(0.0, 0.6)
            row = [0.0] * width
            row[SCREEN_AT[0]] = signal
            row[SCREEN_AT[1]] = rng.random()  # noise
            data.rows.append(row)
            data.labels.append(int(gold))
            data.notes.append(note)
            scores.append(signal)
    return data, scores


def test_the_screen_lets_through_what_the_ranker_takes_and_sets_aside_the_rest() -> None:
    data, scores = _out_of_fold()
    folds = [frozenset(i for i in range(200) if i % 5 == f) for f in range(5)]
    screen = fit_screen(data, scores, 0.7, folds)
    new, new_scores = _out_of_fold(seed=4)  # notes it was not fitted on
    kept = set(screen.keep(new.rows))
    taken = [j for j, s in enumerate(new_scores) if s >= 0.7]
    assert sum(j in kept for j in taken) >= len(taken) * 0.98
    hopeless = [j for j, s in enumerate(new_scores) if s < 0.3]
    assert sum(j not in kept for j in hopeless) > 0.9 * len(hopeless)


def test_the_screen_keeps_the_best_few_of_a_note_it_finds_hopeless() -> None:
    data, scores = _out_of_fold()
    folds = [frozenset(i for i in range(200) if i % 5 == f) for f in range(5)]
    screen = fit_screen(data, scores, 0.7, folds)
    rows = [list(data.rows[0]) for _ in range(12)]
    for k, row in enumerate(rows):
        row[SCREEN_AT[0]] = 0.05 * k  # all below anything the ranker takes
    chance = screen.classifier.predict_proba([[row[i] for i in screen.columns] for row in rows])
    assert all(c < screen.cut for c in chance[:, 1])
    kept = screen.keep(rows)
    assert len(kept) == Screen.KEEP_AT_LEAST and kept == sorted(kept)
    assert min(chance[kept, 1]) >= max(chance[[i for i in range(12) if i not in kept], 1])
    assert 11 in kept
    assert screen.keep(rows[:3]) == [0, 1, 2]


def test_screened_scores_equal_the_unscreened_ones_for_every_kept_code(
    engine: CodingEngine,
) -> None:
    model = engine.models.diagnoses
    assert model.screen is not None
    unscreened = dataclasses.replace(model, screen=None)
    note = prepare(NOTE)
    everything = {s.code: s.score for s in unscreened.rank(note, engine.knowledge)}
    kept = {s.code: s.score for s in model.rank(note, engine.knowledge)}
    assert set(kept) <= set(everything)
    assert kept == pytest.approx({code: everything[code] for code in kept}, abs=1e-12)
