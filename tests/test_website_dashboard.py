# SPDX-License-Identifier: GPL-3.0-or-later
"""The transparency dashboard against `bhmis serve` on a copy of the small
demo: the districts ranked with each figure's definition, the SVG charts,
the CSV of every table, bad input, the public's "fewer than 5" against
the managers' twin (raw, drillable to facilities, for provincial
managers and DHOs of their districts only: 401 without a session, 403
for a store keeper or another district), the back office's menu entry,
and axe-core and page weight in Chromium in Urdu and English."""
import base64
import csv
import datetime as dt
import io
import urllib.error
import urllib.request
from html import unescape

import pytest

from bhmis_website import dashboard
from tests import website
from tests.website import (
    PHONE,
    Phone,
    axe_violations,
    page_weight,
    serve_website,
)

browser = website.browser

DEMO_PASSWORD = 'bhmis-demo'


@pytest.fixture(scope='module')
def server(tmp_path_factory, demo_template):
    "The small demo served with its page cache off"
    inst = serve_website(tmp_path_factory, demo_template, 'dashboard',
        cache_seconds='0')
    yield inst
    inst.drop()


def get(server, path, headers=None):
    request = urllib.request.Request(server.url(path),
        headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return (response.status, response.headers,
                response.read().decode('utf-8'))
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode('utf-8')


def session(server, login, password=DEMO_PASSWORD):
    "The Authorization header of a back-office session of login"
    rpc = server.rpc(login, password)
    return {'Authorization': 'Session ' + base64.b64encode(
            ('%s:%s:%s' % rpc.session).encode()).decode(),
        'Accept-Language': 'en'}


def table(text):
    rows = list(csv.reader(io.StringIO(text.lstrip('\ufeff'))))
    return rows[0], rows[1:]


def district_ids(server):
    rpc = server.rpc()
    return {d['code']: d['id'] for d in rpc.model('bhmis.district',
            'search_read', [['code', 'in', ['QUETTA', 'PISHIN']]], 0, None,
            None, ['code'])}


def test_public_dashboard(server):
    status, headers, html = get(server, '/en/dashboard')
    assert status == 200
    assert headers['Cache-Control'] == 'public, max-age=0'
    assert '<h1>Transparency dashboard</h1>' in html
    for measure in dashboard.MEASURES:
        assert dashboard.TITLES[measure] in html
        assert dashboard.DEFINITIONS[measure] in unescape(html), (
            "definition beside")
    assert html.count('<svg') == len(dashboard.MEASURES) + 1
    assert 'style=' not in html.split('<main')[1]
    assert '<th scope="row">Quetta</th>' in html
    assert '<th scope="row">Zhob</th>' in html, "every district listed"

    status, headers, html = get(server, '/ur/dashboard?month=%s&rank=posts'
        % dashboard.months(__import__('datetime').date.today())[-2]
        .strftime('%Y-%m'))
    assert status == 200
    assert 'شفافیت ڈیش بورڈ' in html
    assert '<option value="posts" selected>' in html


def test_csv_of_every_table(server):
    status, headers, text = get(server, '/en/dashboard/districts.csv')
    assert status == 200
    assert headers['Content-Type'] == 'text/csv; charset=utf-8'
    assert 'attachment; filename="districts-' in headers[
        'Content-Disposition']
    header, rows = table(text)
    assert header[:2] == ['Rank', 'District']
    assert len(header) == 2 + len(dashboard.MEASURES) + 1
    assert rows[-1][1] == 'Province'
    names = [r[1] for r in rows[:-1]]
    assert len(names) == len(set(names)) >= 36
    ranked = [r for r in rows[:-1] if r[0]]
    assert [r[1] for r in ranked[:2]] and ranked == sorted(
        ranked, key=lambda r: int(r[0]))

    status, _, text = get(server, '/ur/dashboard/months.csv')
    assert status == 200
    header, rows = table(text)
    assert header[0] == 'مہینہ'
    assert len(rows) == dashboard.MONTHS


@pytest.mark.parametrize('query', ['month=2001-01', 'month=x',
        'month=2026-13', 'rank=name', 'rank=%3Cscript%3E'])
def test_bad_input_is_400(server, query):
    status, _, html = get(server, '/en/dashboard?' + query)
    assert status == 400
    assert '<script>' not in html
    status, _, _ = get(server, '/en/dashboard/districts.csv?' + query)
    assert status == 400


def test_twin_shows_what_the_public_does_not(server):
    "Complaints per district and month are few in the small demo: the "
    "public reads '<5' where the manager reads the share"
    headers = session(server, 'manager')
    hidden = []
    for month in dashboard.months(dt.date.today())[-4:]:
        query = '?month=' + month.strftime('%Y-%m')
        _, _, public = get(server, '/en/dashboard/districts.csv' + query)
        status, _, twin = get(server, '/%s/bhmis/website/dashboard.csv%s'
            % (server.db, query), headers)
        assert status == 200
        public_rows = {r[1]: r for r in table(public)[1]}
        for row in table(twin)[1]:
            for measure in ('sla', 'satisfaction'):
                column = 2 + dashboard.MEASURES.index(measure)
                mine, theirs = row[column], public_rows[row[1]][column]
                assert theirs in (mine, '<5'), (month, row[1], measure)
                if theirs == '<5':
                    hidden.append(mine)
    assert hidden, "the small demo has districts of fewer than 5 complaints"
    assert all(value not in ('', '<5') for value in hidden)


def test_twin_is_scoped_and_drillable(server):
    ids = district_ids(server)
    path = '/admin/%s/bhmis/website/dashboard' % server.db
    headers = session(server, 'dho.quetta')
    status, _, html = get(server, path, headers)
    assert status == 200
    assert '<h1>Dashboard for managers</h1>' in html
    assert 'Quetta' in html and 'Pishin' not in html, "their districts"
    assert '?district=%s"' % ids['QUETTA'] in html
    status, _, html = get(server, path + '?district=%s' % ids['QUETTA'],
        headers)
    assert status == 200
    assert 'Facilities ranked' in html
    assert 'QUETTA-DHQ-001' in html or 'DHQ Hospital Quetta 1' in html
    assert 'Pishin' not in html
    status, _, _ = get(server, path + '?district=%s' % ids['PISHIN'],
        headers)
    assert status == 403
    status, _, _ = get(server, path + '?district=1x', headers)
    assert status == 400

    status, _, html = get(server, path, session(server, 'manager'))
    assert status == 200
    assert 'Quetta' in html and 'Pishin' in html


@pytest.mark.parametrize('login', ['store.quetta', 'incharge.civil',
        'hr.quetta'])
def test_twin_refused_to_other_roles(server, login):
    path = '/admin/%s/bhmis/website/dashboard' % server.db
    status, _, text = get(server, path, session(server, login))
    assert status == 403
    assert 'Quetta' not in text
    status, _, _ = get(server, path + '.csv', session(server, login))
    assert status == 403


def test_twin_needs_a_session(server):
    path = '/admin/%s/bhmis/website/dashboard' % server.db
    status, _, _ = get(server, path)
    assert status == 401
    status, _, _ = get(server, path, {'Cookie': 'tryton_session=x:1:bad'})
    assert status == 401


def test_back_office_menu_opens_the_twin(server):
    rpc = server.rpc('dho.quetta', DEMO_PASSWORD)
    menus = rpc.model('ir.ui.menu', 'search',
        [['name', '=', 'Dashboard for Managers']], 0, None, None)
    assert len(menus) == 1
    action, = rpc.model('ir.action.keyword', 'get_keyword', 'tree_open',
        ['ir.ui.menu', menus[0]])
    assert action['url'] == '%s/bhmis/website/dashboard' % server.db
    store = server.rpc('store.quetta', DEMO_PASSWORD)
    assert store.model('ir.ui.menu', 'search',
        [['name', '=', 'Dashboard for Managers']], 0, None, None) == []


@pytest.fixture
def dashboard_phone(browser, server, request):
    phone = Phone(browser, server, request)
    yield phone
    phone.close()


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_phone_reads_the_dashboard(dashboard_phone, language):
    page = dashboard_phone(language)
    url = dashboard_phone.url('/%s/dashboard' % language)
    first, second = page_weight(page, url)
    assert first < 200_000, first
    assert second < 50_000, second
    assert page.locator('svg.chart').count() == len(dashboard.MEASURES) + 1
    assert page.locator('table.ranked').count() == 2
    assert axe_violations(page) == []
    # The tables scroll inside their box; the page itself does not
    assert page.evaluate('document.documentElement.scrollWidth') <= 360
    with page.expect_download() as download:
        page.locator('a[href*="districts.csv"]').click()
    assert download.value.suggested_filename.startswith('districts-')
    assert [e for e in dashboard_phone.errors
        if not e.startswith('Failed to load resource')] == []


def test_phone_has_the_twin_for_a_dho_only(browser, server):
    "The DHO's twin page passes axe too"
    context = browser.new_context(viewport=PHONE,
        extra_http_headers=session(server, 'dho.quetta'))
    try:
        page = context.new_page()
        page.goto(server.url('/admin/%s/bhmis/website/dashboard'
                % server.db))
        assert page.locator('h1').inner_text() == 'Dashboard for managers'
        assert axe_violations(page) == []
    finally:
        context.close()
