"""The ranker: a gradient-boosted classifier over candidate features, trained without peeking.

Training rows come from cross-validation over the training notes: for each fold the
lexicon is learned from the other folds, so every candidate is scored by a lexicon that
never saw its note, as at prediction time; so is the whole-note similarity score
(`similar`), fitted per fold on the other folds' notes. The decision threshold maximises
micro-F1 over every training note, each fold's rows scored by a classifier fitted on the
other folds' rows (one 100-note fold alone gave a noisy threshold, for procedures most);
the final classifier is then fitted on every row and the lexicon on every note. The dev
split is never used. The classifier is a bag of `BAGS` boosted ensembles, each drawing
its own share of features per split, whose probabilities are averaged (out-of-fold micro-F1
on train 0.571 for one, 0.579 for three). Each fitted bag is copied at once into a
`TreeBag` (numpy arrays), so scoring, in tuning as after loading, needs no scikit-learn.

A note has a few hundred candidates and the ranker scores nearly all of them near zero.
A `Screen`, a small classifier over the cheap columns fitted on the same out-of-fold rows,
sets those aside before the costly columns are worked out; its cut lets through all but
one in a thousand of the candidates the ranker took out of fold. A kept candidate's row,
and so its score, is the same as without the screen.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openrcm.coding.features import (
    FEATURES,
    SCREEN_AT,
    Candidate,
    FeatureTable,
    Note,
    candidates,
)
from openrcm.coding.knowledge import Knowledge
from openrcm.coding.lexicon import (
    Lexicon,
    PairCounts,
    local_phrases,
    mention_phrases,
    note_phrases,
)
from openrcm.coding.passages import EvidencePassages
from openrcm.coding.similar import NoteSimilarity, note_terms
from openrcm.coding.trees import TreeBag

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Scored:
    code: str
    score: float
    candidate: Candidate


@dataclass
class CodeModel:
    """What one code system (ICD-10-CM diagnoses or ICD-10-PCS procedures) learned."""

    system: str
    lexicon: Lexicon
    classifier: TreeBag
    threshold: float
    uses_knowledge: bool
    stats: dict[str, float] = field(default_factory=dict)
    similar: NoteSimilarity | None = None
    rates: CodeRates | None = None
    passages: EvidencePassages | None = None
    screen: Screen | None = None

    def rank(self, note: Note, knowledge: Knowledge | None) -> list[Scored]:
        """Every candidate the screen keeps with its score, best first."""
        known = knowledge if self.uses_knowledge else None  # as in training
        found, codes, rows = candidate_rows(
            note, known, self.lexicon, self.similar, self.passages, self.rates, self.screen
        )
        scores = _scores(self.classifier, rows)
        ranked = [Scored(c, s, found[c]) for c, s in zip(codes, scores, strict=True)]
        ranked.sort(key=lambda s: (-s.score, s.code))
        return ranked

    def decide(self, ranked: Sequence[Scored]) -> list[Scored]:
        """The candidates above the threshold; at least the best one (every note has a code)."""
        kept = [s for s in ranked if s.score >= self.threshold]
        return kept or list(ranked[:1])


RATE_FEATURES = ("code_rate", "code_candidates", "category_rate", "category_candidates")


@dataclass
class CodeRates:
    """How often a code (and its category) proposed as a candidate was a gold code, over
    candidate rows scored out of fold: some codes are proposed often and rarely coded
    (R69 beside every vague phrase), others are coded nearly whenever they are proposed.
    Smoothed towards the share of all candidates that are gold."""

    code: dict[str, tuple[float, float]]
    category: dict[str, tuple[float, float]]
    base: float

    SMOOTHING = 2.0

    @classmethod
    def fit(cls, codes: Sequence[str], labels: Sequence[int]) -> CodeRates:
        base = sum(labels) / max(1, len(labels))
        tables = []
        for key in (_itself, _category):
            seen: dict[str, list[int]] = {}
            for code, label in zip(codes, labels, strict=True):
                tally = seen.setdefault(key(code), [0, 0])
                tally[0] += 1
                tally[1] += label
            tables.append(
                {
                    k: ((n_pos + cls.SMOOTHING * base) / (n + cls.SMOOTHING), math.log1p(n))
                    for k, (n, n_pos) in seen.items()
                }
            )
        return cls(tables[0], tables[1], base)

    def row(self, code: str) -> tuple[float, float, float, float]:
        unseen = (self.base, 0.0)
        return (
            *self.code.get(code, unseen),
            *self.category.get(_category(code), unseen),
        )


def _itself(code: str) -> str:
    return code


def _category(code: str) -> str:
    return code.split(".")[0]


SIMILAR_TOP = 10  # whole-note similarity proposes its best codes as candidates too
SIMILAR_FLOOR = 0.15  # ... when they score at least this


def add_similar(found: dict[str, Candidate], doc: dict[str, float] | None) -> None:
    """Add the best whole-note similarity codes the lexicon and terms did not propose."""
    if not doc:
        return
    for code in sorted(doc, key=lambda c: -doc[c])[:SIMILAR_TOP]:
        if doc[code] >= SIMILAR_FLOOR and code not in found:
            found[code] = Candidate(code)


def candidate_rows(
    note: Note,
    knowledge: Knowledge | None,
    lexicon: Lexicon,
    similar: NoteSimilarity | None,
    passages: EvidencePassages | None,
    rates: CodeRates | None = None,
    screen: Screen | None = None,
) -> tuple[dict[str, Candidate], list[str], list[list[float]]]:
    """A note's candidates (lexicon, tabular terms, the best whole-note similarity codes), the
    codes the screen keeps and their feature rows, the same way in training and at prediction.
    Training asks without rates (appended later, out of fold) and without a screen."""
    found = candidates(note, knowledge, lexicon)
    doc = similar.scores(note.sentences) if similar is not None else None
    add_similar(found, doc)
    table = FeatureTable(note, found, knowledge, lexicon, doc)
    if rates is not None:
        for code, row in zip(table.codes, table.rows, strict=True):
            row.extend(rates.row(code))
    kept = screen.keep(table.rows) if screen is not None else range(len(table.codes))
    codes = [table.codes[i] for i in kept]
    read = passages.scores(note.sentences, codes) if passages is not None else None
    return found, codes, table.complete(kept, read)


@dataclass
class Screen:
    """A small boosted classifier over the cheap `SCREEN` columns (and the code rates) that
    sets aside, before the other columns are worked out, the candidates the ranker would
    score near zero: most of a note's few hundred. Its cut lets through all but
    `SCREEN_MISSES` of the candidates the ranker took out of fold (`fit_screen`)."""

    classifier: TreeBag
    cut: float
    columns: tuple[int, ...]  # where its columns sit in a whole row

    KEEP_AT_LEAST = 5  # the best few stay whatever the cut: every note gets a ranking

    def keep(self, rows: Sequence[Sequence[float]]) -> list[int]:
        """Indexes of the rows kept, in order."""
        if len(rows) <= self.KEEP_AT_LEAST:
            return list(range(len(rows)))
        import numpy as np

        x = np.asarray(rows, dtype=np.float32)[:, self.columns]
        chance = self.classifier.predict_proba(x)[:, 1]
        kept = np.flatnonzero(chance >= self.cut)
        if len(kept) < self.KEEP_AT_LEAST:
            kept = np.sort(np.argsort(-chance, kind="stable")[: self.KEEP_AT_LEAST])
        return [int(i) for i in kept]


SCREEN_MISSES = 0.001  # of the candidates the ranker takes, the share the screen may drop


def screen_classifier(seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=60, learning_rate=0.2, max_leaf_nodes=15, random_state=seed
    )


def fit_screen(
    data: OutOfFold,
    scores: Sequence[float],
    threshold: float,
    folds: Sequence[frozenset[int]],
    seed: int = 13,
) -> Screen:
    """The screen, fitted on every out-of-fold row; its cut from its own out-of-fold chances:
    the highest that sets aside at most `SCREEN_MISSES` of the rows the ranker scored at
    least `threshold` (`scores`: the ranker's out-of-fold score of each row)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    columns = (*SCREEN_AT, *range(len(FEATURES), len(data.rows[0])))  # the rates, if any
    x = np.asarray(data.rows, dtype=np.float32)[:, columns]
    y, notes = np.asarray(data.labels), np.asarray(data.notes)
    chance = np.zeros(len(y))
    with threadpool_limits(limits=1, user_api="openmp"):
        for fold in folds:
            held = np.isin(notes, list(fold))
            fitted = screen_classifier(seed).fit(x[~held], y[~held])
            chance[held] = fitted.predict_proba(x[held])[:, 1]
        final = TreeBag.from_sklearn([screen_classifier(seed).fit(x, y)])
    taken = np.sort(chance[np.asarray(scores) >= threshold])
    cut = float(taken[int(SCREEN_MISSES * len(taken))]) if len(taken) else 0.0
    return Screen(final, cut, columns)


def _scores(classifier: TreeBag, rows: Sequence[Sequence[float]]) -> list[float]:
    if not rows:
        return []
    import numpy as np

    return [float(p) for p in classifier.predict_proba(np.asarray(rows, dtype=np.float32))[:, 1]]


def best_threshold(scored: Sequence[tuple[float, bool]], gold_total: int) -> tuple[float, float]:
    """The score threshold maximising micro-F1, and that F1.

    The threshold sits halfway between the last score taken and the next one, so a new
    note's score a hair below the last one taken still counts.
    """
    ranked = sorted(scored, key=lambda s: -s[0])
    tp = fp = 0
    best_at, best_f1 = -1, 0.0
    for at, (_, label) in enumerate(ranked):
        tp += label
        fp += not label
        precision, recall = tp / (tp + fp), tp / max(1, gold_total)
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best_f1:
            best_at, best_f1 = at, f1
    if best_at < 0:
        return 0.5, 0.0
    below = ranked[best_at + 1][0] if best_at + 1 < len(ranked) else 0.0
    return (ranked[best_at][0] + below) / 2, best_f1


@dataclass
class OutOfFold:
    """Candidate rows of every training note, each scored by a lexicon that never saw it."""

    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)  # the note each row belongs to
    codes: list[str] = field(default_factory=list)
    gold: list[frozenset[str]] = field(default_factory=list)


def out_of_fold(
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    knowledge: Knowledge | None,
    *,
    folds: int = 5,
    progress: Progress | None = None,
    evidence: Sequence[Mapping[str, Sequence[int]]] | None = None,
    evidence_words: Sequence[Mapping[str, Sequence[int]]] | None = None,
) -> tuple[OutOfFold, PairCounts]:
    counts = PairCounts(
        [note_phrases(p.sentences) for p in prepared],
        list(gold),
        local_evidence(prepared, gold, evidence),
        evidence_phrases(prepared, gold, evidence_words),
    )
    terms = [note_terms(p.sentences) for p in prepared]
    data = OutOfFold(gold=list(gold))
    for fold in range(folds):
        held = [i for i in range(len(prepared)) if i % folds == fold]
        lexicon = counts.lexicon(held)
        rest = [i for i in range(len(prepared)) if i % folds != fold]
        similar = NoteSimilarity.fit([terms[i] for i in rest], [gold[i] for i in rest])
        passages = fit_passages(
            [prepared[i] for i in rest],
            [gold[i] for i in rest],
            evidence and [evidence[i] for i in rest],
        )
        for i in held:
            _, codes, rows = candidate_rows(prepared[i], knowledge, lexicon, similar, passages)
            data.rows.extend(rows)
            data.labels.extend(int(c in gold[i]) for c in codes)
            data.notes.extend(i for _ in codes)
            data.codes.extend(codes)
            if progress:
                progress("candidates", len(set(data.notes)), len(prepared))
    return data, counts


def evidence_phrases(
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    words: Sequence[Mapping[str, Sequence[int]]] | None,
) -> list[dict[str, set[str]]] | None:
    """Per note: code -> phrases rendering its evidence words, for the gold codes."""
    return _of_gold(prepared, gold, words, lambda p, at: mention_phrases(p.phrases, at))


def fit_passages(
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    evidence: Sequence[Mapping[str, Sequence[int]]] | None,
) -> EvidencePassages | None:
    """The evidence sentences of these notes' codes, when the notes say where evidence is."""
    if not evidence:
        return None
    return EvidencePassages.fit(
        [p.sentences for p in prepared], [p.bounds for p in prepared], gold, evidence
    )


def local_evidence(
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    evidence: Sequence[Mapping[str, Sequence[int]]] | None,
) -> list[dict[str, set[str]]] | None:
    """Per note: code -> phrases near its evidence, for the gold codes with known offsets."""
    return _of_gold(
        prepared,
        gold,
        evidence,
        lambda p, at: local_phrases(p.sentences, p.bounds, at, len(p.text)),
    )


def _of_gold(
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    offsets: Sequence[Mapping[str, Sequence[int]]] | None,
    phrases_at: Callable[[Note, dict[str, Sequence[int]]], dict[str, set[str]]],
) -> list[dict[str, set[str]]] | None:
    """`phrases_at(note, code -> offsets)` of every note, for its gold codes with offsets."""
    if offsets is None:
        return None
    return [
        phrases_at(p, {c: at for c, at in by_code.items() if c in g and at})
        for p, g, by_code in zip(prepared, gold, offsets, strict=True)
    ]


BAGS = 3  # boosted ensembles averaged
FEATURE_SHARE = 0.6  # of the features each split may choose from


def classifier(seed: int = 13, iterations: int = 150, rows: int = 100_000) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=iterations,
        learning_rate=0.1,
        max_leaf_nodes=31,
        min_samples_leaf=max(5, min(40, rows // 500)),  # small training sets: smaller leaves
        l2_regularization=1.0,
        max_features=FEATURE_SHARE,
        random_state=seed,
    )


def fit_rows(rows: Sequence[Sequence[float]], labels: Sequence[int], seed: int = 13) -> TreeBag:
    import numpy as np
    from threadpoolctl import threadpool_limits

    x, y = np.asarray(rows, dtype=np.float32), np.asarray(labels)
    # one OpenMP thread: the boosting's threads spin when the cores are busy (tuning took
    # 646 s beside two other jobs on two cores, 104 s with one thread)
    with threadpool_limits(limits=1, user_api="openmp"):
        fitted = [classifier(seed + k, rows=len(rows)).fit(x, y) for k in range(BAGS)]
    return TreeBag.from_sklearn(fitted)


def tune(
    data: OutOfFold, folds: Sequence[frozenset[int]], seed: int = 13
) -> tuple[float, list[float], dict[str, float]]:
    """The threshold that maximises micro-F1 over the notes of `folds`, each fold's rows
    scored by a classifier fitted on the rows of every other note; those scores (0 for a
    row of a note in no fold); and figures of the tuning."""
    scored: list[tuple[float, bool]] = []
    out_of_fold_scores = [0.0] * len(data.rows)
    tuning: set[int] = set()
    for fold in folds:
        fit = [j for j, i in enumerate(data.notes) if i not in fold]
        held = [j for j, i in enumerate(data.notes) if i in fold]
        model = fit_rows([data.rows[j] for j in fit], [data.labels[j] for j in fit], seed)
        scores = _scores(model, [data.rows[j] for j in held])
        scored.extend((s, bool(data.labels[j])) for s, j in zip(scores, held, strict=True))
        for s, j in zip(scores, held, strict=True):
            out_of_fold_scores[j] = s
        tuning |= fold
    gold_total = sum(len(data.gold[i]) for i in tuning)
    threshold, f1 = best_threshold(scored, gold_total)
    return (
        threshold,
        out_of_fold_scores,
        {
            "tuning_notes": float(len(tuning)),
            "tuning_candidate_recall": sum(label for _, label in scored) / max(1, gold_total),
            "tuning_f1": f1,
        },
    )


def train_code_model(
    system: str,
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    knowledge: Knowledge | None,
    *,
    folds: int = 5,
    seed: int = 13,
    progress: Progress | None = None,
    evidence: Sequence[Mapping[str, Sequence[int]]] | None = None,
    evidence_words: Sequence[Mapping[str, Sequence[int]]] | None = None,
    code_rates: bool = False,
) -> CodeModel:
    """Learn one code system from prepared notes and their gold codes (see module docstring).
    `evidence`: per note, code -> estimated offsets of its mentions (local lexicon counts);
    `evidence_words`: code -> where the English words of its mentions start (mention counts)."""
    started = time.perf_counter()
    data, counts = out_of_fold(
        prepared,
        gold,
        knowledge,
        folds=folds,
        progress=progress,
        evidence=evidence,
        evidence_words=evidence_words,
    )
    rates = None
    if code_rates:
        add_code_rates(
            data,
            prepared,
            gold,
            knowledge,
            folds=folds,
            evidence=evidence,
            evidence_words=evidence_words,
        )
        rates = CodeRates.fit(data.codes, data.labels)
    tuning = [frozenset(i for i in range(len(prepared)) if i % folds == f) for f in range(folds)]
    threshold, scores, stats = tune(data, tuning, seed)
    if progress:
        progress("classifier", 0, 1)
    screen = fit_screen(data, scores, threshold, tuning, seed)
    final = fit_rows(data.rows, data.labels, seed)
    gold_total = sum(len(g) for g in gold)
    stats.update(
        candidates=float(len(data.rows)),
        candidate_recall=sum(data.labels) / max(1, gold_total),
        threshold=threshold,
        seconds=time.perf_counter() - started,
        features=float(len(FEATURES) + (len(RATE_FEATURES) if rates is not None else 0)),
        screen_cut=screen.cut,
    )
    log.info("%s model trained: %s", system, stats)
    similar = NoteSimilarity.fit([note_terms(p.sentences) for p in prepared], gold)
    return CodeModel(
        system,
        counts.lexicon(),
        final,
        threshold,
        knowledge is not None,
        stats,
        similar,
        rates,
        fit_passages(prepared, gold, evidence),
        screen,
    )


def add_code_rates(
    data: OutOfFold,
    prepared: Sequence[Note],
    gold: Sequence[frozenset[str]],
    knowledge: Knowledge | None,
    *,
    folds: int,
    evidence: Sequence[Mapping[str, Sequence[int]]] | None,
    evidence_words: Sequence[Mapping[str, Sequence[int]]] | None = None,
) -> None:
    """Append the `CodeRates` columns to every out-of-fold row, each fold's rates learned
    without that fold: from candidates of the other notes, proposed by lexicons that never
    saw the fold either. (Rates from the outer out-of-fold rows would leak a fold's labels:
    a code seen in only two notes is proposed for one of them only when the other carries
    it.)"""
    for fold in range(folds):
        rest = [i for i in range(len(prepared)) if i % folds != fold]
        inner, _ = out_of_fold(
            [prepared[i] for i in rest],
            [gold[i] for i in rest],
            knowledge,
            folds=folds - 1,
            evidence=[evidence[i] for i in rest] if evidence is not None else None,
            evidence_words=[evidence_words[i] for i in rest] if evidence_words else None,
        )
        rates = CodeRates.fit(inner.codes, inner.labels)
        for j, i in enumerate(data.notes):
            if i % folds == fold:
                data.rows[j].extend(rates.row(data.codes[j]))
