# SPDX-License-Identifier: GPL-3.0-or-later
"""The public site's table of pages, filled by the page modules as they
are imported (see __init__.py):

    @route('/facilities')            # answered at /ur/facilities and
    def finder(page):                # /en/facilities
        return page.render('finder.html', facilities=...)

    @route('/robots.txt', language=False)   # outside /<lang>/

    @sitemap
    def facility_addresses(page):    # paths (without /<lang>) listed in
        yield '/facilities/QTA-001'  # sitemap.xml for both languages
"""
from werkzeug.routing import Map, Rule

# 64 KiB of form fields, unless a page allows more (file uploads)
MAX_BODY = 64 * 1024
ROUTES = []
SITEMAPS = []
# Functions giving more (label, address) links for the header's menu
MENUS = []


def route(path, methods=('GET',), language=True, max_body=MAX_BODY,
        endpoint=None):
    "Register the decorated function as the page of path"
    def register(func):
        func.max_body = max_body
        ROUTES.append((path, tuple(methods), language, func,
                endpoint or func.__name__))
        return func
    return register


def sitemap(func):
    "Register a function yielding paths for sitemap.xml"
    SITEMAPS.append(func)
    return func


def url_map():
    rules = []
    for path, methods, language, func, endpoint in ROUTES:
        methods = set(methods) | ({'HEAD'} if 'GET' in methods else set())
        if language:
            path = '/<any(ur, en):lang>' + (path if path != '/' else '/')
        rules.append(Rule(path, endpoint=endpoint, methods=methods))
    return Map(rules, strict_slashes=True, merge_slashes=False)


def endpoints():
    return {endpoint: func for _, _, _, func, endpoint in ROUTES}
