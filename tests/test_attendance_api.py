# SPDX-License-Identifier: GPL-3.0-or-later
"""The attendance API as kiosks and phones use it, against `bhmis serve`.

The module has its own small demo (initialised and served once), so that
it controls its devices and enrolled faces: `bhmis attendance device-add`
adds a kiosk without liveness check, one with it and a phone to
QUETTA-CIVIL-001, and `bhmis attendance enrol` enrols scikit-image's
astronaut photo (PNG) as the face of its first employee ("her").  Check-ins
send JPEG variants of the photo, captured at noon 20 days ago (a day
without the demo's punches, within the 31 days a kiosk may resend), so that
her first punch of the day is an arrival.

Every answer of the API is checked to hold no biometric data.

Run: python -m pytest tests/test_attendance_api.py
"""
import datetime as dt
import io
import json
import os
import re
import secrets
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import numpy
import pytest
from PIL import Image
from skimage import data

from tests.conftest import DEMO_PASSWORD, copy_instance
from tests.rpc import RPCError

FACILITY = 'QUETTA-CIVIL-001'
OTHER_FACILITY = 'QUETTA-BHU-001'
INCHARGE = 'incharge.civil'
# Keys no answer of the API may hold: face encodings and photos
BIOMETRIC = {'encoding', 'encodings', 'photo', 'photos', 'evidence',
    'enrolled_photo', 'thumbnail'}


# Photos ----------------------------------------------------------------

def encoded(image, format_='JPEG', **options):
    out = io.BytesIO()
    Image.fromarray(image).save(out, format_, **options)
    return out.getvalue()


@pytest.fixture(scope='module')
def photos():
    astronaut = data.astronaut()
    crop = astronaut[10:480, 30:500]
    brighter = numpy.clip(crop * 1.1, 0, 255).astype(numpy.uint8)
    # Squeezed to 57 % of its width: her face measures about 0.49 from
    # her enrolment, between the accept (0.45) and review (0.55)
    # distances: a doubtful check-in for the in-charge to decide
    width = int(512 * 0.57)
    squeezed = numpy.zeros_like(astronaut)
    squeezed[:, :width] = numpy.asarray(Image.fromarray(astronaut).resize(
            (width, 512), Image.Resampling.BOX))
    jpeg = encoded(astronaut, quality=85)
    return SimpleNamespace(
        png=encoded(astronaut, 'PNG'),
        jpeg=jpeg,
        variant=encoded(brighter, quality=80),
        squeezed=encoded(squeezed, quality=90),
        truncated=jpeg[:len(jpeg) // 2],
        coffee=encoded(data.coffee()),
        chelsea=encoded(data.chelsea()),
        small=encoded(data.chelsea()[::4, ::4]))


# The API ---------------------------------------------------------------

def multipart(fields, frames):
    "The body and content type of a multipart/form-data request"
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(('--%s\r\nContent-Disposition: form-data; name="%s"'
                '\r\n\r\n%s\r\n' % (boundary, name, value)).encode())
    for number, frame in enumerate(frames):
        body.write(('--%s\r\nContent-Disposition: form-data; name="frames"; '
                'filename="frame%s.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
                % (boundary, number)).encode())
        body.write(frame)
        body.write(b'\r\n')
    body.write(('--%s--\r\n' % boundary).encode())
    return body.getvalue(), 'multipart/form-data; boundary=' + boundary


def biometric_keys(value):
    "The keys of value (JSON), at any depth, that name biometric data"
    if isinstance(value, dict):
        found = BIOMETRIC & set(value)
        for item in value.values():
            found |= biometric_keys(item)
        return found
    if isinstance(value, list):
        return set().union(*map(biometric_keys, value))
    return set()


class Reply(SimpleNamespace):
    "An HTTP answer: status, headers, text and JSON (None if not JSON)"

    def __repr__(self):
        return '<%s %s>' % (self.status, self.text[:300])


def request(url, body=None, headers=None, method=None):
    req = urllib.request.Request(url, data=body, headers=headers or {},
        method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            status, raw = response.status, response.read()
            headers = response.headers
    except urllib.error.HTTPError as error:
        status, raw, headers = error.code, error.read(), error.headers
    text = raw.decode('utf-8', errors='replace')
    try:
        json_ = json.loads(text)
    except ValueError:
        json_ = None
    reply = Reply(status=status, headers=headers, text=text, json=json_)
    assert not biometric_keys(json_), (
        "biometric data in an answer of the API: %r" % reply)
    return reply


class API:
    "The check-in and enrolment API of a served database"

    def __init__(self, server):
        self.server = server

    def post(self, name, key, fields, frames):
        body, content_type = multipart(fields, frames)
        headers = {'Content-Type': content_type}
        if key is not None:
            headers['Authorization'] = 'Bearer ' + key
        return request(self.server.url('/%s/bhmis/attendance/%s'
                % (self.server.db, name)), body, headers)

    def checkin(self, key, frames, captured_at=None, event_id=None,
            **fields):
        fields.setdefault('event_id', event_id or str(uuid.uuid4()))
        if isinstance(captured_at, dt.datetime):
            captured_at = iso(captured_at)
        fields.setdefault('captured_at', captured_at)
        fields = {k: v for k, v in fields.items() if v is not None}
        return self.post('checkin', key, fields, frames)

    def enrol(self, key, login, password, personnel_number, frames):
        return self.post('enrol', key, {'login': login,
                'password': password, 'personnel_number': personnel_number},
            frames)

    def get(self, path):
        return request(self.server.url('/%s/bhmis/%s'
                % (self.server.db, path)))


def iso(at):
    "at (naive UTC) as the kiosk sends it"
    return at.isoformat() + 'Z'


def noon(days_ago):
    "Noon in Quetta (UTC+5, no summer time) days_ago, as naive UTC"
    day = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(
        days=days_ago)
    return dt.datetime.combine(day, dt.time(7, 0))


def utc_now():
    return dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0)


def to_rpc(at):
    return {'__class__': 'datetime', 'year': at.year, 'month': at.month,
        'day': at.day, 'hour': at.hour, 'minute': at.minute,
        'second': at.second, 'microsecond': 0}


def from_rpc(value):
    return dt.datetime(value['year'], value['month'], value['day'],
        value['hour'], value['minute'], value['second'])


# Fixtures --------------------------------------------------------------

@pytest.fixture(scope='module')
def server(tmp_path_factory, demo_template):
    "The small demo of this module, served"
    inst = copy_instance(tmp_path_factory, 'attendance_api', demo_template)
    try:
        inst.serve()
        yield inst
    finally:
        inst.drop()


@pytest.fixture(scope='module')
def api(server):
    return API(server)


@pytest.fixture(scope='module')
def admin(server):
    return server.rpc()


@pytest.fixture(scope='module')
def staff(admin):
    "Her (to be enrolled), another employee of FACILITY, one elsewhere"
    def employees(code):
        return [SimpleNamespace(id=e['id'], name=e['party.']['name'],
                number=e['personnel_number'])
            for e in admin.model('company.employee', 'search_read',
                [('facility.code', '=', code),
                    ('hr_status', '=', 'active')],
                0, 2, [('id', 'ASC')], ['personnel_number', 'party.name'])]
    her, other = employees(FACILITY)
    elsewhere = employees(OTHER_FACILITY)[0]
    return SimpleNamespace(her=her, other=other, elsewhere=elsewhere)


def device_add(server, *options):
    "Add a device of FACILITY with the command; return its code and key"
    output = server.bhmis('attendance', 'device-add', '--facility',
        FACILITY, *options).stdout
    code = re.search(r'^Device: (\S+)$', output, re.M)
    key = re.search(r'^Device key \(shown once; keep it secret\): (\S+)$',
        output, re.M)
    assert code and key, output
    return SimpleNamespace(code=code.group(1), key=key.group(1))


@pytest.fixture(scope='module')
def kiosk(server):
    "A kiosk without liveness check (a photo cannot blink)"
    return device_add(server, '--liveness', 'off')


@pytest.fixture(scope='module')
def live_kiosk(server):
    "A kiosk with the default liveness check"
    return device_add(server)


@pytest.fixture(scope='module')
def phone(server):
    return device_add(server, '--kind', 'phone', '--liveness', 'off')


@pytest.fixture(scope='module')
def revoked(server):
    "A device revoked with `bhmis attendance device-revoke`"
    device = device_add(server)
    result = server.bhmis('attendance', 'device-revoke', device.code)
    assert 'revoked' in result.stdout
    return device


@pytest.fixture(scope='module')
def enrolled(server, staff, tmp_path_factory):
    "Her face enrolled from the astronaut PNG with the command"
    path = tmp_path_factory.mktemp('photos') / 'astronaut.png'
    Image.fromarray(data.astronaut()).save(path)
    result = server.bhmis('attendance', 'enrol', '--employee',
        staff.her.number, str(path))
    assert result.stdout.startswith('Enrolled 1 photo(s) of %s (%s)'
        % (staff.her.name, staff.her.number)), result.stdout
    return staff.her


def counts(admin):
    "The check-in events, attendance lines, faces and duplicate flags"
    return tuple(admin.model(model, 'search_count', [])
        for model in ['bhmis.attendance.event', 'attendance.line',
            'bhmis.attendance.face', 'bhmis.attendance.duplicate_flag'])


def event_of(admin, event_id, *fields):
    events = admin.model('bhmis.attendance.event', 'search_read',
        [('event_id', '=', event_id)], 0, None, None,
        ['status', 'reason', 'employee', 'line', 'type', 'review_state',
            *fields])
    assert len(events) == 1, events
    return events[0]


def lines_of(admin, employee):
    return {line['id']: line for line in admin.model('attendance.line',
            'search_read', [('employee', '=', employee.id)], 0, None,
            None, ['at', 'type'])}


# Check-in --------------------------------------------------------------
# Her face before she is enrolled comes first: the other tests enrol her

def test_unknown_face_before_enrolment(api, admin, kiosk, staff, photos):
    assert admin.model('bhmis.attendance.face', 'search_count', []) == 0
    before = lines_of(admin, staff.her)
    reply = api.checkin(kiosk.key, [photos.jpeg], noon(25))
    assert reply.status == 200, reply
    assert reply.json['status'] == 'rejected'
    assert reply.json['reason'] == 'unknown_face'
    assert 'employee' not in reply.json
    event = event_of(admin, reply.json['event_id'])
    assert (event['status'], event['reason'], event['employee'],
        event['line']) == ('rejected', 'unknown_face', None, None)
    assert lines_of(admin, staff.her) == before


def test_check_in_then_out(api, admin, kiosk, enrolled, photos):
    "Her face checks her in, then out; pressing twice is one punch"
    her = {'name': enrolled.name, 'personnel_number': enrolled.number}
    before = lines_of(admin, enrolled)
    arrival = noon(20)

    reply = api.checkin(kiosk.key, [photos.variant], arrival)
    assert reply.status == 200, reply
    assert reply.headers['Content-Type'].startswith('application/json')
    answer = reply.json
    assert (answer['status'], answer['employee'], answer['type'],
        answer['at']) == ('accepted', her, 'in', iso(arrival)), answer
    new = [line for id_, line in lines_of(admin, enrolled).items()
        if id_ not in before]
    assert [(from_rpc(line['at']), line['type']) for line in new] == [
        (arrival, 'in')]
    event = event_of(admin, answer['event_id'])
    assert (event['status'], event['employee'], event['line'],
        event['type']) == ('accepted', enrolled.id, new[0]['id'], 'in')

    # A minute later (within the repeat window): the same punch
    again = api.checkin(kiosk.key, [photos.jpeg],
        arrival + dt.timedelta(minutes=1))
    assert again.status == 200, again
    assert (again.json['status'], again.json['type'],
        again.json['at']) == ('accepted', 'in', iso(arrival))
    assert len(lines_of(admin, enrolled)) == len(before) + 1

    # Ten minutes later, the time given in Quetta's offset: she leaves
    departure = arrival + dt.timedelta(minutes=10)
    local = (departure + dt.timedelta(hours=5)).isoformat() + '+05:00'
    out = api.checkin(kiosk.key, [photos.jpeg], local)
    assert out.status == 200, out
    assert (out.json['status'], out.json['employee'], out.json['type'],
        out.json['at']) == ('accepted', her, 'out', iso(departure))
    new = sorted((from_rpc(line['at']), line['type'])
        for id_, line in lines_of(admin, enrolled).items()
        if id_ not in before)
    assert new == [(arrival, 'in'), (departure, 'out')]



def test_daily_attendance_follows_late_check_ins(api, admin, kiosk,
        enrolled, photos):
    """Check-ins a kiosk sends days later (it was offline) update the
    daily attendance of their day, computed at midnight without them; its
    first in and last out are datetimes as Tryton keeps them, in UTC (the
    back office shows them in the user's time zone)"""
    arrival, departure = noon(22), noon(22) + dt.timedelta(hours=2)
    date = {'__class__': 'date', 'year': arrival.year,
        'month': arrival.month, 'day': arrival.day}
    for at, type_ in [(arrival, 'in'), (departure, 'out')]:
        reply = api.checkin(kiosk.key, [photos.jpeg], at)
        assert (reply.status, reply.json['status'], reply.json['type']) == (
            200, 'accepted', type_), reply
    day, = admin.model('bhmis.attendance.day', 'search_read',
        [('employee', '=', enrolled.id), ('date', '=', date)],
        0, None, None, ['status', 'first_in', 'last_out', 'worked_hours'])
    assert day['status'] != 'absent'
    assert day['worked_hours'] == pytest.approx(2)
    assert (from_rpc(day['first_in']), from_rpc(day['last_out'])) == (
        arrival, departure), "as attendance.line keeps them (UTC)"


def test_resend_gets_the_same_answer(api, admin, kiosk, enrolled, photos):
    "An offline kiosk resending an event writes nothing twice"
    event_id = str(uuid.uuid4())
    first = api.checkin(kiosk.key, [photos.jpeg], noon(19),
        event_id=event_id)
    assert first.status == 200 and first.json['status'] == 'accepted', first
    before = counts(admin)
    again = api.checkin(kiosk.key, [photos.jpeg], noon(19),
        event_id=event_id)
    assert (again.status, again.json) == (200, first.json)
    # Whatever the resend carries, the first answer stands
    other = api.checkin(kiosk.key, [photos.coffee], noon(18),
        event_id=event_id.upper())
    assert (other.status, other.json) == (200, first.json)
    assert counts(admin) == before


@pytest.mark.parametrize('photo', ['coffee', 'chelsea'])
def test_no_face(api, admin, kiosk, enrolled, photos, photo):
    "A photo without a face is refused, and the refusal is recorded"
    lines = admin.model('attendance.line', 'search_count', [])
    reply = api.checkin(kiosk.key, [getattr(photos, photo)], noon(17))
    assert reply.status == 200, reply
    assert (reply.json['status'], reply.json['reason']) == (
        'rejected', 'no_face')
    assert reply.json['message']
    event = event_of(admin, reply.json['event_id'])
    assert (event['status'], event['reason'], event['line']) == (
        'rejected', 'no_face', None)
    assert admin.model('attendance.line', 'search_count', []) == lines
    events = admin.model('bhmis.attendance.event', 'search_count', [])
    resent = api.checkin(kiosk.key, [getattr(photos, photo)], noon(17),
        event_id=reply.json['event_id'])
    assert resent.json == reply.json
    assert admin.model('bhmis.attendance.event', 'search_count',
        []) == events


def test_still_photo_fails_liveness(api, admin, live_kiosk, enrolled,
        photos):
    "Five identical frames of her photo do not blink"
    lines = lines_of(admin, enrolled)
    reply = api.checkin(live_kiosk.key, [photos.jpeg] * 5, noon(16))
    assert reply.status == 200, reply
    assert (reply.json['status'], reply.json['reason']) == (
        'rejected', 'liveness_failed')
    event = event_of(admin, reply.json['event_id'])
    assert (event['status'], event['reason'], event['line']) == (
        'rejected', 'liveness_failed', None)
    assert lines_of(admin, enrolled) == lines


def test_phone_geofence(api, admin, phone, enrolled, photos):
    "A phone checks in at the facility only, and must say where it is"
    facility, = admin.model('bhmis.facility', 'search_read',
        [('code', '=', FACILITY)], 0, None, None, ['latitude', 'longitude'])
    assert facility['latitude'] and facility['longitude'], facility
    lines = lines_of(admin, enrolled)
    for position in [{}, {'latitude': '31.5204', 'longitude': '74.3587'}]:
        reply = api.checkin(phone.key, [photos.jpeg], noon(15), **position)
        assert reply.status == 200, reply
        assert (reply.json['status'], reply.json['reason']) == (
            'rejected', 'outside_geofence'), position
    assert lines_of(admin, enrolled) == lines

    # About 110 m north of the facility's coordinates
    latitude = facility['latitude'] + 0.001
    reply = api.checkin(phone.key, [photos.jpeg], noon(15),
        latitude='%.6f' % latitude, longitude='%.6f' % facility['longitude'])
    assert reply.status == 200, reply
    assert (reply.json['status'], reply.json['employee']['name']) == (
        'accepted', enrolled.name)
    event = event_of(admin, reply.json['event_id'], 'latitude',
        'longitude')
    assert event['latitude'] == pytest.approx(latitude)
    assert event['longitude'] == pytest.approx(facility['longitude'])
    assert len(lines_of(admin, enrolled)) == len(lines) + 1


def test_doubtful_face_goes_to_review(api, admin, server, kiosk, enrolled,
        photos):
    """A face between the accept and review distances waits for the
    in-charge, with an evidence photo only the attendance administrators
    see"""
    lines = lines_of(admin, enrolled)
    reply = api.checkin(kiosk.key, [photos.squeezed], noon(14))
    assert reply.status == 200, reply
    assert reply.json['status'] == 'review', reply
    assert 'employee' not in reply.json and 'type' not in reply.json
    event = event_of(admin, reply.json['event_id'])
    assert (event['status'], event['review_state'], event['employee'],
        event['line']) == ('review', 'pending', enrolled.id, None)
    assert lines_of(admin, enrolled) == lines

    incharge = server.rpc(INCHARGE, DEMO_PASSWORD)
    evidence, = incharge.model('bhmis.attendance.event', 'read',
        [event['id']], ['evidence'])
    assert evidence['evidence'], "the in-charge reviews with the photo"
    dho = server.rpc('dho.quetta', DEMO_PASSWORD)
    assert dho.model('bhmis.attendance.event', 'search_count',
        [('id', '=', event['id'])]) == 1, "the DHO sees the event"
    with pytest.raises(RPCError) as error:
        dho.model('bhmis.attendance.event', 'read', [event['id']],
            ['evidence'])
    assert 'not allowed' in error.value.body


# Refused requests ------------------------------------------------------

def bad_requests():
    "name, build(photos, devices) -> (key, fields, frames), status, reason"
    def photo(key='kiosk', **fields):
        "Her photo with fields; a callable field is given the time now"
        def build(photos, devices):
            now = utc_now()
            values = {'event_id': str(uuid.uuid4()),
                'captured_at': iso(now - dt.timedelta(minutes=1))}
            values.update(fields)
            values = {k: v(now) if callable(v) else v
                for k, v in values.items() if v is not None}
            return devices.get(key, key), values, [photos.jpeg]
        return build

    def frames(make):
        def build(photos, devices):
            key, values, _ = photo()(photos, devices)
            return key, values, make(photos)
        return build

    return [
        ('truncated_jpeg', frames(lambda p: [p.truncated]), 400,
            'bad_image'),
        ('text_file', frames(lambda p: [b'Not a photo at all.\n' * 50]),
            400, 'bad_image'),
        ('one_bad_frame', frames(lambda p: [p.jpeg, b'GIF89a broken']),
            400, 'bad_image'),
        ('empty_file', frames(lambda p: [b'']), 400, 'empty_file'),
        ('frame_just_over_2mb', frames(lambda p: [os.urandom(2_000_001)]),
            413, 'too_large'),
        ('frame_of_2_1mb', frames(lambda p: [os.urandom(2_100_000)]),
            413, 'too_large'),
        ('no_frames', frames(lambda p: []), 400, 'bad_request'),
        ('nine_frames', frames(lambda p: [p.small] * 9), 400,
            'bad_request'),
        ('wrong_key', photo(key='not-a-device-key'), 401, 'unauthorized'),
        ('no_key', photo(key=None), 401, 'unauthorized'),
        ('revoked_key', photo(key='revoked'), 401, 'unauthorized'),
        ('captured_in_2030', photo(captured_at='2030-01-01T08:00:00Z'),
            400, 'future_timestamp'),
        ('captured_10_minutes_ahead', photo(
                captured_at=lambda now: iso(now + dt.timedelta(minutes=10))),
            400, 'future_timestamp'),
        ('captured_60_days_ago', photo(
                captured_at=lambda now: iso(now - dt.timedelta(days=60))),
            400, 'bad_request'),
        ('captured_at_not_a_date', photo(captured_at='yesterday'), 400,
            'bad_request'),
        ('no_captured_at', photo(captured_at=None), 400, 'bad_request'),
        ('no_event_id', photo(event_id=None), 400, 'bad_request'),
        ('event_id_not_a_uuid', photo(event_id='checkin-42'), 400,
            'bad_request'),
        ('latitude_123', photo(latitude='123', longitude='67.0'), 400,
            'bad_request'),
        ('longitude_not_a_number', photo(latitude='30.2',
                longitude='east'), 400, 'bad_request'),
        ('latitude_alone', photo(latitude='30.2'), 400, 'bad_request'),
        ]


@pytest.mark.parametrize('build, status, reason',
    [case[1:] for case in bad_requests()],
    ids=[case[0] for case in bad_requests()])
def test_refused_request_writes_nothing(api, admin, kiosk, revoked,
        enrolled, photos, build, status, reason):
    """Each wrong request gets its status and reason, as JSON, and writes
    nothing (her photo comes with it: a request let through would punch)"""
    key, fields, frames = build(photos, {'kiosk': kiosk.key,
            'revoked': revoked.key})
    before = counts(admin)
    reply = api.post('checkin', key, fields, frames)
    assert reply.json is not None, "not a JSON answer: %r" % reply
    assert (reply.status, reply.json['status'], reply.json['reason']) == (
        status, 'error', reason), reply
    assert reply.json['message']
    assert reply.headers['Cache-Control'] == 'no-store'
    assert counts(admin) == before


def test_burst_within_limits_is_read(api, admin, live_kiosk, enrolled,
        photos):
    """A burst of 5 large photos of about 0.5 MB each (2.5 MB in all,
    within the 8 frames of 2 MB each allowed) is looked at, not refused as
    too large"""
    big = numpy.asarray(Image.fromarray(data.astronaut()).resize(
            (1400, 1400), Image.Resampling.BICUBIC))
    frame = encoded(big, quality=97)
    assert 420_000 < len(frame) < 2_000_000, len(frame)
    reply = api.checkin(live_kiosk.key, [frame] * 5, noon(13))
    assert reply.json is not None, "not a JSON answer: %r" % reply
    assert (reply.status, reply.json['status'], reply.json['reason']) == (
        200, 'rejected', 'liveness_failed'), reply


def test_rate_limit(api, kiosk, server):
    """A key (here a wrong one) sending too fast is told to slow down.
    Each of the N web processes allows its share of the 60 a minute, and
    the kernel gives a connection to whichever process accepts first: the
    first refusal comes after 60 / N (all to one process) to 60 allowed
    requests, plus what the buckets refill meanwhile"""
    from bhmis import settings
    workers = settings.load(server.env).web_workers
    key = secrets.token_urlsafe(32)
    replies = []
    for _ in range(90):
        replies.append(api.post('checkin', key, {}, []))
        if replies[-1].status == 429:
            break
    assert replies[0].status == 401
    assert 60 // workers <= len(replies) - 1 <= 75, (
        workers, [r.status for r in replies])
    assert replies[-1].status == 429, replies[-1]
    assert (replies[-1].json['status'], replies[-1].json['reason']) == (
        'error', 'rate_limited')
    # Another key is not slowed down
    reply = api.post('checkin', kiosk.key, {'event_id': str(uuid.uuid4()),
            'captured_at': iso(utc_now())}, [])
    assert (reply.status, reply.json['reason']) == (400, 'bad_request')


# Enrolment -------------------------------------------------------------

def test_enrol_same_face_for_another(api, admin, kiosk, staff, enrolled,
        photos):
    "Her face for another employee is refused and flagged to HR"
    before = counts(admin)
    reply = api.enrol(kiosk.key, INCHARGE, DEMO_PASSWORD,
        staff.other.number, [photos.jpeg])
    assert reply.status == 409, reply
    assert (reply.json['status'], reply.json['reason']) == (
        'rejected', 'duplicate_face')
    assert enrolled.name in reply.json['message']
    flags = admin.model('bhmis.attendance.duplicate_flag', 'search_read',
        [('employee', '=', staff.other.id)], 0, None, None,
        ['other', 'count'])
    assert [(f['other'], f['count']) for f in flags] == [(enrolled.id, 1)]
    assert admin.model('bhmis.attendance.face', 'search_count',
        [('employee', '=', staff.other.id)]) == 0
    events, lines, faces, flagged = counts(admin)
    assert (events, lines, faces, flagged) == (*before[:3], before[3] + 1)


def test_incharge_enrols_another_photo(api, admin, kiosk, enrolled, photos):
    faces = admin.model('bhmis.attendance.face', 'search_count',
        [('employee', '=', enrolled.id)])
    reply = api.enrol(kiosk.key, INCHARGE, DEMO_PASSWORD, enrolled.number,
        [photos.variant])
    assert reply.status == 200, reply
    assert (reply.json['status'], reply.json['samples'],
        reply.json['employee']) == ('enrolled', 1, {'name': enrolled.name,
            'personnel_number': enrolled.number})
    assert admin.model('bhmis.attendance.face', 'search_count',
        [('employee', '=', enrolled.id)]) == faces + 1


@pytest.mark.parametrize('login, password, who, photo, status, reason', [
        (INCHARGE, 'not-the-password', 'her', 'jpeg', 403, 'forbidden'),
        ('store.quetta', DEMO_PASSWORD, 'her', 'jpeg', 403, 'forbidden'),
        ('dho.quetta', DEMO_PASSWORD, 'her', 'jpeg', 403, 'forbidden'),
        ('hr.quetta', DEMO_PASSWORD, 'her', 'jpeg', 403, 'forbidden'),
        ('', '', 'her', 'jpeg', 403, 'forbidden'),
        (INCHARGE, DEMO_PASSWORD, 'NOBODY-404', 'jpeg', 404,
            'unknown_employee'),
        (INCHARGE, DEMO_PASSWORD, 'elsewhere', 'jpeg', 404,
            'unknown_employee'),
        (INCHARGE, DEMO_PASSWORD, 'other', 'coffee', 400, 'no_face'),
        (INCHARGE, DEMO_PASSWORD, 'other', 'six', 400, 'bad_request'),
        (INCHARGE, DEMO_PASSWORD, 'other', 'none', 400, 'bad_request'),
        (INCHARGE, DEMO_PASSWORD, 'other', 'truncated', 400, 'bad_image'),
        ], ids=['wrong_password', 'store_keeper', 'dho', 'hr_officer',
        'no_login', 'unknown_number', 'other_facility', 'no_face',
        'six_photos', 'no_photo', 'truncated'])
def test_enrol_refused(api, admin, kiosk, staff, enrolled, photos, login,
        password, who, photo, status, reason):
    "Nothing is enrolled (nor flagged) when the enrolment is refused"
    employee = getattr(staff, who, None)
    number = employee.number if employee else who
    frames = {'jpeg': [photos.variant], 'coffee': [photos.coffee],
        'six': [photos.variant] * 6, 'none': [],
        'truncated': [photos.truncated]}[photo]
    before = counts(admin)
    reply = api.enrol(kiosk.key, login, password, number, frames)
    assert reply.json is not None, "not a JSON answer: %r" % reply
    assert (reply.status, reply.json['reason']) == (status, reason), reply
    assert reply.json['status'] in {'error', 'rejected'}
    assert reply.json['message']
    assert counts(admin) == before


def test_enrol_needs_a_device_key(api, admin, revoked, enrolled, photos):
    before = counts(admin)
    for key in [None, 'not-a-device-key', revoked.key]:
        reply = api.enrol(key, INCHARGE, DEMO_PASSWORD, enrolled.number,
            [photos.variant])
        assert (reply.status, reply.json['reason']) == (401, 'unauthorized')
    assert counts(admin) == before


def test_enrol_wrong_passwords_lock_the_account(api, server, kiosk,
        enrolled, photos):
    """Wrong passwords typed at the kiosk count like those of the back
    office: after 6, the account is locked for a while (Tryton's
    [session] max_attempt = 5), so a stolen kiosk key cannot be used to
    guess an in-charge's password"""
    login = 'complaints'   # a demo user no other test logs in as
    for attempt in range(6):
        reply = api.enrol(kiosk.key, login, 'guess-%s' % attempt,
            enrolled.number, [photos.variant])
        assert reply.status in {403, 429}, reply
    with pytest.raises(RPCError) as error:
        server.rpc(login, DEMO_PASSWORD)
    assert error.value.status == 429


# The kiosk page --------------------------------------------------------

def test_kiosk_page(api, kiosk):
    reply = api.get('kiosk/%s' % kiosk.code)
    assert reply.status == 200, reply
    assert reply.headers['Content-Type'].startswith('text/html')
    policy = reply.headers['Content-Security-Policy']
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert reply.headers['Cache-Control'] == 'no-store'
    config = re.search(r'<script id="kiosk-config" '
        r'type="application/json">(.*?)</script>', reply.text, re.S)
    assert config, reply.text[:1000]
    config = json.loads(config.group(1))
    assert config['device'] == kiosk.code
    assert config['facility']['code'] == FACILITY
    assert config['liveness'] is False
    assert not biometric_keys(config)
    assert kiosk.key not in reply.text, "the key is shown once, at set-up"


def test_kiosk_page_of_unknown_or_revoked_device(api, revoked):
    for code in ['KNOTADEVICE', revoked.code]:
        reply = api.get('kiosk/%s' % code)
        assert reply.status == 404, reply
        assert code not in reply.text


def test_kiosk_assets(api):
    script = api.get('kiosk/assets/kiosk.js')
    assert script.status == 200
    assert 'javascript' in script.headers['Content-Type']
    assert script.headers['X-Content-Type-Options'] == 'nosniff'
    assert api.get('kiosk/assets/kiosk.css').status == 200
    for name in ['kiosk.html', 'routes.py', '..%2Froutes.py',
            '%2E%2E%2Froutes.py', '..%2F..%2Fbhmis_base%2Ftryton.cfg',
            'KIOSK.JS', 'kiosk.js%00.py', '../routes.py', '../../routes.py']:
        reply = api.get('kiosk/assets/%s' % name)
        # A path of more segments matches no page: Tryton answers 405
        # (its catch-all route is for OPTIONS)
        plain = '/' not in name and '%2F' not in name
        assert reply.status in ({404} if plain else {404, 405}), (
            name, reply)
        assert 'def checkin' not in reply.text
        assert '__KIOSK_CONFIG__' not in reply.text


# Who reads biometric data ----------------------------------------------

def test_hr_officer_cannot_read_faces(server, admin, enrolled):
    assert admin.model('bhmis.attendance.face', 'search_count',
        [('employee', '=', enrolled.id)]) >= 1
    hr = server.rpc('hr.quetta', DEMO_PASSWORD)
    for fields in [['employee'], ['encoding'], ['photo']]:
        with pytest.raises(RPCError) as error:
            hr.model('bhmis.attendance.face', 'search_read',
                [], 0, None, None, fields)
        assert 'not allowed' in error.value.body


def test_dho_cannot_read_evidence(server, enrolled):
    dho = server.rpc('dho.quetta', DEMO_PASSWORD)
    events = dho.model('bhmis.attendance.event', 'search_read', [], 0,
        None, None, ['status'])
    assert events, "the DHO sees the check-ins of the district"
    for fields in [['evidence'], ['enrolled_photo']]:
        try:
            values = dho.model('bhmis.attendance.event', 'search_read', [],
                0, None, None, fields)
        except RPCError as error:
            assert 'not allowed' in error.body
        else:
            assert not any(v.get(fields[0]) for v in values), fields
