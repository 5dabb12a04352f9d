"""Slices and batches judged in threads, their verdicts in order.

For :mod:`rules.batch.engine`: ``check_table(..., threads=n)`` judges ``n`` slices
at once and ``check_batches`` ``n`` batches, each a job done in a thread of a pool
(numpy and Arrow work without Python's lock; the glue between them holds it, so
threads pay on cores with nothing else to do, and wait for each other on busy ones).

May import: pyarrow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Final, TypeVar

import pyarrow as pa

__all__ = ["MOST_THREADS", "in_order"]

#: The most threads judging slices (or batches) at once for ``threads=None``.
MOST_THREADS: Final = 4

T = TypeVar("T")


def in_order(
    jobs: Iterator[Callable[[], T]], threads: int | None, first_alone: bool = False
) -> Iterator[T]:
    """The results of ``jobs``, in order, ``threads`` of them worked on at once (one:
    here, one after the other; ``None``: Arrow's CPU count, at most
    :data:`MOST_THREADS`); ``first_alone``: the first done before the others start
    (a snapshot's first table: the classes it finds judged once, not by every thread)."""
    most = min(pa.cpu_count(), MOST_THREADS) if threads is None else threads
    if most > 1 and first_alone:
        first = next(jobs, None)
        if first is None:
            return
        yield first()
    if most <= 1:
        for job in jobs:
            yield job()
        return
    running: deque[Future[T]] = deque()
    with ThreadPoolExecutor(most, thread_name_prefix="rules-batch") as pool:
        try:
            for job in jobs:
                running.append(pool.submit(job))
                if len(running) >= most:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
        finally:
            for future in running:  # an error, or the caller stopped: no more work
                future.cancel()
