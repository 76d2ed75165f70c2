"""The demo: assess the built-in reference participants end to end and show the results.

Runs generate -> answer -> score -> metrics for each reference participant, writes the
run records under ./runs, prints the metrics table and a paired comparison."""

from __future__ import annotations

import sys

from medsafe_core.cli import app

if __name__ == "__main__":
    args = sys.argv[1:]
    app(["assess", *args], standalone_mode=True)
