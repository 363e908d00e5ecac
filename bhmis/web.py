# SPDX-License-Identifier: GPL-3.0-or-later
"""One WSGI application for everything BHMIS serves.

- `/` the public site (bhmis_website: `/ur/`, `/en/`, `/static/`,
  sitemap.xml, robots.txt), or a redirect to /admin/ where the served
  database does not have it
- `/admin/` the sao back-office client, talking to Tryton under /admin
- `/<database>/rpc/` and `/<database>/...` Tryton's RPC and routes
- `/health` and `/metrics` for load balancers and Prometheus

bhmis.wsgi_server serves it under gunicorn.
"""
import io
import json
import os
import re

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.utils import redirect
from werkzeug.wsgi import ClosingIterator

ADMIN_PREFIX = '/admin'
_COOKIE_PATH = re.compile(r'(;\s*Path=)(/[^;]*)?', re.IGNORECASE)


class CookiePath:
    """Prefix the Path of cookies set by an application mounted under prefix
    (what nginx's proxy_cookie_path does)."""

    def __init__(self, app, prefix):
        self.app, self.prefix = app, prefix

    def __call__(self, environ, start_response):
        def rewrite(status, headers, exc_info=None):
            headers = [
                (name, self._rewrite(value)
                    if name.lower() == 'set-cookie' else value)
                for name, value in headers]
            return start_response(status, headers, exc_info)
        return self.app(environ, rewrite)

    def _rewrite(self, value):
        return _COOKIE_PATH.sub(
            lambda m: m.group(1) + self.prefix + (m.group(2) or '/'), value)


class SecurityHeaders:
    """Headers every answer carries unless the application set them: no
    framing (clickjacking of the back office), no content sniffing, no
    referrer beyond this site"""
    HEADERS = [
        ('X-Frame-Options', 'DENY'),
        ('Content-Security-Policy', "frame-ancestors 'none'"),
        ('X-Content-Type-Options', 'nosniff'),
        ('Referrer-Policy', 'same-origin'),
        # The kiosk needs the camera of its own page, the public site's
        # finder the visitor's location; nothing needs the rest
        ('Permissions-Policy', 'camera=(self), microphone=(), '
            'geolocation=(self), payment=(), usb=()'),
        ('Cross-Origin-Opener-Policy', 'same-origin'),
        ]

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def add(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers = list(headers) + [(name, value)
                for name, value in self.HEADERS
                if name.lower() not in present]
            return start_response(status, headers, exc_info)
        return self.app(environ, add)


class RPCInputs:
    """Refuse with 400 the JSON-RPC inputs a database cannot take, before
    they reach it: a number beyond 64 bits (SQLite raises OverflowError) or
    a search value of more than SEARCH_TEXT characters (a LIKE pattern
    SQLite refuses as too complex).  The database's own message, with its
    internals, never reaches the client: a 503 is answered in plain
    words."""
    SEARCH_TEXT = 10_000
    INSPECTED = 16 << 20
    LIMIT = 2 ** 63
    _rpc = re.compile(r'^/[^/]+/rpc/?$')

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if (environ.get('REQUEST_METHOD') == 'POST'
                and self._rpc.match(environ.get('PATH_INFO', ''))):
            try:
                length = int(environ.get('CONTENT_LENGTH') or 0)
            except ValueError:
                length = 0
            problem = None
            # Larger bodies (uploads) go on unread: Tryton caps them
            if 0 < length <= self.INSPECTED:
                body = environ['wsgi.input'].read(length)
                environ['wsgi.input'] = io.BytesIO(body)
                problem = self.problem(body)
            if problem:
                return self.refuse(start_response, '400 Bad Request',
                    problem)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured['status'] = status
            if status.startswith('503'):
                return lambda data: None
            return start_response(status, headers, exc_info)
        result = self.app(environ, capture)
        if captured.get('status', '').startswith('503'):
            if hasattr(result, 'close'):
                result.close()
            return self.refuse(start_response, '503 Service Unavailable',
                "the database is busy or unavailable; try again")
        return result

    def problem(self, body):
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(request, dict):
            return None
        method = str(request.get('method', ''))
        params = request.get('params') or []
        if any(isinstance(v, int) and not -self.LIMIT <= v < self.LIMIT
                for v in _leaves(params)):
            return "a number is too large"
        if (method.startswith('model.')
                and method.rsplit('.', 1)[-1].startswith('search')
                and params and any(isinstance(v, str)
                    and len(v) > self.SEARCH_TEXT
                    for v in _leaves(params[0]))):
            return "a search text is longer than %s characters" % (
                self.SEARCH_TEXT)
        return None

    @staticmethod
    def refuse(start_response, status, message):
        body = json.dumps({'error': message}).encode()
        start_response(status, [('Content-Type', 'application/json'),
                ('Content-Length', str(len(body)))])
        return [body]


def _leaves(value):
    "Yield the scalars of a JSON value"
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


class Buffered:
    """Send a streamed response in pieces of at least size bytes.

    Tryton streams a JSON-RPC answer of more than 1,400 bytes as the
    pieces of json's iterencode, mostly a few bytes each, and the server
    writes every piece to the socket as a chunk of its own: 165,000 writes,
    about 1.5 s, for the 5,488 rows of the vacancy report, which the
    database computes in 0.3 s."""

    def __init__(self, app, size=1 << 16):
        self.app, self.size = app, size

    def __call__(self, environ, start_response):
        return ClosingIterator(
            self._pieces(self.app(environ, start_response)))

    def _pieces(self, body):
        buffer = bytearray()
        try:
            for piece in body:
                buffer += piece
                if len(buffer) >= self.size:
                    yield bytes(buffer)
                    buffer.clear()
            if buffer:
                yield bytes(buffer)
        finally:
            if hasattr(body, 'close'):
                body.close()


class DrainInput:
    """Read what is left of a request's body once it is answered, up to
    limit bytes.

    An application may answer before reading the body (401 for a wrong
    device key, 413, 429); the server then closes a socket with unread
    bytes, which sends a reset instead of the answer: nginx, still sending
    the body, reports 502 and the client never learns why.  The limit is
    above nginx's largest (config/nginx.conf); a larger body sent straight
    to the server is cut."""

    def __init__(self, app, limit=32 << 20, piece=1 << 20):
        self.app, self.limit, self.piece = app, limit, piece

    def __call__(self, environ, start_response):
        return ClosingIterator(self.app(environ, start_response),
            lambda: self.drain(environ))

    def drain(self, environ):
        stream = environ.get('wsgi.input')
        try:
            left = min(int(environ.get('CONTENT_LENGTH') or 0), self.limit)
        except ValueError:
            return
        while stream is not None and left > 0:
            try:
                chunk = stream.read(min(left, self.piece))
            except (OSError, ValueError):
                return
            if not chunk:
                return
            left -= len(chunk)


def make_app(tryton_app, settings=None, probe=None):
    """BHMIS's WSGI application around Tryton's.

    /health asks probe() (by default, the settings' database) and /metrics
    answers the settings' metrics_networks (by default the loopback)"""
    from . import health, metrics
    from . import settings as settings_
    if probe is None:
        probe = ((lambda: health.database_answers(settings))
            if settings is not None else (lambda: False))
    networks = (settings.metrics_networks if settings is not None
        else settings_.METRICS_NETWORKS)
    database = (metrics.DatabaseCollector(
            lambda: health.connect(settings))
        if settings is not None else None)
    routes = metrics.RouteTemplates(getattr(tryton_app, 'url_map', None),
        mounts=(ADMIN_PREFIX,))
    tryton_app = RPCInputs(Buffered(tryton_app))
    site = website(settings, tryton_app)

    def root(environ, start_response):
        if site is not None:
            return site(environ, start_response)
        if environ.get('PATH_INFO', '') in {'', '/'}:
            return redirect(ADMIN_PREFIX + '/')(environ, start_response)
        return tryton_app(environ, start_response)
    return DrainInput(metrics.RequestMetrics(SecurityHeaders(
        DispatcherMiddleware(root, {
            ADMIN_PREFIX: CookiePath(tryton_app, ADMIN_PREFIX),
            '/health': health.Health(probe),
            '/metrics': metrics.MetricsEndpoint(networks, database),
            })), routes))


def website_assets():
    "The website's npm files (`make install`): fonts, Leaflet"
    from .settings import ROOT
    return os.environ.get('BHMIS_WEBSITE_ASSETS') or str(
        ROOT / 'var' / 'website' / 'node_modules')


def website(settings, tryton_app):
    """The public site (bhmis_website) of the settings' database, passing
    what is not its own to tryton_app; None without the module"""
    if settings is None:
        return None
    try:
        from bhmis_website.site import Site
    except ImportError:
        return None
    site = Site(settings.db, website_assets(), fallback=tryton_app)
    from trytond.config import config
    proxies = config.getint('web', 'num_proxies')
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        return ProxyFix(site, x_for=proxies, x_proto=proxies,
            x_host=proxies, x_port=proxies)
    return site
