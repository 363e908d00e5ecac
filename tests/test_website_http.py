# SPDX-License-Identifier: GPL-3.0-or-later
"""The public website over HTTP against `bhmis serve` on a copy of the
small demo: languages and pages, the security set (XSS in every field of
the complaint form, CSRF missing or wrong, oversize bodies, path traversal
on static files, a burst from one address, no internals on a 500), the
feed, sitemap and robots, and what the public site never serves."""
import re
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from markupsafe import escape

from tests import website
from tests.conftest import DEMO_PASSWORD
from tests.website import serve_website

website_server = website.website_server

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {},
        method=method)
    try:
        with OPENER.open(request, timeout=120) as response:
            status, raw, headers = (response.status, response.read(),
                response.headers)
    except urllib.error.HTTPError as error:
        status, raw, headers = error.code, error.read(), error.headers
    return SimpleNamespace(status=status, headers=headers,
        text=raw.decode('utf-8', errors='replace'))


def multipart(fields, files=()):
    boundary = 'bhmis-test-boundary'
    body = bytearray()
    for name, value in fields.items():
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n'
            '%s\r\n' % (boundary, name, value)).encode('utf-8')
    for name, filename, data, kind in files:
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"; '
            'filename="%s"\r\nContent-Type: %s\r\n\r\n' % (
                boundary, name, filename, kind)).encode('utf-8')
        body += data + b'\r\n'
    body += ('--%s--\r\n' % boundary).encode()
    return bytes(body), 'multipart/form-data; boundary=%s' % boundary


class Visitor:
    "A browser without JavaScript: keeps the CSRF cookie, reads forms"

    def __init__(self, server, address=None):
        self.server, self.cookie = server, None

    def get(self, path, **headers):
        if self.cookie:
            headers['Cookie'] = self.cookie
        reply = fetch(self.server.url(path), headers=headers)
        cookie = reply.headers.get('Set-Cookie')
        if cookie:
            self.cookie = cookie.split(';')[0]
        return reply

    def token(self, path):
        reply = self.get(path)
        assert reply.status == 200, reply.status
        return re.search(r'name="csrf_token" value="([^"]+)"',
            reply.text).group(1)

    def post(self, path, fields, files=(), cookie=True, **headers):
        body, kind = multipart(fields, files)
        headers['Content-Type'] = kind
        if cookie and self.cookie:
            headers['Cookie'] = self.cookie
        return fetch(self.server.url(path), body, headers, 'POST')


def complaint_fields(token, **values):
    fields = {'csrf_token': token, 'website': '',
        'category': 'medicine_unavailable', 'district': '', 'facility': '',
        'description': 'No ORS at the dispensary today.',
        'incident_at': '', 'employee_name': '', 'name': '', 'phone': '',
        'cnic': ''}
    fields.update(values)
    return fields


@pytest.fixture(scope='module')
def server(website_server):
    return website_server


@pytest.fixture(scope='module')
def admin(server):
    return server.rpc()


def complaint_count(admin):
    return admin.model('bhmis.complaint', 'search_count', [])


# Languages and pages ---------------------------------------------------------

@pytest.mark.parametrize('header, location', [
    ('en-US,en;q=0.9', '/en/'), ('ur-PK', '/ur/'), ('fr', '/ur/')])
def test_root_answers_in_the_visitors_language(server, header, location):
    reply = fetch(server.url('/'), headers={'Accept-Language': header})
    assert reply.status == 302
    assert reply.headers['Location'] == location


@pytest.mark.parametrize('language, direction, words', [
    ('ur', 'rtl', ['محکمہ صحت کا پیغام', 'پولیو مہم', '1129']),
    ('en', 'ltr', ['A message from the Health Department',
        'Polio campaign in all districts', '1129'])])
def test_home_page(server, language, direction, words):
    reply = fetch(server.url('/%s/' % language))
    assert reply.status == 200
    assert '<html lang="%s" dir="%s">' % (language, direction) in reply.text
    for word in words:
        assert word in reply.text, word
    for link in ('/facilities', '/complaints/new', '/complaints/track',
            '/dashboard'):
        assert 'href="/%s%s"' % (language, link) in reply.text, link
    assert 'property="og:title"' in reply.text
    other = 'en' if language == 'ur' else 'ur'
    assert 'href="/%s/"' % other in reply.text, "the language switch"
    assert "unsafe-inline" not in reply.headers['Content-Security-Policy']


def test_content_pages_news_and_documents(server):
    about = fetch(server.url('/ur/pages/about'))
    assert about.status == 200 and 'محکمہ کا تعارف' in about.text
    tender = fetch(server.url('/en/news/tender-medicines'))
    assert tender.status == 200
    link = re.search(r'href="(/en/documents/\d+/[^"]+\.pdf)"', tender.text)
    assert link, "the tender's document is listed"
    pdf = fetch(server.url(link.group(1)))
    assert pdf.status == 200
    assert pdf.headers['Content-Type'] == 'application/pdf'
    assert pdf.text.startswith('%PDF-')
    assert fetch(server.url(link.group(1) + 'x')).status == 404
    assert fetch(server.url('/en/pages/no-such-page')).status == 404


def test_draft_is_not_public(server, admin):
    page, = admin.model('bhmis.web.page', 'create', [{'slug': 'draft-x',
                'title': "Not yet"}])
    assert fetch(server.url('/en/pages/draft-x')).status == 404
    admin.model('bhmis.web.page', 'publish', [page])
    assert fetch(server.url('/en/pages/draft-x')).status == 200
    admin.model('bhmis.web.page', 'unpublish', [page])
    assert fetch(server.url('/en/pages/draft-x')).status == 404


def test_feed_sitemap_robots(server):
    feed = fetch(server.url('/en/news/feed.atom'))
    assert feed.status == 200
    assert feed.headers['Content-Type'].startswith('application/atom+xml')
    assert '<title>Polio campaign in all districts</title>' in feed.text
    sitemap = fetch(server.url('/sitemap.xml'))
    assert sitemap.status == 200
    for path in ('/ur/', '/en/pages/about', '/ur/news/polio-campaign'):
        assert server.url(path) + '</loc>' in sitemap.text, path
    robots = fetch(server.url('/robots.txt'))
    assert 'Disallow: /admin/' in robots.text
    assert 'Sitemap: ' in robots.text


def test_back_office_and_rpc_unchanged(server, admin):
    assert fetch(server.url('/admin/')).status == 200
    assert fetch(server.url('/health')).status == 200
    assert admin.model('bhmis.web.page', 'search_count', []) >= 5


# Complaints -----------------------------------------------------------------

def test_file_and_track_a_complaint_without_javascript(server, admin):
    visitor = Visitor(server)
    token = visitor.token('/en/complaints/new')
    before = complaint_count(admin)
    reply = visitor.post('/en/complaints/new', complaint_fields(token,
            phone='0300-1234567', callback_consent='on'))
    assert reply.status == 303, reply.text[:500]
    number = re.search(r'number=(1129-[0-9A-Z-]+)',
        reply.headers['Location']).group(1)
    assert complaint_count(admin) == before + 1
    filed = visitor.get(reply.headers['Location'])
    assert number in filed.text
    track = visitor.get('/en/complaints/track?number=%s' % number.lower())
    assert track.status == 200
    assert 'Received' in track.text and number in track.text
    assert '0300' not in track.text and '1234567' not in track.text, (
        "no personal data on the tracking page")


def test_xss_in_every_field_shows_as_text(server, admin):
    visitor = Visitor(server)
    token = visitor.token('/en/complaints/new')
    reply = visitor.post('/en/complaints/new', complaint_fields(token,
            description='Bad service ' + XSS, employee_name=XSS, name=XSS,
            incident_at=''))
    assert reply.status == 303, reply.text[:800]
    number = reply.headers['Location'].rsplit('=', 1)[1]
    stored, = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, 1, None,
        ['description', 'employee_name', 'complainant_name'])
    assert stored['description'] == 'Bad service ' + XSS, "stored as text"
    assert stored['employee_name'] == XSS
    # A refused form shows each value back, escaped
    refused = visitor.post('/en/complaints/new', complaint_fields(token,
            category=XSS, facility=XSS, district=XSS, description=XSS,
            incident_at=XSS, employee_name=XSS, name=XSS, phone=XSS,
            cnic=XSS))
    assert refused.status == 400
    assert '<script>alert' not in refused.text
    assert '<img src=x' not in refused.text
    assert str(escape(XSS)) in refused.text
    for path in ('/en/complaints/track?number=%s' % XSS,
            '/en/pages/%s' % XSS, '/en/news/%s' % XSS):
        shown = fetch(server.url(path.replace(' ', '%20')))
        assert '<script>alert' not in shown.text, path


@pytest.mark.parametrize('token', [None, 'wrong'])
def test_csrf_missing_or_wrong_writes_nothing(server, admin, token):
    visitor = Visitor(server)
    real = visitor.token('/en/complaints/new')
    before = complaint_count(admin)
    fields = complaint_fields('x' * 43 if token == 'wrong' else '')
    if token is None:
        del fields['csrf_token']
    reply = visitor.post('/en/complaints/new', fields)
    assert reply.status == 403
    assert 'This form has expired' in reply.text
    # The right token without its cookie (another site's form) too
    stranger = visitor.post('/en/complaints/new', complaint_fields(real),
        cookie=False)
    assert stranger.status == 403
    assert complaint_count(admin) == before


def test_honeypot_filled_writes_nothing(server, admin):
    visitor = Visitor(server)
    token = visitor.token('/en/complaints/new')
    before = complaint_count(admin)
    reply = visitor.post('/en/complaints/new', complaint_fields(token,
            website='http://spam.example'))
    assert reply.status == 400
    assert complaint_count(admin) == before


def test_bad_input_named_in_urdu_and_nothing_written(server, admin):
    visitor = Visitor(server)
    token = visitor.token('/ur/complaints/new')
    before = complaint_count(admin)
    reply = visitor.post('/ur/complaints/new', complaint_fields(token,
            description='short', phone='12345', cnic='1',
            facility='NO-SUCH-FACILITY'), [('attachments', 'photo.jpg',
                b'MZ\x90\x00 this is an executable', 'image/jpeg')])
    assert reply.status == 400
    for message in ('کم از کم 10 حروف لکھیں', 'پاکستانی موبائل نمبر دیں',
            '13 ہندسوں کا شناختی کارڈ نمبر دیں',
            'کوئی JPEG، PNG یا PDF فائل نہیں ہے'):
        assert message in reply.text, message
    assert 'value="12345"' in reply.text, "the values are kept"
    assert complaint_count(admin) == before


def test_oversize_bodies_413(server, admin):
    visitor = Visitor(server)
    token = visitor.token('/en/complaints/new')
    before = complaint_count(admin)
    big = b'\xff' * (16 * 1024 * 1024)
    reply = visitor.post('/en/complaints/new', complaint_fields(token),
        [('attachments', 'big.jpg', big, 'image/jpeg')])
    assert reply.status == 413
    assert 'Too large' in reply.text
    rating = visitor.post('/en/complaints/track/feedback', {
            'csrf_token': token, 'number': '1129-0000-0000',
            'comment': 'x' * (70 * 1024)})
    assert rating.status == 413
    assert complaint_count(admin) == before


@pytest.mark.parametrize('path', [
    '/static/../../tryton.cfg', '/static/%2e%2e/%2e%2e/etc/passwd',
    '/static/..%2f..%2fsite.py', '/static/site.css', '/static//etc/passwd',
    '/static/fonts/../../../bhmis/settings.py',
    '/static/leaflet/%2e%2e/%2e%2e/package.json'])
def test_path_traversal_on_static_files(server, path):
    reply = fetch(server.url(path))
    assert reply.status == 404, path
    assert 'root:' not in reply.text and '[tryton]' not in reply.text


def test_static_files_fingerprinted_and_cached(server):
    home = fetch(server.url('/en/'))
    css = re.search(r'href="(/static/site\.[0-9a-f]{10}\.css)"', home.text)
    assert css
    reply = fetch(server.url(css.group(1)))
    assert reply.status == 200
    assert 'immutable' in reply.headers['Cache-Control']
    font = re.search(r'url\((/static/fonts/[^)]+\.woff2)\)', reply.text)
    assert font, "the Urdu font is served locally"
    assert fetch(server.url(font.group(1))).status == 200


def test_no_internals_on_a_500(server):
    "An id beyond the database's integers fails inside the database"
    reply = fetch(server.url('/en/documents/%s/x.pdf' % ('9' * 30)))
    assert reply.status in {404, 500}
    assert reply.status == 500 or 'Page not found' in reply.text
    for leak in (server.db, 'Traceback', 'Error:', 'sqlite', 'psycopg',
            'trytond', 'Werkzeug', 'gunicorn', '8.0.'):
        assert leak not in reply.text, leak
    assert not re.search(r'\d', reply.headers.get('Server', '')), (
        "no version in the Server header")


def test_burst_from_one_address_429(tmp_path_factory, demo_template):
    inst = serve_website(tmp_path_factory, demo_template, 'website_burst',
        page_rate=6)
    try:
        # 6 a minute refill one every 10 s (20 s for each of PostgreSQL's
        # two workers): however slow the machine, most of 24 are refused
        statuses = [fetch(inst.url('/en/pages/about')).status
            for _ in range(24)]
        assert statuses[0] == 200
        assert statuses.count(429) >= 12, statuses
        refused = fetch(inst.url('/en/'))
        assert refused.status == 429
        assert 'Too many requests' in refused.text
        assert refused.headers['Retry-After'] == '60'
    finally:
        inst.drop()


def test_officer_rpc_login_unchanged(server):
    "The 1129 officer still logs in over RPC beside the public site"
    officer = server.rpc('complaints', DEMO_PASSWORD)
    assert officer.model('bhmis.complaint', 'search_count', []) > 0
