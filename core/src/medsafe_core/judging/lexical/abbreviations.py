"""Abbreviations a text spells out, found the way abbreviation-definition pairs are
matched in biomedical text (after Schwartz and Hearst): the first letter starts a word,
and the letters after it, in order, either start the next words of the text or sit
inside the word already begun. 'crcl' is 'creatinine clearance', 'cons'
'coagulase-negative staphylococci', 'efs' 'event-free survival'; within one long word,
'iv' is 'intravenous', 'us' 'ultrasound', 'pk' 'pharmacokinetic'."""

from __future__ import annotations

LONG_WORD = 8
"""A single word spells out an abbreviation only from this length ('intravenous'): in
a short word two letters in order are chance ('unless' holds 'u' then 's')."""


def abbreviates(abbreviation: str, words: list[str]) -> bool:
    """Whether `words` (lower-case, in text order) holds a run of consecutive words that
    spells out `abbreviation` (lower-case letters and digits): every word of the run
    starts with one of its letters, the first with its first."""
    head = abbreviation[0]
    return any(
        w[0] == head and _spelled(abbreviation, 1, words, i, 1, 1) for i, w in enumerate(words) if w
    )


def _spelled(abbr: str, k: int, words: list[str], i: int, pos: int, run: int) -> bool:
    """abbr[k:] spelled from words[i] at `pos` on, the run having `run` words so far."""
    if k == len(abbr):
        return run >= 2 or len(words[i]) >= LONG_WORD
    letter = abbr[k]
    nxt = i + 1
    starts_next = nxt < len(words) and words[nxt][:1] == letter
    if starts_next and _spelled(abbr, k + 1, words, nxt, 1, run + 1):
        return True
    word = words[i]
    at = word.find(letter, pos)
    while at >= 0:
        if _spelled(abbr, k + 1, words, i, at + 1, run):
            return True
        at = word.find(letter, at + 1)
    return False
