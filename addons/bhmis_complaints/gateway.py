# SPDX-License-Identifier: GPL-3.0-or-later
"""Gateways that carry notifications to citizens, without the ORM.

One small interface, `send(phone, text)`: the default `LogGateway` writes
the message to the log (a new installation sends nothing by surprise);
`HttpGateway` calls the SMS provider's URL; `MailGateway` sends e-mail
through Tryton's sendmail (the [email] section).  A failure raises
GatewayError so that the queued task that called it is retried by Tryton's
worker: nothing is lost while the provider is down.

trytond.conf, section [bhmis_complaints]:

    sms_gateway = log | http
    sms_url = https://sms.example.pk/send?to={phone}&msg={text}
    sms_method = GET | POST   (POST also sends phone and text as a form)
    sms_username, sms_password   (HTTP basic authentication, optional)
    sms_timeout = 10   (seconds)
    sms_inbound_secret = the shared secret of the inbound SMS webhook

or the environment (TRYTOND_BHMIS_COMPLAINTS__SMS_URL, ...).  Credentials
never appear in errors or in the log.
"""
import base64
import hmac
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage

from trytond import config
from trytond.sendmail import send_message

SECTION = 'bhmis_complaints'
logger = logging.getLogger(__name__)


class GatewayError(Exception):
    "The message was not delivered to the gateway; try again later"


class Gateway:
    "Deliver a text message to a phone number"

    def send(self, phone, text):
        raise NotImplementedError


def masked(phone):
    "The phone with its middle hidden, for the log"
    return phone[:5] + '*' * max(0, len(phone) - 8) + phone[-3:]


class LogGateway(Gateway):
    "Write messages to the log instead of sending them"

    def send(self, phone, text):
        logger.info("SMS to %s: %s", masked(phone), text)


class HttpGateway(Gateway):
    "Send through an HTTP SMS gateway; success is a 2xx answer"

    def __init__(self, url_template, username=None, password=None,
            timeout=10, method='GET'):
        if method not in {'GET', 'POST'}:
            raise ValueError("sms_method is GET or POST")
        self.url_template = url_template
        self.username, self.password = username, password
        self.timeout = timeout
        self.method = method

    def request(self, phone, text):
        quote = urllib.parse.quote
        url = self.url_template.format(
            phone=quote(phone, safe=''), text=quote(text, safe=''))
        data = None
        if self.method == 'POST':
            data = urllib.parse.urlencode(
                {'phone': phone, 'text': text}).encode('utf-8')
        request = urllib.request.Request(url, data=data, method=self.method)
        if self.username:
            token = base64.b64encode(('%s:%s' % (
                        self.username, self.password or '')).encode('utf-8'))
            request.add_header('Authorization',
                'Basic %s' % token.decode('ascii'))
        return request

    def send(self, phone, text):
        request = self.request(phone, text)
        host = urllib.parse.urlsplit(request.full_url).hostname
        try:
            with urllib.request.urlopen(
                    request, timeout=self.timeout) as response:
                status = response.status
                response.read(1024)
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, 'reason', error)
            raise GatewayError("SMS gateway %s unreachable: %s"
                % (host, type(reason).__name__
                    if isinstance(reason, Exception) else reason)) from None
        if not 200 <= status < 300:
            raise GatewayError("SMS gateway %s answered %s" % (host, status))


class MailGateway(Gateway):
    "Send by e-mail through Tryton's sendmail: send(address, text)"

    def __init__(self, subject="1129", from_addr=None):
        self.subject = subject
        self.from_addr = from_addr or config.get('email', 'from')

    def send(self, address, text):
        message = EmailMessage()
        message['From'] = self.from_addr
        message['To'] = address
        message['Subject'] = self.subject
        message.set_content(text)
        try:
            send_message(message, strict=True)
        except (smtplib.SMTPException, OSError) as error:
            raise GatewayError("e-mail to %s not sent: %s" % (
                    address, type(error).__name__)) from None


def get_gateway():
    "Return the gateway the configuration names"
    kind = config.get(SECTION, 'sms_gateway', default='log')
    if kind == 'log':
        return LogGateway()
    if kind == 'http':
        url = config.get(SECTION, 'sms_url')
        if not url:
            raise GatewayError("sms_gateway = http needs sms_url")
        return HttpGateway(url,
            username=config.get(SECTION, 'sms_username'),
            password=config.get(SECTION, 'sms_password'),
            timeout=config.getfloat(SECTION, 'sms_timeout', default=10),
            method=config.get(SECTION, 'sms_method', default='GET').upper())
    raise GatewayError("unknown sms_gateway %r (log or http)" % kind)


def inbound_secret():
    "The inbound SMS webhook's shared secret, None when not configured"
    return config.get(SECTION, 'sms_inbound_secret') or None


def check_secret(given):
    "Tell in constant time whether given is the inbound secret"
    secret = inbound_secret()
    if not secret or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(
        given.encode('utf-8'), secret.encode('utf-8'))
