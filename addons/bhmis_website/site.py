# SPDX-License-Identifier: GPL-3.0-or-later
"""The public site as a WSGI application, mounted at `/` by bhmis/web.py.

Every page lives under /ur/ or /en/ (`/` redirects by the browser's
language); static files under /static/ with fingerprinted names.  Before
a page function runs: the per-address rate limit (429), the body size
(413), and for a POST the CSRF token (403) and the honeypot (400).  An
error never shows a stack trace, the database's name or a version: the
404 and 500 pages are templates in the visitor's language.

The site reads the database named in the settings and nothing else; it
has no RPC, and page functions hand templates plain data only."""
import gzip
import hashlib
import logging
import os
import threading
import time

from trytond.config import config
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from bhmis_attendance.ratelimit import RateLimiter

from . import csrf, languages, routing, security
from .page import Page
from .render import environment
from .static import PREFIX, StaticFiles

logger = logging.getLogger(__name__)
SECTION = 'bhmis_website'
# Each web process counts for itself (see bhmis_attendance.routes)
WORKERS = max(1, int(os.environ.get('BHMIS_WEB_WORKERS') or 1))
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json',
    'image/svg+xml', 'application/atom+xml', 'application/xml')
# Paths outside /<lang>/ the site answers (the rest goes to Tryton)
OWN = {'', '/', '/ur', '/en'}
OWN_PREFIXES = ('/ur/', '/en/', PREFIX)


def per_minute(option, default):
    return max(1, config.getint(SECTION, option, default=default) // WORKERS)


def accepts_gzip(request):
    return 'gzip' in request.headers.get('Accept-Encoding', '')


class Site:

    def __init__(self, database, node_modules=None, fallback=None,
            installed=None):
        # The page modules fill routing's table when imported
        import bhmis_website  # noqa: F401
        self.database = database
        self.fallback = fallback
        self.static = StaticFiles(node_modules)
        self._gzipped = {}
        self.templates = environment()
        self.url_map = routing.url_map()
        self.endpoints = routing.endpoints()
        self.pages = RateLimiter(rate=per_minute('page_rate', 300))
        self.forms = RateLimiter(rate=per_minute('form_rate', 20))
        self._installed = installed
        self._lock = threading.Lock()

    def owns(self, path):
        "Tell whether path is the public site's (else Tryton's)"
        if path in OWN or path.startswith(OWN_PREFIXES):
            return True
        adapter = self.url_map.bind('localhost')
        try:
            adapter.match(path, method='GET')
        except HTTPException as error:
            return isinstance(error, MethodNotAllowed)
        except Exception:
            return False
        return True

    def installed(self):
        "Tell whether the served database has the website activated"
        if self._installed is None:
            from trytond.pool import Pool
            from trytond.transaction import Transaction
            try:
                with Transaction().start(self.database, 0, readonly=True):
                    Module = Pool(self.database)
                    if self.database not in Pool.database_list():
                        Module.init()
                    Module = Module.get('ir.module')
                    activated = bool(Module.search([
                                ('name', '=', 'bhmis_website'),
                                ('state', '=', 'activated')]))
            except Exception:
                logger.exception("website: cannot read the modules")
                return False
            with self._lock:
                self._installed = activated
        return self._installed

    def menu(self, page):
        "The header's links: (label, address)"
        _ = page._
        items = [(_('Home'), page.url('/')),
            (_('Find a facility'), page.url('/facilities')),
            (_('File a complaint'), page.url('/complaints/new')),
            (_('Track a complaint'), page.url('/complaints/track')),
            (_('Dashboard'), page.url('/dashboard')),
            (_('News'), page.url('/news/'))]
        for provider in routing.MENUS:
            try:
                items.extend(provider(page))
            except Exception:
                # The error pages show a menu even when the database fails
                logger.exception("website: menu")
        return items

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if not self.owns(path) or (
                self.fallback is not None and not self.installed()):
            if self.fallback is None:
                return NotFound()(environ, start_response)
            if path in {'', '/'}:
                return Response('', status=302, headers={
                        'Location': '/admin/'})(environ, start_response)
            return self.fallback(environ, start_response)
        response = self.answer(request)
        return response(environ, start_response)

    # Answers ----------------------------------------------------------------

    def answer(self, request):
        path = request.path
        if path.startswith(PREFIX):
            return self.static_file(request, path[len(PREFIX):])
        language = path[1:3] if path[:4] in {'/ur/', '/en/'} else None
        if path in {'/ur', '/en'}:
            return self.headers(Response('', status=301,
                    headers={'Location': path + '/'}), request)
        if path in {'', '/'}:
            language = languages.choose(
                request.headers.get('Accept-Language'))
            response = Response('', status=302,
                headers={'Location': '/%s/' % language,
                    'Vary': 'Accept-Language'})
            return self.headers(response, request)
        page = Page(self, request, language or languages.DEFAULT)
        try:
            response = self.dispatch(page)
        except HTTPException as error:
            response = self.error_page(page, error.code or 500)
        except Exception:
            logger.exception("website: %s %s failed", request.method, path)
            response = self.error_page(page, 500)
        return self.finish(page, response)

    def dispatch(self, page):
        request = page.request
        # A refused body is read by bhmis.web.DrainInput
        if not self.pages.allow(request.remote_addr):
            return self.error_page(page, 429)
        adapter = self.url_map.bind_to_environ(request.environ)
        endpoint, arguments = adapter.match()
        arguments.pop('lang', None)
        func = self.endpoints[endpoint]
        if request.method == 'POST':
            if (request.content_length or 0) > func.max_body:
                return self.error_page(page, 413)
            request.max_content_length = func.max_body
            request.max_form_memory_size = func.max_body
            if not self.forms.allow(request.remote_addr):
                return self.error_page(page, 429)
            form = request.form
            if not csrf.check(csrf.token_of(request.cookies),
                    form.get(csrf.FIELD)):
                return self.error_page(page, 403)
            if security.is_robot(form):
                return self.error_page(page, 400)
        return func(page, **arguments)

    def error_page(self, page, code):
        if code not in {400, 403, 404, 405, 413, 429, 500}:
            code = 500
        try:
            return page.render('error.html', status=code, code=code)
        except Exception:
            logger.exception("website: the error page failed")
            return Response('Error %s' % code, status=code,
                content_type='text/plain; charset=utf-8')

    def finish(self, page, response):
        request = page.request
        if page._csrf is not None and (
                csrf.token_of(request.cookies) != page._csrf):
            response.headers.add('Set-Cookie', csrf.cookie_header(
                    page._csrf, secure=request.scheme == 'https'))
        response.headers.setdefault('Cache-Control', 'no-cache')
        if response.status_code == 429:
            response.headers['Retry-After'] = '60'
        response.headers['Content-Language'] = page.language
        response = self.compress(request, response)
        if (response.status_code == 200 and request.method in {'GET', 'HEAD'}
                and 'Set-Cookie' not in response.headers):
            response.set_etag(hashlib.sha256(
                    response.get_data()).hexdigest()[:20])
            response.make_conditional(request)
        return self.headers(response, request, page.img_sources)

    def compress(self, request, response):
        kind = response.mimetype or ''
        if (accepts_gzip(request) and not response.direct_passthrough
                and kind.startswith(COMPRESSIBLE)
                and 'Content-Encoding' not in response.headers):
            data = response.get_data()
            if len(data) > 1024:
                response.set_data(gzip.compress(data, 6, mtime=0))
                response.headers['Content-Encoding'] = 'gzip'
        response.vary.add('Accept-Encoding')
        return response

    @staticmethod
    def headers(response, request, img_sources=()):
        for name, value in security.HEADERS.items():
            response.headers[name] = value
        if img_sources:
            response.headers['Content-Security-Policy'] = security.csp(
                img_sources)
        return response

    def static_file(self, request, name):
        if request.method not in {'GET', 'HEAD'}:
            return self.headers(Response('', status=405), request)
        found = self.static.get(name)
        if found is None:
            return self.headers(Response('Not found', status=404,
                    content_type='text/plain; charset=utf-8'), request)
        data, kind = found
        response = Response(content_type=kind)
        if accepts_gzip(request) and kind.startswith(COMPRESSIBLE):
            if name not in self._gzipped:
                self._gzipped[name] = gzip.compress(data, 9, mtime=0)
            data = self._gzipped[name]
            response.headers['Content-Encoding'] = 'gzip'
        response.set_data(data)
        response.vary.add('Accept-Encoding')
        response.headers['Cache-Control'] = static_cache()
        response.headers['Expires'] = time.strftime(
            '%a, %d %b %Y %H:%M:%S GMT', time.gmtime(time.time() + 31536000))
        return self.headers(response, request)


def static_cache():
    from .static import CACHE
    return CACHE
