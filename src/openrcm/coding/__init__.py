"""Computer-assisted coding: a clinical note in, suggested codes with evidence out.

`text` splits a note into sentences and stemmed tokens that keep their offsets; `knowledge`
indexes the ICD-10-CM tabular terms (from `openrcm.codes`); `lexicon` learns phrase-code
associations from coded notes; `context` flags negated, uncertain, historical and family
mentions (medspaCy ConText); `features` gathers candidates and their features; `similar`
scores codes by the codes of similar training notes (TF-IDF, linear-kernel ridge); `model`
trains the gradient-boosted ranker without peeking at held-out notes and `trees` keeps it
as numpy arrays for scoring; `training` trains
and caches the models; `guidelines` applies coding guidelines (combination codes,
Excludes1, integral symptoms, 7th characters, first-listed diagnosis) as registered rules;
`queries` writes compliant physician queries; `engine` puts them together as
`CodingEngine`; `result` holds its output records; `pcs` names ICD-10-PCS sections;
`corpus` reads CodiEsp-style coded notes; `evaluate` scores output as CodiEsp does, next
to an exact-title baseline.
"""

from openrcm.coding.corpus import CodedNote, load_split
from openrcm.coding.engine import CodingEngine, Ranking
from openrcm.coding.guidelines import RULES, Policy, apply_guidelines
from openrcm.coding.queries import physician_queries
from openrcm.coding.result import CodingResult, Evidence, Query, Suggestion

__all__ = [
    "RULES",
    "CodedNote",
    "CodingEngine",
    "CodingResult",
    "Evidence",
    "Policy",
    "Query",
    "Ranking",
    "Suggestion",
    "apply_guidelines",
    "load_split",
    "physician_queries",
]
