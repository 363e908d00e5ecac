# SPDX-License-Identifier: GPL-3.0-or-later
"""The back office in a real browser: Playwright for Python driving Debian's
Chromium against `bhmis serve` (the session's `demo_server`).

A district health officer logs in at /admin/ and sees only the facilities of
the district; the administrator creates a facility through the form; a wrong
password keeps the user on the login dialog.

Run: python -m pytest tests/test_browser.py
"""
import contextlib
import re
from pathlib import Path

import pytest
from playwright import sync_api

from tests.conftest import ADMIN_PASSWORD, DEMO_PASSWORD

expect = sync_api.expect

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
# sao loads ~2 MB of JavaScript and the server may share the machine
TIMEOUT = 30_000

@pytest.fixture(scope='module')
def browser():
    expect.set_options(timeout=TIMEOUT)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    expect.set_options(timeout=5_000)


@pytest.fixture
def office(browser, demo_server, request):
    "The back office in a fresh browser context (no stored sao session)"
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    office = BackOffice(page, demo_server)
    yield office
    # Left beside serve.log for whoever debugs a failure
    with contextlib.suppress(sync_api.Error):
        page.screenshot(path=demo_server.var / ('%s.png' % request.node.name))
    context.close()


class BackOffice:
    "What a user does in sao, the Tryton web client served at /admin/"

    def __init__(self, page, server):
        self.page, self.server = page, server
        self.errors = []
        page.on('pageerror', lambda error: self.errors.append(str(error)))
        self.login_dialog = page.locator('.login-dialog[role="dialog"]')
        self.password_dialog = page.locator('.ask-dialog[role="dialog"]')
        self.menu = page.locator('#menu')
        self.user = page.locator('#user-preferences')
        self.tab = page.locator('#tabcontent > .tab-pane.active')

    @contextlib.contextmanager
    def step(self, description):
        "Name the step and add JavaScript errors to a failure in it"
        try:
            yield
        except (AssertionError, sync_api.Error) as error:
            # Playwright appends a snapshot of the whole page: keep the start
            message = str(error).split('\nAria snapshot:')[0]
            raise AssertionError("%s failed\nJavaScript errors in the page: "
                "%s\n%s\n(screenshot and serve.log in %s)" % (description,
                    self.errors or "none", message, self.server.var)
                ) from error
        assert not self.errors, "JavaScript errors while trying to %s: %s" % (
            description, self.errors)

    def open(self):
        with self.step("load the login dialog"):
            self.page.goto(self.server.url('/admin/'))
            expect(self.login_dialog).to_be_visible()

    def enter_credentials(self, login):
        "Fill the login dialog (database, user name) and submit it"
        dialog = self.login_dialog
        # With the database list disabled sao shows a text input, else a
        # select
        database = dialog.locator('[name="database"]').filter(visible=True)
        expect(database).to_have_count(1)
        if database.evaluate('node => node.tagName') == 'SELECT':
            database.select_option(self.server.db)
        else:
            database.fill(self.server.db)
        dialog.locator('input[name="login"]').fill(login)
        dialog.get_by_role('button', name='Login').click()

    def enter_password(self, login, password):
        dialog = self.password_dialog
        expect(dialog.get_by_text('Password for %s' % login)).to_be_visible()
        dialog.locator('input[type="password"]').fill(password)
        dialog.get_by_role('button', name='OK', exact=True).click()

    def login(self, login, password, user_name):
        "Log in and wait for the main window (menu and user's name)"
        self.open()
        with self.step("log in as %s" % login):
            self.enter_credentials(login)
            self.enter_password(login, password)
            expect(self.login_dialog).to_be_hidden()
            self.skip_module_configuration()
            expect(self.user).to_contain_text(user_name)
            expect(self.menu_entry('Health (BHMIS)')).to_be_visible()

    def skip_module_configuration(self):
        """Cancel Tryton's "Module Configuration" wizard, which opens at the
        administrator's login while configuration items are open."""
        wizard = self.page.locator('#tabcontent > .tab-pane').filter(
            has_text='Module Configuration')
        cancel = wizard.get_by_role('button', name='Cancel')
        # The wizard runs before the menu is drawn: wait for either
        expect(self.menu_entry('Health (BHMIS)').or_(cancel).first
            ).to_be_visible()
        for _ in range(10):
            if not cancel.is_visible():
                return
            cancel.click()
            # A click while the wizard still loads its state is ignored
            with contextlib.suppress(AssertionError):
                expect(wizard).to_have_count(0, timeout=3_000)
        expect(wizard).to_have_count(0)

    def menu_entry(self, name):
        return self.menu.locator('tr').filter(has=self.page.locator(
                '.column-char', has_text=re.compile(
                    r'^\s*%s\s*$' % re.escape(name))))

    def open_menu(self, *path):
        "Open the menu entry at path, unfolding its parents as needed"
        with self.step("open the menu %s" % ' > '.join(path)):
            for parent, child in zip(path, path[1:]):
                parent, child = self.menu_entry(parent), self.menu_entry(child)
                expect(parent).to_be_visible()
                # sao may unfold the menu itself (saved tree state): only
                # click when the child is not shown, and again if a click
                # raced with sao and folded it
                for _ in range(5):
                    if child.is_visible():
                        break
                    parent.locator('.expander').click()
                    with contextlib.suppress(AssertionError):
                        expect(child).to_be_visible(timeout=3_000)
                expect(child).to_be_visible()
            self.menu_entry(path[-1]).locator('.column-char').click()
            expect(self.tab.locator('.title')).to_contain_text(path[-1])

    def list_column(self, name):
        "The cells of the column `name` in the list of the current tab"
        return self.tab.locator(
            '.treeview tbody td[data-title="%s: "] .cell' % name)

    def field(self, name):
        return self.tab.locator('.form [name="%s"]' % name).filter(
            visible=True)


def facility_codes(server, domain):
    rpc = server.rpc()
    return {f['code'] for f in rpc.model('bhmis.facility', 'search_read',
            domain, 0, None, None, ['code'])}


def test_wrong_password_stays_on_login_dialog(office):
    "A wrong password is refused: sao asks again and nobody is logged in"
    page = office.page
    office.open()
    with office.step("log in with a wrong password"):
        office.enter_credentials('dho.pishin')
        with page.expect_response(
                lambda response: response.url.endswith('/session/login')
                and response.request.method == 'POST'
                and response.status == 401) as refused:
            office.enter_password('dho.pishin', 'not-the-password')
        assert refused.value.status == 401

        # Asked again, with an empty password, on top of the login dialog
        password = office.password_dialog.locator('input[type="password"]')
        expect(office.password_dialog.get_by_text('Password for dho.pishin')
            ).to_be_visible()
        expect(password).to_have_value('')
        expect(office.login_dialog).to_be_visible()
        expect(office.login_dialog.locator('input[name="login"]')
            ).to_have_value('dho.pishin')
        expect(office.menu_entry('Health (BHMIS)')).to_have_count(0)
        expect(office.user).not_to_contain_text('DHO Pishin')
        assert ("login failed for 'dho.pishin'"
            in (office.server.var / 'serve.log').read_text())

    with office.step("give up on the password"):
        office.password_dialog.get_by_role('button', name='Cancel').click()
        # Back on the login dialog, which can be used again
        expect(office.password_dialog).to_be_hidden()
        expect(office.login_dialog).to_be_visible()
        expect(office.login_dialog.get_by_role('button', name='Login')
            ).to_be_enabled()
        expect(office.menu_entry('Health (BHMIS)')).to_have_count(0)

    with office.step("log in with the right password after all"):
        office.login_dialog.get_by_role('button', name='Login').click()
        office.enter_password('dho.pishin', DEMO_PASSWORD)
        expect(office.login_dialog).to_be_hidden()
        expect(office.user).to_contain_text('DHO Pishin')


def test_district_health_officer_sees_own_district(office, demo_server):
    "The DHO of Quetta lists exactly the facilities of Quetta"
    quetta = facility_codes(demo_server, [('district.code', '=', 'QUETTA')])
    pishin = facility_codes(demo_server, [('district.code', '=', 'PISHIN')])
    assert len(quetta) == 7 and all(c.startswith('QUETTA-') for c in quetta)
    assert pishin and all(c.startswith('PISHIN-') for c in pishin)

    office.login('dho.quetta', DEMO_PASSWORD, 'DHO Quetta')
    office.open_menu('Health (BHMIS)', 'Facilities')
    codes = office.list_column('Code')
    with office.step("list all the facilities"):
        # The list opens on the functional ones; "All" includes the others
        expect(codes.first).to_be_visible()
        office.tab.get_by_role('tab', name=re.compile(r'^\s*All\b')).click()
        expect(codes).to_have_count(len(quetta))

    shown = codes.all_inner_texts()
    assert sorted(shown) == sorted(quetta)
    assert not [c for c in shown if c.startswith('PISHIN-')]
    expect(office.list_column('District')).to_have_text(
        ['Quetta'] * len(quetta))


def test_administrator_creates_facility(office, demo_server):
    "The administrator creates a facility through the form"
    rpc = demo_server.rpc()
    quetta, = rpc.model('bhmis.district', 'search_read',
        [('code', '=', 'QUETTA')], 0, None, None, ['id'])
    code, name = 'BROWSER-001', "BHU Browser Test"
    assert not facility_codes(demo_server, [('code', '=', code)])

    office.login('admin', ADMIN_PASSWORD, 'Administrator')
    office.open_menu('Health (BHMIS)', 'Facilities')
    try:
        with office.step("open the form of a new facility"):
            expect(office.list_column('Code').first).to_be_visible()
            # The list has loaded once its tabs show their counts: a form
            # opened before would be drawn again, losing what is typed
            expect(office.tab.get_by_role('tab', name=re.compile(
                        r'^\s*Functional\s+\d+'))).to_be_visible()
            office.tab.get_by_role('button', name='New', exact=True).click()
            expect(office.field('code')).to_be_editable()
            # The defaults are shown: typing now is not overwritten
            expect(office.field('status').locator('option:checked')
                ).to_have_text('Functional')

        with office.step("fill in the facility"):
            # In the order of the form, leaving each field as a user does
            # (sao takes a typed value when the field loses the focus)
            office.field('code').fill(code)
            office.field('code').press('Tab')
            office.field('type').select_option(label='Basic Health Unit')
            expect(office.field('type').locator('option:checked')
                ).to_have_text('Basic Health Unit')
            # The level of care follows from the type at once
            expect(office.field('level').locator('option:checked')
                ).to_have_text('Primary')
            office.field('name').fill(name)
            office.field('name').press('Tab')
            district = office.field('district')
            district.fill('Quetta')
            office.tab.locator('.dropdown-completion li.completion').filter(
                has_text=re.compile(r'^\s*Quetta\s*$')).click()
            expect(district).to_have_value('Quetta')

        with office.step("save the facility"):
            office.tab.get_by_role('button', name='Save', exact=True).click()
            expect(office.tab.get_by_role('alert').filter(
                    has_text='Record saved.')).to_be_visible()
            expect(office.field('status').locator('option:checked')
                ).to_have_text('Functional')

        facility, = rpc.model('bhmis.facility', 'search_read',
            [('code', '=', code)], 0, None, None,
            ['code', 'name', 'type', 'district', 'status'])
        assert facility['name'] == name
        assert facility['type'] == 'bhu'
        assert facility['district'] == quetta['id']
        assert facility['status'] == 'functional'
    finally:
        # Leave the session's demo as it was for the other tests
        rpc.model('bhmis.facility', 'delete', [r['id'] for r in rpc.model(
                    'bhmis.facility', 'search_read', [('code', '=', code)],
                    0, None, None, ['id'])])
