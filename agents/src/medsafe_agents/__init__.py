"""medsafe agents: the green evaluator agent and purple participants (A2A)."""

from importlib import metadata

try:
    __version__ = metadata.version("medsafe-agents")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = ["__version__"]
