# SPDX-License-Identifier: GPL-3.0-or-later
"""/health and /metrics without a database: who may read the metrics,
route templates, check-in counts, the health answer and its cache."""
import contextlib
import datetime as dt
import json
import sqlite3

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.routing import Map, Rule
from werkzeug.test import Client
from werkzeug.wrappers import Response

from bhmis import metrics
from bhmis.health import Health
from bhmis.web import make_app

LOOPBACK = metrics.networks_of(['127.0.0.1/32', '::1/128'])


class LocalClient(Client):
    "A client on the loopback, whose answers are read whole and closed"

    def open(self, *args, **kwargs):
        kwargs.setdefault('buffered', True)
        kwargs.setdefault('environ_overrides', {}).setdefault(
            'REMOTE_ADDR', '127.0.0.1')
        return super().open(*args, **kwargs)


def environ(address, **headers):
    return dict({'REMOTE_ADDR': address}, **headers)


def test_metrics_readers():
    "The loopback and configured networks only, also behind a proxy"
    assert metrics.allowed(environ('127.0.0.1'), LOOPBACK)
    assert metrics.allowed(environ('::1'), LOOPBACK)
    assert not metrics.allowed(environ('203.0.113.9'), LOOPBACK)
    assert not metrics.allowed(environ('10.1.2.3'), LOOPBACK)
    assert not metrics.allowed(environ(''), LOOPBACK)
    assert not metrics.allowed(environ('not-an-address'), LOOPBACK)
    office = metrics.networks_of(['127.0.0.1/32', '10.0.0.0/8'])
    assert metrics.allowed(environ('10.1.2.3'), office)
    # A public client proxied by a local nginx is not local
    assert not metrics.allowed(environ('127.0.0.1',
            HTTP_X_FORWARDED_FOR='203.0.113.9'), LOOPBACK)
    assert not metrics.allowed(environ('127.0.0.1',
            HTTP_FORWARDED='for=203.0.113.9'), LOOPBACK)
    assert metrics.allowed(environ('127.0.0.1',
            HTTP_X_FORWARDED_FOR='10.0.0.7'), office)


def tryton_like():
    "An application with Tryton's url_map and a check-in route"
    answers = {}

    def app(environ, start_response):
        path = environ['PATH_INFO']
        data = answers.get(path, {'result': []})
        return Response(json.dumps(data), content_type='application/json')(
            environ, start_response)
    app.url_map = Map([
            Rule('/<string:database_name>/rpc/', methods=['POST']),
            Rule('/<database_name>/bhmis/attendance/checkin',
                methods=['POST']),
            Rule('/<database_name>/bhmis/kiosk/<device_code>',
                methods=['GET']),
            ])
    app.answers = answers
    return app


def test_route_templates():
    "Ids and names in paths never become labels"
    routes = metrics.RouteTemplates(tryton_like().url_map)
    assert routes('/bhmis/rpc/', 'POST') == '/<database_name>/rpc/'
    assert routes('/admin/bhmis/rpc/', 'POST') == (
        '/admin/<database_name>/rpc/')
    assert routes('/bhmis/bhmis/kiosk/KIOSK-0042') == (
        '/<database_name>/bhmis/kiosk/<device_code>')
    assert routes('/admin/') == '/admin/'
    assert routes('/admin/sao/sao.js') == '/admin/<static>'
    assert routes('/health') == '/health'
    assert routes('/metrics') == '/metrics'
    assert routes('/etc/passwd/12345') == 'other'
    assert routes('/bhmis/rpc/', 'GET') == 'other', "wrong method"
    assert metrics.RouteTemplates()('/bhmis/rpc/') == 'other'


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


def test_requests_counted_by_route():
    client = LocalClient(make_app(tryton_like(), probe=lambda: True))
    route = {'route': '/<database_name>/rpc/', 'method': 'POST',
        'status': '200'}
    before = sample('bhmis_http_requests_total', **route)
    timed = sample('bhmis_http_request_duration_seconds_count',
        route=route['route'])
    for _ in range(3):
        assert client.post('/db1/rpc/', json={}).status_code == 200
    client.post('/db2/rpc/', json={})
    assert sample('bhmis_http_requests_total', **route) == before + 4
    assert sample('bhmis_http_request_duration_seconds_count',
        route=route['route']) == timed + 4
    missing = sample('bhmis_http_requests_total', route='other',
        method='GET', status='200')
    client.get('/no/such/page/42')
    assert sample('bhmis_http_requests_total', route='other',
        method='GET', status='200') == missing + 1


def test_checkins_counted_by_status_and_reason():
    app = tryton_like()
    path = '/db/bhmis/attendance/checkin'
    client = LocalClient(make_app(app, probe=lambda: True))
    cases = [
        ({'status': 'accepted', 'reason': None}, ('accepted', '')),
        ({'status': 'rejected', 'reason': 'no_match'},
            ('rejected', 'no_match')),
        ({'status': 'error', 'reason': 'rate_limited'},
            ('error', 'rate_limited')),
        # Nothing from the answer becomes an unbounded label
        ({'status': 'x' * 200, 'reason': 'Robert"); DROP'},
            ('other', 'other')),
        ]
    for answer, (status, reason) in cases:
        before = sample('bhmis_attendance_checkins_total', status=status,
            reason=reason)
        app.answers[path] = answer
        assert client.post(path, data=b'x').status_code == 200
        assert sample('bhmis_attendance_checkins_total', status=status,
            reason=reason) == before + 1, answer
    assert metrics.checkin_labels(b'not json') == ('other', '')


def test_metrics_endpoint():
    "Prometheus text to the loopback; 404 to anyone else"
    client = LocalClient(make_app(tryton_like(), probe=lambda: True))
    response = client.get('/metrics')
    assert response.status_code == 200
    names = {family.name for family in
        text_string_to_metric_families(response.get_data(as_text=True))}
    assert 'bhmis_http_requests' in names
    refused = client.get('/metrics',
        environ_overrides={'REMOTE_ADDR': '203.0.113.9'})
    assert refused.status_code == 404
    assert b'bhmis_' not in refused.get_data()


def test_health_answer():
    "ok or unavailable, nothing else; the probe asked once a second at most"
    state = {'up': True, 'asked': 0, 'now': 100.0}

    def probe():
        state['asked'] += 1
        if state['up'] is None:
            raise RuntimeError("password=secret at /var/db")
        return state['up']
    health = Health(probe, clock=lambda: state['now'])
    client = LocalClient(health)
    response = client.get('/')
    assert (response.status_code, response.get_json()) == (
        200, {'status': 'ok'})
    state['up'] = False
    assert client.get('/').status_code == 200, "cached for a second"
    assert state['asked'] == 1
    state['now'] += 1.5
    response = client.get('/')
    assert (response.status_code, response.get_json()) == (
        503, {'status': 'unavailable'})
    state['up'], state['now'] = None, state['now'] + 2
    response = client.get('/')
    assert response.status_code == 503
    assert b'secret' not in response.get_data()
    state['up'], state['now'] = True, state['now'] + 2
    assert client.get('/').status_code == 200
    assert client.post('/').status_code == 405


def test_health_route_in_app():
    "/health answers from anywhere, through the whole application"
    up = {'value': False}
    client = LocalClient(make_app(tryton_like(), probe=lambda: up['value']))
    response = client.get('/health',
        environ_overrides={'REMOTE_ADDR': '203.0.113.9'})
    assert (response.status_code, response.get_json()) == (
        503, {'status': 'unavailable'})
    assert response.headers['X-Frame-Options'] == 'DENY'


def test_database_metrics():
    "Queue length and each cron job's last success, from the tables"
    connection = sqlite3.connect(':memory:', check_same_thread=False)
    connection.executescript("""
        CREATE TABLE ir_queue (id INTEGER, finished_at TIMESTAMP);
        CREATE TABLE ir_cron (id INTEGER, method TEXT, active BOOLEAN,
            next_call TIMESTAMP);
        CREATE TABLE ir_cron_log (cron INTEGER, ended TIMESTAMP);
        INSERT INTO ir_queue VALUES (1, NULL), (2, NULL),
            (3, '2025-01-01 00:00:00');
        INSERT INTO ir_cron VALUES (1, 'ir.queue|clean', 1,
            '2025-01-02 00:00:00'), (2, 'bhmis.day|compute', 1, NULL),
            (3, 'off|job', 0, NULL);
        INSERT INTO ir_cron_log VALUES (1, '2025-01-01 00:00:00'),
            (1, '2025-01-01 01:00:00.500000');
        """)

    @contextlib.contextmanager
    def connect():
        yield connection
    families = {f.name: f for f in
        metrics.DatabaseCollector(connect).collect()}
    assert families['bhmis_database_up'].samples[0].value == 1
    assert families['bhmis_queue_tasks'].samples[0].value == 2
    last = {s.labels['job']: s.value for s in
        families['bhmis_cron_last_success_timestamp_seconds'].samples}
    assert last == {'ir.queue|clean': dt.datetime(2025, 1, 1, 1, 0, 0,
            500000, tzinfo=dt.timezone.utc).timestamp(),
        'bhmis.day|compute': 0.0}

    @contextlib.contextmanager
    def down():
        raise sqlite3.OperationalError("unable to open database file")
        yield
    families = list(metrics.DatabaseCollector(down).collect())
    assert [(f.name, f.samples[0].value) for f in families] == [
        ('bhmis_database_up', 0)]
