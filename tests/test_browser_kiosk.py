# SPDX-License-Identifier: GPL-3.0-or-later
"""The attendance kiosk in a real browser: Playwright for Python driving
Debian's Chromium, whose camera is a fake one filming scikit-image's
astronaut photo, against `bhmis serve` (the session's `demo_server`).

Once for the module, as an administrator would, `bhmis attendance
device-add` adds a kiosk to QUETTA-CIVIL-001 (liveness off: a photo cannot
blink) and `bhmis attendance enrol` enrols the astronaut's face for one of
its employees, chosen over RPC among those without a face or attendance.
The kiosk, opened with its key in the address, checks her in; offline it
keeps the check-ins in IndexedDB and sends them, in order and with their
own event ids, when the network is back. A wrong key leads to the set-up
screen; the language switch to Urdu, right to left. The facility in-charge
enrols from the kiosk with their own login.

Needs Debian's ffmpeg for the fake camera (tests/run installs it).

Run: python -m pytest tests/test_browser_kiosk.py
"""
import contextlib
import datetime as dt
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from PIL import Image
from playwright import sync_api
from skimage import data

from tests.conftest import DEMO_PASSWORD
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT, expect

FACILITY = 'QUETTA-CIVIL-001'
INCHARGE = 'incharge.civil'
# The camera's 640x480 picture: the photo scaled into it, black bars aside.
# Chromium decodes MJPEG in 4:2:0 only (ffmpeg's default for a PNG, 4:4:4,
# films a green screen), with video range colours.
FFMPEG_FILTER = ('scale=640:480:force_original_aspect_ratio=decrease,'
    'pad=640:480:(ow-iw)/2:(oh-ih)/2')
ARABIC_SCRIPT = re.compile('[\u0600-\u06ff]')
# The check-ins waiting in the kiosk's IndexedDB
QUEUED = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('bhmis-kiosk');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const request = open.result.transaction('queue')
            .objectStore('queue').getAll();
        request.onerror = () => reject(request.error);
        request.onsuccess = () => resolve(request.result.map((item) => ({
            event_id: item.event_id, captured_at: item.captured_at,
            seq: item.seq, frames: item.frames.length})));
    };
})"""


def datetime_from_rpc(value):
    return dt.datetime(value['year'], value['month'], value['day'],
        value['hour'], value['minute'], value['second'])


def datetime_to_rpc(value):
    return {'__class__': 'datetime', 'year': value.year,
        'month': value.month, 'day': value.day, 'hour': value.hour,
        'minute': value.minute, 'second': value.second, 'microsecond': 0}


def datetime_from_iso(value):
    "A naive UTC datetime from the kiosk's ISO 8601 (with Z)"
    at = dt.datetime.fromisoformat(value.replace('Z', '+00:00'))
    return at.astimezone(dt.timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope='module')
def camera(tmp_path_factory):
    "The astronaut photo (PNG) and the fake camera's video of it (MJPEG)"
    assert shutil.which('ffmpeg'), (
        "the kiosk's fake camera needs Debian's ffmpeg (tests/run "
        "installs it: apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp('camera')
    photo = folder / 'face.png'
    Image.fromarray(data.astronaut()).save(photo)
    video = folder / 'face.mjpeg'
    subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-loop', '1',
            '-i', str(photo), '-t', '3', '-r', '15', '-vf', FFMPEG_FILTER,
            '-pix_fmt', 'yuv420p', '-strict', '-1', '-q:v', '3',
            '-c:v', 'mjpeg', '-f', 'mjpeg', str(video)],
        check=True, capture_output=True, timeout=120)
    return SimpleNamespace(photo=photo, video=video)


def choose_employees(admin):
    """Active employees of FACILITY, in id order, without an enrolled face
    nor an arrival in the last day (the demo has two weeks of punches): the
    last punch of their day is none or an 'out', their next one an 'in'"""
    faces = {f['employee'] for f in admin.model('bhmis.attendance.face',
            'search_read', [], 0, None, None, ['employee'])}
    since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None
        ) - dt.timedelta(days=1)
    punched = {line['employee'] for line in admin.model('attendance.line',
            'search_read', [('employee.facility.code', '=', FACILITY),
                ('type', '=', 'in'), ('at', '>=', datetime_to_rpc(since))],
            0, None, None, ['employee'])}
    employees = [e for e in admin.model('company.employee', 'search_read',
            [('facility.code', '=', FACILITY), ('hr_status', '=', 'active')],
            0, None, [('id', 'ASC')], ['personnel_number', 'party.name'])
        if e['id'] not in faces | punched]
    assert len(employees) >= 2, (
        "the demo has fewer than 2 active employees without a face or a "
        "recent arrival at %s" % FACILITY)
    return [SimpleNamespace(id=e['id'], name=e['party.']['name'],
            number=e['personnel_number']) for e in employees]


@pytest.fixture(scope='module')
def kiosk(demo_server, camera):
    """A kiosk of FACILITY added with `bhmis attendance device-add`, and
    the employee whose face `bhmis attendance enrol` enrolled"""
    admin = demo_server.rpc()
    employee, other, *_ = choose_employees(admin)
    output = demo_server.bhmis('attendance', 'device-add',
        '--facility', FACILITY, '--liveness', 'off').stdout
    code = re.search(r'^\s*Device:\s*(\S+)', output, re.M)
    # "Device key: <key>", maybe with a warning before the colon
    key = re.search(r'^\s*Device key\b[^:\n]*:\s*(\S+)', output, re.M)
    assert code and key, "device-add printed no device or key:\n" + output
    result = demo_server.bhmis('attendance', 'enrol',
        '--employee', employee.number, str(camera.photo))
    assert re.search(r'^Enrolled', result.stdout, re.M), result.stdout
    yield SimpleNamespace(code=code.group(1), key=key.group(1),
        employee=employee, other=other)
    # A face is enrolled for one employee only: let the other modules of
    # the session enrol the astronaut again
    admin = demo_server.rpc()
    admin.model('bhmis.attendance.face', 'delete', [f['id']
            for f in admin.model('bhmis.attendance.face', 'search_read',
                [('employee', '=', employee.id)], 0, None, None, [])])
    assert not admin.model('bhmis.attendance.face', 'search',
        [('employee', '=', employee.id)], 0, None, None)


@pytest.fixture(scope='module')
def browser(camera):
    "Chromium whose camera films the astronaut"
    expect.set_options(timeout=TIMEOUT)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
            headless=True, args=[*CHROMIUM_ARGS,
                '--use-fake-device-for-media-stream',
                '--use-fake-ui-for-media-stream',
                '--use-file-for-fake-video-capture=%s' % camera.video])
        yield browser
        browser.close()
    expect.set_options(timeout=5_000)


@pytest.fixture
def screen(browser, demo_server, kiosk, request):
    "The kiosk's page in a fresh browser context (no stored key, no queue)"
    context = browser.new_context(
        viewport={'width': 800, 'height': 1280}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    screen = Screen(context, page, demo_server, kiosk)
    yield screen
    # Left beside serve.log for whoever debugs a failure
    with contextlib.suppress(sync_api.Error):
        page.screenshot(path=demo_server.var / ('%s.png' % request.node.name))
    context.close()


class Screen:
    "What a person does at the kiosk"

    def __init__(self, context, page, server, kiosk):
        self.context, self.page = context, page
        self.server, self.kiosk = server, kiosk
        self.errors = []
        page.on('pageerror', lambda error: self.errors.append(str(error)))
        self.checkin_button = page.locator('#checkin')
        self.result = page.locator('#result')
        self.queue_count = page.locator('#queue-count')
        self.setup_key = page.locator('#setup-key')

    @contextlib.contextmanager
    def step(self, description):
        "Name the step and add JavaScript errors to a failure in it"
        try:
            yield
        except (AssertionError, sync_api.Error) as error:
            message = str(error).split('\nAria snapshot:')[0]
            raise AssertionError("%s failed\nJavaScript errors in the page: "
                "%s\n%s\n(screenshot and serve.log in %s)" % (description,
                    self.errors or "none", message, self.server.var)
                ) from error
        assert not self.errors, "JavaScript errors while trying to %s: %s" % (
            description, self.errors)

    def url(self, key):
        return self.server.url('/%s/bhmis/kiosk/%s#key=%s' % (
                self.server.db, self.kiosk.code, key))

    def open(self, key=None):
        "Open the kiosk as its installer does, the key in the address"
        with self.step("open the kiosk"):
            self.page.goto(self.url(key or self.kiosk.key))
            expect(self.checkin_button).to_be_enabled()
            # The key is kept on the device, not in the address
            assert '#key' not in self.page.url
            assert self.page.evaluate('(name) => localStorage.getItem(name)',
                'bhmis-kiosk-key:%s:%s' % (self.server.db, self.kiosk.code)
                ) == (key or self.kiosk.key)

    def check_in(self, status, description):
        with self.step(description):
            self.checkin_button.click()
            expect(self.result).to_have_attribute('data-status', status)

    def queued(self):
        "The check-ins waiting in IndexedDB, oldest first"
        return sorted(self.page.evaluate(QUEUED), key=lambda i: i['seq'])


def test_check_in_online_and_offline(screen, kiosk, demo_server):
    "Her face checks her in; offline check-ins are sent when back online"
    admin = demo_server.rpc()
    employee = kiosk.employee

    def lines():
        return {line['id']: line for line in admin.model('attendance.line',
                'search_read', [('employee', '=', employee.id)], 0, None,
                None, ['type', 'at'])}

    before = lines()
    screen.open()
    screen.check_in('accepted', "check in %s" % employee.name)
    with screen.step("show her name and her arrival"):
        expect(screen.page.locator('#result-name')).to_have_text(
            employee.name)
        expect(screen.page.locator('#result-detail')).to_have_text(
            re.compile(r'^In\b'))

    new = [line for id_, line in lines().items() if id_ not in before]
    assert [line['type'] for line in new] == ['in'], new
    line, = new
    event, = admin.model('bhmis.attendance.event', 'search_read',
        [('device.code', '=', kiosk.code)], 0, None, None,
        ['status', 'employee', 'line', 'type'])
    assert (event['status'], event['employee'], event['line'],
        event['type']) == ('accepted', employee.id, line['id'], 'in')

    screen.context.set_offline(True)
    screen.check_in('queued', "keep a check-in offline")
    with screen.step("count the check-ins kept offline"):
        expect(screen.queue_count).to_have_text('1')
        screen.checkin_button.click()
        expect(screen.queue_count).to_have_text('2')
        expect(screen.result).to_have_attribute('data-status', 'queued')
    queued = screen.queued()
    assert [item['frames'] for item in queued] == [1, 1], queued
    assert queued[0]['captured_at'] < queued[1]['captured_at'], queued
    event_ids = [item['event_id'] for item in queued]

    screen.context.set_offline(False)
    with screen.step("send the check-ins kept offline"):
        expect(screen.queue_count).to_have_text('0')
        assert screen.queued() == []

    # Each was answered, in order, with its own event id and capture time;
    # the server may take a check-in within a minute of the last as the
    # same punch, so each is an accepted punch of hers, old or new
    events = admin.model('bhmis.attendance.event', 'search_read',
        [('event_id', 'in', event_ids)], 0, None, [('id', 'ASC')],
        ['event_id', 'status', 'employee', 'line', 'captured_at'])
    assert [e['event_id'] for e in events] == event_ids, events
    punches = lines()
    for item, event in zip(queued, events):
        assert event['status'] == 'accepted', event
        assert event['employee'] == employee.id, event
        assert event['line'] in punches, (event, punches)
        captured_at = datetime_from_iso(item['captured_at'])
        assert abs(datetime_from_rpc(event['captured_at']) - captured_at
            ) < dt.timedelta(seconds=1), (item, event)


def test_wrong_key(screen):
    "A wrong or revoked key brings the set-up screen back"
    screen.open('wrong')
    with screen.step("check in with a wrong key"):
        screen.checkin_button.click()
        expect(screen.setup_key).to_be_visible()
        expect(screen.page.locator('#setup-message')).to_contain_text(
            'refused')
        expect(screen.checkin_button).to_be_hidden()
        assert screen.queued() == []
    with screen.step("enter the right key"):
        screen.setup_key.fill(screen.kiosk.key)
        screen.page.locator('#setup-save').click()
        expect(screen.checkin_button).to_be_enabled()


def test_urdu(screen):
    "The language switch turns the page to Urdu, right to left, and stays"
    screen.open()
    html = screen.page.locator('html')
    english = screen.checkin_button.inner_text()
    with screen.step("switch to Urdu"):
        expect(html).to_have_attribute('dir', 'ltr')
        screen.page.locator('#lang').click()
        expect(html).to_have_attribute('dir', 'rtl')
        expect(html).to_have_attribute('lang', 'ur')
        expect(screen.checkin_button).to_have_text(ARABIC_SCRIPT)
        assert screen.checkin_button.inner_text() != english
    with screen.step("keep Urdu after a reload"):
        screen.page.reload()
        expect(screen.checkin_button).to_be_enabled()
        expect(html).to_have_attribute('dir', 'rtl')
    with screen.step("switch back to English"):
        screen.page.locator('#lang').click()
        expect(html).to_have_attribute('dir', 'ltr')
        expect(screen.checkin_button).to_have_text(english)


def test_enrol_at_the_kiosk(screen, kiosk):
    """The in-charge enrols from the kiosk with their own login: a wrong
    password and another employee's face are refused"""
    page = screen.page
    screen.open()
    enrol_result = page.locator('#enrol-result')
    password = page.locator('#enrol-password')
    with screen.step("take three photos and remove one"):
        page.locator('#enrol-open').click()
        page.locator('#enrol-login').fill(INCHARGE)
        for _ in range(3):
            page.locator('#enrol-photo').click()
        thumbnails = page.locator('#enrol-thumbs li')
        expect(thumbnails).to_have_count(3)
        thumbnails.nth(1).get_by_role('button').click()
        expect(thumbnails).to_have_count(2)

    def enrol(password_text, employee, status):
        password.fill(password_text)
        page.locator('#enrol-personnel').fill(employee.number)
        page.locator('#enrol-submit').click()
        expect(enrol_result).to_have_attribute('data-status', status)
        # The password is never kept
        expect(password).to_have_value('')

    with screen.step("enrol with a wrong password"):
        enrol('wrong-password', kiosk.employee, 'error')
        expect(enrol_result).to_contain_text('Wrong login or password')
    with screen.step("enrol her face for another employee"):
        enrol(DEMO_PASSWORD, kiosk.other, 'rejected')
        expect(enrol_result).to_contain_text('already matches another')
    with screen.step("enrol two more photos of her"):
        enrol(DEMO_PASSWORD, kiosk.employee, 'enrolled')
        expect(enrol_result).to_contain_text(kiosk.employee.name)
        expect(enrol_result).to_contain_text('photos kept: 2')
        expect(page.locator('#enrol-thumbs li')).to_have_count(0)
    with screen.step("go back to attendance"):
        page.locator('#enrol-close').click()
        expect(screen.checkin_button).to_be_visible()
        expect(page.locator('#enrol-login')).to_be_hidden()
