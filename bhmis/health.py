# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /health for load balancers: 200 {"status": "ok"} while the database
answers, 503 {"status": "unavailable"} otherwise, and nothing more.

Each check opens a fresh connection with a short timeout (never one of
Tryton's pooled ones, which may outlive the database they point at); the
answer is kept for CACHE seconds so that a busy balancer costs at most one
connection a second per process."""
import contextlib
import json
import sqlite3
import threading
import time
import urllib.parse

CACHE = 1.0
TIMEOUT = 2


@contextlib.contextmanager
def connect(settings, timeout=TIMEOUT):
    """Yield a new DB-API connection to the settings' database, closed
    after the block; raise the driver's error if it cannot be opened"""
    if settings.backend == 'postgresql':
        import psycopg
        connection = psycopg.connect(
            settings.database_uri.rstrip('/') + '/' + settings.db,
            connect_timeout=max(2, timeout), autocommit=True,
            options='-c statement_timeout=%d' % (timeout * 1000))
    else:
        path = settings.sqlite_path / (settings.db + '.sqlite')
        # Read-only: a missing file is an error, not a new empty database
        connection = sqlite3.connect(
            'file:%s?mode=ro' % urllib.parse.quote(str(path)), uri=True,
            timeout=timeout, check_same_thread=False)
    try:
        yield connection
    finally:
        connection.close()


def database_answers(settings):
    "Tell whether the database answers a trivial query"
    try:
        with connect(settings) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT 1 FROM ir_module LIMIT 1")
            cursor.fetchall()
        return True
    except Exception:
        return False


class Health:
    "The WSGI application of /health, around probe() -> bool"

    def __init__(self, probe, cache=CACHE, clock=time.monotonic):
        self.probe, self.cache, self.clock = probe, cache, clock
        self._lock = threading.Lock()
        self._checked = None
        self._ok = False

    def ok(self):
        with self._lock:
            now = self.clock()
            if self._checked is None or now - self._checked >= self.cache:
                try:
                    self._ok = bool(self.probe())
                except Exception:
                    self._ok = False
                self._checked = self.clock()
            return self._ok

    def __call__(self, environ, start_response):
        if environ.get('REQUEST_METHOD', 'GET') not in {'GET', 'HEAD'}:
            return answer(start_response, '405 Method Not Allowed',
                {'status': 'method not allowed'})
        if self.ok():
            return answer(start_response, '200 OK', {'status': 'ok'})
        return answer(start_response, '503 Service Unavailable',
            {'status': 'unavailable'})


def answer(start_response, status, data):
    body = json.dumps(data).encode()
    start_response(status, [('Content-Type', 'application/json'),
            ('Content-Length', str(len(body))),
            ('Cache-Control', 'no-store')])
    return [body]
