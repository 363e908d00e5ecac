# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis backup` and `bhmis restore`: one file holding the database and
Tryton's file store, checked whole before anything is restored.

The file is a tar archive:

  database.dump      PostgreSQL: pg_dump's custom format
  database.sqlite    SQLite: a copy made with SQLite's online backup API
  filestore/...      the database's folder of Tryton's file store
                     (attachments, evidence photos), as it is on disk
  manifest.json      format, backend, database name, module versions,
                     creation time and the size and sha256 of every
                     member; written last, so a file cut short has none

SQLite backups are gzip-compressed; pg_dump compresses its own dump.
"""
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import zlib
from pathlib import Path, PurePosixPath

from . import database

FORMAT = 'bhmis-backup'
VERSION = 1
MANIFEST = 'manifest.json'
FILESTORE = 'filestore'
DATABASE_MEMBERS = {
    'postgresql': 'database.dump',
    'sqlite': 'database.sqlite',
    }
BACKENDS = {'postgresql': 'PostgreSQL', 'sqlite': 'SQLite'}
# A database name that is also a safe file name (SQLite, the file store)
DATABASE_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$')
MEMBER_PART = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*$')
DEBIAN_POSTGRESQL = Path('/usr/lib/postgresql')
CHUNK = 1 << 20


class BackupError(Exception):
    "Why a backup or a restore was refused or failed; one line"


def add_parser(commands):
    backup = commands.add_parser('backup',
        help="write the database and its file store to one file")
    backup.add_argument('--output', required=True,
        help="the backup file, or a folder to write "
        "<database>-<UTC time>.bhmis.tar[.gz] into")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser('restore',
        help="restore a backup file into a new database, after checking "
        "the whole file")
    restore.add_argument('file', help="a file written by `bhmis backup`")
    restore.add_argument('--db', required=True,
        help="the name of the database to create")
    restore.add_argument('--force', action='store_true',
        help="replace the database (and its file store) if it exists")
    restore.set_defaults(func=cmd_restore)


def fail(message):
    print("bhmis: %s" % message, file=sys.stderr)
    return 1


def cmd_backup(settings, options):
    try:
        path, manifest = backup(settings, options.output)
    except (BackupError, database.Unreachable) as error:
        return fail(error)
    files = sum(1 for name in manifest['members']
        if name.startswith(FILESTORE + '/'))
    print("bhmis: database %r (%s) backed up to %s: %s, %s file(s) of the "
        "file store" % (settings.db, BACKENDS[settings.backend], path,
            size_text(path.stat().st_size), files))
    return 0


def cmd_restore(settings, options):
    try:
        manifest, replaced = restore(settings, Path(options.file),
            options.db, force=options.force)
    except (BackupError, database.Unreachable) as error:
        return fail(error)
    files = sum(1 for name in manifest['members']
        if name.startswith(FILESTORE + '/'))
    print("bhmis: %s checked: %s member(s), every sha256 matches"
        % (options.file, len(manifest['members'])))
    print("bhmis: database %r %s on %s from %r backed up at %s, with %s "
        "file(s) of the file store" % (options.db,
            "replaced" if replaced else "restored",
            BACKENDS[settings.backend], manifest['database'],
            manifest['created'], files))
    for line in module_differences(manifest['modules'], module_versions()):
        print("bhmis: note: %s" % line)
    return 0


def size_text(size):
    for unit in ('bytes', 'KB', 'MB', 'GB'):
        if size < 1024 or unit == 'GB':
            break
        size /= 1024
    return ('%d %s' if unit == 'bytes' else '%.1f %s') % (size, unit)


def module_versions():
    "The versions of the installed BHMIS modules, from their tryton.cfg"
    from trytond.modules import get_module_info
    return {name: get_module_info(name).get('version', '')
        for name in database.bhmis_modules()}


def module_differences(backed_up, installed):
    "Lines telling how the backup's modules differ from the installed ones"
    lines = []
    for name in sorted(set(backed_up) | set(installed)):
        old, new = backed_up.get(name), installed.get(name)
        if old == new:
            continue
        lines.append("%s is %s in the backup and %s here"
            % (name, old or "absent", new or "absent"))
    if lines:
        lines.append("run `bhmis init` with BHMIS_DB set to the restored "
            "database to bring it to this installation's modules")
    return lines


def filestore_folder(settings, name=None):
    """The folder of Tryton's file store for the database: `[database]
    path` (var/db, bhmis/settings.py) joined with the database name, the
    prefix Tryton's Binary fields store under"""
    return settings.sqlite_path / (name or settings.db)


def sqlite_file(settings, name=None):
    return settings.sqlite_path / ('%s.sqlite' % (name or settings.db))


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as fp:
        for chunk in iter(lambda: fp.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


# Writing

def backup(settings, output):
    """Write the database and its file store to output (a file, or a
    folder to name one in); return (path, manifest)"""
    folder_named = str(output).endswith(os.sep)
    output = Path(output)
    if settings.backend not in DATABASE_MEMBERS:
        raise BackupError("cannot back up a %r database" % settings.backend)
    if not database.exists(settings):
        raise BackupError("database %r does not exist on %s"
            % (settings.db, database.redacted(settings.database_uri)))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if output.is_dir():
        output = output / default_name(settings, now)
    elif folder_named:
        raise BackupError("%s: no such folder" % output)
    if not output.parent.is_dir():
        raise BackupError("%s: no such folder" % output.parent)
    work = Path(tempfile.mkdtemp(dir=output.parent,
            prefix='.%s.' % output.name))
    try:
        dumped = work / DATABASE_MEMBERS[settings.backend]
        extra = {}
        # The database first: the files its rows name are on disk from
        # then on (Tryton only deletes a file after the row naming it)
        if settings.backend == 'postgresql':
            extra['postgresql'] = dump_postgresql(settings, dumped)
        else:
            dump_sqlite(sqlite_file(settings), dumped)
        members = [(dumped.name, dumped)] + filestore_members(
            filestore_folder(settings))
        manifest = {
            'format': FORMAT,
            'version': VERSION,
            'backend': settings.backend,
            'database': settings.db,
            'created': now.isoformat().replace('+00:00', 'Z'),
            'modules': module_versions(),
            **extra,
            }
        partial = work / 'archive'
        manifest = write_archive(partial, manifest, members,
            compress=settings.backend == 'sqlite')
        os.replace(partial, output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return output, manifest


def default_name(settings, now):
    return '%s-%s.bhmis.tar%s' % (settings.db, now.strftime('%Y%m%dT%H%M%SZ'),
        '.gz' if settings.backend == 'sqlite' else '')


def filestore_members(folder):
    "(member name, path) of every file of the file store folder"
    if not folder.is_dir():
        return []
    members = []
    for path in sorted(folder.rglob('*')):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(folder).as_posix()
            members.append(('%s/%s' % (FILESTORE, relative), path))
    return members


class Hashing:
    "A file reader that hashes what it reads"

    def __init__(self, fp):
        self.fp = fp
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.fp.read(size)
        self.digest.update(data)
        return data


def write_archive(path, manifest, members, compress=False):
    """Write members [(name, path)] then the manifest, completed with each
    member's size and sha256, to a new file readable by its owner only
    (it holds password hashes)"""
    manifest = dict(manifest, members={})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'wb') as raw:
        fileobj = (gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=6,
                mtime=0) if compress else raw)
        with tarfile.open(fileobj=fileobj, mode='w',
                format=tarfile.PAX_FORMAT) as tar:
            for name, source in members:
                try:
                    fp = open(source, 'rb')
                except FileNotFoundError:
                    # A file Tryton deleted meanwhile: no row of the
                    # backed up database names it
                    continue
                with fp:
                    info = member_info(name, os.fstat(fp.fileno()).st_size)
                    hashing = Hashing(fp)
                    tar.addfile(info, hashing)
                manifest['members'][name] = {
                    'size': info.size, 'sha256': hashing.digest.hexdigest()}
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            tar.addfile(member_info(MANIFEST, len(data)), io.BytesIO(data))
        if compress:
            fileobj.close()
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def member_info(name, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(dt.datetime.now().timestamp())
    return info


def dump_sqlite(source, target):
    "Copy the SQLite database with its online backup API: consistent"
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    try:
        with origin, copy:
            origin.backup(copy)
    except sqlite3.Error as error:
        raise BackupError("%s: cannot be read by SQLite: %s"
            % (source, error))
    finally:
        origin.close()
        copy.close()


def dump_postgresql(settings, target):
    """pg_dump the database in its custom format; return what the
    manifest says about it"""
    major = server_major(settings)
    tool, version = pg_tool('pg_dump', major)
    uri, env = pg_connection(settings, settings.db)
    result = subprocess.run([str(tool), '--format=custom',
            '--file=%s' % target, '--dbname=%s' % uri],
        env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError("pg_dump failed: %s" % last_line(result.stderr))
    return {'server': major, 'pg_dump': version}


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


# PostgreSQL

def pg_connection(settings, name):
    """The URI of a database for PostgreSQL's programs, without its
    password, and their environment, with it"""
    parts = urllib.parse.urlsplit(settings.database_uri)
    env = dict(os.environ)
    if parts.password is not None:
        env['PGPASSWORD'] = urllib.parse.unquote(parts.password)
        netloc = parts.netloc.replace(':%s@' % parts.password, '@', 1)
        parts = parts._replace(netloc=netloc)
    base = urllib.parse.urlunsplit(parts._replace(
            scheme='postgresql'))
    return base.rstrip('/') + '/' + name, env


def connect(settings, name='postgres'):
    import psycopg
    try:
        return psycopg.connect(settings.database_uri.rstrip('/') + '/'
            + name, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        raise database.Unreachable(
            "cannot reach the PostgreSQL server at %s: %s" % (
                database.redacted(settings.database_uri),
                database.reason(error)))


def server_major(settings):
    with connect(settings) as connection:
        number, = connection.execute('SHOW server_version_num').fetchone()
    return int(number) // 10000


def pg_tool(name, major):
    """(path, version) of PostgreSQL's program `name` for a server of that
    major version: Debian's of the same version, else the oldest newer
    one, else the one on PATH if it is recent enough"""
    found = []
    for path in DEBIAN_POSTGRESQL.glob('*/bin/' + name):
        version = path.parent.parent.name
        if version.isdigit() and int(version) >= major:
            found.append((int(version), path))
    if found:
        version, path = min(found)
        return path, version
    path = shutil.which(name)
    if path:
        version = tool_major(path)
        if version and version >= major:
            return Path(path), version
    raise BackupError("%s of PostgreSQL %s or later not found (looked in "
        "%s/*/bin and PATH): install Debian's postgresql-client-%s"
        % (name, major, DEBIAN_POSTGRESQL, major))


def tool_major(path):
    "The major version of a PostgreSQL program: 'pg_dump (PostgreSQL) 15.2'"
    try:
        output = subprocess.run([path, '--version'], capture_output=True,
            text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'\) (\d+)', output)
    return int(match.group(1)) if match else None


# Reading

def check_member_name(name, backend):
    "Refuse a member that is not ours or would land outside the folder"
    if name == DATABASE_MEMBERS[backend]:
        return
    parts = PurePosixPath(name).parts
    if (len(parts) >= 2 and parts[0] == FILESTORE
            and all(MEMBER_PART.match(part) and part not in ('.', '..')
                for part in parts[1:])
            and '/'.join(parts) == name):
        return
    raise BackupError("unexpected member %r" % name)


def check_manifest(data):
    "The manifest as a dict, or BackupError saying what is wrong with it"
    try:
        manifest = json.loads(data)
    except ValueError:
        raise BackupError("its manifest is not JSON")
    if not isinstance(manifest, dict) or manifest.get('format') != FORMAT:
        raise BackupError("not a BHMIS backup (its manifest is not %s's)"
            % FORMAT)
    version = manifest.get('version')
    if not isinstance(version, int) or version > VERSION:
        raise BackupError("written by a newer BHMIS (backup format %r; "
            "this one reads up to %s)" % (version, VERSION))
    if manifest.get('backend') not in DATABASE_MEMBERS:
        raise BackupError("unknown backend %r" % manifest.get('backend'))
    members = manifest.get('members')
    if (not isinstance(members, dict)
            or DATABASE_MEMBERS[manifest['backend']] not in members
            or not all(isinstance(value, dict) and 'sha256' in value
                and 'size' in value for value in members.values())):
        raise BackupError("its manifest lists no database")
    for key in ('database', 'created', 'modules'):
        if key not in manifest:
            raise BackupError("its manifest has no %r" % key)
    return manifest


def unpack(path, folder):
    """Read the whole backup file into folder, checking every member
    against the manifest; return the manifest or raise BackupError
    (nothing outside folder is touched)"""
    try:
        manifest, found = read_archive(path, folder)
    except BackupError as error:
        raise BackupError("%s: refused, nothing was restored: %s"
            % (path, error))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError("%s: refused, nothing was restored: the file is "
            "incomplete or damaged (%s)" % (path, error))
    problems = []
    for name, expected in sorted(manifest['members'].items()):
        if name not in found:
            problems.append("%s is missing" % name)
        elif found[name] != (expected['size'], expected['sha256']):
            problems.append("%s differs from the one backed up" % name)
    for name in sorted(set(found) - set(manifest['members'])):
        problems.append("%s is not in the manifest" % name)
    if problems:
        raise BackupError("%s: refused, nothing was restored: the file is "
            "incomplete or damaged: %s%s" % (path, "; ".join(problems[:3]),
                "; ..." if len(problems) > 3 else ""))
    return manifest


def read_archive(path, folder):
    "(manifest, {name: (size, sha256)}) of the members written to folder"
    manifest = None
    found = {}
    members = []
    with tarfile.open(path, mode='r:*') as tar:
        for member in tar:
            if member.name == MANIFEST and member.isfile():
                manifest = check_manifest(tar.extractfile(member).read())
                continue
            if not member.isfile():
                raise BackupError("unexpected member %r" % member.name)
            members.append(member.name)
            target = folder / member.name
            if member.name in found:
                raise BackupError("member %r twice" % member.name)
            # Member names are checked against the manifest's backend
            # once it is read; until then only kept inside folder
            if (PurePosixPath(member.name).is_absolute()
                    or '..' in PurePosixPath(member.name).parts):
                raise BackupError("unexpected member %r" % member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            digest = hashlib.sha256()
            size = 0
            with open(target, 'xb') as fp:
                for chunk in iter(lambda: source.read(CHUNK), b''):
                    digest.update(chunk)
                    size += len(chunk)
                    fp.write(chunk)
            found[member.name] = (size, digest.hexdigest())
    if manifest is None:
        raise BackupError("it has no manifest: the file is incomplete "
            "(cut short?) or not a BHMIS backup")
    for name in members:
        check_member_name(name, manifest['backend'])
    return manifest, found


# Restoring

def restore(settings, path, name, force=False):
    """Restore the backup file into database `name` on the settings'
    server, replacing an existing one only if force; the whole file is
    checked first. Return (manifest, replaced)."""
    if not path.is_file():
        raise BackupError("%s: no such file" % path)
    if not DATABASE_NAME.match(name):
        raise BackupError("%r is not a database name BHMIS accepts "
            "(letters, digits, _ and -, at most 63)" % name)
    if settings.backend not in DATABASE_MEMBERS:
        raise BackupError("cannot restore into a %r database"
            % settings.backend)
    target = dataclasses.replace(settings, db=name)
    existing = exists(target)
    if existing and not force:
        raise BackupError("database %r already exists on %s; nothing was "
            "restored (add --force to replace it)" % (name,
                database.redacted(settings.database_uri)))
    settings.sqlite_path.mkdir(parents=True, exist_ok=True)
    # Beside the file store and the SQLite files: renames, not copies
    work = Path(tempfile.mkdtemp(dir=settings.sqlite_path,
            prefix='.restore-%s.' % name))
    try:
        manifest = unpack(path, work)
        if manifest['backend'] != settings.backend:
            raise BackupError("%s: refused, nothing was restored: it is a "
                "%s backup and this installation uses %s (%s)" % (path,
                    BACKENDS[manifest['backend']],
                    BACKENDS[settings.backend],
                    database.redacted(settings.database_uri)))
        dumped = work / DATABASE_MEMBERS[settings.backend]
        if settings.backend == 'postgresql':
            restore_postgresql(target, dumped, manifest, replace=existing)
        else:
            restore_sqlite(target, dumped)
        replace_folder(work / FILESTORE, filestore_folder(target))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest, existing


def exists(settings):
    "Whether the database or its file store folder is there"
    return (database.exists(settings)
        or filestore_folder(settings).exists()
        or (settings.backend == 'sqlite'
            and sqlite_file(settings).exists()))


def replace_folder(new, folder):
    "Put new (or an empty file store) in place of folder"
    old = None
    if folder.exists():
        old = folder.with_name('.%s.replaced-%s' % (folder.name,
                secrets.token_hex(4)))
        os.rename(folder, old)
    if new.is_dir():
        os.rename(new, folder)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def restore_sqlite(target, dumped):
    try:
        connection = sqlite3.connect(dumped)
        try:
            connection.execute('SELECT count(*) FROM ir_module').fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError("the backed up SQLite database does not open: %s"
            % error)
    path = sqlite_file(target)
    # A journal left by the database replaced would be applied to ours
    for suffix in ('-journal', '-wal', '-shm'):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(dumped, path)


def restore_postgresql(target, dumped, manifest, replace=False):
    """pg_restore into a new database under a temporary name, then rename
    it: a failed restore leaves any database of that name as it was"""
    from psycopg import sql
    major = max(server_major(target), manifest.get('postgresql', {}).get(
            'pg_dump', 0))
    tool, _ = pg_tool('pg_restore', major)
    temporary = '%s_restoring_%s' % (target.db[:40], secrets.token_hex(4))
    with connect(target) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' "
                "TEMPLATE template0").format(sql.Identifier(temporary)))
    try:
        uri, env = pg_connection(target, temporary)
        result = subprocess.run([str(tool), '--no-owner', '--no-privileges',
                '--exit-on-error', '--single-transaction',
                '--dbname=%s' % uri, str(dumped)],
            env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError("pg_restore failed, nothing was changed: %s"
                % last_line(result.stderr))
        with connect(target) as connection:
            if replace:
                connection.execute(sql.SQL(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(target.db)))
            connection.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}")
                .format(sql.Identifier(temporary),
                    sql.Identifier(target.db)))
    except BaseException:
        with connect(target) as connection:
            connection.execute(sql.SQL(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(temporary)))
        raise
