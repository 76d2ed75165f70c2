"""A shallow keyword-overlap participant, the reference a benchmark must separate from
careful readers: it quotes the context sentence that shares the most words with the
question, as its proof and as its final answer. It never abstains and never reports a
conflict, and it does no reasoning; every quote is verbatim."""

from __future__ import annotations

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants import _text as tx
from medsafe_core.participants.render import render_response

_STOP = frozenset(tx.stem(w) for w in tx.STOPWORDS) | tx.STOPWORDS


class ShallowOverlap:
    """Answers with the context sentence sharing most content words with the question."""

    name = "shallow"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """The best-overlapping sentence as proof and final (ties: the earlier one)."""
        wanted = tx.stems(task.question) - _STOP
        best, best_overlap = "", -1
        for start, end in tx.sentence_spans(task.context):
            sentence = task.context[start:end].strip()
            overlap = len(wanted & tx.stems(sentence))
            if sentence and overlap > best_overlap:
                best, best_overlap = sentence, overlap
        fields = {"analysis": "The sentence that matches the question.", "proof": best}
        return render_response({**fields, "final": best}, fmt)
