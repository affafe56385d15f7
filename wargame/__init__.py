"""AI race wargame: an agent-based model of the US-China race for AI leadership, 2026-2028.

The model lives in :mod:`wargame.model` (the Mesa ``Model``) and :mod:`agents` (the Mesa agents).
Scenarios are TOML files loaded and validated by :mod:`wargame.scenario`.
"""

__version__ = "0.2.0"
