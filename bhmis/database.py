# SPDX-License-Identifier: GPL-3.0-or-later
"""Create, upgrade and open the BHMIS database."""
import contextlib
import os
import subprocess
import sys
import tempfile
import urllib.parse
from importlib.metadata import entry_points

from . import settings as settings_

ADMIN_EMAIL = 'admin@bhmis.invalid'


def bhmis_modules():
    "Names of the installed BHMIS Tryton modules"
    return sorted(ep.name for ep in entry_points(group='trytond.modules')
        if ep.name.startswith('bhmis_'))


class Unreachable(Exception):
    "The database server does not answer; the message is one line"


def exists(settings):
    """Tell whether the database exists, without creating anything; raise
    Unreachable if its server does not answer"""
    if settings.backend == 'sqlite':
        path = settings.sqlite_path / (settings.db + '.sqlite')
        return path.exists() and path.stat().st_size > 0
    import psycopg
    try:
        connection = psycopg.connect(
            settings.database_uri.rstrip('/') + '/postgres',
            autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        raise Unreachable("cannot reach the PostgreSQL server at %s: %s" % (
                redacted(settings.database_uri), reason(error)))
    with connection:
        return bool(connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (settings.db,)).fetchone())


def redacted(uri):
    "The URI without its password"
    parts = urllib.parse.urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(':%s@' % parts.password, ':***@', 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def reason(error):
    "The last words of the driver's first line: 'Connection refused'"
    line = (str(error).strip().splitlines() or ['unknown error'])[0]
    return line.rsplit(' failed: ', 1)[-1].strip()


def create(settings):
    "Create the empty database if it does not exist; return True if created"
    if settings.backend == 'sqlite':
        path = settings.sqlite_path / (settings.db + '.sqlite')
        if path.exists():
            return False
        path.touch()
        return True
    if settings.backend == 'postgresql':
        import psycopg
        from psycopg import sql
        with psycopg.connect(settings.database_uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (settings.db,)).fetchone()
            if exists:
                return False
            connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'")
                .format(sql.Identifier(settings.db)))
        ensure_extensions(settings)
        return True
    raise SystemExit("bhmis: unsupported database %r" % settings.database_uri)


# PostgreSQL extensions Tryton uses when a database has them: pg_trgm turns
# the similarity indexes Tryton declares (every model's name, codes) into
# trigram indexes, which answer `ilike '%term%'` searches without reading
# the whole table. Trusted since PostgreSQL 13: the database owner may add
# it without being a superuser.
EXTENSIONS = ('pg_trgm',)


def ensure_extensions(settings):
    """Add EXTENSIONS to the PostgreSQL database where they are missing;
    return the names added. A server without them (no contrib package, or
    not allowed) only warns: Tryton then keeps B-tree indexes."""
    if settings.backend != 'postgresql':
        return []
    import psycopg
    from psycopg import sql
    added = []
    with psycopg.connect(settings.database_uri.rstrip('/') + '/'
            + settings.db, autocommit=True) as connection:
        for name in EXTENSIONS:
            if connection.execute(
                    "SELECT 1 FROM pg_extension WHERE extname = %s",
                    (name,)).fetchone():
                continue
            try:
                connection.execute(sql.SQL('CREATE EXTENSION {}').format(
                        sql.Identifier(name)))
            except psycopg.Error as error:
                print("bhmis: warning: PostgreSQL extension %s not added "
                    "(%s): name searches will read whole tables"
                    % (name, str(error).strip()), file=sys.stderr)
            else:
                added.append(name)
    return added


def is_initialised(settings):
    "Tell whether the database exists and has the BHMIS modules activated"
    if not exists(settings):
        return False
    with open_pool(settings) as (pool, transaction):
        Module = pool.get('ir.module')
        return bool(Module.search([
                    ('name', '=', 'bhmis_base'),
                    ('state', '=', 'activated'),
                    ]))


def upgrade(settings, password):
    """Activate or update every BHMIS module, with Urdu translations; on a
    database that gains an extension, rebuild every index to use it.

    Tryton gives admin the password only when it installs the database
    (None: an installed database, whose admin keeps theirs)."""
    env = settings_.tryton_environ(settings)
    # create() adds them to a new database: added here, they are new to
    # a database made before
    reindex = bool(ensure_extensions(settings))
    with tempfile.NamedTemporaryFile('w', dir=settings.var,
            delete=False) as passfile:
        passfile.write((password or '') + '\n')
    try:
        if password:
            env['TRYTONPASSFILE'] = passfile.name
        admin = [sys.executable, '-m', 'bhmis.admin',
            '-c', str(settings.trytond_conf), '-d', settings.db]
        subprocess.run(admin + ['--activate-dependencies', '-l', 'ur',
                '--email', ADMIN_EMAIL, '-u', *bhmis_modules()],
            env=env, check=True)
        if reindex:
            # Tryton updates the indexes of the updated modules' models
            # only; without -u, --indexes revisits every model
            subprocess.run(admin + ['--indexes'], env=env, check=True)
    finally:
        os.unlink(passfile.name)


def skip_setup_wizard(pool):
    "BHMIS is configured by `bhmis init`: Tryton's first-login wizard is not"
    Item = pool.get('ir.module.config_wizard.item')
    Item.write(Item.search([('state', '!=', 'done')]), {'state': 'done'})


@contextlib.contextmanager
def open_pool(settings, user=0, readonly=False, context=None):
    """Yield (pool, transaction) on the database, in process.

    The transaction commits when the block ends without error.
    """
    os.environ['TRYTOND_CONFIG'] = str(settings.trytond_conf)
    from trytond import config
    config.update_etc(str(settings.trytond_conf))
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(settings.db)
    pool.init()
    with Transaction().start(settings.db, user, readonly=readonly,
            context=context or {}) as transaction:
        yield pool, transaction
