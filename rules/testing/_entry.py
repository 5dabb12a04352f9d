"""Hypothesis' entry point for ``binance-rules`` (``[project.entry-points.hypothesis]``).

Hypothesis runs :func:`setup` when it is imported. Loading this module has
already imported the :mod:`rules.testing` package, which registers a strategy
for every rule object; so ``st.from_type(SymbolInfo)`` works without an
explicit ``import rules.testing``. When ``import rules.testing`` is what
imports Hypothesis, the package is still being imported at that moment: it
finishes, and registers, right after.
"""

from __future__ import annotations


def setup() -> None:
    """Nothing left to do: importing this module registered the strategies."""
