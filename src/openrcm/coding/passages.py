"""Sentence-level evidence: how closely a note's sentences read like the training sentences
that carried a code.

Training notes say roughly where each code's evidence is (`align.english_offsets`); the
sentence holding such an offset is an *evidence sentence* of the code. Each sentence becomes
a TF-IDF vector of its stems and stem bigrams (sublinear term frequency, L2-normalised).
For a new note, every evidence sentence gets its best cosine against the note's sentences,
and a candidate code reads three numbers off its own evidence sentences: the best cosine,
how many reach `CLOSE` (log), and their share. Unlike the phrase lexicon (one to three
stems, counted per note), this compares whole sentences, so "enlarged right testis" in
training speaks for "the left testis was increased in size" even when the code was seen
once. Scoring needs numpy only: the evidence sentences are kept as an inverted index.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openrcm.coding.similar import cosines, tfidf_vector
from openrcm.coding.text import Token

CLOSE = 0.35  # cosine at which an evidence sentence counts as read again
FEATURES = ("passage_best", "passage_close", "passage_share")
NOTHING = (0.0, 0.0, 0.0)


def sentence_terms(sentence: Sequence[Token]) -> Counter[str]:
    stems = [t.stem for t in sentence]
    counts = Counter(stems)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(stems))
    return counts


class EvidencePassages:
    """The evidence sentences of every code, indexed for cosine scoring (see module doc)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: NDArray[Any],
        postings: tuple[NDArray[Any], NDArray[Any], NDArray[Any]],
        by_code: dict[str, NDArray[Any]],
        passages: int,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.indptr, self.passage_ids, self.values = postings  # per term: passages holding it
        self.by_code = by_code  # code -> its evidence sentences' ids
        self.passages = passages

    @classmethod
    def fit(
        cls,
        sentences: Sequence[Sequence[Sequence[Token]]],
        bounds: Sequence[Sequence[tuple[int, int]]],
        gold: Sequence[frozenset[str]],
        evidence: Sequence[Mapping[str, Sequence[int]]],
        *,
        min_df: int = 2,
    ) -> EvidencePassages:
        """Learn from notes (their tokenised sentences and sentence bounds), their gold codes
        and code -> estimated evidence offsets; codes of a note without offsets are skipped."""
        terms = [[sentence_terms(s) for s in note] for note in sentences]
        df: Counter[str] = Counter(t for note in terms for s in note for t in s)
        total = sum(len(note) for note in terms)
        vocabulary = {t: i for i, t in enumerate(sorted(t for t, n in df.items() if n >= min_df))}
        idf = np.array(
            [math.log((1 + total) / (1 + df[t])) + 1.0 for t in vocabulary], dtype=np.float64
        )
        owners: dict[str, list[int]] = defaultdict(list)
        vectors: list[tuple[NDArray[Any], NDArray[Any]]] = []
        for note_terms, note_bounds, codes, offsets in zip(
            terms, bounds, gold, evidence, strict=True
        ):
            starts = [start for start, _ in note_bounds]
            for code in sorted(codes):
                holding = {bisect.bisect_right(starts, at) - 1 for at in offsets.get(code, ())}
                for at in sorted(holding):
                    if at >= 0:
                        owners[code].append(len(vectors))
                        vectors.append(tfidf_vector(note_terms[at], vocabulary, idf))
        by_term: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for passage, (index, value) in enumerate(vectors):
            for term, weight in zip(index.tolist(), value.tolist(), strict=True):
                by_term[term].append((passage, weight))
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        for term, postings in by_term.items():
            indptr[term + 1] = len(postings)
        indptr = np.cumsum(indptr)
        ids = np.zeros(int(indptr[-1]), dtype=np.int32)
        values = np.zeros(int(indptr[-1]), dtype=np.float32)
        for term, postings in by_term.items():
            ids[indptr[term] : indptr[term + 1]] = [p for p, _ in postings]
            values[indptr[term] : indptr[term + 1]] = [w for _, w in postings]
        return cls(
            vocabulary,
            idf.astype(np.float32),
            (indptr, ids, values),
            {c: np.array(v, dtype=np.int32) for c, v in owners.items()},
            len(vectors),
        )

    def best_cosines(self, sentences: Sequence[Sequence[Token]]) -> NDArray[Any]:
        """Every evidence sentence's best cosine against one of the note's sentences."""
        best = np.zeros(self.passages, dtype=np.float32)
        for sentence in sentences:
            index, value = tfidf_vector(sentence_terms(sentence), self.vocabulary, self.idf)
            if len(index):
                postings = (self.indptr, self.passage_ids, self.values)
                cosine = cosines(postings, index, value, self.passages)
                np.maximum(best, cosine, out=best, casting="unsafe")
        return best

    def features(self, best: NDArray[Any], code: str) -> tuple[float, float, float]:
        """(best cosine, log of 1 + passages at `CLOSE` or more, their share) for a code."""
        own = self.by_code.get(code)
        if own is None or not len(own):
            return NOTHING
        cosines = best[own]
        close = float((cosines >= CLOSE).sum())
        return float(cosines.max()), math.log1p(close), close / len(own)

    def scores(
        self, sentences: Sequence[Sequence[Token]], codes: Sequence[str]
    ) -> dict[str, tuple[float, float, float]]:
        best = self.best_cosines(sentences)
        return {code: self.features(best, code) for code in codes}
