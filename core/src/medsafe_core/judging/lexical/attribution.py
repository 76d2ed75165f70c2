"""Source labels in a proof ("Source A: ...", "... (Source C)"): attributions, checked
against the statement they attribute, not words to align.

A quote given to a source must align to context sentences that name that source, where
they name any (a sentence that names none may continue any source's statement: "Ward
handover note (Source C): ... . He was then prescribed ...")."""

from __future__ import annotations

import re

from medsafe_core.judging.lexical.paraphrase import sentence_spans

_LABEL = re.compile(r"\bsource\s+([a-z])\b", re.IGNORECASE)
# "(Source C)" anywhere, or "Source C:" / "Source C -" opening the segment
_NOTE = re.compile(
    r"\s*\(\s*source\s+[a-z]\s*\)|^\s*source\s+[a-z]\s*(?::|\s[-\u2013\u2014])\s*", re.IGNORECASE
)


def without_labels(text: str) -> tuple[str, frozenset[str]]:
    """The segment without its source notes, and the sources they name."""
    labels = frozenset(m.group(1).upper() for m in _LABEL.finditer(text))
    return (_NOTE.sub("", text).strip(), labels) if labels else (text, labels)


def label_problem(labels: frozenset[str], context: str, cs: int, ce: int) -> str:
    """Why the sources a segment names are not those the context sentences it aligns to
    name ('' when they are, or when those sentences name none: no evidence either way)."""
    if not labels or cs < 0:
        return ""
    named = {
        m.upper()
        for s, e in sentence_spans(context)
        if s < ce and e > cs
        for m in _LABEL.findall(context[s:e])
    }
    missing = sorted(labels - named) if named else []
    return f"names Source {missing[0]}, which the aligned context does not" if missing else ""
