"""``rules check``'s two paths agree on everything the ``rules.testing`` strategies make.

The batched path (:mod:`rules.cli.batched`: chunks of lines through the columnar
engine) and the per-line path (each line through ``evaluate``) write the same output
lines, byte for byte, for orders of every type that pass every rule or break one
(:func:`rules.testing.orders_from_symbol`, any :data:`rules.testing.BREAKABLE` rule),
under every context shape (none, the market's own, any context of
:func:`rules.testing.contexts`), as bare params or wrapped, with their decimals as
strings, and with a parameter dropped, emptied or made odd.
"""

from __future__ import annotations

import io
import json
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("pyarrow")

from rules.checker.context import Context
from rules.cli import batched
from rules.cli.check import _Answers
from rules.cli.lines import input_lines
from rules.cli.streams import Streams
from rules.model.models import ExchangeInfo
from rules.testing import breakable_rules, contexts, markets, orders_from_symbol


@st.composite
def lines(draw: st.DrawFn) -> tuple[ExchangeInfo, list[str]]:
    market = draw(markets())
    info, symbol, context = market.info, market.symbol, market.context
    breakable = sorted(breakable_rules(symbol, info=info, context=context))
    out = []
    for _ in range(draw(st.integers(1, 12))):
        breaking = draw(st.none() | st.sampled_from(breakable)) if breakable else None
        order = draw(orders_from_symbol(symbol, info=info, context=context, breaking=breaking))
        params: dict[str, Any] = dict(order.to_params())
        change = draw(st.integers(0, 9))
        names = sorted(params)
        if change == 0 and names:
            del params[draw(st.sampled_from(names))]
        elif change == 1 and names:
            odd = draw(st.sampled_from(["", "x", "1e3", "-1", None, 7]))
            params[draw(st.sampled_from(names))] = odd
        elif change == 2:
            params[draw(st.sampled_from(["foo", "newClientOrderId", "recvWindow"]))] = "1"
        own: Context | None = draw(st.sampled_from([None, context]) | contexts())
        if own is None:
            out.append(json.dumps(params))
        else:
            out.append(json.dumps({"params": params, "context": own.to_mapping()}))
    return market.info, out


def _outputs(info: ExchangeInfo, text: str, batch: bool) -> tuple[str, str, bool, bool]:
    out, err = io.StringIO(), io.StringIO()
    answers = _Answers(info, {}, Streams(io.StringIO(), out, err))
    source = input_lines(io.StringIO(text))
    if batch:
        from rules.batch.engine import verdicts_of as engine

        failures: list[BaseException] = []

        def spied(columns: Any, rules: ExchangeInfo) -> Any:
            try:
                return engine(columns, rules)
            except BaseException as failure:  # the path would hide it (judging alone)
                failures.append(failure)
                raise

        with patch.object(batched, "verdicts_of", spied):
            batched.run(info, source, answers.line, answers.shown, out.write)
        assert not failures
    else:
        for number, line in enumerate(source, 1):
            out.write(answers.line(number, line))
    return out.getvalue(), err.getvalue(), answers.rejected, answers.uncertain


@given(lines())
def test_both_paths_write_the_same_lines(case: tuple[ExchangeInfo, list[str]]) -> None:
    info, written = case
    text = "".join(line + "\n" for line in written)
    assert _outputs(info, text, batch=True) == _outputs(info, text, batch=False)
