# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for tests that run BHMIS as a user would: the `bhmis` command,
a served database, RPC and a browser.

The database backend follows TRYTOND_DATABASE_URI, as Tryton's own tests do:
SQLite by default, PostgreSQL when it names a PostgreSQL server.
"""
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.rpc import RPC

ROOT = Path(__file__).resolve().parent.parent
BHMIS = [sys.executable, '-m', 'bhmis.cli']
ADMIN_PASSWORD = 'admin-test-pw'
DEMO_PASSWORD = 'bhmis-demo'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def database_uri():
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    return uri if uri.startswith('postgresql') else 'sqlite://'


class Instance:
    "A BHMIS installation in its own folder and database"

    def __init__(self, var):
        self.var = Path(var)
        self.db = 'bhmis_test_%s' % uuid.uuid4().hex[:10]
        self.uri = database_uri()
        self.env = dict(os.environ,
            BHMIS_VAR=str(self.var), BHMIS_DB=self.db,
            BHMIS_DATABASE_URI=self.uri,
            BHMIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
            BHMIS_SAO=str(ROOT / 'var' / 'sao' / 'package'))
        self.server = None
        self.port = None

    def bhmis(self, *args, check=True, timeout=900):
        result = subprocess.run([*BHMIS, *args], env=self.env, cwd=ROOT,
            capture_output=True, text=True, timeout=timeout)
        if check and result.returncode:
            raise AssertionError("bhmis %s failed (%s):\n%s\n%s" % (
                    ' '.join(args), result.returncode, result.stdout,
                    result.stderr))
        return result

    def serve(self):
        self.port = free_port()
        self.log = open(self.var / 'serve.log', 'w')
        self.server = subprocess.Popen(
            [*BHMIS, 'serve', '--port', str(self.port)], env=self.env,
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError("bhmis serve exited:\n"
                    + (self.var / 'serve.log').read_text())
            try:
                urllib.request.urlopen(self.url('/admin/'), timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        raise AssertionError("bhmis serve did not answer in time")

    def url(self, path=''):
        return 'http://127.0.0.1:%s%s' % (self.port, path)

    def rpc(self, login='admin', password=ADMIN_PASSWORD):
        return RPC(self.url(), self.db).login(login, password)

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(30)
            self.log.close()

    def copy_from(self, template):
        """Start as a copy of the template's database: a file copy on
        SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL (the template's
        processes must have exited)"""
        if self.uri.startswith('postgresql'):
            import psycopg
            from psycopg import sql
            with psycopg.connect(self.uri.rstrip('/') + '/postgres',
                    autocommit=True) as connection:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(self.db),
                        sql.Identifier(template.db)))
        else:
            folder = self.var / 'db'
            folder.mkdir(parents=True, exist_ok=True)
            # SQLite's backup: a consistent copy, write-ahead log included
            source = sqlite3.connect(
                template.var / 'db' / ('%s.sqlite' % template.db))
            target = sqlite3.connect(folder / ('%s.sqlite' % self.db))
            with source, target:
                source.backup(target)
            source.close()
            target.close()
        # As any `bhmis` command does, for scripts that open the database
        from bhmis import settings
        settings.write_trytond_conf(settings.load(self.env))
        return self

    def drop(self):
        self.stop()
        if self.uri.startswith('postgresql'):
            import psycopg
            from psycopg import sql
            with psycopg.connect(self.uri.rstrip('/') + '/postgres',
                    autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    .format(sql.Identifier(self.db)))


@pytest.fixture(scope='session')
def initialised_template(tmp_path_factory):
    "`bhmis init` done once for the session, to copy (Instance.copy_from)"
    inst = Instance(tmp_path_factory.mktemp('template_init'))
    inst.bhmis('init')
    yield inst
    inst.drop()


@pytest.fixture(scope='session')
def demo_template(tmp_path_factory, initialised_template):
    """`bhmis init --demo small` done once for the session, to copy: on a
    copy of the initialised database (an upgrade, as on a site that adds
    the demo later), not a second installation of every module"""
    inst = copy_instance(tmp_path_factory, 'template_demo',
        initialised_template)
    inst.bhmis('init', '--demo', 'small')
    yield inst
    inst.drop()


def copy_instance(tmp_path_factory, name, template):
    "A new installation starting from a copy of the template's database"
    return Instance(tmp_path_factory.mktemp(name)).copy_from(template)


@pytest.fixture
def instance(tmp_path):
    "An empty installation (no database yet)"
    inst = Instance(tmp_path)
    yield inst
    inst.drop()


@pytest.fixture(scope='session')
def demo_server(tmp_path_factory, demo_template):
    "The small demo, initialised and served once for the session"
    inst = copy_instance(tmp_path_factory, 'demo', demo_template)
    inst.serve()
    yield inst
    inst.drop()
