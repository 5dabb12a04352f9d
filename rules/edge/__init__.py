"""The edge: everything that does I/O.

Owns: the Binance WebSocket API protocol, pure frames in and out
(:mod:`~rules.edge.protocol`), the client over ``websocket-client``
(:mod:`~rules.edge.ws`, which imports ``websocket`` only when used), and the
directory of snapshots for backtests (:mod:`~rules.edge.cache`).

May import: :mod:`rules.model`, :mod:`rules.errors` and the standard library;
never :mod:`rules.checker`, :mod:`rules.fixer` or :mod:`rules.cli`.
"""
