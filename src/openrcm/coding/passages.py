"""Sentence-level evidence: how closely a note's sentences read like the training sentences
that carried a code.

Training notes say roughly where each code's evidence is (`align.Aligner`); the
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
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openrcm.coding.similar import (
    cosines,
    inverted_index,
    sentence_terms,
    sparse_rows,
    tfidf_vector,
    tfidf_vocabulary,
)
from openrcm.coding.text import Token

CLOSE = 0.35  # cosine at which an evidence sentence counts as read again
FEATURES = ("passage_best", "passage_close", "passage_share")
NOTHING = (0.0, 0.0, 0.0)


class EvidencePassages:
    """The evidence sentences of every code, indexed for cosine scoring (see module doc)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: NDArray[Any],
        postings: tuple[NDArray[Any], NDArray[Any], NDArray[Any]],
        codes: list[str],
        firsts: NDArray[Any],
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.indptr, self.passage_ids, self.values = postings  # per term: passages holding it
        self.codes = codes  # every code with evidence sentences, sorted
        self.column = {code: i for i, code in enumerate(codes)}
        # a code's evidence sentences are numbered together: firsts[i] is code i's first,
        # firsts[-1] the number of evidence sentences
        self.firsts = firsts
        self.counts = np.diff(firsts)
        self.passages = int(firsts[-1])

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
        vocabulary, idf = tfidf_vocabulary([s for note in terms for s in note], min_df)
        owned: dict[str, list[tuple[NDArray[Any], NDArray[Any]]]] = defaultdict(list)
        for note_terms, note_bounds, note_codes, offsets in zip(
            terms, bounds, gold, evidence, strict=True
        ):
            starts = [start for start, _ in note_bounds]
            for code in sorted(note_codes):
                holding = {bisect.bisect_right(starts, at) - 1 for at in offsets.get(code, ())}
                for at in sorted(holding):
                    if at >= 0:
                        owned[code].append(tfidf_vector(note_terms[at], vocabulary, idf))
        coded = sorted(owned)
        vectors = [vector for code in coded for vector in owned[code]]
        firsts = np.cumsum([0, *(len(owned[code]) for code in coded)])
        return cls(
            vocabulary,
            idf.astype(np.float32),
            inverted_index(sparse_rows(vectors, vocabulary)),
            coded,
            firsts.astype(np.int64),
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

    def scores(
        self, sentences: Sequence[Sequence[Token]], codes: Sequence[str]
    ) -> dict[str, tuple[float, float, float]]:
        """Per code: (best cosine of its evidence sentences, log of 1 + how many reach
        `CLOSE`, their share); `NOTHING` for a code without evidence sentences."""
        if not self.passages:
            return dict.fromkeys(codes, NOTHING)
        best = self.best_cosines(sentences)
        starts = self.firsts[:-1]
        top = np.maximum.reduceat(best, starts).tolist()
        close = np.add.reduceat((best >= CLOSE).astype(np.int64), starts).tolist()
        counts = self.counts.tolist()
        out = {}
        for code in codes:
            i = self.column.get(code)
            if i is None:
                out[code] = NOTHING
            else:
                out[code] = (float(top[i]), math.log1p(close[i]), close[i] / counts[i])
        return out
