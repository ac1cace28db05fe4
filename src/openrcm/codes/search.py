"""Ranked search over code titles: an inverted index of stems with synonym-aware queries.

A query becomes a list of concepts. Each concept is one query word, or a phrase from the
synonym table (`heart attack`), with its alternatives (`myocardial infarction`, `mi`).
A document satisfies a concept when all stems of one alternative occur in its title (full
credit) or in its other text, such as inclusion terms (slightly less). Concepts are
weighted by how rare they are (idf over the documents that satisfy them). The score is the
weighted share of concepts satisfied, less a small penalty for title words the query did
not ask for, so `type 2 diabetes with neuropathy` prefers E11.40 over longer titles that
also mention both. Ties keep the tabular order (E11.40 before E11.41; a 7th character
A before D before S).

Unknown query words are matched by prefix against the vocabulary (`hypothyroid` finds
`hypothyroidism`). Postings are stored as packed `array('i')` bytes and turned into sets
on first use, so a cached index loads in milliseconds.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openrcm.codes.synonyms import SYNONYM_GROUPS
from openrcm.codes.text import NEGATIONS, WEAK_WEIGHT, analyse_title, stems

SYNONYM_CREDIT = 0.95  # a concept matched through the synonym table, not the query's words
EXTRA_WORD_PENALTY = 0.025  # per entry word the query did not ask for
EXTRA_PENALTY_CAP = 0.3
FULL_MATCH_BONUS = 0.03  # every query concept found and no specific entry word left over
ACCUMULATE_BUDGET = 3000  # below this many postings every matching entry is scored
WALK_SCAN = 3000  # above it: entries scanned for ones holding every concept, shortest first
WALK_HITS = 150  # ... stopping after this many
WALK_EACH = 40  # and each concept's own shortest entries
RERANK = 40

Alternative = tuple[str, ...]
# one query concept resolved: weight, entries matching it, (alternative, credit, entries), asked absent
Matched = tuple[float, frozenset[int], list[tuple[Alternative, float, frozenset[int]]], bool]


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """One searchable text of a document: its title, or one inclusion term.

    A document (a code) may have several entries; it scores as its best one. `credit`
    scales an entry (1.0 for a title, a little less for an inclusion term) and `bonus` is
    added to it (a small minus for a header code nobody can bill).
    """

    owner: int  # the document (code) this entry belongs to
    text: str
    extension: str = ""  # a 7th-character meaning: matched like the text, never penalised
    credit: float = 1.0
    bonus: float = 0.0


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing the query asks for, with the ways a title may say it."""

    words: Alternative  # the query's own stems
    alternatives: tuple[Alternative, ...]
    negated: bool = False  # asked for as absent: "without complications", "no abnormal findings"


def _pack(ids: Iterable[int]) -> bytes:
    return array("i", ids).tobytes()


def _unpack(blob: bytes) -> array[int]:
    values = array("i")
    values.frombytes(blob)
    return values


class SynonymTable:
    """Phrase (as stems) -> every alternative phrase (as stems), from `SYNONYM_GROUPS`."""

    def __init__(self, groups: Sequence[Sequence[str]] = SYNONYM_GROUPS) -> None:
        table: dict[Alternative, set[Alternative]] = {}
        for group in groups:
            members = {tuple(stems(member)) for member in group} - {()}
            for member in members:
                table.setdefault(member, set()).update(members)
        self.table = {k: tuple(sorted(v)) for k, v in table.items()}
        self.longest = max((len(k) for k in self.table), default=1)

    def concepts(self, query: str) -> list[Concept]:
        negated = analyse_title(query)[1]
        seq = [s for s in stems(query) if s not in NEGATIONS]
        out: list[Concept] = []
        i = 0
        while i < len(seq):
            for length in range(min(self.longest, len(seq) - i), 0, -1):
                key = tuple(seq[i : i + length])
                if key in self.table:
                    out.append(Concept(key, tuple({key, *self.table[key]}), key[0] in negated))
                    i += length
                    break
            else:
                out.append(Concept((seq[i],), ((seq[i],),), seq[i] in negated))
                i += 1
        return out


_DEFAULT_SYNONYMS: SynonymTable | None = None


def default_synonyms() -> SynonymTable:
    global _DEFAULT_SYNONYMS
    if _DEFAULT_SYNONYMS is None:
        _DEFAULT_SYNONYMS = SynonymTable()
    return _DEFAULT_SYNONYMS


class SearchIndex:
    """An inverted index over entries; results are the entries' owners (documents)."""

    def __init__(self, data: dict[str, Any], synonyms: SynonymTable | None = None) -> None:
        self._postings_raw: dict[str, bytes] = data["postings"]
        self._weak_raw: dict[str, bytes] = data["weak"]
        self._weak_sets: dict[str, frozenset[int]] = {}
        self._negated_raw: dict[str, bytes] = data["negated"]
        self._negated_sets: dict[str, frozenset[int]] = {}
        self._owner = array("i")
        self._owner.frombytes(data["owner"])
        self._length = array("f")
        self._length.frombytes(data["length"])
        self._credit = array("f")
        self._credit.frombytes(data["credit"])
        self._bonus = array("f")
        self._bonus.frombytes(data["bonus"])
        self.n_entries = len(self._owner)
        self._sets: dict[str, frozenset[int]] = {}
        self._ordered: dict[str, array[int]] = {}
        self._vocab: list[str] | None = None
        self._synonyms = synonyms

    @property
    def synonyms(self) -> SynonymTable:
        if self._synonyms is None:
            self._synonyms = default_synonyms()
        return self._synonyms

    # -- building and serialising ------------------------------------------------------
    @classmethod
    def build(cls, entries: Sequence[SearchEntry]) -> SearchIndex:
        return cls(cls.build_data(entries))

    @staticmethod
    def build_data(entries: Sequence[SearchEntry]) -> dict[str, Any]:
        """Plain values for `marshal`: the cache format."""
        postings: dict[str, list[int]] = {}
        weak: dict[str, list[int]] = {}
        negated: dict[str, list[int]] = {}
        owner, length, credit, bonus = array("i"), array("f"), array("f"), array("f")
        for entry_id, entry in enumerate(entries):
            weights, negations = analyse_title(entry.text)
            length.append(sum(weights.values()))
            for s in negations:
                negated.setdefault(s, []).append(entry_id)
            for s, w in weights.items():
                if w < 1.0:
                    weak.setdefault(s, []).append(entry_id)
            for s in set(weights) | set(stems(entry.extension)):
                postings.setdefault(s, []).append(entry_id)
            owner.append(entry.owner)
            credit.append(entry.credit)
            bonus.append(entry.bonus)
        return {
            # each posting list shortest entry first, so that a walk can stop early
            "postings": {
                s: _pack(sorted(ids, key=lambda e: (length[e], e))) for s, ids in postings.items()
            },
            "weak": {s: _pack(ids) for s, ids in weak.items()},
            "negated": {s: _pack(ids) for s, ids in negated.items()},
            "owner": owner.tobytes(),
            "length": length.tobytes(),
            "credit": credit.tobytes(),
            "bonus": bonus.tobytes(),
        }

    # -- postings -------------------------------------------------------------------------
    def _postings(self, stem: str) -> frozenset[int]:
        found = self._sets.get(stem)
        if found is None:
            raw = self._postings_raw.get(stem)
            found = frozenset(_unpack(raw)) if raw else frozenset()
            self._sets[stem] = found
        return found

    @staticmethod
    def _lazy(raw: dict[str, bytes], sets: dict[str, frozenset[int]], stem: str) -> frozenset[int]:
        found = sets.get(stem)
        if found is None:
            blob = raw.get(stem)
            found = frozenset(_unpack(blob)) if blob else frozenset()
            sets[stem] = found
        return found

    def _weight(self, stem: str, entry: int) -> float:
        """How much a stem of an entry specifies: WEAK_WEIGHT for a nonessential word."""
        return WEAK_WEIGHT if entry in self._lazy(self._weak_raw, self._weak_sets, stem) else 1.0

    def _negated(self, stem: str, entry: int) -> bool:
        return entry in self._lazy(self._negated_raw, self._negated_sets, stem)

    def _by_length(self, stem: str) -> array[int]:
        """A stem's entries, shortest first."""
        found = self._ordered.get(stem)
        if found is None:
            raw = self._postings_raw.get(stem)
            found = _unpack(raw) if raw else array("i")
            self._ordered[stem] = found
        return found

    def _vocabulary(self) -> list[str]:
        if self._vocab is None:
            self._vocab = sorted(self._postings_raw)
        return self._vocab

    def _expand_unknown(self, stem: str) -> list[str]:
        """Vocabulary stems for a word the index has never seen: by prefix, either way."""
        if len(stem) < 4 or stem.isdigit():
            return []
        vocab = self._vocabulary()
        at = bisect_left(vocab, stem)
        longer: list[str] = []
        while at < len(vocab) and vocab[at].startswith(stem) and len(longer) < 6:
            longer.append(vocab[at])
            at += 1
        if longer:
            return longer
        for cut in range(len(stem) - 1, 4, -1):
            if stem[:cut] in self._postings_raw:
                return [stem[:cut]]
        return []

    def _resolve(self, concept: Concept) -> list[tuple[Alternative, float]]:
        """The concept's alternatives the index can match, each with its credit."""
        resolved: list[tuple[Alternative, float]] = []
        for alternative in concept.alternatives:
            credit = 1.0 if alternative == concept.words else SYNONYM_CREDIT
            if all(s in self._postings_raw for s in alternative):
                resolved.append((alternative, credit))
        if not resolved and len(concept.words) == 1:
            # a word neither the index nor the synonym table knows: try it as a prefix
            resolved = [((s,), SYNONYM_CREDIT) for s in self._expand_unknown(concept.words[0])]
        return resolved

    def _match(self, alternative: Alternative) -> frozenset[int]:
        """Entries holding every stem of an alternative."""
        sets = sorted((self._postings(s) for s in alternative), key=len)
        return sets[0] if len(sets) == 1 else frozenset.intersection(*sets)

    def _shortest(self, matched: Matched) -> Iterable[int]:
        """A concept's entries, roughly shortest first: each alternative's postings in turn."""
        for alternative, _credit, ids in matched[2]:
            rarest = min(alternative, key=lambda s: len(self._postings(s)))
            if len(alternative) == 1:
                yield from self._by_length(rarest)
            elif len(ids) <= WALK_SCAN:
                yield from sorted(ids, key=lambda e: (self._length[e], e))
            else:
                yield from (e for e in self._by_length(rarest) if e in ids)

    # -- searching ------------------------------------------------------------------------
    def search(
        self, query: str, limit: int = 10, allowed: Container[int] | None = None
    ) -> list[tuple[int, float]]:
        """The best `limit` documents for a query, as (document id, score), best first."""
        if limit <= 0:
            return []
        concepts: list[Matched] = []
        for concept in self.synonyms.concepts(query):
            per_alt = [(a, c, self._match(a)) for a, c in self._resolve(concept)]
            union: frozenset[int] = (
                per_alt[0][2]
                if len(per_alt) == 1
                else frozenset().union(*(i for _, _, i in per_alt))
            )
            weight = math.log(1.0 + self.n_entries / (1.0 + len(union)))
            concepts.append((weight, union, per_alt, concept.negated))
        if not concepts:
            return []
        total = sum(c[0] for c in concepts)

        # stage 1: candidates. Small postings are walked whole; large ones only from their
        # shortest entries: first those holding every concept, then each concept's own.
        owner = self._owner
        ordered = sorted(concepts, key=lambda c: len(c[1]))
        candidates: set[int] = set()
        if sum(len(c[1]) for c in ordered) <= ACCUMULATE_BUDGET:
            for c in ordered:
                candidates.update(c[1])
        else:
            # entries holding every concept, then every concept but one
            groups = [ordered]
            if 2 <= len(ordered) <= 6:
                groups += [ordered[:i] + ordered[i + 1 :] for i in range(len(ordered))]
            for group in groups:
                cap = WALK_HITS if group is ordered else WALK_HITS // 3
                limit_scan = WALK_SCAN if group is ordered else WALK_SCAN // 3
                others = [c[1] for c in group[1:]]
                found = 0
                for scanned, e in enumerate(self._shortest(group[0]), start=1):
                    if all(e in u for u in others) and (allowed is None or owner[e] in allowed):
                        candidates.add(e)
                        found += 1
                        if found >= cap:
                            break
                    if scanned >= limit_scan:
                        break
            for c in ordered:
                taken = 0
                for scanned, e in enumerate(self._shortest(c), start=1):
                    if allowed is None or owner[e] in allowed:
                        candidates.add(e)
                        taken += 1
                        if taken >= WALK_EACH:
                            break
                    if scanned >= WALK_SCAN:
                        break
        if allowed is not None:
            candidates = {e for e in candidates if owner[e] in allowed}
        if not candidates:
            return []
        acc: dict[int, float] = {}
        for weight, union, per_alt, _absent in ordered:
            exact = [ids for _, credit, ids in per_alt if credit == 1.0]
            for e in candidates & union:
                credit = 1.0 if any(e in ids for ids in exact) else SYNONYM_CREDIT
                acc[e] = acc.get(e, 0.0) + weight * credit
        if not acc:
            return []
        length, entry_credit, bonus = self._length, self._credit, self._bonus

        def rough(e: int) -> float:
            return (
                acc[e] / total * entry_credit[e] - EXTRA_WORD_PENALTY * length[e] * 0.2 + bonus[e]
            )

        pool = heapq.nsmallest(RERANK + limit, acc, key=lambda e: (-rough(e), e))

        # stage 2: exact coverage (a negated word answers nothing), words accounted for,
        # the penalty for the rest, and a bonus when query and entry match completely
        def final(e: int) -> float:
            covered = 0.0
            words = 0.0
            satisfied = 0
            for weight, union, per_alt, asked_absent in concepts:
                if e not in union:
                    continue
                best: tuple[float, float] | None = None
                for alternative, credit, ids in per_alt:
                    # "aura" is not answered by "without aura", nor "no findings" by "with findings"
                    absent = any(self._negated(s, e) for s in alternative)
                    if e in ids and absent == asked_absent:
                        found = (credit, sum(self._weight(s, e) for s in alternative))
                        if best is None or found > best:
                            best = found
                if best is not None:
                    covered += weight * best[0]
                    words += best[1]
                    satisfied += 1
            extra = max(0.0, length[e] - words)
            penalty = min(EXTRA_PENALTY_CAP, EXTRA_WORD_PENALTY * extra)
            exact = FULL_MATCH_BONUS if satisfied == len(concepts) and extra <= 0.5 else 0.0
            return covered / total * entry_credit[e] - penalty + bonus[e] + exact

        by_owner: dict[int, float] = {}
        for e in pool:
            score = final(e)
            d = owner[e]
            if score > by_owner.get(d, -1.0):
                by_owner[d] = score
        ranked = sorted(by_owner.items(), key=lambda x: (-x[1], x[0]))[:limit]
        return [(d, max(0.0, round(score, 4))) for d, score in ranked]
