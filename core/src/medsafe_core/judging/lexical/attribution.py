"""Source labels in a proof ("Source A: ...", "... (Source C)"): attributions, checked
against the statement they attribute, not words to align.

A quote given to a source must align to context sentences that name that source, where
they name any (a sentence that names none may continue any source's statement: "Ward
handover note (Source C): ... . He was then prescribed ...")."""

from __future__ import annotations

import re
from bisect import bisect_right

from medsafe_core.judging.lexical.facts import quantities, text_facts
from medsafe_core.judging.lexical.paraphrase import sentence_spans
from medsafe_core.judging.lexical.text import content_words

_LABEL = re.compile(r"\bsource\s+([a-z])\b", re.IGNORECASE)
# "(Source C)" anywhere, or "Source C:" / "Source C -" opening the segment, perhaps with
# a description of the source ("Source A (2022 trial report):")
_NOTE = re.compile(
    r"\s*\(\s*source\s+[a-z]\s*\)"
    r"|^\s*source\s+[a-z]\s*(?:\((?P<about>[^()]{1,60})\)\s*)?(?::|\s[-\u2013\u2014])\s*",
    re.IGNORECASE,
)


def _end(span: tuple[int, int]) -> int:
    return span[1]


def without_labels(text: str) -> tuple[str, frozenset[str]]:
    """The segment without its source notes, and the sources they name."""
    labels = frozenset(m.group(1).upper() for m in _LABEL.finditer(text))
    return (_NOTE.sub("", text).strip(), labels) if labels else (text, labels)


def label_problem(labels: frozenset[str], context: str, cs: int, ce: int, text: str = "") -> str:
    """Why the sources a segment (`text`) names are not those the context sentences it
    aligns to name ('' when they are, or when those sentences name none: no evidence
    either way), or why its description of a source ("Source A (2022):") is not that
    source's: each value in it must be stated where the context names the source."""
    if not labels or cs < 0:
        return ""
    spans = sentence_spans(context)
    named: set[str] = set()
    # the sentences overlapping [cs, ce): spans are in order and do not overlap
    for s, e in spans[bisect_right(spans, cs, key=_end) :]:
        if s >= ce:
            break
        named.update(m.upper() for m in _LABEL.findall(context[s:e]))
    missing = sorted(labels - named) if named else []
    if missing:
        return f"names Source {missing[0]}, which the aligned context does not"
    note = _NOTE.match(text)
    about = note.group("about") if note else None
    if about:
        own = [
            context[s:e]
            for s, e in spans
            if labels & {m.upper() for m in _LABEL.findall(context[s:e])}
        ]
        for q in quantities(about):
            if not any(text_facts(sentence).has_quantity(q) for sentence in own):
                return f"describes its source with {q}, which that source's statements do not state"
    return ""


def names_another_source(label: str, context: str, cs: int, ce: int) -> bool:
    """Whether a source described in words ("Source: audit - <quote>") is one the context
    gives another letter than the quoted sentences have ("The audit (Source B) found ...",
    where the quote aligns to the protocol's sentence)."""
    stems = set(content_words(label))
    spans = sentence_spans(context)
    here = {m.upper() for s, e in spans if s < ce and e > cs for m in _LABEL.findall(context[s:e])}
    for s, e in spans:
        sentence = context[s:e]
        letters = {m.upper() for m in _LABEL.findall(sentence)}
        if letters - here and stems & set(content_words(sentence)):
            return True
    return False
