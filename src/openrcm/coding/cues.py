"""Cheap context cues around a candidate's evidence, as ranker features.

ConText (`context.py`) decides the flags a coder sees, but runs only on the chosen codes:
it is too slow for the few hundred candidates of every note. The ranker instead reads
where words that negate, hedge, look back or speak of relatives reach in each sentence;
whether such a mention is coded is learned from the corpus (CodiEsp codes many negated
findings, e.g. "Lyme serology was negative").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

CUES = ("negated_before", "negated_after", "uncertain", "historical", "family")

_BEFORE = {
    "negated_before": r"no|not|without|denie[sd]|deny|absence of|absent|free of|ruled out|"
    r"rules out|excluded|exclude|nor|neither|lack of",
    "uncertain": r"suspect(?:ed)?|suspicion|possible|possibly|probable|probably|likely|"
    r"compatible with|suggestive of|suggesting|differential|rule out|consider(?:ed)?|"
    r"doubtful|questionable",
    "historical": r"history of|previous(?:ly)?|prior|past|antecedents? of|years? ago|"
    r"background of|former",
    "family": r"mother|father|brother|sister|family|sibling|son|daughter|grandmother|"
    r"grandfather|uncle|aunt|parents?|cousin",
}
_AFTER = r"negative|normal|ruled out|excluded|absent|not found|unremarkable"
_BREAK = re.compile(r"\b(?:but|however|although|except|which|with)\b|[;:]", re.IGNORECASE)
_BEFORE_RE = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in _BEFORE.items()}
_AFTER_RE = re.compile(rf"\b(?:{_AFTER})\b", re.IGNORECASE)
REACH = 80  # characters a cue reaches


class CueZones:
    """For one note: per cue, the character ranges its words reach (within a sentence)."""

    def __init__(self, text: str, bounds: Sequence[tuple[int, int]]) -> None:
        zones: dict[str, list[tuple[int, int]]] = {cue: [] for cue in CUES}
        for start, end in bounds:
            sentence = text[start:end]
            breaks = [m.start() for m in _BREAK.finditer(sentence)]
            for cue, pattern in _BEFORE_RE.items():
                for m in pattern.finditer(sentence):
                    stop = min(m.end() + REACH, len(sentence))
                    after = bisect.bisect_right(breaks, m.end())
                    if after < len(breaks):
                        stop = min(stop, breaks[after])
                    zones[cue].append((start + m.end(), start + stop))
            for m in _AFTER_RE.finditer(sentence):
                go = max(0, m.start() - REACH)
                before = bisect.bisect_left(breaks, m.start()) - 1
                if before >= 0:
                    go = max(go, breaks[before])
                zones["negated_after"].append((start + go, start + m.start()))
        self._starts = {c: [s for s, _ in sorted(z)] for c, z in zones.items()}
        self._zones = {c: sorted(z) for c, z in zones.items()}

    def shares(self, starts: Sequence[int]) -> list[float]:
        """Per cue, the share of these mention starts that lie in its reach."""
        if not starts:
            return [0.0] * len(CUES)
        out = []
        for cue in CUES:
            zone, begins = self._zones[cue], self._starts[cue]
            hit = 0
            for at in starts:
                i = bisect.bisect_right(begins, at) - 1
                # zones may overlap: look back over the few that start before `at`
                while i >= 0 and zone[i][0] <= at:
                    if at < zone[i][1]:
                        hit += 1
                        break
                    i -= 1
                    if i >= 0 and at - zone[i][0] > REACH * 2:
                        break
            out.append(hit / len(starts))
        return out
