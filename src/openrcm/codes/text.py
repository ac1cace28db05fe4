"""Words for search: one tokenizer and one light stemmer shared by the index and the query.

Both sides of a search pass through `stems()`, so any consistent folding is safe: lower
case, British spellings folded to American ones (`oesophagus`, `haemorrhage`, `anaemia`),
plurals and the common inflections stripped (`fractures`, `fractured` and `fracture`
all become `fractur`). Stop words are dropped; `without`, `not`, `history`, `other` and
numbers are kept because ICD-10-CM titles turn on them.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "due",
        "than",
        "that",
        "this",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "who",
        "which",
    ]
)

# title words that say "nothing more specific": a query that does not mention them asks
# for the unspecified code, so they cost little as extra words. ("Other" is not here: an
# "other" code is for some specified form the query did not name.)
WEAK_WORDS = [
    "unspecified",
    "specified",
    "nos",
    "nec",
    "site",
    "type",
    "part",
    "not",
    "elsewhere",
    "classified",
]
WEAK_WEIGHT = 0.3
TEXT_VERSION = 2  # bump when tokenizing, stemming or WEAK change: cached indexes rebuild

_SPELLING = (
    ("oesophag", "esophag"),
    ("haemo", "hemo"),
    ("haema", "hema"),
    ("haem", "hem"),
    ("anaem", "anem"),
    ("oedem", "edem"),
    ("diarrhoe", "diarrhe"),
    ("paediatr", "pediatr"),
    ("foetal", "fetal"),
    ("tumour", "tumor"),
    ("leukaem", "leukem"),
    ("ischaem", "ischem"),
    ("orthopaed", "orthoped"),
    ("gynaec", "gynec"),
)


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words, in order, stop words included."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, consistent stem: `fractures` -> `fractur`, `kidneys` -> `kidney`."""
    w = word.lower()
    for british, american in _SPELLING:
        if british in w:
            w = w.replace(british, american)
    if w.isdigit() or len(w) <= 3:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if w.endswith("ing") and len(w) > 6:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 5 and not w.endswith("eed"):
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


WEAK = frozenset(stem(w) for w in WEAK_WORDS)


def stems(text: str) -> list[str]:
    """The stems of a text's words, stop words dropped, order kept."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
