"""The rules as data: Binance Spot ``exchangeInfo`` as immutable, typed values.

Owns: exact decimal reading and wire formatting (:mod:`~rules.model.numbers`),
immutable JSON for what is not modelled (:mod:`~rules.model.frozen`), the
enumerations (:mod:`~rules.model.enums`), the rule classes
(:mod:`~rules.model.models`), the one configured cattrs converter
(:mod:`~rules.model.converter`), the fast constructors that build a good snapshot
without it (:mod:`~rules.model.builders`), loading and dumping (:mod:`~rules.model.load`)
and what changed between two snapshots (:mod:`~rules.model.diff`).

May import: :mod:`rules.errors`, attrs, cattrs and the standard library; nothing
else of ``rules``. Pure: no I/O but :func:`~rules.model.load.load_path` reading
the file it is given.
"""
