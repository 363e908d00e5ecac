# SPDX-License-Identifier: GPL-3.0-or-later
"""The `bhmis` command as an administrator uses it: init, serve, import."""
import ast
import os
import re
import signal
import urllib.error
import urllib.request

import openpyxl
import pytest

from tests.conftest import DEMO_PASSWORD, Instance, copy_instance
from tests.rpc import RPC, RPCError

GOOD = (
    "code,name,name_ur,type,district,tehsil,latitude,longitude,"
    "catchment_population,beds,open_24_7,status,dhis2_uid\n"
    "CLI-1,DHQ Hospital Kech,ڈی ایچ کیو کیچ,dhq,Kech,,26.0,63.05,"
    "300000,120,yes,functional,ImspTQPwCqd\n"
    "CLI-2,BHU Nushki,,bhu,NUSHKI,,,,12000,,no,,\n")


def row(code, district, latitude='', longitude=''):
    return "%s,BHU %s,,bhu,%s,,%s,%s,,,,,\n" % (
        code, code, district, latitude, longitude)


@pytest.fixture(scope='module')
def empty(tmp_path_factory, initialised_template):
    "An initialised database without demo data"
    inst = copy_instance(tmp_path_factory, 'cli', initialised_template)
    yield inst
    inst.drop()


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding='utf-8')
    return str(path)


def test_served_demo_logs_in(demo_server):
    "make run's path: init with demo data, serve, log in over RPC"
    rpc = demo_server.rpc()
    codes = [f['code'] for f in rpc.model(
            'bhmis.facility', 'search_read', [], 0, None, None, ['code'])]
    assert len(codes) == 12, codes
    with urllib.request.urlopen(demo_server.url('/admin/')) as response:
        assert b'sao' in response.read().lower(), "the back office"
    with urllib.request.urlopen(demo_server.url('/')) as response:
        assert response.url.endswith('/ur/'), "/ opens the public site"
        assert 'lang="ur"' in response.read().decode()


def test_wrong_password_is_401(demo_server):
    with pytest.raises(RPCError) as error:
        RPC(demo_server.url(), demo_server.db).login('admin', 'not-it')
    assert error.value.status == 401


def test_demo_users_are_scoped(demo_server):
    rpc = demo_server.rpc('dho.quetta', DEMO_PASSWORD)
    codes = [f['code'] for f in rpc.model(
            'bhmis.facility', 'search_read', [], 0, None, None, ['code'])]
    assert len(codes) == 7 and all(c.startswith('QUETTA-') for c in codes)
    with pytest.raises(RPCError) as error:
        rpc.model('bhmis.facility', 'create', [{'code': 'X', 'name': 'X',
                    'type': 'bhu', 'district': 1}])
    assert 'not allowed' in error.value.body


def test_init_again_loses_nothing(tmp_path_factory, demo_template):
    "`bhmis init --demo small` again on the small demo (a copy of it)"
    instance = copy_instance(tmp_path_factory, 'again', demo_template)
    try:
        init_again(instance)
    finally:
        instance.drop()


def init_again(instance):
    instance.bhmis('import', 'facilities',
        write(instance.var, 'f.csv', GOOD))
    result = instance.bhmis('init', '--demo', 'small')
    assert 'upgraded' in result.stdout
    loaded = ast.literal_eval(re.search(
            r"demo data loaded (\{.*\})", result.stdout).group(1))
    assert loaded and set(loaded.values()) == {0}, "demo loaded twice"
    again = instance.bhmis('import', 'facilities',
        write(instance.var, 'f.csv', GOOD))
    assert '0 facilities created, 2 updated' in again.stdout


def test_generated_admin_password(tmp_path):
    inst = Instance(tmp_path)
    del inst.env['BHMIS_ADMIN_PASSWORD']
    try:
        result = inst.bhmis('init')
        password_file = tmp_path / 'admin-password'
        password = password_file.read_text().strip()
        assert oct(password_file.stat().st_mode & 0o777) == '0o600'
        assert password in result.stdout, "printed once"
        again = inst.bhmis('init').stdout
        assert password not in again, "only once"
        assert "password from %s" % password_file in again
        # Without the file, an installed database's admin keeps theirs: no
        # new password is made or printed
        password_file.unlink()
        third = inst.bhmis('init').stdout
        assert "admin login: admin (password unchanged)" in third
        assert not password_file.exists()
        inst.serve()
        assert inst.rpc('admin', password).session
    finally:
        inst.drop()


def test_admin_password_settings(tmp_path):
    "The configured password, else the file's, else one made once"
    from bhmis import settings
    config = settings.load({'BHMIS_VAR': str(tmp_path)})
    assert settings.admin_password(config, {'BHMIS_ADMIN_PASSWORD': 'x'}) \
        == ('x', False)
    assert settings.admin_password(config, {}, generate=False) \
        == (None, False)
    assert not config.admin_password_file.exists()
    made, generated = settings.admin_password(config, {})
    assert generated and len(made) >= 16
    assert settings.admin_password(config, {}, generate=False) \
        == (made, False)
    assert settings.admin_password(config, {}) == (made, False)


def test_serve_needs_init(instance):
    result = instance.bhmis('serve', '--port', '1', check=False)
    assert result.returncode == 1
    assert 'bhmis init' in result.stderr


def test_sigterm_stops_every_process(empty):
    empty.serve()
    rpc = empty.rpc()
    assert rpc.session
    children = _children(empty.server.pid)
    # The queue worker needs PostgreSQL; on SQLite tasks run in process
    expected = 3 if empty.uri.startswith('postgresql') else 2
    assert len(children) == expected, "web server, cron (and worker)"
    empty.server.send_signal(signal.SIGTERM)
    assert empty.server.wait(30) == 0
    for pid in children:
        assert not os.path.exists('/proc/%s' % pid) or _zombie(pid), pid
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(empty.url('/admin/'), timeout=2)


def _children(pid):
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                stat = open('/proc/%s/stat' % entry).read().split()
            except OSError:
                continue
            if int(stat[3]) == pid:
                found.append(int(entry))
    return found


def _zombie(pid):
    try:
        return open('/proc/%s/stat' % pid).read().split()[2] == 'Z'
    except OSError:
        return True


@pytest.mark.parametrize('content, expected', [
        ('', "the file is empty"),
        ("code,name,type\nA,B,bhu\n",
            "row 1, column district: required column is missing"),
        (GOOD + row("CLI-3", "Lahore"),
            "row 4, column district: unknown district 'Lahore'"),
        (GOOD + row("CLI-1", "Kech"),
            "row 4, column code: code CLI-1 is already on row 2"),
        (GOOD + row("CLI-3", "Kech", "95", "63"),
            "row 4, column latitude/longitude: latitude must be between"),
        (GOOD + 'CLI-3,"BHU X,,bhu,Kech\n', "malformed CSV"),
        (b'\x89PNG\r\n\x1a\n\x00\x00', "not UTF-8"),
        ])
def test_import_bad_file_writes_nothing(empty, tmp_path, content, expected):
    result = empty.bhmis('import', 'facilities',
        write(tmp_path, 'bad.csv', content), check=False)
    assert result.returncode == 1, result.stdout
    assert expected in result.stderr
    assert 'nothing was written' in result.stderr


def test_import_huge_file_refused(empty, tmp_path):
    huge = GOOD + row("CLI-9", "Kech") * 1_600_000
    result = empty.bhmis('import', 'facilities',
        write(tmp_path, 'huge.csv', huge), check=False)
    assert result.returncode == 1
    assert 'MB allowed' in result.stderr


def test_import_missing_file(empty):
    result = empty.bhmis('import', 'facilities', '/nonexistent.csv',
        check=False)
    assert result.returncode == 1
    assert 'no such file' in result.stderr


def test_import_then_reimport(empty, tmp_path):
    "Good file after bad ones: nothing from the bad ones was written"
    path = write(tmp_path, 'good.csv', GOOD)
    first = empty.bhmis('import', 'facilities', path)
    assert '2 facilities created, 0 updated' in first.stdout
    second = empty.bhmis('import', 'facilities', path)
    assert '0 facilities created, 2 updated' in second.stdout


def test_import_xlsx_with_warning(empty, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(['code', 'name', 'type', 'district', 'latitude',
            'longitude', 'beds'])
    sheet.append(['XL-1', 'Civil Hospital Lahore?', 'civil', 'Quetta',
            31.52, 74.35, 50])
    path = tmp_path / 'f.xlsx'
    workbook.save(path)
    result = empty.bhmis('import', 'facilities', str(path))
    assert '1 facilities created' in result.stdout
    assert 'row 2, column latitude/longitude: 31.52, 74.35 is outside' \
        in result.stdout


def _index_definitions(inst, table):
    "The CREATE INDEX statements of table in inst's PostgreSQL database"
    import psycopg
    with psycopg.connect(inst.uri.rstrip('/') + '/' + inst.db) as db:
        return [d for d, in db.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                (table,))]


def test_name_searches_indexed(empty):
    """Names are searched with `ilike '%term%'`: on PostgreSQL `bhmis init`
    adds pg_trgm, so that Tryton's similarity indexes are trigram indexes
    (a B-tree cannot answer a leading wildcard; SQLite reads the table)"""
    from bhmis import database, settings
    config = settings.load(empty.env)
    if not empty.uri.startswith('postgresql'):
        assert database.ensure_extensions(config) == []
        return
    definitions = _index_definitions(empty, 'party_party')
    assert any('gin_trgm_ops' in d and 'COALESCE(name' in d
        for d in definitions), definitions
    assert database.ensure_extensions(config) == [], "added once"
    import psycopg
    with psycopg.connect(empty.uri.rstrip('/') + '/' + empty.db,
            autocommit=True) as db:
        db.execute("DROP EXTENSION pg_trgm CASCADE")
    assert database.ensure_extensions(config) == ['pg_trgm']
