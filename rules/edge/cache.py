"""A directory of exchangeInfo snapshots, for backtests: the rules in force at any instant.

Rules this module obeys:

1. A snapshot is the ``result`` text exactly as Binance sent it (lossless), in a file
   named by its ``serverTime`` and a hash of its content:
   ``exchangeInfo-<serverTime>-<sha256[:16]>.json``.
2. Every write is atomic: the bytes go to a temporary file in the same directory, are
   flushed to disk, then renamed over the target. A crash or an error leaves either the
   old file or the new one, never a half-written file, and removes the temporary file
   (a hard crash may leave one behind; its name starts with ``.`` and ends in ``.tmp``,
   and listings ignore it). The next write cleans such leftovers up: a temporary file
   whose writer (the process id in its name) is gone and that has not changed for
   :data:`STALE_AFTER` seconds, or that has not changed for :data:`ABANDONED_AFTER`.
3. Two processes may save at once: each writes its own temporary file, and two snapshots
   with the same name have the same content, so the rename is harmless either way.
4. "The snapshot in force at time T" is the latest one whose ``serverTime`` is ``<= T``.
   Several snapshots may share a ``serverTime`` (a filtered fetch and a full one, in the
   same millisecond): the one with the most symbols is in force, since it holds what the
   others hold; among equal counts, the one whose file name sorts last (stable, though
   arbitrary). :meth:`SnapshotCache.latest` follows the same rule.
5. What is saved loads: :meth:`SnapshotCache.save` validates with :func:`rules.model.load.loads`,
   the loader :meth:`Snapshot.load` uses, and writes nothing it would reject.
6. Lookups are O(log n): the listing is sorted once and kept while the directory's
   modification time says nothing was added or removed (a directory changed less
   than :data:`SETTLE_NS` before it was listed is listed again on the next call, so
   that a change within one tick of a coarse file-system clock is never missed);
   :meth:`SnapshotCache.at` is a binary search. Loaded snapshots are memoised, at most
   ``max_loaded`` of them, least recently used first out; a file's name holds the
   hash of its content, so a memoised snapshot never goes stale.

No network here (see :mod:`rules.edge.ws`); the files are read back with
:func:`rules.model.load.load_path`.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from rules.errors import LoadError, SnapshotNotFoundError

if TYPE_CHECKING:
    from rules.model.models import ExchangeInfo

__all__ = [
    "ABANDONED_AFTER",
    "STALE_AFTER",
    "Snapshot",
    "SnapshotCache",
    "atomic_write",
    "remove_stale_temps",
]

_NAME: Final = re.compile(r"exchangeInfo-(\d+)-([0-9a-f]{16})\.json")
#: A temporary file: ``.<target>.<pid>-<random>.tmp`` (older ones: ``.<target>.<random>.tmp``).
_TEMP: Final = re.compile(r"\.(.+)\.(?:(\d+)-)?[0-9a-f]{12}\.tmp")

#: Seconds without change after which a temporary file of a dead writer is removed.
STALE_AFTER: Final = 10.0
#: Seconds without change after which any temporary file is removed (another host's).
ABANDONED_AFTER: Final = 3600.0


def remove_stale_temps(directory: str | os.PathLike[str], target: str | None = None) -> int:
    """Remove the leftover temporary files of writes that died; how many were removed.

    Only files named as :func:`atomic_write` names them (of ``target``, when given)
    are considered, and only stale ones: the writer whose process id the name holds
    is not running on this machine and the file has not changed for
    :data:`STALE_AFTER` seconds, or the file has not changed for
    :data:`ABANDONED_AFTER` seconds. A write in progress is never touched.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    now = time.time()
    removed = 0
    for name in names:
        match = _TEMP.fullmatch(name)
        if match is None or (target is not None and match[1] != target):
            continue
        path = Path(directory) / name
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue  # already gone
        dead = match[2] is not None and not _running(int(match[2]))
        if (dead and age > STALE_AFTER) or age > ABANDONED_AFTER:
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # not ours to signal (EPERM), or not a pid: assume alive
    return True


#: What the cache looks for, for people (in its not-found errors).
NAME_FORMAT: Final = "exchangeInfo-<serverTime>-<16 hex digits of sha256>.json"
#: A listing of a directory last changed less than this long before (2 s, the coarsest
#: common file-system clock) is not trusted: the next lookup lists it again.
SETTLE_NS: Final = 2_000_000_000
#: How many loaded snapshots a cache keeps by default (``max_loaded``).
DEFAULT_MAX_LOADED: Final = 32


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically: all of it, or nothing and the old file intact.

    The temporary file is created in the target's directory (so the rename stays on one
    file system) with the permissions a new file would get, or those of the file it
    replaces; it is flushed and fsynced before the rename, and removed on any failure
    (``KeyboardInterrupt`` included). Leftovers of this target's earlier writes that
    died (``kill -9``, a power cut) are removed first (:func:`remove_stale_temps`).

    Raises:
        OSError: the directory does not exist or is not writable, the disk is full, ...
        UnicodeEncodeError: ``data`` is a ``str`` that is not encodable as UTF-8
            (nothing is written).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    directory = target.parent
    remove_stale_temps(directory, target.name)
    temp, fd = _create_temp(directory, target.name)
    try:
        if hasattr(os, "fchmod"):  # keep the mode of the file replaced
            with contextlib.suppress(OSError):
                os.fchmod(fd, os.stat(target).st_mode & 0o7777)
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def _create_temp(directory: Path, name: str) -> tuple[Path, int]:
    while True:
        temp = directory / f".{name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"
        try:
            # 0o666 minus the umask: the mode any new file would get.
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def _fsync_directory(directory: Path) -> None:
    # Make the rename itself durable; not possible (nor needed) everywhere.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _to_ms(when: int | datetime) -> int:
    if isinstance(when, datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, not {when!r}")
        return int(when.timestamp() * 1000)
    if isinstance(when, bool) or not isinstance(when, int):
        raise TypeError(f"expected milliseconds since the epoch or a datetime, not {when!r}")
    return when


@attrs.frozen(order=True)
class Snapshot:
    """One saved snapshot: its ``serverTime`` (ms) and its file. Sorted by time."""

    server_time: int
    path: Path = attrs.field(order=lambda p: p.name)

    def read_text(self) -> str:
        """The ``result`` text, exactly as fetched.

        Raises:
            OSError: the file cannot be read.
        """
        return self.path.read_text(encoding="utf-8")

    def load(self) -> ExchangeInfo:
        """The rule objects of this snapshot.

        Raises:
            LoadError: the file cannot be read or is not a loadable exchangeInfo.
        """
        from rules.model.load import load_path  # the loader is only needed when loading

        return load_path(self.path)


class _Listing:
    """One sorted listing of the directory and what was derived from it."""

    __slots__ = ("in_force", "settled", "snapshots", "stamp", "times")

    def __init__(
        self, stamp: tuple[int, int, int] | None, snapshots: list[Snapshot], settled: bool
    ):
        self.stamp = stamp
        self.snapshots = snapshots
        self.times = [s.server_time for s in snapshots]
        self.settled = settled
        #: serverTime -> the snapshot in force from then on (ties decided once, rule 4).
        self.in_force: dict[int, Snapshot] = {}


_EMPTY: Final = _Listing(None, [], settled=False)


class _Memo:
    """A cache's mutable memo: the last listing and the loaded snapshots (not pickled)."""

    def __init__(self) -> None:
        self.listing = _EMPTY
        self.loaded: OrderedDict[Path, ExchangeInfo] = OrderedDict()
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        # A copy starts afresh (a state that is not empty, so that __setstate__ runs).
        return {"fresh": True}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]


def _check_max_loaded(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"max_loaded: expected a non-negative integer, got {value!r}")


@attrs.frozen
class SnapshotCache:
    """A directory of snapshots, created on the first :meth:`save`.

    Lookups (:meth:`at`, :meth:`latest`) are binary searches over a listing kept
    while the directory is unchanged; :meth:`load_at`, :meth:`load_latest` and
    :meth:`load` keep the last ``max_loaded`` loaded snapshots (rule 6). A cache
    pickles as its directory and ``max_loaded`` only.

    Example (needs the network, so not a doctest)::

        cache = SnapshotCache("snapshots")
        with Client() as client:
            cache.save(client.exchange_info().result_text)
        info = cache.load_at(datetime(2023, 8, 1, tzinfo=UTC))
    """

    directory: Path = attrs.field(converter=Path)
    max_loaded: int = attrs.field(
        default=DEFAULT_MAX_LOADED, kw_only=True, validator=_check_max_loaded
    )
    _memo: _Memo = attrs.field(init=False, factory=_Memo, eq=False, repr=False)

    def save(self, result: str | bytes | Mapping[str, Any]) -> Snapshot:
        """Save an exchangeInfo ``result`` (text as received, or a parsed mapping).

        Text is stored byte for byte; a mapping is stored as compact JSON. Saving the
        same snapshot again changes nothing. The input is checked with the loader
        (:func:`rules.model.load.loads`) first, so every saved snapshot loads.

        Returns:
            The saved snapshot.

        Raises:
            LoadError: the input is not a JSON object with an integer ``serverTime``
                and a ``symbols`` list, or is not a loadable exchangeInfo (nothing is
                written).
            OSError: the directory cannot be created or written.
        """
        if isinstance(result, Mapping):
            payload = _dump(result)
        else:
            payload = result.encode("utf-8") if isinstance(result, str) else bytes(result)
        server_time = _validate(payload)
        digest = hashlib.sha256(payload).hexdigest()[:16]
        path = self.directory / f"exchangeInfo-{server_time}-{digest}.json"
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(self.directory)  # of any snapshot, not only this one
            atomic_write(path, payload)
        return Snapshot(server_time, path)

    def snapshots(self) -> list[Snapshot]:
        """Every snapshot, oldest first (an absent directory holds none).

        Raises:
            OSError: the directory cannot be listed.
        """
        return list(self._listing().snapshots)

    def in_force(self) -> list[Snapshot]:
        """The timeline: for each distinct ``serverTime``, oldest first, the snapshot in
        force from then on (of several with that time, the one :meth:`at` picks).

        The snapshot in force at T is the last of these whose ``server_time <= T``:
        a batch of timestamps can be looked up at once (``numpy.searchsorted``).

        Raises:
            OSError: the directory cannot be listed.
        """
        listing = self._listing()
        return [self._in_force_at(listing, t) for t in sorted(set(listing.times))]

    def latest(self) -> Snapshot:
        """The most recent snapshot (of several with that ``serverTime``, the one with
        the most symbols, as :meth:`at`).

        Raises:
            SnapshotNotFoundError: the cache is empty.
        """
        listing = self._listing()
        if not listing.times:
            raise SnapshotNotFoundError(self._nothing_here())
        return self._in_force_at(listing, listing.times[-1])

    def at(self, when: int | datetime) -> Snapshot:
        """The snapshot in force at ``when``: the latest whose ``serverTime <= when``.

        When several share that ``serverTime`` (a filtered and a full fetch), the one
        with the most symbols is in force; among equal counts, the one whose file name
        sorts last. A file that cannot be read or parsed counts as none. A binary
        search (rule 6).

        Args:
            when: milliseconds since the epoch (UTC), or a timezone-aware datetime.

        Raises:
            SnapshotNotFoundError: the cache is empty, or every snapshot is later than
                ``when``.
            ValueError: ``when`` is a naive datetime.
            TypeError: ``when`` is neither an int nor a datetime.
        """
        ms = _to_ms(when)
        listing = self._listing()
        times = listing.times
        index = bisect.bisect_right(times, ms)
        if not index:
            if not times:
                raise SnapshotNotFoundError(self._nothing_here())
            raise SnapshotNotFoundError(
                f"no snapshot in {str(self.directory)!r} at or before serverTime {ms}"
            )
        return self._in_force_at(listing, times[index - 1])

    def load(self, snapshot: Snapshot) -> ExchangeInfo:
        """The rule objects of ``snapshot``, memoised (the last ``max_loaded``, rule 6).

        Raises:
            LoadError: the file cannot be read or is not a loadable exchangeInfo.
        """
        memo = self._memo
        with memo.lock:
            info = memo.loaded.get(snapshot.path)
            if info is not None:
                memo.loaded.move_to_end(snapshot.path)
                return info
        info = snapshot.load()
        if self.max_loaded:
            with memo.lock:
                memo.loaded[snapshot.path] = info
                while len(memo.loaded) > self.max_loaded:
                    memo.loaded.popitem(last=False)
        return info

    def load_latest(self) -> ExchangeInfo:
        """The rule objects of :meth:`latest` (memoised, as :meth:`load`).

        Raises:
            SnapshotNotFoundError: the cache is empty.
            LoadError: the file is not a loadable exchangeInfo.
        """
        return self.load(self.latest())

    def load_at(self, when: int | datetime) -> ExchangeInfo:
        """The rule objects of :meth:`at` (memoised, as :meth:`load`).

        Raises:
            SnapshotNotFoundError: every snapshot is later than ``when``.
            LoadError: the file is not a loadable exchangeInfo.
            ValueError: ``when`` is a naive datetime.
        """
        return self.load(self.at(when))

    # ----------------------------------------------------------------------- the listing

    def _listing(self) -> _Listing:
        """The sorted listing, listed again only when the directory may have changed."""
        memo = self._memo
        current = memo.listing
        try:
            stat = os.stat(self.directory)
        except FileNotFoundError:
            memo.listing = _EMPTY
            return _EMPTY
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_dev)
        if current.settled and current.stamp == stamp:
            return current
        listed_at = time.time_ns()
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return _EMPTY
        found = []
        for name in names:
            match = _NAME.fullmatch(name)
            if match:
                found.append(Snapshot(int(match[1]), self.directory / name))
        found.sort()
        listing = _Listing(stamp, found, settled=listed_at - stat.st_mtime_ns > SETTLE_NS)
        memo.listing = listing
        return listing

    def _in_force_at(self, listing: _Listing, server_time: int) -> Snapshot:
        snapshot = listing.in_force.get(server_time)
        if snapshot is None:
            times = listing.times
            first = bisect.bisect_left(times, server_time)
            last = bisect.bisect_right(times, server_time)
            snapshot = _in_force(listing.snapshots[first:last])
            listing.in_force[server_time] = snapshot
        return snapshot

    def _nothing_here(self) -> str:
        """The not-found message of a cache without snapshots: what it looks for."""
        where = str(self.directory)
        message = (
            f"no snapshot in {where!r}: the cache looks for files named {NAME_FORMAT}, "
            f"as SnapshotCache.save and 'rules fetch --cache DIR' write them"
        )
        try:
            others = sorted(
                n for n in os.listdir(self.directory) if n.endswith(".json") and n[0] != "."
            )
        except OSError:
            return message + " (the directory does not exist)"
        if others:
            more = f" and {len(others) - 1} more" if len(others) > 1 else ""
            message += (
                f"; {others[0]!r}{more} in it are not named so: add a file to the cache "
                f"with SnapshotCache({where!r}).save(Path(file).read_bytes())"
            )
        return message


def _in_force(snapshots: list[Snapshot]) -> Snapshot:
    """Of snapshots sorted oldest first, the last; of a tie in ``serverTime``, the fullest."""
    last = snapshots[-1].server_time
    tied = [s for s in snapshots if s.server_time == last]
    if len(tied) == 1:
        return tied[0]
    # max keeps the first of equal keys; reversed, that is the name that sorts last.
    return max(reversed(tied), key=_symbol_count)


def _symbol_count(snapshot: Snapshot) -> int:
    from rules.model.load import parse_json

    try:
        obj = parse_json(snapshot.path.read_bytes(), source=str(snapshot.path))
    except (OSError, LoadError):
        return -1
    symbols = obj.get("symbols") if isinstance(obj, dict) else None
    return len(symbols) if isinstance(symbols, list) else -1


def _dump(result: Mapping[str, Any]) -> bytes:
    def thaw(value: object) -> object:  # a read-only mapping (FrozenJson) is an object too
        if isinstance(value, Mapping):
            return dict(value)
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    try:
        text = json.dumps(
            result, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=thaw
        )
    except (TypeError, ValueError, RecursionError) as error:
        raise LoadError([f"$: not JSON: {error}"]) from None
    return text.encode("utf-8")


def _validate(payload: bytes) -> int:
    """The ``serverTime`` of a result the loader accepts, parsed as the loader parses it.

    Raises:
        LoadError: anything else.
    """
    from rules.model.load import loads, parse_json  # the one JSON parser of the library

    obj = parse_json(payload)
    if not isinstance(obj, dict):
        raise LoadError([f"$: expected an exchangeInfo object, got {type(obj).__name__}"])
    server_time = obj.get("serverTime")
    if type(server_time) is not int or server_time < 0:
        raise LoadError(
            [
                f"$.serverTime: expected a non-negative integer (names the snapshot), "
                f"got {server_time!r}"
            ]
        )
    if not isinstance(obj.get("symbols"), list):
        raise LoadError(["$.symbols: expected a list of symbols"])
    loads(obj)  # raises LoadError as Snapshot.load would
    return server_time
