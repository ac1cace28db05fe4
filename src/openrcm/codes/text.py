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
WEAK_WEIGHT = 0.25
TEXT_VERSION = 7  # bump when tokenizing, stemming or WEAK change: cached indexes rebuild

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


_POSSESSIVE = re.compile(r"(\w)'s\b")


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words, in order, stop words included (`Alzheimer's` -> `alzheimer`)."""
    return _WORD.findall(_POSSESSIVE.sub(r"\1", text.lower()))


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
UNSPECIFIED = stem("unspecified")
NEGATIONS = frozenset({"without", "not", "no", "negative"})


def stems(text: str) -> list[str]:
    """The stems of a text's words, stop words dropped, order kept."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


_CLAUSE = re.compile(r"[^,;:]+")
_TOKEN = re.compile(r"[\(\[]|[\)\]]|[a-z0-9]+")


def weighted_stems(text: str) -> dict[str, float]:
    """Stem -> weight; see `analyse_title`."""
    return analyse_title(text)[0]


def negated_stems(text: str) -> set[str]:
    return analyse_title(text)[1]


def analyse_title(text: str) -> tuple[dict[str, float], set[str]]:
    """A title's stems with how much each one specifies; 1.0 unless it says little.

    ICD-10-CM conventions decide what says little: words in parentheses or brackets are
    nonessential modifiers (`Essential (primary) hypertension`, `Zoster [herpes zoster]`);
    what follows `without` or `not` in a clause is an absence (`without complications`,
    `not intractable`); the last word of a clause after `unspecified` is
    unspecified (`unspecified organism`, `unspecified ear`); and the WEAK words themselves. Such stems weigh
    WEAK_WEIGHT when counting title words a query did not ask for. Negated stems are
    returned apart: a query asking for `aura` is not answered by `without aura`.
    """
    out: dict[str, float] = {}
    negations: set[str] = set()
    for clause in _CLAUSE.findall(_POSSESSIVE.sub(r"\1", text.lower())):
        depth = 0
        negated = False
        after_unspecified = False
        tokens = _TOKEN.findall(clause)
        for at, token in enumerate(tokens):
            if token in "([":
                depth += 1
                continue
            if token in ")]":
                depth = max(0, depth - 1)
                continue
            if token in NEGATIONS:
                negated = True
                continue
            if token in ("with", "of", "in"):  # "without foreign body of scalp": scalp is present
                negated = False
            if token in STOPWORDS:
                continue
            s = stem(token)
            weak = depth > 0 or negated or after_unspecified or s in WEAK
            # "unspecified ear", "unspecified organism": only a clause's last word
            after_unspecified = s == UNSPECIFIED and at == len(tokens) - 2
            weight = WEAK_WEIGHT if weak else 1.0
            out[s] = max(out.get(s, 0.0), weight)
            if negated:
                negations.add(s)
    # a stem also present un-negated ("with aura" elsewhere) is not an absence
    affirmed = {s for s, w in out.items() if w == 1.0}
    return out, negations - affirmed
