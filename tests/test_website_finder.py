# SPDX-License-Identifier: GPL-3.0-or-later
"""The facility finder and the facility pages against `bhmis serve` on a
copy of the small demo: search by district, tehsil, type and a name in
Urdu or English, the nearest facilities, the map's data, bad input, the
live sections (counts of fewer than 5 people hidden, no staff names,
medicines available or not, never quantities), the per-facility and
province-wide switches, the page cache, and in Chromium on a 360 px
phone in Urdu and English: find a facility by district, open its page,
see the doctors on duty and ORS; axe-core and page weight."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bhmis_website import finder
from tests import website
from tests.website import (
    PHONE,
    Phone,
    axe_violations,
    page_weight,
    serve_website,
)

browser = website.browser

CIVIL = 'QUETTA-CIVIL-001'
ORS = 'Oral rehydration salts 20.5 g/l Sachet'


def get(server, path, headers=None):
    "(status, headers, text) of a GET"
    request = urllib.request.Request(server.url(path),
        headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return (response.status, response.headers,
                response.read().decode('utf-8'))
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode('utf-8')


def codes(html):
    "The facility codes linked from a page"
    return re.findall(r'href="/(?:ur|en)/facilities/([A-Z0-9-]+)"', html)


@pytest.fixture(scope='module')
def fresh(tmp_path_factory, demo_template):
    "The small demo served with its page cache off"
    inst = serve_website(tmp_path_factory, demo_template, 'finder_fresh',
        cache_seconds='0')
    yield inst
    inst.drop()


@pytest.fixture(scope='module')
def cached(tmp_path_factory, demo_template):
    """The small demo served with pages kept an hour, by one web process
    (each process keeps its own pages)"""
    inst = serve_website(tmp_path_factory, demo_template, 'finder_cached',
        env={'BHMIS_WORKERS': '1'}, cache_seconds='3600')
    yield inst
    inst.drop()


def facilities(server, domain, fields=('code', 'name', 'name_ur',
            'latitude', 'longitude', 'type', 'district.code')):
    rpc = server.rpc()
    return rpc.model('bhmis.facility', 'search_read', domain, 0, None,
        [['code', 'ASC']], list(fields))


# The finder -------------------------------------------------------------

def test_search_by_district_lists_its_facilities_not_stores(fresh):
    expected = {f['code'] for f in facilities(fresh,
            [['district.code', '=', 'QUETTA'],
                ['type', 'in', list(finder.PUBLIC_TYPES)]])}
    status, headers, html = get(fresh, '/en/facilities?district=QUETTA')
    assert status == 200
    assert set(codes(html)) == expected
    assert CIVIL in expected
    assert 'QUETTA-DS-001' not in html, "a store is not a public facility"
    assert '<select id="tehsil"' in html, "the district's tehsils to choose"


def test_search_by_type_tehsil_and_name_in_both_languages(fresh):
    bhus = facilities(fresh, [['district.code', '=', 'PISHIN'],
            ['type', '=', 'bhu']])
    status, _, html = get(fresh, '/ur/facilities?district=PISHIN&type=bhu')
    assert status == 200
    assert set(codes(html)) == {f['code'] for f in bhus}

    civil, = facilities(fresh, [['code', '=', CIVIL]])
    for language, name in [('en', civil['name']), ('ur', civil['name_ur'])]:
        word = name.split()[-1] if language == 'en' else name.split()[0]
        status, _, html = get(fresh, '/%s/facilities?q=%s' % (language,
                urllib.parse.quote(word)))
        assert status == 200
        assert CIVIL in codes(html), (language, word)
    status, _, html = get(fresh, '/en/facilities?q=zzzz-nothing')
    assert codes(html) == []
    assert 'No facility matches this search.' in html


def test_nearest_facilities_from_a_location(fresh):
    points = facilities(fresh, [['type', 'in', list(finder.PUBLIC_TYPES)],
            ['latitude', '!=', None]])
    civil, = [p for p in points if p['code'] == CIVIL]
    here = (civil['latitude'] + 0.001, civil['longitude'] + 0.001)
    expected = [c for c, _ in finder.nearest(
            [(p['code'], p['latitude'], p['longitude']) for p in points],
            *here)]
    status, _, html = get(fresh, '/en/facilities?lat=%s&lon=%s' % here)
    assert status == 200
    assert codes(html) == expected
    assert codes(html)[0] == CIVIL
    assert ' km</span>' in html


def test_map_data_of_a_search(fresh):
    status, headers, text = get(fresh,
        '/en/facilities/map.json?district=PISHIN')
    assert status == 200
    assert headers['Content-Type'].startswith('application/json')
    data = json.loads(text)
    pishin = {f['code'] for f in facilities(fresh,
            [['district.code', '=', 'PISHIN'],
                ['type', 'in', list(finder.PUBLIC_TYPES)],
                ['latitude', '!=', None]])}
    assert {p[0] for p in data['points']} == pishin
    assert [d[0] for d in data['districts']] == ['Pishin']
    assert data['base'] == '/en/facilities/'


@pytest.mark.parametrize('query,message', [
        ('q=' + 'x' * 101, 'The name is too long'),
        ('type=msd', 'Choose a type of facility from the list.'),
        ('type=%3Cscript%3E', 'Choose a type of facility from the list.'),
        ('lat=95&lon=66', 'Your location could not be read'),
        ('district=QU%25', 'Choose a district from the list.'),
        ('page=0', 'There is no such page of results.'),
        ])
def test_bad_search_is_refused_with_its_reason(fresh, query, message):
    status, _, html = get(fresh, '/en/facilities?' + query)
    assert status == 400
    assert message in html
    assert '<script>' not in html
    status, _, _ = get(fresh, '/en/facilities/map.json?' + query)
    assert status == 400


def test_names_are_escaped(fresh):
    rpc = fresh.rpc()
    district, = rpc.model('bhmis.district', 'search',
        [['code', '=', 'PISHIN']], 0, 1, None)
    rpc.model('bhmis.facility', 'create', [{'code': 'PISHIN-XSS-001',
                'name': '<script>alert(1)</script> BHU', 'type': 'bhu',
                'district': district}])
    status, _, html = get(fresh, '/en/facilities?district=PISHIN')
    assert status == 200
    assert '&lt;script&gt;alert(1)&lt;/script&gt; BHU' in html
    assert '<script>alert' not in html
    status, _, html = get(fresh, '/en/facilities/PISHIN-XSS-001')
    assert '<script>alert' not in html
    assert '&lt;script&gt;' in html


# A facility's page ------------------------------------------------------

def staff_of(server, code, cadre):
    rpc = server.rpc()
    return rpc.model('company.employee', 'search_read', [
            ['facility.code', '=', code], ['hr_status', '=', 'active'],
            ['cadre.code', '=', cadre]], 0, None, [['id', 'ASC']],
        ['id', 'company', 'party.name'])


def check_in(server, employees, minutes_ago=30):
    "Check the employees in now (a punch of the kiosk's kind)"
    import datetime as dt
    rpc = server.rpc()
    at = dt.datetime.utcnow() - dt.timedelta(minutes=minutes_ago)
    today = rpc.model('ir.date', 'today')
    rpc.model('attendance.line', 'create', [{
                'employee': e['id'], 'company': e['company'],
                'at': {'__class__': 'datetime', 'year': at.year,
                    'month': at.month, 'day': at.day, 'hour': at.hour,
                    'minute': at.minute, 'second': 0, 'microsecond': 0},
                'date': today, 'type': 'in'} for e in employees])


def row(html, title):
    "The cells of the table row headed title"
    match = re.search(r'<tr><th scope="row">%s</th>(.*?)</tr>'
        % re.escape(title), html, re.S)
    assert match, title
    return [re.sub(r'<[^>]+>', '', c).strip()
        for c in re.findall(r'<td>(.*?)</td>', match[1], re.S)]


def stock_line(html, name):
    match = re.search(r'<li class="(in|out)"><span>%s</span> <strong>'
        r'([^<]+)</strong>' % re.escape(name), html)
    assert match, name
    return match[1], match[2]


def on_hand(server, facility_code, product_code):
    rpc = server.rpc()
    store, = rpc.model('bhmis.facility', 'search_read',
        [['code', '=', facility_code]], 0, 1, None, ['store'])
    product, = rpc.model('product.product', 'search',
        [['code', '=', product_code]], 0, 1, None)
    today = rpc.model('ir.date', 'today')
    context = dict(rpc.context, locations=[store['store']],
        with_childs=True, stock_date_end=today)
    values, = rpc.call('model.product.product.read', [product],
        ['quantity'], context)
    return values['quantity']


def test_facility_page_live_sections(fresh):
    code = 'QUETTA-DHQ-001'
    doctors = staff_of(fresh, code, 'MEDICAL')
    nurses = staff_of(fresh, code, 'NURSING')
    assert len(doctors) >= 5 and 0 < len(nurses) < 5, "the demo changed"
    check_in(fresh, doctors[:5])
    check_in(fresh, nurses[:1])
    status, headers, html = get(fresh, '/en/facilities/' + code)
    assert status == 200
    assert '<h1>DHQ Hospital Quetta 1</h1>' in html
    for text in ['District Headquarters Hospital', 'Secondary', 'Quetta',
            'Doctors and nurses on duty today']:
        assert text in html
    assert row(html, 'Medical')[0] == '5', "5 doctors present now"
    assert row(html, 'Nursing')[0] == 'fewer than 5'
    for person in doctors + nurses:
        assert person['party.']['name'] not in html, "no staff names"
    ors = on_hand(fresh, code, 'ORS-205')
    assert ors > 0
    assert stock_line(html, ORS) == ('in', 'Available')
    section = html.split('id="medicines-title"')[1].split('</section>')[0]
    lines = re.findall(r'<li class="(in|out)"><span>([^<]+)</span> '
        r'<strong>([^<]+)</strong></li>', section)
    assert len(lines) == section.count('<li') == 17, "every tracer"
    assert {state for _, _, state in lines} <= {'Available',
        'Out of stock'}, "never a quantity"
    assert stock_line(html, 'X-ray Machine')[1].endswith('working')
    assert 'Complaints resolved within the time promised' in html

    status, _, html = get(fresh, '/ur/facilities/' + code)
    assert status == 200
    assert '<html lang="ur" dir="rtl">' in html
    assert 'آج ڈیوٹی پر ڈاکٹر اور نرسیں' in html
    assert 'ڈی ایچ کیو ہسپتال کوئٹہ 1' in html


def test_out_of_stock_is_said(fresh):
    code = 'QUETTA-CIVIL-001'
    assert on_hand(fresh, code, 'ORS-205') == 0, "the demo changed"
    _, _, html = get(fresh, '/en/facilities/' + code)
    assert stock_line(html, ORS) == (
        'out', 'Out of stock')


def test_unknown_facility_is_the_404_page(fresh):
    for path, text in [('/en/facilities/NO-SUCH-1', 'Page not found'),
            ('/ur/facilities/NO-SUCH-1', 'صفحہ نہیں ملا'),
            ('/en/facilities/QUETTA-DS-001', 'Page not found'),
            ('/en/facilities/' + 'X' * 41, 'Page not found')]:
        status, _, html = get(fresh, path)
        assert status == 404, path
        assert text in html or 'lang="ur"' in html


def test_sections_switched_off_per_facility_and_province(fresh):
    rpc = fresh.rpc()
    code = 'QUETTA-BHU-002'
    facility, = rpc.model('bhmis.facility', 'search',
        [['code', '=', code], ['open_24_7', '=', False]], 0, 1, None)
    _, _, html = get(fresh, '/en/facilities/' + code)
    assert 'id="staff-title"' in html and 'id="medicines-title"' in html
    rpc.model('bhmis.facility', 'write', [facility],
        {'website_staff': False, 'opening_hours': 'Mon-Sat 8:00-14:00',
            'services': 'Vaccination\nAntenatal care',
            'incharge_phone': '081 9201234'})
    _, _, html = get(fresh, '/en/facilities/' + code)
    assert 'id="staff-title"' not in html
    assert 'id="medicines-title"' in html
    assert 'Mon-Sat 8:00-14:00' in html
    assert '<li>Antenatal care</li>' in html
    assert 'href="tel:0819201234"' in html

    rpc.model('bhmis.website.live_configuration', 'write', [1],
        {'medicines': False})
    try:
        _, _, html = get(fresh, '/en/facilities/QUETTA-BHU-001')
        assert 'id="medicines-title"' not in html
        assert 'id="staff-title"' in html
        assert 'id="equipment-title"' in html
    finally:
        rpc.model('bhmis.website.live_configuration', 'write', [1],
            {'medicines': True})


def test_a_store_keeper_cannot_switch_the_province_off(fresh):
    from tests.rpc import RPCError
    rpc = fresh.rpc('store.quetta', 'bhmis-demo')
    with pytest.raises(RPCError) as refused:
        rpc.model('bhmis.website.live_configuration', 'write', [1],
            {'staff': False})
    assert 'access' in refused.value.body.lower()


def test_page_is_cached_for_the_configured_time(cached):
    rpc = cached.rpc()
    code = 'PISHIN-BHU-002'
    facility, = rpc.model('bhmis.facility', 'search',
        [['code', '=', code]], 0, 1, None)
    status, headers, html = get(cached, '/en/facilities/' + code)
    assert status == 200
    assert headers['Cache-Control'] == 'public, max-age=3600'
    rpc.model('bhmis.facility', 'write', [facility],
        {'opening_hours': 'Changed hours'})
    _, _, again = get(cached, '/en/facilities/' + code)
    assert 'Changed hours' not in again, "served from the cache"
    assert again == html
    _, _, urdu = get(cached, '/ur/facilities/' + code)
    assert 'lang="ur"' in urdu, "each language is its own page"


# On a phone --------------------------------------------------------------

def ensure_checked_in(server, code, count=5):
    "count doctors of the facility checked in now (once per server)"
    rpc = server.rpc()
    doctors = staff_of(server, code, 'MEDICAL')[:count]
    today = rpc.model('ir.date', 'today')
    present = rpc.model('attendance.line', 'search', [
            ['employee', 'in', [d['id'] for d in doctors]],
            ['date', '=', today]], 0, None, None)
    if not present:
        check_in(server, doctors)


@pytest.fixture
def fresh_phone(browser, fresh, request):
    phone = Phone(browser, fresh, request)
    yield phone
    phone.close()


NAMES = {'ur': ('ڈی ایچ کیو ہسپتال کوئٹہ 1',),
    'en': ('DHQ Hospital Quetta 1',)}


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_phone_finds_a_facility_by_district(fresh_phone, fresh, language):
    from playwright.sync_api import expect
    code = 'QUETTA-DHQ-001'
    ensure_checked_in(fresh, code)
    page = fresh_phone(language)
    page.goto(fresh_phone.url('/%s/facilities' % language))
    assert page.locator('html').get_attribute('dir') == (
        'rtl' if language == 'ur' else 'ltr')
    assert axe_violations(page) == []
    page.select_option('#district', 'QUETTA')
    page.locator('form.finder button[type=submit]').click()
    page.wait_for_url('**district=QUETTA**')
    # The map: the district's facilities as points and its name, offline
    expect(page.locator('#map.leaflet-container')).to_be_visible()
    points = page.locator('#map path.leaflet-interactive')
    expect(points).to_have_count(len(codes(page.content())))
    expect(page.locator('#map .district-label')).to_have_count(1)
    assert page.evaluate('document.documentElement.scrollWidth') <= 360
    assert axe_violations(page) == []

    name = NAMES[language][0]
    page.get_by_role('link', name=name, exact=True).click()
    page.wait_for_url('**/facilities/' + code)
    expect(page.get_by_role('heading', level=1)).to_have_text(name)
    staff = page.locator('section[aria-labelledby=staff-title]')
    expect(staff).to_be_visible()
    medical = staff.locator('tbody tr').first
    expect(medical.locator('td').first).to_have_text('5')
    medicines = page.locator('section[aria-labelledby=medicines-title]')
    ors = medicines.locator('li', has_text=ORS)
    expect(ors).to_have_class('in')
    assert page.evaluate('document.documentElement.scrollWidth') <= 360
    assert axe_violations(page) == []
    # No script error (the browser's own /favicon.ico request is the
    # frame's: not counted here)
    assert [e for e in fresh_phone.errors
        if not e.startswith('Failed to load resource')] == []


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_page_weight(fresh_phone, language):
    page = fresh_phone(language)
    for path in ['/%s/facilities?district=QUETTA' % language,
            '/%s/facilities/QUETTA-CIVIL-001' % language]:
        first, second = page_weight(page, fresh_phone.url(path))
        assert first < 200_000, (path, first)
        assert second < 50_000, (path, second)


def test_finder_works_without_javascript(browser, fresh):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(fresh.url('/en/facilities'))
        page.select_option('#district', 'PISHIN')
        page.select_option('#type', 'bhu')
        page.locator('form.finder button[type=submit]').click()
        page.wait_for_url('**type=bhu**')
        links = page.locator('ul.results a')
        bhus = facilities(fresh, [['district.code', '=', 'PISHIN'],
                ['type', '=', 'bhu']])
        assert links.count() == len(bhus) >= 2
        page.locator('ul.results a[href$="/PISHIN-BHU-001"]').click()
        page.wait_for_url('**/facilities/PISHIN-BHU-001')
        assert page.locator('#medicines-title').is_visible()
        assert page.locator('#nearest').is_hidden()
    finally:
        context.close()
