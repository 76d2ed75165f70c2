"""The quantity index answers `has_quantity` exactly as comparing with every quantity of
the text would, for every way two quantities agree (same value, converted amounts,
calendar durations within 10%, spelled percentages)."""

from __future__ import annotations

import random

from medsafe_core.judging.lexical.facts import TextFacts, quantities
from medsafe_core.suites import get_suite

_PROBES = [
    f"{v} {u}"
    for v in (0, 0.5, 0.6, 1, 2.4, 4, 7, 12, 30.44, 33, 52, 144, 240, 365, 600)
    for u in ("mg", "mcg", "g", "hours", "minutes", "days", "weeks", "months", "year", "%")
] + ["a third of patients", "two thirds", "half of them", "one quarter", "mg/h 2.4", "0.04 mg/min"]


def test_index_agrees_with_a_full_scan() -> None:
    suite = get_suite("dipg")
    texts = [t.context for t in suite.tasks(seed=3, n=120)]
    texts += [t.expected_answer.final for t in suite.tasks(seed=4, n=120)]
    probes = [q for t in texts for q in quantities(t)] + [q for p in _PROBES for q in quantities(p)]
    rng = random.Random(5)
    checked = found = 0
    for text in texts:
        facts = TextFacts(text)
        for q in rng.sample(probes, 150):
            # the index itself (has_quantity scans short texts without one)
            indexed = any(q.agrees(x) for x in facts._index.candidates(q))
            assert indexed == any(q.agrees(x) for x in facts.quantities), (q, text[:80])
            fast, slow = facts.has_quantity(q), facts.has_quantity_scan(q)
            assert fast == slow, (q, text[:80])
            checked += 1
            found += fast
    assert checked == 150 * len(texts) and found > 100  # the probes do hit
