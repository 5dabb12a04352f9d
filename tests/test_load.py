"""Loading exchangeInfo: every real snapshot, every oddity of FINDINGS.md, every bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rules import (
    ApiError,
    ExchangeInfo,
    IcebergPartsFilter,
    LoadError,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    PercentPriceFilter,
    PriceFilter,
    TrailingDeltaFilter,
    UnknownFilter,
    UnknownSymbolError,
    dump,
    dumps,
    load_path,
    loads,
)
from rules.model import builders, converter
from rules.model.load import _chosen, _list_keys, _usual_keys
from rules.model.models import SymbolInfo
from rules.model.numbers import describe
from tests._shared import EXCHANGE_INFO

SNAPSHOTS = sorted(EXCHANGE_INFO.glob("*.json"))
WS_RECORDING = (
    EXCHANGE_INFO
    / "related"
    / "testnet-python-binance-recording-ws_get_exchange_info-BTCUSDT-2026-06.json"
)
NAUTILUS_2021 = EXCHANGE_INFO / "related" / "spot-nautilus-exchangeInfo-2symbols-2021-10.json"

_CACHE: dict[str, ExchangeInfo] = {}


def snapshot(name: str) -> ExchangeInfo:
    """A real snapshot, loaded once per test session."""
    if name not in _CACHE:
        _CACHE[name] = load_path(EXCHANGE_INFO / f"{name}.json")
    return _CACHE[name]


def raw(path: Path) -> Any:
    return json.loads(path.read_bytes())


class TestRealSnapshots:
    """Every real snapshot of ../shared/data/exchange_info loads, whole and losslessly."""

    def test_all_thirteen_are_here(self) -> None:
        assert len(SNAPSHOTS) == 13

    @pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
    def test_loads_every_symbol_and_dumps_back_equal(self, path: Path) -> None:
        data = raw(path)
        info = load_path(path)
        expected = len(data["symbols"]) if "symbols" in data else len(data)
        assert len(info) == expected
        assert dump(info) == data
        assert json.loads(dumps(info)) == data

    @pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
    def test_fast_constructors_build_what_the_converter_builds(self, path: Path) -> None:
        """Every real snapshot takes the fast constructors (never the fallback), and
        they build exactly the converter's objects (rules.model.builders, rule 1)."""
        data = raw(path)
        try:
            if "symbols" in data:
                built: Any = builders.build_info(data)
            else:
                built = tuple(builders.build_symbol(v) for v in data.values())
        finally:
            builders.clear_caches()
        try:
            if "symbols" in data:
                reference: Any = converter.structure(data, ExchangeInfo)
            else:
                reference = tuple(converter.structure(v, SymbolInfo) for v in data.values())
        finally:
            converter.clear_caches()
        assert built == reference
        assert repr(built) == repr(reference)

    @pytest.mark.parametrize("path", [WS_RECORDING, NAUTILUS_2021], ids=lambda p: p.stem)
    def test_related_responses(self, path: Path) -> None:
        data = raw(path)
        body = data["client"][0]["return"] if "client" in data else data
        info = loads(body)
        assert len(info) == len(body["symbols"])
        assert dump(info) == body

    def test_ws_recording_has_connections_limit_and_2026_flags(self) -> None:
        info = loads(raw(WS_RECORDING)["client"][0]["return"])
        assert info.rate_limits is not None
        assert "CONNECTIONS" in {r.rate_limit_type for r in info.rate_limits}
        assert info["BTCUSDT"].filter(PercentPriceFilter) is None

    def test_loaded_objects_are_immutable_and_hashable(self) -> None:
        info = snapshot("spot-full-2023-08")
        btc = info["BTCUSDT"]
        with pytest.raises(AttributeError):
            btc.status = "BREAK"  # type: ignore[misc]
        assert hash(btc) == hash(
            load_path(EXCHANGE_INFO / "spot-full-2023-08.json", symbols=["BTCUSDT"])["BTCUSDT"]
        )
        assert len({btc, info["ETHBTC"], btc}) == 2


class TestFindings:
    """The oddities FINDINGS.md §3 says a validator must survive, each on real data."""

    @pytest.mark.parametrize(
        ("symbol", "kind", "field", "text"),
        [
            ("BTCIDRT", PriceFilter, "tick_size", "1.00"),  # quote precision 2
            ("BTCIDRT", PriceFilter, "max_price", "9000000000.00"),
            ("SHIBUSDT", LotSizeFilter, "step_size", "1.00"),  # base precision 2
            ("SHIBUSDT", LotSizeFilter, "max_qty", "46116860414.00"),
            ("SHIBUSDT", MarketLotSizeFilter, "min_qty", "0.00"),
            ("BTTCUSDT", LotSizeFilter, "step_size", "1.0"),  # base precision 1
            ("BTTCUSDT", LotSizeFilter, "max_qty", "92233720368.0"),
            ("BTTCUSDT", MarketLotSizeFilter, "step_size", "0.0"),
            ("BTCUSDT", MarketLotSizeFilter, "step_size", "0.00000000"),  # step 0 everywhere
            ("BTCUSDT", MarketLotSizeFilter, "max_qty", "169.00949758"),  # computed, not round
            ("LUNCBUSD", MaxPositionFilter, "max_position", "92233720368.54775807"),  # (2^63-1)/1e8
            ("BTCUSDT", PriceFilter, "tick_size", "0.01000000"),
        ],
    )
    def test_decimal_strings_of_any_places_parse_exactly(
        self, symbol: str, kind: type[Any], field: str, text: str
    ) -> None:
        f = snapshot("spot-full-2023-08")[symbol].filter(kind)
        value = getattr(f, field)
        assert isinstance(value, Decimal)
        assert value == Decimal(text)
        assert str(value) == text or format(value, "f") == text  # places kept
        assert value.as_tuple() == Decimal(text).as_tuple()

    def test_int64_max_position_is_exact(self) -> None:
        f = snapshot("spot-full-2023-08")["LUNCBUSD"].filter(MaxPositionFilter)
        assert f is not None
        assert f.max_position * 10**8 == 2**63 - 1

    def test_minimum_price_off_the_tick(self) -> None:
        f = snapshot("spot-full-2021-08")["BTCUPUSDT"].filter(PriceFilter)
        assert f == PriceFilter(Decimal("9.255"), Decimal("175.836"), Decimal("0.001"))

    def test_zero_price_bounds_of_2019(self) -> None:
        f = snapshot("spot-full-2019-05")["ETHBTC"].filter(PriceFilter)
        assert f is not None
        assert (f.min_price, f.max_price) == (Decimal(0), Decimal(0))

    def test_filters_in_six_orders_are_found_by_type(self) -> None:
        info = snapshot("spot-full-2020-10")
        orders = {tuple(f.filter_type for f in s.filters) for s in info}
        assert len(orders) == 6
        for s in info:
            for f in s.filters:
                assert s.filter(type(f)) is f
                assert s.filter(f.filter_type) is f

    def test_market_lot_size_missing_on_old_symbols(self) -> None:
        info = snapshot("spot-full-2019-09")
        missing = [s for s in info if s.filter(MarketLotSizeFilter) is None]
        assert len(missing) == 139
        assert sum(s.status == "TRADING" for s in missing) == 93

    def test_trailing_delta_missing_on_new_listings_of_2022(self) -> None:
        info = snapshot("spot-full-2022-05")
        missing = sorted(s.symbol for s in info if s.filter(TrailingDeltaFilter) is None)
        assert len(missing) == 14
        assert "LDOUSDT" in missing
        assert not any(s.allow_trailing_stop for s in info)

    def test_min_notional_of_2018_has_only_min_notional(self) -> None:
        info = snapshot("spot-full-2018-02")
        f = info["123456"].filter(MinNotionalFilter)  # the test pair, digits only
        assert f == MinNotionalFilter(Decimal("0.001"))
        assert f is not None
        assert f.apply_to_market is None
        assert f.avg_price_mins is None
        assert "applyToMarket" not in dump(info)["symbols"][0]["filters"][2]

    def test_fields_old_snapshots_lack_are_none(self) -> None:
        s = snapshot("spot-full-2018-02")["ETHBTC"]
        assert s.quote_asset_precision is None
        assert s.quote_precision == 8
        assert s.permissions is None
        assert s.permission_sets is None
        assert s.allowed_self_trade_prevention_modes is None

    def test_rate_limits_of_2018(self) -> None:
        limits = snapshot("spot-full-2018-02").rate_limits
        assert limits is not None
        assert limits[0].rate_limit_type == "REQUESTS"
        assert limits[0].interval_num is None

    def test_permission_sets_with_empty_permissions(self) -> None:
        s = snapshot("testnet-spot-full-2024-09")["ETHBTC"]
        assert s.permissions == ()
        assert s.permission_sets == (("SPOT",),)
        assert s.default_self_trade_prevention_mode == "EXPIRE_MAKER"

    def test_keyed_2025_snapshot(self) -> None:
        info = snapshot("spot-9symbols-keyed-2025-11")
        btc = info["BTCUSDT"]
        assert info.keyed_by_symbol
        assert info.server_time is None
        assert btc.permission_sets is not None
        assert len(btc.permission_sets[0]) == 212
        assert btc.allowed_self_trade_prevention_modes == (
            "EXPIRE_TAKER",
            "EXPIRE_MAKER",
            "EXPIRE_BOTH",
            "DECREMENT",
        )
        assert "STOP_LOSS" in (btc.order_types or ())

    def test_leveraged_tokens_of_2021(self) -> None:
        s = snapshot("spot-full-2021-08")["BTCUPUSDT"]
        assert s.permissions == ("LEVERAGED",)
        assert s.is_spot_trading_allowed is False
        assert s.quote_order_qty_market_allowed is False

    def test_multipliers_are_short_strings(self) -> None:
        info = snapshot("spot-full-2021-08")
        multipliers = {
            (f.multiplier_up, f.multiplier_down)
            for s in info
            if (f := s.filter(PercentPriceFilter)) is not None
        }
        assert (Decimal("5"), Decimal("0.2")) in multipliers
        assert (Decimal("1.2"), Decimal("0.8")) in multipliers

    def test_dynamic_price_bands_of_2018(self) -> None:
        info = snapshot("spot-full-2018-08")
        bands = [f for s in info if (f := s.filter(PriceFilter)) and f.min_price != f.tick_size]
        assert len(bands) == 381
        btc = info["BTCUSDT"].filter(PriceFilter)
        assert btc is not None
        assert (btc.min_price, btc.max_price) == (Decimal("755.72"), Decimal("75571.45"))

    def test_iceberg_parts_of_2026_testnet(self) -> None:
        info = loads(raw(WS_RECORDING)["client"][0]["return"])
        assert info["BTCUSDT"].filter(IcebergPartsFilter) == IcebergPartsFilter(100)

    def test_symbols_starting_with_digits_are_looked_up_whole(self) -> None:
        info = snapshot("spot-full-2023-08")
        s = info["1INCHBTC"]
        assert (s.base_asset, s.quote_asset) == ("1INCH", "BTC")


def _symbol(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "symbol": "BTCUSDT",
        "status": "TRADING",
        "baseAsset": "BTC",
        "quoteAsset": "USDT",
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01",
                "maxPrice": "1000000",
                "tickSize": "0.01",
            }
        ],
    }
    base.update(overrides)
    return base


def _info(*symbols: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"timezone": "UTC", "serverTime": 1_700_000_000_000, "symbols": list(symbols), **top}


class TestWhatBinanceMayAddTomorrow:
    """Unknown enum values, filter types and fields load and are kept (nothing is lost)."""

    def test_unknown_filter_is_kept_whole(self) -> None:
        new = {"filterType": "T_PLUS_SELL", "days": 1, "ratio": "0.5"}
        data = _info(_symbol(filters=[new]))
        info = loads(data)
        f = info["BTCUSDT"].filters[0]
        assert isinstance(f, UnknownFilter)
        assert f.filter_type == "T_PLUS_SELL"
        assert dict(f.raw) == new
        assert info["BTCUSDT"].filter("T_PLUS_SELL") is f
        assert dump(info) == data

    def test_unknown_fields_are_kept_and_dumped(self) -> None:
        data = _info(
            _symbol(
                newFlagAllowed=True,
                filters=[
                    {
                        "filterType": "LOT_SIZE",
                        "minQty": "1",
                        "maxQty": "2",
                        "stepSize": "1",
                        "x": [1.5, {"y": None}],
                    }
                ],
            ),
            newTopLevel={"a": [1, 2]},
        )
        info = loads(data)
        assert info["BTCUSDT"].extra == {"newFlagAllowed": True}
        assert dump(info) == data

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("status", "SOMETHING_NEW"),
            ("status", "HALT"),
            ("orderTypes", ["LIMIT", "FUTURE_ORDER_TYPE"]),
            ("allowedSelfTradePreventionModes", ["NONE", "NEW_MODE"]),
            ("permissionSets", [["SPOT"], ["TRD_GRP_999"]]),
            ("symbol", "这是测试币456USDT"),
        ],
    )
    def test_unknown_enum_values_load(self, field: str, value: Any) -> None:
        data = _info(_symbol(**{field: value}))
        assert dump(loads(data)) == data

    def test_exchange_filters_load(self) -> None:
        data = _info(
            _symbol(),
            exchangeFilters=[
                {"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1000},
                {"filterType": "EXCHANGE_MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 200},
                {"filterType": "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 10000},
                {"filterType": "EXCHANGE_MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20},
            ],
        )
        info = loads(data)
        assert info.exchange_filter("EXCHANGE_MAX_NUM_ORDERS") is not None
        assert dump(info) == data

    def test_sors_load(self) -> None:
        data = _info(_symbol(), sors=[{"baseAsset": "BTC", "symbols": ["BTCUSDT", "BTCUSDC"]}])
        info = loads(data)
        assert info.sors is not None
        assert info.sors[0].symbols == ("BTCUSDT", "BTCUSDC")
        assert dump(info) == data


class TestSources:
    """The shapes ``loads`` accepts."""

    def test_str_bytes_mapping_and_path_agree(self, tmp_path: Path) -> None:
        data = _info(_symbol())
        text = json.dumps(data)
        path = tmp_path / "x.json"
        path.write_text(text)
        assert loads(text) == loads(text.encode()) == loads(data) == load_path(path)

    def test_websocket_envelope(self) -> None:
        body = _info(_symbol())
        envelope = {"id": "abc", "status": 200, "result": body, "rateLimits": []}
        assert loads(envelope) == loads(body)

    def test_error_envelope_raises_api_error(self) -> None:
        envelope = {"id": 1, "status": 400, "error": {"code": -1121, "msg": "Invalid symbol."}}
        with pytest.raises(ApiError) as caught:
            loads(json.dumps(envelope))
        assert (caught.value.code, caught.value.msg, caught.value.status) == (
            -1121,
            "Invalid symbol.",
            400,
        )
        assert str(caught.value) == "Binance error -1121: Invalid symbol. (status 400)"

    def test_rest_error_body_raises_api_error(self) -> None:
        with pytest.raises(ApiError) as caught:
            loads('{"code": -1003, "msg": "Too many requests; current limit is 6000."}')
        assert (caught.value.code, caught.value.status) == (-1003, None)
        assert caught.value.msg == "Too many requests; current limit is 6000."

    def test_select_symbols(self) -> None:
        info = loads(_info(_symbol(), _symbol(symbol="ETHUSDT")), symbols=["ETHUSDT"])
        assert [s.symbol for s in info] == ["ETHUSDT"]

    def test_select_unknown_symbol(self) -> None:
        with pytest.raises(UnknownSymbolError):
            loads(_info(_symbol()), symbols=["NOPE"])

    def test_unknown_symbol_is_a_key_error(self) -> None:
        info = loads(_info(_symbol()))
        with pytest.raises(KeyError) as caught:
            info["NOPE"]
        assert str(caught.value) == "unknown symbol 'NOPE'"
        assert "NOPE" not in info
        assert "BTCUSDT" in info

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError) as caught:
            load_path(tmp_path / "absent.json")
        assert caught.value.problems == ("cannot read file: No such file or directory",)


def _filter_doc(**f: Any) -> dict[str, Any]:
    return _info(_symbol(filters=[f]))


BAD_INPUTS: list[tuple[str, Any, list[str]]] = [
    (
        "float price",
        _filter_doc(filterType="PRICE_FILTER", minPrice="0.01", maxPrice="100", tickSize=0.01),
        ["$.symbols[0].filters[0].tickSize: expected a decimal string, got float 0.01"],
    ),
    (
        "exponent string",
        _filter_doc(filterType="LOT_SIZE", minQty="1e-8", maxQty="100", stepSize="1"),
        ["$.symbols[0].filters[0].minQty: expected a decimal string, got string '1e-8'"],
    ),
    ("missing symbols", {"timezone": "UTC"}, ["$.symbols: required field missing"]),
    ("symbols not an array", {"symbols": {}}, ["$.symbols: expected an array, got an object"]),
    ("top level array", [], ["$: expected an exchangeInfo object, got an array"]),
    (
        "wrong types",
        _info(_symbol(baseAssetPrecision="8", icebergAllowed="true", orderTypes="LIMIT")),
        [
            "$.symbols[0].baseAssetPrecision: expected an integer, got string '8'",
            "$.symbols[0].orderTypes: expected an array, got string 'LIMIT'",
            "$.symbols[0].icebergAllowed: expected true or false, got string 'true'",
        ],
    ),
    (
        "bool for int",
        _filter_doc(filterType="ICEBERG_PARTS", limit=True),
        ["$.symbols[0].filters[0].limit: expected an integer, got boolean true"],
    ),
    ("non-JSON", "hello", ["$: not valid JSON: Expecting value at line 1 column 1"]),
    (
        "truncated",
        '{"symbols": [{"symbol": "BT',
        ["$: not valid JSON: Unterminated string starting at at line 1 column 25"],
    ),
    ("empty", "", ["$: empty input, expected an exchangeInfo JSON object"]),
    ("blank", b"  \n", ["$: empty input, expected an exchangeInfo JSON object"]),
    ("not UTF-8", b"\xff\xfe", ["$: not UTF-8 text (invalid start byte at byte 0)"]),
    (
        "filter with missing fields",
        _filter_doc(filterType="LOT_SIZE", minQty="1"),
        [
            "$.symbols[0].filters[0].maxQty: required field missing",
            "$.symbols[0].filters[0].stepSize: required field missing",
        ],
    ),
    (
        "filter without filterType",
        _filter_doc(minQty="1"),
        ["$.symbols[0].filters[0]: expected a filter with a string filterType, got null"],
    ),
    (
        "null where a string is expected",
        _info(_symbol(status=None)),
        ["$.symbols[0].status: expected a string, got null"],
    ),
    (
        "null for an optional field",
        _info(_symbol(quotePrecision=None)),
        ["$.symbols[0].quotePrecision: expected an integer, got null"],
    ),
    (
        "null in a list",
        _info(_symbol(permissions=["SPOT", None])),
        ["$.symbols[0].permissions[1]: expected a string, got null"],
    ),
    (
        "second symbol bad",
        _info(_symbol(), _symbol(symbol="ETHUSDT", quoteAsset=5)),
        ["$.symbols[1].quoteAsset: expected a string, got integer 5"],
    ),
    (
        "serverTime string",
        _info(serverTime="1"),
        ["$.serverTime: expected an integer, got string '1'"],
    ),
    (
        "result not an object",
        {"id": 1, "status": 200, "result": []},
        ["$.result: expected an exchangeInfo object, got an array"],
    ),
    (
        "malformed error envelope",
        {"status": 400, "error": "bad"},
        ["$.error: malformed error envelope: string 'bad'"],
    ),
]


class TestBadInput:
    """Every bad input gets one LoadError that lists every problem with its JSON path."""

    @pytest.mark.parametrize(
        ("data", "problems"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
    )
    def test_problems(self, data: Any, problems: list[str]) -> None:
        with pytest.raises(LoadError) as caught:
            loads(data)
        assert sorted(caught.value.problems) == sorted(problems)
        assert isinstance(caught.value, ValueError)

    def test_message_lists_every_problem(self) -> None:
        with pytest.raises(LoadError) as caught:
            loads(_info(_symbol(status=None, baseAsset=1)), source="x.json")
        assert str(caught.value) == (
            "cannot load exchangeInfo from x.json: 2 problems\n"
            "  $.symbols[0].status: expected a string, got null\n"
            "  $.symbols[0].baseAsset: expected a string, got integer 1"
        )

    @pytest.mark.parametrize("odd", [1.0, True, "1"], ids=["float", "boolean", "string"])
    def test_a_filter_equal_in_python_to_a_good_one_is_still_an_error(self, odd: object) -> None:
        # Equal filters share one object within a load; 1, 1.0 and true must not.
        good = {"filterType": "ICEBERG_PARTS", "limit": 1}
        bad = {"filterType": "ICEBERG_PARTS", "limit": odd}
        with pytest.raises(LoadError) as caught:
            loads(_info(_symbol(filters=[good]), _symbol(symbol="ETHUSDT", filters=[bad])))
        assert caught.value.problems == (
            f"$.symbols[1].filters[0].limit: expected an integer, got {describe(odd)}",
        )

    @pytest.mark.parametrize("extra", [{}, {"avgPriceMins": 5}], ids=["usual keys", "other keys"])
    def test_a_filter_type_that_is_a_str_subclass_is_an_error(self, extra: Any) -> None:
        class Name(str):
            pass

        odd = {"filterType": Name("ICEBERG_PARTS"), "limit": 10, **extra}
        with pytest.raises(LoadError) as caught:
            loads(_info(_symbol(filters=[odd])))
        assert caught.value.problems == (
            "$.symbols[0].filters[0]: expected a filter with a string filterType, "
            "got string 'ICEBERG_PARTS'",
        )

    def test_equal_filters_are_shared_but_equal_to_fresh_ones(self) -> None:
        f = {"filterType": "ICEBERG_PARTS", "limit": 10}
        info = loads(_info(_symbol(filters=[f]), _symbol(symbol="ETHUSDT", filters=[dict(f)])))
        assert info["BTCUSDT"].filters[0] is info["ETHUSDT"].filters[0]
        assert (
            loads(_info(_symbol(filters=[f])))["BTCUSDT"].filters[0] == info["ETHUSDT"].filters[0]
        )

    def test_a_symbol_without_status_loads_and_dumps_without_it(self) -> None:
        data = _info({k: v for k, v in _symbol().items() if k != "status"})
        info = loads(data)
        assert info["BTCUSDT"].status is None
        assert dump(info) == data

    def test_a_byte_order_mark_is_skipped(self) -> None:
        text = json.dumps(_info(_symbol()))
        assert loads("\ufeff" + text) == loads(("\ufeff" + text).encode()) == loads(text)

    def test_symbols_must_not_be_a_single_string(self) -> None:
        with pytest.raises(TypeError, match="not the str 'BTCUSDT'"):
            loads(_info(_symbol()), symbols="BTCUSDT")

    def test_selecting_skips_symbols_with_odd_names(self) -> None:
        data = {"symbols": [{"symbol": [1]}, {}, _symbol()]}
        assert [s.symbol for s in loads(data, symbols=["BTCUSDT"])] == ["BTCUSDT"]

    def test_keyed_loads_share_nothing_across_loads(self) -> None:
        loads({"BTCUSDT": _symbol()})
        with pytest.raises(LoadError):  # the converter's caches too
            loads({"BTCUSDT": _symbol(), "ETHUSDT": _symbol(symbol="ETHUSDT", filters=[[1]])})
        assert not converter._DECIMALS
        assert not converter._SHARED_FILTERS
        assert not builders._DECIMALS
        assert not any(builders._SHARED)

    def test_a_key_naming_another_symbol_falls_back_to_the_converter(self) -> None:
        with pytest.raises(LoadError) as caught:
            loads({"ETHUSDT": _symbol()})
        assert caught.value.problems == (
            "$.ETHUSDT.symbol: expected 'ETHUSDT', the key, got string 'BTCUSDT'",
        )

    def test_a_good_snapshot_loads_without_cattrs(self) -> None:
        import subprocess
        import sys

        code = (
            "import sys, rules; rules.loads(open(sys.argv[1], 'rb').read());"
            "print(sorted(m for m in sys.modules if m.startswith(('cattrs', 'rules.model.conv'))))"
        )
        path = str(EXCHANGE_INFO / "spot-full-2023-08.json")
        out = subprocess.run(
            [sys.executable, "-c", code, path], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    @pytest.mark.parametrize(
        "raw",
        [
            [{"symbol": "A"}, {"symbol": "B"}, {"symbol": "A"}, {"symbol": "C"}],
            [{"symbol": "A"}, {"symbol": 7}, {"symbol": "B"}],
            [{"symbol": "B"}, "A", {"symbol": "A"}],
            [{"x": 1}, {"symbol": "A"}],
            [],
        ],
    )
    def test_selected_entries_are_found_alike_by_c_loops_and_python(self, raw: Any) -> None:
        for wanted in (frozenset({"A"}), frozenset({"A", "B"}), frozenset({"Z"}), frozenset()):
            expected = [
                s
                for s in raw
                if isinstance(s, dict) and type(s.get("symbol")) is str and s["symbol"] in wanted
            ]
            assert _chosen(raw, wanted) == expected

    @pytest.mark.parametrize(
        "items",
        [
            [{"a": 1, "filters": "xy"}],
            [{"a": 1, "filters": [{"b": 1}, [1, 2]]}],
            [{"a": 1}, {"b": 2, "filters": [{}]}],
            [{"a": 1}, "ab", [1]],
            [{"a": 1, "filters": [{"b": 1, "c": 2}]}, {"d": 1, "filters": []}],
        ],
    )
    def test_keys_of_a_list_are_counted_alike_by_c_loops_and_python(self, items: Any) -> None:
        expected = 0
        for item in items:
            if type(item) is dict:
                expected += len(item)
                inner = item.get("filters")
                if type(inner) is list:
                    expected += sum(len(f) for f in inner if type(f) is dict)
        assert _list_keys(items) == expected

    def test_a_repeated_name_is_ambiguous(self) -> None:
        """Which copy's rules apply cannot be told: a load error naming both (issue 12),
        never the first copy silently winning."""
        with pytest.raises(LoadError) as caught:
            loads(_info(_symbol(status="BREAK"), _symbol()))
        assert caught.value.problems == (
            "$.symbols[1].symbol: 'BTCUSDT' is listed twice, first at $.symbols[0] "
            "(ambiguous: which copy's rules apply?)",
        )

    def test_no_cattrs_error_escapes(self) -> None:
        with pytest.raises(LoadError) as caught:
            loads(_info(_symbol(filters=[[1]])))
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
def test_real_snapshots_skip_the_duplicate_key_hook(path: Path) -> None:
    """Every real snapshot is found free of repeated keys by the quick count (its
    ``:`` count equals the keys at the usual places), so it is parsed once, without
    the per-object hook (issue 11); the hook's refusals are in test_hostile_input."""
    text = path.read_text()
    assert text.count(":") == _usual_keys(json.loads(text))


_ICEBERG = {"filterType": "ICEBERG_PARTS", "limit": 1}
_NOTIONAL = {
    "filterType": "NOTIONAL",
    "minNotional": "5",
    "applyMinToMarket": True,
    "maxNotional": "9000",
    "applyMaxToMarket": False,
    "avgPriceMins": 5,
}


@pytest.mark.parametrize(
    ("place", "value", "problem"),
    [
        (("filters", 1, "limit"), True, "$.symbols[1].filters[1].limit: expected an integer"),
        (("filters", 1, "limit"), 1.0, "$.symbols[1].filters[1].limit: expected an integer"),
        (("filters", 2, "applyMinToMarket"), 1, "$.symbols[1].filters[2].applyMinToMarket"),
        (("filters", 2, "avgPriceMins"), 5.0, "$.symbols[1].filters[2].avgPriceMins"),
        (("orderTypes", 0), 1, "$.symbols[1].orderTypes[0]"),
    ],
)
def test_text_equal_to_the_previous_symbol_but_for_a_type_is_refused(
    place: tuple[Any, ...], value: Any, problem: str
) -> None:
    """Loaded from text, a value equal to the previous symbol's (``true == 1 == 1.0``)
    is still checked for its type (builders' rule 4: equality alone proves a string)."""
    first = _symbol(
        filters=[*_symbol()["filters"], dict(_ICEBERG), dict(_NOTIONAL)],
        orderTypes=["LIMIT", "MARKET"],
    )
    second = json.loads(json.dumps({**first, "symbol": "ETHUSDT"}))
    target: Any = second
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    good = loads(json.dumps(_info(first, {**first, "symbol": "ETHUSDT"})))
    assert good["ETHUSDT"].filters == good["BTCUSDT"].filters
    for text in (json.dumps(_info(first, second)), json.dumps(_info(first, second)).encode()):
        with pytest.raises(LoadError) as caught:
            loads(text)
        assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems
    with pytest.raises(LoadError):
        loads(_info(first, second))  # a mapping: checked whole
