# SPDX-License-Identifier: GPL-3.0-or-later
"""Attendance on a served province database (about 31,000 employees) with
a province-size gallery of 50,000 face encodings (one real face, the
astronaut, enrolled with `bhmis attendance enrol`; the others synthetic):

- check-in latency of one 640-px frame over HTTP (`POST .../checkin`,
  p50 and p95), against the naive use of the same library in process:
  `face_encodings` then `compare_faces` over a Python list of the 50,000
  encodings for every request;
- sustained check-ins per second with 2 parallel clients against
  `bhmis serve`, against the naive pipeline's rate on the same 2 cores;
- the daily attendance of every employee (`bhmis attendance
  compute-daily`), against the naive way: one `Day.compute` call per
  employee, timed on 300 employees and scaled to all of them.
"""
import io
import json
import threading
import time
import uuid

import numpy
from PIL import Image

from . import ADMIN_PASSWORD, Row, StepError, percentile

NAME = 'attendance'
GALLERY = 50_000
LATENCY_CALLS = 40
NAIVE_CALLS = 10
THROUGHPUT_SECONDS = 20
NAIVE_DAILY_SAMPLE = 300
_PN = 'BENCH-FACE-1'


def frame_jpeg():
    "The astronaut in a 640x480 frame, as a kiosk camera sends it"
    from skimage import data
    canvas = Image.new('RGB', (640, 480), (40, 40, 40))
    canvas.paste(Image.fromarray(data.astronaut()).resize((480, 480)),
        (80, 0))
    out = io.BytesIO()
    canvas.save(out, 'JPEG', quality=85)
    return out.getvalue()


def sql(instance, statements):
    "Run (query, params) statements on the instance's database"
    if instance.backend == 'sqlite':
        import sqlite3
        connection = sqlite3.connect(str(instance.sqlite_file))
        marker = '?'
    else:
        import psycopg
        connection = psycopg.connect(
            instance.uri.rstrip('/') + '/' + instance.db)
        marker = '%s'
    try:
        results = []
        cursor = connection.cursor()
        for query, params in statements:
            query = query.replace('%s', marker)
            if isinstance(params, list):
                cursor.executemany(query, params)
                results.append(None)
            else:
                cursor.execute(query, params)
                results.append(cursor.fetchall() if cursor.description
                    else None)
        connection.commit()
        return results
    finally:
        connection.close()


def prepare(instance, log):
    "Enrol the astronaut and fill the gallery; return the device key"
    rows, = sql(instance, [("SELECT e.id, e.personnel_number, f.code "
        "FROM company_employee e JOIN bhmis_facility f "
        "ON f.id = e.facility WHERE e.hr_status = 'active' "
        "ORDER BY e.id", ())])
    if len(rows) < 1000:
        raise StepError('%s employees only' % len(rows))
    _, person, facility = rows[len(rows) // 2]
    log('enrol the astronaut as %s, add a device at %s' % (person, facility))
    path = instance.var / 'astronaut.png'
    from skimage import data
    Image.fromarray(data.astronaut()).save(path)
    instance.bhmis('attendance', 'enrol', '--employee', person, str(path))
    key = add_device(instance, facility)
    log('%s synthetic encodings' % (GALLERY - 1))
    rng = numpy.random.default_rng(20261126)
    vectors = rng.normal(size=(GALLERY - 1, 128)).astype(numpy.float32)
    vectors *= 0.9 / numpy.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [r[0] for r in rows]
    sql(instance, [("INSERT INTO bhmis_attendance_face "
        "(employee, encoding, create_uid, create_date) "
        "VALUES (%s, %s, 0, CURRENT_TIMESTAMP)",
        [(ids[n % len(ids)], vectors[n].tobytes())
            for n in range(len(vectors))]),
        # What the faces' create() does: the gallery's state counts them
        ("UPDATE bhmis_attendance_gallery_state SET faces = "
            "(SELECT COUNT(id) FROM bhmis_attendance_face), last_face = "
            "(SELECT MAX(id) FROM bhmis_attendance_face)", ())])
    return key, vectors, [r[0] for r in rows]


def add_device(instance, facility):
    "A kiosk at the facility, liveness off; return its key"
    output = instance.var / 'device.txt'
    instance.run('sh', '-c', '"$0" -m bhmis.cli attendance device-add '
        '--facility %s --liveness off > %s' % (facility, output),
        _python())
    return [line.rsplit(' ', 1)[1]
        for line in output.read_text().splitlines()
        if line.startswith('Device key')][0]


def _python():
    import sys
    return sys.executable


def post_checkin(url, key, frame, at=None):
    import urllib.error
    import urllib.request

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    boundary, body = encode_multipart({
            'event_id': str(uuid.uuid4()),
            'captured_at': (at or time.strftime('%Y-%m-%dT%H:%M:%SZ',
                    time.gmtime())),
            'frames': FileStorage(io.BytesIO(frame), 'frame.jpg',
                content_type='image/jpeg'),
            })
    request = urllib.request.Request(url, data=body, method='POST',
        headers={'Authorization': 'Bearer ' + key,
            'Content-Type': 'multipart/form-data; boundary=%s' % boundary})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise StepError('check-in refused (%s): %s' % (
                error.code, error.read()[:300]))


def naive_checkin(frame, known):
    import face_recognition
    image = numpy.asarray(Image.open(io.BytesIO(frame)).convert('RGB'))
    locations = face_recognition.face_locations(image, 0)
    if not locations:
        raise StepError('the naive pipeline found no face')
    # The largest face (dlib finds a small second "face" on her badge)
    largest = max(locations, key=lambda l: (l[2] - l[0]) * (l[1] - l[3]))
    encoding, = face_recognition.face_encodings(image, [largest])
    matches = face_recognition.compare_faces(known, encoding, 0.45)
    return matches.index(True) if True in matches else None


def run(workspace, backend, log, **kwargs):
    province = workspace.province_instance(backend, log)
    key, vectors, employees = prepare(province, log)
    frame = frame_jpeg()
    log('serve')
    province.serve()
    try:
        url = province.url('/%s/bhmis/attendance/checkin' % province.db)
        # One kiosk sends a few check-ins a minute; this one stands for a
        # province's worth, past the per-device rate limit
        from tests.rpc import RPC
        rpc = RPC(province.url(), province.db).login('admin', ADMIN_PASSWORD)
        rpc.model('bhmis.attendance.configuration', 'write', [1],
            {'checkins_per_minute': 1_000_000})
        first = post_checkin(url, key, frame)  # loads the gallery
        if first.get('status') != 'accepted':
            raise StepError('check-in not accepted: %s' % first)
        log('%s check-ins, one at a time' % LATENCY_CALLS)
        times = []
        for n in range(LATENCY_CALLS):
            start = time.perf_counter()
            answer = post_checkin(url, key, frame)
            times.append((time.perf_counter() - start) * 1000)
            if answer.get('status') != 'accepted':
                raise StepError('check-in %s: %s' % (n, answer))
        rate = throughput(url, key, frame, log)
    finally:
        province.stop()
    log('naive pipeline, %s calls' % NAIVE_CALLS)
    known = list(vectors) + [None]
    known[-1] = _astronaut_encoding()
    naive = []
    for _ in range(NAIVE_CALLS):
        start = time.perf_counter()
        if naive_checkin(frame, known) != len(known) - 1:
            raise StepError('the naive pipeline did not find her')
        naive.append((time.perf_counter() - start) * 1000)
    naive_rate = 2 / (percentile(naive, 50) / 1000)
    rows = [Row(NAME, backend,
            'check-in of one 640-px frame over HTTP, gallery of %s: p%s of '
            '%s' % (GALLERY, p, LATENCY_CALLS), percentile(times, p), 'ms',
            'naive face_encodings + compare_faces over a list, in process: '
            'p%s of %s' % (p, NAIVE_CALLS), percentile(naive, p))
        for p in (50, 95)]
    rows.append(Row(NAME, backend,
            'sustained check-ins per second, 2 clients against bhmis serve',
            1 / rate, 's', 'naive pipeline, 2 cores busy (1 / rate)',
            1 / naive_rate))
    rows += daily_rows(province, backend, employees, log)
    return rows


def _astronaut_encoding():
    import face_recognition
    from skimage import data
    image = data.astronaut()
    location = face_recognition.face_locations(image, 0)
    return face_recognition.face_encodings(image, location)[0]


def throughput(url, key, frame, log, seconds=THROUGHPUT_SECONDS,
        warm=True):
    if warm:
        # Every web process loads the face models and the gallery on its
        # first check-in: not what a day of check-ins costs
        throughput(url, key, frame, log, seconds=5, warm=False)
    log('2 clients for %s s' % seconds)
    done, errors = [0, 0], []
    stop = time.monotonic() + seconds

    def client(n):
        while time.monotonic() < stop:
            try:
                if post_checkin(url, key, frame)['status'] == 'accepted':
                    done[n] += 1
            except Exception as exception:  # reported below
                errors.append(exception)
                return
    threads = [threading.Thread(target=client, args=(n,)) for n in (0, 1)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise StepError('a client failed: %s' % errors[0])
    rate = sum(done) / (time.perf_counter() - start)
    log('%.1f check-ins per second' % rate)
    return rate


def daily_rows(province, backend, employees, log):
    "Check-ins for 90% of the staff on a day, then its daily attendance"
    import datetime as dt
    day = dt.date.today() - dt.timedelta(days=3)
    log('check-ins of %s employees on %s' % (len(employees), day))
    rng = numpy.random.default_rng(7)
    lines = []
    rows, = sql(province, [("SELECT id FROM company_company", ())])
    company = rows[0][0]
    for employee in employees:
        if rng.random() < 0.1:
            continue
        arrive = dt.datetime.combine(day, dt.time(3, int(rng.integers(60))))
        lines.append((company, employee, arrive.isoformat(' '),
                day.isoformat(), 'in'))
        lines.append((company, employee,
                (arrive + dt.timedelta(hours=6)).isoformat(' '),
                day.isoformat(), 'out'))
    sql(province, [("INSERT INTO attendance_line (company, employee, at, "
        "date, type, create_uid, create_date) VALUES "
        "(%s, %s, %s, %s, %s, 0, CURRENT_TIMESTAMP)", lines)])
    log('daily attendance of every employee, then one at a time for %s'
        % NAIVE_DAILY_SAMPLE)
    result = province.var / 'daily.json'
    province.run(_python(), '-m', 'benchmarks.attendance', 'daily',
        day.isoformat(), str(NAIVE_DAILY_SAMPLE), str(result))
    figures = json.loads(result.read_text())
    scaled = figures['naive'] * figures['count'] / NAIVE_DAILY_SAMPLE
    return [Row(NAME, backend,
            'daily attendance of %s employees (Day.compute, in process)'
            % figures['count'], figures['all'], 's',
            'one Day.compute per employee (%s timed, scaled)'
            % NAIVE_DAILY_SAMPLE, scaled)]


def daily(date, count, output):
    """In a child process: time the day of count employees computed one
    at a time (rolled back), then of every employee at once"""
    import datetime as dt

    from bhmis import settings as settings_
    from bhmis.database import open_pool
    date = dt.date.fromisoformat(date)
    settings = settings_.load()
    with open_pool(settings) as (pool, transaction):
        Employee = pool.get('company.employee')
        Day = pool.get('bhmis.attendance.day')
        employees = Employee.search([('hr_status', '=', 'active'),
                ('facility', '!=', None)], limit=count)
        start = time.perf_counter()
        for employee in employees:
            Day.compute(date, [employee.id])
        naive = time.perf_counter() - start
        transaction.rollback()
        start = time.perf_counter()
        total = Day.compute(date)
        every = time.perf_counter() - start
    with open(output, 'w') as fp:
        json.dump({'naive': naive, 'all': every, 'count': total}, fp)


if __name__ == '__main__':
    import os
    import sys
    if sys.argv[1:2] == ['daily']:
        from bhmis import settings as settings_
        settings = settings_.load()
        settings_.write_trytond_conf(settings)
        os.environ['TRYTOND_CONFIG'] = str(settings.trytond_conf)
        daily(sys.argv[2], int(sys.argv[3]), sys.argv[4])
