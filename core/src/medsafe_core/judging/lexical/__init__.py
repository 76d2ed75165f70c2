"""Lexical judging: text normalisation, facts in text (quantities, negation, entities,
comparisons), proof grounding by alignment, answer judgments and wording cues
(abstention, conflict, refusal). Suite-independent: any suite whose responses quote
and answer from a context can use it; the word lists and patterns it rests on live in
one versioned data file (`lexicon.json`), whose hash is part of each scorer version
that uses it."""
