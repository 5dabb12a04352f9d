"""rules.edge.ws: the pure request builder and response parser, then the client against a real
WebSocket server on 127.0.0.1 (``tests/_wsserver.py``; never Binance, never a mock)."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from websockets.sync.server import ServerConnection

from rules.edge.ws import (
    DEFAULT_URL,
    MAX_TIMEOUT,
    Client,
    RateLimitStatus,
    Response,
    build_request,
    clock_offset,
    exchange_info_params,
    fetch,
    parse_response,
)
from rules.errors import (
    ApiError,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    FetchTlsError,
    IpBannedError,
    MalformedFrameError,
    RateLimitedError,
    RulesError,
)
from tests._wsserver import (
    FULL_SNAPSHOT,
    RATE_LIMITS,
    WsServer,
    closed_port,
    drop_tcp,
    error,
    ok,
    ok_raw,
)

WEIGHT = RateLimitStatus("REQUEST_WEIGHT", "MINUTE", 1, 6000, 21)
TIMEOUT = 0.3  # the tests that expect a timeout
PATIENT = 10.0  # the others: a loaded machine never turns their answer into a timeout


# ============================================================================ pure parts


class TestBuildRequest:
    """A request is one JSON text frame {"id", "method", "params"?} with a unique id."""

    def test_frame(self) -> None:
        request = build_request("exchangeInfo", {"symbol": "BNBBTC"}, request_id="r1")
        assert request.text == '{"id":"r1","method":"exchangeInfo","params":{"symbol":"BNBBTC"}}'
        assert (request.id, request.method, dict(request.params)) == (
            "r1",
            "exchangeInfo",
            {"symbol": "BNBBTC"},
        )

    def test_params_omitted_when_empty(self) -> None:
        assert json.loads(build_request("ping", {}).text).keys() == {"id", "method"}

    def test_ids_are_unique(self) -> None:
        ids = {build_request("ping").id for _ in range(1000)}
        assert len(ids) == 1000

    @pytest.mark.parametrize("secret", ["apiKey", "signature"])
    def test_refuses_credentials(self, secret: str) -> None:
        with pytest.raises(ValueError, match=rf"refusing to send credentials \({secret}\)"):
            build_request("exchangeInfo", {secret: "x"})

    def test_refuses_non_json(self) -> None:
        with pytest.raises(ValueError, match="parameters are not JSON"):
            build_request("time", {"x": float("nan")})

    def test_refuses_text_that_cannot_be_sent(self) -> None:
        # An undecodable byte in argv becomes a lone surrogate; UTF-8 cannot encode it.
        with pytest.raises(ValueError, match=r"parameters are not JSON: .*surrogates not allowed"):
            build_request("exchangeInfo", {"symbol": "BTC\udcff"})

    def test_refuses_empty_method(self) -> None:
        with pytest.raises(ValueError, match="expected a method name, not ''"):
            build_request("")


class TestExchangeInfoParams:
    """web-socket-api.md § Exchange information: the parameters and their combinations."""

    @pytest.mark.parametrize(
        ("kwargs", "params"),
        [
            ({}, {}),
            ({"symbol": "BNBBTC"}, {"symbol": "BNBBTC"}),
            ({"symbols": ["BNBBTC", "BTCUSDT"]}, {"symbols": ["BNBBTC", "BTCUSDT"]}),
            ({"symbols": ("BNBBTC",)}, {"symbols": ["BNBBTC"]}),
            ({"permissions": "SPOT"}, {"permissions": "SPOT"}),
            ({"permissions": ["SPOT", "MARGIN"]}, {"permissions": ["SPOT", "MARGIN"]}),
            ({"show_permission_sets": False}, {"showPermissionSets": False}),
            ({"symbol_status": "HALT"}, {"symbolStatus": "HALT"}),
            (
                {"permissions": ["SPOT"], "symbol_status": "TRADING"},
                {"permissions": ["SPOT"], "symbolStatus": "TRADING"},
            ),
            (
                {"symbol": "BNBBTC", "show_permission_sets": True},
                {"symbol": "BNBBTC", "showPermissionSets": True},
            ),
        ],
    )
    def test_allowed(self, kwargs: dict[str, Any], params: dict[str, Any]) -> None:
        assert exchange_info_params(**kwargs) == params

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"symbol": "A", "symbols": ["B"]},
                "only one of symbol, symbols and permissions may be given, "
                "not ['symbol', 'symbols']",
            ),
            (
                {"symbol": "A", "permissions": "SPOT"},
                "only one of symbol, symbols and permissions may be given, "
                "not ['symbol', 'permissions']",
            ),
            (
                {"symbols": ["A"], "permissions": ["SPOT"]},
                "only one of symbol, symbols and permissions may be given, "
                "not ['symbols', 'permissions']",
            ),
            (
                {"symbol": "A", "symbol_status": "TRADING"},
                "symbol_status cannot be combined with symbol",
            ),
            (
                {"symbols": ["A"], "symbol_status": "BREAK"},
                "symbol_status cannot be combined with symbols",
            ),
            (
                {"symbol_status": "END_OF_DAY"},
                "symbol_status must be one of TRADING, HALT, BREAK, not 'END_OF_DAY'",
            ),
            ({"symbols": []}, "symbols must not be an empty list"),
            ({"symbols": ["A", "B", "A"]}, "symbols lists A more than once"),
            ({"symbol": ""}, "symbol must not be empty"),
            ({"permissions": []}, "permissions must not be an empty list"),
        ],
    )
    def test_forbidden(self, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match=r"\w") as raised:
            exchange_info_params(**kwargs)
        assert str(raised.value) == message

    @pytest.mark.parametrize(
        "kwargs",
        [{"symbols": "BTCUSDT"}, {"symbol": 1}, {"show_permission_sets": "no"}, {"symbols": [1]}],
    )
    def test_wrong_types(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(TypeError):
            exchange_info_params(**kwargs)


def envelope(**fields: Any) -> str:
    return json.dumps({"id": "r1", **fields})


class TestParseResponse:
    """Match the id, unwrap result, turn an error envelope into a typed error."""

    def test_result(self) -> None:
        response = parse_response(
            envelope(status=200, result={"serverTime": 1}, rateLimits=RATE_LIMITS),
            request_id="r1",
        )
        assert response == Response("r1", 200, {"serverTime": 1}, '{"serverTime": 1}', (WEIGHT,))

    def test_result_text_is_exact(self) -> None:
        text = '{ "id" : "r1" ,"status":200, "result" :{"a": 1.50, "b":"x\\u00e9"}\n}'
        response = parse_response(text, request_id="r1")
        assert response is not None
        assert response.result_text == '{"a": 1.50, "b":"x\\u00e9"}'
        assert response.result == {"a": 1.5, "b": "xé"}

    def test_bytes_and_integer_ids(self) -> None:
        response = parse_response(b'{"id":7,"status":200,"result":[]}', request_id=7)
        assert response is not None
        assert (response.id, response.result, response.rate_limits) == (7, [], ())

    @pytest.mark.parametrize(
        "text",
        [
            envelope(status=200, result={}).replace('"r1"', '"other"'),
            envelope(status=400, error={"code": -1121, "msg": "x"}).replace('"r1"', '"other"'),
            '{"event": {"e": "serverShutdown", "E": 1770123456789}}',
        ],
        ids=["other id", "error for other id", "event"],
    )
    def test_not_for_this_request(self, text: str) -> None:
        assert parse_response(text, request_id="r1") is None

    def test_error_envelope(self) -> None:
        with pytest.raises(ApiError) as raised:
            parse_response(
                envelope(status=400, error={"code": -1121, "msg": "Invalid symbol."}),
                request_id="r1",
            )
        assert type(raised.value) is ApiError
        assert (raised.value.code, raised.value.msg, raised.value.status) == (
            -1121,
            "Invalid symbol.",
            400,
        )
        assert str(raised.value) == "Binance error -1121: Invalid symbol. (status 400)"

    def test_error_with_null_id_is_ours(self) -> None:
        text = json.dumps({"id": None, "status": 400, "error": {"code": -1135, "msg": "bad"}})
        with pytest.raises(ApiError, match="-1135"):
            parse_response(text, request_id="r1")

    def test_rate_limited(self) -> None:
        msg = "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
        text = envelope(
            status=429,
            error={"code": -1003, "msg": msg, "data": {"retryAfter": 1659146400000}},
        )
        with pytest.raises(RateLimitedError) as raised:
            parse_response(text, request_id="r1")
        assert type(raised.value) is RateLimitedError
        assert (raised.value.code, raised.value.status, raised.value.retry_after) == (
            -1003,
            429,
            1659146400000,
        )
        assert str(raised.value).endswith(
            "(status 429); retry after 1659146400000 (ms since epoch)"
        )

    def test_rate_limited_top_level_retry_after(self) -> None:
        text = envelope(status=429, error={"code": -1003, "msg": "m"}, retryAfter=5)
        with pytest.raises(RateLimitedError) as raised:
            parse_response(text, request_id="r1")
        assert raised.value.retry_after == 5

    def test_rate_limited_without_retry_after(self) -> None:
        text = envelope(status=429, error={"code": -1003, "msg": "m"})
        with pytest.raises(RateLimitedError) as raised:
            parse_response(text, request_id="r1")
        assert raised.value.retry_after is None
        assert str(raised.value) == "Binance error -1003: m (status 429)"

    @pytest.mark.parametrize("status", [429, 418])
    @pytest.mark.parametrize(
        "fields",
        [
            {"error": {"code": -1003, "msg": "m", "data": {"retryAfter": "1659146400000"}}},
            {"error": {"code": -1003, "msg": "m", "data": {"retryAfter": 1.6591464e12}}},
            {"error": {"code": -1003, "msg": "m", "data": {"retryAfter": True}}},
            {"error": {"code": -1003, "msg": "m", "data": {"retryAfter": None}}},
            {"error": {"code": -1003, "msg": "m", "data": {"retryAfter": {}}}},
            {"error": {"code": -1003, "msg": "m", "data": "soon"}},
            {"error": {"code": -1003, "msg": "m"}, "retryAfter": "later"},
        ],
        ids=["string", "float", "bool", "null", "object", "data not an object", "top level"],
    )
    def test_retry_after_not_an_integer_is_still_a_rate_limit(
        self, status: int, fields: dict[str, Any]
    ) -> None:
        with pytest.raises(RateLimitedError) as raised:
            parse_response(envelope(status=status, **fields), request_id="r1")
        assert type(raised.value) is (IpBannedError if status == 418 else RateLimitedError)
        assert (raised.value.status, raised.value.code, raised.value.retry_after) == (
            status,
            -1003,
            None,
        )
        assert str(raised.value) == f"Binance error -1003: m (status {status})"

    def test_retry_after_integer_wins_over_one_that_is_not(self) -> None:
        text = envelope(
            status=429, error={"code": -1003, "msg": "m", "data": {"retryAfter": "x"}}, retryAfter=7
        )
        with pytest.raises(RateLimitedError) as raised:
            parse_response(text, request_id="r1")
        assert raised.value.retry_after == 7

    def test_banned(self) -> None:
        text = envelope(
            status=418,
            error={
                "code": -1003,
                "msg": "Way too much request weight used; IP banned until 1659146400000.",
                "data": {"serverTime": 1659142907531, "retryAfter": 1659146400000},
            },
        )
        with pytest.raises(IpBannedError) as raised:
            parse_response(text, request_id="r1")
        assert isinstance(raised.value, RateLimitedError)
        assert (raised.value.status, raised.value.retry_after) == (418, 1659146400000)

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("not json", "not a JSON object"),
            ("", "not a JSON object"),
            ("[1]", "not a JSON object"),
            ('{"id":"r1","status":200,"result":{}', "expected ',' or '}'"),
            ('{"id":"r1","status":200,"result":{}} x', "extra data"),
            ('{"id":"r1","id":"r1","status":200,"result":{}}', "member 'id' appears twice"),
            ('{"id":"r1","status":200,"result":NaN}', "NaN is not JSON"),
            ('{"status":200,"result":{}}', "no id"),
            ('{"id":"r1","result":{}}', "status is not an integer: None"),
            ('{"id":"r1","status":"200","result":{}}', "status is not an integer: '200'"),
            ('{"id":"r1","status":200}', "status 200 without a result or an error"),
            ('{"id":"r1","status":500,"result":{}}', "status 500 without a result or an error"),
            ('{"id":"r1","status":400,"error":"bad"}', "error is not an object"),
            ('{"id":"r1","status":400,"error":{"code":"x","msg":"m"}}', "error without an integer"),
            ('{"id":[1],"status":200,"result":{}}', "id is not a string or an integer"),
            ('{"id":"r1","status":200,"result":{},"rateLimits":{}}', "rateLimits is not a list"),
            ('{"id":"r1","status":200,"result":{},"rateLimits":[{}]}', "rateLimits entry without"),
        ],
    )
    def test_malformed(self, text: str, reason: str) -> None:
        with pytest.raises(MalformedFrameError) as raised:
            parse_response(text, request_id="r1")
        assert "is not a WebSocket API response" in str(raised.value)
        assert reason in str(raised.value)

    def test_not_utf8(self) -> None:
        with pytest.raises(MalformedFrameError, match="not UTF-8"):
            parse_response(b'{"id":"\xff"}', request_id="r1")


class TestClockOffset:
    """offset = serverTime minus the local time at the midpoint of the round trip."""

    @pytest.mark.parametrize(
        ("server", "sent", "received", "offset", "round_trip"),
        [
            (1_000_600, 1_000_000.0, 1_000_200.0, 500, 200),
            (1_000_000, 1_000_000.0, 1_000_000.0, 0, 0),
            (999_000, 1_000_000.0, 1_000_010.0, -1005, 10),
        ],
    )
    def test_offset(
        self, server: int, sent: float, received: float, offset: int, round_trip: int
    ) -> None:
        response = Response("r", 200, {"serverTime": server}, "", (WEIGHT,))
        now = clock_offset(response, sent=sent, received=received)
        assert (now.server_time, now.offset, now.round_trip, now.rate_limits) == (
            server,
            offset,
            round_trip,
            (WEIGHT,),
        )

    def test_no_server_time(self) -> None:
        with pytest.raises(MalformedFrameError, match="no integer serverTime"):
            clock_offset(Response("r", 200, {}, "{}"), sent=0, received=0)


class TestImports:
    """`import rules` does not load websocket-client; only the shell does, when used."""

    def test_import_rules_does_not_import_websocket(self) -> None:
        code = (
            "import sys, rules, rules.edge.ws, rules.edge.cache, rules.edge.live, rules.cli.main; "
            "rules.cli.main.build_parser(); "
            "print('websocket' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout == "False\n"


class TestClientArguments:
    """Misuse is refused before anything is sent."""

    @pytest.mark.parametrize("url", ["https://example.com", "ws://", "example.com"])
    def test_bad_url(self, url: str) -> None:
        with pytest.raises(ValueError, match="expected a ws:// or wss:// URL"):
            Client(url)

    @pytest.mark.parametrize(
        "timeout",
        [
            0,
            -1.0,
            float("nan"),
            float("inf"),
            1e12,
            1e300,
            MAX_TIMEOUT + 0.001,
            pytest.param(10**400, id="10**400"),
        ],
    )
    def test_bad_timeout(self, timeout: float) -> None:
        with pytest.raises(
            ValueError, match=r"timeout must be more than 0 and at most 86400 seconds \(one day\)"
        ):
            Client(timeout=timeout)

    @pytest.mark.parametrize("timeout", ["10", True, None])
    def test_timeout_not_a_number(self, timeout: Any) -> None:
        with pytest.raises(TypeError, match="timeout must be a number of seconds"):
            Client(timeout=timeout)

    def test_longest_timeout(self) -> None:
        assert MAX_TIMEOUT == 86_400.0
        assert Client(timeout=MAX_TIMEOUT).timeout == MAX_TIMEOUT
        assert Client(timeout=1).timeout == 1.0

    def test_fetch_checks_the_timeout_before_sending(self, server: WsServer) -> None:
        with pytest.raises(ValueError, match="timeout must be more than 0"):
            fetch(server.url, timeout=float("inf"))
        assert server.connections == 0

    def test_no_option_turns_verification_off(self) -> None:
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        with pytest.raises(ValueError, match="must verify certificates and host names"):
            Client(ssl_context=unverified)
        unverified.verify_mode = ssl.CERT_NONE
        with pytest.raises(ValueError, match="must verify certificates and host names"):
            Client(ssl_context=unverified)

    def test_default_url(self) -> None:
        assert Client().url == DEFAULT_URL == "wss://ws-api.binance.com:443/ws-api/v3"


# ============================================================================ against a server

pytestmark_server = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[WsServer]:
    with WsServer() as running:
        yield running


def scripted(reply: Any, **kwargs: Any) -> WsServer:
    return WsServer(reply, **kwargs)


@pytestmark_server
class TestSuccess:
    """ping, time and exchangeInfo with each parameter, several on one connection."""

    def test_longest_timeout_connects(self, server: WsServer) -> None:
        with Client(server.url, timeout=MAX_TIMEOUT) as client:
            assert client.ping().result == {}
            assert client.time().server_time == 1_700_000_000_000

    def test_ping(self, server: WsServer) -> None:
        with Client(server.url, timeout=PATIENT) as client:
            response = client.ping()
        assert (response.status, response.result, response.rate_limits) == (200, {}, (WEIGHT,))
        assert client.rate_limits == (WEIGHT,)
        assert server.requests == [{"id": response.id, "method": "ping"}]

    def test_time_and_offset(self) -> None:
        ahead = 5_000  # the server's clock is 5 s ahead of ours

        def clock() -> int:
            return int(time.time() * 1000) + ahead

        with WsServer(clock_ms=clock) as server, Client(server.url, timeout=PATIENT) as client:
            now = client.time()
        assert server.requests[0]["method"] == "time"
        assert now.rate_limits == (WEIGHT,)
        assert 0 <= now.round_trip < 200
        assert abs(now.offset - ahead) <= now.round_trip + 2
        assert now.server_time - int(time.time() * 1000) <= ahead + 1

    @pytest.mark.parametrize(
        ("kwargs", "params"),
        [
            ({}, None),
            ({"symbol": "BNBBTC"}, {"symbol": "BNBBTC"}),
            ({"symbols": ["BNBBTC", "ETHBTC"]}, {"symbols": ["BNBBTC", "ETHBTC"]}),
            ({"permissions": ["SPOT", "MARGIN"]}, {"permissions": ["SPOT", "MARGIN"]}),
            ({"permissions": "SPOT"}, {"permissions": "SPOT"}),
            ({"show_permission_sets": False}, {"showPermissionSets": False}),
            ({"symbol_status": "TRADING"}, {"symbolStatus": "TRADING"}),
            (
                {"permissions": ["SPOT"], "symbol_status": "HALT"},
                {"permissions": ["SPOT"], "symbolStatus": "HALT"},
            ),
        ],
    )
    def test_exchange_info_parameters(
        self, server: WsServer, kwargs: dict[str, Any], params: dict[str, Any] | None
    ) -> None:
        with Client(server.url, timeout=PATIENT) as client:
            response = client.exchange_info(**kwargs)
        (request,) = server.requests
        assert request.get("params") == params
        assert request["method"] == "exchangeInfo"
        assert set(request) <= {"id", "method", "params"}
        assert response.result["serverTime"] == 1_700_000_000_000
        assert json.loads(response.result_text) == response.result

    def test_forbidden_combination_sends_nothing(self, server: WsServer) -> None:
        with (
            Client(server.url, timeout=PATIENT) as client,
            pytest.raises(ValueError, match="symbol_status"),
        ):
            client.exchange_info(symbol="BNBBTC", symbol_status="TRADING")
        assert (server.connections, server.requests) == (0, [])

    def test_several_requests_share_one_connection(self, server: WsServer) -> None:
        with Client(server.url, timeout=PATIENT) as client:
            client.ping()
            client.time()
            client.exchange_info(symbol="BNBBTC")
            with pytest.raises(ApiError):
                client.request("nope")
            client.ping()
        assert server.connections == 1
        assert [r["method"] for r in server.requests] == [
            "ping",
            "time",
            "exchangeInfo",
            "nope",
            "ping",
        ]
        assert len({r["id"] for r in server.requests}) == 5

    def test_never_sends_credentials(self, server: WsServer) -> None:
        with Client(server.url, timeout=PATIENT) as client:
            client.ping()
            client.time()
            client.exchange_info()
        (headers,) = server.headers
        # The handshake is websocket-client's plain one: no X-MBX-APIKEY, no Authorization.
        assert set(headers) <= {
            "host",
            "upgrade",
            "connection",
            "sec-websocket-key",
            "sec-websocket-version",
            "origin",
            "user-agent",
        }
        assert all(set(r) <= {"id", "method", "params"} for r in server.requests)
        assert all(
            set(r.get("params", {})).isdisjoint({"apiKey", "signature"}) for r in server.requests
        )

    def test_fetch_loads(self, server: WsServer) -> None:
        info = fetch(server.url, timeout=PATIENT, symbols=["BNBBTC", "ETHBTC"])
        assert info.server_time == 1_700_000_000_000
        assert [s.symbol for s in info] == ["BNBBTC", "ETHBTC"]

    def test_full_snapshot_in_one_4mb_frame(self) -> None:
        text = FULL_SNAPSHOT.read_text(encoding="utf-8").strip()
        assert len(text.encode()) > 4_000_000

        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(ok_raw(request, text))

        with WsServer(reply) as server, Client(server.url, timeout=10) as client:
            response = client.exchange_info()
        assert response.result_text == text  # byte for byte
        assert len(response.result["symbols"]) == 2048


def _answer_after(
    first: list[str],
) -> Any:
    """A reply that sends the frames ``first`` (``{id}`` filled in) before the answer."""

    def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
        for frame in first:
            conn.send(frame)
        conn.send(ok(request, {"serverTime": 42}))

    return reply


@pytestmark_server
class TestSkipped:
    """Frames that are not the answer are skipped: other ids, events, server pings."""

    @pytest.mark.parametrize(
        "first",
        [
            [ok({"id": "someone-else"}, {"serverTime": 1})],
            [error({"id": "someone-else"}, 400, -1121, "Invalid symbol.")],
            [json.dumps({"event": {"e": "serverShutdown", "E": 1770123456789}})],
        ],
        ids=["result for another id", "error for another id", "serverShutdown event"],
    )
    def test_frames_for_others(self, first: list[str]) -> None:
        with WsServer(_answer_after(first)) as server, Client(server.url, timeout=PATIENT) as c:
            assert c.time().server_time == 42

    def test_server_ping_frames_are_answered(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            for payload in (b"first", b"second"):
                pong = conn.ping(payload)
                server.events.append(f"{payload.decode()} pong: {pong.wait(PATIENT)}")
            conn.send(ok(request, {}))

        with WsServer(reply) as server, Client(server.url, timeout=1.0) as client:
            client.ping()
        assert server.events == ["first pong: True", "second pong: True"]


def _fails(reply: Any, timeout: float = PATIENT, **kwargs: Any) -> RulesError:
    """Run one ping against a server that answers with ``reply``; return the error."""
    with WsServer(reply, **kwargs) as server, Client(server.url, timeout=timeout) as client:
        with pytest.raises(RulesError) as raised:
            client.ping()
        assert client._ws is None or isinstance(raised.value, ApiError)
    return raised.value


@pytestmark_server
class TestFailures:
    """Each failure is a typed error of ours; no transport exception leaks."""

    def test_error_envelope(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(error(request, 400, -1121, "Invalid symbol."))

        with WsServer(reply) as server, Client(server.url, timeout=PATIENT) as client:
            with pytest.raises(ApiError) as raised:
                client.exchange_info(symbol="NOPE")
            assert client.rate_limits == (WEIGHT,)
        assert str(raised.value) == "Binance error -1121: Invalid symbol. (status 400)"

    def test_429_with_retry_after(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(error(request, 429, -1003, "Too much request weight used.", retryAfter=17))

        raised = _fails(reply)
        assert isinstance(raised, RateLimitedError)
        assert (raised.status, raised.code, raised.retry_after) == (429, -1003, 17)

    def test_418(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(error(request, 418, -1003, "IP banned until 99.", retryAfter=99))

        raised = _fails(reply)
        assert isinstance(raised, IpBannedError)
        assert (raised.status, raised.retry_after) == (418, 99)

    def test_reply_slower_than_the_timeout(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            server.stop.wait(5)

        started = time.monotonic()
        raised = _fails(reply, TIMEOUT)
        elapsed = time.monotonic() - started
        assert isinstance(raised, FetchTimeoutError)
        assert isinstance(raised, TimeoutError)
        assert str(raised).startswith("no reply within 0.3 s (ws://127.0.0.1:")
        assert TIMEOUT <= elapsed < TIMEOUT + 0.5

    def test_pings_do_not_extend_the_timeout(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            while not server.stop.wait(0.05):
                conn.ping()

        started = time.monotonic()
        assert isinstance(_fails(reply, TIMEOUT), FetchTimeoutError)
        assert time.monotonic() - started < TIMEOUT + 0.5

    def test_close_without_reply(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.close()

        raised = _fails(reply)
        assert isinstance(raised, FetchConnectionError)
        assert isinstance(raised, ConnectionError)
        assert "the server closed the connection before the reply (close code 1000)" in str(raised)

    def test_tcp_dropped_without_reply(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            drop_tcp(conn)

        raised = _fails(reply)
        assert isinstance(raised, FetchConnectionError)
        assert "the server closed the connection before the reply" in str(raised)

    def test_connection_refused(self) -> None:
        url = f"ws://127.0.0.1:{closed_port()}/ws-api/v3"
        with Client(url, timeout=PATIENT) as client, pytest.raises(FetchConnectionError) as raised:
            client.ping()
        assert str(raised.value) == f"connection refused ({url})"

    def test_handshake_refused(self) -> None:
        with (
            WsServer(reject_handshake=403) as server,
            Client(server.url, timeout=PATIENT) as client,
            pytest.raises(FetchConnectionError) as raised,
        ):
            client.ping()
        assert str(raised.value) == (
            f"the server refused the WebSocket handshake with HTTP 403 ({server.url})"
        )

    def test_non_json_frame(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send("<html>502 Bad Gateway</html>")

        raised = _fails(reply)
        assert isinstance(raised, MalformedFrameError)
        assert "not a WebSocket API response (not a JSON object): '<html>502" in str(raised)

    def test_binary_frame(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(b"\x00\x01sbe")

        raised = _fails(reply)
        assert isinstance(raised, MalformedFrameError)
        assert "binary frame" in str(raised)

    def test_exchange_info_result_not_an_object(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(ok(request, []))

        with (
            WsServer(reply) as server,
            Client(server.url, timeout=PATIENT) as client,
            pytest.raises(MalformedFrameError, match="exchangeInfo result is not an object"),
        ):
            client.exchange_info()

    def test_reconnects_after_a_failure(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            if len(server.requests) == 1:
                conn.send("garbage")
            else:
                conn.send(ok(request, {}))

        with WsServer(reply) as server, Client(server.url, timeout=PATIENT) as client:
            with pytest.raises(MalformedFrameError):
                client.ping()
            assert client.ping().result == {}
        assert server.connections == 2

    @pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
    def test_redirect_is_refused(self, status: int) -> None:
        with WsServer() as target, WsServer(redirect=(status, target.url)) as server:
            with (
                Client(server.url, timeout=PATIENT) as client,
                pytest.raises(FetchConnectionError) as raised,
            ):
                client.ping()
            assert target.connections == 0
        assert server.connections == 0
        assert str(raised.value) == (
            f"the server answered the WebSocket handshake with a redirect "
            f"(HTTP {status} to {target.url!r}); redirects are not followed: "
            f"use the final URL ({server.url})"
        )

    def test_redirect_without_location_is_refused(self) -> None:
        with (
            WsServer(reject_handshake=302) as server,
            Client(server.url, timeout=PATIENT) as client,
            pytest.raises(FetchConnectionError, match=r"with a redirect \(HTTP 302\); redirects"),
        ):
            client.ping()

    def test_an_unexpected_transport_exception_becomes_a_fetch_error(
        self, server: WsServer
    ) -> None:
        # Nothing known raises one today; _translate is the net under the transport.
        with Client(server.url, timeout=PATIENT) as client:
            client.ping()
            assert client._ws is not None
            with pytest.raises(FetchError) as raised, client._translate():
                raise OverflowError("timestamp out of range for platform time_t")
            assert client._ws is None  # the connection in an unknown state is dropped
            assert client.ping().result == {}  # and the next request opens a new one
        assert type(raised.value) is FetchError
        assert str(raised.value) == (
            "unexpected failure: OverflowError: timestamp out of range for platform time_t "
            f"({server.url})"
        )
        assert server.connections == 2

    def test_keyboard_interrupt_is_not_translated(self, server: WsServer) -> None:
        with Client(server.url, timeout=PATIENT) as client:
            client.ping()
            with pytest.raises(KeyboardInterrupt), client._translate():
                raise KeyboardInterrupt
            assert client._ws is None

    def test_every_failure_is_a_fetch_or_api_error(self) -> None:
        assert issubclass(FetchTimeoutError, FetchError)
        assert issubclass(FetchTlsError, FetchConnectionError)
        assert issubclass(MalformedFrameError, FetchError)
        assert issubclass(IpBannedError, ApiError)


# ============================================================================ wss://


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(ca: trustme.CA, *hosts: str) -> WsServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return WsServer(ssl_context=context)


@pytest.mark.slow
class TestTls:
    """wss:// verifies certificates and host names; a private CA is trusted via SSL_CERT_FILE."""

    def test_trusted_through_ssl_cert_file(
        self, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        with _tls_server(ca, "127.0.0.1") as server, Client(server.url, timeout=1) as client:
            assert server.url.startswith("wss://127.0.0.1:")
            assert client.ping().result == {}
            assert client.time().server_time == 1_700_000_000_000

    def test_untrusted(
        self, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        trustme.CA().cert_pem.write_to_path(str(tmp_path / "other.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "other.pem"))
        with (
            _tls_server(ca, "127.0.0.1") as server,
            Client(server.url, timeout=1) as client,
            pytest.raises(FetchTlsError) as raised,
        ):
            client.ping()
        assert str(raised.value) == (
            "TLS verification failed: unable to get local issuer certificate; "
            f"to trust a private CA, set SSL_CERT_FILE to its certificate file ({server.url})"
        )
        assert server.requests == []

    def test_wrong_host_name(
        self, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        with (
            _tls_server(ca, "ws-api.example.test") as server,
            Client(server.url, timeout=1) as client,
            pytest.raises(FetchTlsError) as raised,
        ):
            client.ping()
        assert str(raised.value) == (
            "TLS verification failed: IP address mismatch, "
            f"certificate is not valid for '127.0.0.1' ({server.url})"
        )
        assert server.requests == []

    def test_explicit_context(self, ca: trustme.CA) -> None:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        with (
            _tls_server(ca, "127.0.0.1") as server,
            Client(server.url, timeout=1, ssl_context=context) as client,
        ):
            assert client.ping().status == 200

    @pytest.mark.parametrize(
        "change", ["verify_mode", "check_hostname", "both"], ids=["CERT_NONE", "no host", "both"]
    )
    def test_context_changed_after_the_client_is_refused(self, ca: trustme.CA, change: str) -> None:
        context = ssl.create_default_context()  # does not trust the test CA
        with _tls_server(ca, "127.0.0.1") as server:
            client = Client(server.url, timeout=1, ssl_context=context)
            context.check_hostname = False
            if change != "check_hostname":
                context.verify_mode = ssl.CERT_NONE
            with client, pytest.raises(ValueError, match="must verify") as raised:
                client.ping()
        assert str(raised.value) == (
            "ssl_context must verify certificates and host names "
            "(verify_mode=CERT_REQUIRED, check_hostname=True) "
            "(it was changed after the Client was made)"
        )
        assert server.connections == 0
        assert server.requests == []

    def test_context_is_checked_before_every_connection(self, ca: trustme.CA) -> None:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        with (
            _tls_server(ca, "127.0.0.1") as server,
            Client(server.url, timeout=1, ssl_context=context) as client,
        ):
            assert client.ping().status == 200
            client.close()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            with pytest.raises(ValueError, match="changed after the Client was made"):
                client.ping()
            context.verify_mode = ssl.CERT_REQUIRED  # restored: verifying again is fine
            context.check_hostname = True
            assert client.ping().status == 200
        assert server.connections == 2

    def test_wss_redirect_to_plain_ws_is_refused(
        self, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        with (
            WsServer() as plain,
            WsServer(ssl_context=context, redirect=(301, plain.url)) as server,
        ):
            assert (server.url[:6], plain.url[:5]) == ("wss://", "ws://")
            with (
                Client(server.url, timeout=1) as client,
                pytest.raises(FetchConnectionError) as raised,
            ):
                client.ping()
            assert plain.connections == 0
            assert plain.requests == []
        assert not isinstance(raised.value, FetchTlsError)
        assert "with a redirect (HTTP 301 to 'ws://127.0.0.1:" in str(raised.value)
        assert "redirects are not followed" in str(raised.value)
