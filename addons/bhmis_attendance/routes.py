# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP routes of attendance: the check-in and enrolment API for devices
and the kiosk page.  Thin: parse and validate the request, call the
models, answer JSON.  A refused request writes nothing."""
import datetime as dt
import hashlib
import json
import os
import uuid
from pathlib import Path

from trytond.exceptions import RateLimitException
from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from . import face as engine
from .exceptions import EnrolmentError
from .ratelimit import RateLimiter

KIOSK = Path(__file__).resolve().parent / 'kiosk'
ASSETS = {'kiosk.js': 'text/javascript', 'kiosk.css': 'text/css'}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'")
# A kiosk's clock may run a little fast; more is a wrong clock or a forgery
FUTURE = dt.timedelta(minutes=5)
# Offline kiosks resend old captures; older than this is not attendance
PAST = dt.timedelta(days=31)
STATUS = {
    'unauthorized': 401, 'forbidden': 403, 'unknown_employee': 404,
    'not_active': 404, 'duplicate_face': 409, 'too_large': 413,
    'rate_limited': 429,
    }
# Each web process counts for itself: with several behind one socket (see
# bhmis/web.py), each allows its share of the setting
WORKERS = max(1, int(os.environ.get('BHMIS_WEB_WORKERS') or 1))
limiter = RateLimiter(rate=max(1, 60 // WORKERS))


class Refused(Exception):
    "A request refused with a reason code; nothing was written"

    def __init__(self, reason, **params):
        self.reason, self.params = reason, params


def answer(data, status=200):
    response = Response(json.dumps(data, ensure_ascii=False),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    return response


def refusal(reason, message=None, status=None, **params):
    if message is None:
        message = gettext('bhmis_attendance.msg_api_%s' % reason, **params)
    return answer({'status': 'error', 'reason': reason, 'message': message},
        status or STATUS.get(reason, 400))


def language(request):
    return request.accept_languages.best_match(['en', 'ur']) or 'en'


def bearer(request):
    header = request.headers.get('Authorization', '')
    scheme, _, key = header.partition(' ')
    return key.strip() if scheme.lower() == 'bearer' else ''


def limited(request, key):
    "Tell whether this device key (or its absence) at this address is over"
    digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]
    return not limiter.allow((request.remote_addr, digest))


def read_form(request, settings):
    "Return the form, refusing a request over the size limit"
    try:
        return request.form
    except RequestEntityTooLarge:
        raise Refused('too_large', limit=settings.max_bytes)


def read_frames(request, settings):
    files = request.files.getlist('frames')
    if not files:
        raise Refused('bad_request', detail="no frames")
    if len(files) > settings.max_frames:
        raise Refused('bad_request', detail="more than %s frames"
            % settings.max_frames)
    frames = []
    for file in files:
        data = file.stream.read(settings.max_bytes + 1)
        if not data:
            raise Refused('empty_file')
        if len(data) > settings.max_bytes:
            raise Refused('too_large', limit=settings.max_bytes)
        frames.append(data)
    return frames


def parse_captured_at(value):
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise Refused('bad_request', detail="captured_at is not ISO 8601")
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    now = dt.datetime.utcnow()
    if at > now + FUTURE:
        raise Refused('future_timestamp')
    if at < now - PAST:
        raise Refused('bad_request', detail="captured_at is too old")
    return at


def parse_coordinate(form, name, bound):
    value = form.get(name)
    if value in (None, ''):
        return None
    try:
        number = float(value)
    except ValueError:
        raise Refused('bad_request', detail="%s is not a number" % name)
    if not -bound <= number <= bound:
        raise Refused('bad_request', detail="%s is out of range" % name)
    return number


def parse_event_id(value):
    try:
        return str(uuid.UUID(value or ''))
    except ValueError:
        raise Refused('bad_request', detail="event_id is not a UUID")


def device_of(pool, request, touch=True):
    Device = pool.get('bhmis.attendance.device')
    Configuration = pool.get('bhmis.attendance.configuration')
    # The setting applies from the next request on: the limiter runs
    # before the database is opened
    limiter.rate = max(1,
        Configuration.current().checkins_per_minute // WORKERS)
    device = Device.authenticate(bearer(request))
    if not device:
        raise Refused('unauthorized')
    if touch:
        touch_device(pool, device)
    return device


def touch_device(pool, device):
    "Record when the device was last seen, at most every 5 minutes"
    Device = pool.get('bhmis.attendance.device')
    now = dt.datetime.now()
    if not device.last_seen or now - device.last_seen > dt.timedelta(
            minutes=5):
        Device.write([device], {'last_seen': now})
    return device


# Tryton's own limit for requests without a session is 2 MiB: a burst of
# frames needs more, up to the engine's limits
MAX_REQUEST = engine.FaceSettings().max_bytes * (
    engine.FaceSettings().max_frames + 1)


@app.route('/<database_name>/bhmis/attendance/checkin', methods=['POST'])
def checkin(request, database_name):
    if limited(request, bearer(request)):
        return refusal('rate_limited', message="Too many requests")
    return _checkin(request, database_name)


checkin.max_request_size = MAX_REQUEST


@with_pool
@with_transaction()
def _checkin(request, pool):
    Event = pool.get('bhmis.attendance.event')
    settings = engine.FaceSettings()
    with Transaction().set_context(language=language(request)):
        try:
            device = device_of(pool, request)
            form = read_form(request, settings)
            event_id = parse_event_id(form.get('event_id'))
            previous = Event.answered(device, event_id)
            if previous is not None:
                return answer(previous)
            captured_at = parse_captured_at(form.get('captured_at'))
            latitude = parse_coordinate(form, 'latitude', 90)
            longitude = parse_coordinate(form, 'longitude', 180)
            if (latitude is None) != (longitude is None):
                raise Refused('bad_request',
                    detail="latitude and longitude go together")
            frames = read_frames(request, settings)
            try:
                result = Event.check_in(device, frames, event_id,
                    captured_at, latitude=latitude, longitude=longitude)
            except engine.FaceError:
                raise Refused('bad_image')
        except Refused as refused:
            Transaction().rollback()
            return refusal(refused.reason, **refused.params)
    return answer(result)


@app.route('/<database_name>/bhmis/attendance/enrol', methods=['POST'])
def enrol(request, database_name):
    if limited(request, bearer(request)):
        return refusal('rate_limited', message="Too many requests")
    return _enrol(request, database_name)


enrol.max_request_size = MAX_REQUEST


@with_pool
@with_transaction()
def _enrol(request, pool):
    Face = pool.get('bhmis.attendance.face')
    settings = engine.FaceSettings()
    with Transaction().set_context(language=language(request)):
        try:
            # Nothing is written before the login is checked: its failed
            # attempts are committed apart (see enroller)
            device = device_of(pool, request, touch=False)
            form = read_form(request, settings)
            user = enroller(pool, device, form.get('login', ''),
                form.get('password', ''))
            touch_device(pool, device)
            employee = employee_at(pool, device,
                (form.get('personnel_number') or '').strip())
            frames = read_frames(request, settings)
            with Transaction().set_user(user), \
                    Transaction().set_context(_check_access=False):
                faces, refused = Face.enrol_or_flag(employee, frames,
                    source='kiosk')
            if refused:
                # The flag to HR is written; no face is
                return answer({'status': 'rejected', 'reason': refused.code,
                        'message': refused.message},
                    STATUS[refused.code])
        except Refused as refused:
            Transaction().rollback()
            return refusal(refused.reason, **refused.params)
        except EnrolmentError as error:
            Transaction().rollback()
            return answer({'status': 'rejected', 'reason': error.code,
                    'message': error.message},
                STATUS.get(error.code, 400))
        return answer({'status': 'enrolled', 'samples': len(faces),
                'message': gettext('bhmis_attendance.msg_api_enrolled',
                    employee=employee.party.name),
                'employee': {'name': employee.party.name,
                    'personnel_number': employee.personnel_number}})


def enroller(pool, device, login, password):
    """Return the id of the user allowed to enrol at device's facility:
    its in-charge or an attendance administrator"""
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not login or not password or len(login) > 100:
        raise Refused('forbidden')
    # As Tryton's own login: the failed attempt is committed whatever
    # becomes of the request, so that wrong passwords lock the login out
    with Transaction().new_transaction() as transaction:
        try:
            user_id = User.get_login(login, {'password': password})
        except RateLimitException:
            transaction.commit()
            raise Refused('rate_limited')
        transaction.commit()
    if not user_id:
        raise Refused('forbidden')
    user = User(user_id)
    groups = {g.id for g in user.groups}
    allowed = {ModelData.get_id('bhmis_base', 'group_facility_incharge'),
        ModelData.get_id('bhmis_attendance', 'group_attendance_admin')}
    with Transaction().set_user(user_id):
        unrestricted, districts, facilities = User.get_bhmis_scope()
    in_scope = unrestricted or device.facility.id in facilities or (
        device.facility.district.id in districts)
    if not (groups & allowed) or not in_scope:
        raise Refused('forbidden')
    return user_id


def employee_at(pool, device, personnel_number):
    Employee = pool.get('company.employee')
    employees = Employee.search([
            ('personnel_number', '=', personnel_number),
            ('hr_status', '=', 'active'),
            ('facility', '=', device.facility.id),
            ], limit=1) if personnel_number else []
    if not employees:
        raise Refused('unknown_employee', personnel_number=personnel_number)
    return employees[0]


@app.route('/<database_name>/bhmis/kiosk/<device_code>', methods=['GET'])
@with_pool
@with_transaction(readonly=True)
def kiosk(request, pool, device_code):
    Device = pool.get('bhmis.attendance.device')
    devices = Device.search([('code', '=', device_code)], limit=1)
    if not devices:
        return Response("Unknown device", status=404,
            content_type='text/plain; charset=utf-8')
    device, = devices
    database = Transaction().database.name
    facility = device.facility
    config = {
        'database': database, 'device': device.code,
        'facility': {'code': facility.code, 'name': facility.name,
            'name_ur': facility.name_ur or facility.name},
        'liveness': bool(device.liveness),
        'burst': {'frames': 5 if device.liveness else 1,
            'interval_ms': 120},
        'checkin_url': '/%s/bhmis/attendance/checkin' % database,
        'enrol_url': '/%s/bhmis/attendance/enrol' % database,
        'assets': '/%s/bhmis/kiosk/assets/' % database,
        }
    # JSON inside <script> must not close the element
    data = json.dumps(config, ensure_ascii=False).replace('<', '\\u003c')
    page = (KIOSK / 'kiosk.html').read_text().replace(
        '__KIOSK_CONFIG__', data)
    response = Response(page, content_type='text/html; charset=utf-8')
    response.headers['Content-Security-Policy'] = CSP
    response.headers['Referrer-Policy'] = 'no-referrer'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Cache-Control'] = 'no-store'
    return response


@app.route('/<database_name>/bhmis/kiosk/assets/<name>', methods=['GET'])
def kiosk_asset(request, database_name, name):
    if name not in ASSETS:
        return Response("Not found", status=404)
    response = Response((KIOSK / name).read_bytes(),
        content_type='%s; charset=utf-8' % ASSETS[name])
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Cache-Control'] = 'max-age=300'
    return response
