"""Judging a request: will Binance accept it, and if not, every reason, with its code.

Owns: the changing state a check needs (:mod:`~rules.checker.context`), reading
the params (:mod:`~rules.checker.order`), violations and verdicts
(:mod:`~rules.checker.violations`), the rule eras (:mod:`~rules.checker.eras`)
and order kinds (:mod:`~rules.checker.kinds`), the request's own rules
(:mod:`~rules.checker.request`), the per-filter checks (:mod:`~rules.checker.checks`
and the ``*_filters`` modules, complete in :mod:`~rules.checker.filters`), the
per-symbol plans (:mod:`~rules.checker.plans`) and their fast checks
(:mod:`~rules.checker.bounds`, :mod:`~rules.checker.fastpath`,
:mod:`~rules.checker.fastcontext`), permissions
(:mod:`~rules.checker.permissions`), the request methods and what each reads
(:mod:`~rules.checker.methods`) and the entry points
(:mod:`~rules.checker.evaluate`).

May import: :mod:`rules.model`, :mod:`rules.errors` and the standard library.
Pure: no I/O, no clock; what changes over time is an explicit argument.
"""
