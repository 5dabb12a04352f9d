"""ccxt's unified order -> Binance ``order.place`` params, to check before sending.

ccxt (and freqtrade, built on it) describe an order as ``create_order(symbol,
type, side, amount, price=None, params={})`` with ``symbol="BTC/USDT"``,
``type="limit"``, ``side="buy"``. :func:`order_params` turns those arguments into
the params ccxt's Binance adapter would send, so that :func:`rules.evaluate` (or
:func:`rules.propose`) can judge them first. ccxt itself is not needed: the
arguments are plain values.

What it does, as ccxt's Binance spot adapter does (``docs/ccxt.md`` has the table):

- ``symbol``: ``"BASE/QUOTE"`` is the snapshot's symbol with that ``baseAsset``
  and ``quoteAsset`` (looked up in the loaded snapshot, never in a hard-coded
  list); a Binance name (``"BTCUSDT"``) is taken as it is. A name the snapshot
  does not know raises :class:`~rules.errors.UnknownSymbolError`.
- ``type`` and ``side`` are upper-cased (``"limit"`` -> ``LIMIT``, any Binance
  type such as ``"STOP_LOSS_LIMIT"`` passes through); ``postOnly`` (or
  ``timeInForce="PO"``) makes a ``limit`` a ``LIMIT_MAKER``; a ``stopPrice``,
  ``triggerPrice`` or ``stopLossPrice`` makes ``market``/``limit`` a
  ``STOP_LOSS``/``STOP_LOSS_LIMIT``, a ``takeProfitPrice`` a
  ``TAKE_PROFIT``/``TAKE_PROFIT_LIMIT``.
- ``amount`` is ``quantity``; for a ``MARKET`` order, ``params["quoteOrderQty"]``
  (or ``params["cost"]``) is sent instead, and a ``price`` with no
  ``quoteOrderQty`` makes ``quoteOrderQty = amount × price`` (ccxt's default for
  Binance); ``price`` is ``price`` otherwise.
- ``timeInForce`` defaults to ``GTC`` for the types that need it (LIMIT,
  STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT); ``clientOrderId`` is ``newClientOrderId``;
  ``trailingPercent`` (percent) is ``trailingDelta`` (BIPS, × 100).
- Every other key of ``params`` is passed through unchanged, as ccxt passes it
  (``icebergQty``, ``selfTradePreventionMode``, ``trailingDelta``, ...).

Numbers are kept as given (a float stays a float: the checker reads it by its
``repr``, D32). ccxt rounds ``amount`` and ``price`` to the market's precision
before sending (``amount_to_precision`` truncates); this adapter does not, so
the check judges what you passed. Round with :func:`rules.quantity_to_wire` and
:func:`rules.price_to_wire` (or let :func:`rules.propose` move the values).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from rules.checker.order import read_decimal
from rules.errors import UnknownSymbolError
from rules.model.models import ExchangeInfo
from rules.model.numbers import UNBOUNDED, to_plain_string

__all__ = ["order_params", "order_params_from_unified", "symbol_name"]

#: Keys of ``params`` that ccxt reads itself and does not send to Binance.
CCXT_ONLY: Final = frozenset(
    {
        "postOnly",
        "triggerPrice",
        "stopPrice",
        "stopLossPrice",
        "takeProfitPrice",
        "clientOrderId",
        "cost",
        "trailingPercent",
    }
)
#: The Binance types that take ``timeInForce`` (ccxt sends ``GTC`` by default).
_NEEDS_TIME_IN_FORCE: Final = frozenset({"LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})

#: id(info) -> (a weak reference to it, its (baseAsset, quoteAsset) -> symbol index).
#: Keyed by id() as the checker's plans are: hashing a big frozen ExchangeInfo by
#: value would cost more than the lookup; the reference verifies identity.
_INDEXES: dict[int, tuple[weakref.ref[ExchangeInfo], dict[tuple[str, str], str]]] = {}


def symbol_name(info: ExchangeInfo, symbol: str, *, assets: Mapping[str, str] | None = None) -> str:
    """The Binance symbol of a ccxt unified symbol (``"BTC/USDT"`` -> ``"BTCUSDT"``).

    Args:
        info: the loaded snapshot; its ``baseAsset``/``quoteAsset`` pairs decide.
        symbol: ``"BASE/QUOTE"``, or a Binance symbol name as it is.
        assets: ccxt currency code -> Binance asset, for the few codes ccxt
            renames (its ``commonCurrencies``); none is built in.

    Raises:
        UnknownSymbolError: no symbol of the snapshot has that base and quote
            asset (or that name); it is also a ``KeyError``.
        ValueError: a derivatives symbol (``"BTC/USDT:USDT"``): not Spot.
        TypeError: ``symbol`` is not a ``str``.

    >>> import rules
    >>> info = rules.load_path("rules/examples/exchange_info.json")
    >>> symbol_name(info, "ETH/BTC"), symbol_name(info, "BTCUSDT")
    ('ETHBTC', 'BTCUSDT')
    >>> symbol_name(info, "BTC/EUR")
    Traceback (most recent call last):
    ...
    rules.errors.UnknownSymbolError: unknown symbol 'BTC/EUR' (no symbol of this snapshot \
has baseAsset 'BTC' and quoteAsset 'EUR')
    """
    if not isinstance(symbol, str):
        raise TypeError(f"symbol: expected a str such as 'BTC/USDT', got {symbol!r}")
    if ":" in symbol:
        raise ValueError(
            f"symbol {symbol!r} is a derivatives market (settled in {symbol.partition(':')[2]}); "
            "this library checks Binance Spot orders"
        )
    base, slash, quote = symbol.partition("/")
    if not slash:
        info.symbol(symbol)  # UnknownSymbolError for a name the snapshot lacks
        return symbol
    if assets:
        base, quote = assets.get(base, base), assets.get(quote, quote)
    index = _index(info)
    try:
        return index[base, quote]
    except KeyError:
        raise UnknownSymbolError(
            symbol,
            hint=f"no symbol of this snapshot has baseAsset {base!r} and quoteAsset {quote!r}",
        ) from None


def _index(info: ExchangeInfo) -> dict[tuple[str, str], str]:
    key = id(info)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0]() is info:
        return cached[1]
    index: dict[tuple[str, str], str] = {}
    for s in reversed(info.symbols):  # a repeated pair finds its first entry
        index[s.base_asset, s.quote_asset] = s.symbol
    _INDEXES[key] = (weakref.ref(info), index)
    weakref.finalize(info, _INDEXES.pop, key, None)
    return index


def order_params(
    info: ExchangeInfo,
    symbol: str,
    type: str,
    side: str,
    amount: object = None,
    price: object = None,
    params: Mapping[str, Any] | None = None,
    *,
    assets: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The Binance ``order.place`` params of ccxt's ``create_order`` arguments.

    The arguments are ccxt's, in ccxt's order; the result goes to
    :func:`rules.evaluate` or :func:`rules.propose` as it is.

    Raises:
        UnknownSymbolError: the snapshot has no such symbol (see :func:`symbol_name`).
        ValueError: a derivatives symbol, or a ``quoteOrderQty`` to compute from
            an ``amount`` and ``price`` that are not numbers.
        TypeError: ``symbol``, ``type`` or ``side`` is not a ``str``, or
            ``params`` is not a mapping.

    >>> import rules
    >>> info = rules.load_path("rules/examples/exchange_info.json")
    >>> order_params(info, "BTC/USDT", "limit", "buy", 0.0015, 64000.01)
    {'symbol': 'BTCUSDT', 'side': 'BUY', 'type': 'LIMIT', 'quantity': 0.0015, \
'price': 64000.01, 'timeInForce': 'GTC'}
    >>> order_params(info, "BTC/USDT", "market", "buy", 0.001, 64000)
    {'symbol': 'BTCUSDT', 'side': 'BUY', 'type': 'MARKET', 'quoteOrderQty': '64.000'}
    """
    for name, value in (("type", type), ("side", side)):
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected a str such as 'limit' or 'buy', got {value!r}")
    if params is None:
        params = {}
    elif not isinstance(params, Mapping):
        raise TypeError(f"params: expected a mapping, got {params!r}")
    out: dict[str, Any] = {"symbol": symbol_name(info, symbol, assets=assets)}
    kind = type.upper()
    tif = params.get("timeInForce")
    if kind == "LIMIT" and (params.get("postOnly") or tif == "PO"):
        kind = "LIMIT_MAKER"
    stop = _first(params, "stopPrice", "triggerPrice", "stopLossPrice")
    take = params.get("takeProfitPrice")
    if (stop is not None or take is not None) and kind in ("MARKET", "LIMIT"):
        prefix = "STOP_LOSS" if stop is not None else "TAKE_PROFIT"
        kind = prefix if kind == "MARKET" else f"{prefix}_LIMIT"
    out["side"] = side.upper()
    out["type"] = kind
    quote = _first(params, "quoteOrderQty", "cost")
    if kind == "MARKET" and quote is None and price is not None and amount is not None:
        quote = _product(amount, price)
    if kind == "MARKET" and quote is not None:
        out["quoteOrderQty"] = quote
    else:
        if amount is not None:
            out["quantity"] = amount
        if price is not None and kind != "MARKET":
            out["price"] = price
    trigger = stop if stop is not None else take
    if trigger is not None:
        out["stopPrice"] = trigger
    if kind in _NEEDS_TIME_IN_FORCE:
        out["timeInForce"] = tif if tif is not None else "GTC"
    if params.get("clientOrderId") is not None:
        out["newClientOrderId"] = params["clientOrderId"]
    trailing = params.get("trailingPercent")
    if trailing is not None and params.get("trailingDelta") is None:
        out["trailingDelta"] = _bips(trailing)
    for key, value in params.items():
        if key not in CCXT_ONLY and key not in out and key not in ("quoteOrderQty", "timeInForce"):
            out[key] = value
    return out


def order_params_from_unified(
    info: ExchangeInfo, order: Mapping[str, Any], *, assets: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The params of an order held in ccxt's unified order structure (a mapping).

    Reads ``symbol``, ``type``, ``side``, ``amount``, ``price`` and, when set,
    ``timeInForce``, ``postOnly``, ``clientOrderId``, ``triggerPrice``/``stopPrice``,
    ``stopLossPrice`` and ``takeProfitPrice``, as :func:`order_params` would.

    Raises:
        KeyError: ``symbol``, ``type`` or ``side`` is missing.
        UnknownSymbolError, ValueError, TypeError: as :func:`order_params`.

    >>> import rules
    >>> info = rules.load_path("rules/examples/exchange_info.json")
    >>> order_params_from_unified(info, {"symbol": "ETH/BTC", "type": "limit", "side": "sell",
    ...     "amount": 0.5, "price": 0.05, "postOnly": True, "info": {}})
    {'symbol': 'ETHBTC', 'side': 'SELL', 'type': 'LIMIT_MAKER', 'quantity': 0.5, 'price': 0.05}
    """
    missing = [k for k in ("symbol", "type", "side") if order.get(k) is None]
    if missing:
        raise KeyError(f"a unified order needs {', '.join(missing)}")
    keys = ("timeInForce", "postOnly", "clientOrderId", "triggerPrice", "stopPrice")
    params = {k: order[k] for k in (*keys, "stopLossPrice", "takeProfitPrice") if order.get(k)}
    if params.get("timeInForce") == "PO":
        params["postOnly"] = True
    return order_params(
        info,
        order["symbol"],
        order["type"],
        order["side"],
        order.get("amount"),
        order.get("price"),
        params,
        assets=assets,
    )


def _first(params: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if params.get(key) is not None:
            return params[key]
    return None


def _number(name: str, value: object) -> Decimal:
    number = read_decimal(value)
    if number is None:
        raise ValueError(f"{name}: expected a number, got {value!r}")
    return number


def _product(amount: object, price: object) -> str:
    # Exact (ccxt multiplies the strings too, then truncates to the price precision;
    # the checker reports -1111 if the quote asset's precision is exceeded).
    product = UNBOUNDED.multiply(_number("amount", amount), _number("price", price))
    return to_plain_string(product)


def _bips(percent: object) -> int | str:
    # ccxt: trailingDelta = trailingPercent × 100 (1% is 100 BIPS).
    number = UNBOUNDED.multiply(_number("trailingPercent", percent), 100)
    return int(number) if number == number.to_integral_value() else to_plain_string(number)
