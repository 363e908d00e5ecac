# SPDX-License-Identifier: GPL-3.0-or-later
"""One WSGI application for everything BHMIS serves.

- `/` the public site (until bhmis_website exists, a redirect to /admin/)
- `/admin/` the sao back-office client, talking to Tryton under /admin
- `/<database>/rpc/` and `/<database>/...` Tryton's RPC and routes
"""
import argparse
import os
import re

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple
from werkzeug.utils import redirect

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


def make_app(tryton_app):
    def root(environ, start_response):
        if environ.get('PATH_INFO', '') in {'', '/'}:
            return redirect(ADMIN_PREFIX + '/')(environ, start_response)
        return tryton_app(environ, start_response)
    return DispatcherMiddleware(root, {
            ADMIN_PREFIX: CookiePath(tryton_app, ADMIN_PREFIX),
            })


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve BHMIS over HTTP")
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000)
    options = parser.parse_args(argv)
    # Importing the application loads the databases in TRYTOND_DATABASE_NAMES
    from trytond.application import app as tryton_app
    print("bhmis: serving on http://%s:%s/ (pid %s)" % (
            options.host, options.port, os.getpid()), flush=True)
    run_simple(options.host, options.port, make_app(tryton_app),
        threaded=True, use_reloader=False)


if __name__ == '__main__':
    main()
