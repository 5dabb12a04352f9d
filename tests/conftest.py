"""Shared test configuration: Hypothesis profiles, the path to ../shared, and the
fixtures several modules use."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: ``shared/`` beside the checkout: reference docs, real snapshots, vectors.
SHARED = Path(__file__).resolve().parents[2] / "shared"

# "default" keeps the whole suite fast; "ci" is the thorough run (HYPOTHESIS_PROFILE=ci),
# and it is derandomized: the same examples on every run and every machine, with no
# example database, so a submission never fails on an example no one has seen.
# "random" is the longer randomized hunt to run by hand before a change lands
# (README, "Run the tests"); what it finds becomes an explicit @example.
# Deadlines are off: speed lives in benchmarks/.
settings.register_profile(
    "default",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "random",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "1000")),
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    """Threads switch every microsecond while the test runs (races show up), then as before."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
