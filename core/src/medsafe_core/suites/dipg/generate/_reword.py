"""Version 2 wording for the extractive question families: questions that put the
attribute in other words, and "echo" sentences that share the question's keywords
without answering it.

A paraphrased question uses at most one word that no context sentence uses (`get`,
`tested`, `lengthen`), so a reader who knows the attribute still finds its sentence. An
echo states what a trial was designed to do ("Trial NCT... was designed to report the
median overall survival of patients given ONC201."): it shares the question's words but
carries no value and no result, and it is placed right before the answering sentence,
so a reader who matches keywords quotes it instead of the answer.
"""

from __future__ import annotations

from dataclasses import replace

from medsafe_core.suites.dipg.generate._reason_vocab import VERB_PARAPHRASES
from medsafe_core.suites.dipg.generate._roles import Item
from medsafe_core.suites.dipg.generate._vocab import COMPARATORS, Endpoint
from medsafe_core.suites.dipg.generate._world import Sent, World


def _tag(item: Item, prefix: str) -> str:
    return next((t.split(":", 1)[1] for t in item.tags if t.startswith(prefix + ":")), "")


def _endpoint(w: World, item: Item) -> Endpoint | None:
    key = _tag(item, "ep")
    return next((ep for ep in w.setting.endpoints if ep.key == key), None)


def reword(w: World, item: Item) -> Item:
    """The item, with its question paraphrased half of the time where a paraphrase exists."""
    question = _paraphrase(w, item)
    if question is None or not w.rng.chance(0.5):
        return item
    return replace(item, question=question)


def _drug(w: World, trial: str) -> str:
    return next((s.drug.name for s in w.studies if s.trial == trial), "")


def _paraphrase(w: World, item: Item) -> str | None:
    t, ep = _tag(item, "trial"), _endpoint(w, item)
    x = _drug(w, t)
    kind = f"{item.family}/{item.subtype}"
    if kind in ("numeric/dose", "insufficient/dose"):
        return f"What dose of {x} did each patient get in trial {t}?"
    if kind in ("numeric/endpoint", "insufficient/endpoint") and ep is not None:
        return f"What {ep.name} was seen with {x} in trial {t}?"
    if kind == "numeric/course":
        unit = next(s.drug.course_unit for s in w.studies if s.trial == t)
        if unit == "cycles":
            return f"How many cycles of {x} were delivered in trial {t}?"
        return f"For how many {unit} did treatment with {x} run in trial {t}?"
    if kind == "single_fact/trial_drug":
        return f"Which drug was tested in trial {t}?"
    if kind == "multi_hop/trial_drug":
        return item.question.replace("was evaluated", "was tested")
    if kind == "negation_trap/endpoint" and ep is not None and ep.verb in VERB_PARAPHRASES:
        return f"Did {x} {VERB_PARAPHRASES[ep.verb]} {ep.short} in trial {t}?"
    if kind == "negation_trap/safety":
        return f"Did patients on {x} in trial {t} have {w.setting.safety_event}?"
    return None


def echo(w: World, item: Item) -> Sent | None:
    """A sentence that shares the question's keywords and answers nothing, or None."""
    t, ep = _tag(item, "trial"), _endpoint(w, item)
    x = _drug(w, t)
    kind = f"{item.family}/{item.subtype}"
    lead = f"Trial {t} was designed to"
    if kind == "numeric/endpoint" and ep is not None:
        clause = f"report the {ep.name} of patients given {x}"
    elif kind == "numeric/dose":
        clause = f"compare the doses at which {x} was administered"
    elif kind == "numeric/course":
        unit = next(s.drug.course_unit for s in w.studies if s.trial == t)
        clause = f"let patients receive {x} for as many {unit} as could be given safely"
    elif kind == "numeric/count":
        clause = "stop once enough patients were enrolled"
    elif kind == "single_fact/trial_drug":
        clause = f"compare the drug evaluated with {w.rng.choice(COMPARATORS)}"
    elif kind == "single_fact/route":
        clause = f"compare the routes by which {x} could be administered"
    elif kind == "negation_trap/endpoint" and ep is not None:
        clause = f"test whether {x} would {ep.verb} {ep.short}"
    elif kind == "negation_trap/safety":
        clause = f"record whether {w.setting.safety_event} was observed with {x}"
    elif kind == "negation_trap/association":
        clause = item.question.removeprefix("Was ").removesuffix(f" in trial {t}?")
        clause = f"test whether {clause.replace(' associated', ' was associated', 1)}"
    else:
        return None
    # Not tagged with the question's topic: an echo is no near miss (it states no value),
    # so it is kept out of `distractor_sentences` and recorded on its own.
    sent = w.add((t, "echo", kind, ""), Sent(f"{lead} {clause}.", ("echo",)))
    if sent is not None:
        item.extra["echo_sentence"] = sent.text
    return sent
