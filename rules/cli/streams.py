"""What every command shares: the exit codes and the injected standard streams.

Commands import this module, never :mod:`rules.cli.main` (which imports the
commands to build the parser): the imports run one way.
"""

from __future__ import annotations

from typing import IO

import attrs

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_REJECTED", "Streams"]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_ERROR = 2


@attrs.frozen
class Streams:
    """The three standard streams a command reads and writes, injected for tests."""

    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
