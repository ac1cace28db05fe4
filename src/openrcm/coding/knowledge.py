"""What the coding engine knows from the ICD-10-CM tabular list: every code's terms.

Each code contributes its title and inclusion terms as sets of stems. A sentence matches a
term when it contains every stem of it, in any order (clinicians write "neuropathy due to
type 2 diabetes" as often as "type 2 diabetic neuropathy"). Terms are indexed by their
rarest stem, so a sentence looks at few terms.

The tabular list comes from `openrcm.codes` (`Icd10cmIndex`): titles, inclusion terms,
billable flags, Excludes1 notes and 7th characters. The stemmed terms, their index by
rarest stem and the stems' IDF are built once and cached with `marshal` beside the
code-set cache, keyed by the index's own cache key and this module's `KNOWLEDGE_VERSION`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openrcm.coding.text import TEXT_VERSION, Token, term_stems

if TYPE_CHECKING:
    from openrcm.codes import Icd10cmIndex

KNOWLEDGE_VERSION = 4  # bump when the term index changes shape or content


@dataclass(frozen=True, slots=True)
class TermMatch:
    code: str  # CodiEsp style: lower case with the dot, "e11.40"
    coverage: float  # share of the term's stems found (1.0 = all)
    length: int  # stems in the term: longer matches are more specific
    weight: float  # share of the term's information (stem IDF) found
    start: int
    end: int


def codiesp_code(code: str) -> str:
    """`E1140` or `E11.40` -> `e11.40` (lower case with the dot)."""
    from openrcm.codes import icd10cm_dotted

    return icd10cm_dotted(code).lower()


class Knowledge:
    """ICD-10-CM codes with their terms, indexed for matching inside sentences.

    `icd` is the code-set index (titles, billable, notes); `terms` maps each code (CodiEsp
    style) to the stems of its title and inclusion terms.
    """

    def __init__(
        self,
        icd: Icd10cmIndex | None,
        terms: dict[str, list[tuple[str, ...]]],
        index: dict[str, list[tuple[str, frozenset[str], int]]] | None = None,
        idf: dict[str, float] | None = None,
    ) -> None:
        self.icd = icd
        self.terms = terms
        if index is None or idf is None:
            index, idf = term_index(terms)
        self._idf = idf
        self._index = index
        self._known: dict[str, tuple[bool, bool]] = {}
        self._traits: dict[str, tuple[float, float]] = {}

    def title(self, code: str) -> str:
        if self.icd is None:
            return ""
        return self.icd.title(code) or ""

    def title_traits(self, code: str) -> tuple[float, float]:
        """(1 if the title says "unspecified", 1 if it is an "other ..." code), remembered:
        coders of case reports often settle on the unspecified code."""
        traits = self._traits.get(code)
        if traits is None:
            title = self.title(code).lower()
            other = title.startswith("other") or " other " in title
            traits = self._traits[code] = (float("unspecified" in title), float(other))
        return traits

    def term_coverage(self, code: str, stems: set[str]) -> tuple[float, float]:
        """The largest share of one of the code's terms whose stems the note holds anywhere,
        and the fewest stems a term of the code has (0 for a code without terms)."""
        share, fewest = 0.0, 0
        for term in self.terms.get(code, ()):
            if term:
                share = max(share, len(stems.intersection(term)) / len(term))
                fewest = min(fewest, len(term)) if fewest else len(term)
        return share, float(fewest)

    def __contains__(self, code: str) -> bool:
        return self._status(code)[0]

    def is_billable(self, code: str) -> bool:
        return self._status(code)[1]

    def _status(self, code: str) -> tuple[bool, bool]:
        """(known, billable), remembered: the ranker asks for every candidate of every note."""
        known = self._known.get(code)
        if known is None:
            record = self.icd.get(code) if self.icd is not None else None
            known = self._known[code] = (record is not None, bool(record and record.billable))
        return known

    def match(self, sentence: Sequence[Token], *, partial: float = 1.0) -> list[TermMatch]:
        """Every term whose stems occur in the sentence, with the span covering them.

        A term matches when its rarest stem is present and at least `partial` of its stems
        are (1.0: all of them). The best match per code is kept: widest coverage, then
        the longest term.
        """
        present: dict[str, list[Token]] = defaultdict(list)
        for token in sentence:
            present[token.stem].append(token)
        found: dict[str, TermMatch] = {}
        keys = present.keys()
        for stem_ in present:
            for code, term, length in self._index.get(stem_, ()):
                if term <= keys:
                    coverage = weight = 1.0
                    shared = list(term)
                elif partial < 1.0 and length > 1:
                    shared = [s for s in term if s in keys]
                    coverage = len(shared) / length
                    if coverage < partial:
                        continue
                    idf = self._idf
                    weight = sum(idf[s] for s in shared) / sum(idf[s] for s in term)
                else:
                    continue
                best = found.get(code)
                if best is None or (coverage, length) > (best.coverage, best.length):
                    hit = [present[s][0] for s in shared]
                    found[code] = TermMatch(
                        code,
                        coverage,
                        length,
                        weight,
                        min(t.start for t in hit),
                        max(t.end for t in hit),
                    )
        return list(found.values())


def term_index(
    terms: dict[str, list[tuple[str, ...]]],
) -> tuple[dict[str, list[tuple[str, frozenset[str], int]]], dict[str, float]]:
    """Terms by their rarest stem, and every stem's inverse document frequency."""
    frequency: Counter[str] = Counter(s for ts in terms.values() for t in ts for s in set(t))
    total = sum(len(ts) for ts in terms.values())
    idf = {s: math.log(total / n) for s, n in frequency.items()}
    index: dict[str, list[tuple[str, frozenset[str], int]]] = defaultdict(list)
    for code, code_terms in terms.items():
        for term in code_terms:
            if term:
                rarest = min(term, key=lambda s: (frequency[s], s))
                index[rarest].append((code, frozenset(term), len(term)))
    return dict(index), idf


def icd10cm_terms(icd: Icd10cmIndex) -> dict[str, list[tuple[str, ...]]]:
    """Stems of every category's, subcategory's and code's title and inclusion terms."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for code in icd.codes():
        record = icd.get(code)
        if record is None:  # pragma: no cover - codes() yields known codes
            continue
        names: Iterable[str] = (record.title, *record.inclusion_terms)
        terms = [t for t in dict.fromkeys(term_stems(n) for n in names) if t]
        if terms:
            out[codiesp_code(code)] = terms
    return out


def vocabulary_digest() -> str:
    """A hash of the word tables tokens are made with (stopwords, abbreviations, synonyms):
    a term index cached with other tables is not reused, even if TEXT_VERSION was not bumped."""
    import hashlib

    from openrcm.coding import text

    tables = (
        sorted(text.STOPWORDS),
        sorted(text.ABBREVIATIONS.items()),
        sorted(text.SYNONYMS.items()),
    )
    return hashlib.sha256(repr(tables).encode()).hexdigest()[:8]


def load_knowledge(icd: Icd10cmIndex | None = None, cache_dir: Path | None = None) -> Knowledge:
    """The ICD-10-CM knowledge, its term index from the cache when it matches the code set."""
    from openrcm.codes import load_icd10cm
    from openrcm.codes.cache import default_cache_dir, read_cache, write_cache
    from openrcm.codes.icd10cm import cache_key

    icd = icd or load_icd10cm()
    folder = cache_dir or default_cache_dir().parent / "coding"
    path = folder / f"terms-k{KNOWLEDGE_VERSION}t{TEXT_VERSION}{vocabulary_digest()}-{cache_key()}"
    data = read_cache(path)
    if not isinstance(data, dict) or set(data) != {"terms", "index", "idf"}:
        terms = icd10cm_terms(icd)
        index, idf = term_index(terms)
        data = {"terms": terms, "index": index, "idf": idf}
        write_cache(path, data)
    return Knowledge(icd, data["terms"], data["index"], data["idf"])
