# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaints' public HTTP API, for the website and mobile clients.

Thin: read and check the request (intake.py, tracking.py), call the
model's classmethods, answer JSON.  A refused request writes nothing; an
accepted complaint's tracking number is answered only once its transaction
is committed.

- POST /<db>/bhmis/complaints: file a complaint (JSON, a URL-encoded form
  or multipart with `attachments`) -> 201, or 400 with errors per field
- GET /<db>/bhmis/complaints/<number>: its public status -> 200 or 404
- POST /<db>/bhmis/complaints/<number>/feedback: the citizen's rating ->
  200, or 409 when not resolved or already rated
- POST /<db>/bhmis/complaints/sms: the SMS gateway's inbound messages,
  with the shared secret (gateway.py) -> 200, or 403

Each client address is rate-limited (429) and requests are size-capped
(413) before the database is opened; a phone number filing on the web is
rate-limited too (429; `phone_rate` an hour, 5 by default).
"""
import json
import os
import time
import urllib.parse

from trytond import config
from trytond.exceptions import UserError
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from bhmis_attendance.ratelimit import RateLimiter

from . import attachments, gateway, intake, tracking
from .exceptions import ComplaintInputError, FeedbackRefused, PhoneLimited

SECTION = 'bhmis_complaints'
PATH = '/<database_name>/bhmis/complaints'
# Three attachments of 5 MiB and the fields around them
MAX_REQUEST = attachments.MAX_FILES * attachments.MAX_SIZE + 1024 * 1024
MAX_SMALL_REQUEST = 64 * 1024
# Every status lookup answers in at least this time, found or not, so that
# timing does not tell which numbers exist
LOOKUP_FLOOR = 0.15
OFFICER_CHANNELS = intake.CHANNELS
STATUS = {'too_large': 413, 'rate_limited': 429, 'phone_limited': 429,
    'not_found': 404,
    'secret': 403, 'feedback_refused': 409}
# Each web process counts for itself (see bhmis_attendance.routes)
WORKERS = max(1, int(os.environ.get('BHMIS_WEB_WORKERS') or 1))


def per_minute(option, default):
    return max(1, config.getint(SECTION, option, default=default) // WORKERS)


# Per client address and minute: complaints filed, lookups and ratings,
# and wrong secrets on the SMS webhook
filing = RateLimiter(rate=per_minute('api_rate', 20))
lookups = RateLimiter(rate=per_minute('lookup_rate', 120))
wrong_secrets = RateLimiter(rate=per_minute('secret_failures', 10))


class Refused(Exception):
    "A request refused with a reason code; nothing was written"

    def __init__(self, reason, errors=None, **params):
        self.reason, self.errors, self.params = reason, errors, params


def answer(data, status=200):
    response = Response(json.dumps(data, ensure_ascii=False),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def refusal(refused, language):
    "The JSON answer of a refusal, in the request's language"
    if refused.errors:
        errors = refused.errors
    else:
        errors = {'request': intake.message(refused.reason, language,
                **refused.params)}
    return answer({'error': refused.reason, 'errors': errors},
        STATUS.get(refused.reason, 400))


def request_language(request, payload=None):
    "The language of the answer: the one asked in the body, or the header's"
    asked = payload.get('language') if isinstance(payload, dict) else None
    if asked in intake.LANGUAGES:
        return asked
    return request.accept_languages.best_match(['en', 'ur']) or 'en'


def check_size(request, maximum):
    if (request.content_length or 0) > maximum:
        # The unread body is read by bhmis.web.DrainInput
        raise Refused('too_large', max=maximum // (1024 * 1024) or 1)


def decode(data):
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise Refused('utf8')


def read_body(request):
    "Return (payload, files) of a JSON, URL-encoded or multipart request"
    mimetype = request.mimetype
    try:
        if mimetype == 'multipart/form-data':
            return read_multipart(request)
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise Refused('too_large', max=MAX_REQUEST // (1024 * 1024))
    if mimetype == 'application/x-www-form-urlencoded':
        try:
            fields = urllib.parse.parse_qsl(decode(data),
                keep_blank_values=True, errors='strict')
        except UnicodeDecodeError:
            raise Refused('utf8')
        return dict(fields), []
    if mimetype in {'application/json', ''} or mimetype.endswith('+json'):
        try:
            payload = json.loads(decode(data))
        except ValueError:
            raise Refused('json')
        if not isinstance(payload, dict):
            raise Refused('json')
        return payload, []
    raise Refused('content_type')


def read_multipart(request):
    payload = {}
    for name, value in request.form.items():
        # Werkzeug replaces bytes that are not UTF-8 in form fields
        if '\ufffd' in value or '\ufffd' in name:
            raise Refused('utf8')
        payload[name] = value
    files = []
    for name, file in request.files.items(multi=True):
        if name != 'attachments':
            payload[name] = file.filename
            continue
        files.append((file.filename or '',
                file.stream.read(attachments.MAX_SIZE + 1)))
    return payload, files


def client_limited(limiter, request):
    return not limiter.allow(request.remote_addr)


# Filing ---------------------------------------------------------------

@app.route(PATH, methods=['POST'])
def file_complaint(request, database_name):
    language = request_language(request)
    try:
        if client_limited(filing, request):
            raise Refused('rate_limited')
        check_size(request, MAX_REQUEST)
        payload, files = read_body(request)
    except Refused as refused:
        return refusal(refused, language)
    language = request_language(request, payload)
    # Checking a session opens its own transaction: before ours
    user_id = request.user_id if (request.headers.get('Authorization')
        or request.cookies) else None
    result = _file(request, database_name, payload, files, language,
        user_id)
    # with_transaction has committed: the number is now safe to give
    if isinstance(result, Refused):
        return refusal(result, language)
    return answer(result, 201)


file_complaint.max_request_size = MAX_REQUEST


@with_pool
@with_transaction()
def _file(request, pool, payload, files, language, user_id):
    Complaint = pool.get('bhmis.complaint')
    with Transaction().set_context(language=language):
        channels = (OFFICER_CHANNELS if is_officer(pool, user_id)
            else ('web',))
        values, errors = intake.validate(payload, files, language,
            channels=channels)
        if errors:
            return Refused('invalid', errors=errors)
        try:
            complaint = Complaint.file_public(values)
        except PhoneLimited:
            Transaction().rollback()
            return Refused('phone_limited')
        except ComplaintInputError as error:
            Transaction().rollback()
            return Refused('invalid',
                errors=error.errors or {'request': error.message})
        except UserError as error:
            Transaction().rollback()
            return Refused('invalid', errors={'request': error.message})
        return {
            'tracking_number': complaint.tracking_number,
            'status': complaint.state,
            'acknowledge_by': iso(complaint.acknowledge_by),
            'resolve_by': iso(complaint.resolve_by),
            }


def is_officer(pool, user_id):
    "Tell whether the user of the request's session is a 1129 officer"
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not user_id:
        return False
    officer = ModelData.get_id('bhmis_base', 'group_complaint_officer')
    return officer in {g.id for g in User(user_id).groups}


def iso(value):
    return value.replace(microsecond=0).isoformat() + 'Z' if value else None


# Status and feedback ----------------------------------------------------

@app.route(PATH + '/<number>', methods=['GET'])
def complaint_status(request, database_name, number):
    started = time.monotonic()
    language = request_language(request)
    result = None
    if client_limited(lookups, request):
        return refusal(Refused('rate_limited'), language)
    try:
        number = tracking.parse(number)
    except tracking.InvalidNumber:
        pass
    else:
        result = _status(request, database_name, number)
    # Found, unknown or mistyped: the same time to answer
    time.sleep(max(0, started + LOOKUP_FLOOR - time.monotonic()))
    if result is None:
        return refusal(Refused('not_found'), language)
    return answer(result)


@with_pool
@with_transaction(readonly=True)
def _status(request, pool, number):
    Complaint = pool.get('bhmis.complaint')
    return Complaint.public_status(number)


@app.route(PATH + '/<number>/feedback', methods=['POST'])
def complaint_feedback(request, database_name, number):
    language = request_language(request)
    try:
        if client_limited(lookups, request):
            raise Refused('rate_limited')
        check_size(request, MAX_SMALL_REQUEST)
        try:
            number = tracking.parse(number)
        except tracking.InvalidNumber:
            raise Refused('not_found')
        payload, _ = read_body(request)
        language = request_language(request, payload)
        values, errors = intake.validate_feedback(payload, language)
        if errors:
            raise Refused('invalid', errors=errors)
    except Refused as refused:
        return refusal(refused, language)
    result = _feedback(request, database_name, number, values, language)
    if isinstance(result, Refused):
        return refusal(result, language)
    return answer(result)


complaint_feedback.max_request_size = MAX_SMALL_REQUEST


@with_pool
@with_transaction()
def _feedback(request, pool, number, values, language):
    Complaint = pool.get('bhmis.complaint')
    with Transaction().set_context(language=language):
        if Complaint.public_status(number) is None:
            return Refused('not_found')
        try:
            complaint = Complaint.give_feedback(number, values['satisfied'],
                values['rating'], values.get('comment'))
        except FeedbackRefused:
            Transaction().rollback()
            return Refused('feedback_refused')
        return {'tracking_number': complaint.tracking_number,
            'status': complaint.state}


# SMS ------------------------------------------------------------------

@app.route(PATH + '/sms', methods=['POST'])
def inbound_sms(request, database_name):
    language = request_language(request)
    try:
        check_size(request, MAX_SMALL_REQUEST)
        payload, _ = read_body(request)
        secret = (request.headers.get('X-BHMIS-Secret')
            or request.args.get('secret') or payload.get('secret'))
        if not gateway.check_secret(secret):
            # Guessing is slowed down: each wrong secret takes a token
            if not wrong_secrets.allow(request.remote_addr):
                raise Refused('rate_limited')
            raise Refused('secret')
        phone = payload.get('phone') or payload.get('from')
        text = payload.get('text') or payload.get('message')
        errors = {}
        if not isinstance(phone, str) or not phone.strip():
            errors['phone'] = intake.message('required', language)
        if not isinstance(text, str) or not text.strip():
            errors['text'] = intake.message('required', language)
        if errors:
            raise Refused('invalid', errors=errors)
    except Refused as refused:
        return refusal(refused, language)
    result = _sms(request, database_name, phone, text)
    if isinstance(result, Refused):
        return refusal(result, language)
    return answer(result)


inbound_sms.max_request_size = MAX_SMALL_REQUEST


@with_pool
@with_transaction()
def _sms(request, pool, phone, text):
    Complaint = pool.get('bhmis.complaint')
    language = 'ur' if any('\u0600' <= c <= '\u06ff' for c in text) else (
        'en')
    with Transaction().set_context(language=language):
        try:
            complaint = Complaint.from_sms(phone, text)
        except PhoneLimited:
            Transaction().rollback()
            return Refused('phone_limited')
        except ValueError:
            Transaction().rollback()
            return Refused('invalid', errors={
                    'phone': intake.message('phone', language)})
        except ComplaintInputError as error:
            Transaction().rollback()
            return Refused('invalid',
                errors=error.errors or {'request': error.message})
        number = complaint.tracking_number
        reply = intake.message('sms_filed', complaint.language,
            number=number) if complaint.state == 'new' else intake.message(
            'sms_status', complaint.language, number=number,
            status=complaint.state)
        return {'tracking_number': number, 'status': complaint.state,
            'reply': reply}
