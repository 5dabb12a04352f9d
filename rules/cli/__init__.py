"""The ``rules`` command line: ``python -m rules COMMAND`` or ``rules COMMAND``.

Owns: the command table and entry point (:mod:`~rules.cli.main`), what every
command shares (:mod:`~rules.cli.streams`: exit codes, injected streams), the
JSON Lines reading shared by ``check`` and ``fix`` (:mod:`~rules.cli.lines`), and
one module per command (:mod:`~rules.cli.check`, :mod:`~rules.cli.fix`,
:mod:`~rules.cli.show`, :mod:`~rules.cli.diff`, :mod:`~rules.cli.fetch`,
:mod:`~rules.cli.watch`).

May import: any part of ``rules`` but :mod:`rules.testing`. Commands import
:mod:`~rules.cli.streams`, never :mod:`~rules.cli.main`, which imports them.
"""
