"""Adapters from other libraries' order shapes to Binance ``order.place`` params.

Pure, like the core: no I/O, and none of those libraries is imported (an adapter
reads plain values). Modules here may import :mod:`rules.errors`,
:mod:`rules.model` and :mod:`rules.checker` only; nothing in the core imports them.

- :mod:`rules.interop.ccxt`: ccxt's unified ``create_order`` arguments (what
  ccxt and freqtrade users hold), so that they can check an order before sending it.
"""
