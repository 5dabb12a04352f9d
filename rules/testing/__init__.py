"""Hypothesis strategies for testing code that trades on Binance Spot (``pip install binance-rules[testing]``).

Importing this module imports Hypothesis and registers a strategy for every rule
object, so that ``st.from_type(SymbolInfo)`` works; ``import rules`` alone never
imports Hypothesis. See ``docs/testing.md``.
"""

from __future__ import annotations

from rules.testing.strategies import *  # noqa: F403
