"""The expected answer's key facts, and whether a final states them: its value or values
(not the question's own, nor its working after a colon or "because"), the names it gives
(not the source it is given under, nor a name that only labels a stated value), the
direction of its bounds, the kind of quantity the question asks for, and where the answer
is a word, that word ("high refeeding risk", the band's label)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from medsafe_core.judging.lexical.abbreviations import abbreviates
from medsafe_core.judging.lexical.cues import asks_yes_no
from medsafe_core.judging.lexical.facts import (
    NUMBER_WORDS,
    Quantity,
    entities,
    quantities,
    says_none,
    unit_word,
)
from medsafe_core.judging.lexical.negation import is_negation
from medsafe_core.judging.lexical.number_forms import strength_spans
from medsafe_core.judging.lexical.relations import (
    bound_comparisons,
    comparisons,
    opposed_bounds,
    relates_values,
)
from medsafe_core.judging.lexical.text import content_words, has_word_form, normalize, words
from medsafe_core.judging.lexical.timepoints import full_weekdays
from medsafe_core.judging.lexical.verdicts import ANSWER_VOCAB, as_rounded


# words an answer may use without the context using them
def missing_claim(final: str, final_q: list[Quantity], claims: list[str]) -> str | None:
    """The listed key claim (a quantity, an entity, a phrase) absent from `final`, if any."""
    final_norm = normalize(final).text
    for claim in claims:
        cq = quantities(claim)
        if cq:
            absent = [c for c in cq if not any(c.agrees(f) for f in final_q)]
            if absent:
                return str(absent[0])
            continue
        text = normalize(claim).text
        if not text or text in final_norm or any(is_negation(t) for t in words(claim)):
            continue  # polarity claims are judged apart
        if fuzz.partial_ratio(text, final_norm) < 90:
            return repr(claim)
    return None


def misses_derived(
    final: str, final_q: list[Quantity], expected_final: str, question: str, context: str = ""
) -> str | None:
    """Without listed claims (loaded data), the expected answer's own facts are the claims:
    what the question already says is not a claim; one of the other quantities and every
    other named entity must be stated, and where the answer is no value, half of the
    other specific words. A yes/no
    question is answered by its polarity (judged apart): the reasons are not claims."""
    if asks_yes_no(question):
        return None
    expected_final = _ATTRIBUTION.sub(" ", expected_final).strip()
    if _ASKS_WHY.search(question):  # for "why?", the reason is the answer
        return _misses_claims(final, final_q, expected_final, question, context)
    # the answer before a colon, else after it ("Her weight is within 120% of ideal, so the
    # dose is by actual weight: 7 mg/kg x 62 kg = 434 mg")
    # dose is by actual weight: 7 mg/kg x 62 kg = 434 mg"); a head that is a word and no
    # value is the answer, and the values after it its reasons ("high refeeding risk: her
    # BMI of 17.4 kg/m2 is in the moderate range, but ...")
    head = claim_part(expected_final)
    missing = _misses_claims(final, final_q, head, question, context)
    if missing is None:
        return None
    asked = quantities(question)
    if not any(not any(q.agrees(a) for a in asked) for q in quantities(head)):
        return missing
    whole = claim_part(expected_final, colon=False)
    return missing if whole == head else _misses_claims(final, final_q, whole, question, context)


def _misses_claims(
    final: str, final_q: list[Quantity], expected_final: str, question: str, context: str = ""
) -> str | None:
    """What of the expected answer's key facts the final does not state, if anything."""
    asked_q = quantities(question)
    exp_q = [q for q in _answer_values(expected_final) if not any(q.agrees(a) for a in asked_q)]
    zero = [Quantity(0.0, None)] if says_none(final) else []  # "None." states a zero
    stated = [*final_q, *zero]
    clause = _answer_clause(expected_final, stated)
    # the directions in which the answer bounds its value ("fewer than 10%"), not those of
    # its other words ("increased to 1200 mg", "when the INR is above 1.5")
    directions, said = bound_comparisons(clause, [*exp_q, *stated]), comparisons(final)
    # "22 mg/L is above 20 mg/L" relates two stated values: the working, not a bound on
    # the answer, so only the final's own relations of values can contradict it
    relation = relates_values(clause)
    opposed = (
        {
            d
            for m in _CLAUSE.finditer(final)
            if relates_values(m.group())
            for d in comparisons(m.group())
        }
        if relation
        else said
    )
    if directions and opposed and not directions & opposed:
        return f"the direction {'/'.join(sorted(directions))}"  # "4 days later" for "sooner"
    if opposed_bounds(clause, final, exp_q):
        return "the bound's direction"  # "less than 15 minutes" where it is "at least 15"
    asked = {d for m in _ASKS_HOW_MUCH.finditer(question) for d in comparisons(m.group())}
    if _ASKS_DIFFERENCE.search(question) or relation:
        asked = {"less", "more"}  # "by how much did the arms differ?": any way round
    if not directions - asked <= said:
        # "fewer than 10%" is not "about 10%" (unless asked "how much fewer?")
        return f"the bound {'/'.join(sorted(directions - asked))}"
    if exp_q and not any(c.agrees(f) or as_rounded(c, f, final) for c in exp_q for f in stated):
        return " or ".join(str(c) for c in exp_q)
    # each kind of quantity the question asks for ("what dose ..., and for how long?")
    when = ASKS_WHEN.search(question) is not None  # "the earliest date ... higher dose?"
    for cue, family in _ASKED_KINDS:
        if when and "day" not in family:
            continue  # a date is asked for; the dose only names what changes then
        wanted = [q for q in exp_q if q.unit in family]
        if wanted and cue.search(question) and not any(c.agrees(f) for c in wanted for f in stated):
            return " or ".join(str(c) for c in wanted)
    # every named thing the answer gives (a trial's registry id is only a restatement)
    # (of the clause that states the answer's value, when the final states it: "For major
    # bleeding at any INR, the clinic gives vitamin K 10 mg" names INR as a condition)
    named = clause if exp_q and any(quantities(clause)) else expected_final
    named = _INSTEAD.sub(" ", named)  # "clindamycin instead of amoxicillin": not a key fact
    if _ASKS_NAME.search(question):  # "nitrofurantoin, which replaced ciprofloxacin"
        named = _WHICH.sub("", named) or named  # the clause after the name says more of it
    named = _ATTRIBUTION.sub(" ", named)  # "Under protocol RAB-4, ...": where, not what
    exp_e = {e for e in entities(named) - entities(question) if not _REGISTRY_ID.match(e)}
    exp_e -= _value_labels(named, exp_e, stated)
    exp_e = {e for e in exp_e if not asked_by_head(e, question, context)}
    if exp_q and _ASKS_DIFFERENCE.search(question):
        exp_e = set()  # a difference between two arms: the value, not the arms' names
    absent = sorted(e for e in exp_e if e not in final.lower())
    if absent:
        return repr(absent[0])
    label = _band_label(question, expected_final)
    worded = set(content_words(final.replace("-", " ")))  # "Standard-risk band"
    if label and not any(has_word_form(w, worded) for w in label):
        return ", ".join(sorted(label))  # "High risk" where the band is "intermediate-risk"
    expected_lead = _ANSWER_HEAD.split(expected_final.strip(), maxsplit=1)[0]
    if _ASKS_NAME.search(question) and not quantities(expected_lead):
        # the asked name must be the one the answer leads with: "Amlodipine - her step 1
        # drug would have been ramipril" names ramipril only as a reason
        lead = _ANSWER_HEAD.split(final.strip(), maxsplit=1)[0].lower()
        asked = entities(expected_lead) - entities(question)
        if asked and entities(lead) and not any(e in lead for e in asked):
            return f"{sorted(asked)[0]!r} as the answer"
    if exp_q or (exp_e and _ASKS_NAME.search(question)):
        return None  # a value or an asked name the final states: the rest is phrasing
    specific = set(content_words(expected_final)) - set(content_words(question)) - ANSWER_VOCAB
    specific = {
        w
        for w in specific
        if w.isalpha() and w not in NUMBER_WORDS and not unit_word(w) and w not in exp_e
    }
    have = set(content_words(full_weekdays(final.lower())))  # "Mon, Wed and Fri"
    absent = sorted(w for w in specific if not has_word_form(w, have))
    return ", ".join(absent) if 2 * (len(specific) - len(absent)) < len(specific) else None


# "how many days sooner ...?", "how much higher ...?": the question gives the direction
_ASKS_HOW_MUCH = re.compile(
    r"\bhow\s+(?:much|many(?:\s+\w+){0,2}?)\s+(?:sooner|earlier|faster|later|slower|more|less"
    r"|fewer|higher|lower|greater|longer|shorter|smaller|larger)\b",
    re.IGNORECASE,
)
# where the answer's own head ends: a dash, a colon, a semicolon, a sentence's end
_ANSWER_HEAD = re.compile(r"\s[-\u2013\u2014]\s|[:;]\s|[.!?]\s")
_ASKS_DIFFERENCE = re.compile(r"\bdiffer(?:ence|ed|s)?\b", re.IGNORECASE)
# a question whose answer is a name: "Which medicine ...?", "What drug ...?", "Who ...?"
_ASKS_NAME = re.compile(
    r"\b(?:which|what)\s+(?!(?:does|do|did|is|are|was|were|should|must|can|will|would|has|have"
    r"|happens|happened)\b)\w+|\bwho\b",
    re.IGNORECASE,
)
_WHICH = re.compile(r",\s*which\b.*$", re.S)
_CLAUSE = re.compile(r"[^,;:.]+(?:\.\d[^,;:.]*)*")


def _answer_values(expected_final: str) -> list[Quantity]:
    """The expected answer's values, less a product strength it names beside its value
    ("4.5 mL of the 120 mg/5 mL suspension": 4.5 mL); the strength where that is all."""
    bare = expected_final
    for start, end in reversed(strength_spans(expected_final)):
        bare = bare[:start] + " " + bare[end:]
    return quantities(bare) or quantities(expected_final)


def _answer_clause(expected_final: str, stated: list[Quantity]) -> str:
    """The clause of the expected answer whose directions ('fewer than 10%') are its
    answer value's: the one that states a value the final states too, else the whole
    answer (a 'fell in the 36-hour zone' elsewhere in the working is no direction of the
    answer)."""
    for m in _CLAUSE.finditer(expected_final):
        if any(q.agrees(f) for q in quantities(m.group()) for f in stated):
            return m.group()
    return expected_final


_ASKS_WHY = re.compile(r"\bwhy\b|\breasons?\b|\bwhat\s+(?:caused|led)\b", re.I)
# "because", "since", "given that", and ", as" (a reason), not "defined as passing ..."
_WORKING_NO_COLON = re.compile(
    r"\([^)]*\)|,?\s*\b(?:because|since|given that)\b.*$|,\s*as\b.*$", re.I | re.S
)
_WORKING = re.compile(rf"{_WORKING_NO_COLON.pattern}|:\s.*$", re.I | re.S)


def claim_part(expected_final: str, *, colon: bool = True) -> str:
    """The expected answer without its working: a parenthesis, a 'because ...' clause or
    what follows a colon shows how the answer was reached ('2.4 kg (63.8 kg before minus
    61.4 kg after)', '3000 mg: 40 mg/kg x 82 kg = 3280 mg, above the maximum'), it is not
    a further claim the answer must repeat."""
    head = (_WORKING if colon else _WORKING_NO_COLON).sub("", expected_final).strip()
    return head if content_words(head) or quantities(head) else expected_final


ASKS_VALUE = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,2}?dose\b|\bhow\s+(?:much|many)\b|\bthe\s+most\b", re.I
)
ASKS_WHEN = re.compile(r"\b(?:what|which)\s+(?:\w+\s+){0,3}?(?:date|day)\b|\bwhen\b", re.I)
_ASKED_KINDS = (
    (
        re.compile(
            r"\bhow\s+long\b|\bduration\b|\bhow\s+many\s+(?:days|weeks|months|years)\b", re.I
        ),
        frozenset({"day", "week", "month", "year", "hour", "minute"}),
    ),
    (
        re.compile(r"\bdose\b|(?<!\bby\s)\bhow\s+much\b", re.I),  # not "by how much"
        frozenset({"mg", "g", "mcg", "mg/kg", "mg/m2", "gy", "cgy", "ml", "unit"}),
    ),
    (
        re.compile(r"\bhow\s+often\b|\brate\b|\bpercentage\b|\bproportion\b|\bshare\b", re.I),
        frozenset({"%"}),
    ),
)
_REGISTRY_ID = re.compile(r"^nct\d+$")


_INSTEAD = re.compile(r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+[\w-]+", re.I)
# the source an answer is given under: "Under protocol RAB-4", "according to the 2024 report"
_ATTRIBUTION = re.compile(
    r"\b(?:under|per|according\s+to|as\s+set\s+out\s+in|in\s+line\s+with)\s+(?:the\s+)?"
    r"(?:[\w'/-]+\s+){0,3}?(?:protocol|guideline|policy|pathway|trial|report|source|study)s?\b"
    r"(?:\s+[A-Z0-9][\w/-]*)?(?:\s*,)?",
    re.I,
)


# "Which risk band ...?", "What stage ...?": the answer is the label of a band
_ASKS_BAND = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?P<noun>band|category|stage|grade|class|zone"
    r"|tier|level|group)\b",
    re.I,
)


def _band_label(question: str, expected_final: str) -> set[str]:
    """The words that label the band a "which band?" answer names ("intermediate" in
    "places her in the intermediate-risk band"), less the question's own words."""
    asked = _ASKS_BAND.search(question)
    if asked is None:
        return set()
    noun = asked.group("noun").lower()
    m = re.search(
        rf"\b(?:the|an?)\s+((?:[\w-]+\s+){{0,2}}?[\w-]+)\s+{noun}\b", expected_final, re.I
    )
    if m is None:
        return set()
    return set(content_words(m.group(1).replace("-", " "))) - set(content_words(question))


def asked_by_head(name: str, question: str, context: str) -> bool:
    """The question names what the context defines `name` to abbreviate by that
    definition's head word: "the immunoglobulin" for "Human rabies immunoglobulin
    (HRIG)"."""
    m = re.search(rf"((?:[\w-]+\s+){{1,6}})\(\s*{re.escape(name)}\s*\)", context, re.I)
    if m is None:
        return False
    spelled = m.group(1).lower().split()
    return spelled[-1] in words(question) and abbreviates(name, spelled)


def _value_labels(named: str, names: set[str], stated: list[Quantity]) -> set[str]:
    """The names that only label a value the final states: in "Musa's TAMMV of 196 cm/s
    is in the conditional band", TAMMV is what 196 cm/s measures, and the final that
    gives 196 cm/s need not name it."""
    labels = set()
    for name in names:
        for m in re.finditer(re.escape(name), named, re.I):
            after = quantities(named[m.end() : m.end() + 24])
            if after and any(after[0].agrees(f) for f in stated):
                labels.add(name)
    return labels
