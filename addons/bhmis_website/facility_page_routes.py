# SPDX-License-Identifier: GPL-3.0-or-later
"""A facility's public page, /<lang>/facilities/<code>: the registry's
facts and today's live sections, cached for `[bhmis_website]
cache_seconds` (live_cache.py) so that a shared link is computed once
per minute, not once per reader."""
from werkzeug.wrappers import Response

from . import facility_page_query, live_cache
from .routing import route, sitemap

MAX_CODE = 40


@route('/facilities/<code>')
def facility(page, code):
    if len(code) > MAX_CODE:
        page.not_found()
    key = ('facility', page.site.database, page.language, code)

    def render():
        data = page.run(lambda pool: facility_page_query.read(code))
        if data is None:
            return None
        return page.render('facility_page.html', title=data['name'],
            facility=data).get_data(as_text=True)
    html = live_cache.pages.get(key, render)
    if html is None:
        page.not_found()
    response = Response(html, content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'public, max-age=%s' % (
        live_cache.ttl())
    return response


@sitemap
def facility_addresses(page):
    for code in page.run(lambda pool: facility_page_query.codes()):
        yield '/facilities/' + code
