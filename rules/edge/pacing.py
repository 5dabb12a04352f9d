"""When the live session may send its next request: backoff, ``retryAfter``, a weight budget.

Pure bookkeeping: every method takes the current time as an argument (wall-clock
seconds since the epoch, as :func:`time.time` gives), so the rules can be tested
without waiting. :mod:`rules.edge.live` asks :meth:`Pacer.wait` before each request and
reports what happened afterwards.

The three gates, all of which must be open:

1. **Backoff** after a fault (a refused or closed connection, a timeout, a malformed
   frame): jittered exponential, ``initial * 2**n`` capped at ``maximum``, each delay
   drawn uniformly from its upper half; reset by the next success.
2. **``retryAfter``**: after a 429 or a 418 (``web-socket-api.md``, "IP limits") nothing
   is sent before the instant Binance named, connecting included. Without a
   ``retryAfter`` the backoff decides.
3. **Weight budget**: Binance counts request weight per IP in fixed windows and reports
   the count after each request (``rateLimits``, ``REQUEST_WEIGHT``). The session keeps
   that count at or under its budget (and under Binance's own limit) in every window
   reported: a request whose weight would pass it waits for the next window. Between
   reports the count is estimated from the documented weights of what was sent,
   connecting included (2). Windows are aligned on the epoch in the local clock; a
   window is taken as over :data:`WINDOW_SLACK` seconds after its end, to allow for a
   small clock offset.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Final

import attrs

from rules.edge.protocol import RateLimitStatus
from rules.errors import RateLimitedError

__all__ = ["CONNECT_WEIGHT", "WEIGHTS", "WINDOW_SLACK", "Backoff", "Pacer", "WeightBudget"]

#: The weight of each request the session sends (``web-socket-api.md``, each method's
#: "Weight"; ``ticker.price`` with one ``symbol``).
WEIGHTS: Final = {
    "ping": 1,
    "time": 1,
    "exchangeInfo": 20,
    "avgPrice": 2,
    "referencePrice": 2,
    "ticker.price": 2,
}
#: "Connecting to WebSocket API costs 2 weight." (``web-socket-api.md``, "IP limits")
CONNECT_WEIGHT: Final = 2
#: Seconds past a window's end before its count is taken as reset.
WINDOW_SLACK: Final = 0.25

_UNIT_SECONDS: Final = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86_400}
# Before Binance has reported anything: its documented window (1 minute, 6000).
_DEFAULT_WINDOW: Final = ("MINUTE", 1)
_DEFAULT_LIMIT: Final = 6000


@attrs.define
class Backoff:
    """Jittered exponential backoff: ``initial * 2**n`` capped at ``maximum``.

    Each delay is drawn from ``[d/2, d]`` (half of it fixed, half jitter), so many
    clients that failed together do not come back together, and a delay is never
    much shorter than planned.

    >>> b = Backoff(1.0, 8.0, random.Random(0))
    >>> [round(b.next_delay(), 2) for _ in range(5)]
    [0.92, 1.76, 2.84, 5.04, 6.05]
    >>> b.reset(); b.failures
    0
    """

    initial: float
    maximum: float
    rng: random.Random = attrs.field(factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; counts one more failure."""
        ceiling = min(self.maximum, self.initial * 2 ** min(self.failures, 60))
        self.failures += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """A success: the next failure starts from ``initial`` again."""
        self.failures = 0


@attrs.define
class _Window:
    seconds: float
    limit: int
    start: float
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.start + self.seconds + WINDOW_SLACK:
            self.start = math.floor(now / self.seconds) * self.seconds
            self.used = 0


class WeightBudget:
    """Request weight per window, kept at or under ``budget`` and Binance's limit.

    >>> w = WeightBudget(100)
    >>> w.delay(20, now=0.0)
    0.0
    >>> w.sent(90, now=0.0)
    >>> w.delay(20, now=1.0)  # 110 > 100: wait for the next minute (and the slack)
    59.25
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._windows: dict[tuple[str, int], _Window] = {
            _DEFAULT_WINDOW: _Window(60.0, _DEFAULT_LIMIT, 0.0)
        }
        self._assumed = True  # until Binance reports its windows
        #: The highest count Binance reported.
        self.highest_reported = 0

    def _cap(self, window: _Window) -> int:
        return min(self.budget, window.limit)

    def sent(self, weight: int, *, now: float) -> None:
        """Count ``weight`` just sent in every window."""
        for window in self._windows.values():
            window.roll(now)
            window.used += weight

    def observe(self, limits: Iterable[RateLimitStatus], *, now: float) -> None:
        """Take Binance's counts from a response's ``rateLimits`` (``REQUEST_WEIGHT`` only).

        The windows Binance reports replace the assumed one (1 minute).
        """
        for limit in limits:
            if limit.rate_limit_type != "REQUEST_WEIGHT":
                continue
            if self._assumed:
                self._assumed = False
                self._windows.clear()
            unit = _UNIT_SECONDS.get(limit.interval)
            if unit is None or limit.interval_num <= 0:
                continue
            seconds = float(unit * limit.interval_num)
            key = (limit.interval, limit.interval_num)
            window = self._windows.get(key)
            if window is None:
                start = math.floor(now / seconds) * seconds
                window = self._windows[key] = _Window(seconds, limit.limit, start)
            window.roll(now)
            window.limit = limit.limit
            # Binance's count holds every request of the IP, ours included.
            window.used = limit.count
            self.highest_reported = max(self.highest_reported, limit.count)

    def delay(self, weight: int, *, now: float) -> float:
        """Seconds to wait before sending ``weight`` (0: send now)."""
        wait = 0.0
        for window in self._windows.values():
            window.roll(now)
            if window.used + weight > self._cap(window):
                end = window.start + window.seconds + WINDOW_SLACK
                wait = max(wait, end - now)
        return wait


class Pacer:
    """The three gates of the module docstring, together.

    Args:
        budget: the most request weight per window (see :class:`WeightBudget`).
        backoff: the backoff after faults.
    """

    def __init__(self, budget: int, backoff: Backoff) -> None:
        self.weights = WeightBudget(budget)
        self.backoff = backoff
        #: No request before this instant (epoch seconds): ``retryAfter`` or backoff.
        self.not_before = 0.0
        #: The last ``retryAfter`` Binance gave, in epoch seconds (``None``: none yet).
        self.retry_after: float | None = None

    def wait(self, weight: int, *, now: float) -> float:
        """Seconds before a request of ``weight`` may go (0: now)."""
        return max(0.0, self.not_before - now, self.weights.delay(weight, now=now))

    def sent(self, weight: int, *, now: float) -> None:
        """A request (or a connection) of ``weight`` went out."""
        self.weights.sent(weight, now=now)

    def succeeded(self, limits: Iterable[RateLimitStatus], *, now: float) -> None:
        """Binance answered (a result or an error other than 429/418)."""
        self.backoff.reset()
        self.weights.observe(limits, now=now)

    def failed(self, *, now: float) -> float:
        """A fault: hold every request for the next backoff delay, returned."""
        delay = self.backoff.next_delay()
        self.not_before = max(self.not_before, now + delay)
        return delay

    def rate_limited(
        self, error: RateLimitedError, limits: Iterable[RateLimitStatus], *, now: float
    ) -> float:
        """A 429 or 418: hold until its ``retryAfter`` (else the backoff); the delay."""
        self.weights.observe(limits, now=now)
        if error.retry_after is not None:
            until = error.retry_after / 1000
            self.retry_after = until
        else:
            until = now + self.backoff.next_delay()
        self.not_before = max(self.not_before, until)
        return max(0.0, until - now)
