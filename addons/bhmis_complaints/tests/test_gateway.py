# SPDX-License-Identifier: GPL-3.0-or-later
"""SMS gateways against a real HTTP server in a thread: delivered, refused,
too slow, unreachable; the configuration and the inbound secret."""
import base64
import email
import email.policy
import logging
import socket
import socketserver
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from trytond import config

from bhmis_complaints.gateway import (
    SECTION,
    GatewayError,
    HttpGateway,
    LogGateway,
    MailGateway,
    check_secret,
    get_gateway,
    inbound_secret,
)

TEXT = "آپ کی شکایت 1129-7KQ4-M2XD درج ہو گئی & more?"


class Provider(BaseHTTPRequestHandler):
    "A fake SMS provider recording what it receives"

    def answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        self.server.received.append({'method': self.command,
                'path': self.path,
                'body': self.rfile.read(length).decode(),
                'authorization': self.headers.get('Authorization')})
        if self.server.delay:
            time.sleep(self.server.delay)
        self.send_response(self.server.status)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'ok')

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(('127.0.0.1', 0), Provider)
    server.received, server.status, server.delay = [], 200, 0
    server.daemon_threads = True
    # A client that gave up (the timeout test) is no error of the provider
    server.block_on_close = False
    server.handle_error = lambda request, address: None
    thread = threading.Thread(target=server.serve_forever,
        kwargs={'poll_interval': 0.02}, daemon=True)
    thread.start()
    server.url = 'http://127.0.0.1:%s' % server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings():
    "Set options of [bhmis_complaints] for one test"
    if not config.has_section(SECTION):
        config.add_section(SECTION)
    yield lambda **options: [config.set(SECTION, k, v)
        for k, v in options.items()]
    config.remove_section(SECTION)
    for getter in [config.get, config.getint, config.getfloat,
            config.getboolean]:
        getter.cache_clear()


def test_delivered_with_text_url_encoded(provider):
    gateway = HttpGateway(provider.url + '/send?to={phone}&msg={text}',
        username='cell', password='s3cret', timeout=5)
    gateway.send('+923001234567', TEXT)
    request, = provider.received
    assert request['method'] == 'GET'
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            request['path']).query)
    assert query == {'to': ['+923001234567'], 'msg': [TEXT]}
    assert request['authorization'] == 'Basic ' + base64.b64encode(
        b'cell:s3cret').decode()


def test_post_sends_a_form(provider):
    gateway = HttpGateway(provider.url + '/api/{phone}', method='POST')
    gateway.send('+923001234567', TEXT)
    request, = provider.received
    assert request['method'] == 'POST'
    assert request['path'] == '/api/%2B923001234567'
    assert urllib.parse.parse_qs(request['body']) == {
        'phone': ['+923001234567'], 'text': [TEXT]}
    assert request['authorization'] is None


@pytest.mark.parametrize('status', [500, 503, 404, 401, 302])
def test_not_2xx_raises(provider, status):
    provider.status = status
    gateway = HttpGateway(provider.url + '/send?to={phone}&m={text}',
        username='cell', password='s3cret')
    with pytest.raises(GatewayError, match=str(status)) as error:
        gateway.send('+923001234567', TEXT)
    assert 's3cret' not in str(error.value)
    assert provider.received, "the provider was called"


def test_timeout_raises(provider):
    provider.delay = 1.0
    gateway = HttpGateway(provider.url + '/send?to={phone}&m={text}',
        timeout=0.2)
    started = time.monotonic()
    with pytest.raises(GatewayError, match="unreachable"):
        gateway.send('+923001234567', TEXT)
    assert time.monotonic() - started < 0.9


def test_connection_refused_raises():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    gateway = HttpGateway('http://127.0.0.1:%s/?to={phone}&m={text}' % port,
        password='s3cret', timeout=2)
    with pytest.raises(GatewayError, match="unreachable") as error:
        gateway.send('+923001234567', TEXT)
    assert 's3cret' not in str(error.value)


def test_log_gateway_writes_the_log_with_the_phone_masked(caplog):
    with caplog.at_level(logging.INFO, logger='bhmis_complaints.gateway'):
        LogGateway().send('+923001234567', TEXT)
    assert TEXT in caplog.text
    assert '+9230*****567' in caplog.text
    assert '+923001234567' not in caplog.text


def test_configured_gateway(settings, provider):
    assert isinstance(get_gateway(), LogGateway), "the default"
    settings(sms_gateway='http', sms_url=provider.url + '/s?p={phone}',
        sms_username='cell', sms_password='pw', sms_timeout='3',
        sms_method='post')
    gateway = get_gateway()
    assert isinstance(gateway, HttpGateway)
    assert (gateway.username, gateway.password, gateway.timeout,
        gateway.method) == ('cell', 'pw', 3.0, 'POST')
    gateway.send('+923001234567', 'hello')
    assert provider.received[0]['path'] == '/s?p=%2B923001234567'


def test_misconfigured_gateway(settings):
    settings(sms_gateway='carrier-pigeon')
    with pytest.raises(GatewayError, match="carrier-pigeon"):
        get_gateway()
    settings(sms_gateway='http')
    with pytest.raises(GatewayError, match="sms_url"):
        get_gateway()


def test_inbound_secret(settings):
    assert inbound_secret() is None
    assert not check_secret(''), "no secret configured refuses everything"
    assert not check_secret('anything')
    settings(sms_inbound_secret='l0ng-shared-secret')
    assert check_secret('l0ng-shared-secret')
    assert not check_secret('l0ng-shared-secreT')
    assert not check_secret('')
    assert not check_secret(None)
    assert not check_secret('ﻻ')


class SMTP(socketserver.StreamRequestHandler):
    "Just enough of an SMTP server to receive one message"

    def reply(self, line):
        self.wfile.write(line.encode() + b'\r\n')

    def handle(self):
        self.reply('220 fake ESMTP')
        while True:
            line = self.rfile.readline().decode().strip()
            verb = line[:4].upper()
            if not line or verb == 'QUIT':
                self.reply('221 bye')
                return
            if verb == 'RCPT' and self.server.refuse:
                self.reply('554 no such mailbox')
            elif verb == 'DATA':
                self.reply('354 go on')
                lines = []
                while (line := self.rfile.readline()) not in {
                        b'.\r\n', b''}:
                    lines.append(line)
                self.server.received.append(b''.join(lines))
                self.reply('250 queued')
            else:
                self.reply('250 ok')


@pytest.fixture
def smtp(settings):
    server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), SMTP)
    server.received, server.refuse = [], False
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever,
        kwargs={'poll_interval': 0.02}, daemon=True)
    thread.start()
    uri = config.get('email', 'uri')
    config.set('email', 'uri', 'smtp://127.0.0.1:%s' % (
            server.server_address[1]))
    yield server
    config.set('email', 'uri', uri)
    server.shutdown()
    server.server_close()


def test_mail_delivered(smtp):
    MailGateway(subject="1129 complaint", from_addr='cell@bhmis.invalid'
        ).send('citizen@example.pk', TEXT)
    raw, = smtp.received
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message['To'] == 'citizen@example.pk'
    assert message['Subject'] == "1129 complaint"
    assert message.get_content().strip() == TEXT


def test_mail_refused_raises(smtp):
    smtp.refuse = True
    with pytest.raises(GatewayError, match="citizen@example.pk"):
        MailGateway(from_addr='cell@bhmis.invalid').send(
            'citizen@example.pk', TEXT)
    assert smtp.received == []


def test_mail_server_down_raises(settings):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    uri = config.get('email', 'uri')
    config.set('email', 'uri', 'smtp://127.0.0.1:%s' % port)
    try:
        with pytest.raises(GatewayError, match="not sent"):
            MailGateway(from_addr='cell@bhmis.invalid').send(
                'citizen@example.pk', TEXT)
    finally:
        config.set('email', 'uri', uri)
