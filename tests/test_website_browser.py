# SPDX-License-Identifier: GPL-3.0-or-later
"""The public website in Chromium on a 360 px phone, in Urdu and English:
a citizen files a complaint with a photo and gets its number, tracks it,
and rates it once the 1129 officer has resolved it; an editor publishes a
news item that appears on the home page and in the feed; axe-core finds
no serious or critical violation on any of W1's page types; the home
page's weight on a first and a second load."""
import io
import re

import pytest
from PIL import Image
from playwright import sync_api

from tests import website
from tests.conftest import DEMO_PASSWORD
from tests.website import axe_violations, page_weight

# The website's fixtures (tests/website.py)
browser = website.browser
phone = website.phone
website_server = website.website_server

expect = sync_api.expect
WORDS = {
    'ur': {'send': 'شکایت بھیجیں', 'filed': 'آپ کی شکایت درج ہو گئی ہے',
        'follow': 'اس شکایت کی پیروی کریں', 'received': 'موصول',
        'resolved': 'حل شدہ', 'closed': 'بند', 'yes': 'جی ہاں، مسئلہ حل ہو گیا',
        'rate': 'میری رائے بھیجیں', 'thanks': 'شکریہ',
        'description': 'کیا ہوا؟', 'photo': 'تصویر یا دستاویز (اختیاری)',
        'phone': 'موبائل نمبر', 'category': 'شکایت کس بارے میں ہے؟',
        'district': 'ضلع'},
    'en': {'send': 'Send the complaint', 'filed': 'Your complaint is '
        'registered', 'follow': 'Follow this complaint',
        'received': 'Received', 'resolved': 'Resolved', 'closed': 'Closed',
        'yes': 'Yes, the problem is solved', 'rate': 'Send my rating',
        'thanks': 'Thank you', 'description': 'What happened?',
        'photo': 'Photo or document (optional)', 'phone': 'Mobile number',
        'category': 'What is the complaint about?', 'district': 'District'},
    }


def jpeg():
    data = io.BytesIO()
    Image.new('RGB', (64, 48), (200, 30, 30)).save(data, 'JPEG')
    return data.getvalue()


def fits_the_screen(page):
    width = page.evaluate('document.documentElement.scrollWidth')
    assert width <= 360, "scrolls sideways at 360 px: %s px" % width


def resolve_as_officer(server, number):
    "The 1129 officer assigns the complaint to themself and resolves it"
    officer = server.rpc('complaints', DEMO_PASSWORD)
    found = officer.model('bhmis.complaint', 'search',
        [('tracking_number', '=', number)], 0, None, None)
    assert len(found) == 1
    officer.model('bhmis.complaint', 'write', found, {
            'assigned_user': officer.session[1]})
    officer.model('bhmis.complaint', 'assign', found)
    officer.model('bhmis.complaint', 'write', found, {
            'public_reply': "ORS delivered from the district store."})
    officer.model('bhmis.complaint', 'resolve', found)


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_file_track_and_rate_a_complaint(phone, website_server, language,
        tmp_path):
    words = WORDS[language]
    photo = tmp_path / 'photo.jpg'
    photo.write_bytes(jpeg())
    page = phone(language)
    page.goto(phone.url('/%s/complaints/new' % language))
    assert axe_violations(page) == []
    fits_the_screen(page)
    page.get_by_label(words['category']).select_option(
        'medicine_unavailable')
    district = page.get_by_label(words['district'], exact=True)
    district.select_option(index=1)
    page.get_by_label(words['description']).fill(
        "No ORS at the dispensary today <script>alert(1)</script>")
    page.get_by_label(words['photo']).set_input_files(str(photo))
    page.get_by_label(words['phone']).fill('0300-1234567')
    page.get_by_role('button', name=words['send']).click()
    expect(page.get_by_role('heading', level=1)).to_have_text(
        words['filed'])
    number = page.locator('#tracking-number').inner_text().strip()
    assert re.fullmatch(r'1129-[0-9A-Z]{4}-[0-9A-Z]{4}', number), number
    size = page.locator('#tracking-number').evaluate(
        'e => parseFloat(getComputedStyle(e).fontSize)')
    assert size >= 28, "the number in large type (%s px)" % size
    expect(page.locator('[data-copy]')).to_be_visible()
    assert axe_violations(page) == []
    admin = website_server.rpc()
    stored, = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, 1, None,
        ['language', 'description'])
    assert admin.model('ir.attachment', 'search_count', [
            ('resource', '=', 'bhmis.complaint,%s' % stored['id'])]) == 1, (
        "the photo is attached")
    assert stored['language'] == language
    assert '<script>' in stored['description'], "kept as text"

    page.get_by_role('link', name=words['follow']).click()
    expect(page.locator('.status')).to_have_text(words['received'])
    assert axe_violations(page) == []
    fits_the_screen(page)

    resolve_as_officer(website_server, number)
    page.reload()
    expect(page.locator('.status')).to_have_text(words['resolved'])
    expect(page.locator('.reply')).to_have_text(
        "ORS delivered from the district store.")
    assert axe_violations(page) == []
    page.get_by_label(words['yes']).check()
    page.locator('label[for="rating-5"]').click()
    page.get_by_role('button', name=words['rate']).click()
    expect(page.get_by_role('status').filter(
            has_text=words['thanks'])).to_be_visible()
    expect(page.locator('.status')).to_have_text(words['closed'])
    rated, = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, 1, None,
        ['state', 'rating', 'satisfied'])
    assert (rated['state'], rated['rating'], rated['satisfied']) == (
        'closed', 5, True)
    assert not phone.errors, phone.errors


def web_editor(server, login):
    "A user with the Web Editor role only, logged in over RPC"
    admin = server.rpc()
    group, = admin.model('res.group', 'search',
        [('name', '=', 'BHMIS Web Editor')], 0, None, None)
    admin.model('res.user', 'create', [{'login': login, 'name': login,
                'password': 'editor-password-1129',
                'groups': [('add', [group])]}])
    return server.rpc(login, 'editor-password-1129')


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_editor_publishes_news(phone, website_server, language):
    editor = web_editor(website_server, 'editor.%s' % language)
    title = {'ur': 'ہیپاٹائٹس کی مفت جانچ', 'en': 'Free hepatitis tests'}[
        language]
    slug = 'hepatitis-tests-%s' % language
    editor.context['language'] = language
    news, = editor.model('bhmis.web.news', 'create', [{'slug': slug,
                'kind': 'notice', 'title': title,
                'summary': title, 'body': '<p>%s</p><script>x()</script>'
                % title}])
    page = phone(language)
    page.goto(phone.url('/%s/' % language))
    expect(page.get_by_role('link', name=title)).to_have_count(0)
    editor.model('bhmis.web.news', 'publish', [news])
    page.reload()
    link = page.get_by_role('link', name=title)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role('heading', level=1)).to_have_text(title)
    assert page.locator('.body script').count() == 0, "sanitised on save"
    feed = page.request.get(phone.url('/%s/news/feed.atom' % language))
    assert feed.ok
    assert '<title>%s</title>' % title in feed.text()


PAGES = ['/', '/pages/about', '/news/', '/news/tender-medicines',
    '/complaints/new', '/complaints/track', '/no-such-page']


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_accessibility_of_every_page_type(phone, language):
    page = phone(language)
    found = {}
    for path in PAGES:
        # The 404 page's own status is the one failed load expected
        phone.errors[:] = [e for e in phone.errors if '404' not in e]
        page.goto(phone.url('/%s%s' % (language, path)))
        html = page.locator('html')
        expect(html).to_have_attribute('lang', language)
        expect(html).to_have_attribute('dir',
            'rtl' if language == 'ur' else 'ltr')
        fits_the_screen(page)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, found
    errors = [e for e in phone.errors if '404' not in e]
    assert not errors, errors


@pytest.mark.parametrize('language', ['ur', 'en'])
def test_page_weight(phone, language):
    page = phone(language)
    first, second = page_weight(page, phone.url('/%s/' % language))
    assert first < 200 * 1024, "first load %s bytes" % first
    assert second < 50 * 1024, "second load %s bytes" % second
    assert second < first / 2, (first, second)
