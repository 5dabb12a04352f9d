"""``rules fetch``, ``rules ping`` and ``rules time`` against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import trustme
from websockets.sync.server import ServerConnection

from rules.cli.main import Streams, run
from rules.edge.ws import DEFAULT_URL
from tests._wsserver import (
    FULL_SNAPSHOT,
    WsServer,
    closed_port,
    drop_tcp,
    error,
    ok,
    ok_raw,
)

pytestmark = pytest.mark.slow

OLD = b'{"old": "snapshot, must survive"}\n'
Reply = Callable[[WsServer, ServerConnection, dict[str, Any]], None]


def cli(*argv: str) -> tuple[int, str, str]:
    streams = Streams(StringIO(), StringIO(), StringIO())
    code = run(list(argv), streams=streams)
    assert isinstance(streams.stdout, StringIO)
    assert isinstance(streams.stderr, StringIO)
    return code, streams.stdout.getvalue(), streams.stderr.getvalue()


class TestFetch:
    """fetch writes the result object to --output atomically; exit 0."""

    def test_writes_the_result(self, tmp_path: Path) -> None:
        out = tmp_path / "info.json"
        with WsServer() as server:
            code, stdout, stderr = cli("fetch", "--url", server.url, "--output", str(out))
        assert (code, stderr) == (0, "")
        assert stdout == f"wrote 1 symbol (2023-11-14T22:13:20.000+00:00) to {out}\n"
        assert json.loads(out.read_text())["symbols"][0]["symbol"] == "BTCUSDT"
        assert server.requests[0]["method"] == "exchangeInfo"
        assert "params" not in server.requests[0]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["info.json"]

    @pytest.mark.parametrize(
        ("args", "params"),
        [
            (["--symbol", "BNBBTC"], {"symbol": "BNBBTC"}),
            (["--symbol", "BNBBTC", "--symbol", "ETHBTC"], {"symbols": ["BNBBTC", "ETHBTC"]}),
            (["--permissions", "SPOT"], {"permissions": ["SPOT"]}),
            (
                ["--permissions", "SPOT", "--permissions", "MARGIN"],
                {"permissions": ["SPOT", "MARGIN"]},
            ),
            (["--symbol-status", "BREAK"], {"symbolStatus": "BREAK"}),
            (
                ["--permissions", "SPOT", "--symbol-status", "HALT"],
                {"permissions": ["SPOT"], "symbolStatus": "HALT"},
            ),
        ],
    )
    def test_parameters(self, tmp_path: Path, args: list[str], params: dict[str, Any]) -> None:
        out = tmp_path / "info.json"
        with WsServer() as server:
            code, _, stderr = cli(
                "fetch", "--url", server.url, *args, "--timeout", "10", "--output", str(out)
            )
        assert (code, stderr) == (0, "")
        assert server.requests[0]["params"] == params

    def test_full_snapshot_byte_for_byte(self, tmp_path: Path) -> None:
        text = FULL_SNAPSHOT.read_text(encoding="utf-8").strip()

        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(ok_raw(request, text))

        out = tmp_path / "info.json"
        out.write_bytes(OLD)
        with WsServer(reply) as server:
            code, stdout, stderr = cli("fetch", "--url", server.url, "--output", str(out))
        assert (code, stderr) == (0, "")
        assert stdout.startswith("wrote 2048 symbols (2022-05-")
        assert out.read_text(encoding="utf-8") == text + "\n"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["--symbol", "BNBBTC", "--permissions", "SPOT"],
                "rules: only one of symbol, symbols and permissions may be given, "
                "not ['symbol', 'permissions']\n",
            ),
            (
                ["--symbol", "A", "--symbol", "B", "--symbol-status", "TRADING"],
                "rules: symbol_status cannot be combined with symbols\n",
            ),
            (
                ["--symbol", "A", "--symbol", "A"],
                "rules: symbols lists A more than once\n",
            ),
        ],
    )
    def test_forbidden_combinations_send_nothing(
        self, tmp_path: Path, args: list[str], message: str
    ) -> None:
        out = tmp_path / "info.json"
        with WsServer() as server:
            code, stdout, stderr = cli("fetch", "--url", server.url, *args, "--output", str(out))
        assert (code, stdout, stderr) == (2, "", message)
        assert server.connections == 0
        assert not out.exists()

    @pytest.mark.parametrize(
        ("args", "fragment"),
        [
            (["--symbol-status", "CLOSED"], "argument --symbol-status: invalid choice: 'CLOSED'"),
            (["--timeout", "0"], "must be more than 0 and at most 86400 seconds (one day): '0'"),
            (["--timeout", "1e300"], "at most 86400 seconds (one day): '1e300'"),
            (["--timeout", "86400.5"], "at most 86400 seconds (one day): '86400.5'"),
            (["--timeout", "inf"], "at most 86400 seconds (one day): 'inf'"),
            (["--timeout", "nan"], "at most 86400 seconds (one day): 'nan'"),
            (["--timeout", "soon"], "not a number of seconds: 'soon'"),
            (["--url", "https://api.binance.com"], "expected a ws:// or wss:// URL"),
        ],
    )
    def test_usage_errors(self, tmp_path: Path, args: list[str], fragment: str) -> None:
        code, stdout, stderr = cli("fetch", *args, "--output", str(tmp_path / "x"))
        assert (code, stdout) == (2, "")
        assert fragment in stderr
        assert stderr.count("\n") == 1

    def test_longest_timeout(self, tmp_path: Path) -> None:
        out = tmp_path / "info.json"
        with WsServer() as server:
            code, _, stderr = cli(
                "fetch", "--url", server.url, "--timeout", "86400", "--output", str(out)
            )
        assert (code, stderr) == (0, "")
        assert json.loads(out.read_text())["serverTime"] == 1_700_000_000_000

    def test_symbol_that_cannot_be_sent(self, tmp_path: Path) -> None:
        # An undecodable byte in argv arrives as a lone surrogate (surrogateescape).
        out = tmp_path / "info.json"
        with WsServer() as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--symbol", "BTC\udcff", "--output", str(out)
            )
        assert (code, stdout) == (2, "")
        assert stderr.startswith("rules: parameters are not JSON: 'utf-8' codec can't encode")
        assert stderr.count("\n") == 1
        assert server.connections == 0
        assert not out.exists()

    def test_output_is_required(self) -> None:
        code, _, stderr = cli("fetch")
        assert code == 2
        assert "the following arguments are required: --output" in stderr

    def test_cache(self, tmp_path: Path) -> None:
        from rules.edge.cache import SnapshotCache

        cache = SnapshotCache(tmp_path / "snapshots")
        with WsServer() as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--cache", str(cache.directory)
            )
            assert (code, stderr) == (0, "")
            saved = cache.latest()
            assert stdout == (f"saved 1 symbol (2023-11-14T22:13:20.000+00:00) to {saved.path}\n")
            assert saved.server_time == 1700000000000
            assert cache.load_at(saved.server_time)["BTCUSDT"].symbol == "BTCUSDT"
            # Again, with --output too: the same snapshot is one file; the output is written.
            out = tmp_path / "info.json"
            code, stdout, _ = cli(
                "fetch", "--url", server.url, "--cache", str(cache.directory), "--output", str(out)
            )
        assert code == 0
        assert stdout.splitlines()[1] == f"wrote 1 symbol (2023-11-14T22:13:20.000+00:00) to {out}"
        assert cache.snapshots() == [saved]
        assert saved.read_text() + "\n" == out.read_text()

    def test_cache_that_cannot_be_written(self, tmp_path: Path) -> None:
        (tmp_path / "file").write_text("not a directory")
        with WsServer() as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--cache", str(tmp_path / "file" / "sub")
            )
        assert (code, stdout) == (2, "")
        assert stderr.startswith("rules: cannot save in the cache ")

    def test_default_url(self) -> None:
        from rules.cli.main import build_parser

        args = build_parser().parse_args(["fetch", "--output", "x"])
        assert args.url == DEFAULT_URL == "wss://ws-api.binance.com:443/ws-api/v3"
        assert args.timeout == 10.0

    def test_unwritable_output(self, tmp_path: Path) -> None:
        with WsServer() as server:
            code, _, stderr = cli(
                "fetch", "--url", server.url, "--output", str(tmp_path / "no" / "x.json")
            )
        assert code == 2
        assert stderr.startswith(f"rules: cannot write {str(tmp_path / 'no' / 'x.json')!r}")


def _send(frame: Callable[[dict[str, Any]], str]) -> Reply:
    def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
        conn.send(frame(request))

    return reply


def _slow(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
    server.stop.wait(5)


def _close(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
    conn.close()


def _drop(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
    drop_tcp(conn)


FAILURES: list[tuple[str, Reply, str]] = [
    (
        "error envelope",
        _send(lambda r: error(r, 400, -1121, "Invalid symbol.")),
        "Binance error -1121: Invalid symbol. (status 400)",
    ),
    (
        "429",
        _send(lambda r: error(r, 429, -1003, "Too much request weight used.", retryAfter=1700)),
        "Binance error -1003: Too much request weight used. (status 429); "
        "retry after 1700 (ms since epoch)",
    ),
    (
        "429, retryAfter not an integer",
        _send(lambda r: error(r, 429, -1003, "Too much request weight used.", retryAfter="soon")),
        "Binance error -1003: Too much request weight used. (status 429)\n",
    ),
    (
        "418",
        _send(lambda r: error(r, 418, -1003, "Way too much request weight used; IP banned.")),
        "Binance error -1003: Way too much request weight used; IP banned. (status 418)",
    ),
    ("timeout", _slow, "no reply within 0.3 s"),
    ("closed", _close, "the server closed the connection before the reply (close code 1000)"),
    ("tcp dropped", _drop, "the server closed the connection before the reply"),
    (
        "non-JSON frame",
        _send(lambda r: "Service Unavailable"),
        "received a frame that is not a WebSocket API response (not a JSON object): "
        "'Service Unavailable'",
    ),
    (
        "result not an exchangeInfo",
        _send(lambda r: ok(r, {"serverTime": 1})),
        "the result is not an exchangeInfo:",
    ),
    (
        "result not an object",
        _send(lambda r: ok(r, [1, 2])),
        "the result is not an exchangeInfo: $: expected an exchangeInfo object, got an array\n",
    ),
    (
        "result with a bad symbol",
        _send(lambda r: ok(r, {"serverTime": 1, "symbols": [{"symbol": 7}]})),
        "the result is not an exchangeInfo: $.symbols[0].symbol: expected a string, "
        "got integer 7 (and 3 more problems)\n",
    ),
]


class TestFetchFailures:
    """Every failure: exit 2, one line on stderr, the old output file intact, no temp file."""

    def test_redirect(self, tmp_path: Path) -> None:
        out = tmp_path / "info.json"
        out.write_bytes(OLD)
        with WsServer() as target, WsServer(redirect=(307, target.url)) as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--timeout", "0.3", "--output", str(out)
            )
        assert (code, stdout) == (2, "")
        assert stderr == (
            f"rules: the server answered the WebSocket handshake with a redirect "
            f"(HTTP 307 to {target.url!r}); redirects are not followed: "
            f"use the final URL ({server.url})\n"
        )
        assert target.connections == 0
        assert out.read_bytes() == OLD

    @pytest.mark.parametrize(
        ("reply", "message"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES]
    )
    def test_failure(self, tmp_path: Path, reply: Reply, message: str) -> None:
        out = tmp_path / "info.json"
        out.write_bytes(OLD)
        with WsServer(reply) as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--timeout", "0.3", "--output", str(out)
            )
        assert (code, stdout) == (2, "")
        assert stderr.startswith(f"rules: {message}")
        assert stderr.count("\n") == 1
        assert stderr.endswith("\n")
        assert "Traceback" not in stderr
        assert out.read_bytes() == OLD
        assert sorted(p.name for p in tmp_path.iterdir()) == ["info.json"]

    def test_refused(self, tmp_path: Path) -> None:
        out = tmp_path / "info.json"
        out.write_bytes(OLD)
        url = f"ws://127.0.0.1:{closed_port()}/ws-api/v3"
        code, stdout, stderr = cli("fetch", "--url", url, "--timeout", "0.3", "--output", str(out))
        assert (code, stdout, stderr) == (
            2,
            "",
            f"rules: connection refused ({url})\n",
        )
        assert out.read_bytes() == OLD
        assert sorted(p.name for p in tmp_path.iterdir()) == ["info.json"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(ca: trustme.CA, host: str) -> WsServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(host).configure_cert(context)
    return WsServer(ssl_context=context)


class TestFetchTls:
    """wss:// with a throwaway CA: trusted through SSL_CERT_FILE it works; otherwise exit 2."""

    @pytest.mark.parametrize(
        ("trusted", "host", "message"),
        [
            (True, "127.0.0.1", None),
            (False, "127.0.0.1", "TLS verification failed: unable to get local issuer certificate"),
            (True, "ws-api.example.test", "TLS verification failed: IP address mismatch"),
        ],
        ids=["trusted", "untrusted", "wrong host name"],
    )
    def test_wss(
        self,
        ca: trustme.CA,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        trusted: bool,
        host: str,
        message: str | None,
    ) -> None:
        (ca if trusted else trustme.CA()).cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        out = tmp_path / "info.json"
        out.write_bytes(OLD)
        with _tls_server(ca, host) as server:
            code, stdout, stderr = cli(
                "fetch", "--url", server.url, "--timeout", "10", "--output", str(out)
            )
        if message is None:
            assert (code, stderr) == (0, "")
            assert json.loads(out.read_text())["serverTime"] == 1_700_000_000_000
        else:
            assert (code, stdout) == (2, "")
            assert stderr.startswith(f"rules: {message}")
            assert stderr.count("\n") == 1
            assert out.read_bytes() == OLD
            assert server.requests == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ca.pem", "info.json"]


class TestPingAndTime:
    """ping and time print one result; failures are exit 2 with one line."""

    def test_ping(self) -> None:
        with WsServer() as server:
            code, stdout, stderr = cli("ping", "--url", server.url)
        assert (code, stdout, stderr) == (0, f"ok: {server.url} answered ping\n", "")

    def test_time(self) -> None:
        with WsServer(clock_ms=lambda: 1_656_400_526_260) as server:
            code, stdout, stderr = cli("time", "--url", server.url)
        assert (code, stderr) == (0, "")
        first, second = stdout.splitlines()
        assert first == "server time: 2022-06-28T07:15:26.260+00:00 (1656400526260)"
        # The fixed server clock is years behind ours, so the offset is large and negative.
        assert second.startswith("local offset: -")
        assert "ms (the local clock is ahead of the server; round trip " in second

    @pytest.mark.parametrize("command", ["ping", "time"])
    def test_failure(self, command: str) -> None:
        url = f"ws://127.0.0.1:{closed_port()}/ws-api/v3"
        code, stdout, stderr = cli(command, "--url", url)
        assert (code, stdout, stderr) == (
            2,
            "",
            f"rules: connection refused ({url})\n",
        )

    def test_time_error_envelope(self) -> None:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            conn.send(error(request, 403, -1000, "Blocked by WAF."))

        with WsServer(reply) as server:
            code, _, stderr = cli("time", "--url", server.url)
        assert (code, stderr) == (
            2,
            "rules: Binance error -1000: Blocked by WAF. (status 403)\n",
        )


class TestSubprocess:
    """python -m rules, for real: exit codes and no traceback."""

    def test_fetch_ok_and_failure(self, tmp_path: Path) -> None:
        out = tmp_path / "info.json"

        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            params = request.get("params", {})
            if params.get("symbol") == "NOPE":
                conn.send(error(request, 400, -1121, "Invalid symbol."))
            else:
                conn.send(ok(request, {"serverTime": 1, "symbols": []}))

        with WsServer(reply) as server:
            done = subprocess.run(
                [sys.executable, "-m", "rules", "fetch", "--url", server.url, "--output", str(out)],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert (done.returncode, done.stderr) == (0, "")
            assert json.loads(out.read_text()) == {"serverTime": 1, "symbols": []}
            before = out.read_bytes()
            argv = ["fetch", "--url", server.url, "--symbol", "NOPE", "--output", str(out)]
            failed = subprocess.run(
                [sys.executable, "-m", "rules", *argv],
                capture_output=True,
                text=True,
                timeout=30,
            )
        assert failed.returncode == 2
        assert failed.stdout == ""
        assert failed.stderr == "rules: Binance error -1121: Invalid symbol. (status 400)\n"
        assert out.read_bytes() == before
