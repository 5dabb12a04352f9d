"""Fixing an order: the nearest one Binance accepts, or the reason none exists.

Owns: rounding onto a symbol's grids with named modes (:mod:`~rules.fixer.rounding`)
and the wire string in one call (:mod:`~rules.fixer.wire`),
the bound arithmetic (:mod:`~rules.fixer.limits`), the moves
(:mod:`~rules.fixer.moves`), the answer types (:mod:`~rules.fixer.proposal`), an
amendment's ``newQty`` (:mod:`~rules.fixer.amend`, D44), an order list's legs
(:mod:`~rules.fixer.lists`, D45-D51) and
:func:`~rules.fixer.propose.propose`.

May import: :mod:`rules.checker` (every proposal is re-judged by the checker),
:mod:`rules.model`, :mod:`rules.errors`. Pure.
"""
