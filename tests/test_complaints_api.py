# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaints' public API as the website, a phone and the SMS gateway
use it: here, the refusals the routes answer before opening the database.

Run: python -m pytest tests/test_complaints_api.py
"""
import io
import json
import time
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import pytest
from PIL import Image

from bhmis_complaints.tracking import generate

SECRET = 'inbound-' + uuid.uuid4().hex
FILING_RATE = 200
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
        return request(self.url('/' + number))

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
