"""Context of a mention: negated, uncertain, historical, about a family member.

Uses medspaCy's ConText (rule-based, no model download) over spaCy's rule-based sentence
splitter. Outpatient coding codes what is confirmed: "denies chest pain" is negated,
"rule out pneumonia" is uncertain (code the symptom instead), "history of MI" is
historical, "mother has diabetes" is family history (a Z80-Z84 code, not the disease).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from typing import Any

FLAGS = ("negated", "uncertain", "historical", "family")

log = logging.getLogger(__name__)


class ContextDetector:
    """Flags for character spans of a note. Loads spaCy and medspaCy on first use."""

    @cached_property
    def _nlp(self) -> Any:
        try:  # PyRuSH logs every sentence through loguru at DEBUG: keep it quiet
            from loguru import logger

            logger.disable("PyRuSH")
        except ImportError:  # pragma: no cover
            pass
        import spacy
        from medspacy.context import ConText  # noqa: F401  (registers the factory)

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("medspacy_context", config={"rules": "default"})
        return nlp

    def flags(self, text: str, spans: Sequence[tuple[int, int]]) -> list[frozenset[str]]:
        """One set of flags per (start, end) span; spans that fall between tokens snap outward."""
        if not spans:
            return []
        nlp = self._nlp
        doc = nlp.make_doc(text)
        for name, pipe in nlp.pipeline:
            if name != "medspacy_context":
                doc = pipe(doc)
        ents = []
        owner: dict[tuple[int, int], int] = {}
        taken: set[int] = set()
        for i, (start, end) in enumerate(spans):
            span = doc.char_span(start, end, label="MENTION", alignment_mode="expand")
            if span is None or any(t.i in taken for t in span):
                continue
            taken.update(t.i for t in span)
            ents.append(span)
            owner[(span.start, span.end)] = i
        doc.ents = ents  # spaCy keeps entities in document order, not in ours
        doc = nlp.get_pipe("medspacy_context")(doc)
        result = [frozenset[str]() for _ in spans]
        order = []
        for ent in doc.ents:
            i = owner[(ent.start, ent.end)]
            order.append(i)
            result[i] = frozenset(flag for flag in FLAGS if getattr(ent._, f"is_{flag}", False))
        # overlapping spans share the flags of the span that covers them
        for i, (start, end) in enumerate(spans):
            if i not in order:
                for j in order:
                    s, e = spans[j]
                    if s < end and start < e:
                        result[i] = result[j]
                        break
        return result
