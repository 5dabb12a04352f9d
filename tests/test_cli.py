"""The command line shell: argument errors, help, and the ``show`` command."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rules.cli.main import Streams, run
from rules.examples import EXAMPLE_EXCHANGE_INFO


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), streams=Streams(io.StringIO(), out, err))
    return code, out.getvalue(), err.getvalue()


class TestShell:
    """Usage errors are exit 2 with one line; help is exit 0."""

    def test_no_command(self) -> None:
        code, out, err = call()
        assert code == 2
        assert out == ""
        assert err == "rules: error: the following arguments are required: command\n"

    def test_unknown_option(self) -> None:
        code, _, err = call("show", "--nope")
        assert code == 2
        assert err.startswith("rules: error: unrecognized arguments: --nope")

    def test_help(self) -> None:
        code, out, _ = call("--help")
        assert code == 0
        assert "show" in out

    def test_python_dash_m(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "rules", "show", "BTCUSDT"], capture_output=True, text=True
        )
        assert done.returncode == 0
        assert done.stdout.startswith("BTCUSDT  TRADING  BTC/USDT\n")
        assert done.stderr == ""

    def test_a_reader_that_goes_away_gets_no_traceback(self, tmp_path: Path) -> None:
        line = (
            '{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC",'
            '"price":"64000.01","quantity":"0.00150"}\n'
        )
        orders = tmp_path / "orders.jsonl"
        orders.write_text(line * 50_000)
        with orders.open() as stdin:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rules",
                    "check",
                    "--exchange-info",
                    str(EXAMPLE_EXCHANGE_INFO),
                ],
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert proc.stdout is not None
            assert proc.stderr is not None
            first = proc.stdout.readline()
            proc.stdout.close()  # like `| head -1`
            err = proc.stderr.read()
            proc.stderr.close()
            code = proc.wait(timeout=60)
        assert first.startswith(b'{"accepted": true')
        assert (code, err) == (2, b"")


class TestShow:
    """``rules show``: a summary of a symbol's rules."""

    def test_one_symbol(self) -> None:
        code, out, err = call("show", "--exchange-info", str(EXAMPLE_EXCHANGE_INFO), "SHIBUSDT")
        assert (code, err) == (0, "")
        assert "  permissions: (SPOT) AND (TRD_GRP_004 | TRD_GRP_005)\n" in out
        assert "  LOT_SIZE: minQty=1.00, maxQty=46116860414.00, stepSize=1.00\n" in out
        assert "applyMinToMarket=true" in out

    def test_every_symbol_by_default(self) -> None:
        code, out, _ = call("show")
        assert code == 0
        assert [line.split()[0] for line in out.splitlines() if not line.startswith(" ")] == [
            "BTCUSDT", "ETHBTC", "SHIBUSDT", "USDCUSDT", "BQXETH",
        ]  # fmt: skip

    def test_unknown_symbol(self) -> None:
        assert call("show", "NOPE") == (2, "", "rules: unknown symbol 'NOPE'\n")

    def test_any_case_is_accepted(self) -> None:
        # Issue 16: btcusdt is BTCUSDT (it used to be exit 2 with a hint).
        code, out, err = call("show", "btcusdt", "EthBtc")
        assert (code, err) == (0, "")
        heads = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
        assert heads == ["BTCUSDT", "ETHBTC"]
        assert out == call("show", "BTCUSDT", "ETHBTC")[1]

    def test_a_ccxt_pair_gets_the_name_meant(self) -> None:
        assert call("show", "BTC/USDT") == (
            2,
            "",
            "rules: unknown symbol 'BTC/USDT' (did you mean 'BTCUSDT'? Binance names have "
            "no '/': rules.interop.ccxt maps ccxt symbols)\n",
        )

    def test_a_lower_case_unknown_name_is_unknown(self) -> None:
        assert call("show", "btcusdt", "nope") == (2, "", "rules: unknown symbol 'NOPE'\n")

    def test_symbols_in_the_order_asked(self) -> None:
        code, out, _ = call("show", "SHIBUSDT", "BTCUSDT")
        assert code == 0
        heads = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
        assert heads == ["SHIBUSDT", "BTCUSDT"]

    def test_bad_file(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text('{"symbols": [1]')
        code, out, err = call("show", "--exchange-info", str(path))
        assert code == 2
        assert out == ""
        assert err.startswith(f"rules: cannot load exchangeInfo from {path}: $: not valid JSON")
        assert err.count("\n") == 1
