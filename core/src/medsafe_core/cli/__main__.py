"""`python -m medsafe_core.cli`: the `medsafe` command."""

from medsafe_core.cli import main

main()
