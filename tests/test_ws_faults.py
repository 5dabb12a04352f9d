"""A hostile server cannot hang, flood or crash the client (issue 17).

Every scenario runs ``rules time`` (or ``fetch``) in a child process against a raw TCP
server that breaks the protocol on purpose, and checks what a bot relies on: exit 2,
one ``rules:`` line on stderr and no traceback, within the timeout plus one second,
and under 100 MB of memory (the child's peak resident size, VmHWM).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.server import ServerConnection

from rules.edge.ws import Client
from rules.errors import FetchTimeoutError, MalformedFrameError
from tests import _rawserver as raw
from tests._rawserver import RawServer, Scenario
from tests._wsserver import WsServer, exchange_info, ok_raw

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 2.0
MAX_RSS_MB = 100


# Runs ``python -m rules`` and then notes the process's own peak resident size
# (VmHWM of /proc/self/status: the peak since exec, unlike wait4's ru_maxrss, which
# also counts the forked pytest process before exec).
# The seconds are the command's own, from after the imports to the end: on a busy
# machine starting the interpreter alone can take seconds, and it is not the request.
_WRAPPER = """
import os, runpy, time
import rules.cli.main, rules.edge.ws, websocket
started = time.monotonic()
try:
    runpy.run_module("rules", run_name="__main__", alter_sys=True)
finally:
    seconds = time.monotonic() - started
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        peak = next(line for line in status if line.startswith("VmHWM:"))
        out.write(f"{peak.split()[1]} {seconds}")
"""


def _run(server: RawServer, *args: str) -> tuple[int, float, float, str, str]:
    """Exit code, seconds, peak MB, stdout, stderr of one ``rules`` run."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _WRAPPER,
                *args,
                "--url",
                server.url,
                "--timeout",
                str(TIMEOUT),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PEAK_FILE": str(peak_file)},
            check=False,
        )
        peak_kb, seconds = peak_file.read_text().split()
    return result.returncode, float(seconds), int(peak_kb) / 1024, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (raw.slow_handshake, f"no reply within {TIMEOUT:g} s"),
        (raw.slow_frame, f"no reply within {TIMEOUT:g} s"),
        (raw.header_flood, "the WebSocket handshake answer is larger than 65536 bytes"),
        (raw.endless_message, "a message from the server is larger than 33554432 bytes"),
        (raw.huge_frame, "a message from the server is larger than 33554432 bytes"),
        (raw.pinged_fragments, "a message from the server is larger than 33554432 bytes"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
@pytest.mark.parametrize("command", ["time", "fetch"])
def test_a_hostile_server_is_cut_off(
    scenario: Scenario, message: str, command: str, tmp_path: Path
) -> None:
    output = tmp_path / "info.json"
    output.write_text("before\n")
    extra = ["--output", str(output)] if command == "fetch" else []
    with RawServer(scenario) as server:
        code, seconds, peak, out, err = _run(server, command, *extra)
    assert code == 2
    assert out == ""
    assert err.startswith(f"rules: {message}")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert seconds < TIMEOUT + 1
    assert peak < MAX_RSS_MB
    assert output.read_text() == "before\n"  # untouched


def test_the_message_size_is_configurable() -> None:
    with RawServer(raw.huge_frame) as server:
        code, seconds, peak, _, err = _run(server, "time", "--max-message-size", "1048576")
    assert code == 2
    assert err.startswith("rules: a message from the server is larger than 1048576 bytes")
    assert seconds < TIMEOUT + 1
    assert peak < 60


@pytest.mark.parametrize("size", ["1023", "-5", "1e9", "", "x"])
def test_a_bad_message_size_is_refused_by_the_parser(size: str) -> None:
    with RawServer(raw.huge_frame) as server:
        code, _, _, _, err = _run(server, "time", "--max-message-size", size)
    assert code == 2
    assert "--max-message-size" in err
    assert "Traceback" not in err


class TestInProcess:
    def test_one_deadline_for_the_whole_request(self) -> None:
        with RawServer(raw.slow_frame) as server, Client(server.url, timeout=1.0) as client:
            started = time.monotonic()
            with pytest.raises(FetchTimeoutError):
                client.time()
            assert time.monotonic() - started < 2.0

    def test_the_size_error_names_the_limit(self) -> None:
        from rules.edge.ws import ResponseTooLargeError

        with (
            RawServer(raw.endless_message) as server,
            Client(server.url, timeout=5.0, max_message_size=2 * 1024 * 1024) as client,
            pytest.raises(ResponseTooLargeError, match="larger than 2097152 bytes"),
        ):
            client.time()

    @pytest.mark.parametrize("size", [0, 1023, True, 1.5, "65536"])
    def test_bad_sizes(self, size: object) -> None:
        with pytest.raises((TypeError, ValueError), match="max_message_size"):
            Client("ws://127.0.0.1:1/", max_message_size=size)  # type: ignore[arg-type]

    def test_server_time_out_of_range_is_a_malformed_frame(self) -> None:
        from rules.edge.protocol import Response, clock_offset

        for server_time in (2**80, -1, 10**4000):
            text = f'{{"serverTime":{str(server_time)[:50]}}}'
            response = Response("1", 200, {"serverTime": server_time}, text)
            with pytest.raises(MalformedFrameError, match="out of range"):
                clock_offset(response, sent=0.0, received=1.0)


class TestCredentialsAreNeverPrinted:
    def test_redact_url(self) -> None:
        from rules.errors import redact_url

        assert redact_url("ws://u:p@h:1/x?y#z") == "ws://***@h:1/x?y#z"
        assert redact_url("wss://h/p@q") == "wss://h/p@q"  # an @ in the path is not userinfo
        assert redact_url("ws://h") == "ws://h"

    @pytest.mark.parametrize("command", ["ping", "time", "fetch"])
    def test_not_in_error_lines(self, command: str, tmp_path: Path) -> None:
        with RawServer(raw.slow_frame) as server:
            url = server.url.replace("ws://", "ws://bot:s3cret@")
            extra = ["--output", str(tmp_path / "x.json")] if command == "fetch" else []
            result = subprocess.run(
                [sys.executable, "-m", "rules", command, "--url", url, "--timeout", "0.5", *extra],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
        assert result.returncode == 2
        assert "s3cret" not in result.stderr + result.stdout
        assert "ws://***@127.0.0.1" in result.stderr

    def test_not_in_a_bad_url_error(self) -> None:
        with pytest.raises(ValueError, match=r"\*\*\*@") as raised:
            Client("http://bot:s3cret@example.com/")
        assert "s3cret" not in str(raised.value)


class TestServerTimeOutOfRange:
    """serverTime 2**80 or 4,000 digits: exit 2, one line, the output file untouched."""

    @staticmethod
    def _reply(server_time: str) -> Any:
        def reply(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
            if request["method"] == "time":
                conn.send(ok_raw(request, f'{{"serverTime": {server_time}}}'))
            else:
                info = json.dumps(exchange_info()).replace(
                    '"serverTime": 1700000000000', f'"serverTime": {server_time}'
                )
                conn.send(ok_raw(request, info))

        return reply

    @pytest.mark.parametrize(
        "server_time", [str(2**80), "9" * 4000, "-1"], ids=["2**80", "4000 digits", "-1"]
    )
    @pytest.mark.parametrize("command", ["time", "fetch"])
    def test_exit_2_and_nothing_written(
        self, command: str, server_time: str, tmp_path: Path
    ) -> None:
        output = tmp_path / "info.json"
        output.write_text("before\n")
        extra = ["--output", str(output)] if command == "fetch" else []
        with WsServer(self._reply(server_time)) as server:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "rules",
                    command,
                    "--url",
                    server.url,
                    "--timeout",
                    "5",
                    *extra,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
                timeout=60,
            )
        assert result.returncode == 2
        assert result.stderr.startswith("rules: ")
        assert result.stderr.count("\n") == 1
        assert "serverTime" in result.stderr
        assert len(result.stderr) < 400
        assert output.read_text() == "before\n"


def test_a_dribbled_tls_handshake_is_cut_off_at_the_timeout() -> None:
    import ssl

    import trustme

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    with WsServer(ssl_context=server_context) as tls:
        with Client(tls.url, timeout=5, ssl_context=client_context) as direct:
            assert direct.ping().result == {}  # the server itself answers
        with (
            RawServer(raw.slow_relay(tls.port)) as relay,
            Client(
                relay.url.replace("ws://", "wss://"), timeout=1.0, ssl_context=client_context
            ) as client,
        ):
            started = time.monotonic()
            with pytest.raises(FetchTimeoutError, match=r"no reply within 1 s"):
                client.ping()
            assert time.monotonic() - started < 2.0
