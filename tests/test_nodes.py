# SPDX-License-Identifier: GPL-3.0-or-later
"""Two app nodes on one PostgreSQL database, as a province scales past
one machine (doc/nodes.rst): two `bhmis serve` on their own ports, each
with its own var/ folder (its trytond.conf, metrics files and logs), the
same BHMIS_DB and database URI, and one shared file store.

What one node writes the other serves: a face enrolled on node A checks in
on node B, a facility renamed on A reads renamed on B (Tryton's caches are
cleared through PostgreSQL's notifications), a session opened on A is
valid on B, an attachment stored on A reads on B.  A scheduled job due
on both nodes' trytond-cron at the same minute runs once; queued tasks
pulled by both nodes' trytond-worker run once each.

PostgreSQL only: SQLite has no notifications to share caches with and is
served by one process (`bhmis serve` runs one web worker on it).
"""
import base64
import datetime as dt
import time
import uuid
from types import SimpleNamespace

import psycopg
import pytest
from psycopg.types.json import Jsonb
from skimage import data

from tests.authz import call
from tests.conftest import (
    DEMO_PASSWORD,
    Instance,
    copy_instance,
)
from tests.rpc import RPC, RPCError
from tests.test_attendance_api import (
    API,
    FACILITY,
    INCHARGE,
    device_add,
    encoded,
    noon,
    request,
    to_rpc,
)

# A scheduled job of BHMIS, and two of Tryton's, made due at once; all
# run daily or less often, so they run once in the test
CRON_METHODS = ['bhmis.equipment|request_due_preventive',
    'ir.error|clean', 'ir.queue|clean']
# How soon what one node wrote is seen by the other
SOON = 5


def wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("no %s within %s s" % (message, timeout))


@pytest.fixture(scope='module')
def nodes(tmp_path_factory, demo_template):
    """Node A (a copy of the small demo) and node B on A's database, each
    with its own var/ folder and one web worker, one shared file store"""
    files = tmp_path_factory.mktemp('file_store')
    a = copy_instance(tmp_path_factory, 'node_a', demo_template)
    b = Instance(tmp_path_factory.mktemp('node_b'))
    b.db = b.env['BHMIS_DB'] = a.db
    for node in (a, b):
        node.env['BHMIS_FILE_STORE'] = str(files)
        node.env['BHMIS_WORKERS'] = '1'
    try:
        a.serve()
        b.serve()
        assert a.var != b.var and a.port != b.port
        yield SimpleNamespace(a=a, b=b, files=files)
    finally:
        b.stop()
        a.drop()


@pytest.fixture(scope='module')
def cron_armed(nodes):
    """The jobs of CRON_METHODS made due at the start of a coming minute,
    when both nodes' trytond-cron wake (they sleep to the minute), with
    their logs counted before"""
    admin = nodes.a.rpc()
    jobs = admin.model('ir.cron', 'search_read',
        [('method', 'in', CRON_METHODS)], 0, None, None, ['method'])
    assert {job['method'] for job in jobs} == set(CRON_METHODS)
    ids = [job['id'] for job in jobs]
    logs = {i: admin.model('ir.cron.log', 'search_count',
            [('cron', '=', i)]) for i in ids}
    now = dt.datetime.now()
    tick = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if tick - now < dt.timedelta(seconds=10):
        tick += dt.timedelta(minutes=1)
    admin.model('ir.cron', 'write', ids, {'next_call': to_rpc(tick)})
    return SimpleNamespace(ids=ids, logs=logs, tick=tick)


def test_enrolment_on_a_checks_in_on_b(nodes, cron_armed):
    """Her face enrolled through node A's API is recognised by a
    check-in on node B, whose in-memory gallery was loaded before"""
    admin = nodes.a.rpc()
    her = admin.model('company.employee', 'search_read',
        [('facility.code', '=', FACILITY), ('hr_status', '=', 'active')],
        0, 1, [('id', 'ASC')], ['personnel_number', 'party.name'])[0]
    kiosk = device_add(nodes.a, '--liveness', 'off')
    photo = encoded(data.astronaut(), quality=85)
    on_a, on_b = API(nodes.a), API(nodes.b)

    before = on_b.checkin(kiosk.key, [photo], noon(20))
    assert (before.status, before.json['status'],
        before.json['reason']) == (200, 'rejected', 'unknown_face'), before

    enrolled = on_a.enrol(kiosk.key, INCHARGE, DEMO_PASSWORD,
        her['personnel_number'], [encoded(data.astronaut(), 'PNG')])
    assert (enrolled.status, enrolled.json['status']) == (
        200, 'enrolled'), enrolled
    started = time.monotonic()

    def recognised():
        reply = on_b.checkin(kiosk.key, [photo], noon(19))
        assert reply.status == 200, reply
        return reply if reply.json['status'] == 'accepted' else None
    reply = wait_for(recognised, SOON, "check-in recognised on node B")
    print("recognised on node B %.2f s after the enrolment on node A"
        % (time.monotonic() - started))
    assert reply.json['employee'] == {'name': her['party.']['name'],
        'personnel_number': her['personnel_number']}
    event = admin.model('bhmis.attendance.event', 'search_read',
        [('event_id', '=', reply.json['event_id'])], 0, None, None,
        ['status', 'employee', 'line'])
    assert [(e['status'], e['employee']) for e in event] == [
        ('accepted', her['id'])]
    assert event[0]['line']


def test_rename_on_a_reads_on_b(nodes, cron_armed):
    """A facility renamed on node A reads renamed on node B, in RPC and
    on the kiosk page; a session opened on A is valid on B (sessions
    live in the database: no sticky sessions)"""
    admin = nodes.a.rpc()
    on_b = RPC(nodes.b.url(), nodes.b.db)
    on_b.session, on_b.context = admin.session, admin.context
    facility, = on_b.model('bhmis.facility', 'search_read',
        [('code', '=', FACILITY)], 0, None, None, ['name', 'rec_name'])
    kiosk = device_add(nodes.a, '--liveness', 'off')
    page = request(nodes.b.url('/%s/bhmis/kiosk/%s'
            % (nodes.b.db, kiosk.code)))
    assert page.status == 200 and facility['name'] in page.text

    renamed = 'Civil Hospital Quetta %s' % uuid.uuid4().hex[:6]
    admin.model('bhmis.facility', 'write', [facility['id']],
        {'name': renamed})

    def read_on_b():
        record, = on_b.model('bhmis.facility', 'read', [facility['id']],
            ['name', 'rec_name'])
        return record['name'] == renamed and record
    record = wait_for(read_on_b, SOON, "the new name on node B")
    assert record['rec_name'] == '%s - %s' % (FACILITY, renamed)
    page = request(nodes.b.url('/%s/bhmis/kiosk/%s'
            % (nodes.b.db, kiosk.code)))
    assert renamed in page.text
    # A wrong session is refused by B as by A
    on_b.session = (admin.session[0], admin.session[1], 'not-the-key')
    with pytest.raises(RPCError) as refused:
        on_b.model('bhmis.facility', 'read', [facility['id']], ['name'])
    assert refused.value.status == 401


def test_scope_change_on_a_holds_on_b(nodes, cron_armed):
    """A facility given to an in-charge on node A is theirs on node B,
    and taken back on A it is refused on B at once: the record rules'
    caches are cleared in every process through PostgreSQL's
    notifications, not after Tryton's five-minute clean-up"""
    admin = nodes.a.rpc()
    user, = admin.model('res.user', 'search', [('login', '=', INCHARGE)],
        0, None, None)
    incharge = nodes.b.rpc(INCHARGE, DEMO_PASSWORD)
    theirs = set(incharge.model('bhmis.facility', 'search', [], 0, None,
            None))
    other = next(f for f in admin.model('bhmis.facility', 'search', [],
            0, None, [('id', 'ASC')]) if f not in theirs)

    def sees_other():
        return incharge.model('bhmis.facility', 'search',
            [('id', '=', other)], 0, None, None) == [other]

    admin.model('res.user', 'write', [user],
        {'bhmis_facilities': [('add', [other])]})
    wait_for(sees_other, SOON, "the given facility on node B")
    admin.model('res.user', 'write', [user],
        {'bhmis_facilities': [('remove', [other])]})
    wait_for(lambda: not sees_other(), SOON,
        "the facility taken back on node B")
    answer = call(incharge, 'bhmis.facility', 'read', [other], ['name'])
    assert answer.refused, answer


def test_attachment_on_a_reads_on_b(nodes, cron_armed):
    "Tryton's file store is shared: a file attached on A reads on B"
    admin = nodes.a.rpc()
    on_b = nodes.b.rpc()
    facility, = admin.model('bhmis.facility', 'search',
        [('code', '=', FACILITY)], 0, None, None)
    content = b'%PDF-1.4 sanction letter ' + uuid.uuid4().hex.encode()
    attachment, = admin.model('ir.attachment', 'create', [{
                'resource': 'bhmis.facility,%s' % facility,
                'name': 'sanction.pdf', 'type': 'data',
                'data': {'__class__': 'bytes',
                    'base64': base64.b64encode(
                        content).decode()}}])
    stored = [p for p in nodes.files.rglob('*') if p.is_file()]
    assert any(p.read_bytes() == content for p in stored), (
        "in the shared file store")
    record, = on_b.model('ir.attachment', 'read', [attachment], ['data'])
    assert base64.b64decode(
        record['data']['base64']) == content


def connect(nodes):
    "A connection to the nodes' database"
    return psycopg.connect(nodes.a.uri.rstrip('/') + '/' + nodes.a.db,
        autocommit=True)


def queue_tasks(nodes, tasks):
    """Queue the tasks as Tryton's Queue.push does: a row of ir_queue each
    (ir.queue is not open to RPC), then NOTIFY on its channel to wake
    both nodes' workers; return their ids"""
    with connect(nodes) as connection:
        ids = [connection.execute(
                "INSERT INTO ir_queue (name, data, enqueued_at, "
                "create_uid, create_date) VALUES (%s, %s, "
                "CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP) RETURNING id",
                ('bhmis-nodes-test', Jsonb(task))).fetchone()[0]
            for task in tasks]
        connection.execute('NOTIFY "ir.queue"')
    return ids


def queue_state(nodes, ids):
    "[(dequeued, finished)] of the tasks"
    with connect(nodes) as connection:
        return connection.execute(
            "SELECT dequeued_at IS NOT NULL, finished_at IS NOT NULL "
            "FROM ir_queue WHERE id = ANY(%s) ORDER BY id",
            (ids,)).fetchall()


def test_queued_tasks_run_once(nodes, cron_armed):
    """Tasks queued at once, pulled by the trytond-worker of both nodes,
    run once each: every task copies one attachment once"""
    admin = nodes.a.rpc()
    facility, = admin.model('bhmis.facility', 'search',
        [('code', '=', FACILITY)], 0, None, None)
    resource = 'bhmis.facility,%s' % facility
    original, = admin.model('ir.attachment', 'create', [{
                'resource': resource, 'name': 'queued.txt',
                'type': 'link', 'link': 'https://example.org/queued'}])
    count = 12
    task = {'model': 'ir.attachment', 'method': 'copy',
        'instances': [original], 'args': [], 'kwargs': {},
        'user': admin.session[1], 'context': {}}
    ids = queue_tasks(nodes, [task] * count)
    wait_for(lambda: queue_state(nodes, ids) == [(True, True)] * count,
        60, "queued tasks finished")
    copies = admin.model('ir.attachment', 'search_count',
        [('resource', '=', resource), ('link', '=',
                'https://example.org/queued')])
    assert copies == 1 + count, "each task ran once"


def test_cron_job_runs_once(nodes, cron_armed):
    """The jobs due at the start of a minute run once, though both nodes'
    trytond-cron wake then; their next call moves to their next day"""
    admin = nodes.a.rpc()

    def logs():
        return {i: admin.model('ir.cron.log', 'search_count',
                [('cron', '=', i)]) - cron_armed.logs[i]
            for i in cron_armed.ids}
    # The nodes' cron wake at the start of each minute
    wait_for(lambda: all(logs().values()), 150, "cron runs")
    time.sleep(3)
    assert set(logs().values()) == {1}, logs()
    for log in admin.model('ir.cron.log', 'search_read',
            [('cron', 'in', cron_armed.ids)], 0, len(cron_armed.ids),
            [('id', 'DESC')], ['started']):
        started = dt.datetime(*(log['started'][k] for k in
                ('year', 'month', 'day', 'hour', 'minute', 'second')))
        assert started >= cron_armed.tick, "run at the minute both woke"
    jobs = admin.model('ir.cron', 'read', cron_armed.ids, ['next_call'])
    now = dt.datetime.now()
    for job in jobs:
        next_call = dt.datetime(*(job['next_call'][k] for k in
                ('year', 'month', 'day', 'hour', 'minute')))
        assert next_call > now, job
    # Both nodes' trytond-cron are alive, each with its database pool
    assert nodes.a.server.poll() is None and nodes.b.server.poll() is None
