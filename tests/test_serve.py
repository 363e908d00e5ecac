# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis serve` under gunicorn: a killed or hung worker is replaced, /health
follows the database, /metrics counts, a missing database server is a
one-line message."""
import json
import os
import signal
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bhmis import health
from tests.conftest import copy_instance


def children(pid):
    "Pids of the processes whose parent is pid"
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as fp:
                stat = fp.read()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces
        if int(stat.rsplit(')', 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def cmdline(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as fp:
            return fp.read().replace(b'\0', b' ').decode()
    except OSError:
        return ''


def gunicorn_master(inst):
    masters = [pid for pid in children(inst.server.pid)
        if 'bhmis.wsgi_server' in cmdline(pid)]
    assert len(masters) == 1, masters
    return masters[0]


def wait_for(condition, timeout=60, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("no %s within %s s" % (message, timeout))


def get(inst, path, headers=None):
    "(status, body) of a GET"
    request = urllib.request.Request(inst.url(path), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def served(tmp_path_factory, initialised_template):
    "A copy of the initialised database, served with two workers asked"
    inst = copy_instance(tmp_path_factory, 'serve', initialised_template)
    inst.env['BHMIS_WORKERS'] = '2'
    inst.serve()
    yield inst
    inst.drop()


def test_killed_worker_replaced(served):
    """The back office and RPC login answer through gunicorn; a worker
    killed with SIGKILL is replaced and the server keeps answering"""
    assert get(served, '/admin/')[0] == 200
    assert served.rpc().call('model.res.user.search_count', [], {}) >= 1
    master = gunicorn_master(served)
    workers = wait_for(lambda: children(master), message="worker")
    expected = 2 if served.uri.startswith('postgresql') else 1
    assert len(workers) == expected, workers
    log = (served.var / 'serve.log').read_text()
    if expected == 1:
        assert "one web worker on sqlite" in log
    os.kill(workers[0], signal.SIGKILL)
    replaced = wait_for(
        lambda: [pid for pid in children(master) if pid not in workers],
        message="new worker")
    assert len(children(master)) == expected
    assert workers[0] not in children(master)
    wait_for(lambda: get(served, '/admin/')[0] == 200, message="answer")
    assert served.rpc().call('model.res.user.search_count', [], {}) >= 1
    assert served.server.poll() is None, "bhmis serve still runs"
    # Answered by the new worker: its log says it booted
    assert "Booting worker with pid: %s" % replaced[0] in (
        served.var / 'serve.log').read_text()
    access = (served.var / 'log' / 'access.log').read_text()
    assert '"GET /admin/ HTTP/1.1" 200' in access
    # SIGTERM stops gunicorn's master and workers with the rest
    processes = [master] + children(master)
    served.stop()
    assert not [pid for pid in processes if os.path.exists(
                '/proc/%s' % pid) and 'bhmis' in cmdline(pid)]


def test_hung_worker_replaced(tmp_path_factory, initialised_template):
    """A worker that stops answering (SIGSTOP: alive, silent) is killed by
    gunicorn after the timeout and replaced; the server answers again"""
    inst = copy_instance(tmp_path_factory, 'hung', initialised_template)
    # Above a worker's boot (imports, before its first heartbeat) under load
    inst.env['BHMIS_TIMEOUT'] = '15'
    try:
        inst.serve()
        master = gunicorn_master(inst)
        workers = wait_for(lambda: children(master), message="worker")

        def ready():
            log = (inst.var / 'serve.log').read_text()
            return [pid for pid in workers
                if "web worker %s ready" % pid in log]
        # A worker stopped before its first heartbeat is never timed out
        # (gunicorn compares its monotonic clock with the heartbeat file's
        # creation time): stop one that serves
        hung = wait_for(ready, message="worker ready")[0]
        time.sleep(2)
        os.kill(hung, signal.SIGSTOP)
        wait_for(lambda: hung not in children(master), timeout=60,
            message="hung worker killed")
        replaced = wait_for(
            lambda: [pid for pid in children(master) if pid not in workers],
            message="new worker")
        wait_for(lambda: get(inst, '/admin/')[0] == 200, message="answer")
        assert inst.rpc().call('model.res.user.search_count', [], {}) >= 1
        log = (inst.var / 'serve.log').read_text()
        assert "WORKER TIMEOUT (pid:%s)" % hung in log
        assert "Booting worker with pid: %s" % replaced[0] in log
        assert inst.server.poll() is None, "bhmis serve still runs"
    finally:
        inst.drop()


def test_metrics_served(served):
    "Prometheus text: requests by route, check-ins, queue and cron jobs"
    def families():
        status, body = get(served, '/metrics')
        assert status == 200
        return {f.name: f for f in
            text_string_to_metric_families(body.decode())}

    def health_requests(found):
        return sum(s.value for s in found['bhmis_http_requests'].samples
            if s.name == 'bhmis_http_requests_total'
            and s.labels == {'route': '/health', 'method': 'GET',
                'status': '200'})
    def settled(least=0):
        """The families once the /health count is at least `least` and
        holds still: a request is counted once its answer is sent, which
        the client may read first"""
        found = families()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.3)
            again = families()
            if (health_requests(again) == health_requests(found)
                    and health_requests(again) >= least):
                return again
            found = again
        return found

    get(served, '/health')
    before = settled()
    for _ in range(3):
        assert get(served, '/health')[0] == 200
    # A check-in with a wrong key is refused and counted
    request = urllib.request.Request(
        served.url('/%s/bhmis/attendance/checkin' % served.db), data=b'',
        method='POST', headers={'Authorization': 'Bearer wrong'})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
    after = settled(health_requests(before) + 3)
    assert health_requests(after) == health_requests(before) + 3
    checkins = {(s.labels['status'], s.labels['reason']): s.value
        for s in after['bhmis_attendance_checkins'].samples
        if s.name.endswith('_total')}
    assert checkins[('error', 'unauthorized')] >= 1
    routes = {s.labels['route'] for s in after['bhmis_http_requests'].samples}
    assert '/<database_name>/bhmis/attendance/checkin' in routes
    assert not [r for r in routes if served.db in r], "no raw paths"
    assert after['bhmis_database_up'].samples[0].value == 1
    assert after['bhmis_queue_tasks'].samples[0].value >= 0
    jobs = {s.labels['job'] for s in
        after['bhmis_cron_last_success_timestamp_seconds'].samples}
    assert 'ir.queue|clean' in jobs
    # Through a proxy, a public client is refused
    status, body = get(served, '/metrics',
        headers={'X-Forwarded-For': '203.0.113.9'})
    assert status == 404 and b'bhmis_' not in body


def database_down(inst):
    "Make the database refuse new connections; return how to undo it"
    if inst.uri.startswith('postgresql'):
        import psycopg
        from psycopg import sql

        def allow(value):
            with psycopg.connect(inst.uri.rstrip('/') + '/postgres',
                    autocommit=True) as connection:
                connection.execute(sql.SQL(
                        "ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                        sql.Identifier(inst.db), sql.Literal(value)))
        allow(False)
        return lambda: allow(True)
    path = inst.var / 'db' / ('%s.sqlite' % inst.db)
    away = path.with_suffix('.away')
    path.rename(away)
    return lambda: away.rename(path)


def test_health_follows_the_database(served):
    """503 while the database refuses connections, 200 again once it is
    back, without a restart"""
    status, body = get(served, '/health')
    assert (status, json.loads(body)) == (200, {'status': 'ok'})
    undo = database_down(served)
    try:
        wait_for(lambda: get(served, '/health')[0] == 503, timeout=30,
            message="503")
        # Each worker keeps its last answer for health.CACHE seconds:
        # after that, every worker says unavailable
        time.sleep(health.CACHE + 0.2)
        for _ in range(4):
            status, body = get(served, '/health')
            assert (status, json.loads(body)) == (
                503, {'status': 'unavailable'})
        # Nothing more said to a balancer than unavailable
        assert served.db.encode() not in body
    finally:
        undo()
    wait_for(lambda: get(served, '/health')[0] == 200, timeout=30,
        message="200 again")
    assert served.server.poll() is None
    assert served.rpc().call('model.res.user.search_count', [], {}) >= 1


def test_unreachable_database_server(instance):
    "No PostgreSQL on the port: one line on stderr, exit code 1"
    instance.env['BHMIS_DATABASE_URI'] = (
        'postgresql://postgres:not-shown@127.0.0.1:1/')
    result = instance.bhmis('serve', '--port', '1', check=False,
        timeout=60)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert 'cannot reach the PostgreSQL server' in lines[0]
    assert '127.0.0.1:1' in lines[0]
    assert 'not-shown' not in lines[0]
