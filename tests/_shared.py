"""Where the tests find ``shared/`` (reference data beside the checkout; CI has it)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXCHANGE_INFO = SHARED / "data" / "exchange_info"
VECTORS = SHARED / "vectors"
REFERENCE = SHARED / "reference" / "binance-spot-api-docs"
