# SPDX-License-Identifier: GPL-3.0-or-later
"""What a page function gets: the request, the visitor's language, the
database (as plain data only) and the templates."""
import datetime as dt
import logging

from trytond import backend
from trytond.config import config
from trytond.pool import Pool
from trytond.transaction import Transaction
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from . import csrf, i18n, languages, security

logger = logging.getLogger(__name__)


class Page:

    def __init__(self, site, request, language):
        self.site, self.request, self.language = site, request, language
        self._ = i18n.translator(language)
        self.direction = languages.direction(language)
        self._csrf = None
        self.status = 200
        self.img_sources = ()

    # The database ---------------------------------------------------------

    def run(self, func, readonly=True):
        """func(pool) inside a transaction of the served database, as root
        in the visitor's language; its result must be plain data (dicts,
        strings, numbers), read before the transaction ends.  A write is
        retried on a database conflict and committed before returning."""
        database = self.site.database
        pool = Pool(database)
        if database not in Pool.database_list():
            with Transaction().start(database, 0, readonly=True):
                pool.init()
        retry = config.getint('database', 'retry')
        count = 0
        from trytond.worker import run_task
        while True:
            with Transaction().start(database, 0, readonly=readonly,
                    context={'language': self.language}) as transaction:
                try:
                    result = func(pool)
                except backend.DatabaseOperationalError:
                    if count < retry and not readonly:
                        transaction.rollback()
                        transaction.tasks.clear()
                        count += 1
                        continue
                    raise
                transaction.commit()
            while transaction.tasks:
                run_task(pool, transaction.tasks.pop())
            return result

    # Forms ------------------------------------------------------------------

    @property
    def csrf_token(self):
        "The visitor's token, set as a cookie on the answer if new"
        if self._csrf is None:
            self._csrf = csrf.token_of(self.request.cookies) or (
                csrf.new_token())
        return self._csrf

    # Answers -----------------------------------------------------------------

    def url(self, path='/', language=None):
        "The address of path (without /<lang>) in language"
        return '/%s%s' % (language or self.language, path)

    def switch_url(self):
        "This page's address in the other language"
        other = 'en' if self.language == 'ur' else 'ur'
        path = self.request.path
        rest = path[3:] if path[:4] in {'/ur/', '/en/'} else '/'
        query = self.request.query_string.decode('ascii', 'replace')
        return '/%s%s%s' % (other, rest or '/', '?' + query if query else '')

    def not_found(self):
        raise NotFound()

    def context(self, **values):
        site = self.site
        values.setdefault('page', self)
        values.update(
            _=self._, lang=self.language, dir=self.direction,
            static=site.static.url, url=self.url,
            other_language='en' if self.language == 'ur' else 'ur',
            language_names=languages.NAMES, switch_url=self.switch_url(),
            honeypot=security.HONEYPOT, csrf_field=csrf.FIELD,
            menu=site.menu(self), now=dt.datetime.utcnow(),
            base_url=self.request.host_url.rstrip('/'),
            path=self.request.path)
        return values

    def render(self, template, status=None, content_type='text/html',
            **values):
        "The template rendered as this page's answer"
        html = self.site.templates.get_template(template).render(
            self.context(**values))
        response = Response(html, status=status or self.status,
            content_type=content_type + '; charset=utf-8')
        return response

    def redirect(self, location, status=303):
        response = Response('', status=status)
        response.headers['Location'] = location
        return response
