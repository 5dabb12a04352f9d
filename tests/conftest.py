"""Shared test configuration: Hypothesis profiles and the path to ../shared."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

#: ``shared/`` beside the checkout: reference docs, real snapshots, vectors.
SHARED = Path(__file__).resolve().parents[2] / "shared"

# "default" keeps the whole suite fast; "ci" is the thorough run
# (HYPOTHESIS_PROFILE=ci). Deadlines are off: speed lives in benchmarks/.
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
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
