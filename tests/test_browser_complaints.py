# SPDX-License-Identifier: GPL-3.0-or-later
"""The 1129 cell in a real browser: the operator (`complaints`) keys in a
phone complaint about staff absence at the Civil Hospital of Quetta and
assigns it; the hospital's focal person (`focal.civil`), who cannot see
who complained, starts work on it and resolves it with a reply to the
citizen.  The server then holds the history of each step with who did
it, the evidence computed at intake and the SMS to the citizen.

Run: python -m pytest tests/test_browser_complaints.py
"""
import contextlib
import re
import uuid

from playwright import sync_api

from tests import test_browser as back_office
from tests.conftest import DEMO_PASSWORD
from tests.test_browser import BackOffice, expect

browser, office = back_office.browser, back_office.office

FACILITY = 'QUETTA-CIVIL-001'
OPERATOR = ('complaints', "Complaint Officer 1129")
FOCAL = ('focal.civil', "Focal Person Civil Hospital Quetta")
MENU = ('Health (BHMIS)', 'Complaints (1129)', 'Complaints')


@contextlib.contextmanager
def second_office(browser, server, request):
    "Another user's back office, in a browser context of its own"
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(back_office.TIMEOUT)
    try:
        yield BackOffice(page, server)
    finally:
        with contextlib.suppress(sync_api.Error):
            page.screenshot(path=server.var / (
                    '%s-focal.png' % request.node.name))
        context.close()


def rec_name(admin, model, domain):
    record, = admin.model(model, 'search_read', domain, 0, None, None,
        ['rec_name'])
    return record['rec_name']


def complete(office, name, text, expected):
    "Type text in the many2one `name` and pick the completion expected"
    widget = office.field(name)
    completion = office.tab.locator(
        '.dropdown-completion li.completion').filter(visible=True)
    widget.fill(text)
    for _ in range(3):
        with contextlib.suppress(AssertionError):
            expect(completion.first).to_be_visible(timeout=5_000)
        if completion.count() or widget.input_value() == text:
            break
        widget.fill(text)
    completion.filter(has_text=re.compile(
            r'^\s*%s\s*$' % re.escape(expected))).click()
    expect(widget).to_have_value(expected)


def type_in(office, name, text):
    "Type text in the field and leave it, so that sao takes it"
    widget = office.field(name)
    for _ in range(3):
        widget.fill(text)
        widget.press('Tab')
        with contextlib.suppress(AssertionError):
            expect(widget).to_have_value(text, timeout=3_000)
            return
    expect(widget).to_have_value(text)


def state(office):
    return office.field('state').locator('option:checked')


def button(office, name):
    return office.tab.locator('.form').get_by_role('button', name=name,
        exact=True)


def page_tab(office, name):
    office.tab.locator('.form').get_by_role('tab', name=name,
        exact=True).click()


def test_operator_keys_in_focal_person_resolves(office, demo_server,
        browser, request):
    admin = demo_server.rpc()
    category = rec_name(admin, 'bhmis.complaint.category',
        [('code', '=', 'staff_absence')])
    facility = rec_name(admin, 'bhmis.facility', [('code', '=', FACILITY)])
    # A description of this run only, to find the complaint again
    description = "No doctor in the OPD at 10 am (%s)" % uuid.uuid4().hex[:8]
    phone = '0301-%07d' % (uuid.uuid4().int % 10_000_000)
    focal_user, = admin.model('res.user', 'search_read',
        [('login', '=', FOCAL[0])], 0, None, None, ['id'])

    office.login(OPERATOR[0], DEMO_PASSWORD, OPERATOR[1])
    office.open_menu(*MENU)
    with office.step("key in the phone complaint"):
        expect(office.tab.get_by_role('tab', name=re.compile(
                    r'^\s*New\s+\d+'))).to_be_visible()
        office.tab.get_by_role('button', name='New', exact=True).click()
        expect(office.field('category')).to_be_editable()
        expect(office.field('channel').locator('option:checked')
            ).to_have_text('Phone')
        complete(office, 'category', 'Staff Absence', category)
        complete(office, 'facility', FACILITY, facility)
        expect(office.field('district')).to_have_value('Quetta')
        type_in(office, 'description', description)
        office.field('language').select_option(label='English')
        page_tab(office, 'Complainant')
        type_in(office, 'complainant_name', "Gul Bibi")
        type_in(office, 'phone', phone)
    with office.step("assign it (sao saves it first)"):
        page_tab(office, 'Complaint')
        expect(office.field('description')).to_have_value(description)
        button(office, 'Assign').click()
        expect(state(office)).to_have_text('Assigned')
        number = office.field('tracking_number')
        expect(number).to_have_value(re.compile(r'^1129-\w{4}-\w{4}$'))
        number = number.input_value()
        page_tab(office, 'Handling')
        expect(office.field('assigned_user')).to_have_value(FOCAL[1])
        expect(office.page.locator('.error-dialog[role="dialog"]')
            ).to_have_count(0)

    complaint, = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, None, None,
        ['channel', 'phone', 'state', 'assigned_user', 'description',
            'evidence_kind', 'evidence_at'])
    assert (complaint['channel'], complaint['phone'], complaint['state'],
        complaint['assigned_user'], complaint['description']) == (
        'phone', '+92' + phone.replace('-', '')[1:], 'assigned',
        focal_user['id'], description)
    assert complaint['evidence_kind'] == 'attendance'
    assert complaint['evidence_at'], "the evidence computed at intake"

    with second_office(browser, demo_server, request) as focal:
        focal.login(FOCAL[0], DEMO_PASSWORD, FOCAL[1])
        focal.open_menu(*MENU)
        with focal.step("open complaint %s" % number):
            focal.tab.get_by_role('tab', name=re.compile(r'^\s*Open\b')
                ).click()
            row = focal.tab.locator('.treeview tbody tr').filter(
                has_text=number)
            expect(row).to_have_count(1)
            row.dblclick()
            expect(focal.field('tracking_number')).to_have_value(number)
            expect(state(focal)).to_have_text('Assigned')
            expect(focal.field('description')).to_have_value(description)
        with focal.step("see no one's identity"):
            page_tab(focal, 'Complainant')
            expect(focal.field('phone')).to_have_count(0)
            expect(focal.field('complainant_name')).to_have_count(0)
            expect(focal.tab.locator('.form')).not_to_contain_text(
                "Gul Bibi")
        with focal.step("see the evidence"):
            page_tab(focal, 'Evidence')
            expect(focal.field('evidence_kind').locator('option:checked')
                ).to_have_text('Attendance')
        with focal.step("start work"):
            button(focal, 'Start Work').click()
            expect(state(focal)).to_have_text('In Progress')
        with focal.step("resolve with a reply to the citizen"):
            page_tab(focal, 'Handling')
            focal.field('resolution').select_option(label='Action Taken')
            type_in(focal, 'public_reply',
                "The doctor was warned; the OPD opens at 8 am.")
            button(focal, 'Resolve').click()
            confirm = focal.page.locator(
                '.confirmation-dialog[role="dialog"]')
            expect(confirm).to_contain_text(
                "The citizen will be asked to rate the resolution.")
            confirm.get_by_role('button', name='OK').click()
            expect(state(focal)).to_have_text('Resolved')
            expect(focal.page.locator('.error-dialog[role="dialog"]')
                ).to_have_count(0)

    complaint, = admin.model('bhmis.complaint', 'search_read',
        [('tracking_number', '=', number)], 0, None, None,
        ['state', 'resolution', 'transitions', 'messages'])
    assert (complaint['state'], complaint['resolution']) == (
        'resolved', 'action_taken')
    steps = admin.model('bhmis.complaint.transition', 'read',
        complaint['transitions'], ['to_state', 'user', 'public_reply'])
    operator, = admin.model('res.user', 'search_read',
        [('login', '=', OPERATOR[0])], 0, None, None, ['id'])
    assert [(s['to_state'], s['user']) for s in steps] == [
        ('assigned', operator['id']), ('in_progress', focal_user['id']),
        ('resolved', focal_user['id'])]
    assert steps[-1]['public_reply'] == (
        "The doctor was warned; the OPD opens at 8 am.")
    messages = admin.model('bhmis.complaint.message', 'read',
        complaint['messages'], ['kind', 'text'])
    assert sorted(m['kind'] for m in messages) == [
        'acknowledgement', 'feedback_request', 'status']
    assert all(number in m['text'] for m in messages)
