"""``rules show``: print a summary of one symbol's rules from a snapshot."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rules.checker.gates import Allowance, allowances
from rules.cli.streams import EXIT_ERROR, EXIT_OK, Streams
from rules.errors import RulesError, UnknownSymbolError
from rules.examples import EXAMPLE_EXCHANGE_INFO
from rules.model.converter import unstructure
from rules.model.load import load_path
from rules.model.models import ExchangeInfo, SymbolInfo, UnknownFilter


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "show",
        help="print a summary of symbols' rules",
        description="Print a summary of the rules of symbols of an exchangeInfo snapshot.",
    )
    parser.add_argument(
        "--exchange-info",
        metavar="PATH",
        default=str(EXAMPLE_EXCHANGE_INFO),
        help="exchangeInfo snapshot (default: the bundled example)",
    )
    parser.add_argument("symbol", nargs="*", help="symbol names (default: every symbol)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    names: list[str] = args.symbol
    try:
        try:
            info = load_path(args.exchange_info, symbols=names or None)
        except UnknownSymbolError:
            # Any case is accepted (Binance's names are upper-case): btcusdt is BTCUSDT.
            upper = [name.upper() for name in names]
            if upper == names:
                raise
            info = load_path(args.exchange_info, symbols=upper)
            names = upper
    except RulesError as error:
        streams.stderr.write(f"rules: {_message(error, args.exchange_info)}\n")
        return EXIT_ERROR
    # In the order asked for (every symbol, in the snapshot's order, if none was).
    for symbol in [info[name] for name in names] if names else info:
        streams.stdout.write(summary(symbol, info))
    return EXIT_OK


def _message(error: RulesError, path: str) -> str:
    """One line; for an unknown name, the symbol probably meant (``BTC/USDT``: ``BTCUSDT``)."""
    if isinstance(error, UnknownSymbolError) and error.hint is None:
        try:
            load_path(path).symbol(error.symbol)
        except UnknownSymbolError as hinted:
            return str(hinted)
        except RulesError:  # pragma: no cover - the file loaded a moment ago
            pass
    return str(error).splitlines()[0]


def summary(symbol: SymbolInfo, info: ExchangeInfo | None = None) -> str:
    """A few lines a person can read: status, assets, order types, flags, the
    requests the symbol allows (with ``info``: its ``sors`` say SOR, D42), filters."""
    status = symbol.status or "(no status)"
    lines = [f"{symbol.symbol}  {status}  {symbol.base_asset}/{symbol.quote_asset}"]
    if symbol.order_types is not None:
        lines.append(f"  order types: {', '.join(symbol.order_types)}")
    flags = [
        name
        for name, value in (
            ("iceberg", symbol.iceberg_allowed),
            ("oco", symbol.oco_allowed),
            ("oto", symbol.oto_allowed),
            ("quoteOrderQty", symbol.quote_order_qty_market_allowed),
            ("trailing stop", symbol.allow_trailing_stop),
            ("pegged", symbol.peg_instructions_allowed),
        )
        if value
    ]
    if flags:
        lines.append(f"  allowed: {', '.join(flags)}")
    if info is not None:
        lines.extend(_requests(allowances(info, symbol.symbol)))
    if symbol.permission_sets:
        sets = " AND ".join(
            "(" + " | ".join(s[:4]) + (" | ..." if len(s) > 4 else "") + ")"
            for s in symbol.permission_sets
        )
        lines.append(f"  permissions: {sets}")
    elif symbol.permissions:
        lines.append(f"  permissions: {' | '.join(symbol.permissions)}")
    if symbol.allowed_self_trade_prevention_modes is not None:
        lines.append(f"  STP modes: {', '.join(symbol.allowed_self_trade_prevention_modes)}")
    for f in symbol.filters:
        if isinstance(f, UnknownFilter):
            lines.append(f"  {f.filter_type} (unknown to this version): {dict(f.raw)}")
            continue
        fields = {k: v for k, v in unstructure(f).items() if k != "filterType"}
        lines.append(
            f"  {f.filter_type}: " + ", ".join(f"{k}={_text(v)}" for k, v in fields.items())
        )
    return "\n".join(lines) + "\n"


def _requests(found: tuple[Allowance, ...]) -> list[str]:
    """The requests allowed, and those not with why (rules.checker.gates: the table the
    checks read). An absent flag forbids nothing (D22): said next to the request."""
    allowed = [
        a.method + (f" ({', '.join(a.absent)} absent)" if a.absent else "")
        for a in found
        if a.allowed
    ]
    lines = [f"  requests: {', '.join(allowed)}"]
    refused = [
        f"{a.method} ({', '.join([f'{n} false' for n in a.false] + ['no SOR'] * a.no_sor)})"
        for a in found
        if not a.allowed
    ]
    if refused:
        lines.append(f"  not allowed: {', '.join(refused)}")
    return lines


def _text(value: object) -> str:
    # JSON spelling (true/false), as in the snapshot; strings without quotes.
    return value if isinstance(value, str) else json.dumps(value)
