"""Text handling for coding: sentences and stemmed tokens that keep their character offsets.

Every token remembers where it came from so that a suggestion can point at its evidence in
the note. Common clinical abbreviations expand into the words they stand for (HTN ->
hypertension) at the same offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

TEXT_VERSION = 2  # bump when tokenizing, stemming or abbreviations change: caches rebuild

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(])|\n+")

# words that carry no clinical meaning in a code title or a note
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "without",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "its",
        "it",
        "his",
        "her",
        "their",
        "he",
        "she",
        "they",
        "we",
        "our",
        "patient",
        "patients",
        "due",
        "other",
        "unspecified",
        "specified",
        "not",
        "elsewhere",
        "classified",
        "nos",
        "type",
        "which",
        "who",
        "whom",
        "also",
        "into",
        "than",
        "then",
        "has",
        "have",
        "had",
        "after",
        "before",
        "during",
        "one",
        "two",
        "three",
        "left",
        "right",
        "both",
        "use",
        "any",
        "such",
        "mellitus",
    ]
)

ABBREVIATIONS: dict[str, str] = {
    "dm": "diabetes mellitus",
    "t2dm": "type 2 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus",
    "htn": "hypertension",
    "hta": "hypertension",
    "chf": "congestive heart failure",
    "copd": "chronic obstructive pulmonary disease",
    "mi": "myocardial infarction",
    "ami": "acute myocardial infarction",
    "cad": "coronary artery disease",
    "ckd": "chronic kidney disease",
    "uti": "urinary tract infection",
    "gerd": "gastro esophageal reflux disease",
    "afib": "atrial fibrillation",
    "af": "atrial fibrillation",
    "dvt": "deep vein thrombosis",
    "pe": "pulmonary embolism",
    "tb": "tuberculosis",
    "hiv": "human immunodeficiency virus",
    "cva": "cerebral infarction",
    "tia": "transient ischemic attack",
    "sob": "shortness of breath",
    "bph": "benign prostatic hyperplasia",
    "ra": "rheumatoid arthritis",
    "oa": "osteoarthritis",
    "ards": "acute respiratory distress syndrome",
    "aki": "acute kidney failure",
    "arf": "acute kidney failure",
    "hcv": "hepatitis c",
    "hbv": "hepatitis b",
    "sle": "systemic lupus erythematosus",
    "ibd": "inflammatory bowel disease",
    "osa": "obstructive sleep apnea",
    "pcos": "polycystic ovarian syndrome",
    "ptsd": "post traumatic stress disorder",
    "adhd": "attention deficit hyperactivity disorder",
}

# Words clinicians (and the corpus's translation) use where the tabular list says another:
# notes and code terms are both rewritten, so "renal failure" meets "kidney failure",
# "liver metastases" meets "secondary malignant neoplasm of liver".
SYNONYMS: dict[str, str] = {
    "renal": "kidney",
    "hepatic": "liver",
    "cardiac": "heart",
    "pulmonary": "lung",
    "cerebral": "brain",
    "gastric": "stomach",
    "ocular": "eye",
    "cutaneous": "skin",
    "tumor": "neoplasm",
    "tumors": "neoplasm",
    "tumour": "neoplasm",
    "tumours": "neoplasm",
    "neoplasia": "neoplasm",
    "cancer": "malignant neoplasm",
    "cancers": "malignant neoplasm",
    "carcinoma": "malignant neoplasm",
    "carcinomas": "malignant neoplasm",
    "adenocarcinoma": "malignant neoplasm",
    "adenocarcinomas": "malignant neoplasm",
    "malignancy": "malignant neoplasm",
    "metastasis": "secondary malignant neoplasm",
    "metastases": "secondary malignant neoplasm",
    "metastatic": "secondary malignant neoplasm",
    "metastasized": "secondary malignant neoplasm",
    "neoplastic": "neoplasm",
    "tumoral": "neoplasm",
    "bleeding": "hemorrhage",
    "haemorrhage": "hemorrhage",
    "stroke": "brain infarction",
    "cardiopathy": "heart disease",
    "hepatopathy": "liver disease",
    "alcoholism": "alcohol dependence",
    "febrile": "fever",
    "pyrexia": "fever",
    "icterus": "jaundice",
    "emesis": "vomiting",
    "asthenia": "weakness",
    "astenia": "weakness",
    "cephalea": "headache",
    "cefalea": "headache",
    "cephalalgia": "headache",
    "disnea": "dyspnea",
    "hyporexia": "anorexia",
    "hiporexia": "anorexia",
    "epigastralgia": "epigastric pain",
    "lumbalgia": "low back pain",
    "lithiasis": "calculus",
    "nephrolithiasis": "kidney calculus",
    "urolithiasis": "urinary calculus",
    "adenopathy": "enlarged lymph nodes",
    "adenopathies": "enlarged lymph nodes",
    "lymphadenopathy": "enlarged lymph nodes",
    "lymphadenopathies": "enlarged lymph nodes",
    # British spellings
    "oedema": "edema",
    "anaemia": "anemia",
    "haematuria": "hematuria",
    "haematoma": "hematoma",
    "haemoptysis": "hemoptysis",
    "diarrhoea": "diarrhea",
    "dyspnoea": "dyspnea",
    "leukaemia": "leukemia",
    "ischaemia": "ischemia",
    "ischaemic": "ischemic",
    "oesophagus": "esophagus",
    "oesophageal": "esophageal",
}

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word.lower()))


@dataclass(frozen=True, slots=True)
class Token:
    stem: str
    start: int
    end: int


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Stemmed tokens of text[start:end], abbreviations expanded, stopwords kept out."""
    out: list[Token] = []
    for match in _WORD.finditer(text, start, len(text) if end is None else end):
        word = match.group().lower()
        expansion = (ABBREVIATIONS.get(word) if len(word) <= 5 else None) or SYNONYMS.get(word)
        for part in expansion.split() if expansion else (word,):
            if part not in STOPWORDS:
                out.append(Token(stem(part), match.start(), match.end()))
    return out


_NONESSENTIAL = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def term_stems(term: str) -> tuple[str, ...]:
    """The content stems of a code title or term, in order, without repeats.

    Words in parentheses are the tabular list's nonessential modifiers: a note need not say
    them, so they are left out of what a match requires.
    """
    seen: dict[str, None] = {}
    for token in tokens(_NONESSENTIAL.sub(" ", term)):
        seen.setdefault(token.stem, None)
    return tuple(seen)
