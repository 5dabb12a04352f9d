"""Recording the rules a bot traded under: one snapshot file per change, nothing more.

Rules this module obeys:

1. Two snapshots hold the same rules when their loaded rules are equal: :func:`rules_key`
   hashes :func:`rules.model.load.dump` without ``serverTime``. A new ``serverTime``
   alone is not a change; neither is a different spacing or member order of the text.
2. A snapshot is written when its rules differ from the **last one written** (not from
   every one ever written): rules that change and change back are written three times,
   so :meth:`~rules.edge.cache.SnapshotCache.at` answers "the rules in force at T" right.
3. The text written is the ``result`` exactly as Binance sent it (the cache's rule).
4. The last one written survives restarts: :meth:`Recorder.seed` reads the cache's
   latest snapshot, so a restarted session does not write the same rules again.
5. A failed write (disk full) is not remembered as written: the next offer tries again.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from rules.errors import LoadError, SnapshotNotFoundError

if TYPE_CHECKING:
    from rules.edge.cache import Snapshot, SnapshotCache
    from rules.model.models import ExchangeInfo

__all__ = ["Recorder", "rules_key"]


def rules_key(info: ExchangeInfo) -> str:
    """A digest of the rules in ``info``: equal for equal rules, whatever the ``serverTime``.

    >>> from rules.model.load import loads
    >>> a = loads('{"serverTime": 1, "symbols": []}')
    >>> b = loads('{"symbols": [], "serverTime": 2}')
    >>> rules_key(a) == rules_key(b)
    True
    >>> rules_key(a) == rules_key(loads('{"serverTime": 1, "symbols": [], "timezone": "UTC"}'))
    False
    """
    from rules.model.load import dump

    value: Any = dump(info)
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "serverTime"}
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Recorder:
    """Writes a snapshot to ``cache`` whenever the rules differ from the last one written."""

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache
        #: :func:`rules_key` of the last snapshot written (or found by :meth:`seed`).
        self.last_key: str | None = None
        #: How many snapshots this recorder wrote.
        self.written = 0

    def seed(self) -> ExchangeInfo | None:
        """Take the cache's latest snapshot as the last one written; return its rules.

        ``None`` (and nothing remembered) when the cache is empty or its latest file
        does not load.

        Raises:
            OSError: the directory cannot be listed.
        """
        try:
            info = self.cache.load_latest()
        except (SnapshotNotFoundError, LoadError):
            return None
        self.last_key = rules_key(info)
        return info

    def offer(self, text: str, info: ExchangeInfo, *, key: str | None = None) -> Snapshot | None:
        """Write ``text`` (whose rules are ``info``) if they differ from the last written.

        Args:
            text: the ``result`` as received.
            info: its loaded rules.
            key: :func:`rules_key` of ``info``, when already computed.

        Returns:
            The snapshot written, or ``None`` when the rules are the same.

        Raises:
            OSError: the cache cannot be written (nothing is remembered).
            LoadError: the text is not a snapshot the cache accepts (no ``serverTime``).
        """
        key = key or rules_key(info)
        if key == self.last_key:
            return None
        snapshot = self.cache.save(text)
        self.last_key = key
        self.written += 1
        return snapshot
