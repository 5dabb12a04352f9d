"""rules.edge.pacing: backoff, retryAfter and the weight budget, on a clock passed in."""

from __future__ import annotations

import random

import pytest

from rules.edge.pacing import WINDOW_SLACK, Backoff, Pacer, WeightBudget
from rules.edge.protocol import RateLimitStatus
from rules.errors import IpBannedError, RateLimitedError


def weight(
    count: int, *, limit: int = 6000, interval: str = "MINUTE", num: int = 1
) -> RateLimitStatus:
    return RateLimitStatus("REQUEST_WEIGHT", interval, num, limit, count)


class TestBackoff:
    """Exponential, capped, jittered in the upper half; reset by a success."""

    def test_doubles_up_to_the_cap_within_the_upper_half(self) -> None:
        backoff = Backoff(0.5, 4.0, random.Random(1))
        ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
        for ceiling in ceilings:
            assert ceiling / 2 <= backoff.next_delay() <= ceiling
        backoff.reset()
        assert backoff.next_delay() <= 0.5

    def test_jitter_spreads_clients(self) -> None:
        delays = {
            round(Backoff(1.0, 1.0, random.Random(seed)).next_delay(), 6) for seed in range(20)
        }
        assert len(delays) == 20

    def test_many_failures_do_not_overflow(self) -> None:
        backoff = Backoff(1.0, 60.0, random.Random(0), failures=10_000)
        assert 30.0 <= backoff.next_delay() <= 60.0


class TestWeightBudget:
    """The count stays at or under min(budget, limit) in every window reported."""

    def test_assumes_binance_minute_until_told(self) -> None:
        budget = WeightBudget(100)
        budget.sent(22, now=10.0)
        budget.sent(22, now=11.0)
        budget.sent(22, now=12.0)
        budget.sent(22, now=13.0)
        assert budget.delay(20, now=14.0) == pytest.approx(60 + WINDOW_SLACK - 14.0)
        assert budget.delay(12, now=14.0) == 0.0

    def test_binance_count_replaces_the_estimate(self) -> None:
        budget = WeightBudget(1000)
        budget.observe([weight(990)], now=5.0)  # other clients of the IP used most of it
        assert budget.delay(20, now=5.0) > 0
        assert budget.highest_reported == 990

    def test_reported_windows_replace_the_assumed_one(self) -> None:
        budget = WeightBudget(50)
        budget.sent(40, now=0.5)
        budget.observe([weight(22, interval="SECOND", num=2)], now=0.5)
        assert budget.delay(20, now=0.6) == 0.0  # 42 <= 50; the minute is forgotten
        budget.sent(20, now=0.6)
        assert budget.delay(20, now=0.7) == pytest.approx(2 + WINDOW_SLACK - 0.7)
        assert budget.delay(20, now=2 + WINDOW_SLACK) == 0.0  # a new window

    def test_binance_limit_below_the_budget(self) -> None:
        budget = WeightBudget(5000)
        budget.observe([weight(90, limit=100)], now=0.0)
        assert budget.delay(20, now=1.0) > 0

    @pytest.mark.parametrize(
        "limit",
        [
            RateLimitStatus("ORDERS", "SECOND", 10, 50, 49),
            RateLimitStatus("REQUEST_WEIGHT", "WEEK", 1, 10, 10),
            RateLimitStatus("REQUEST_WEIGHT", "MINUTE", 0, 10, 10),
        ],
    )
    def test_ignores_what_it_cannot_use(self, limit: RateLimitStatus) -> None:
        budget = WeightBudget(1000)
        budget.observe([limit], now=0.0)
        assert budget.delay(20, now=0.0) == 0.0


class TestPacer:
    """retryAfter holds everything; without one the backoff does."""

    def test_retry_after_holds_until_then(self) -> None:
        pacer = Pacer(1000, Backoff(0.1, 1.0, random.Random(0)))
        error = RateLimitedError(-1003, "Too many requests.", retry_after=105_500)
        assert pacer.rate_limited(error, [], now=100.0) == pytest.approx(5.5)
        assert pacer.wait(1, now=105.0) == pytest.approx(0.5)
        assert pacer.wait(1, now=105.5) == 0.0
        assert pacer.retry_after == 105.5

    def test_a_ban_is_a_longer_hold(self) -> None:
        pacer = Pacer(1000, Backoff(0.1, 1.0, random.Random(0)))
        ban = IpBannedError(-1003, "Way too much request weight used.", retry_after=400_000)
        pacer.rate_limited(ban, [], now=100.0)
        assert pacer.wait(1, now=399.9) > 0

    def test_no_retry_after_backs_off(self) -> None:
        pacer = Pacer(1000, Backoff(2.0, 2.0, random.Random(0)))
        delay = pacer.rate_limited(RateLimitedError(-1003, "Too many."), [], now=0.0)
        assert 1.0 <= delay <= 2.0
        assert pacer.wait(1, now=0.5) > 0
        assert pacer.retry_after is None

    def test_an_earlier_retry_after_does_not_shorten_a_hold(self) -> None:
        pacer = Pacer(1000, Backoff(0.1, 1.0, random.Random(0)))
        pacer.rate_limited(IpBannedError(-1003, "ban", retry_after=200_000), [], now=100.0)
        pacer.rate_limited(RateLimitedError(-1003, "429", retry_after=101_000), [], now=100.0)
        assert pacer.wait(1, now=150.0) == pytest.approx(50.0)

    def test_faults_back_off_and_success_resets(self) -> None:
        pacer = Pacer(1000, Backoff(1.0, 8.0, random.Random(0)))
        first = pacer.failed(now=0.0)
        assert 0.5 <= first <= 1.0
        assert pacer.wait(1, now=0.0) == pytest.approx(first)
        second = pacer.failed(now=first)
        assert 1.0 <= second <= 2.0
        pacer.succeeded([weight(21)], now=10.0)
        assert pacer.backoff.failures == 0
