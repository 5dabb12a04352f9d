"""The bundled example: a small exchangeInfo snapshot and a few orders to check against it.

Written by this project from the facts in real snapshots (the README's first command
checks its orders); it is not a copy of a Binance response.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["EXAMPLE_CONTEXT", "EXAMPLE_EXCHANGE_INFO", "EXAMPLE_ORDERS"]

_HERE = Path(__file__).parent

#: A 2026-style exchangeInfo ``result``: a handful of symbols with the modern filter set.
EXAMPLE_EXCHANGE_INFO = _HERE / "exchange_info.json"
#: Orders (``order.place`` params, one JSON object a line) to check against it.
EXAMPLE_ORDERS = _HERE / "orders.jsonl"
#: Default context for them (open-order counts, position), as ``rules check --context`` takes it.
EXAMPLE_CONTEXT = _HERE / "context.json"
