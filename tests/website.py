# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the public website's tests: the small demo served with the
website (`website_server`), a phone-sized Chromium page in Urdu or English
(`phone`), axe-core's accessibility check (`axe_violations`) and the bytes
a page loads (`page_weight`).

A test file uses them by naming them at its top:

    from tests import website
    from tests.website import axe_violations, page_weight

    browser = website.browser
    phone = website.phone
    website_server = website.website_server

    def test_finder(phone):
        page = phone('ur')                   # a 360 px page, Urdu browser
        page.goto(phone.url('/ur/facilities'))
        assert not axe_violations(page)
"""
import contextlib
import json
import os
from pathlib import Path

import pytest
from playwright import sync_api

from tests import test_browser as back_office
from tests.conftest import copy_instance

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get('BHMIS_WEBSITE_ASSETS')
    or ROOT / 'var' / 'website' / 'node_modules') / 'axe-core' / 'axe.min.js'
PHONE = {'width': 360, 'height': 740}
LOCALES = {'ur': 'ur-PK', 'en': 'en-US'}
# High enough for a test session's pages and forms from 127.0.0.1; the
# rate-limit test serves its own copy with low limits
RATES = {'PAGE_RATE': '100000', 'FORM_RATE': '100000'}
TIMEOUT = back_office.TIMEOUT
# Chromium as the back office's tests start it, one per test module (one
# Playwright may run at a time)
browser = back_office.browser


def serve_website(tmp_path_factory, template, name, env=None, **settings):
    """A copy of template's database served with the website; settings
    are [bhmis_website] options (e.g. page_rate='30'), env more variables
    of the server (e.g. BHMIS_WORKERS)"""
    inst = copy_instance(tmp_path_factory, name, template)
    inst.env.update(env or {})
    for option, value in {**RATES, **{k.upper(): v
                for k, v in settings.items()}}.items():
        inst.env['TRYTOND_BHMIS_WEBSITE__%s' % option] = str(value)
    inst.serve()
    return inst


@pytest.fixture(scope='session')
def website_server(tmp_path_factory, demo_template):
    "The small demo with its website, served once for the session"
    inst = serve_website(tmp_path_factory, demo_template, 'website')
    yield inst
    inst.drop()


class Phone:
    "Opens 360 px pages on website_server; closes them after the test"

    def __init__(self, browser, server, request):
        self.browser, self.server, self.request = browser, server, request
        self.contexts = []
        self.errors = []

    def __call__(self, language='ur', **options):
        context = self.browser.new_context(viewport=PHONE,
            locale=LOCALES[language], is_mobile=True, has_touch=True,
            **options)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on('pageerror', lambda error: self.errors.append(str(error)))
        page.on('console', lambda message: self.errors.append(message.text)
            if message.type == 'error' else None)
        return page

    def url(self, path=''):
        return self.server.url(path)

    def close(self):
        for number, context in enumerate(self.contexts):
            for page in context.pages:
                # Left beside serve.log for whoever debugs a failure
                with contextlib.suppress(sync_api.Error):
                    page.screenshot(path=self.server.var / ('%s-%s.png' % (
                                self.request.node.name, number)))
            context.close()


@pytest.fixture
def phone(browser, website_server, request):
    phone = Phone(browser, website_server, request)
    yield phone
    phone.close()


def axe_violations(page, impacts=('serious', 'critical')):
    """axe-core's violations of the given impacts on the page as shown,
    as [(rule id, impact, help, [targets])] (empty when it passes).  axe
    is evaluated through the DevTools protocol, which the page's CSP does
    not restrict, so nothing is added to what the site serves."""
    page.evaluate(AXE.read_text('utf-8'))
    result = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return JSON.stringify(result.violations.map(v => [v.id, v.impact,
            v.help, v.nodes.map(n => n.target.join(' ')).slice(0, 5)]));
    }""")
    return [v for v in json.loads(result) if v[1] in impacts]


def page_weight(page, url):
    """(first, second): bytes transferred to load url with an empty cache,
    then again in the same context (cached static files not fetched)"""
    client = page.context.new_cdp_session(page)
    client.send('Network.enable')
    sizes = {}

    def finished(event):
        sizes[event['requestId']] = event['encodedDataLength']
    client.on('Network.loadingFinished', finished)
    page.goto(url, wait_until='load')
    page.wait_for_load_state('networkidle')
    first = sum(sizes.values())
    sizes.clear()
    page.goto(url, wait_until='load')
    page.wait_for_load_state('networkidle')
    second = sum(sizes.values())
    client.detach()
    return first, second
