# SPDX-License-Identifier: GPL-3.0-or-later
"""Settings: the environment first, then config/bhmis.conf, then defaults."""
import configparser
import os
import secrets
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / 'config'
# Who may read /metrics unless [bhmis] metrics_networks says otherwise
METRICS_NETWORKS = ('127.0.0.1/32', '::1/128')


@dataclass(frozen=True)
class Settings:
    database_uri: str
    db: str
    host: str
    port: int
    var: Path
    workers: int = 0
    threads: int = 8
    timeout: int = 120
    max_requests: int = 10000
    access_log: str = ''
    metrics_networks: tuple = METRICS_NETWORKS
    file_store: str = ''
    proxies: int = 0

    @property
    def backend(self):
        return urllib.parse.urlparse(self.database_uri).scheme.split('+')[0]

    @property
    def queue_worker(self):
        # The worker waits on PostgreSQL's LISTEN/NOTIFY; on SQLite queued
        # tasks run in the request's process when it commits
        return self.backend == 'postgresql'

    @property
    def web_workers(self):
        """Web processes: `workers`, or else one per core (at most 4), as
        face check-ins are CPU-bound; on SQLite always one, as Tryton's
        caches meet across processes only through PostgreSQL's
        notifications"""
        return self.effective_workers(self.workers)

    def effective_workers(self, requested):
        if self.backend != 'postgresql':
            return 1
        return requested or max(1, min(4, os.cpu_count() or 1))

    @property
    def access_log_path(self):
        "Where gunicorn writes its access log ('-': standard output)"
        return self.access_log or str(self.var / 'log' / 'access.log')

    @property
    def prometheus_dir(self):
        "prometheus_client's files shared by the web workers"
        return self.var / 'prometheus'

    @property
    def database_path(self):
        """Tryton's [database] path: the SQLite files, and Tryton's file
        store (attachments, evidence photos).  On PostgreSQL `file_store`
        may name a folder shared by every app node (NFS, ...); on SQLite,
        one node only, the files stay beside the database"""
        if self.backend == 'postgresql' and self.file_store:
            return Path(self.file_store).resolve()
        return self.sqlite_path

    @property
    def trytond_conf(self):
        return self.var / 'trytond.conf'

    @property
    def sqlite_path(self):
        return self.var / 'db'

    @property
    def sao_root(self):
        default = ROOT / 'var' / 'sao' / 'package'
        return Path(os.environ.get('BHMIS_SAO', default))

    @property
    def admin_password_file(self):
        return self.var / 'admin-password'


def load(environ=os.environ):
    parser = configparser.ConfigParser()
    parser.read(environ.get('BHMIS_CONFIG', CONFIG_DIR / 'bhmis.conf'))
    section = parser['bhmis'] if parser.has_section('bhmis') else {}

    def get(name, default):
        return environ.get('BHMIS_' + name.upper()) or section.get(
            name, default)
    return Settings(
        database_uri=get('database_uri', 'sqlite://'),
        db=get('db', 'bhmis'),
        host=get('host', '127.0.0.1'),
        port=int(get('port', 8000)),
        var=Path(get('var', ROOT / 'var')).resolve(),
        workers=int(get('workers', 0)),
        threads=int(get('threads', 8)),
        timeout=int(get('timeout', 120)),
        max_requests=int(get('max_requests', 10000)),
        access_log=get('access_log', ''),
        file_store=get('file_store', ''),
        proxies=int(get('proxies', 0)),
        metrics_networks=tuple(network.strip() for network in get(
                'metrics_networks', ','.join(METRICS_NETWORKS)).split(',')
            if network.strip()),
        )


def write_trytond_conf(settings):
    "Write the Tryton configuration for these settings and return its path"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(CONFIG_DIR / 'trytond.conf')
    for section in ('database', 'web', 'queue', 'cache'):
        if not parser.has_section(section):
            parser.add_section(section)
    parser.set('database', 'uri', settings.database_uri)
    parser.set('database', 'path', str(settings.database_path))
    parser.set('web', 'listen', '%s:%s' % (settings.host, settings.port))
    parser.set('web', 'root', str(settings.sao_root))
    parser.set('queue', 'worker', str(settings.queue_worker))
    if settings.backend == 'postgresql':
        # Every process (web workers, cron, queue worker, other nodes)
        # drops a cache another cleared as soon as it commits, through
        # PostgreSQL's notifications; Tryton's default syncs through a
        # table every 5 minutes, so a facility taken from a user stayed
        # theirs in the other processes until then
        parser.set('cache', 'clean_timeout', '0')
    if settings.proxies:
        # The client's address (login attempts, rate limits, logs) from
        # X-Forwarded-For. Only above 0: Tryton reads this file after its
        # TRYTOND_* environment, which a 0 here would override
        parser.set('web', 'num_proxies', str(settings.proxies))
    settings.var.mkdir(parents=True, exist_ok=True)
    settings.sqlite_path.mkdir(parents=True, exist_ok=True)
    settings.database_path.mkdir(parents=True, exist_ok=True)
    with open(settings.trytond_conf, 'w') as fp:
        fp.write("# Written by `bhmis` from config/; edit those instead.\n")
        parser.write(fp)
    return settings.trytond_conf


def admin_password(settings, environ=os.environ, generate=True):
    """Return (password, generated) for the admin user: (None, False) when
    none is configured and generate is false (a database whose admin has
    a password already).

    A generated password is written once to var/admin-password (mode 0600).
    """
    if environ.get('BHMIS_ADMIN_PASSWORD'):
        return environ['BHMIS_ADMIN_PASSWORD'], False
    path = settings.admin_password_file
    if path.exists():
        return path.read_text().strip(), False
    if not generate:
        return None, False
    password = secrets.token_urlsafe(12)
    settings.var.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w') as fp:
        fp.write(password + '\n')
    return password, True


def tryton_environ(settings, environ=os.environ):
    "The environment under which Tryton's commands run"
    env = dict(environ)
    env['TRYTOND_CONFIG'] = str(settings.trytond_conf)
    # Our file, not a stray environment variable, says where the data is
    for key in list(env):
        if key.startswith('TRYTOND_DATABASE__'):
            del env[key]
    env.pop('TRYTOND_DATABASE_URI', None)
    return env
