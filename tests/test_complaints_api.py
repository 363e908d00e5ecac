# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaints' public API as the website, a phone and the SMS gateway
use it, against `bhmis serve` on a copy of the small demo.

Every refused request is checked to answer its 4xx naming the problem and
to write nothing (the complaints and their attachments counted before and
after).  The server runs with the inbound SMS secret and a filing limit of
its own, from the environment (TRYTOND_BHMIS_COMPLAINTS__...).

Run: python -m pytest tests/test_complaints_api.py
"""
import base64
import http.client
import io
import json
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from types import SimpleNamespace

import pytest
from PIL import Image

from bhmis_complaints.tracking import generate, parse
from tests.conftest import DEMO_PASSWORD, copy_instance

SECRET = 'inbound-' + uuid.uuid4().hex
FILING_RATE = 200
PHONE_RATE = 3
FACILITY = 'QUETTA-BHU-001'
DESCRIPTION = "No paracetamol or ORS at the dispensary for a week."
# What the status page must never show
PERSONAL = ['Gul Bibi', '3001234567', '54400-1234567-1', DESCRIPTION]


class Reply(SimpleNamespace):
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
    return Reply(status=status, headers=headers, text=text, json=json_)


def multipart(fields, files):
    "The body and content type of a multipart/form-data request"
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.encode('utf-8')
        body.write(('--%s\r\nContent-Disposition: form-data; name="%s"'
                '\r\n\r\n' % (boundary, name)).encode())
        body.write(value + b'\r\n')
    for name, data in files:
        body.write(('--%s\r\nContent-Disposition: form-data; '
                'name="attachments"; filename="%s"\r\n'
                'Content-Type: application/octet-stream\r\n\r\n'
                % (boundary, name)).encode())
        body.write(data + b'\r\n')
    body.write(('--%s--\r\n' % boundary).encode())
    return body.getvalue(), 'multipart/form-data; boundary=' + boundary


def jpeg():
    buffer = io.BytesIO()
    Image.new('RGB', (64, 48), (10, 120, 10)).save(buffer, 'JPEG')
    return buffer.getvalue()


EXECUTABLE = b'MZ\x90\x00\x03' + b'\x00' * 4000 + b'This program'


class API:
    def __init__(self, server):
        self.server = server

    def url(self, path=''):
        return self.server.url('/%s/bhmis/complaints%s'
            % (self.server.db, path))

    def file(self, fields, headers=None):
        return request(self.url(), json.dumps(fields).encode(),
            dict({'Content-Type': 'application/json'}, **(headers or {})))

    def file_raw(self, body, content_type):
        return request(self.url(), body, {'Content-Type': content_type})

    def file_multipart(self, fields, files):
        body, content_type = multipart(fields, files)
        return self.file_raw(body, content_type)

    def status(self, number):
        return request(self.url('/' + urllib.parse.quote(number)))

    def feedback(self, number, fields):
        return request(self.url('/%s/feedback' % number),
            json.dumps(fields).encode(),
            {'Content-Type': 'application/json'})

    def sms(self, fields, secret=None):
        headers = {'Content-Type': 'application/json'}
        if secret is not None:
            headers['X-BHMIS-Secret'] = secret
        return request(self.url('/sms'), json.dumps(fields).encode(),
            headers)


def good(**fields):
    return dict({'category': 'medicine_unavailable', 'facility': FACILITY,
            'description': DESCRIPTION, 'language': 'en'}, **fields)


# Before the database: refusals answered by the routes alone -------------
# In process, through Tryton's WSGI application, with no database opened:
# a request that reached the model would fail on the unknown database

def local(path, method='POST', address='10.0.0.1', length=None, **kwargs):
    from trytond.wsgi import app
    from werkzeug.test import Client
    environ = {'REMOTE_ADDR': address}
    if length is not None:
        environ['CONTENT_LENGTH'] = str(length)
    reply = Client(app).open('/nodb/bhmis/complaints' + path, method=method,
        environ_overrides=environ, **kwargs)
    return Reply(status=reply.status_code, headers=reply.headers,
        text=reply.get_data(as_text=True), json=reply.get_json(silent=True))


@pytest.mark.parametrize('kwargs, status, reason, english', [
    ({'data': b'{"category": ', 'content_type': 'application/json'}, 400,
        'json', "not a valid JSON object"),
    ({'data': b'[1, 2]', 'content_type': 'application/json'}, 400,
        'json', "not a valid JSON object"),
    ({'data': b'{"description": "\xff"}',
            'content_type': 'application/json'}, 400, 'utf8', "UTF-8"),
    ({'data': b'description=%FF%FE', 'content_type':
            'application/x-www-form-urlencoded'}, 400, 'utf8', "UTF-8"),
    ({'data': b'<complaint/>', 'content_type': 'text/xml'}, 400,
        'content_type', "Send JSON"),
    ({'data': b'x' * 100, 'content_type': 'application/json',
            'length': 17 * 1024 * 1024}, 413,
        'too_large', "larger than 16 MiB"),
    ])
def test_refused_before_the_database(kwargs, status, reason, english):
    reply = local('', **kwargs)
    assert (reply.status, reply.json['error']) == (status, reason), reply
    assert english in reply.json['errors']['request']
    assert reply.headers['Content-Type'].startswith('application/json')
    assert reply.headers['Cache-Control'] == 'no-store'


def test_invalid_utf8_in_a_multipart_field():
    body, content_type = multipart({'category': 'other',
            'description': b'caf\xe9 without coffee'}, [])
    reply = local('', data=body, content_type=content_type)
    assert (reply.status, reply.json['error']) == (400, 'utf8'), reply


def test_refusal_in_urdu():
    reply = local('', data=b'{', content_type='application/json',
        headers={'Accept-Language': 'ur'})
    assert reply.json['errors']['request'] == (
        "درخواست درست JSON آبجیکٹ نہیں ہے۔")


def test_mistyped_number_is_404_without_the_database():
    number = generate()
    body = number.replace('-', '')[4:]
    wrong = body[:5] + ('0' if body[5] != '0' else '1') + body[6:]
    started = time.monotonic()
    reply = local('/' + wrong, method='GET')
    assert time.monotonic() - started >= 0.15, "as slow as a lookup"
    assert (reply.status, reply.json['error']) == (404, 'not_found')
    reply = local('/%s/feedback' % wrong, json={'satisfied': True,
            'rating': 5})
    assert (reply.status, reply.json['error']) == (404, 'not_found')


def test_feedback_checked_before_the_database():
    reply = local('/%s/feedback' % generate(), json={'satisfied': True,
            'rating': 9})
    assert reply.status == 400, reply
    assert "1 to 5" in reply.json['errors']['rating']


def test_sms_secret_checked_before_the_database(monkeypatch):
    from bhmis_attendance.ratelimit import RateLimiter
    from bhmis_complaints import routes
    monkeypatch.setattr(routes, 'wrong_secrets', RateLimiter(rate=3))
    statuses = [local('/sms', address='10.0.0.9', json={
                'from': '03001234567', 'text': 'hello',
                'secret': 'guess-%s' % n}).status for n in range(5)]
    assert statuses == [403, 403, 403, 429, 429]
    assert local('/sms', address='10.0.0.8', json={}).status == 403


def test_filing_rate_limited_per_address(monkeypatch):
    from bhmis_attendance.ratelimit import RateLimiter
    from bhmis_complaints import routes
    monkeypatch.setattr(routes, 'filing', RateLimiter(rate=3))
    statuses = [local('', address='10.0.0.7', data=b'{',
            content_type='application/json').status for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    reply = local('', address='10.0.0.7', data=b'{',
        content_type='application/json')
    assert "Too many requests" in reply.json['errors']['request']
    assert local('', address='10.0.0.6', data=b'{',
        content_type='application/json').status == 400


# Fixtures --------------------------------------------------------------

@pytest.fixture(scope='module')
def server(tmp_path_factory, demo_template):
    inst = copy_instance(tmp_path_factory, 'complaints_api', demo_template)
    inst.env['TRYTOND_BHMIS_COMPLAINTS__SMS_INBOUND_SECRET'] = SECRET
    inst.env['TRYTOND_BHMIS_COMPLAINTS__API_RATE'] = str(FILING_RATE)
    inst.env['TRYTOND_BHMIS_COMPLAINTS__PHONE_RATE'] = str(PHONE_RATE)
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
def districts(admin):
    "The facility's district and another one"
    facility, = admin.model('bhmis.facility', 'search_read',
        [('code', '=', FACILITY)], 0, 1, None, ['district.code'])
    own = facility['district.']['code']
    other, = admin.model('bhmis.district', 'search_read',
        [('code', '!=', own)], 0, 1, [('code', 'ASC')], ['code'])
    return SimpleNamespace(own=own, other=other['code'])


def counts(admin):
    "The complaints and their attachments"
    return (admin.model('bhmis.complaint', 'search_count', []),
        admin.model('ir.attachment', 'search_count',
            [('resource', 'like', 'bhmis.complaint,%')]))


def complaint_of(admin, number, *fields):
    found = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, None, None,
        ['state', 'channel', *fields])
    assert len(found) == 1, found
    return found[0]


def resolved(api, admin):
    "A new complaint, resolved by the admin with a reply to the citizen"
    reply = api.file(good())
    assert reply.status == 201, reply
    number = reply.json['tracking_number']
    complaint = complaint_of(admin, number)
    admin.model('bhmis.complaint', 'write', [complaint['id']], {
            'assigned_user': admin.session[1]})
    admin.model('bhmis.complaint', 'assign', [complaint['id']])
    # Each step asks its own reply to the citizen
    admin.model('bhmis.complaint', 'write', [complaint['id']], {
            'public_reply': "Stock delivered from the district store."})
    admin.model('bhmis.complaint', 'resolve', [complaint['id']])
    assert complaint_of(admin, number)['state'] == 'resolved'
    return number


# Filing ----------------------------------------------------------------

def test_file_by_json_then_follow_it(api, admin):
    before = counts(admin)
    reply = api.file(good(name="Gul Bibi", phone='0300-1234567',
            cnic='54400-1234567-1', callback_consent=True))
    assert reply.status == 201, reply
    assert set(reply.json) == {'tracking_number', 'status',
        'acknowledge_by', 'resolve_by'}
    number = reply.json['tracking_number']
    assert parse(number) == number
    assert reply.json['status'] == 'new'
    assert reply.json['acknowledge_by'] < reply.json['resolve_by']
    assert counts(admin) == (before[0] + 1, before[1])
    stored = complaint_of(admin, number, 'phone', 'cnic', 'facility.code')
    assert (stored['phone'], stored['cnic'], stored['channel'],
        stored['facility.']['code']) == (
        '+923001234567', '54400-1234567-1', 'web', FACILITY)

    status = api.status(number.lower().replace('-', ' '))
    assert status.status == 200, status
    assert status.json['tracking_number'] == number
    assert status.json['status'] == 'new'
    assert status.json['facility'] == FACILITY
    assert status.json['category'] == 'medicine_unavailable'
    assert status.headers['Cache-Control'] == 'no-store'
    for personal in PERSONAL:
        assert personal not in status.text, personal


def test_file_multipart_with_attachments(api, admin):
    before = counts(admin)
    pdf = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
    reply = api.file_multipart(good(anonymous='true'),
        [('receipt.jpg', jpeg()), ('letter.pdf', pdf)])
    assert reply.status == 201, reply
    assert counts(admin) == (before[0] + 1, before[1] + 2)


def test_html_kept_as_text(api, admin):
    script = "<script>alert('1129')</script> <b>no doctor</b> & no nurse"
    reply = api.file(good(description=script,
            employee_name='"><img src=x onerror=alert(1)>',
            name='<i>Ali</i>'))
    assert reply.status == 201, reply
    stored = complaint_of(admin, reply.json['tracking_number'],
        'description', 'employee_name', 'complainant_name')
    assert stored['description'] == script
    assert stored['employee_name'] == '"><img src=x onerror=alert(1)>'
    assert stored['complainant_name'] == '<i>Ali</i>'


def test_officer_files_a_phone_complaint(api, server, admin):
    "Another channel than the web needs a 1129 officer's session"
    officer = server.rpc('complaints', DEMO_PASSWORD)
    login, user_id, key = officer.session
    session = base64.b64encode(
        ('%s:%s:%s' % (login, user_id, key)).encode()).decode()
    reply = api.file(good(channel='phone'),
        {'Authorization': 'Session ' + session})
    assert reply.status == 201, reply
    assert complaint_of(admin, reply.json['tracking_number'])[
        'channel'] == 'phone'


def bad_requests(districts):
    "(name, how to send it, status, field named)"
    def json_(**fields):
        return lambda api: api.file(good(**fields))

    def files(*files):
        return lambda api: api.file_multipart(good(), list(files))

    def raw(body, content_type='application/json'):
        return lambda api: api.file_raw(body, content_type)

    return [
        ('empty_description', json_(description=''), 400, 'description'),
        ('description_100000', json_(description='x' * 100_000), 400,
            'description'),
        ('unknown_facility', json_(facility='QUETTA-BHU-999'), 400,
            'facility'),
        ('district_not_facility', json_(district=districts.other), 400,
            'district'),
        ('unknown_category', json_(category='ghosts'), 400, 'category'),
        ('phone_landline', json_(phone='081-2836471'), 400, 'phone'),
        ('phone_letters', json_(phone='0300-CALLME1'), 400, 'phone'),
        ('cnic_short', json_(cnic='54400-123456-1'), 400, 'cnic'),
        ('anonymous_with_phone', json_(anonymous=True,
                phone='03001234567'), 400, 'anonymous'),
        ('channel_without_session', json_(channel='phone'), 400,
            'channel'),
        ('future_incident', json_(incident_at='2099-01-01T10:00'), 400,
            'incident_at'),
        ('executable_as_jpg', files(('photo.jpg', EXECUTABLE)), 400,
            'attachments'),
        ('attachment_6mb', files(('scan.pdf', b'%PDF-1.4\n'
                + b' ' * (6 * 1024 * 1024) + b'%%EOF')), 400,
            'attachments'),
        ('fourth_attachment', files(*[('p%s.jpg' % n, jpeg())
                    for n in range(4)]), 400, 'attachments'),
        ('attachment_30mb', files(('video.jpg',
                    b'\xff\xd8\xff' + b'\x00' * (30 * 1024 * 1024))), 413,
            'request'),
        ('invalid_utf8_json', raw(b'{"category": "other", "description": '
                b'"\xff\xfe broken text here"}'), 400, 'request'),
        ('invalid_utf8_multipart', lambda api: api.file_raw(*multipart(
                    good(description=b'\xc3\x28 broken text here'), [])),
            400, 'request'),
        ('invalid_json', raw(b'{"category": "other",'), 400, 'request'),
        ('json_not_an_object', raw(b'["other"]'), 400, 'request'),
        ('xml', raw(b'<complaint/>', 'application/xml'), 400, 'request'),
        ]


CASES = bad_requests(SimpleNamespace(other='{other}'))


@pytest.mark.parametrize('index', range(len(CASES)),
    ids=[case[0] for case in CASES])
def test_bad_input_writes_nothing(api, admin, districts, index):
    name, send, status, field = bad_requests(districts)[index]
    before = counts(admin)
    reply = send(api)
    assert reply.status == status, reply
    assert reply.json is not None, reply
    assert field in reply.json['errors'], reply
    assert reply.json['errors'][field], reply
    assert reply.headers['Cache-Control'] == 'no-store'
    assert counts(admin) == before


def test_errors_in_urdu(api):
    reply = api.file(good(description='', language='ur',
            phone='081-2836471'))
    assert reply.status == 400, reply
    assert set(reply.json['errors']) == {'description', 'phone'}
    for message in reply.json['errors'].values():
        assert any('\u0600' <= c <= '\u06ff' for c in message), message


def test_size_cap_before_reading(api, admin):
    "A declared body over the cap is refused without being parsed"
    before = counts(admin)
    connection = http.client.HTTPConnection('127.0.0.1', api.server.port,
        timeout=60)
    body = b'{"description": "' + b'x' * (17 * 1024 * 1024) + b'"}'
    connection.request('POST', '/%s/bhmis/complaints' % api.server.db,
        body, {'Content-Type': 'application/json'})
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert '16 MiB' in data['errors']['request']
    assert counts(admin) == before


# Status ----------------------------------------------------------------

def test_unknown_and_mistyped_numbers(api):
    number = api.file(good()).json['tracking_number']
    symbols = number.replace('-', '')[4:]
    wrong = symbols[:3] + ('0' if symbols[3] != '0' else '1') + symbols[4:]
    unknown = generate()
    for text in [wrong, unknown, 'not-a-number', '1129-0000-000U']:
        reply = api.status(text)
        assert reply.status == 404, (text, reply)
        assert 'tracking number' in reply.json['errors']['request']

    def timing(text):
        started = time.monotonic()
        api.status(text)
        return time.monotonic() - started
    found = statistics.median(timing(number) for _ in range(5))
    missing = statistics.median(timing(unknown) for _ in range(5))
    mistyped = statistics.median(timing(wrong) for _ in range(5))
    assert min(found, missing, mistyped) >= 0.15
    assert abs(found - missing) < 0.1, (found, missing)
    assert abs(found - mistyped) < 0.1, (found, mistyped)


# Feedback --------------------------------------------------------------

def test_feedback_before_resolution_refused(api, admin):
    number = api.file(good()).json['tracking_number']
    reply = api.feedback(number, {'satisfied': True, 'rating': 5})
    assert reply.status == 409, reply
    assert 'not resolved' in reply.json['errors']['request']
    assert complaint_of(admin, number, 'rating')['rating'] is None


def test_feedback_then_second_feedback_refused(api, admin):
    number = resolved(api, admin)
    reply = api.feedback(number, {'satisfied': False, 'rating': 2,
            'comment': "Still <b>no</b> ORS."})
    assert reply.status == 200, reply
    assert reply.json == {'tracking_number': number, 'status': 'reopened'}
    stored = complaint_of(admin, number, 'rating', 'feedback_comment')
    assert (stored['rating'], stored['feedback_comment']) == (
        2, "Still <b>no</b> ORS.")
    again = api.feedback(number, {'satisfied': True, 'rating': 5})
    assert again.status == 409, again
    stored = complaint_of(admin, number, 'rating')
    assert (stored['state'], stored['rating']) == ('reopened', 2)


@pytest.mark.parametrize('fields, field', [
    ({'rating': 5}, 'satisfied'),
    ({'satisfied': True, 'rating': 6}, 'rating'),
    ({'satisfied': True, 'rating': True}, 'rating'),
    ({'satisfied': 'perhaps', 'rating': 3}, 'satisfied'),
    ({'satisfied': True, 'rating': 3, 'comment': 'x' * 2001}, 'comment'),
    ])
def test_bad_feedback(api, admin, fields, field):
    number = resolved(api, admin)
    reply = api.feedback(number, fields)
    assert reply.status == 400, reply
    assert field in reply.json['errors']
    stored = complaint_of(admin, number, 'rating')
    assert (stored['state'], stored['rating']) == ('resolved', None)


def test_feedback_on_unknown_number(api):
    assert api.feedback(generate(), {'satisfied': True,
            'rating': 4}).status == 404
    assert api.feedback('1129-XXXX', {'satisfied': True,
            'rating': 4}).status == 404


# SMS -------------------------------------------------------------------

@pytest.mark.parametrize('secret', [None, '', 'guess', SECRET + 'x'])
def test_sms_wrong_secret(api, admin, secret):
    before = counts(admin)
    reply = api.sms({'from': '03001234567',
            'text': "No doctor at BHU Kuchlak today"}, secret)
    assert reply.status == 403, reply
    assert reply.json['errors']['request'] == "Wrong or missing secret."
    assert counts(admin) == before


def test_sms_files_a_complaint(api, admin):
    before = counts(admin)
    reply = api.sms({'from': '+92 300 7654321',
            'text': "بی ایچ یو میں آج کوئی ڈاکٹر نہیں ہے"}, SECRET)
    assert reply.status == 200, reply
    number = reply.json['tracking_number']
    assert number in reply.json['reply']
    assert counts(admin)[0] == before[0] + 1
    stored = complaint_of(admin, number, 'phone')
    assert (stored['channel'], stored['phone']) == ('sms', '+923007654321')


def test_sms_rate_limit_per_phone(api, admin):
    """A phone number sending complaint after complaint by SMS is refused
    past the hour's limit (429, nothing written), its web complaints
    counted with them; a rating by SMS is not a complaint and another
    number still files"""
    before = counts(admin)
    replies = [api.sms({'from': '0301-5550001',
                'text': "No vaccinator at the BHU, day %s" % n}, SECRET)
        for n in range(PHONE_RATE + 2)]
    assert [r.status for r in replies] == [200] * PHONE_RATE + [429] * 2, \
        replies
    assert replies[-1].json['error'] == 'phone_limited'
    assert counts(admin)[0] == before[0] + PHONE_RATE
    web = api.file(good(phone='+923015550001'))
    assert web.status == 429 and web.json['error'] == 'phone_limited', web
    assert counts(admin)[0] == before[0] + PHONE_RATE
    other = api.sms({'from': '0301-5550002', 'text': "No vaccinator"},
        SECRET)
    assert other.status == 200, other


def test_sms_from_a_landline_refused(api, admin):
    before = counts(admin)
    reply = api.sms({'from': '081-2836471', 'text': "No doctor today"},
        SECRET)
    assert reply.status == 400, reply
    assert 'phone' in reply.json['errors']
    assert counts(admin) == before


def test_rate_limit_per_phone(api, admin):
    """A phone number filing too often on the web is refused in the
    request's language, writing nothing, however the number is written;
    another number still files.  Counted in the database: exactly the
    limit, whatever the number of web processes."""
    before = counts(admin)
    writings = ['0345-7654321', '+92 345 7654321', '923457654321']
    replies = [api.file(good(phone=writings[n % 3], language='ur'))
        for n in range(2 * PHONE_RATE + 2)]
    statuses = [r.status for r in replies]
    assert set(statuses) == {201, 429}, replies
    assert statuses[0] == 201
    accepted = statuses.count(201)
    assert accepted == PHONE_RATE, statuses
    refused = next(r.json for r in replies if r.status == 429)
    assert refused['error'] == 'phone_limited'
    assert refused['errors']['request'].startswith("اس فون نمبر سے")
    assert counts(admin) == (before[0] + accepted, before[1])
    assert api.file(good(phone='0345-7654322')).status == 201


# Rate limit (last: it uses up this address's allowance) -----------------

def test_rate_limit(api, server):
    """An address filing too fast is told to slow down (each web process
    allows its share of the limit: the first refusal comes after at most
    the limit and what refills meanwhile)"""
    replies = []
    for _ in range(FILING_RATE * 2):
        replies.append(api.file_raw(b'{', 'application/json'))
        if replies[-1].status == 429:
            break
    assert replies[-1].status == 429, [r.status for r in replies]
    assert 'Too many requests' in replies[-1].json['errors']['request']
    assert replies[0].status == 400
    # Reading a status is limited apart
    assert api.status(generate()).status == 404
