# SPDX-License-Identifier: GPL-3.0-or-later
"""A short-lived cache of rendered pages (facility pages, the dashboard),
so that a shared link read by thousands computes the page once per
`[bhmis_website] cache_seconds` (60 by default, 0 turns it off) and web
process.

Entries are keyed by what a page depends on (database, language, page
and its arguments); at most MAX_ENTRIES are kept, the oldest dropped
first.  The clock is injectable so that tests can move time instead of
waiting."""
import threading
import time
from collections import OrderedDict

from trytond import config

SECTION = 'bhmis_website'
DEFAULT_SECONDS = 60
MAX_ENTRIES = 4096


def ttl():
    "The configured time to live, in seconds"
    return max(0, config.getint(SECTION, 'cache_seconds',
            default=DEFAULT_SECONDS))


class PageCache:

    def __init__(self, seconds=None, clock=time.monotonic,
            max_entries=MAX_ENTRIES):
        self._seconds = seconds
        self.clock = clock
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0

    @property
    def seconds(self):
        return ttl() if self._seconds is None else self._seconds

    def get(self, key, compute):
        """The value of key, computed by compute() when missing or older
        than the time to live; None (no such page) is not kept"""
        seconds = self.seconds
        now = self.clock()
        if seconds:
            with self._lock:
                entry = self._entries.get(key)
                if entry and now - entry[0] < seconds:
                    return entry[1]
        value = compute()
        self.computed += 1
        if seconds and value is not None:
            with self._lock:
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()


pages = PageCache()
