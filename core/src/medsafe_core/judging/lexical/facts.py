"""Facts the dipg judgments compare: quantities (number + unit) and entities; negation is
read in `negation`."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import NamedTuple

from text_to_num import text2num

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.abbreviations import abbreviates
from medsafe_core.judging.lexical.durations import one_value
from medsafe_core.judging.lexical.negation import CONT_NEG, NEG_CONTRACTION
from medsafe_core.judging.lexical.number_forms import (
    degrees,
    grouped,
    per_ml,
    powers_of_ten,
    unmixed,
    unscaled,
)
from medsafe_core.judging.lexical.text import NEGATIONS, POSSESSIVE, STOPWORDS, plain, stem, words
from medsafe_core.judging.lexical.timepoints import clock_times, dates
from medsafe_core.judging.lexical.units import dimension, in_base, same_amount

_UNITS: dict[str, str] = {}
for canon, aliases in {
    "gy": "gy gray grays",
    "cgy": "cgy",
    "mg": "mg milligram milligrams",
    "g": "g gram grams",
    "kg": "kg",
    "mcg": "mcg ug µg microgram micrograms",
    "mg/kg": "mg/kg",
    "mg/m2": "mg/m2 mg/m²",
    "ml": "ml milliliter milliliters millilitre millilitres",
    "microlitre": "microlitre microlitres microliter microliters µl ul mcl",
    "mmol": "mmol millimole millimoles",
    "mmol/l": "mmol/l",
    "mg/dl": "mg/dl",
    "%": "% percent pct percentage pp",
    "month": "month months mo mos",
    "week": "week weeks wk wks",
    "day": "day days d",
    "year": "year years yr yrs",
    "hour": "hour hours h hr hrs",
    "minute": "minute minutes min mins",
    "fraction": "fraction fractions fx",
    "cycle": "cycle cycles",
    "patient": "patient patients",
    "dose": "dose doses",
    "mm": "mm",
    "cm": "cm",
    "cm3": "cm3 cc",
    "mmhg": "mmhg",
    "kpa": "kpa",
    "degree": "degree degrees degc celsius",
    "degf": "degf fahrenheit",
    "l": "l liter liters litre litres",
    "unit": "unit units iu",
    "kcal": "kcal kilocalorie kilocalories",
    "kj": "kj kilojoule kilojoules",
    "lb": "lb lbs pound pounds",
    "times": "times",
}.items():
    for alias in aliases.split():
        _UNITS[alias] = canon

_NUMBER_WORDS = LEXICON.numbers("facts.number_words")
_NUMBER_WORD_TOKENS = frozenset(_NUMBER_WORDS) - {"single", "half", "once"}
_UNIT_STEMS = frozenset(stem(u) for u in _UNITS)
NUMBER_WORDS = frozenset(_NUMBER_WORDS)

_ENTITY = LEXICON.pattern("facts.entity")
_DRUGLIKE = LEXICON.pattern("facts.druglike")


_DAYS = LEXICON.numbers("facts.days")


class Quantity(NamedTuple):
    """A number with its (canonical) unit, if one follows it."""

    value: float
    unit: str | None
    spelled: bool = False
    """Written as a word ("three"), not in digits."""
    approx: float = 0.0
    """How far the value it stands for may lie from it, where the answer hedges it as
    rounded ("about 440 mL" for 439.8): set by the judge that reads the hedge."""

    def agrees(self, other: Quantity) -> bool:
        """Same value, and units that do not contradict each other. Durations in other
        units agree within 10% ("16 weeks" and "about four months", "12 months" and
        "1 year")."""
        if self.unit != other.unit and self.unit in _DAYS and other.unit in _DAYS:
            a, b = self.value * _DAYS[self.unit], other.value * _DAYS[other.unit]
            return abs(a - b) <= 0.1 * max(a, b)
        if self.unit != other.unit and same_amount(self.value, self.unit, other.value, other.unit):
            return True  # "0.6 mg" is "600 mcg", "240 minutes" is "4 hours"
        if self.unit == other.unit == "%" and (self.spelled or other.spelled):
            return abs(self.value - other.value) <= 1.0  # "a third" and "33%"
        if abs(self.value - other.value) > 1e-9 * max(1.0, abs(self.value)):
            return False
        return self.unit is None or other.unit is None or self.unit == other.unit

    def __str__(self) -> str:
        value = plain(self.value)
        return f"{value} {self.unit}" if self.unit else value


_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = "|".join(sorted(_NUMBER_WORD_TOKENS, key=len, reverse=True))
# a range's second end, then a unit; matched on lower-cased text
_TAIL = (
    rf"(?![\d.]*\d)(?:\s*(?:-|\u2013|\u2014|\bto\b|\band\b|\bversus\b|\bvs\b\.?)\s*"
    rf"(?P<b>{_DIGITS}|{_WORDS})(?![\d.]*\d))?"
    r"(?:[ \t-]*(?P<unit>[a-z\u00b5%][a-z\u00b5%0-9\u00b2]*(?:/(?!\d)[a-z\u00b5%0-9\u00b2]*)*))?"
)
_CARDINALS = "|".join(sorted(_NUMBER_WORD_TOKENS - {"twice"} | {"thousand"}, key=len, reverse=True))
# compounds read whole: "twenty-one", "one hundred and twenty", "two point five"
_JOIN = r"(?:[ -]|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+|\s+point\s+)"
_WORD_QUANTITY = re.compile(rf"\b(?P<a>(?:{_WORDS})(?:{_JOIN}(?:{_CARDINALS}))*)\b{_TAIL}")


def _value(token: str) -> float:
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    return float(token.replace(",", ""))


@lru_cache(maxsize=4096)
def _word_values(phrase: str) -> tuple[float, ...]:
    """The value of a number written in words (text2num), or, for words that do not make
    one number ("five-six weeks", a range), the value of each."""
    words_ = phrase.replace("-", " ").split()
    if len(words_) == 1:
        return (_value(phrase),)
    whole, _, decimals = " ".join(words_).partition(" point ")
    try:
        value = float(text2num(whole, "en"))
        if decimals:
            digits = "".join(str(int(_NUMBER_WORDS[w])) for w in decimals.split())
            value += float("0." + digits)
        return (value,)
    except (ValueError, KeyError):
        return tuple(_value(w) for w in words_ if w in _NUMBER_WORDS)


def same_unit(token: str, others: frozenset[str] | set[str]) -> bool:
    """The word names a unit that one of `others` names too ('min' and 'minutes')."""
    canon = _UNITS.get(token)
    return canon is not None and any(_UNITS.get(w) == canon for w in others)


def unit_word(token: str) -> bool:
    """Whether a word (or its stem) names a unit ('months', 'cycl', 'gy', '%', 'mg/h')."""
    return (
        token in _UNITS or token in _UNIT_STEMS or ("/" in token and dimension(token) is not None)
    )


def measured(token: str) -> bool:
    """Whether a word is a unit of measurement ('hours', 'mg'; not 'tablets', 'doses')."""
    return dimension(_unit(token)) is not None


_UNIT_AFTER_NUMBER = re.compile(r"(?<![\w/.])\d[\d.,]*\s?([a-z]+)")


def worded_values(text: str) -> tuple[str, frozenset[str]]:
    """The text with its values in pieces written as one ("half an hour" as "0.5 hour"),
    and the stems of the units of measurement right after its numbers: words that state
    a value, to be judged as that value, not as words."""
    spoken = one_value(text.lower())
    return spoken, frozenset(stem(u) for u in _UNIT_AFTER_NUMBER.findall(spoken) if measured(u))


def _unit(token: str | None) -> str | None:
    if not token:
        return None
    if token in _UNITS:
        return _UNITS[token]
    rate = _PER_TIME.sub("", token)  # "mg/m2/day" is a dose in mg/m2, given daily
    if rate != token and rate != "kg":  # ("kg/week" is a change of weight, not a dose)
        return _unit(rate)
    # an unlisted compound unit ("iu/kg") still has to match; other words are not units
    if "/" not in token or token[0].isdigit():
        return None
    amount, _, per = token.partition("/")
    return f"{_AMOUNT_SHORT.get(amount, amount)}/{per}"  # "µg/g" is "mcg/g"


_AMOUNT_SHORT = {"\u00b5g": "mcg", "\u03bcg": "mcg", "ug": "mcg", "microgram": "mcg"}
_AMOUNT_SHORT |= {"micrograms": "mcg", "milligram": "mg", "milligrams": "mg"}
_PER_AMOUNT = re.compile(
    r"\b(mcg|micrograms?|mg|milligrams?)\s+per\s+"
    r"(ml|millilit(?:re|er)s?|dl|decilit(?:re|er)s?|l|lit(?:re|er)s?|g|grams?)\b"
)
_PER_SHORT = {"millilitre": "ml", "milliliter": "ml", "decilitre": "dl", "deciliter": "dl"}
_PER_SHORT |= {"litre": "l", "liter": "l", "gram": "g"}


def _per_amount(m: re.Match[str]) -> str:
    amount, per = m.group(1).rstrip("s"), m.group(2).rstrip("s")
    amount = _AMOUNT_SHORT.get(amount, _PER_SHORT.get(amount, amount))
    return f"{amount}/{_PER_SHORT.get(per, per)}"


_SUPER = str.maketrans({"\u00b2": "2", "\u00b3": "3"})  # "m²" is "m2"
_POWER_OF_NUMBER = re.compile(r"(?<=\d)[\u00b2\u00b3]")
_PER_TIME_WORDS = re.compile(
    r"\b(mcg|micrograms?|mg|milligrams?|ml|millilit(?:re|er)s?|g|grams?|units?|mmol|millimoles?)"
    r"(/kg)?"
    r"(?:\s+per\s+(kg|kilograms?))?\s+(?:per|an|a)\s+(hour|hr|minute|min)\b"
)
_WEIGHT_RATE = re.compile(r"\b(kg)\s+(?:per|a|each|every)\s+(week|month|year)\b")
_SHORT = {"microgram": "mcg", "milligram": "mg", "gram": "g", "millilitre": "ml"}
_SHORT |= {"milliliter": "ml", "hour": "h", "hr": "h", "minute": "min", "min": "min"}
_SHORT |= {"millimole": "mmol"}


def _rate_unit(m: re.Match[str]) -> str:
    amount = m.group(1).rstrip("s")
    amount = _SHORT.get(amount, amount)
    per_kg = "/kg" if m.group(2) or m.group(3) else ""
    return f"{amount}{per_kg}/{_SHORT[m.group(4)]}"


_PER_TIME = re.compile(r"/(?:day|d|week|wk|cycle)$")
_PER_UNIT = LEXICON.pattern("facts.per_unit")
_PER_UNIT_FORMS = LEXICON.mapping("facts.per_unit_forms")
# units written in two words: "mm Hg"
_SPLIT_UNITS = re.compile(r"\bmm hg\b")


# a number in digits (as `_DIGITS`, with its first digit outside the alternation: the
# same matches, in the same order of preference) and its tail; the engine then skips to
# digits with a fast character scan, and number words come in a second pass
_DIGIT_QUANTITY = re.compile(r"(?P<a>\d(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))" + _TAIL)
# a number word matched by _WORD_QUANTITY is a whole run of letters ("\b" before, "\b" or a
# space or hyphen after): without such a run the word pass is skipped
_LETTERS = re.compile(r"[a-z]+")


_MULTIPLIER = re.compile(r"\d+(?:\.\d+)?x")


@lru_cache(maxsize=4096)
def _quantities(text: str) -> tuple[Quantity, ...]:
    lower = text.lower()
    lower = unscaled(grouped(lower))  # "560 000 IU", "0.56 million units": 560,000
    if "\u00b2" in lower or "\u00b3" in lower:
        lower = _POWER_OF_NUMBER.sub("", lower).translate(_SUPER)  # "1.58²" is 1.58 squared
    if "mm hg" in lower:
        lower = _SPLIT_UNITS.sub(lambda m: m.group().replace(" ", ""), lower)
    if "/24" in lower:  # "12 mg/24 h" is 12 mg a day
        lower = _PER_24_HOURS.sub("/day", lower)
    lower = unmixed(lower)  # "4 3/4 hours" is 4.75 hours
    lower = one_value(lower)  # "1 hour 15 minutes" is 75 minutes, "half an hour" 0.5 hour
    lower = degrees(lower)  # "36.0 °C", "30-45°": degrees (Celsius read as plain degrees)
    if " per " in lower:  # "milligrams per square metre" is "mg/m2"
        lower = _PER_UNIT.sub(lambda m: _PER_UNIT_FORMS[m.group(2)], lower)
        # "80 micrograms per mL" is a concentration, "15 micrograms per gram" a content
        # (not "20 mmol per litre" of fluid: "20 mmol KCl per litre" says the same amount)
        lower = _PER_AMOUNT.sub(_per_amount, lower)
    if " per " in lower or " an hour" in lower or " a minute" in lower:
        lower = _PER_TIME_WORDS.sub(_rate_unit, lower)  # "2 mg per kg per hour": "mg/kg/h"
    if "kg " in lower:  # a change of weight over time: "1.5 kg per month" is "1.5 kg/month"
        lower = _WEIGHT_RATE.sub(r"\1/\2", lower)
    points, clock_spans = clock_times(lower)
    days, date_spans = dates(lower)
    clock_spans += date_spans
    found = [(start, Quantity(value, unit)) for start, value, unit in [*points, *days]]
    matches = list(_DIGIT_QUANTITY.finditer(lower))
    if len(lower) > 400 or not _NUMBER_WORD_TOKENS.isdisjoint(_LETTERS.findall(lower)):
        matches += _WORD_QUANTITY.finditer(lower)
    # the positions inside a clock time or a date: one set look-up for each number
    covered = {i for a, b in clock_spans for i in range(a, b)}
    for m in matches:
        start = m.start()
        a, b, unit_token = m.group("a", "b", "unit")
        if start > 0:
            before = lower[start - 1]
            if before.isalnum() or before == ".":
                # digits inside an identifier ("h3k27m") or after a decimal point; a number
                # read as its range's second end is a value of its own ("onc201 and 7.5
                # months")
                if b is not None and b[0].isdigit():
                    found.append((m.start("b"), Quantity(_value(b), _unit(unit_token))))
                continue
            if before == "-" and start > 1 and lower[start - 2].isalpha() and a[0].isdigit():
                continue  # an identifier's number ("pbtc-047", "covid-19"), not a value
        if start in covered:  # part of a clock time, read as one; not so the value
            # a range's second end stands for ("22:00 and 170 mL" is 170 mL)
            if b is not None and m.start("b") not in covered:
                found.append((m.start("b"), Quantity(_value(b), _unit(unit_token), b[0].isalpha())))
            continue
        unit = _unit(unit_token)
        if a[0].isalpha():
            found += [(start, Quantity(v, unit, True)) for v in _word_values(a)]
        else:
            found.append((start, Quantity(_value(a), unit, False)))
        if b is not None:
            found.append((start, Quantity(_value(b), unit, b[0].isalpha())))
    # "5.2 x 10^6 cells/kg" also states 5,200,000; "120 mg/5 ml" also 24 mg/ml
    found += [(at, Quantity(value, None)) for at, value in powers_of_ten(lower)]
    found += [(at, Quantity(value, unit)) for at, value, unit in per_ml(lower)]
    fractions = "half" in lower or "third" in lower or "quarter" in lower
    for m in _FRACTION.finditer(lower) if fractions else ():  # "three quarters" is 75%
        part = m.group("part") or "half"
        share = _FRACTION_SHARE[part] * _FRACTION_COUNT.get(m.group("count") or "", 1)
        found.append((m.start(), Quantity(round(100 * share, 1), "%", True)))
    found.sort(key=lambda pair: pair[0])
    return tuple(q for _, q in found)


_PER_24_HOURS = re.compile(r"/\s?24\s?(?:hours?|hrs?|h)\b")
_FRACTION = LEXICON.pattern("facts.fraction")
_FRACTION_SHARE = LEXICON.numbers("facts.fraction_share")
_FRACTION_COUNT = LEXICON.numbers("facts.fraction_count")


def quantities(text: str) -> list[Quantity]:
    """Numbers (digits, decimals, thousands, words like 'three') with their units.

    In a range ("12 to 18 months", "between 12 and 18 months", "12-18 months") both ends
    take the unit. Digits inside identifiers ("H3K27M", "NCT0123") are not numbers."""
    return list(_quantities(text))


def entities(text: str) -> set[str]:
    """Named things a claim rests on: trial ids, gene and drug names, mixed alphanumerics
    and capitalized words that do not start a sentence. Lower-cased."""
    return set(_entities(text))


@lru_cache(maxsize=8192)
def _entities(text: str) -> frozenset[str]:
    found: set[str] = set()
    for m in _ENTITY.finditer(text):
        token = m.group()
        before = text[max(0, m.start() - 8) : m.start()].rstrip(" \t\"'(*_`#>")
        sentence_initial = not before or before[-1] in ".!?:;\n"
        is_titlecase_word = token[0].isupper() and token[1:].islower() and token.isalpha()
        if is_titlecase_word and (sentence_initial or token.lower() in STOPWORDS):
            continue
        lowered = token.lower()
        if lowered in STOPWORDS or lowered in _GENERIC_CAPITALS:
            continue
        if _QUANTITY_TOKEN.match(lowered) and _unit(_QUANTITY_TOKEN_UNIT.sub("", lowered)):
            continue  # "24Gy" is a quantity, judged as one
        if _PLURAL_NUMBER.match(lowered) or all(p in _NUMBER_WORDS for p in lowered.split("-")):
            continue  # "Twenty-seven", "under-5s": numbers, judged as values
        if _ORDINAL.match(lowered):
            continue  # "7th", "21st": a position, judged as its number
        if _MULTIPLIER.fullmatch(lowered):
            continue  # "3x the upper limit": three times, judged as its number
        if is_dosing_interval(lowered):
            continue  # "q48h", "q8w": every 48 hours, every 8 weeks (a value, not a name)
        found.add(token.lower())
    for w in words(text):
        if _DRUGLIKE.search(w) and len(w) > 6:
            found.add(w)
    return frozenset(found)


_QUANTITY_TOKEN = re.compile(r"^\d+(?:\.\d+)?[a-z%/\u00b5\u00b2]+\d?$")
_PLURAL_NUMBER = re.compile(r"^\d+'?s$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_DOSING_INTERVAL = re.compile(r"^q\d+(?:h|hr|hrs|d|w|wk|wks)$")


def is_dosing_interval(token: str) -> bool:
    """'q48h', 'q8w': every 48 hours, every 8 weeks."""
    return bool(_DOSING_INTERVAL.match(token))


_QUANTITY_TOKEN_UNIT = re.compile(r"^\d+(?:\.\d+)?")
_GENERIC_CAPITALS = LEXICON.word_set("facts.generic_capitals")


def content_stems(text: str) -> set[str]:
    """Stemmed meaningful words, for overlap measures."""
    unique = set(words(text)) - STOPWORDS - NEGATIONS - CONT_NEG
    return {stem(w) for w in unique if not NEG_CONTRACTION.match(w)}  # as content_words


_SCAN_AT_MOST = 16
"""Texts with at most this many quantities are looked up by comparing with each."""


class TextFacts:
    """What the judgments look up in a context or evidence text, computed once per text
    and only as far as a judgment asks."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        """The numbers with their units."""
        return _quantities(self.text)

    @cached_property
    def _alnum(self) -> list[str]:  # a possessive's "s" is no word ("St George's")
        return _ALNUM.findall(POSSESSIVE.sub("", self.text.lower().replace("-", " ")))

    @cached_property
    def words(self) -> frozenset[str]:
        """Lower-case alphanumeric words."""
        return frozenset(self._alnum)

    @cached_property
    def stems(self) -> frozenset[str]:
        """Content stems."""
        return frozenset(content_stems(self.text))

    @cached_property
    def initials(self) -> str:
        """First letters of consecutive words, to recognise abbreviations ('os')."""
        return "".join(w[0] for w in self._alnum)

    def has_quantity(self, q: Quantity) -> bool:
        """Whether the text states this quantity ("no responses" states 0%). Looked up in
        an index of the text's quantities (a 100 KB context states thousands) for every
        way two quantities agree (`Quantity.agrees`): the same value, the same amount in
        a converted unit, a duration within 10%, a spelled percentage within a point."""
        if q.value == 0 and says_none(self.text):
            return True
        if len(self.quantities) <= _SCAN_AT_MOST:  # a sentence: cheaper than an index
            return any(q.agrees(x) for x in self.quantities)
        return any(q.agrees(x) for x in self._index.candidates(q))

    def has_quantity_scan(self, q: Quantity) -> bool:
        """`has_quantity` by comparing with every quantity (the reference the index is
        tested against)."""
        if q.value == 0 and says_none(self.text):
            return True
        return any(q.agrees(x) for x in self.quantities)

    @cached_property
    def _index(self) -> _QuantityIndex:
        return _QuantityIndex(self.quantities)

    def knows_entity(self, ent: str) -> bool:
        """Its words occur, or it abbreviates consecutive words of the text."""
        parts = _ALNUM.findall(ent)
        if set(parts) <= self.words:
            return True
        if "-" in ent and any(c.isdigit() for c in ent):
            # "onc201-naive": the identifier must be known; the word glued to it is wording
            return {p for p in parts if any(c.isdigit() for c in p)} <= self.words
        if "-" in ent and all(p.isalpha() for p in parts):
            # "mild-mod", "pk-guided": each part a word of the text, the start of one, or
            # an abbreviation the text spells out; a word glued to such an abbreviation
            # ("bsa-based") is wording, as after an identifier
            glued = len(parts) == 2 and parts[0] not in self.words and 2 <= len(parts[0]) <= 6
            if glued and self._abbreviates(parts[0]):
                return True
            return all(self._knows_part(p) for p in parts)
        if not (ent.isalnum() and 2 <= len(ent) <= 6):
            return False
        if ent.isalpha() and len(ent) <= 5 and ent in self.initials:
            return True
        if ent.endswith("s") and len(ent) >= 4 and self.knows_entity(ent[:-1]):
            return True  # "URTIs": the plural of initials the text spells out
        return any(
            set(form.replace("-", " ").split()) <= self.words
            for form in _ABBREVIATIONS.get(ent, "").split("|")
            if form
        ) or self._abbreviates(ent)

    def _knows_part(self, part: str) -> bool:
        if part in self.words:
            return True
        if len(part) >= 3 and any(w.startswith(part) for w in self.words):
            return True
        return 2 <= len(part) <= 6 and self._abbreviates(part)

    def _abbreviates(self, ent: str) -> bool:
        """The text spells the abbreviation out (`abbreviations.abbreviates`)."""
        return abbreviates(ent, self._alnum)


_ALNUM = re.compile(r"[a-z0-9]+")


def _base_key(dim: str, base: float) -> tuple[str, float]:
    return dim, float(f"{base:.6g}")


class _QuantityIndex:
    """A text's quantities by value, by amount in their dimension's base unit, and the
    few kinds compared loosely (calendar durations, spelled percentages)."""

    def __init__(self, found: tuple[Quantity, ...]) -> None:
        self.by_value: dict[float, list[Quantity]] = {}
        self.by_base: dict[tuple[str, float], list[Quantity]] = {}
        self.durations: list[Quantity] = []  # day, week, month, year: within 10%
        self.loose_times: list[Quantity] = []  # month, year against any time unit
        self.times: list[Quantity] = []
        self.percents: list[Quantity] = []
        for q in found:
            self.by_value.setdefault(q.value, []).append(q)
            dim = dimension(q.unit)
            base = in_base(q.value, q.unit)
            if dim is not None and base is not None:
                self.by_base.setdefault(_base_key(dim, base), []).append(q)
            if q.unit in _DAYS:
                self.durations.append(q)
            if dim == "time":
                self.times.append(q)
                if q.unit in ("month", "year"):
                    self.loose_times.append(q)
            if q.unit == "%":
                self.percents.append(q)

    def candidates(self, q: Quantity) -> list[Quantity]:
        """Every quantity that may agree with `q` (a superset; `agrees` decides)."""
        out = list(self.by_value.get(q.value, ()))
        dim, base = dimension(q.unit), in_base(q.value, q.unit)
        if dim is not None and base is not None:
            out += self.by_base.get(_base_key(dim, base), ())
        if q.unit in _DAYS:
            out += self.durations
        if dim == "time":
            out += self.times if q.unit in ("month", "year") else self.loose_times
        if q.unit == "%":
            out += self.percents
        return out


# clinical abbreviations and what they stand for ("iv": "intravenous|intravenously")
_ABBREVIATIONS: dict[str, str] = LEXICON.mapping("facts.abbreviations")


@lru_cache(maxsize=1024)
def text_facts(text: str) -> TextFacts:
    """Facts of a text (cached: contexts are judged many times)."""
    return TextFacts(text)


_NONE = LEXICON.pattern("facts.none")


def says_none(text: str) -> bool:
    """Whether the text says there was none of something (a zero in words)."""
    return bool(_NONE.search(text))
