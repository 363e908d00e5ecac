# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis backup` and `bhmis restore` as an administrator uses them: the
small demo with an attachment backed up, restored under another name on
another installation (same rows, same files, a demo user logs in), and
the files and situations a restore refuses without touching anything."""
import base64
import hashlib
import io
import json
import sqlite3
import stat
import subprocess
import sys
import tarfile

import pytest

from bhmis import backup
from tests.conftest import (
    DEMO_PASSWORD,
    ROOT,
    Instance,
    copy_instance,
    database_uri,
)

POSTGRESQL = database_uri().startswith('postgresql')
# An evidence photo's bytes, not a valid image: the file store keeps bytes
EVIDENCE = b'\xff\xd8\xff\xe0 evidence of an inspection ' + bytes(range(256))

ATTACH = """
import sys
from bhmis import settings as settings_
from bhmis.database import open_pool
with open_pool(settings_.load()) as (pool, transaction):
    Facility = pool.get('bhmis.facility')
    Attachment = pool.get('ir.attachment')
    facility, = Facility.search([('code', '=', 'QUETTA-CIVIL-001')])
    attachment, = Attachment.create([{
        'name': 'inspection.jpg', 'resource': str(facility),
        'data': sys.stdin.buffer.read()}])
    print(attachment.id, attachment.file_id)
"""


def connect(inst):
    "A DB-API connection to the instance's database, outside Tryton"
    if POSTGRESQL:
        import psycopg
        return psycopg.connect(inst.uri.rstrip('/') + '/' + inst.db,
            autocommit=True)
    return sqlite3.connect(inst.var / 'db' / ('%s.sqlite' % inst.db))


def tables(inst):
    "{table: (rows, max(id))} of every table of the instance's database"
    connection = connect(inst)
    try:
        if POSTGRESQL:
            names = [name for name, in connection.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' "
                    "AND table_type = 'BASE TABLE'")]
            with_id = {name for name, in connection.execute(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_name = 'id'")}
        else:
            names = [name for name, in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'")]
            with_id = {name for name in names if 'id' in [
                    column[1] for column in connection.execute(
                        'PRAGMA table_info("%s")' % name)]}
        found = {}
        for name in names:
            # Names read from the database itself, quoted
            maximum = 'max(id)' if name in with_id else 'NULL'
            found[name] = tuple(connection.execute(
                    'SELECT count(*), %s FROM "%s"' % (maximum, name)
                    ).fetchone())
        return found
    finally:
        connection.close()


def rows(inst, table, columns, limit=5):
    "A few rows of a table, in id order"
    connection = connect(inst)
    try:
        return [tuple(row) for row in connection.execute(
                'SELECT %s FROM "%s" ORDER BY id LIMIT %d'
                % (', '.join(columns), table, limit))]
    finally:
        connection.close()


def files(inst):
    "{path: bytes} of the instance's file store"
    folder = inst.var / 'db' / inst.db
    return {path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob('*')) if path.is_file()}


def databases_named(inst):
    "The PostgreSQL databases whose name starts with the instance's"
    import psycopg
    with psycopg.connect(inst.uri.rstrip('/') + '/postgres',
            autocommit=True) as connection:
        return [name for name, in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (inst.db + '%',))]


def assert_nothing_created(inst):
    if POSTGRESQL:
        assert databases_named(inst) == []
    # The folder `bhmis` writes its configuration beside: no database
    # file, no file store, nothing left over of the restore
    assert list((inst.var / 'db').iterdir()) == []


@pytest.fixture(scope='module')
def source(tmp_path_factory, demo_template):
    "A copy of the small demo with an evidence photo attached to a facility"
    inst = copy_instance(tmp_path_factory, 'backup_source', demo_template)
    attached = subprocess.run([sys.executable, '-c', ATTACH], env=inst.env,
        cwd=ROOT, input=EVIDENCE, capture_output=True, timeout=300)
    assert attached.returncode == 0, attached.stderr.decode()
    attachment_id, file_id = attached.stdout.decode().split()
    inst.attachment = int(attachment_id), file_id
    yield inst
    inst.drop()


@pytest.fixture(scope='module')
def archive(source, tmp_path_factory):
    "`bhmis backup` of the source, into a folder"
    folder = tmp_path_factory.mktemp('backups')
    result = source.bhmis('backup', '--output', str(folder))
    path, = folder.iterdir()
    assert str(path) in result.stdout
    return path


@pytest.fixture(scope='module')
def restored(archive, tmp_path_factory):
    "The backup restored under another name, on another installation"
    inst = Instance(tmp_path_factory.mktemp('restored'))
    inst.restore_result = inst.bhmis('restore', str(archive), '--db',
        inst.db)
    yield inst
    inst.drop()


def test_backup_file(source, archive):
    """One file, readable by its owner only, named after the database and
    the time, with the database, the file store and a manifest"""
    assert archive.name.startswith(source.db + '-')
    assert archive.name.endswith(
        '.bhmis.tar' if POSTGRESQL else '.bhmis.tar.gz')
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile('manifest.json'))
    assert names[-1] == 'manifest.json', "the manifest is written last"
    assert manifest['format'] == 'bhmis-backup'
    assert manifest['backend'] == ('postgresql' if POSTGRESQL else 'sqlite')
    assert manifest['database'] == source.db
    assert manifest['modules']['bhmis_base'] == '8.0.0'
    assert manifest['created'].endswith('Z')
    database = 'database.dump' if POSTGRESQL else 'database.sqlite'
    _, file_id = source.attachment
    photo = 'filestore/%s/%s/%s' % (file_id[:2], file_id[2:4], file_id)
    assert set(manifest['members']) == {database, photo}
    assert manifest['members'][photo] == {
        'size': len(EVIDENCE),
        'sha256': hashlib.sha256(EVIDENCE).hexdigest()}
    if POSTGRESQL:
        assert manifest['postgresql']['pg_dump'] >= 15


def test_restored_equal(source, restored):
    """Every table has the same number of rows and the same last id,
    employees, facilities and the attachment read the same, and the file
    store holds the same files"""
    out = restored.restore_result.stdout
    assert "every sha256 matches" in out
    assert "database %r restored" % restored.db in out
    assert "from %r" % source.db in out
    assert "with 1 file(s) of the file store" in out
    before, after = tables(source), tables(restored)
    assert len(before) > 100
    assert after == before
    for table, columns in [
            ('company_employee', ['id', 'party', 'company']),
            ('bhmis_facility', ['id', 'code', 'name', 'district']),
            ('ir_attachment', ['id', 'name', 'resource', 'file_id']),
            ('res_user', ['id', 'login', 'password_hash'])]:
        sample = rows(source, table, columns)
        assert sample, table
        assert rows(restored, table, columns) == sample, table
    assert files(restored) == files(source)
    assert list(files(restored).values()) == [EVIDENCE]


def test_restored_serves_a_login(source, restored, tmp_path):
    """A district officer logs in to the restored database and sees
    Quetta's facilities; the administrator opens the attachment; the
    served database backs up while it serves"""
    restored.serve()
    officer = restored.rpc('dho.quetta', DEMO_PASSWORD)
    seen = officer.model('bhmis.facility', 'search_read', [], 0, None,
        [['code', 'ASC']], ['code', 'district.code'])
    assert seen
    assert {row['district.']['code'] for row in seen} == {'QUETTA'}
    connection = connect(source)
    try:
        quetta = sorted(code for code, in connection.execute(
                "SELECT f.code FROM bhmis_facility f "
                "JOIN bhmis_district d ON d.id = f.district "
                "WHERE d.code = 'QUETTA'"))
    finally:
        connection.close()
    assert sorted(row['code'] for row in seen) == quetta
    attachment_id, _ = source.attachment
    admin = restored.rpc()
    attachment, = admin.model('ir.attachment', 'read', [attachment_id],
        ['name', 'data'])
    assert attachment['name'] == 'inspection.jpg'
    assert base64.b64decode(attachment['data']['base64']) == EVIDENCE
    result = restored.bhmis('backup', '--output', str(tmp_path / 'online'))
    assert 'backed up to' in result.stdout
    manifest = backup.unpack(tmp_path / 'online', tmp_path / 'unpacked')
    assert manifest['database'] == restored.db
    assert (tmp_path / 'unpacked' / 'database.dump' if POSTGRESQL
        else tmp_path / 'unpacked' / 'database.sqlite').stat().st_size


def set_facility_names(inst, name):
    connection = connect(inst)
    try:
        connection.execute("UPDATE bhmis_facility SET name = %s"
            % ('%s' if POSTGRESQL else '?'), (name,))
        if not POSTGRESQL:
            connection.commit()
    finally:
        connection.close()


def test_existing_database_refused_then_replaced(source, archive,
        restored):
    """An existing database is refused without --force and left as it
    was; with --force it is replaced by the backup, file store included;
    a backup that does not restore leaves it as it was"""
    # The restored copy, changed since: facilities renamed, photo lost
    target = restored
    target.stop()
    set_facility_names(target, 'Not restored')
    for path in (target.var / 'db' / target.db).rglob('*'):
        if path.is_file():
            path.unlink()
    refused = target.bhmis('restore', str(archive), '--db', target.db,
        check=False)
    assert refused.returncode == 1
    assert "database %r already exists" % target.db in refused.stderr
    assert "--force" in refused.stderr
    assert {name for _, name in rows(target, 'bhmis_facility',
            ['id', 'name'], limit=1000)} == {'Not restored'}
    assert files(target) == {}

    # Checksums right but a database that does not restore: the database
    # in place is kept
    backend = 'postgresql' if POSTGRESQL else 'sqlite'
    unrestorable = make(target.var, {
            backup.DATABASE_MEMBERS[backend]: b'PGDMP no'}, backend=backend)
    failed = target.bhmis('restore', str(unrestorable), '--db', target.db,
        '--force', check=False)
    assert failed.returncode == 1
    assert 'Traceback' not in failed.stderr
    assert ("pg_restore failed, nothing was changed" if POSTGRESQL
        else "the backed up SQLite database does not open") in failed.stderr
    assert {name for _, name in rows(target, 'bhmis_facility',
            ['id', 'name'], limit=1000)} == {'Not restored'}
    if POSTGRESQL:
        assert databases_named(target) == [target.db]

    replaced = target.bhmis('restore', str(archive), '--db', target.db,
        '--force')
    assert "database %r replaced" % target.db in replaced.stdout
    columns = ['id', 'code', 'name']
    assert (rows(target, 'bhmis_facility', columns, limit=1000)
        == rows(source, 'bhmis_facility', columns, limit=1000))
    assert list(files(target).values()) == [EVIDENCE]
    if POSTGRESQL:
        assert databases_named(target) == [target.db]
    assert sorted(path.name for path in (target.var / 'db').iterdir()) == (
        [target.db] if POSTGRESQL
        else sorted([target.db, '%s.sqlite' % target.db]))


def test_truncated_or_corrupted_file_refused(archive, instance,
        tmp_path_factory):
    "Cut short or with a byte changed: refused, exit 1, nothing created"
    data = archive.read_bytes()
    tmp_path = tmp_path_factory.mktemp('damaged')
    truncated = tmp_path / 'truncated.tar'
    truncated.write_bytes(data[:len(data) // 2])
    result = instance.bhmis('restore', str(truncated), '--db', instance.db,
        check=False)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert "refused, nothing was restored" in result.stderr
    assert "incomplete" in result.stderr
    assert_nothing_created(instance)

    corrupted = tmp_path / 'corrupted.tar'
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x55
    corrupted.write_bytes(bytes(changed))
    result = instance.bhmis('restore', str(corrupted), '--db', instance.db,
        check=False)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert "refused, nothing was restored" in result.stderr
    assert_nothing_created(instance)


def test_missing_file(instance):
    missing = instance.var / 'nothing.tar'
    result = instance.bhmis('restore', str(missing), '--db', instance.db,
        check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "bhmis: %s: no such file" % missing
    assert_nothing_created(instance)


def other_backend(archive, tmp_path, backend):
    "The archive with its manifest saying it is of that backend"
    folder = tmp_path / 'members'
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile('manifest.json'))
        tar.extractall(folder, filter='data')
    database = backup.DATABASE_MEMBERS[manifest['backend']]
    members = [(backup.DATABASE_MEMBERS[backend], folder / database)] + [
        (name, folder / name) for name in manifest['members']
        if name != database]
    manifest = dict(manifest, backend=backend)
    del manifest['members']
    path = tmp_path / ('%s.tar' % backend)
    backup.write_archive(path, manifest, members)
    return path


def test_other_backend_refused(archive, instance, tmp_path_factory):
    "A PostgreSQL backup is not restored into SQLite, nor the reverse"
    other = 'sqlite' if POSTGRESQL else 'postgresql'
    path = other_backend(archive, tmp_path_factory.mktemp('other'), other)
    result = instance.bhmis('restore', str(path), '--db', instance.db,
        check=False)
    assert result.returncode == 1
    assert ("it is a %s backup and this installation uses %s" % (
            backup.BACKENDS[other],
            backup.BACKENDS['postgresql' if POSTGRESQL else 'sqlite'])
        in result.stderr)
    assert_nothing_created(instance)


def test_unreachable_server(archive, instance, tmp_path_factory):
    "No PostgreSQL on the port: one line, exit 1, no password shown"
    tmp_path = tmp_path_factory.mktemp('unreachable')
    path = archive if POSTGRESQL else other_backend(archive, tmp_path,
        'postgresql')
    instance.env['BHMIS_DATABASE_URI'] = (
        'postgresql://postgres:not-shown@127.0.0.1:1/')
    for args in [('backup', '--output', str(tmp_path)),
            ('restore', str(path), '--db', instance.db)]:
        result = instance.bhmis(*args, check=False, timeout=60)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert 'cannot reach the PostgreSQL server' in lines[0]
        assert '127.0.0.1:1' in lines[0]
        assert 'not-shown' not in lines[0]
    assert sorted(tmp_path.iterdir()) == sorted(
        [] if POSTGRESQL else [tmp_path / 'members', path])


def test_backup_of_a_missing_database(instance, tmp_path_factory):
    output = tmp_path_factory.mktemp('none')
    result = instance.bhmis('backup', '--output', str(output), check=False)
    assert result.returncode == 1
    assert "database %r does not exist" % instance.db in result.stderr
    assert list(output.iterdir()) == []


# The checks of a backup file, without a database

def make(tmp_path, members, **manifest):
    "A backup file of these {name: bytes} and manifest values"
    folder = tmp_path / 'sources'
    folder.mkdir(exist_ok=True)
    sources = []
    for index, (name, data) in enumerate(members.items()):
        (folder / str(index)).write_bytes(data)
        sources.append((name, folder / str(index)))
    path = tmp_path / 'backup.tar'
    backup.write_archive(path, dict({'format': 'bhmis-backup',
                'version': 1, 'backend': 'sqlite', 'database': 'x',
                'created': '2026-12-01T00:00:00Z', 'modules': {}},
            **manifest), sources)
    return path


def add_member(path, name, data):
    with tarfile.open(path, 'a') as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize('change, message', [
        ('none', None),
        ('newer', "written by a newer BHMIS"),
        ('not ours', "not a BHMIS backup"),
        ('extra member', "filestore/ab/cd/extra is not in the manifest"),
        ('unsafe name', "unexpected member '../escape'"),
        ('no manifest', "it has no manifest"),
        ])
def test_unpack_checks(tmp_path, change, message):
    "What a restore refuses before it creates anything"
    members = {'database.sqlite': b'rows', 'filestore/ab/cd/abcd': b'photo'}
    path = make(tmp_path, members, **{
            'newer': {'version': 2},
            'not ours': {'format': 'something-else'},
            }.get(change, {}))
    if change == 'extra member':
        add_member(path, 'filestore/ab/cd/extra', b'unlisted')
    elif change == 'unsafe name':
        add_member(path, '../escape', b'outside')
    elif change == 'no manifest':
        with tarfile.open(path) as tar:
            kept = [(info, tar.extractfile(info).read())
                for info in tar.getmembers() if info.name != 'manifest.json']
        path.unlink()
        with tarfile.open(path, 'w') as tar:
            for info, data in kept:
                tar.addfile(info, io.BytesIO(data))
    unpacked = tmp_path / 'unpacked'
    unpacked.mkdir()
    if message is None:
        manifest = backup.unpack(path, unpacked)
        assert set(manifest['members']) == set(members)
        assert (unpacked / 'filestore/ab/cd/abcd').read_bytes() == b'photo'
        return
    with pytest.raises(backup.BackupError) as raised:
        backup.unpack(path, unpacked)
    assert message in str(raised.value)
    assert "refused, nothing was restored" in str(raised.value)
    assert not (tmp_path / 'escape').exists()


def test_module_differences():
    "A restore tells which modules differ from the installed ones"
    assert backup.module_differences({'bhmis_base': '8.0.0'},
        {'bhmis_base': '8.0.0'}) == []
    lines = backup.module_differences(
        {'bhmis_base': '8.0.0', 'bhmis_old': '8.0.0'},
        {'bhmis_base': '8.0.1'})
    assert lines[:2] == ["bhmis_base is 8.0.0 in the backup and 8.0.1 here",
        "bhmis_old is 8.0.0 in the backup and absent here"]
    assert "bhmis init" in lines[2]


def test_pg_tool_of_the_server_version(tmp_path, monkeypatch):
    """Debian's pg_dump of the server's version, else the oldest newer
    one; none: the message names the package to install"""
    for version in ('13', '15', '16'):
        tool = tmp_path / version / 'bin' / 'pg_dump'
        tool.parent.mkdir(parents=True)
        tool.touch(mode=0o755)
    monkeypatch.setattr(backup, 'DEBIAN_POSTGRESQL', tmp_path)
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))
    assert backup.pg_tool('pg_dump', 15) == (
        tmp_path / '15' / 'bin' / 'pg_dump', 15)
    assert backup.pg_tool('pg_dump', 14) == (
        tmp_path / '15' / 'bin' / 'pg_dump', 15)
    with pytest.raises(backup.BackupError) as raised:
        backup.pg_tool('pg_dump', 17)
    assert str(raised.value) == (
        "pg_dump of PostgreSQL 17 or later not found (looked in %s/*/bin "
        "and PATH): install Debian's postgresql-client-17" % tmp_path)
