# SPDX-License-Identifier: GPL-3.0-or-later
"""Prometheus metrics: GET /metrics, and the middleware that counts.

- requests and their latency by route template (`/<database_name>/rpc/`,
  never a raw path with ids: the number of series stays bounded)
- check-ins by status and reason, read from the check-in API's answers
- read from the database at each scrape: Tryton's task queue not yet done,
  and each cron job's last successful run

Several gunicorn workers share their counts through prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, see bhmis.wsgi_server)."""
import datetime as dt
import ipaddress
import json
import os
import re
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter('bhmis_http_requests',
    "HTTP requests answered, by route template, method and status",
    ['route', 'method', 'status'])
LATENCY = Histogram('bhmis_http_request_duration_seconds',
    "Time to answer an HTTP request, body sent, by route template",
    ['route'], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10,
        30, 60))
CHECKINS = Counter('bhmis_attendance_checkins',
    "Answers of the check-in API, by status and reason",
    ['status', 'reason'])

CHECKIN_ROUTE = '/bhmis/attendance/checkin'
METHODS = {'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'}
_LABEL = re.compile(r'^[a-z][a-z0-9_]{0,39}$')
_CAPTURE = 1 << 16
_CONVERTER = re.compile(r'<(?:[^:<>]+:)?([^:<>]+)>')


def allowed(environ, networks):
    """Tell whether the request comes from one of networks (ip_network
    objects), and so does every address a proxy says it forwards for: a
    public request proxied from the loopback is not the loopback's"""
    addresses = [environ.get('REMOTE_ADDR', '')]
    forwarded = environ.get('HTTP_X_FORWARDED_FOR', '')
    addresses += [a.strip() for a in forwarded.split(',') if a.strip()]
    if environ.get('HTTP_FORWARDED'):
        return False
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if not any(ip in network for network in networks):
            return False
    return True


def networks_of(texts):
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


class RouteTemplates:
    """Map a path to the template of the route that answers it: a rule of
    Tryton's url_map, the mount point of the back office, or `other`"""
    FIXED = {'/', '/health', '/metrics'}

    def __init__(self, url_map=None, mounts=('/admin',)):
        self.adapter = url_map.bind('bhmis') if url_map is not None else None
        self.mounts = mounts

    def __call__(self, path, method='GET'):
        if path in self.FIXED:
            return path
        for mount in self.mounts:
            if path == mount or path.startswith(mount + '/'):
                rest = path[len(mount):]
                template = self.match(rest, method)
                if template:
                    return mount + template
                return mount + ('/' if rest in {'', '/'} else '/<static>')
        return self.match(path, method) or 'other'

    def match(self, path, method):
        if self.adapter is None or not path:
            return None
        try:
            rule, _ = self.adapter.match(path, method=method,
                return_rule=True)
        except Exception:
            # Not found, wrong method or a redirect: no template
            return None
        return _CONVERTER.sub(r'<\1>', rule.rule)


class RequestMetrics:
    "Count and time every request by route template; count check-ins"

    def __init__(self, app, routes):
        self.app, self.routes = app, routes

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method = environ.get('REQUEST_METHOD', 'GET')
        route = self.routes(environ.get('PATH_INFO', '') or '/', method)
        status = ['500']

        def capture(status_line, headers, exc_info=None):
            status[0] = status_line[:3]
            return start_response(status_line, headers, exc_info)

        def done(body):
            REQUESTS.labels(route, method if method in METHODS else 'other',
                status[0]).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)
            if route.endswith(CHECKIN_ROUTE) and method == 'POST':
                count_checkin(body)
        try:
            result = self.app(environ, capture)
        except Exception:
            done(None)
            raise
        return Observed(result, done,
            capture=route.endswith(CHECKIN_ROUTE))


class Observed:
    "A response body that calls done(captured body) once it is closed"

    def __init__(self, body, done, capture=False):
        self.body, self.done, self.capture = body, done, capture
        self.captured = bytearray() if capture else None

    def __iter__(self):
        for piece in self.body:
            if self.capture and len(self.captured) < _CAPTURE:
                self.captured += piece
            yield piece

    def close(self):
        try:
            if hasattr(self.body, 'close'):
                self.body.close()
        finally:
            self.done(bytes(self.captured) if self.capture else None)


def checkin_labels(body):
    "(status, reason) of a check-in API answer; `other` for the unexpected"
    try:
        data = json.loads(body or b'')
    except (ValueError, UnicodeDecodeError):
        return 'other', ''
    if not isinstance(data, dict):
        return 'other', ''

    def label(value):
        if value in (None, ''):
            return ''
        return value if isinstance(value, str) and _LABEL.match(value) \
            else 'other'
    return label(data.get('status')) or 'other', label(data.get('reason'))


def count_checkin(body):
    CHECKINS.labels(*checkin_labels(body)).inc()


def timestamp(value):
    "Seconds since the epoch of a naive UTC datetime (or its SQLite text)"
    if value is None:
        return 0.0
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc).timestamp()


QUEUE_SQL = "SELECT COUNT(*) FROM ir_queue WHERE finished_at IS NULL"
CRON_SQL = (
    "SELECT c.method, MAX(l.ended), MIN(c.next_call) FROM ir_cron c "
    "LEFT JOIN ir_cron_log l ON l.cron = c.id "
    "WHERE c.active GROUP BY c.method ORDER BY c.method")


class DatabaseCollector:
    "Gauges read from the database at each scrape"

    def __init__(self, connect):
        self.connect = connect

    def collect(self):
        up = GaugeMetricFamily('bhmis_database_up',
            "1 if the database answered this scrape")
        try:
            with self.connect() as connection:
                cursor = connection.cursor()
                cursor.execute(QUEUE_SQL)
                (queued,), = cursor.fetchall()
                cursor.execute(CRON_SQL)
                crons = cursor.fetchall()
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily('bhmis_queue_tasks',
            "Tasks in Tryton's queue (ir_queue) not yet done", value=queued)
        last = GaugeMetricFamily('bhmis_cron_last_success_timestamp_seconds',
            "When each cron job last ran to its end (0: never)",
            labels=['job'])
        following = GaugeMetricFamily('bhmis_cron_next_call_timestamp_seconds',
            "When each cron job runs next", labels=['job'])
        for method, ended, next_call in crons:
            last.add_metric([method], timestamp(ended))
            following.add_metric([method], timestamp(next_call))
        yield last
        yield following


class _Default:
    "The process's own registry, as a collector of a per-scrape registry"

    def collect(self):
        return REGISTRY.collect()


def registry(database=None):
    "A registry of every metric, the workers' together in multiprocess mode"
    registry = CollectorRegistry()
    if os.environ.get('PROMETHEUS_MULTIPROC_DIR'):
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Default())
    if database is not None:
        registry.register(database)
    return registry


class MetricsEndpoint:
    "GET /metrics; 404 to anyone outside networks"

    def __init__(self, networks, database=None):
        self.networks, self.database = networks_of(networks), database

    def __call__(self, environ, start_response):
        if not allowed(environ, self.networks):
            body = b'Not Found'
            start_response('404 Not Found', [('Content-Type', 'text/plain'),
                    ('Content-Length', str(len(body)))])
            return [body]
        body = generate_latest(registry(self.database))
        start_response('200 OK', [('Content-Type', CONTENT_TYPE_LATEST),
                ('Content-Length', str(len(body))),
                ('Cache-Control', 'no-store')])
        return [body]
