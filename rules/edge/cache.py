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

No network here (see :mod:`rules.edge.ws`); the files are read back with
:func:`rules.model.load.load_path`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import time
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


@attrs.frozen
class SnapshotCache:
    """A directory of snapshots, created on the first :meth:`save`.

    Example (needs the network, so not a doctest)::

        cache = SnapshotCache("snapshots")
        with Client() as client:
            cache.save(client.exchange_info().result_text)
        info = cache.load_at(datetime(2023, 8, 1, tzinfo=UTC))
    """

    directory: Path = attrs.field(converter=Path)

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
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        found = []
        for name in names:
            match = _NAME.fullmatch(name)
            if match:
                found.append(Snapshot(int(match[1]), self.directory / name))
        return sorted(found)

    def latest(self) -> Snapshot:
        """The most recent snapshot (of several with that ``serverTime``, the one with
        the most symbols, as :meth:`at`).

        Raises:
            SnapshotNotFoundError: the cache is empty.
        """
        snapshots = self.snapshots()
        if not snapshots:
            raise SnapshotNotFoundError(f"no snapshot in {str(self.directory)!r}")
        return _in_force(snapshots)

    def at(self, when: int | datetime) -> Snapshot:
        """The snapshot in force at ``when``: the latest whose ``serverTime <= when``.

        When several share that ``serverTime`` (a filtered and a full fetch), the one
        with the most symbols is in force; among equal counts, the one whose file name
        sorts last. A file that cannot be read or parsed counts as none.

        Args:
            when: milliseconds since the epoch (UTC), or a timezone-aware datetime.

        Raises:
            SnapshotNotFoundError: every snapshot is later than ``when``.
            ValueError: ``when`` is a naive datetime.
            TypeError: ``when`` is neither an int nor a datetime.
        """
        ms = _to_ms(when)
        before = [s for s in self.snapshots() if s.server_time <= ms]
        if not before:
            raise SnapshotNotFoundError(
                f"no snapshot in {str(self.directory)!r} at or before serverTime {ms}"
            )
        return _in_force(before)

    def load_latest(self) -> ExchangeInfo:
        """The rule objects of :meth:`latest`.

        Raises:
            SnapshotNotFoundError: the cache is empty.
            LoadError: the file is not a loadable exchangeInfo.
        """
        return self.latest().load()

    def load_at(self, when: int | datetime) -> ExchangeInfo:
        """The rule objects of :meth:`at`.

        Raises:
            SnapshotNotFoundError: every snapshot is later than ``when``.
            LoadError: the file is not a loadable exchangeInfo.
            ValueError: ``when`` is a naive datetime.
        """
        return self.at(when).load()


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
