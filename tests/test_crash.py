# SPDX-License-Identifier: GPL-3.0-or-later
"""`kill -9` of the whole `bhmis serve` process tree (as a power cut or the
kernel's out-of-memory killer would) in the middle of writes, then a
restart:

- an employee import the back office started (the Import Employees wizard
  over RPC) is all or nothing: nothing of it is written, and the same
  file imported again after the restart is written whole;
- of a burst of check-ins from several kiosk threads, every one the
  client saw answered is in the database exactly once, and resending the
  rest with their event ids (the API's idempotency key) writes nothing
  twice.
"""
import base64
import csv
import datetime as dt
import io
import os
import signal
import threading
import uuid

import pytest
from PIL import Image
from skimage import data

from tests.conftest import DEMO_PASSWORD, copy_instance
from tests.rpc import RPCError
from tests.test_attendance_api import (
    API,
    FACILITY,
    device_add,
    encoded,
    noon,
)
from tests.test_serve import children, wait_for

HR_OFFICER = 'hr.quetta'
IMPORT_FACILITIES = ['QUETTA-CIVIL-001', 'QUETTA-BHU-001']
IMPORT_ROWS = 3000
THREADS = 4
CHECKINS_PER_THREAD = 8


def process_tree(pid):
    "pid and the pids of all its descendants"
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children(current))
    return found


def kill_tree(inst):
    """SIGKILL `bhmis serve` and every process under it (gunicorn, its
    workers, trytond-cron, trytond-worker): frozen first, so that no
    master replaces a worker in between"""
    processes = process_tree(inst.server.pid)
    for pid in processes:
        try:
            os.kill(pid, signal.SIGSTOP)
        except ProcessLookupError:
            pass
    # Frozen, nothing forks: the tree is complete
    processes = sorted(set(processes) | set(process_tree(inst.server.pid)))
    for pid in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    inst.server.wait(30)
    inst.log.close()
    wait_for(lambda: not [p for p in processes
            if os.path.exists('/proc/%s' % p) and not zombie(p)],
        timeout=30, message="every process gone")
    return processes


def zombie(pid):
    try:
        with open('/proc/%s/stat' % pid) as fp:
            return fp.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except OSError:
        return True


def restart(inst):
    "Serve again, as the service manager would after the crash"
    inst.serve()
    return inst.rpc()


@pytest.fixture
def crashable(tmp_path_factory, demo_template):
    "A copy of the small demo, served (one web worker)"
    inst = copy_instance(tmp_path_factory, 'crash', demo_template)
    inst.env['BHMIS_WORKERS'] = '1'
    try:
        inst.serve()
        yield inst
    finally:
        inst.drop()


# The employee import ------------------------------------------------------

def employees_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(['personnel_number', 'name', 'gender', 'date_of_birth',
            'designation', 'bps', 'employment_type', 'date_of_joining',
            'facility_code', 'posting_start'])
    for number in range(rows):
        writer.writerow(['CRASH-%05d' % number, 'Crash Test %s' % number,
                'female', '1990-05-01', 'MO', 17, 'regular', '2018-03-01',
                IMPORT_FACILITIES[number % 2], '2018-03-01'])
    return out.getvalue().encode('utf-8')


def import_wizard(rpc, content):
    "Run Import Employees as the back office does; return its summary"
    session, _, _ = rpc.call('wizard.bhmis.employee.import.create',
        rpc.context)
    result = rpc.call('wizard.bhmis.employee.import.execute', session,
        {'start': {'file': {'__class__': 'bytes',
                    'base64': base64.b64encode(content).decode()},
                'filename': 'employees.csv'}}, 'import_', rpc.context)
    return result['view']['defaults']['summary']


def imported(admin):
    "(employees, postings) of the import's personnel numbers"
    return (admin.model('company.employee', 'search_count',
            [('personnel_number', 'like', 'CRASH-%')]),
        admin.model('bhmis.posting', 'search_count',
            [('employee.personnel_number', 'like', 'CRASH-%')]))


class Writes:
    """Tells that a transaction is writing, before it commits: PostgreSQL's
    sequences move outside transactions; SQLite writes the pages of a big
    transaction to its write-ahead log before the commit"""

    def __init__(self, inst):
        self.inst = inst
        self.start = self.mark()

    def mark(self):
        if self.inst.uri.startswith('postgresql'):
            import psycopg
            uri = self.inst.uri.rstrip('/') + '/' + self.inst.db
            with psycopg.connect(uri) as connection:
                return connection.execute(
                    "SELECT last_value FROM party_party_id_seq"
                    ).fetchone()[0]
        wal = self.inst.var / 'db' / ('%s.sqlite-wal' % self.inst.db)
        return wal.stat().st_size if wal.exists() else 0

    def started(self):
        # PostgreSQL: a batch of parties (250) created; SQLite: 1 MB of
        # pages spilled from the import's transaction
        least = 250 if self.inst.uri.startswith('postgresql') else 2 ** 20
        return self.mark() - self.start >= least


def test_import_killed_is_all_or_nothing(crashable):
    """An HR officer's import killed half-way writes nothing; imported
    again after the restart, it is written whole"""
    content = employees_csv(IMPORT_ROWS)
    hr = crashable.rpc(HR_OFFICER, DEMO_PASSWORD)
    hr.timeout = 600
    admin = crashable.rpc()
    before = imported(admin)
    assert before == (0, 0)
    employees = admin.model('company.employee', 'search_count', [])

    writes = Writes(crashable)
    outcome = {}

    def run():
        try:
            outcome['summary'] = import_wizard(hr, content)
        except Exception as error:
            outcome['error'] = error
    thread = threading.Thread(target=run)
    thread.start()
    wait_for(lambda: writes.started() or not thread.is_alive(),
        timeout=300, message="the import writing")
    assert thread.is_alive(), "import over before the kill: %s" % outcome
    kill_tree(crashable)
    thread.join(60)
    assert 'summary' not in outcome, "the client saw no answer"
    assert isinstance(outcome['error'], OSError), outcome

    admin = restart(crashable)
    assert imported(admin) == (0, 0), "nothing of the killed import"
    assert admin.model('company.employee', 'search_count', []) == employees

    hr = crashable.rpc(HR_OFFICER, DEMO_PASSWORD)
    hr.timeout = 600
    summary = import_wizard(hr, content)
    assert summary.startswith('%s employees created, 0 updated'
        % IMPORT_ROWS), summary
    assert imported(admin) == (IMPORT_ROWS, IMPORT_ROWS)


def test_import_refused_for_a_facility_not_hers(crashable):
    "The HR officer of Quetta cannot import into another district"
    hr = crashable.rpc(HR_OFFICER, DEMO_PASSWORD)
    admin = crashable.rpc()
    elsewhere, = admin.model('bhmis.facility', 'search_read',
        [('district.name', '!=', 'Quetta')], 0, 1, [('id', 'ASC')],
        ['code'])
    content = employees_csv(3).replace(b'QUETTA-BHU-001',
        elsewhere['code'].encode())
    with pytest.raises(RPCError) as refused:
        import_wizard(hr, content)
    assert 'not one of yours' in refused.value.body
    assert imported(admin) == (0, 0)


# A burst of check-ins ---------------------------------------------------

class Kiosk(threading.Thread):
    """Sends its check-ins one after another, each with its own event id
    (the idempotency key); stops at the first failure to connect"""

    def __init__(self, api, key, photo, day):
        super().__init__()
        self.api, self.key, self.photo = api, key, photo
        # Ten minutes apart: each check-in is its own punch
        self.planned = [(str(uuid.uuid4()),
                noon(day) + dt.timedelta(minutes=10 * number))
            for number in range(CHECKINS_PER_THREAD)]
        self.answered = {}
        self.failed = None

    def run(self):
        for event_id, at in self.planned:
            try:
                reply = self.api.checkin(self.key, [self.photo], at,
                    event_id=event_id)
            except OSError as error:
                self.failed = error
                return
            self.answered[event_id] = reply

    def unanswered(self):
        return [(e, at) for e, at in self.planned
            if e not in self.answered]


def events(admin, event_ids):
    "{event id: [(status, line)]} of the database"
    found = {}
    for event in admin.model('bhmis.attendance.event', 'search_read',
            [('event_id', 'in', event_ids)], 0, None, None,
            ['event_id', 'status', 'line']):
        found.setdefault(event['event_id'], []).append(
            (event['status'], event['line']))
    return found


def test_checkin_burst_killed(crashable, tmp_path):
    """Kiosks' check-ins answered before the kill are in the database once;
    the rest, resent after the restart with the same event ids, are
    written once: one event and one attendance line each"""
    admin = crashable.rpc()
    her, = admin.model('company.employee', 'search_read',
        [('facility.code', '=', FACILITY), ('hr_status', '=', 'active')],
        0, 1, [('id', 'ASC')], ['personnel_number'])
    photo_path = tmp_path / 'astronaut.png'
    Image.fromarray(data.astronaut()).save(photo_path)
    crashable.bhmis('attendance', 'enrol', '--employee',
        her['personnel_number'], str(photo_path))
    device = device_add(crashable, '--liveness', 'off')
    api = API(crashable)
    photo = encoded(data.astronaut(), quality=85)
    lines_before = admin.model('attendance.line', 'search_count',
        [('employee', '=', her['id'])])

    kiosks = [Kiosk(api, device.key, photo, day=21 + number)
        for number in range(THREADS)]
    for kiosk in kiosks:
        kiosk.start()
    # Killed once a few are answered, while the others are in flight
    wait_for(lambda: sum(len(k.answered) for k in kiosks) >= 6,
        timeout=300, message="check-ins answered")
    kill_tree(crashable)
    for kiosk in kiosks:
        kiosk.join(60)
    answered = {e: r for k in kiosks for e, r in k.answered.items()}
    assert all(r.status == 200 and r.json['event_id'] == e
        and r.json['status'] == 'accepted' for e, r in answered.items()), (
        answered)
    unanswered = [u for k in kiosks for u in k.unanswered()]
    assert unanswered, "the kill came before the end of the burst"
    assert any(k.failed for k in kiosks)

    admin = restart(crashable)
    planned = [e for k in kiosks for e, _ in k.planned]
    stored = events(admin, planned)
    for event_id in answered:
        assert len(stored.get(event_id, [])) == 1, (event_id, stored)
    print("%s check-ins answered before the kill, %s stored, %s unanswered"
        % (len(answered), len(stored), len(unanswered)))

    # The kiosks resend what was not answered, with the same event ids
    api = API(crashable)
    for event_id, at in unanswered:
        reply = api.checkin(device.key, [photo], at, event_id=event_id)
        assert reply.status == 200, reply
        assert (reply.json['event_id'], reply.json['status']) == (
            event_id, 'accepted'), reply
    # And resend everything once more, as a kiosk unsure of its answers
    for event_id, at in [p for k in kiosks for p in k.planned][:3]:
        again = api.checkin(device.key, [photo], at, event_id=event_id)
        assert again.status == 200 and again.json['event_id'] == event_id
    stored = events(admin, planned)
    assert sorted(stored) == sorted(planned)
    assert all(len(found) == 1 for found in stored.values()), stored
    lines = {line for found in stored.values() for _, line in found}
    assert len(lines) == len(planned) and None not in lines
    assert admin.model('attendance.line', 'search_count',
        [('employee', '=', her['id'])]) == lines_before + len(planned), (
        "one attendance line per check-in, none twice")
    assert crashable.server.poll() is None

