"""Rows judged one at a time: :func:`exact`, ``evaluate``'s verdict of each row picked.

For :mod:`rules.batch.engine`: the first row of each new class, and every odd row,
their params and context read from the table (nulls, and NaN in float columns,
left out), each context built once per distinct value. A row of ``order.place``
(no method) is judged on ``evaluate``'s general path
(:func:`~rules.checker.evaluate.general_verdict`: the same verdict, proved by the
fast path's property tests), so that one row per class compiles no fast check of
its symbol and type; any other method by ``evaluate(..., method=...)``.

May import: pyarrow, numpy, :mod:`rules.batch.arrays`, :mod:`rules.checker`, :mod:`rules.model`.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pyarrow as pa

from rules.batch.arrays import from_numpy
from rules.checker.context import CONTEXT_KEYS, Context
from rules.checker.evaluate import evaluate, general_verdict
from rules.checker.violations import Verdict
from rules.model.models import ExchangeInfo

__all__ = ["exact"]

#: How many distinct row contexts are remembered (each is built once).
_CONTEXT_MEMO: Final = 4096


def exact(
    body: pa.Table,
    info: ExchangeInfo,
    picked_rows: np.ndarray,
    first_row: int,
    rows: np.ndarray,
    methods: pa.ChunkedArray | None,
) -> list[Verdict]:
    """``evaluate``'s verdict for each row of ``picked_rows``, in order."""
    context_names = [c for c in body.column_names if c in CONTEXT_KEYS]
    order_names = [c for c in body.column_names if c not in CONTEXT_KEYS]
    order_values = _values(body, order_names, picked_rows)
    context_values = _values(body, context_names, picked_rows)
    method_values = None
    if methods is not None:
        method_values = _values(pa.table({"method": methods}), ["method"], picked_rows)[0]
    contexts: dict[object, Context | None] = {}
    out: list[Verdict] = []
    for i, values in enumerate(zip(*order_values, strict=True)):
        # null, or NaN in a float column (pandas' missing value): not sent
        params = {
            k: v for k, v in zip(order_names, values, strict=True) if v is not None and v == v
        }
        context = None
        if context_names:
            own = tuple(column[i] for column in context_values)
            if any(v is not None and v == v for v in own):
                where = first_row + int(rows[picked_rows[i]])
                context = _context(context_names, own, contexts, where)
        method = None if method_values is None else method_values[i]
        if method is None or method == "order.place":  # the general path (see the module)
            out.append(general_verdict(info, params, context))
        else:
            out.append(evaluate(info, params, context, method=method))
    return out


#: Rows read one value at a time (more: taken, which joins a column's chunks first).
_FEW_ROWS: Final = 256


def _values(body: pa.Table, names: list[str], rows: np.ndarray) -> list[list[Any]]:
    """The Python values of the columns ``names`` at ``rows``, a list per column."""
    if len(rows) > _FEW_ROWS:
        picked = body.select(names).take(from_numpy(rows))
        return [picked[name].to_pylist() for name in names]
    at = rows.tolist()
    return [[column[i].as_py() for i in at] for column in (body[name] for name in names)]


def _context(
    names: list[str], values: tuple[Any, ...], memo: dict[object, Context | None], number: int
) -> Context | None:
    """The context of one row's context columns (nulls left out), built once per value."""
    key: tuple[object, ...] | None = tuple(
        tuple(v) if isinstance(v, list) else (None if v != v else v) for v in values
    )
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # pragma: no cover - an unhashable value: built each time
        key = None
    own = {k: v for k, v in zip(names, values, strict=True) if v is not None and v == v}
    try:
        context = Context.from_mapping(own)
    except ValueError as error:
        raise ValueError(f"row {number}: {error}") from None
    if key is not None:
        if len(memo) >= _CONTEXT_MEMO:
            memo.clear()
        memo[key] = context
    return context
