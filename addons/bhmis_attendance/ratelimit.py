# SPDX-License-Identifier: GPL-3.0-or-later
"""A token bucket per key, in process memory: enough to stop one device or
address flooding the check-in API of one server process."""
import threading
import time


class RateLimiter:
    "Allow `rate` requests per `per` seconds per key, in bursts up to rate"

    def __init__(self, rate=60, per=60.0, max_keys=10_000, clock=None):
        self.rate, self.per = rate, per
        self.max_keys = max_keys
        self.clock = clock or time.monotonic
        self._buckets = {}
        self._lock = threading.Lock()

    def allow(self, key):
        "Take a token for key; return False when its bucket is empty"
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.rate, now))
            tokens = min(self.rate,
                tokens + (now - last) * self.rate / self.per)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            if len(self._buckets) >= self.max_keys and (
                    key not in self._buckets):
                self._forget_full(now)
            self._buckets[key] = (tokens - 1, now)
            return True

    def _forget_full(self, now):
        "Drop the buckets that have refilled: they hold no information"
        full = [k for k, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate / self.per >= self.rate]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()
