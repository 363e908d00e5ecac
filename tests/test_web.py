# SPDX-License-Identifier: GPL-3.0-or-later
"""The WSGI layer of `bhmis serve`, without a database."""
from werkzeug.test import Client
from werkzeug.wrappers import Response

from bhmis.web import Buffered, make_app


class Body:
    "A streamed body of many small pieces that records its closing"

    def __init__(self, pieces):
        self.pieces, self.closed, self.sent = pieces, False, 0

    def __iter__(self):
        for piece in self.pieces:
            self.sent += 1
            yield piece

    def close(self):
        self.closed = True


def app_of(body, status='200 OK'):
    def app(environ, start_response):
        start_response(status, [('Content-Type', 'application/json')])
        return body
    return app


def test_small_pieces_sent_together():
    "Tryton's JSON pieces of a few bytes leave in pieces of 64 KiB"
    pieces = [b'{"id":%d},' % n for n in range(20_000)]
    body = Body(pieces)
    sent = []
    result = Buffered(app_of(body))({}, lambda *args: sent.append(args))
    out = list(result)
    result.close()
    assert sent[0][0] == '200 OK'
    assert b''.join(out) == b''.join(pieces)
    assert len(out) == 4, [len(piece) for piece in out]
    assert all(len(piece) >= 1 << 16 for piece in out[:-1])
    assert body.closed


def test_body_closed_when_the_client_goes():
    "A client gone mid-answer still closes Tryton's body (its transaction)"
    body = Body([b'x' * 1000] * 1000)
    result = Buffered(app_of(body), size=4096)({}, lambda *args: None)
    first = next(iter(result))
    result.close()
    assert len(first) == 5000, "whole pieces, at least 4096 bytes"
    assert body.closed
    assert body.sent < 10, "stopped reading the body"


def test_answers_unchanged_through_the_app():
    "Status, headers and body reach the client as Tryton made them"
    def tryton(environ, start_response):
        response = Response((b'%d,' % n for n in range(5000)), status=201,
            content_type='application/json', headers={'X-Test': 'kept'})
        return response(environ, start_response)
    response = Client(make_app(tryton)).get('/db/rpc/')
    assert response.status_code == 201
    assert response.headers['X-Test'] == 'kept'
    assert response.get_data() == b''.join(b'%d,' % n for n in range(5000))
    assert Client(make_app(tryton)).get('/').status_code == 302


def test_back_office_cannot_be_framed():
    "Every answer, the back office's included, refuses framing and sniffing"
    def tryton(environ, start_response):
        headers = {'Referrer-Policy': 'no-referrer'}
        return Response(b'<html></html>', content_type='text/html',
            headers=headers)(environ, start_response)
    client = Client(make_app(tryton))
    for path in ['/admin/', '/db/rpc/', '/']:
        response = client.get(path)
        assert response.headers['X-Frame-Options'] == 'DENY', path
        assert "frame-ancestors 'none'" in response.headers[
            'Content-Security-Policy'], path
        assert response.headers['X-Content-Type-Options'] == 'nosniff'
        # The camera (kiosk) and location (finder) for the site itself only
        assert response.headers['Permissions-Policy'].startswith(
            'camera=(self), microphone=(), geolocation=(self)'), path
        assert response.headers['Cross-Origin-Opener-Policy'] == \
            'same-origin', path
    # What the application sets itself is kept
    assert client.get('/admin/').headers['Referrer-Policy'] == 'no-referrer'


def test_inputs_the_database_cannot_take():
    "Finding 10: a clean 400, and no database message in a 503"
    calls = []

    def tryton(environ, start_response):
        calls.append(environ['wsgi.input'].read())
        if b'busy' in calls[-1]:
            return Response("sqlite3.OperationalError: database is locked "
                "at /var/db/bhmis.sqlite", status=503)(
                environ, start_response)
        return Response(b'{"result": []}')(environ, start_response)
    client = Client(make_app(tryton))

    def rpc(method, *params):
        return client.post('/bhmis/rpc/', json={
                'method': method, 'params': list(params)})
    response = rpc('model.company.employee.search_read',
        [['party.name', 'ilike', 'x' * 1_000_000]], 0, 10, None, [], {})
    assert response.status_code == 400
    assert 'search text' in response.get_json()['error']
    response = rpc('model.company.employee.read', [10 ** 30], ['id'], {})
    assert response.status_code == 400
    assert 'too large' in response.get_json()['error']
    assert calls == [], "nothing reached Tryton"
    # Ordinary requests pass unchanged, body included
    response = rpc('model.company.employee.search_read',
        [['party.name', 'ilike', '%Ayesha%']], 0, 10, None, [], {})
    assert response.status_code == 200
    assert b'Ayesha' in calls[-1]
    # A long value written (a photo) is not a search
    assert rpc('model.ir.attachment.create', [{'data': 'A' * 20_000}],
        {}).status_code == 200
    response = rpc('model.busy.search', [])
    assert response.status_code == 503
    assert b'sqlite' not in response.get_data()
    assert b'/var/db' not in response.get_data()


def refusing(environ, start_response):
    "An application that answers 401 without reading the body"
    return Response('{"reason": "unauthorized"}', status=401,
        content_type='application/json')(environ, start_response)


def posted(size):
    from werkzeug.test import EnvironBuilder
    return EnvironBuilder(method='POST', path='/db/bhmis/attendance/checkin',
        data=b'x' * size,
        content_type='multipart/form-data; boundary=x').get_environ()


def test_refused_body_read_before_the_connection_closes():
    """An answer given before the body is read (a wrong device key) reaches
    the client: the server has read the whole body when it closes, so that
    the socket is not reset under nginx (502 instead of the 401)"""
    environ = posted(18_000_000)
    statuses = []
    result = make_app(refusing)(environ,
        lambda status, headers, exc_info=None: statuses.append(status))
    assert b''.join(result) == b'{"reason": "unauthorized"}'
    assert statuses == ['401 UNAUTHORIZED']
    assert environ['wsgi.input'].tell() == 0, "nothing read while answering"
    result.close()
    assert environ['wsgi.input'].tell() == 18_000_000


def test_drained_up_to_a_limit():
    "A body larger than any route takes is read only up to the limit"
    from bhmis.web import DrainInput
    environ = posted(5 << 20)
    result = DrainInput(refusing, limit=1 << 20, piece=1 << 16)(environ,
        lambda *args: None)
    list(result)
    result.close()
    assert environ['wsgi.input'].tell() == 1 << 20
    # A body already read is not read again, a missing length reads nothing
    environ = posted(1000)
    environ['wsgi.input'].read()
    DrainInput(refusing)(environ, lambda *args: None).close()
    environ = posted(1000)
    environ['CONTENT_LENGTH'] = 'many'
    DrainInput(refusing)(environ, lambda *args: None).close()
    assert environ['wsgi.input'].tell() == 0
