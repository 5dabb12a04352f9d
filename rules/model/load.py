"""Loading ``exchangeInfo``: JSON text, bytes, a parsed mapping or a file in; rule objects out.

Pure: no network, and no file access except :func:`load_path`. It accepts

- the REST body, which is also the WebSocket ``result`` object;
- a whole WebSocket response ``{"id", "status", "result", "rateLimits"}``;
- a snapshot keyed by symbol (``{"BTCUSDT": {...}, ...}``), as some tools cache it.

An error envelope (``{"status": 400, "error": {"code", "msg"}}``) raises
:class:`~rules.errors.ApiError` with Binance's code and message; anything else
that is not an exchangeInfo raises one :class:`~rules.errors.LoadError` listing
every problem with its JSON path. :func:`dump` gives back JSON equal to the input.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, repeat
from typing import Any

from rules.errors import ApiError, LoadError, UnknownSymbolError
from rules.model import builders
from rules.model.models import ExchangeInfo, SymbolInfo
from rules.model.numbers import MAX_TIMESTAMP_MS, describe

__all__ = ["MAX_FILE_SIZE", "dump", "dumps", "load_path", "loads", "parse_json"]

Source = str | bytes | bytearray | Mapping[str, Any]


def parse_json(data: str | bytes | bytearray, *, source: str | None = None) -> Any:
    """Parse JSON text as Binance sends it.

    Raises:
        LoadError: empty, truncated or otherwise not JSON, or an object holds a key twice.
    """
    text = _text(data, source)
    return _checked(_parsed(text, source), text, source)


def _text(data: str | bytes | bytearray, source: str | None) -> str:
    """``data`` as text, refused when it is not UTF-8 or empty."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")  # a byte-order mark some editors add
        except UnicodeDecodeError as error:
            raise LoadError(
                [f"$: not UTF-8 text ({error.reason} at byte {error.start})"], source=source
            ) from None
    data = data.removeprefix("\ufeff")
    if not data or data.isspace():  # (not strip(): a copy of the whole text)
        raise LoadError(["$: empty input, expected an exchangeInfo JSON object"], source=source)
    return data


def _parsed(text: str, source: str | None) -> Any:
    """``json.loads`` of ``text``, its repeated keys not checked yet (:func:`_checked`)."""
    with _json_errors(source):
        return json.loads(text)


def _checked(obj: Any, text: str, source: str | None, keys: int | None = None) -> Any:
    """``obj``, parsed from ``text``, when no object of ``text`` holds a key twice
    (then perhaps parsed again); ``keys``: some of its keys counted already, never
    more than it holds (:func:`_usual_keys`'s count otherwise).

    Raises:
        LoadError: naming the key held twice.
    """
    with _json_errors(source):
        colons = text.count(":")
        if (keys is None or colons != keys) and colons != _usual_keys(obj):
            # Maybe a key repeated: parsed again, each object's keys compared.
            obj = json.loads(text, object_pairs_hook=_object)
    return obj


@contextlib.contextmanager
def _json_errors(source: str | None) -> Iterator[None]:
    """What parsing raises, as one :class:`LoadError`."""
    try:
        yield
    except _DuplicateKey as error:
        raise LoadError(
            [f"$: an object holds the key {error.key!r} twice (the first would be hidden)"],
            source=source,
        ) from None
    except json.JSONDecodeError as error:
        raise LoadError(
            [f"$: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"],
            source=source,
        ) from None
    except RecursionError:
        raise LoadError(["$: not valid JSON: nested too deeply"], source=source) from None
    except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
        raise LoadError([f"$: not valid JSON: {error}"], source=source) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key[:60]


def _usual_keys(obj: Any, depth: int = 2) -> int:
    """The keys held by the objects at the usual places of an exchangeInfo: the top
    level, the objects in its lists (``rateLimits``, ``exchangeFilters``,
    ``symbols``) and their ``filters``, and the same in the objects it holds (a
    wrapper's ``result``, a snapshot keyed by symbol), ``depth`` levels down.

    Never more than the keys of all the parsed objects. Every key written in the
    text is followed by one ``:`` outside any string, so the text holds at least
    as many ``:`` as keys, and at least as many keys as the parsed objects (json
    keeps the last of repeated keys). When the ``:`` count equals this count, no
    key is repeated anywhere: the case of every real snapshot, checked at C speed
    but for a loop over the symbols (the hook of :func:`_object` on every object
    cost about a seventh of a full load). Any other case is parsed again with the
    hook, which finds the repeated key if there is one. (:func:`loads` of a whole
    snapshot counts the symbols' keys while it builds them, :func:`_counted`, and
    needs this pass only when that count misses.)
    """
    if type(obj) is not dict:
        return 0
    count = len(obj)
    for value in obj.values():
        if type(value) is dict:
            if depth:
                count += _usual_keys(value, depth - 1)
        elif type(value) is list:
            count += _list_keys(value)
    return count


_NONE = frozenset({type(None)})


def _list_keys(items: list[Any]) -> int:
    """The keys of the objects in ``items`` and in their ``filters``; for a list of
    objects that all have ``filters`` objects, or none, counted by C loops (a
    Python loop over the symbols was about 6% of ``json.loads``): ``dict.__len__``
    refuses anything but an object."""
    objects: Callable[[Any], int] = dict.__len__
    arrays: Callable[[Any], Iterator[Any]] = list.__iter__
    with contextlib.suppress(TypeError):
        total = sum(map(objects, items))
        inner = [*map(dict.get, items, repeat("filters"))]
        if _NONE.issuperset(map(type, inner)):
            return total
        return total + sum(map(objects, chain.from_iterable(map(arrays, inner))))
    count = 0
    for item in items:
        if type(item) is dict:
            count += len(item)
            filters = item.get("filters")
            if type(filters) is list:
                count += sum(len(f) for f in filters if type(f) is dict)
    return count


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of repeated keys silently: {"symbols": [A], "symbols": []}
    # would load no symbol. Refused instead (about 7% of a full load).
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _unwrap(obj: Any, source: str | None) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise LoadError([f"$: expected an exchangeInfo object, got {describe(obj)}"], source=source)
    if "symbols" in obj:
        return obj
    if type(obj.get("code")) is int and "msg" in obj:
        # The REST error body: {"code": -1121, "msg": "Invalid symbol."}.
        raise ApiError(obj["code"], str(obj["msg"]))
    if "error" in obj:
        error = obj["error"]
        if isinstance(error, Mapping) and type(error.get("code")) is int:
            status = obj.get("status")
            raise ApiError(
                error["code"],
                str(error.get("msg", "")),
                status=status if type(status) is int else None,
            )
        raise LoadError([f"$.error: malformed error envelope: {describe(error)}"], source=source)
    if "result" in obj:
        result = obj["result"]
        if isinstance(result, Mapping) and "symbols" in result:
            return result
        if not isinstance(result, Mapping):
            raise LoadError(
                [f"$.result: expected an exchangeInfo object, got {describe(result)}"],
                source=source,
            )
        raise LoadError(["$.result.symbols: required field missing"], source=source)
    return obj


def _is_keyed(obj: Mapping[str, Any]) -> bool:
    # {"BTCUSDT": {"symbol": ..., ...}, ...}: every value a symbol object.
    return bool(obj) and all(isinstance(v, Mapping) and "symbol" in v for v in obj.values())


def _structure(obj: Mapping[str, Any], source: str | None, json_only: bool = False) -> ExchangeInfo:
    with _no_cyclic_gc():
        keyed = "symbols" not in obj and _is_keyed(obj)
        info = _build(obj, keyed, json_only)
        if info is None:
            _no_repeated_symbol(obj, None, source)
            info = _convert(obj, keyed, source)
            return _checked_info(info, None, source)
        return _checked_info(info, obj, source)


def _checked_info(
    info: ExchangeInfo, built_from: Mapping[str, Any] | None, source: str | None
) -> ExchangeInfo:
    """``info`` when its symbols' names differ (else a :class:`LoadError` naming both
    positions in ``built_from``, when given: the converter checked them) and its
    ``serverTime`` is in range."""
    if built_from is not None and len({s.symbol for s in info.symbols}) != len(info.symbols):
        _no_repeated_symbol(built_from, None, source)  # raises, naming both positions
    if info.server_time is not None and info.server_time > MAX_TIMESTAMP_MS:
        raise LoadError(
            [
                f"$.serverTime: out of range, after the year 9999 "
                f"(at most {MAX_TIMESTAMP_MS}), got {info.server_time}"
            ],
            source=source,
        )
    return info


def _build(obj: Mapping[str, Any], keyed: bool, json_only: bool) -> ExchangeInfo | None:
    """The fast constructors' :class:`ExchangeInfo` (:mod:`rules.model.builders`), or
    ``None`` when the input needs the converter: any problem, or an unusual shape.
    ``json_only``: ``obj`` is what :func:`parse_json` made (builders' rule 4)."""
    try:
        if not keyed:
            return builders.build_info(obj, json_only=json_only)
        symbols = tuple(
            [builders.build_symbol(value, json_only=json_only) for value in obj.values()]
        )
        if any(s.symbol != key for key, s in zip(obj, symbols, strict=True)):
            return None
        return ExchangeInfo(symbols, keyed_by_symbol=True)
    except Exception:  # Fallback, KeyError, TypeError, ...: the converter says what is wrong
        return None
    finally:
        # Equal decimals and filters are shared within one load only: the caches'
        # keys hold strings of the input, which must not outlive it. (Before the
        # collector runs again: it need not walk them.)
        builders.clear_caches()


def _convert(obj: Mapping[str, Any], keyed: bool, source: str | None) -> ExchangeInfo:
    """The converter's :class:`ExchangeInfo`, or one :class:`LoadError` listing every
    problem with its path (imported here: a good snapshot never needs cattrs)."""
    from rules.model import converter

    try:
        if keyed:
            return _structure_keyed(obj, source)
        return converter.structure(obj, ExchangeInfo)
    except LoadError:
        raise
    except Exception as error:  # Invalid, KeyError and cattrs' error groups
        raise LoadError(list(converter.problems(error)), source=source) from None
    finally:
        converter.clear_caches()


def _no_repeated_symbol(
    obj: Mapping[str, Any], wanted: frozenset[str] | None, source: str | None
) -> None:
    """A name listed twice is ambiguous (which copy's rules apply?): a load error
    naming both positions, never the first copy silently winning. With ``wanted``,
    only those names matter."""
    raw = obj.get("symbols")
    if not isinstance(raw, list):
        return  # keyed by name (no repeat possible) or malformed (the structuring says so)
    first: dict[str, int] = {}
    found: list[str] = []
    for position, entry in enumerate(raw):
        name = entry.get("symbol") if isinstance(entry, Mapping) else None
        if type(name) is not str or (wanted is not None and name not in wanted):
            continue
        seen = first.setdefault(name, position)
        if seen != position:
            found.append(
                f"$.symbols[{position}].symbol: {name!r} is listed twice, first at "
                f"$.symbols[{seen}] (ambiguous: which copy's rules apply?)"
            )
    if found:
        raise LoadError(found, source=source)


def _structure_keyed(obj: Mapping[str, Any], source: str | None) -> ExchangeInfo:
    from rules.model import converter

    symbols = []
    found: list[str] = []
    for key, value in obj.items():
        path = f"$.{key}"
        try:
            symbols.append(converter.structure(value, SymbolInfo))
        except Exception as error:
            found.extend(converter.problems(error, path))
            continue
        if value["symbol"] != key:  # the key is the name: a mismatch would be lost
            found.append(
                f"{path}.symbol: expected {key!r}, the key, got {describe(value['symbol'])}"
            )
    if found:
        raise LoadError(found, source=source)
    return ExchangeInfo(tuple(symbols), keyed_by_symbol=True)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # A full snapshot becomes ~25 000 objects on top of the ~300 000 of its
    # parsed JSON; the cyclic collector would walk them several times, though
    # nothing here can form a cycle (the parsed JSON, frozen objects, tuples,
    # Decimals). It is paused while the JSON is parsed, the objects built and
    # the JSON freed; its state is restored after, and reference counting frees
    # memory as usual meanwhile. (Nested uses leave it to the outermost.)
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def loads(
    data: Source, *, symbols: Iterable[str] | None = None, source: str | None = None
) -> ExchangeInfo:
    """Load an exchangeInfo from JSON text, bytes or an already parsed mapping.

    Args:
        data: the REST body / WebSocket ``result``, a whole WebSocket response,
            or a snapshot keyed by symbol.
        symbols: when given, only these symbols are turned into objects (the
            rest is skipped, which is much faster on a full snapshot).
        source: a name for the input (a file name) used in error messages.

    Raises:
        LoadError: the input is not a loadable exchangeInfo; ``problems`` lists
            every problem with its JSON path (a symbol listed twice is one:
            which copy's rules apply is ambiguous).
        ApiError: the input is a Binance error envelope.
        UnknownSymbolError: a name in ``symbols`` is not in the snapshot.

    >>> info = loads('{"serverTime": 1692000000000, "symbols": []}')
    >>> info.server_time, len(info)
    (1692000000000, 0)
    >>> loads('{"symbols": [{"symbol": 7}]}')
    Traceback (most recent call last):
    ...
    rules.errors.LoadError: cannot load exchangeInfo: 4 problems
      $.symbols[0].symbol: expected a string, got integer 7
      $.symbols[0].baseAsset: required field missing
      $.symbols[0].quoteAsset: required field missing
      $.symbols[0].filters: required field missing
    """
    with _no_cyclic_gc():
        # The parsed JSON is made and freed while the collector is paused: it holds
        # no cycle, and reference counting frees it before the collector runs again
        # (so that the collector never walks it).
        # Text is parsed here: its values are json.loads's own (builders' rule 4).
        json_only = isinstance(data, str | bytes | bytearray)
        if isinstance(data, str | bytes | bytearray):
            text = _text(data, source)
            parsed = _parsed(text, source)
            if symbols is None:
                info = _counted(parsed, text, source)  # (the usual case: a whole snapshot)
                if info is not None:
                    del parsed, data  # before the collector is back
                    return info
            data = _checked(parsed, text, source)
            del parsed
        obj = _unwrap(data, source)
        del data
        wanted: frozenset[str] | None = None
        if symbols is not None:
            if isinstance(symbols, str):
                raise TypeError(f"symbols must be a collection of names, not the str {symbols!r}")
            wanted = frozenset(symbols)
        if wanted is not None:
            obj = _select(obj, wanted, source)
        info = _structure(obj, source, json_only)
        del obj  # before the collector is back
    return info


def _counted(obj: Any, text: str, source: str | None) -> ExchangeInfo | None:
    """The snapshot of a whole exchangeInfo object parsed from ``text``, its keys
    counted while it was built (:func:`rules.model.builders.build_counted`) for the
    check for a repeated key (:func:`_checked`); ``None``: anything else (another
    shape, or the fast constructors refused it), to be loaded as usual, checked first."""
    if type(obj) is not dict or "symbols" not in obj:
        return None  # (what _unwrap returns as it is: nothing to unwrap)
    try:
        counted = builders.build_counted(obj)
    except Exception:  # the converter says what is wrong, after the check
        return None
    finally:
        builders.clear_caches()
    if counted is None:
        return None
    info, keys = counted
    # The other lists' objects, as _usual_keys counts them (symbols and exchangeFilters
    # were counted while built).
    keys += len(obj)
    for key, value in obj.items():
        if type(value) is list and key != "symbols" and key != "exchangeFilters":
            keys += _list_keys(value)
    _checked(obj, text, source, keys)  # raises naming a repeated key
    return _checked_info(info, obj, source)


def _select(
    obj: Mapping[str, Any], wanted: frozenset[str], source: str | None
) -> Mapping[str, Any]:
    raw = obj.get("symbols")
    if not isinstance(raw, list):
        if "symbols" in obj or not _is_keyed(obj):
            return obj  # the structuring reports what is wrong
        picked = {k: v for k, v in obj.items() if k in wanted}
        names: set[str] = set(picked)
    else:
        chosen = _chosen(raw, wanted)
        picked = {**obj, "symbols": chosen}
        names = {s["symbol"] for s in chosen}
        if len(names) != len(chosen):
            _no_repeated_symbol(obj, wanted, source)  # raises, naming both positions
    for name in sorted(wanted - names):
        raise UnknownSymbolError(name)
    return picked


_STR = frozenset({str})


def _chosen(raw: list[Any], wanted: frozenset[str]) -> list[Any]:
    """The entries of ``raw`` whose ``symbol`` is a name in ``wanted``, in their order.

    When every entry is an object with a string ``symbol`` (any parsed snapshot),
    each wanted name is found by ``list.index`` over the names, in C (a Python
    loop over 2,000 symbols was about 2% of ``json.loads``)."""
    try:
        names = [*map(dict.get, raw, repeat("symbol"))]
    except TypeError:  # an entry that is not a dict
        names = None
    if names is None or not _STR.issuperset(map(type, names)):
        return [
            s
            for s in raw
            if isinstance(s, Mapping) and type(s.get("symbol")) is str and s["symbol"] in wanted
        ]
    positions: list[int] = []
    for name in wanted:
        with contextlib.suppress(ValueError):  # not there: UnknownSymbolError after
            at = names.index(name)
            while True:
                positions.append(at)
                at = names.index(name, at + 1)
    return [raw[at] for at in sorted(positions)]


#: The largest snapshot file :func:`load_path` reads by default: 64 MiB, sixteen
#: times a full exchangeInfo (``/dev/zero`` is refused, not read forever).
MAX_FILE_SIZE = 64 * 1024 * 1024


def load_path(
    path: str | os.PathLike[str],
    *,
    symbols: Iterable[str] | None = None,
    max_size: int = MAX_FILE_SIZE,
) -> ExchangeInfo:
    """Load an exchangeInfo snapshot from a file (see :func:`loads`).

    ``max_size`` bounds what is read, in bytes: a larger file is refused.

    Raises:
        LoadError: the file cannot be read, is larger than ``max_size``, or is not a
            loadable exchangeInfo.
        ApiError: the file holds a Binance error envelope.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            data = file.read(max_size + 1)
    except OSError as error:
        raise LoadError([f"cannot read file: {error.strerror}"], source=name) from None
    if len(data) > max_size:
        raise LoadError([f"the file is larger than {max_size} bytes"], source=name)
    return loads(data, symbols=symbols, source=name)


def dump(info: ExchangeInfo) -> dict[str, Any]:
    """The JSON value of ``info``: equal to what was loaded, unmodelled fields included."""
    from rules.model.converter import unstructure

    if info.keyed_by_symbol:
        return {s.symbol: unstructure(s) for s in info.symbols}
    result: dict[str, Any] = unstructure(info)
    return result


def dumps(info: ExchangeInfo, *, indent: int | None = None) -> str:
    """:func:`dump` as JSON text."""
    return json.dumps(dump(info), indent=indent, ensure_ascii=False)
