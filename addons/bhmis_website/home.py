# SPDX-License-Identifier: GPL-3.0-or-later
"""The home page, robots.txt and sitemap.xml."""
from werkzeug.wrappers import Response

from . import routing
from .routing import route

# What the home page shows beside the quick links; content.py fills it
HOME_SECTIONS = []


@route('/')
def home(page):
    sections = {}
    for provider in HOME_SECTIONS:
        sections.update(provider(page))
    return page.render('home.html', title=page._('Home'), **sections)


@route('/robots.txt', language=False)
def robots(page):
    text = ("User-agent: *\nDisallow: /admin/\n"
        "Sitemap: %s/sitemap.xml\n" % page.request.host_url.rstrip('/'))
    response = Response(text, content_type='text/plain; charset=utf-8')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@route('/favicon.ico', language=False)
def favicon(page):
    "Browsers ask for it whatever the page says"
    response = page.redirect(page.site.static.url('favicon.svg'), 301)
    response.headers['Cache-Control'] = 'public, max-age=86400'
    return response


@route('/sitemap.xml', language=False)
def sitemap_xml(page):
    paths = ['/']
    for provider in routing.SITEMAPS:
        try:
            paths.extend(provider(page))
        except Exception:
            # One area failing leaves the others' addresses listed
            import logging
            logging.getLogger(__name__).exception("website: sitemap")
    response = page.render('sitemap.xml', paths=paths,
        content_type='application/xml')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response
