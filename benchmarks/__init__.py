# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of BHMIS, run by `make bench` (`python -m benchmarks`).

Each benchmark measures BHMIS against a named baseline in the same run and
reports the ratio; benchmarks/README.md explains them and keeps the figures.
This module holds what they share: BHMIS installations in a temporary
folder, the machine's description and the result rows.
"""
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BHMIS = [sys.executable, '-m', 'bhmis.cli']
ADMIN_PASSWORD = 'bench-admin-pw'
BACKENDS = {
    'sqlite': 'sqlite://',
    'postgresql': os.environ.get('BHMIS_BENCH_POSTGRESQL',
        'postgresql://postgres@127.0.0.1:5432/'),
    }


class StepError(Exception):
    "A benchmark step failed: `make bench` exits non-zero"


@dataclass
class Row:
    benchmark: str
    backend: str
    measure: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    # ratio = baseline_value / value: above 1, BHMIS is faster (or smaller)
    # than the baseline

    @property
    def ratio(self):
        return self.baseline_value / self.value if self.value else math.nan


def fmt(value, unit):
    if unit == 's':
        return '%.2f s' % value
    if unit == 'ms':
        return '%.1f ms' % value
    if unit == 'bytes':
        return '%.1f MiB' % (value / 2 ** 20)
    return '%s %s' % (value, unit)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def percentile(values, p):
    "The nearest-rank p-th percentile of values"
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def clean_environ():
    "The environment without Tryton settings that would override ours"
    return {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and not k.startswith('BHMIS_')}


class Workspace:
    """A temporary folder with one BHMIS_VAR per backend, and every
    database created in it, dropped (or deleted) by close()."""

    def __init__(self, keep=False):
        import tempfile
        self.path = Path(tempfile.mkdtemp(prefix='bhmis-bench-'))
        self.tag = 'bench_%s_%s' % (os.getpid(), uuid.uuid4().hex[:6])
        self.keep = keep
        self.instances = []
        self.province = {}  # backend: Instance with `init --demo province`

    def instance(self, backend, name):
        inst = Instance(self, backend, '%s_%s' % (self.tag, name))
        self.instances.append(inst)
        return inst

    def province_instance(self, backend, log):
        "The province demo database of backend, initialised once"
        province = self.province.get(backend)
        if province is None:
            province = self.instance(backend, 'province')
            log('init --demo province (not timed)')
            province.bhmis('init', '--demo', 'province')
            self.province[backend] = province
        return province

    def close(self):
        errors = []
        for inst in reversed(self.instances):
            try:
                inst.stop()
                inst.drop()
            except Exception as exception:  # keep cleaning up
                errors.append('%s: %s' % (inst.db, exception))
        if self.keep:
            print('bench: kept %s' % self.path, file=sys.stderr)
        else:
            shutil.rmtree(self.path, ignore_errors=True)
        if errors:
            raise StepError('cleanup failed: ' + '; '.join(errors))


class Instance:
    "One BHMIS database, driven with the `bhmis` command as a user would"

    def __init__(self, workspace, backend, db):
        self.backend, self.db = backend, db
        self.uri = BACKENDS[backend]
        self.var = workspace.path / backend
        self.var.mkdir(exist_ok=True)
        self.env = dict(clean_environ(),
            BHMIS_VAR=str(self.var), BHMIS_DB=self.db,
            BHMIS_DATABASE_URI=self.uri,
            BHMIS_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self.server = self.log = self.port = None
        self.exists = False

    @property
    def sqlite_file(self):
        return self.var / 'db' / (self.db + '.sqlite')

    def run(self, *command, timeout=900):
        "Run command in this instance's environment; return wall seconds"
        self.exists = True
        log = self.var / ('%s.log' % self.db)
        start = time.perf_counter()
        with open(log, 'a') as fp:
            fp.write('$ %s\n' % ' '.join(command))
            fp.flush()
            result = subprocess.run(command, env=self.env, cwd=ROOT,
                stdout=fp, stderr=subprocess.STDOUT, timeout=timeout)
        elapsed = time.perf_counter() - start
        if result.returncode:
            raise StepError('%s failed (exit %s) on %s %s:\n%s' % (
                    ' '.join(command), result.returncode, self.backend,
                    self.db, tail(log)))
        return elapsed

    def bhmis(self, *args):
        return self.run(*BHMIS, *args)

    def size(self):
        "The database's size in bytes"
        if self.backend == 'sqlite':
            return self.sqlite_file.stat().st_size
        with self._connect() as connection:
            return connection.execute(
                'SELECT pg_database_size(%s)', (self.db,)).fetchone()[0]

    def copy_to(self, other):
        "Make other a copy of this (closed) database"
        if self.backend == 'sqlite':
            other.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.sqlite_file, other.sqlite_file)
        else:
            from psycopg import sql
            with self._connect() as connection:
                connection.execute(sql.SQL(
                        'CREATE DATABASE {} TEMPLATE {}').format(
                        sql.Identifier(other.db), sql.Identifier(self.db)))
        other.exists = True

    def _connect(self):
        import psycopg
        return psycopg.connect(self.uri.rstrip('/') + '/postgres',
            autocommit=True)

    def serve(self):
        self.port = free_port()
        self.log = open(self.var / ('%s.serve.log' % self.db), 'w')
        self.server = subprocess.Popen(
            [*BHMIS, 'serve', '--port', str(self.port)], env=self.env,
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise StepError('bhmis serve exited (%s):\n%s' % (
                        self.server.returncode, tail(Path(self.log.name))))
            try:
                urllib.request.urlopen(self.url('/admin/'), timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (the sao client may be missing)
            except OSError:
                time.sleep(0.3)
        raise StepError('bhmis serve did not answer in 120 s')

    def url(self, path=''):
        return 'http://127.0.0.1:%s%s' % (self.port, path)

    def stop(self):
        "SIGTERM the `bhmis serve` process: it stops its children"
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.log:
            self.log.close()
        self.server = self.log = None

    def drop(self):
        if not self.exists:
            return
        if self.backend == 'postgresql':
            from psycopg import sql
            with self._connect() as connection:
                connection.execute(
                    sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)')
                    .format(sql.Identifier(self.db)))
        else:
            self.sqlite_file.unlink(missing_ok=True)
        self.exists = False


def tail(path, lines=40):
    try:
        text = path.read_text(errors='replace')
    except OSError:
        return ''
    return '\n'.join(text.splitlines()[-lines:])


def machine():
    "A one-line description of this machine"
    cpu = platform.processor() or 'unknown CPU'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    ram = ''
    try:
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal:'):
                ram = '%.1f GiB RAM' % (int(line.split()[1]) / 2 ** 20)
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else os.cpu_count()
    load = '/'.join('%.2f' % x for x in os.getloadavg())
    return ('%s cores (nproc), %s, %s, %s %s, Python %s, '
        'load average at start %s' % (
            nproc, cpu, ram, platform.system(), platform.release(),
            platform.python_version(), load))


def versions():
    "Versions of what is measured"
    import sqlite3
    from importlib.metadata import version
    parts = ['trytond %s' % version('trytond'),
        'SQLite %s' % sqlite3.sqlite_version]
    try:
        import psycopg
        with psycopg.connect(BACKENDS['postgresql'].rstrip('/')
                + '/postgres', connect_timeout=5) as connection:
            parts.append('PostgreSQL %s' % connection.execute(
                    'SHOW server_version').fetchone()[0].split()[0])
    except Exception:
        pass
    return ', '.join(parts)
