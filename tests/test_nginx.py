# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTPS through nginx: Debian's nginx, run with config/nginx.conf and a
self-signed certificate made by openssl, in front of `bhmis serve` (a copy
of the small demo).

Only the listen ports, the certificate paths, the app node's port and the
log paths of config/nginx.conf are changed (each replacement must find its
text: the test follows the file).  A DHO logs in to the back office over
https in Chromium; plain http is redirected; the kiosk page and /health
answer with the security headers; /metrics, an over-size upload and weak
TLS are refused; a node that is down gets a 502 and the next node answers.

The app node runs as the documentation says, told it is behind one proxy
(BHMIS_PROXIES=1, Tryton's [web] num_proxies): it sees each client's own address.  The
shared `demo_server`, without it, sees every client as the proxy.

Run: python -m pytest tests/test_nginx.py
"""
import contextlib
import http.client
import io
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import numpy
import pytest
from PIL import Image
from playwright import sync_api

from tests import test_browser as back_office
from tests.conftest import DEMO_PASSWORD, ROOT, copy_instance, free_port
from tests.test_browser import TIMEOUT, BackOffice
from tests.test_complaints_api import DESCRIPTION, FACILITY, multipart

expect = sync_api.expect
# The back office's browser fixture, one for the module
browser = back_office.browser

NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
CONFIG = ROOT / 'config' / 'nginx.conf'
# The application sets these itself (bhmis/web.py, SecurityHeaders)
APP_HEADERS = ['X-Frame-Options', 'Content-Security-Policy',
    'X-Content-Type-Options', 'Referrer-Policy', 'Permissions-Policy',
    'Cross-Origin-Opener-Policy']
# nginx adds these
PROXY_HEADERS = {
    'Strict-Transport-Security': 'max-age=63072000',
    }
# bhmis_attendance/routes.py and bhmis_complaints/routes.py: MAX_REQUEST
ATTENDANCE_LIMIT = 2_000_000 * (8 + 1)
COMPLAINT_LIMIT = 3 * 5 * 1024 * 1024 + 1024 * 1024
# A second address of the loopback: a client that is not the proxy
CLIENT = '127.0.0.2'


def site(upstreams, http_port, https_port, cert, key, logs):
    "config/nginx.conf for a test run: the same directives, other places"
    text = CONFIG.read_text()
    servers = ''.join('server 127.0.0.1:%s max_fails=3 fail_timeout=10s;'
        '\n    ' % port for port in upstreams)
    replacements = [
        ('server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;\n    ',
            servers),
        ('listen 80;', 'listen 127.0.0.1:%s;' % http_port),
        ('listen [::]:80;\n', ''),
        ('listen 443 ssl http2;', 'listen 127.0.0.1:%s ssl http2;'
            % https_port),
        ('listen [::]:443 ssl http2;\n', ''),
        ('return 301 https://$host$request_uri;',
            'return 301 https://$host:%s$request_uri;' % https_port),
        ('/etc/letsencrypt/live/bhmis.example.org/fullchain.pem', str(cert)),
        ('/etc/letsencrypt/live/bhmis.example.org/privkey.pem', str(key)),
        ('/var/log/nginx/bhmis.access.log', str(logs / 'access.log')),
        ('/var/log/nginx/bhmis.error.log', str(logs / 'error.log')),
        ('/var/www/letsencrypt', str(logs / 'acme')),
        ]
    for old, new in replacements:
        assert text.count(old) == 1, "config/nginx.conf has no %r" % old
        text = text.replace(old, new)
    return text


class Nginx:
    "Debian's nginx in the foreground, everything it writes under folder"

    def __init__(self, folder, upstreams, cert, key):
        self.folder = Path(folder)
        self.http_port, self.https_port = free_port(), free_port()
        (self.folder / 'site.conf').write_text(site(upstreams,
                self.http_port, self.https_port, cert, key, self.folder))
        lines = ['include /etc/nginx/mime.types;',
            'access_log %s;' % (self.folder / 'access.log')]
        lines += ['%s_temp_path %s;' % (kind, self.folder / kind)
            for kind in ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')]
        lines.append('include %s;' % (self.folder / 'site.conf'))
        # As root, the workers would run as nobody, who cannot enter the
        # test's folder: they run as whoever runs the test
        user = 'user root;\n' if os.geteuid() == 0 else ''
        (self.folder / 'nginx.conf').write_text(
            '%serror_log %s;\nevents { worker_connections 256; }\n'
            'http {\n%s}\n' % (user, self.folder / 'error.log',
                ''.join('    %s\n' % line for line in lines)))
        self.log = open(self.folder / 'nginx.out', 'w')
        self.process = subprocess.Popen([NGINX, '-e', 'stderr',
                '-p', str(self.folder), '-c', str(self.folder / 'nginx.conf'),
                '-g', 'daemon off; pid %s;' % (self.folder / 'nginx.pid')],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("nginx exited:\n"
                    + (self.folder / 'nginx.out').read_text())
            with contextlib.suppress(OSError):
                socket.create_connection(
                    ('127.0.0.1', self.https_port), 1).close()
                return
            time.sleep(0.05)
        raise AssertionError("nginx did not listen in time")

    def url(self, path=''):
        return 'https://127.0.0.1:%s%s' % (self.https_port, path)

    def request(self, method, path, body=None, headers=None, secure=True,
            source=CLIENT):
        "(status, headers, body) of a request from the client's address"
        if secure:
            connection = http.client.HTTPSConnection('127.0.0.1',
                self.https_port, timeout=60, context=insecure(),
                source_address=(source, 0))
        else:
            connection = http.client.HTTPConnection('127.0.0.1',
                self.http_port, timeout=60, source_address=(source, 0))
        with contextlib.closing(connection):
            connection.request(method, path, body=body,
                headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()


def insecure(**options):
    "A TLS client context that takes the self-signed certificate"
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for name, value in options.items():
        setattr(context, name, value)
    return context


@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    "A self-signed certificate for 127.0.0.1, made now by openssl"
    folder = tmp_path_factory.mktemp('tls')
    cert, key = folder / 'cert.pem', folder / 'key.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec',
            '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
            '-keyout', str(key), '-out', str(cert), '-days', '2',
            '-subj', '/CN=127.0.0.1',
            '-addext', 'subjectAltName=IP:127.0.0.1'],
        check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope='module')
def node(tmp_path_factory, demo_template):
    "An app node, a copy of the small demo, told it is behind one proxy"
    inst = copy_instance(tmp_path_factory, 'nginx_node', demo_template)
    inst.env['BHMIS_PROXIES'] = '1'
    inst.serve()
    yield inst
    inst.drop()


@pytest.fixture(scope='module')
def proxy(tmp_path_factory, node, certificate):
    "nginx in front of the node"
    nginx = Nginx(tmp_path_factory.mktemp('nginx'), [node.port],
        *certificate)
    yield nginx
    nginx.stop()


class Through:
    "The node as BackOffice sees it: at nginx's https address"

    def __init__(self, proxy, node):
        self.proxy, self.db, self.var = proxy, node.db, node.var

    def url(self, path=''):
        return self.proxy.url(path)


def failed_logins(node, login):
    "The addresses the node logged for login's failed logins"
    prefix = "login failed for '%s' from '" % login
    return [line.split(prefix, 1)[1].split("'", 1)[0]
        for line in (node.var / 'serve.log').read_text().splitlines()
        if prefix in line]


def rpc_login(proxy, db, login, password, headers=None):
    "The HTTP status of a JSON-RPC login through nginx"
    status, _, _ = proxy.request('POST', '/%s/rpc/' % db,
        json.dumps({'method': 'common.db.login',
                'params': [login, {'password': password}, 'en']}).encode(),
        dict({'Content-Type': 'application/json'}, **(headers or {})))
    return status


def test_back_office_over_https(browser, proxy, node, request):
    """A DHO logs in to /admin/ through https: the session cookie is
    Secure, and the back office opens"""
    context = browser.new_context(ignore_https_errors=True,
        viewport={'width': 1280, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    office = BackOffice(page, Through(proxy, node))
    sao = []
    page.on('response', lambda response: sao.append(response)
        if response.url.endswith('/dist/tryton-sao.js') else None)
    try:
        office.login('dho.quetta', DEMO_PASSWORD, 'DHO Quetta')
        office.open_menu('Health (BHMIS)', 'Facilities')
        expect(office.list_column('Code').first).to_contain_text('QUETTA-')
        assert page.url.startswith(proxy.url('/admin/'))
        cookies = {c['name']: c for c in context.cookies()}
        session = cookies['tryton_session']
        assert session['secure'] and session['httpOnly']
        assert session['path'] == '/admin/%s' % node.db
        assert session['value'].startswith('dho.quetta:')
        # sao's code came through nginx, to be kept 30 days
        assert sao and sao[0].url == proxy.url('/admin/dist/tryton-sao.js')
        assert sao[0].headers['cache-control'] == 'max-age=2592000'
    finally:
        with contextlib.suppress(sync_api.Error):
            page.screenshot(path=proxy.folder / ('%s.png'
                    % request.node.name))
        context.close()


def test_plain_http_is_redirected_to_https(proxy):
    "http:// answers a permanent redirect to the same address in https"
    status, headers, _ = proxy.request('GET', '/admin/?lang=ur',
        secure=False)
    assert status == 301
    assert headers['Location'] == proxy.url('/admin/?lang=ur')
    # The app's own redirect (/ to the public site in the visitor's
    # language) keeps the https
    status, headers, _ = proxy.request('GET', '/')
    assert status in (301, 302, 303, 307)
    assert headers['Location'] in ('/ur/', proxy.url('/ur/'))


def test_kiosk_and_health_through_https(proxy, node):
    """The kiosk page of a demo device and /health answer through https,
    with HSTS and the other security headers once each"""
    admin = node.rpc()
    device, = admin.model('bhmis.attendance.device', 'search_read',
        [], 0, 1, None, ['code', 'facility.code'])
    status, headers, body = proxy.request('GET',
        '/%s/bhmis/kiosk/%s' % (node.db, device['code']))
    assert status == 200, body[:500]
    assert device['code'] in body.decode()
    assert device['facility.']['code'] in body.decode()
    answers = [headers]

    status, headers, body = proxy.request('GET', '/health')
    assert (status, json.loads(body)) == (200, {'status': 'ok'})
    answers.append(headers)
    # A refusal carries them too
    status, headers, _ = proxy.request('GET',
        '/%s/bhmis/kiosk/NO-SUCH-DEVICE' % node.db)
    assert status == 404
    answers.append(headers)
    for headers in answers:
        for name, value in PROXY_HEADERS.items():
            assert len(headers.get_all(name) or []) == 1, name
            assert value in headers[name]
        for name in APP_HEADERS:
            assert len(headers.get_all(name) or []) == 1, name
        assert headers['Server'] == 'nginx'


def test_sao_static_files_are_cached_not_the_rest(proxy):
    "sao's files are kept 30 days; its page, RPC and /health are not"
    status, headers, body = proxy.request('GET', '/admin/dist/tryton-sao.js')
    assert status == 200 and b'Sao' in body
    assert headers.get_all('Cache-Control') == ['max-age=2592000']
    assert headers['Expires']
    status, headers, body = proxy.request('GET', '/admin/')
    assert status == 200 and b'tryton-sao.js' in body
    assert 'max-age=2592000' not in (headers['Cache-Control'] or '')
    status, headers, _ = proxy.request('GET', '/health')
    assert 'max-age=2592000' not in (headers['Cache-Control'] or '')


def test_metrics_refused_through_nginx(proxy, node):
    "/metrics is refused through nginx, however asked; the node has it"
    for path in ('/metrics', '/metrics?x=1'):
        for source in (CLIENT, '127.0.0.1'):
            status, _, body = proxy.request('GET', path, source=source)
            assert status == 403, path
            assert b'bhmis_' not in body
    with urllib.request.urlopen(node.url('/metrics'), timeout=30) as answer:
        assert b'bhmis_http_requests' in answer.read()


def raw_post_headers(proxy, path, length):
    """Send only the headers of a POST of length bytes: nginx answers
    before any of the body comes"""
    with socket.create_connection(('127.0.0.1', proxy.https_port),
            timeout=30) as plain:
        with insecure().wrap_socket(plain) as tls:
            tls.sendall(('POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                    'Content-Type: multipart/form-data; boundary=x\r\n'
                    'Content-Length: %s\r\n\r\n' % (path, length)).encode())
            answer = b''
            while b'</html>' not in answer:
                piece = tls.recv(65536)
                if not piece:
                    break
                answer += piece
    return answer.decode(errors='replace')


def test_oversize_bodies_get_413_from_nginx(proxy, node):
    """Above the check-in API's limit nginx refuses with 413 before the
    body is sent; at the limit the request reaches the application (which
    refuses the missing device key); so with the complaints API's and the
    back office's limits; elsewhere 2 MiB is the limit"""
    checkin = '/%s/bhmis/attendance/checkin' % node.db
    answer = raw_post_headers(proxy, checkin, ATTENDANCE_LIMIT + 1)
    assert answer.startswith('HTTP/1.1 413')
    assert '413 Request Entity Too Large' in answer

    status, _, body = proxy.request('POST', checkin,
        b'x' * ATTENDANCE_LIMIT, {
            'Content-Type': 'multipart/form-data; boundary=x',
            'Authorization': 'Bearer not-a-key'})
    assert status == 401, body[:300]
    assert json.loads(body)['reason'] == 'unauthorized'

    complaints = '/%s/bhmis/complaints' % node.db
    answer = raw_post_headers(proxy, complaints, COMPLAINT_LIMIT + 1)
    assert answer.startswith('HTTP/1.1 413')
    status, _, body = proxy.request('POST', complaints,
        b'x' * COMPLAINT_LIMIT,
        {'Content-Type': 'multipart/form-data; boundary=x'})
    assert b'<center>nginx</center>' not in body, (status, body[:300])
    assert wait_for(lambda: 'POST %s ' % complaints in (
            node.var / 'log' / 'access.log').read_text())

    answer = raw_post_headers(proxy, '/%s/bhmis/kiosk/X' % node.db,
        2 * 1024 * 1024 + 1)
    assert answer.startswith('HTTP/1.1 413')
    # The RPC of a logged-in user takes spreadsheets up to 20 MiB
    answer = raw_post_headers(proxy, '/admin/%s/rpc/' % node.db,
        20 * 1024 * 1024 + 1)
    assert answer.startswith('HTTP/1.1 413')
    # None of these reached the node
    log = (node.var / 'log' / 'access.log').read_text()
    assert '/bhmis/kiosk/X ' not in log


def test_node_sees_the_client_address(proxy, node, demo_server,
        certificate, tmp_path):
    """Behind nginx, with BHMIS_PROXIES=1, the node logs (and
    counts failed logins and check-in rates by) the client's own address,
    not one the client makes up.  Without it (the shared demo server),
    every client is the proxy: one client's wrong passwords would count
    against everybody's"""
    login = 'nobody.nginx'
    assert rpc_login(proxy, node.db, login, 'wrong') == 401
    assert rpc_login(proxy, node.db, login, 'wrong',
        {'X-Forwarded-For': '10.9.9.9'}) == 401
    assert wait_for(lambda: failed_logins(node, login)) == [CLIENT, CLIENT]

    plain = Nginx(tmp_path, [demo_server.port], *certificate)
    try:
        assert rpc_login(plain, demo_server.db, login, 'wrong') == 401
    finally:
        plain.stop()
    assert wait_for(lambda: failed_logins(demo_server, login)) == [
        '127.0.0.1']


def wait_for(condition, timeout=10):
    "The value of condition() once true (a log line is written after)"
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_tls_is_modern(proxy):
    "TLS 1.3 is spoken; TLS 1.1 and ciphers without forward secrecy not"
    with socket.create_connection(('127.0.0.1', proxy.https_port), 10) as s:
        with insecure().wrap_socket(s) as tls:
            assert tls.version() == 'TLSv1.3'
    old = insecure(minimum_version=ssl.TLSVersion.TLSv1,
        maximum_version=ssl.TLSVersion.TLSv1_1)
    old.set_ciphers('ALL:@SECLEVEL=0')
    weak = insecure(maximum_version=ssl.TLSVersion.TLSv1_2)
    weak.set_ciphers('AES128-SHA:AES256-SHA:AES128-GCM-SHA256:@SECLEVEL=0')
    for context in (old, weak):
        with socket.create_connection(('127.0.0.1', proxy.https_port),
                10) as s:
            with pytest.raises(ssl.SSLError):
                context.wrap_socket(s)


def test_node_down_gets_502_and_the_next_node_answers(tmp_path, node,
        certificate):
    """A node that is down: alone, nginx answers 502 for /health (a load
    balancer marks the site down); with a live node after it, every
    request is answered by the live one"""
    down = free_port()
    (tmp_path / 'alone').mkdir()
    alone = Nginx(tmp_path / 'alone', [down], *certificate)
    try:
        status, headers, body = alone.request('GET', '/health')
        assert status == 502
        assert b'502 Bad Gateway' in body
        assert 'max-age=63072000' in headers['Strict-Transport-Security']
        assert 'connect() failed (111' in (
            tmp_path / 'alone' / 'error.log').read_text()
    finally:
        alone.stop()

    (tmp_path / 'pair').mkdir()
    pair = Nginx(tmp_path / 'pair', [down, node.port], *certificate)
    try:
        for _ in range(4):
            status, _, body = pair.request('GET', '/health')
            assert (status, json.loads(body)) == (200, {'status': 'ok'})
    finally:
        pair.stop()


def noise_png(size):
    "A PNG of about size bytes: noise does not compress"
    side = int((size / 3) ** 0.5)
    pixels = numpy.random.default_rng(1129).integers(0, 256,
        (side, side, 3), dtype=numpy.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, 'PNG', compress_level=0)
    return buffer.getvalue()


def test_public_site_and_complaints_through_nginx(proxy, node):
    """The public site answers through https with every security header
    once; a citizen's complaint with a 3 MB photo passes nginx to the API
    and its tracking number answers; the site's complaint form takes the
    same size (the application answers, not nginx's 413)"""
    status, headers, body = proxy.request('GET', '/en/',
        headers={'Accept-Encoding': 'identity'})
    assert status == 200, body[:300]
    assert b'1129' in body
    for name in list(PROXY_HEADERS) + APP_HEADERS:
        assert len(headers.get_all(name) or []) == 1, name

    photo = noise_png(3_000_000)
    assert len(photo) > 2 * 1024 * 1024, "above the default limit"
    body, content_type = multipart({'category': 'medicine_unavailable',
            'facility': FACILITY, 'description': DESCRIPTION,
            'language': 'en'}, [('ors.png', photo)])
    complaints = '/%s/bhmis/complaints' % node.db
    status, _, answer = proxy.request('POST', complaints, body,
        {'Content-Type': content_type})
    assert status == 201, answer[:300]
    number = json.loads(answer)['tracking_number']
    status, _, answer = proxy.request('GET', '%s/%s' % (complaints, number))
    assert status == 200, answer[:300]
    assert json.loads(answer)['status'] == 'new'
    admin = node.rpc()
    complaint, = admin.model('bhmis.complaint', 'search',
        [('tracking_number', '=', number)], 0, None, None)
    assert admin.model('ir.attachment', 'search_count',
        [('resource', '=', 'bhmis.complaint,%s' % complaint)]) == 1

    status, _, answer = proxy.request('POST', '/en/complaints/new', body,
        {'Content-Type': content_type})
    assert b'<center>nginx</center>' not in answer, (status, answer[:300])
    assert status != 413
