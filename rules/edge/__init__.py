"""The edge: everything that does I/O.

Owns: the Binance WebSocket API protocol, pure frames in and out
(:mod:`~rules.edge.protocol`), the client over ``websocket-client``
(:mod:`~rules.edge.ws`, which imports ``websocket`` only when used), the socket
under it with one deadline per request and bounded reads
(:mod:`~rules.edge.transport`), the directory of snapshots for backtests
(:mod:`~rules.edge.cache`), and the live session that keeps the rules and market
prices current (:mod:`~rules.edge.live`, loaded by ``rules.Session`` on first
use), with its parts:

- :mod:`~rules.edge.worker`: the session's background thread, the one owner of the
  connection;
- :mod:`~rules.edge.pacing`: backoff, ``retryAfter`` and the weight budget (pure);
- :mod:`~rules.edge.prices`: the ``avgPrice``, ``referencePrice`` and ``ticker.price``
  results (pure);
- :mod:`~rules.edge.record`: one cache file per change of the rules.

May import: :mod:`rules.model`, :mod:`rules.errors` and the standard library;
never :mod:`rules.checker`, :mod:`rules.fixer` or :mod:`rules.cli` (the session's
prices become a context through :meth:`rules.Context.from_prices`, on the checker's side).
"""
