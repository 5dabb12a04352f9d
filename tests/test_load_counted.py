"""The check for a repeated key while a whole snapshot is built (issue 11).

``loads`` of text counts the keys of the symbols, of their filters and of
``exchangeFilters`` while it builds them (``builders.build_counted``), instead of in a
pass of its own after parsing; a count that does not match the ``:`` of the text
falls back to the full check (``_usual_keys``, then the per-object hook). Every
repeated key is still refused, wherever the build takes it, and whether or not
another thread is counting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from rules import LoadError, loads
from rules.model import builders, load
from tests._shared import EXCHANGE_INFO

WHOLE = [
    path
    for path in sorted(EXCHANGE_INFO.glob("*.json"))
    if "symbols" in json.loads(path.read_bytes())
]


def _price(tick: str, **more: Any) -> dict[str, Any]:
    return {
        "filterType": "PRICE_FILTER",
        "minPrice": "0.01",
        "maxPrice": "1000",
        "tickSize": tick,
        **more,
    }


def _symbol(name: str, status: str, *filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "symbol": name,
        "status": status,
        "baseAsset": name[:3],
        "quoteAsset": "USDT",
        "orderTypes": ["LIMIT", "MARKET"],
        "filters": list(filters),
        "permissions": ["SPOT"],
    }


#: A snapshot the fast constructors build whole: symbols of one layout, one of
#: another, a filter with a key of its own (the general body), an unknown filter with
#: an object inside, rate limits, exchange filters and SOR.
SNAPSHOT = {
    "timezone": "UTC",
    "serverTime": 1_700_000_000_000,
    "rateLimits": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000}
    ],
    "exchangeFilters": [{"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1000}],
    "symbols": [
        _symbol("BTCUSDT", "TRADING", _price("0.01"), {"filterType": "ICEBERG_PARTS", "limit": 10}),
        _symbol("ETHUSDT", "HALT", _price("0.00100"), {"filterType": "ICEBERG_PARTS", "limit": 10}),
        _symbol("BNBUSDT", "TRADING", _price("0.1", ownField=1)),
        {
            **_symbol("XRPUSDT", "BREAK", {"filterType": "NEW_ONE", "inner": 1}),
            "ocoAllowed": True,
        },
    ],
    "sors": [{"baseAsset": "BTC", "symbols": ["BTCUSDT"]}],
}
TEXT = json.dumps(SNAPSHOT)

#: (what is written, what it becomes, the key written twice): one place of each kind.
REPEATS = [
    ('"timezone": "UTC"', '"timezone": "X", "timezone": "UTC"', "timezone"),
    ('"status": "HALT"', '"status": "HALT", "status": "HALT"', "status"),  # a symbol
    # a symbol of another layout
    ('"ocoAllowed": true', '"ocoAllowed": false, "ocoAllowed": true', "ocoAllowed"),
    # a filter read by its sequence's body
    ('"tickSize": "0.00100"', '"tickSize": "0.1", "tickSize": "0.00100"', "tickSize"),
    ('"ownField": 1', '"ownField": 1, "ownField": 2', "ownField"),  # read by the general body
    # deeper than anything counted (then the converter builds it)
    ('"inner": 1', '"inner": {"k": 0, "k": 1}', "k"),
    ('"interval": "MINUTE"', '"interval": "DAY", "interval": "MINUTE"', "interval"),  # a rate limit
    # an exchange filter
    ('"maxNumOrders": 1000', '"maxNumOrders": 1, "maxNumOrders": 1000', "maxNumOrders"),
    (
        '"baseAsset": "BTC", "symbols"',
        '"baseAsset": "BTC", "baseAsset": "BTC", "symbols"',
        "baseAsset",
    ),
]


@pytest.fixture(params=[False, True], ids=["counted", "another-thread-counting"])
def counting_busy(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Also with the counted constructors busy (another thread counting): then the
    load takes the usual way, the check first."""
    if request.param:
        with builders._COUNTING:
            yield True
    else:
        yield False


def test_the_snapshot_is_built_by_the_counted_constructors() -> None:
    with mock.patch.object(load, "_usual_keys", side_effect=AssertionError("counted apart")):
        info = loads(TEXT)
    assert info == loads(SNAPSHOT)  # the mapping: built and checked the usual way
    assert [s.symbol for s in info.symbols] == ["BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT"]


@pytest.mark.parametrize(("written", "twice", "key"), REPEATS, ids=[k for _, _, k in REPEATS])
@pytest.mark.usefixtures("counting_busy")
def test_a_repeated_key_is_refused_wherever_it_is(written: str, twice: str, key: str) -> None:
    assert TEXT.count(written) == 1
    text = TEXT.replace(written, twice)
    if key != "k":  # the last one kept, the fast constructors build it: only the check refuses
        builders.build_info(json.loads(text), json_only=True)
    with pytest.raises(LoadError) as raised:
        loads(text)
    assert raised.value.problems == (
        f"$: an object holds the key {key!r} twice (the first would be hidden)",
    )
    with pytest.raises(LoadError) as raised:
        loads(text.replace('"UTC"', '"U:T:C"'))  # a ':' in a string too
    assert "twice" in raised.value.problems[0]


@pytest.mark.usefixtures("counting_busy")
def test_a_colon_in_a_string_is_no_repeated_key() -> None:
    """More ``:`` than keys: checked in full (``_usual_keys``, then the hook), and
    the snapshot built once is kept."""
    text = TEXT.replace('"UTC"', '"U:T:C"').replace('"HALT"', '"HA:LT"')
    info = loads(text)
    assert info == loads(json.loads(text))
    assert info.timezone == "U:T:C"


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.stem)
def test_real_snapshots_need_no_pass_of_their_own(path: Path) -> None:
    """Every real snapshot with ``symbols`` is built by the counted constructors and
    its count matches its ``:``: no pass over the parsed JSON to count keys."""
    data = path.read_bytes()
    with mock.patch.object(load, "_usual_keys", side_effect=AssertionError("counted apart")):
        info = loads(data)
    assert info == loads(json.loads(data))
