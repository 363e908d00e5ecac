# SPDX-License-Identifier: GPL-3.0-or-later
"""Serving the province demo on PostgreSQL (about 31,000 employees, a
gallery of 50,000 face encodings), with `bhmis serve` (gunicorn, pre-fork,
threaded workers) against the server BHMIS had before it: werkzeug's
threaded server in N processes forked on one shared socket (the code of
bhmis/web.py before gunicorn, kept below as `werkzeug_main`). Same
application, same database, same number of processes:

- JSON-RPC `search_read` of employees (personnel number contains
  '123', 40 rows), 4 clients at once:
  requests per second and p95;
- the check-in API (one 640-px frame, matched among 50,000), 2 clients
  at once: check-ins per second and p95;
- check-ins per second with 1, 2 and 3 gunicorn workers (3 clients);
- the resident memory of a web worker with the gallery loaded, against
  the 1.5 GiB goal, and what the gallery itself adds to a worker.

Several web processes share Tryton's caches only through PostgreSQL:
on SQLite BHMIS serves with one, so this benchmark runs on PostgreSQL.
"""
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import (
    ROOT,
    Row,
    StepError,
    attendance,
    free_port,
    percentile,
    tail,
)

NAME = 'serve'
SECONDS = 15
WORKERS = 2
THREADS = 8
RSS_GOAL = 1.5 * 2 ** 30


def run(workspace, backend, log, **kwargs):
    if backend != 'postgresql':
        log('skipped on %s: one web process there' % backend)
        return []
    province = workspace.province_instance(backend, log)
    instance = workspace.instance(backend, 'serve')
    log('copy of the province database')
    province.copy_to(instance)
    key = gallery(instance, log)
    frame = attendance.frame_jpeg()
    rows = []
    measured = {}
    for kind in ('gunicorn', 'werkzeug'):
        with served(instance, kind, WORKERS, log) as server:
            unlimited(server)
            # Each process's first requests load Tryton's caches
            load(lambda: search_client(server, instance), 4, seconds=5)
            log('%s: RPC search_read, 4 clients for %s s' % (kind, SECONDS))
            measured[kind, 'rpc'] = load(
                lambda: search_client(server, instance), 4)
            warm(server, key, frame, WORKERS)
            log('%s: check-ins, 2 clients for %s s' % (kind, SECONDS))
            measured[kind, 'checkin'] = load(
                lambda: checkin_client(server, key, frame), 2)
            if kind == 'gunicorn':
                measured['rss'] = server.worker_rss()
    for what, title in [('rpc', 'JSON-RPC search_read of employees, 4 '
                'clients'), ('checkin', 'check-in API, gallery of %s, 2 '
                'clients' % attendance.GALLERY)]:
        new, old = measured['gunicorn', what], measured['werkzeug', what]
        rows.append(Row(NAME, backend,
                '%s, %s workers: ms per request at saturation (%.1f/s)'
                % (title, WORKERS, new.rate), 1000 / new.rate, 'ms',
                'werkzeug threaded, %s forked processes (%.1f/s)'
                % (WORKERS, old.rate), 1000 / old.rate))
        rows.append(Row(NAME, backend, '%s, %s workers: p95 of %s'
                % (title, WORKERS, len(new.times)), new.p95, 'ms',
                'werkzeug threaded, %s forked processes: p95 of %s'
                % (WORKERS, len(old.times)), old.p95))
    rates = {}
    for workers in (1, 2, 3):
        with served(instance, 'gunicorn', workers, log) as server:
            warm(server, key, frame, workers)
            log('check-ins with %s worker(s), 3 clients' % workers)
            rates[workers] = load(
                lambda: checkin_client(server, key, frame), 3).rate
    for workers in (2, 3):
        rows.append(Row(NAME, backend,
                'check-ins, %s gunicorn workers, 3 clients: ms per check-in '
                '(%.1f/s)' % (workers, rates[workers]),
                1000 / rates[workers], 'ms',
                '1 worker (%.1f/s)' % rates[1], 1000 / rates[1]))
    before, after = measured['rss']
    rows.append(Row(NAME, backend, 'resident memory of a web worker with '
            'the gallery of %s loaded (largest worker)' % attendance.GALLERY,
            after, 'bytes', 'the 1.5 GiB goal', RSS_GOAL))
    raw = attendance.GALLERY * 128 * 4
    rows.append(Row(NAME, backend, 'what the gallery adds to a worker '
            '(after its first check-in, less before)', after - before,
            'bytes', 'its encodings as float32 (%s x 128 x 4 B)'
            % attendance.GALLERY, raw))
    return rows


def gallery(instance, log):
    "The astronaut enrolled among 50,000 faces; return a device's key"
    count, = attendance.sql(instance, [
            ("SELECT COUNT(id) FROM bhmis_attendance_face", ())])
    if count[0][0] < attendance.GALLERY:
        key, _, _ = attendance.prepare(instance, log)
        return key
    # The attendance benchmark filled the province's gallery already: her
    # face came first
    rows, = attendance.sql(instance, [("SELECT f.code FROM "
        "bhmis_attendance_face a JOIN company_employee e "
        "ON e.id = a.employee JOIN bhmis_facility f ON f.id = e.facility "
        "ORDER BY a.id LIMIT 1", ())])
    return attendance.add_device(instance, rows[0][0])


class Load:
    def __init__(self, times, seconds):
        self.times = times
        self.rate = len(times) / seconds
        self.p95 = percentile(times, 95)


def load(make_client, clients, seconds=SECONDS):
    "Run clients for seconds; each client() call is one timed request"
    times, errors = [], []
    stop = time.monotonic() + seconds

    def work():
        try:
            call = make_client()
            while time.monotonic() < stop:
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
        except Exception as exception:  # reported below
            errors.append(exception)
    threads = [threading.Thread(target=work) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise StepError('a client failed: %s' % errors[0])
    if not times:
        raise StepError('no request answered')
    return Load(times, time.perf_counter() - start)


def search_client(server, instance):
    from tests.rpc import RPC
    rpc = RPC(server.url(), instance.db).login('admin',
        attendance.ADMIN_PASSWORD)

    def call():
        found = rpc.model('company.employee', 'search_read',
            [('personnel_number', 'ilike', '%123%')], 0, 40, None,
            ['rec_name', 'personnel_number', 'facility.rec_name'])
        if not found:
            raise StepError('no employee found')
    return call


def checkin_client(server, key, frame):
    url = server.url('/%s/bhmis/attendance/checkin' % server.instance.db)

    def call():
        answer = attendance.post_checkin(url, key, frame)
        if answer.get('status') != 'accepted':
            raise StepError('check-in not accepted: %s' % answer)
    return call


def unlimited(server):
    "One device stands for a province's kiosks: past its rate limit"
    from tests.rpc import RPC
    rpc = RPC(server.url(), server.instance.db).login('admin',
        attendance.ADMIN_PASSWORD)
    rpc.model('bhmis.attendance.configuration', 'write', [1],
        {'checkins_per_minute': 1_000_000})


def warm(server, key, frame, workers):
    """Every web process loads the face models and the gallery on its
    first check-in: not what a day of check-ins costs"""
    server.mark()
    load(lambda: checkin_client(server, key, frame), workers + 1, seconds=8)


class Served:
    def __init__(self, instance, kind, workers):
        self.instance, self.kind, self.workers = instance, kind, workers
        self.port = free_port()
        self.rss_before = None

    def url(self, path=''):
        return 'http://127.0.0.1:%s%s' % (self.port, path)

    def start(self, log):
        self.log = open(self.instance.var / ('serve-%s-%s.log'
                % (self.kind, self.workers)), 'w')
        # The web server alone, as `bhmis serve` starts it, without its
        # trytond-cron (whose start-up run of the due jobs on a province
        # would take a core from the measure) and queue worker
        env = dict(self.instance.env,
            TRYTOND_CONFIG=str(self.instance.var / 'trytond.conf'),
            TRYTOND_DATABASE_NAMES=self.instance.db)
        if self.kind == 'gunicorn':
            command = [sys.executable, '-m', 'bhmis.wsgi_server',
                '--host', '127.0.0.1', '--port', str(self.port),
                '--workers', str(self.workers), '--threads', str(THREADS),
                '--timeout', '120']
        else:
            command = [sys.executable, '-m', 'benchmarks.serve',
                'werkzeug', str(self.port), str(self.workers)]
        log('%s with %s worker(s)' % (self.kind, self.workers))
        self.process = subprocess.Popen(command, env=env,
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StepError('%s exited:\n%s' % (
                        self.kind, tail(Path(self.log.name))))
            try:
                urllib.request.urlopen(self.url('/health'), timeout=2)
                return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.3)
        raise StepError('%s did not answer in 120 s' % self.kind)

    def web_workers(self):
        "Pids of the processes that answer HTTP requests"
        from tests.test_serve import children, cmdline
        pids, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            kids = children(pid)
            todo.extend(kids)
            if not kids and 'cron' not in cmdline(pid) and (
                    'worker' not in cmdline(pid)
                    or 'wsgi_server' in cmdline(pid)):
                pids.append(pid)
        return pids

    def mark(self):
        "Remember the workers' memory before their first check-in"
        self.rss_before = max(rss(p) for p in self.web_workers())

    def worker_rss(self):
        return self.rss_before, max(rss(p) for p in self.web_workers())

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@contextlib.contextmanager
def served(instance, kind, workers, log):
    server = Served(instance, kind, workers).start(log)
    try:
        yield server
    finally:
        server.stop()


def rss(pid):
    for line in Path('/proc/%s/status' % pid).read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
    raise StepError('no VmRSS for %s' % pid)


def werkzeug_main(port, workers):
    """The server BHMIS had before gunicorn (bhmis/web.py of commit
    284e53b~1): werkzeug's threaded server in `workers` processes forked
    on one listening socket; none is replaced when it dies"""
    import socket

    from werkzeug.serving import make_server

    from bhmis import settings as settings_
    settings = settings_.load()
    settings_.write_trytond_conf(settings)
    os.environ.update(settings_.tryton_environ(settings))
    os.environ['TRYTOND_DATABASE_NAMES'] = settings.db
    os.environ['BHMIS_WEB_WORKERS'] = str(workers)
    listener = socket.create_server(('127.0.0.1', port), backlog=128)

    def serve():
        from trytond.application import app as tryton_app

        from bhmis.web import make_app
        make_server('127.0.0.1', port, make_app(tryton_app, settings),
            threaded=True, fd=listener.fileno()).serve_forever()
    if workers == 1:
        serve()
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if not pid:
            serve()
            os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
    signal.signal(signal.SIGTERM, stop)
    os.wait()
    stop(None, None)


if __name__ == '__main__':
    if sys.argv[1:2] == ['werkzeug']:
        werkzeug_main(int(sys.argv[2]), int(sys.argv[3]))
