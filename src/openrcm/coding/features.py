"""Candidate codes for a note and the features the ranker scores them by.

Candidates come from two places: the learned lexicon (phrases seen with a code in coded
notes) and the tabular list (a sentence containing every word of a code's title or
inclusion term). Each candidate carries its evidence spans and context flags; `FeatureTable`
turns the candidates of one note into the numeric rows the ranker reads (`FEATURES` names
the columns; the cheap `SCREEN` columns of every candidate first, the rest only for the
candidates a first screen keeps): lexicon and tabular evidence (how often each phrase was
the code's own evidence, or any code's, in training), priors, position, context cues, what
the code's title says (unspecified, other, depth, how much of its terms the note holds
anywhere), and how closely the note reads like the code's training evidence sentences
(`passages`).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openrcm.coding.context import FLAGS, ContextDetector
from openrcm.coding.cues import CUES, CueZones
from openrcm.coding.knowledge import Knowledge, TermMatch
from openrcm.coding.lexicon import Lexicon, PhraseHit, phrases
from openrcm.coding.passages import FEATURES as PASSAGE_FEATURES
from openrcm.coding.passages import NOTHING
from openrcm.coding.text import Token, sentences, tokens

FEATURES = (
    "lex_precision",
    "lex_support",
    "lex_phrases",
    "lex_mean_top3",
    "lex_noisy_or",
    "lex_best_rank",
    "lex_best_length",
    "lex_mentions",
    "dict_match",
    "dict_coverage",
    "dict_weight",
    "dict_length",
    "dict_count",
    "both",
    "log_prior",
    "category_prior",
    "billable",
    "header",
    "symptom_chapter",
    "chapter",
    "first_position",
    "category_rivals",
    "best_in_category",
    "note_candidates",
    "doc_score",
    "doc_rank",
    "local_best",
    "local_noisy_or",
    "local_mean_top3",
    "local_phrases",
    "mention_best",
    "mention_noisy_or",
    "mention_mean_top3",
    "mention_phrases",
    "rendering_best",
    "rendering_first",
    "category_rendering",
    *CUES,
    "title_unspecified",
    "title_other",
    "code_depth",
    "term_note_coverage",
    "shortest_term",
    *PASSAGE_FEATURES,
)


STRONG = 0.6  # evidence: phrases at least this share of the best phrase's precision
PARTIAL = 0.5  # a tabular term proposes its code when half its stems, the rarest among them, occur


@dataclass(slots=True)
class Candidate:
    code: str
    phrase_hits: list[PhraseHit] = field(default_factory=list)
    term_matches: list[TermMatch] = field(default_factory=list)
    flags: dict[str, float] = field(default_factory=dict)  # share of mentions with the flag

    def spans(self) -> list[tuple[int, int]]:
        """Evidence spans, the most telling first: whole tabular terms, then the phrases
        nearly as telling as the best one; partial terms only when nothing else speaks."""
        full = [m for m in self.term_matches if m.coverage == 1.0]
        full.sort(key=_by_length)
        spans = [(m.start, m.end) for m in full]
        if self.phrase_hits:
            floor = STRONG * max(h.precision for h in self.phrase_hits)
            strong = [
                (-h.precision, at[0], at)
                for h in self.phrase_hits
                if h.precision >= floor
                for at in h.occurrences()
            ]
            strong.sort(key=_by_strength)
            spans.extend(at for _, _, at in strong)
        if not spans:  # the ranker asks every candidate: partial terms only when needed
            partial = sorted(self.term_matches, key=_by_weight)
            spans = [(m.start, m.end) for m in partial]
        return list(dict.fromkeys(spans))


def first_starts(spans: Sequence[tuple[int, int]], most: int = 5) -> list[int]:
    """Where the first `most` of a candidate's telling mentions (`Candidate.spans()`) start,
    earliest first."""
    return sorted({start for start, _ in spans})[:most]


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    sentences: tuple[tuple[Token, ...], ...]
    bounds: tuple[tuple[int, int], ...]  # (start, end) of each sentence
    # every phrase of the note with its span (`lexicon.phrases`), read once per model
    phrases: tuple[tuple[str, int, int], ...]


def prepare(text: str) -> Note:
    bounds = tuple(sentences(text))
    tokenized = tuple(tuple(tokens(text, s, e)) for s, e in bounds)
    return Note(text, tokenized, bounds, tuple(p for s in tokenized for p in phrases(s)))


def candidates(note: Note, knowledge: Knowledge | None, lexicon: Lexicon) -> dict[str, Candidate]:
    """Every code the lexicon or the tabular terms propose for the note, with evidence."""
    found: dict[str, Candidate] = {}
    for code, hits in lexicon.hits_at(note.phrases).items():
        found.setdefault(code, Candidate(code)).phrase_hits.extend(hits)
    if knowledge is not None:
        for sentence in note.sentences:
            for match in knowledge.match(sentence, partial=PARTIAL):
                found.setdefault(match.code, Candidate(match.code)).term_matches.append(match)
    return found


def add_context(
    note: Note, found: Sequence[Candidate], context: ContextDetector, mentions: int = 3
) -> None:
    """Share of each candidate's first `mentions` evidence spans that are negated, uncertain,
    historical or about family. ConText reads only the sentences holding those spans."""
    spans: list[tuple[int, int]] = []
    owners: list[str] = []
    for cand in found:
        for span in cand.spans()[:mentions]:
            spans.append(span)
            owners.append(cand.code)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    text = _only_sentences(note, spans)
    for code, flags in zip(owners, context.flags(text, spans), strict=True):
        counts[code] += 1
        tally[code].update(flags)
    for cand in found:
        n = counts.get(cand.code, 0)
        cand.flags = {f: tally[cand.code][f] / n for f in FLAGS} if n else {}


def _only_sentences(note: Note, spans: Sequence[tuple[int, int]]) -> str:
    """The note with every sentence that holds no span blanked out (offsets unchanged)."""
    keep = bytearray(len(note.text))
    bounds = note.bounds
    for start, _ in spans:
        at = bisect.bisect_right(bounds, (start, len(note.text))) - 1
        if at >= 0:
            s, e = bounds[at]
            keep[s:e] = b"\x01" * (e - s)
    return "".join(c if k or c == "\n" else " " for c, k in zip(note.text, keep, strict=True))


# Columns `FeatureTable.complete` works out only for the candidates a first screen
# (`model.Screen`) keeps: they need the candidate's evidence spans or the note's cue zones,
# renderings, stems and passages. The others (`SCREEN`) are cheap, worked out for every
# candidate, and enough for the screen to set aside those the ranker would score near zero.
# Set-wide columns (rivals, ranks, counts) are among them, so a kept candidate's row is the
# same whatever else was set aside.
COMPLETED = (
    "lex_mentions",
    "first_position",
    "rendering_best",
    "rendering_first",
    "category_rendering",
    *CUES,
    "title_unspecified",
    "title_other",
    "term_note_coverage",
    "shortest_term",
    *PASSAGE_FEATURES,
)
SCREEN = tuple(name for name in FEATURES if name not in COMPLETED)
SCREEN_AT = tuple(FEATURES.index(name) for name in SCREEN)
_AT = {name: FEATURES.index(name) for name in FEATURES}


def _columns(first: str, last: str) -> slice:
    return slice(_AT[first], _AT[last] + 1)


_LEX = _columns("lex_precision", "lex_best_length")
_DICT_TO_CHAPTER = _columns("dict_match", "chapter")
_RIVALS_TO_MENTION = _columns("category_rivals", "mention_phrases")
_RENDERING = _columns("rendering_best", "category_rendering")
_CUE_COLUMNS = _columns(CUES[0], CUES[-1])
_TITLE = _columns("title_unspecified", "title_other")
_COVERAGE = _columns("term_note_coverage", "shortest_term")
_PASSAGES = _columns(PASSAGE_FEATURES[0], PASSAGE_FEATURES[-1])


def _named(*parts: slice) -> set[str]:
    return {FEATURES[i] for part in parts for i in range(part.start, part.stop)}


# each pass fills exactly its columns (a slice out of step with FEATURES fails on import)
assert _named(_LEX, _DICT_TO_CHAPTER, _RIVALS_TO_MENTION) | {"code_depth"} == set(SCREEN)
assert _named(_RENDERING, _CUE_COLUMNS, _TITLE, _COVERAGE, _PASSAGES) | {
    "lex_mentions",
    "first_position",
} == set(COMPLETED)


class FeatureTable:
    """The feature rows of one note's candidates (columns as in `FEATURES`), in two passes:
    the `SCREEN` columns of every candidate at once, then `complete` fills in the others for
    the candidates kept. Codes are in a stable (sorted) order."""

    def __init__(
        self,
        note: Note,
        found: dict[str, Candidate],
        knowledge: Knowledge | None,
        lexicon: Lexicon,
        doc_scores: Mapping[str, float] | None = None,
    ) -> None:
        self.note, self.found, self.knowledge, self.lexicon = note, found, knowledge, lexicon
        codes = self.codes = sorted(found)
        doc = {c: (doc_scores or {}).get(c, 0.0) for c in codes}
        doc_order = {c: i for i, c in enumerate(sorted(codes, key=lambda c: -doc[c]))}
        ordered = self._hits = {c: sorted(found[c].phrase_hits, key=_by_precision) for c in codes}
        best = {c: hits[0].precision if hits else 0.0 for c, hits in ordered.items()}
        by_category: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            by_category[code.split(".")[0]].append(code)
        category_best = {k: max(best[c] for c in rivals) for k, rivals in by_category.items()}
        n_candidates = math.log1p(len(codes))
        width = len(FEATURES)
        self.rows: list[list[float]] = []
        rows = self.rows
        for code in codes:
            cand = found[code]
            hits = ordered[code]
            top = hits[:3]
            distinct = {h.phrase: h.precision for h in hits}
            miss = 1.0
            for p in distinct.values():
                miss *= 1.0 - min(p, 0.99)
            rivals = by_category[code.split(".")[0]]
            in_icd = knowledge is not None and code in knowledge
            billable = knowledge.is_billable(code) if knowledge is not None else False
            full = any(m.coverage == 1.0 for m in cand.term_matches)
            row = [0.0] * width
            row[_LEX] = (
                hits[0].precision if hits else 0.0,
                math.log1p(hits[0].support) if hits else 0.0,
                math.log1p(len(distinct)),
                sum(h.precision for h in top) / len(top) if top else 0.0,
                1.0 - miss if hits else 0.0,
                float(min((h.rank for h in hits), default=9)),
                float(hits[0].phrase.count(" ") + 1) if hits else 0.0,
            )
            row[_DICT_TO_CHAPTER] = (
                1.0 if full else 0.0,
                max((m.coverage for m in cand.term_matches), default=0.0),
                max((m.weight for m in cand.term_matches), default=0.0),
                max((m.length * m.coverage for m in cand.term_matches), default=0) / 5.0,
                math.log1p(len(cand.term_matches)),
                1.0 if hits and full else 0.0,
                math.log(lexicon.prior(code) + 1e-4),
                math.log(lexicon.category_prior(code) + 1e-4),
                1.0 if billable else 0.0,
                1.0 if in_icd and not billable else 0.0,
                1.0 if code.startswith("r") else 0.0,
                float(ord(code[0]) - ord("a")),
            )
            row[_RIVALS_TO_MENTION] = (
                float(len(rivals) - 1),
                1.0 if best[code] >= category_best[code.split(".")[0]] else 0.0,
                n_candidates,
                doc[code],
                math.log1p(doc_order[code]),
                *_precisions({h.phrase: h.local for h in hits}),
                *_precisions({h.phrase: h.mention for h in hits}),
            )
            row[_AT["code_depth"]] = float(len(code.replace(".", "")))
            rows.append(row)

    def complete(
        self,
        kept: Sequence[int],
        passages: Mapping[str, tuple[float, float, float]] | None = None,
    ) -> list[list[float]]:
        """The whole rows of the candidates at `kept` (indexes into `codes`), in that order;
        `passages` are the codes' evidence-sentence scores (`passages.EvidencePassages`)."""
        note, knowledge = self.note, self.knowledge
        length = max(1, len(note.text))
        zones = CueZones(note.text, note.bounds)
        rendered = _Rendered(note, self.lexicon)
        stems = {t.stem for sentence in note.sentences for t in sentence}
        whole = []
        for i in kept:
            code, row = self.codes[i], self.rows[i]
            hits = self._hits[code]
            telling = self.found[code].spans()
            starts = first_starts(telling)
            row[_AT["lex_mentions"]] = math.log1p(
                len({at[0] for h in hits for at in h.occurrences()})
            )
            row[_AT["first_position"]] = (length if not starts else starts[0]) / length
            row[_RENDERING] = rendered.scores(telling[:3], code.split(".")[0])
            row[_CUE_COLUMNS] = zones.shares(starts)
            if knowledge is not None:
                row[_TITLE] = knowledge.title_traits(code)
                row[_COVERAGE] = knowledge.term_coverage(code, stems)
            row[_PASSAGES] = (passages or {}).get(code, NOTHING)
            whole.append(row)
        return whole


class _Rendered:
    """How often the phrases inside a candidate's evidence spans rendered some code's
    evidence in training, whichever code: "lymphadenopathy" nearly always, "history" rarely.
    Speaks for codes never seen in training too, whose evidence is a tabular term."""

    def __init__(self, note: Note, lexicon: Lexicon) -> None:
        share = lexicon.rendering
        found = sorted(
            (start, end, share[phrase], phrase)
            for phrase, start, end in note.phrases
            if phrase in share
        )
        self._starts = [start for start, _, _, _ in found]
        self._found = found
        self._categories = lexicon.category_rendering

    def scores(self, spans: Sequence[tuple[int, int]], category: str) -> tuple[float, float, float]:
        """The best share inside any of the spans, inside the first, and the best share of
        rendering a code of `category` inside any of them."""
        best = first = of_category = 0.0
        found, categories = self._found, self._categories
        for k, (start, end) in enumerate(spans):
            at = bisect.bisect_left(self._starts, start)
            inside = 0.0
            while at < len(found) and found[at][0] < end:
                _, phrase_end, share, phrase = found[at]
                if phrase_end <= end:
                    inside = max(inside, share)
                    by = categories.get(phrase)
                    if by:
                        of_category = max(of_category, by.get(category, 0.0))
                at += 1
            best = max(best, inside)
            if k == 0:
                first = inside
        return best, first, of_category


def _by_length(match: TermMatch) -> tuple[int, int]:
    return -match.length, match.start


def _by_weight(match: TermMatch) -> tuple[float, int]:
    return -match.weight, match.start


def _by_strength(strong: tuple[float, int, tuple[int, int]]) -> tuple[float, int]:
    return strong[0], strong[1]


def _by_precision(hit: PhraseHit) -> float:
    return -hit.precision


def _precisions(by_phrase: Mapping[str, float]) -> tuple[float, float, float, float]:
    """Best, noisy-or and mean of the top three of the phrases' (local or mention)
    precisions, and how many phrases have one (were seen next to, or as, the code's
    evidence in training)."""
    ordered = sorted((p for p in by_phrase.values() if p > 0.0), reverse=True)
    if not ordered:
        return 0.0, 0.0, 0.0, 0.0
    miss = 1.0
    for p in ordered:
        miss *= 1.0 - min(p, 0.99)
    top = ordered[:3]
    return ordered[0], 1.0 - miss, sum(top) / len(top), math.log1p(len(ordered))
