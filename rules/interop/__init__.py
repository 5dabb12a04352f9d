"""Interop: other libraries' order shapes as Binance ``order.place`` params.

Owns: the adapter from ccxt's unified orders (:mod:`~rules.interop.ccxt`: what
ccxt and freqtrade users hold), so that they can check an order before sending it.

May import: :mod:`rules.checker`, :mod:`rules.model`, :mod:`rules.errors` and the
standard library; never the libraries it adapts (an adapter reads plain values),
:mod:`rules.edge` or :mod:`rules.cli`. Nothing in the core imports it. Pure: no I/O.
"""
