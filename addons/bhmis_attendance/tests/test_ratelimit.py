# SPDX-License-Identifier: GPL-3.0-or-later
"""The check-in API's rate limiter, with a fake clock."""
from bhmis_attendance.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_burst_then_refused_then_refilled():
    clock = Clock()
    limiter = RateLimiter(rate=60, per=60, clock=clock)
    allowed = [limiter.allow('kiosk') for _ in range(61)]
    assert allowed[:60] == [True] * 60
    assert allowed[60] is False, "the 61st request of the minute is refused"
    assert limiter.allow('other kiosk'), "other devices are not affected"
    clock.now += 1
    assert limiter.allow('kiosk'), "one token back after a second"
    assert not limiter.allow('kiosk')
    clock.now += 60
    assert all(limiter.allow('kiosk') for _ in range(60))


def test_many_keys_do_not_grow_memory_without_bound():
    clock = Clock()
    limiter = RateLimiter(rate=5, per=60, max_keys=100, clock=clock)
    for n in range(1000):
        limiter.allow(('10.0.0.%s' % n, 'wrong-key'))
    assert len(limiter._buckets) <= 100
    # A flooding key keeps its empty bucket while others come and go
    for _ in range(5):
        limiter.allow('flood')
    assert not limiter.allow('flood')
