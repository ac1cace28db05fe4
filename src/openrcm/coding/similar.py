"""Whole-note evidence: which codes notes like this one carry (linear-kernel ridge).

Each note becomes a TF-IDF vector of its stems and stem bigrams (sublinear term
frequency, L2-normalised). `NoteSimilarity.fit` solves one ridge regression for every
code at once in its dual form: with K the notes' cosine similarities and Y their 0/1 code
matrix, A = (K + λI)⁻¹ Y, so a new note x scores codes by k(x)·A, where k(x) holds its
similarities to the training notes. That is a linear text classifier per code (TF-IDF
n-grams, one-vs-rest) trained in one solve of a notes-by-notes system; it gives the ranker
a document-level signal the phrase lexicon lacks ("notes like this are coded R52").
Scoring needs numpy only: the training vectors are kept as an inverted index.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openrcm.coding.text import Token

RIDGE = 0.3  # λ, chosen on the train tuning fold (F1 0.547 vs 0.546 at 1.0); K has a diagonal of 1
MIN_SCORE = 0.01  # lower code scores count as 0


def sentence_terms(sentence: Sequence[Token]) -> Counter[str]:
    """Stems and stem bigrams of a sentence, with their counts."""
    stems = [t.stem for t in sentence]
    counts = Counter(stems)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(stems))
    return counts


def note_terms(sentences: Sequence[Sequence[Token]]) -> Counter[str]:
    """Stems and stem bigrams of a note, with their counts."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(sentence_terms(sentence))
    return counts


class NoteSimilarity:
    """Codes scored for a note by the codes of similar training notes (see module doc)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: NDArray[Any],
        postings: tuple[NDArray[Any], NDArray[Any], NDArray[Any]],
        weights: NDArray[Any],
        codes: list[str],
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.indptr, self.note_ids, self.values = postings  # per term: notes holding it
        self.weights = weights  # notes x codes: (K + λI)⁻¹ Y
        self.codes = codes
        self.column = {c: i for i, c in enumerate(codes)}

    @classmethod
    def fit(
        cls,
        terms: Sequence[Counter[str]],
        gold: Sequence[Collection[str]],
        *,
        min_df: int = 2,
        ridge: float = RIDGE,
    ) -> NoteSimilarity:
        vocabulary, idf = tfidf_vocabulary(terms, min_df)
        n = len(terms)
        matrix = sparse_rows(
            [tfidf_vector(counts, vocabulary, idf) for counts in terms], vocabulary
        )
        kernel = (matrix @ matrix.T).toarray().astype(np.float64)
        codes = sorted({c for g in gold for c in g})
        column = {c: i for i, c in enumerate(codes)}
        labels = np.zeros((n, len(codes)), dtype=np.float64)
        for i, g in enumerate(gold):
            labels[i, [column[c] for c in g]] = 1.0
        weights = np.linalg.solve(kernel + ridge * np.eye(n), labels).astype(np.float32)
        return cls(vocabulary, idf.astype(np.float32), inverted_index(matrix), weights, codes)

    def scores(self, sentences: Sequence[Sequence[Token]]) -> dict[str, float]:
        """Codes scoring at least MIN_SCORE for the note (about 1 when similar notes all
        carry the code); the others count as 0."""
        index, value = tfidf_vector(note_terms(sentences), self.vocabulary, self.idf)
        if not len(index):
            return {}
        postings = (self.indptr, self.note_ids, self.values)
        similarity = cosines(postings, index, value, self.weights.shape[0]).astype(np.float32)
        out = similarity @ self.weights
        keep = np.flatnonzero(out >= MIN_SCORE)
        return {self.codes[i]: float(out[i]) for i in keep.tolist()}


def tfidf_vocabulary(
    documents: Sequence[Counter[str]], min_df: int
) -> tuple[dict[str, int], NDArray[Any]]:
    """The terms in at least `min_df` documents, numbered in sorted order, and their smoothed
    inverse document frequencies."""
    df: Counter[str] = Counter(t for counts in documents for t in counts)
    vocabulary = {t: i for i, t in enumerate(sorted(t for t, n in df.items() if n >= min_df))}
    n = len(documents)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary], dtype=np.float64)
    return vocabulary, idf


def sparse_rows(
    rows: Sequence[tuple[NDArray[Any], NDArray[Any]]], vocabulary: dict[str, int]
) -> Any:
    """One sparse matrix row per TF-IDF vector (training only: scoring needs numpy alone)."""
    from scipy.sparse import csr_matrix

    return csr_matrix(
        (
            np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32),
            np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64),
            np.cumsum([0, *(len(i) for i, _ in rows)]),
        ),
        shape=(len(rows), len(vocabulary)),
    )


def inverted_index(matrix: Any) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """The inverted index `cosines` reads: per term, where its postings start, then the
    row ids and weights, rows in order."""
    by_term = matrix.tocsc()
    return (
        by_term.indptr.astype(np.int64),
        by_term.indices.astype(np.int32),
        by_term.data.astype(np.float32),
    )


def cosines(
    postings: tuple[NDArray[Any], NDArray[Any], NDArray[Any]],
    index: NDArray[Any],
    value: NDArray[Any],
    size: int,
) -> NDArray[Any]:
    """Dot products of one sparse vector (term `index`, `value`) with every indexed vector,
    from an inverted index (per term: where its postings start, the vector ids, weights)."""
    indptr, ids, weights = postings
    starts, ends = indptr[index], indptr[index + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(size, dtype=np.float64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    return np.bincount(
        ids[offsets], weights=weights[offsets] * np.repeat(value, lengths), minlength=size
    )


def tfidf_vector(
    counts: Counter[str], vocabulary: dict[str, int], idf: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    known = [(vocabulary[t], c) for t, c in counts.items() if t in vocabulary]
    if not known:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    index = np.array([i for i, _ in known], dtype=np.int64)
    value = np.array([1.0 + math.log(c) for _, c in known], dtype=np.float64) * idf[index]
    value /= np.linalg.norm(value) or 1.0
    return index, value.astype(np.float32)
