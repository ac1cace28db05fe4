"""What the engine learns from coded notes: which phrases go with which codes.

For every phrase of one to three stems in a training note, and every code of that note, the
lexicon counts how often they occur together and how often the phrase occurs at all. A
phrase that appears in 9 notes, 8 of them coded I10, is strong evidence for I10; a phrase in
200 notes with 10 I10s is not. Only pairs seen in at least `min_support` notes are kept.

`PairCounts` counts a corpus once and then builds the lexicon of any subset of its notes
(all of them, or all but one cross-validation fold) without counting again.

Note-level counts are diluted: a note coded I10 and R50.9 pairs "fever" with I10 too. When
the training notes say roughly where each code's evidence is (CodiEsp's X file, mapped to
the English text by `align.Aligner`), the lexicon also counts the *local*
pairs: the phrase occurs in a sentence within `WINDOW` of one of the code's mentions. A
hit's `local` precision is the share of notes with the phrase where the phrase sits next to
the code's evidence, a much sharper signal than co-occurrence anywhere in the note. Sharper
still is the *mention* precision: the share of notes with the phrase where the phrase holds
the English rendering of the code's evidence words (`align.Aligned.words`), not merely a
sentence beside it ("interferon" shares the sentence of "multiple sclerosis" but is not its
evidence). Out-of-fold micro-F1 on train: 0.587 without it, 0.599 with it. Whichever the
code, `Lexicon.rendering` says how often a phrase rendered *some* code's evidence: a note's
"lymphadenopathy" is nearly always coded, its "history" seldom. That speaks for codes never
seen in training too (out-of-fold 0.5998 -> 0.6013, mean of three seeds), the more so by
category (`Lexicon.category_rendering`: "lymphoma" renders some C83 or C85 code; 0.6049).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from openrcm.coding.text import Token

MAX_N = 3
WINDOW = 0.03  # share of the note either side of an estimated evidence offset: anchored
MIN_WINDOW = 60  # offsets are close (out-of-fold F1 0.580 at 0.03, 0.575 at 0.08, 0.577 at 0.015)
LOCAL_SUPPORT = 1  # a pair seen next to the code's evidence in this many notes ...
LOCAL_PRECISION = 0.3  # ... with this local precision joins the lexicon whatever its support


class PhraseHit(NamedTuple):  # a tuple: notes create thousands
    code: str
    precision: float  # smoothed share of notes with the phrase that carry the code
    support: int  # notes with both the phrase and the code
    rank: int  # 0 when the code is the phrase's most frequent code, 1 the next, ...
    phrase: str
    start: int
    end: int
    local: float = 0.0  # smoothed share of notes with the phrase where it is near the code
    mention: float = 0.0  # smoothed share of notes with the phrase where it renders the code
    more: tuple[tuple[int, int], ...] = ()  # the phrase's later occurrences in the note

    def occurrences(self) -> tuple[tuple[int, int], ...]:
        return ((self.start, self.end), *self.more)


def phrases(sentence: Sequence[Token]) -> Iterable[tuple[str, int, int]]:
    """Phrases of 1..MAX_N consecutive stems with their character span."""
    for i in range(len(sentence)):
        for n in range(1, MAX_N + 1):
            if i + n > len(sentence):
                break
            part = sentence[i : i + n]
            yield " ".join(t.stem for t in part), part[0].start, part[-1].end


def note_phrases(sentences: Sequence[Sequence[Token]]) -> set[str]:
    return {p for s in sentences for p, _, _ in phrases(s)}


def local_phrases(
    sentences: Sequence[Sequence[Token]],
    bounds: Sequence[tuple[int, int]],
    evidence: Mapping[str, Sequence[int]],
    length: int,
) -> dict[str, set[str]]:
    """Code -> phrases of the sentences within `WINDOW` of one of its evidence offsets."""
    reach = max(MIN_WINDOW, WINDOW * length)
    sentence_phrases: list[set[str]] | None = None
    out: dict[str, set[str]] = {}
    for code, offsets in evidence.items():
        if sentence_phrases is None:
            sentence_phrases = [{p for p, _, _ in phrases(s)} for s in sentences]
        near: set[str] = set()
        for (start, end), seen in zip(bounds, sentence_phrases, strict=True):
            if any(start - reach <= at <= end + reach for at in offsets):
                near |= seen
        out[code] = near
    return out


def mention_phrases(
    found: Sequence[tuple[str, int, int]], words: Mapping[str, Sequence[int]]
) -> dict[str, set[str]]:
    """Code -> those of a note's phrases (with their spans, `features.Note.phrases`) that
    hold one of the code's evidence words (word start offsets)."""
    out: dict[str, set[str]] = {}
    for code, starts in words.items():
        ordered = sorted(starts)
        out[code] = {phrase for phrase, start, end in found if _holds(ordered, start, end)}
    return out


def _holds(ordered: Sequence[int], start: int, end: int) -> bool:
    at = bisect.bisect_left(ordered, start)
    return at < len(ordered) and ordered[at] < end


class Lexicon:
    """Phrase -> code -> notes with both, and how many notes hold each phrase and code."""

    def __init__(
        self,
        pairs: Mapping[str, Mapping[str, int]],
        phrase_notes: Mapping[str, int],
        code_notes: Mapping[str, int],
        notes: int,
        smoothing: float = 1.0,
        local: Mapping[str, Mapping[str, int]] | None = None,
        mention: Mapping[str, Mapping[str, int]] | None = None,
        rendering: Mapping[str, float] | None = None,
        category_rendering: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        self.pairs = pairs
        self.local = local or {}
        self.mention = mention or {}
        # phrase -> smoothed share of notes with it where it renders some code's evidence
        self.rendering = rendering or {}
        # phrase -> category -> smoothed share of notes with it where it renders the
        # evidence of a code of that category
        self.category_rendering = category_rendering or {}
        self.phrase_notes = phrase_notes
        self.code_notes = code_notes
        self.notes = notes
        self.smoothing = smoothing
        categories: Counter[str] = Counter()
        for known, n in code_notes.items():
            categories[known.split(".")[0]] += n
        self._categories = categories
        self._ranks = {
            phrase: {c: r for r, c in enumerate(sorted(codes, key=lambda c: (-codes[c], c)))}
            for phrase, codes in pairs.items()
        }
        self._entries: dict[str, list[tuple[str, float, int, int, float, float]]] = {}

    @classmethod
    def fit(
        cls,
        notes: Iterable[tuple[Sequence[Sequence[Token]], Iterable[str]]],
        *,
        min_support: int = 2,
        min_precision: float = 0.12,
    ) -> Lexicon:
        """Learn from (sentences of tokens, gold codes) pairs."""
        seen, gold = [], []
        for sentences, codes in notes:
            seen.append(note_phrases(sentences))
            gold.append(frozenset(codes))
        return PairCounts(seen, gold).lexicon(min_support=min_support, min_precision=min_precision)

    def prior(self, code: str) -> float:
        """Share of training notes that carry `code`."""
        return self.code_notes.get(code, 0) / max(1, self.notes)

    def category_prior(self, code: str) -> float:
        """Share of training notes that carry a code of the same three-character category."""
        return self._categories.get(code.split(".")[0], 0) / max(1, self.notes)

    def hits(self, sentences: Sequence[Sequence[Token]]) -> dict[str, list[PhraseHit]]:
        """Every code suggested by a phrase of the note, with the phrase's evidence: one hit
        per phrase and code, at the phrase's first occurrence, the others in `more`."""
        return self.hits_at(p for sentence in sentences for p in phrases(sentence))

    def hits_at(self, listed: Iterable[tuple[str, int, int]]) -> dict[str, list[PhraseHit]]:
        """`hits` of the note's phrases with their spans, already listed."""
        pairs = self.pairs
        seen: dict[str, list[tuple[int, int]]] = {}
        for phrase, start, end in listed:
            if phrase in pairs:
                seen.setdefault(phrase, []).append((start, end))
        found: dict[str, list[PhraseHit]] = defaultdict(list)
        for phrase, where in seen.items():
            entries = self._entries.get(phrase)
            if entries is None:
                entries = self._entries[phrase] = self._phrase_entries(phrase)
            (start, end), more = where[0], tuple(where[1:])
            for code, precision, n, rank, local, mention in entries:
                found[code].append(
                    PhraseHit(code, precision, n, rank, phrase, start, end, local, mention, more)
                )
        return found

    def _phrase_entries(self, phrase: str) -> list[tuple[str, float, int, int, float, float]]:
        total = self.phrase_notes[phrase] + self.smoothing
        ranks = self._ranks[phrase]
        near = self.local.get(phrase, {})
        said = self.mention.get(phrase, {})
        return [
            (code, n / total, n, ranks[code], near.get(code, 0) / total, said.get(code, 0) / total)
            for code, n in self.pairs[phrase].items()
        ]


class PairCounts:
    """Phrase-code co-occurrence counts over a corpus, kept by note for cheap subsets."""

    def __init__(
        self,
        note_phrases: Sequence[set[str]],
        note_codes: Sequence[frozenset[str]],
        local: Sequence[Mapping[str, set[str]]] | None = None,
        mentions: Sequence[Mapping[str, set[str]]] | None = None,
    ) -> None:
        """`local[i]`: code -> phrases near that code's evidence in note i (optional);
        `mentions[i]`: code -> phrases that render that code's evidence in note i."""
        self.note_phrases = note_phrases
        self.note_codes = note_codes
        together: Counter[tuple[str, str]] = Counter()
        for seen, codes in zip(note_phrases, note_codes, strict=True):
            together.update((p, c) for p in seen for c in codes)
        # a pair seen once in the whole corpus is seen at most once in any subset
        self._notes_of: dict[tuple[str, str], list[int]] = {
            pair: [] for pair, n in together.items() if n >= 2
        }
        for i, (seen, codes) in enumerate(zip(note_phrases, note_codes, strict=True)):
            for p in seen:
                for c in codes:
                    owners = self._notes_of.get((p, c))
                    if owners is not None:
                        owners.append(i)
        self._local_of = _owners(local or ())
        self._mention_of = _owners(mentions or ())
        self._rendered_in: dict[str, list[int]] = {}
        for i, by_code in enumerate(mentions or ()):
            for phrase in set().union(*by_code.values()) if by_code else ():
                self._rendered_in.setdefault(phrase, []).append(i)
        self._category_of = _owners([_by_category(by_code) for by_code in mentions or ()])

    def lexicon(
        self,
        exclude: Collection[int] = (),
        *,
        min_support: int = 2,
        min_precision: float = 0.12,
        smoothing: float = 1.0,
        local_support: int = LOCAL_SUPPORT,
        local_precision: float = LOCAL_PRECISION,
    ) -> Lexicon:
        """The lexicon of every note but `exclude`.

        Pairs seen in fewer than `min_support` notes, or whose smoothed precision is below
        `min_precision`, are dropped: they are noise, and they are most of the pairs. A pair
        seen next to the code's evidence in at least `local_support` notes, with a local
        precision of at least `local_precision`, is kept too (a rare phrase beside a rare
        code's evidence: the long tail of codes seen once or twice).
        """
        left_out = frozenset(exclude)
        phrase_notes: Counter[str] = Counter()
        code_notes: Counter[str] = Counter()
        kept_notes = 0
        for i, (seen, codes) in enumerate(zip(self.note_phrases, self.note_codes, strict=True)):
            if i not in left_out:
                kept_notes += 1
                phrase_notes.update(seen)
                code_notes.update(codes)
        pairs: dict[str, dict[str, int]] = defaultdict(dict)
        for (phrase, code), owners in self._notes_of.items():
            n = _kept(owners, left_out)
            if n >= min_support and n / (phrase_notes[phrase] + smoothing) >= min_precision:
                pairs[phrase][code] = n
        local: dict[str, dict[str, int]] = defaultdict(dict)
        for (phrase, code), owners in self._local_of.items():
            n = _kept(owners, left_out)
            if not n:
                continue
            if code in pairs.get(phrase, ()):
                local[phrase][code] = n
            elif n >= local_support and n / (phrase_notes[phrase] + smoothing) >= local_precision:
                local[phrase][code] = n
                everywhere = self._notes_of.get((phrase, code))
                pairs[phrase][code] = n if everywhere is None else _kept(everywhere, left_out)
        mention: dict[str, dict[str, int]] = defaultdict(dict)
        for (phrase, code), owners in self._mention_of.items():
            n = _kept(owners, left_out)
            if n and code in pairs.get(phrase, ()):
                mention[phrase][code] = n
        rendering = {}
        for phrase, owners in self._rendered_in.items():
            n = _kept(owners, left_out)
            if n:
                rendering[phrase] = n / (phrase_notes[phrase] + smoothing)
        category_rendering: dict[str, dict[str, float]] = defaultdict(dict)
        for (phrase, category), owners in self._category_of.items():
            n = _kept(owners, left_out)
            if n:
                category_rendering[phrase][category] = n / (phrase_notes[phrase] + smoothing)
        kept = {p: phrase_notes[p] for p in pairs}
        return Lexicon(
            dict(pairs),
            kept,
            dict(code_notes),
            kept_notes,
            smoothing,
            dict(local),
            dict(mention),
            rendering,
            dict(category_rendering),
        )


def _kept(owners: Sequence[int], left_out: Collection[int]) -> int:
    """How many of `owners` are not left out."""
    return len(owners) - (sum(1 for i in owners if i in left_out) if left_out else 0)


def _by_category(by_code: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Category (three characters) -> the phrases of its codes."""
    out: dict[str, set[str]] = defaultdict(set)
    for code, seen in by_code.items():
        out[code.split(".")[0]] |= seen
    return out


def _owners(per_note: Sequence[Mapping[str, set[str]]]) -> dict[tuple[str, str], list[int]]:
    """(phrase, code) -> the notes whose `per_note` entry pairs them."""
    owners: dict[tuple[str, str], list[int]] = {}
    for i, by_code in enumerate(per_note):
        for code, seen in by_code.items():
            for phrase in seen:
                owners.setdefault((phrase, code), []).append(i)
    return owners
