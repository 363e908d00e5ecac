# SPDX-License-Identifier: GPL-3.0-or-later
"""The public site's pure parts, without a database: the sanitiser, the
language choice, CSRF tokens, the catalogues, the static files' table and
the frame's answers (redirects, headers, 404, 413, 403, 429, 500)."""
import gzip
import re

import pytest
from werkzeug.test import Client

from bhmis_website import csrf, i18n, languages, routing, sanitize, security
from bhmis_website.document import check_pdf
from bhmis_website.publishing import SLUG
from bhmis_website.site import Site
from bhmis_website.static import StaticFiles

# The sanitiser -----------------------------------------------------------

@pytest.mark.parametrize('html', [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<style>body{display:none}</style>',
    '<svg onload=alert(1)>',
    '<form action="https://evil.example"><input name=a></form>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<object data="x.swf"></object>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    ])
def test_sanitiser_removes_what_runs(html):
    cleaned = sanitize.clean(html)
    assert not re.search(r'<script|onerror|onclick|onload|javascript:|'
        r'<iframe|<style|<form|<input|data:text|<object|style=', cleaned,
        re.I), cleaned


def test_sanitiser_keeps_the_editors_formatting():
    html = ('<h2>Services</h2><p>Open <strong>daily</strong>, see '
        '<a href="https://health.gob.pk/x">the list</a>.</p>'
        '<ul><li>OPD</li></ul><table><tr><th scope="col">A</th></tr>'
        '</table><p lang="ur" dir="rtl">اردو</p>')
    cleaned = sanitize.clean(html)
    for kept in ('<h2>Services</h2>', '<strong>daily</strong>',
            'href="https://health.gob.pk/x"', '<li>OPD</li>',
            '<th scope="col">A</th>', 'lang="ur"', 'اردو'):
        assert kept in cleaned, (kept, cleaned)
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_sanitiser_drops_images_from_elsewhere():
    cleaned = sanitize.clean('<img src="https://tracker.example/p.gif">'
        '<img src="/static/logo.png" alt="logo">')
    assert 'tracker' not in cleaned
    assert '<img src="/static/logo.png" alt="logo">' in cleaned


def test_summary_text_without_tags():
    assert sanitize.text('<p>A &amp; B</p><p>C</p>') == 'A & B C'
    assert sanitize.text('one two three four', 9) == 'one two…'


@pytest.mark.parametrize('slug, valid', [
    ('health-programmes', True), ('about', True), ('a1-b2', True),
    ('About', False), ('a--b', False), ('-a', False), ('a/b', False),
    ('../etc', False), ('', False), ('a b', False), ('صحت', False)])
def test_slugs(slug, valid):
    assert bool(SLUG.match(slug)) is valid


@pytest.mark.parametrize('data, problem', [
    (b'', 'msg_document_empty'),
    (b'MZ\x90\x00' + b'\x00' * 100, 'msg_document_not_pdf'),
    (b'%PDF-1.4\n1 0 obj', 'msg_document_damaged'),
    (b'%PDF-1.4\n...\n%%EOF\n', None),
    (b'%PDF-1.4\n' + b'0' * (10 * 1024 * 1024) + b'%%EOF', 
        'msg_document_too_large'),
    ])
def test_documents_checked_by_content(data, problem):
    assert check_pdf(data) == problem


# Languages -----------------------------------------------------------------

@pytest.mark.parametrize('header, language', [
    (None, 'ur'), ('', 'ur'), ('fr-FR,fr;q=0.9', 'ur'),
    ('en-US,en;q=0.9', 'en'), ('en-GB', 'en'), ('ur-PK,en;q=0.8', 'ur'),
    ('en;q=0.5,ur;q=0.9', 'ur'), ('en;q=0.9,ur;q=0.5', 'en'),
    ('ur;q=0,en;q=0.1', 'en'), ('*', 'ur'), ('en;q=abc', 'ur'),
    ('de,en;q=0.7', 'en')])
def test_language_from_the_browser(header, language):
    assert languages.choose(header) == language


def test_direction():
    assert languages.direction('ur') == 'rtl'
    assert languages.direction('en') == 'ltr'


# CSRF ------------------------------------------------------------------------

def test_csrf_tokens():
    token = csrf.new_token()
    assert csrf.check(token, token)
    assert not csrf.check(token, csrf.new_token()), "another token"
    assert not csrf.check(token, None), "missing in the form"
    assert not csrf.check(None, token), "missing cookie"
    assert not csrf.check('x' * 40 + '"', 'x' * 40 + '"'), "not a token"
    assert csrf.token_of({csrf.COOKIE: token}) == token
    assert csrf.token_of({csrf.COOKIE: 'short'}) is None
    header = csrf.cookie_header(token, secure=True)
    assert 'HttpOnly' in header and 'SameSite=Strict' in header
    assert 'Secure' in header


# Translations ------------------------------------------------------------------

def test_every_catalogue_loads_and_translates():
    messages = i18n.load()
    assert messages['Find a facility'] == 'صحت کا مرکز تلاش کریں'
    assert i18n.translate('en', 'Find a facility') == 'Find a facility'
    assert i18n.translate('ur', 'Home') == 'سرورق'
    assert i18n.translate('ur', 'Not translated yet') == 'Not translated yet'


def test_templates_strings_have_urdu():
    "Every _('...') of W1's templates has an Urdu translation"
    from bhmis_website.render import TEMPLATES
    messages = i18n.load()
    mine = ['base.html', 'error.html', 'home.html', 'content_page.html',
        'documents.html', 'news_list.html', 'news_item.html',
        'complaint_new.html', 'complaint_filed.html', 'complaint_track.html']
    missing = set()
    for name in mine:
        text = (TEMPLATES / name).read_text('utf-8')
        for found in re.findall(r"_\('((?:[^'\\]|\\.)*)'", text):
            if found not in messages:
                missing.add((name, found))
    assert not missing, sorted(missing)


# Static files ------------------------------------------------------------------

def test_static_names_are_fingerprinted(tmp_path):
    (tmp_path / 'a.css').write_text('p{background:url(img/b.png)}')
    (tmp_path / 'img').mkdir()
    (tmp_path / 'img' / 'b.png').write_bytes(b'\x89PNG one')
    files = StaticFiles(folder=tmp_path)
    png_url = files.url('img/b.png')
    assert re.fullmatch(r'/static/img/b\.[0-9a-f]{10}\.png', png_url)
    css, kind = files.get(files.url('a.css')[len('/static/'):])
    assert kind.startswith('text/css')
    assert png_url.encode() in css, "the stylesheet names the new file"
    (tmp_path / 'img' / 'b.png').write_bytes(b'\x89PNG two')
    changed = StaticFiles(folder=tmp_path)
    assert changed.url('img/b.png') != png_url
    assert changed.url('a.css') != files.url('a.css'), (
        "a stylesheet changes name with the files it names")
    assert files.get('a.css') is None, "only fingerprinted names answer"
    assert files.get('../a.css') is None


# The frame, in process ------------------------------------------------------------

@pytest.fixture(scope='module')
def site():
    @routing.route('/test-boom')
    def boom(page):
        raise RuntimeError("database secret_db_name at /srv/x")

    @routing.route('/test-form', methods=('POST',))
    def form(page):
        return page.render('error.html', code=400)
    # No database: the error pages' menu reads none (on PostgreSQL, the
    # pool would wait its 30 s timeout for a database that is not there)
    menus = routing.MENUS[:]
    routing.MENUS.clear()
    try:
        yield Site('no_such_db', installed=True)
    finally:
        del routing.ROUTES[-2:]
        routing.MENUS[:] = menus


@pytest.fixture
def client(site):
    site.pages.__init__(rate=10_000)
    site.forms.__init__(rate=10_000)
    return Client(site)


@pytest.mark.parametrize('header, location', [
    ('en-US,en;q=0.9', '/en/'), ('ur', '/ur/'), (None, '/ur/')])
def test_root_redirects_by_language(client, header, location):
    response = client.get('/', headers={'Accept-Language': header}
        if header else {})
    assert response.status_code == 302
    assert response.headers['Location'] == location


def test_not_found_page_in_both_languages(client):
    for language, title, direction in (('ur', 'صفحہ نہیں ملا', 'rtl'),
            ('en', 'Page not found', 'ltr')):
        response = client.get('/%s/no-such-page' % language)
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert '<html lang="%s" dir="%s">' % (language, direction) in html
        assert title in html
        other = 'en' if language == 'ur' else 'ur'
        assert 'href="/%s/no-such-page"' % other in html, "language switch"
        assert 'tel:1129' in html


def test_headers_of_a_page(client):
    response = client.get('/en/no-such-page')
    csp = response.headers['Content-Security-Policy']
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert 'unsafe-inline' not in csp and 'unsafe-eval' not in csp
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy']
    assert response.headers['X-Frame-Options'] == 'DENY'


def test_no_internals_on_a_500(client):
    response = client.get('/en/test-boom')
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'Something went wrong' in html
    for leak in ('secret_db_name', 'Traceback', 'RuntimeError', '/srv/x',
            'no_such_db', 'Tryton', 'trytond', 'Werkzeug', 'Python'):
        assert leak not in html, leak
    assert 'Server' not in response.headers or (
        'Python' not in response.headers['Server'])


def test_form_without_csrf_token_refused(client):
    response = client.post('/en/test-form', data={'a': 'b'})
    assert response.status_code == 403
    assert 'This form has expired' in response.get_data(as_text=True)


def test_form_with_another_token_refused(client):
    client.set_cookie(csrf.COOKIE, csrf.new_token())
    response = client.post('/en/test-form',
        data={csrf.FIELD: csrf.new_token()})
    assert response.status_code == 403


def test_form_with_the_token_and_honeypot(client):
    token = csrf.new_token()
    client.set_cookie(csrf.COOKIE, token)
    response = client.post('/en/test-form', data={csrf.FIELD: token})
    assert response.status_code == 200, "the route's own answer"
    robot = client.post('/en/test-form', data={csrf.FIELD: token,
            security.HONEYPOT: 'http://spam.example'})
    assert robot.status_code == 400
    assert 'The form was not accepted' in robot.get_data(as_text=True)


def test_oversize_body_413(client):
    response = client.post('/en/test-form', data=b'x' * (routing.MAX_BODY
            + 1), content_type='application/x-www-form-urlencoded')
    assert response.status_code == 413
    assert 'Too large' in response.get_data(as_text=True)


def test_burst_from_one_address_429(site, client):
    # A stopped clock: the bucket does not refill however slow the machine
    site.pages.__init__(rate=20, clock=lambda: 0.0)
    statuses = [client.get('/en/no-such-page').status_code
        for _ in range(30)]
    assert statuses[:20] == [404] * 20
    assert statuses[-1] == 429
    other = Client(site).get('/en/no-such-page',
        environ_base={'REMOTE_ADDR': '10.9.9.9'})
    assert other.status_code == 404, "another address is not limited"


def test_static_file_cached_a_year_and_traversal_refused(site, client):
    url = site.static.url('site.css')
    response = client.get(url, headers={'Accept-Encoding': 'gzip'})
    assert response.status_code == 200
    assert 'immutable' in response.headers['Cache-Control']
    assert 'max-age=31536000' in response.headers['Cache-Control']
    assert b'@font-face' in gzip.decompress(response.get_data())
    for path in ('/static/../tryton.cfg', '/static/..%2ftryton.cfg',
            '/static/%2e%2e/site.py', '/static/site.css',
            '/static//etc/passwd', '/static/fonts/../../site.py'):
        assert client.get(path).status_code == 404, path


def test_tryton_paths_left_to_tryton(site):
    for path in ('/bhmis/rpc/', '/admin/', '/health', '/x/bhmis/complaints'):
        assert not site.owns(path), path
    for path in ('/', '/ur/', '/en/news/', '/static/x', '/robots.txt',
            '/sitemap.xml'):
        assert site.owns(path), path


def test_without_the_module_the_back_office_keeps_slash():
    "A database without bhmis_website: / goes to /admin/ as before"
    def tryton(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'tryton ' + environ['PATH_INFO'].encode()]
    client = Client(Site('db', fallback=tryton, installed=False))
    response = client.get('/')
    assert response.status_code == 302
    assert response.headers['Location'] == '/admin/'
    assert client.get('/ur/').get_data() == b'tryton /ur/'
    assert client.get('/db/rpc/').get_data() == b'tryton /db/rpc/'


def test_with_the_module_tryton_keeps_its_paths():
    def tryton(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'tryton ' + environ['PATH_INFO'].encode()]
    client = Client(Site('db', fallback=tryton, installed=True))
    assert client.get('/db/rpc/').get_data() == b'tryton /db/rpc/'
    assert client.get('/db/bhmis/complaints/1129-AAAA-AAAA').get_data() == (
        b'tryton /db/bhmis/complaints/1129-AAAA-AAAA')
    assert client.get('/', headers={'Accept-Language': 'en'}).headers[
        'Location'] == '/en/'
