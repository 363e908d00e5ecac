# SPDX-License-Identifier: GPL-3.0-or-later
"""Human resources in a real browser: an HR officer completes a transfer
order at /admin/ and the vacancy report follows. Whoever keys in an order
does not approve it: the other HR officer does.

The employee and the two facilities are chosen over RPC at the start of each
test from the figures of the session's demo at that moment, so the tests do
not depend on the order they run in. A joined transfer cannot be undone (the
postings are the employee's service history): it moves one employee between
two Quetta facilities of the same designation, which the other tests, that
count facilities and not employees, do not see. Orders left half-way by a
failure are completed or deleted over RPC.

Run: python -m pytest tests/test_browser_hr.py
"""
import contextlib
import datetime as dt
import re

import pytest

from tests import test_browser as back_office
from tests.conftest import DEMO_PASSWORD
from tests.test_browser import expect

# The fixtures of the back office: a browser for the module and a fresh
# context with a BackOffice for each test
browser, office = back_office.browser, back_office.office

HR_OFFICERS = {
    'hr.province': "HR Officer (Province)",
    'hr.quetta': "HR Officer Quetta",
    }
# Who keys in the order the other officer approves
KEYER = {'hr.province': 'hr.quetta', 'hr.quetta': 'hr.province'}
VACANCY_FIGURES = ['sanctioned', 'filled', 'vacant', 'surplus']


def date_from_rpc(value):
    return value and dt.date(value['year'], value['month'], value['day'])


def date_to_rpc(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def figures(sanctioned, filled):
    "The figures of the vacancy report for a number of posts and postings"
    return {'sanctioned': sanctioned, 'filled': filled,
        'vacant': max(sanctioned - filled, 0),
        'surplus': max(filled - sanctioned, 0)}


def vacancies(rpc, facility, designation):
    "The figures of the vacancy report for facility and designation"
    rows = rpc.model('bhmis.vacancy', 'search_read', [
            ('facility', '=', facility), ('designation', '=', designation)],
        0, None, None, VACANCY_FIGURES)
    assert len(rows) <= 1, rows
    return ({f: rows[0][f] for f in VACANCY_FIGURES} if rows
        else figures(0, 0))


def choose_transfer(server, before):
    """Choose over RPC, in the demo as it is now, an employee posted at a
    Quetta facility and another Quetta facility with a vacant post of the
    same designation (so that joining raises no warning about surplus).

    The employee has no transfer order yet and holds the posting since
    before the date `before`."""
    admin = server.rpc()
    rows = admin.model('bhmis.vacancy', 'search_read',
        [('district.code', '=', 'QUETTA')], 0, None, [('id', 'ASC')],
        ['facility', 'facility.code', 'facility.rec_name', 'facility.status',
            'designation', 'designation.rec_name', *VACANCY_FIGURES])
    moved = [t['employee'] for t in admin.model('bhmis.transfer',
            'search_read', [], 0, None, None, ['employee'])]
    targets = [r for r in rows
        if r['vacant'] > 0 and r['facility.']['status'] != 'closed']
    sources = [r for r in rows if r['filled'] > 0]
    # Rather from a facility with surplus staff: then every figure moves
    sources.sort(key=lambda r: -r['surplus'])
    for target in targets:
        for source in sources:
            if (source['designation'] != target['designation']
                    or source['facility'] == target['facility']):
                continue
            postings = admin.model('bhmis.posting', 'search_read', [
                    ('facility', '=', source['facility']),
                    ('designation', '=', source['designation']),
                    ('primary', '=', True), ('end_date', '=', None),
                    ('start_date', '<', date_to_rpc(before)),
                    ('employee', 'not in', moved),
                    ('employee.hr_status', '=', 'active'),
                    ], 0, 1, [('id', 'ASC')],
                ['employee', 'employee.rec_name',
                    'employee.personnel_number'])
            if postings:
                posting, = postings
                return {
                    'posting': posting['id'],
                    'employee': posting['employee'],
                    'employee_name': posting['employee.']['rec_name'],
                    'personnel_number': (
                        posting['employee.']['personnel_number']),
                    'designation': source['designation'],
                    'designation_name': source['designation.']['rec_name'],
                    'from': source['facility'],
                    'from_code': source['facility.']['code'],
                    'from_name': source['facility.']['rec_name'],
                    'to': target['facility'],
                    'to_code': target['facility.']['code'],
                    'to_name': target['facility.']['rec_name'],
                    }
    pytest.fail("no Quetta employee to transfer to a vacant post of the "
        "same designation in the demo:\n%s" % rows)


def key_in_transfer(server, login, case):
    "Key in the draft order of case as login, over RPC; return its id"
    transfer, = server.rpc(login, DEMO_PASSWORD).model('bhmis.transfer',
        'create', [{'employee': case['employee'], 'to_facility': case['to'],
                'to_designation': case['designation'], 'type': 'transfer'}])
    return transfer


def transfer_ids(server):
    return {t['id'] for t in server.rpc().model('bhmis.transfer',
            'search_read', [], 0, None, None, ['id'])}


def clean_up_transfers(server, known, joining_date):
    """Leave the demo consistent after the transfer orders that a test
    created beyond the known ones: drafts are deleted and orders left
    half-way are completed (a relieved employee holds no posting)"""
    admin = server.rpc()
    transfers = admin.model('bhmis.transfer', 'search_read',
        [('id', 'not in', list(known))], 0, None, None,
        ['state', 'joining_date'])
    for transfer in transfers:
        ids = [transfer['id']]
        if transfer['state'] == 'approved':
            admin.model('bhmis.transfer', 'cancel', ids)
            admin.model('bhmis.transfer', 'draft', ids)
        if transfer['state'] in {'draft', 'approved', 'cancelled'}:
            admin.model('bhmis.transfer', 'delete', ids)
        elif transfer['state'] == 'relieved':
            if not transfer['joining_date']:
                admin.model('bhmis.transfer', 'write', ids,
                    {'joining_date': date_to_rpc(joining_date)})
            admin.model('bhmis.transfer', 'join', ids)


class HROffice:
    "What an HR officer does with transfer orders and vacancies in sao"

    def __init__(self, office, login):
        self.office, self.page, self.tab = office, office.page, office.tab
        # sao shows and parses dates in the format of the user's language
        self.date_format = office.server.rpc(login, DEMO_PASSWORD).context[
            'locale']['date']

    def selected(self, name):
        return self.office.field(name).locator('option:checked')

    def button(self, name):
        return self.tab.locator('.form').get_by_role(
            'button', name=name, exact=True)

    def new_transfer(self, case):
        "Open a new transfer order and fill in employee and destination"
        office = self.office
        office.open_menu('Health (BHMIS)', 'Human Resources',
            'Transfer Orders')
        with office.step("open the form of a new transfer order"):
            # The list has loaded once its tabs show their counts: a form
            # opened before would be drawn again, losing what is typed
            expect(self.tab.get_by_role('tab', name=re.compile(
                        r'^\s*Draft\s+\d+'))).to_be_visible()
            self.tab.get_by_role('button', name='New', exact=True).click()
            expect(office.field('employee')).to_be_editable()
            # The defaults are shown: typing now is not overwritten
            expect(self.selected('state')).to_have_text('Draft')
            expect(self.selected('type')).to_have_text('Transfer')
        with office.step("choose employee %s" % case['personnel_number']):
            self.complete('employee', case['personnel_number'],
                case['employee_name'])
            # The employee brings their facility and designation
            expect(office.field('from_facility')).to_have_value(
                case['from_name'])
            expect(office.field('to_designation')).to_have_value(
                case['designation_name'])
        with office.step("choose the facility %s" % case['to_code']):
            self.complete('to_facility', case['to_code'], case['to_name'])

    def open_draft(self, case):
        "Open the draft order of the employee of case from the list"
        office = self.office
        office.open_menu('Health (BHMIS)', 'Human Resources',
            'Transfer Orders')
        with office.step("open the draft order of %s"
                % case['personnel_number']):
            expect(self.tab.get_by_role('tab', name=re.compile(
                        r'^\s*Draft\s+\d+'))).to_be_visible()
            row = self.tab.locator('.treeview tbody tr').filter(
                has_text=case['employee_name'])
            expect(row).to_have_count(1)
            row.dblclick()
            expect(office.field('employee')).to_have_value(
                case['employee_name'])
            expect(self.selected('state')).to_have_text('Draft')

    def expect_refusal(self, message):
        "A refusal shown to the user (not an application error), closed"
        page = self.page
        dialog = page.locator('.warning-dialog[role="dialog"]')
        expect(dialog).to_be_visible()
        expect(dialog.locator('h4')).to_have_text(message)
        expect(page.locator('.error-dialog[role="dialog"]')).to_have_count(0)
        dialog.get_by_role('button', name='OK').click()
        expect(dialog).to_have_count(0)

    def complete(self, name, text, rec_name):
        "Type text in the many2one `name` and pick the only completion"
        widget = self.office.field(name)
        completion = self.tab.locator(
            '.dropdown-completion li.completion').filter(visible=True)
        widget.fill(text)
        # sao completes 300 ms after the last input; should the form be
        # drawn again meanwhile, the text is gone: type it again
        for _ in range(3):
            with contextlib.suppress(AssertionError):
                expect(completion.first).to_be_visible(timeout=5_000)
            if completion.count() or widget.input_value() == text:
                break
            widget.fill(text)
        expect(completion).to_have_count(1)
        expect(completion).to_have_text(rec_name)
        completion.click()
        expect(widget).to_have_value(rec_name)

    def enter_date(self, name, date):
        "Type a date in the widget as the user writes it, and leave it"
        widget = self.office.field(name)
        text = date.strftime(self.date_format)
        widget.fill(text)
        widget.press('Tab')
        expect(widget).to_have_value(text)

    def click(self, button, state):
        "Click the button of the order and wait for its new state"
        self.button(button).click()
        expect(self.selected('state')).to_have_text(state)

    def vacancy_row(self, facility_code, facility, designation):
        """Search the vacancy report for a facility and return the row of
        the designation (sao draws the first rows of a long list only)"""
        search = self.tab.get_by_placeholder('Search')
        search.fill('Facility: %s' % facility_code)
        search.press('Enter')

        def cell(column, text):
            return self.page.locator('td[data-title="%s: "]' % column,
                has_text=re.compile(r'^\s*%s\s*$' % re.escape(text)))
        rows = self.tab.locator('.treeview tbody tr')
        # Only the facility once the search is done
        expect(rows.filter(has=self.page.locator(
                    'td[data-title="Facility: "]')).filter(
                has_not=cell('Facility', facility))).to_have_count(0)
        return rows.filter(has=cell('Facility', facility)).filter(
            has=cell('Designation', designation))

    def expect_vacancies(self, facility_code, facility, designation,
            expected):
        row = self.vacancy_row(facility_code, facility, designation)
        expect(row).to_have_count(1)
        for figure in VACANCY_FIGURES:
            expect(row.locator('td[data-title="%s: "] .cell'
                    % figure.capitalize())).to_have_text(
                str(expected[figure]))


def test_keyer_does_not_approve(office, demo_server):
    """The officer who keys in an order is refused its approval: the
    order stays a draft for the other officer"""
    today = dt.date.today()
    case = choose_transfer(demo_server, today)
    known = transfer_ids(demo_server)
    office.login('hr.quetta', DEMO_PASSWORD, HR_OFFICERS['hr.quetta'])
    hr = HROffice(office, 'hr.quetta')
    try:
        hr.new_transfer(case)
        with office.step("approve the order keyed in oneself"):
            office.field('order_number').fill('HD/BROWSER/KEYER')
            office.field('order_number').press('Tab')
            hr.button('Approve').click()
            hr.expect_refusal(
                'You cannot "Approve" the "Transfer Order" "HD/BROWSER/KEYER" '
                'yourself: the same person may not both ask (or send) and '
                'decide (or receive).')
            expect(hr.selected('state')).to_have_text('Draft')
            expect(hr.button('Approve')).to_be_visible()

        # sao saved the order before calling Approve: a draft, nothing moved
        admin = demo_server.rpc()
        transfer, = admin.model('bhmis.transfer', 'search_read',
            [('id', 'not in', list(known))], 0, None, None,
            ['state', 'employee', 'to_facility', 'from_posting',
                'approved_by'])
        assert transfer['state'] == 'draft'
        assert transfer['employee'] == case['employee']
        assert transfer['to_facility'] == case['to']
        assert transfer['from_posting'] is None
        assert transfer['approved_by'] is None
        posting, = admin.model('bhmis.posting', 'read', [case['posting']],
            ['end_date'])
        assert posting['end_date'] is None
    finally:
        clean_up_transfers(demo_server, known, today)


@pytest.mark.parametrize('login', ['hr.province', 'hr.quetta'])
def test_transfer_changes_vacancies(office, demo_server, login):
    """The other HR officer keys in a transfer order; this one approves it
    (not before its order number is given), relieves and joins; the
    vacancy report shows one post filled fewer at the old facility and one
    more at the new one"""
    today = dt.date.today()
    order_date = today - dt.timedelta(days=10)
    relieving_date = today - dt.timedelta(days=6)
    joining_date = today - dt.timedelta(days=2)
    order_number = 'HD/BROWSER/%s' % login
    case = choose_transfer(demo_server, relieving_date)
    admin = demo_server.rpc()
    old = vacancies(admin, case['from'], case['designation'])
    new = vacancies(admin, case['to'], case['designation'])
    assert old['filled'] >= 1 and new['vacant'] >= 1
    old_after = figures(old['sanctioned'], old['filled'] - 1)
    new_after = figures(new['sanctioned'], new['filled'] + 1)
    known = transfer_ids(demo_server)

    office.login(login, DEMO_PASSWORD, HR_OFFICERS[login])
    hr = HROffice(office, login)
    page = office.page
    try:
        key_in_transfer(demo_server, KEYER[login], case)
        hr.open_draft(case)
        with office.step("approve the order without its order number"):
            hr.button('Approve').click()
            hr.expect_refusal(
                'The transfer order "%s → %s" needs its order number to be '
                'approved.' % (case['employee_name'], case['to_name']))
            expect(hr.selected('state')).to_have_text('Draft')
            expect(office.field('order_number')).to_be_editable()
        with office.step("approve the order with its number"):
            office.field('order_number').fill(order_number)
            office.field('order_number').press('Tab')
            hr.enter_date('order_date', order_date)
            hr.click('Approve', 'Approved')
            expect(office.field('order_number')).not_to_be_editable()
            expect(hr.button('Relieve')).to_be_visible()

        with office.step("relieve the employee"):
            hr.enter_date('relieving_date', relieving_date)
            hr.button('Relieve').click()
            confirm = page.locator('.confirmation-dialog[role="dialog"]')
            expect(confirm).to_contain_text(
                'The employee leaves the old facility on the relieving '
                'date.')
            confirm.get_by_role('button', name='OK').click()
            # Join is offered once the order shows as relieved
            refused = page.locator('.warning-dialog[role="dialog"]')
            expect(hr.button('Join').or_(refused).first).to_be_visible()
            expect(refused).to_have_count(0)
            expect(hr.selected('state')).to_have_text('Relieved')
            expect(office.field('employee')).to_have_value(
                case['employee_name'])

        with office.step("record the joining"):
            hr.enter_date('joining_date', joining_date)
            hr.click('Join', 'Joined')
            expect(office.field('new_posting')).to_have_value(
                '%s: %s @ %s' % (case['employee_name'],
                    case['designation_name'], case['to_name']))
            expect(office.field('joining_date')).not_to_be_editable()

        office.open_menu('Health (BHMIS)', 'Reports', 'Vacancies')
        with office.step("read the vacancies of %s" % case['from_code']):
            hr.expect_vacancies(case['from_code'], case['from_name'],
                case['designation_name'], old_after)
        with office.step("read the vacancies of %s" % case['to_code']):
            hr.expect_vacancies(case['to_code'], case['to_name'],
                case['designation_name'], new_after)
    finally:
        clean_up_transfers(demo_server, known, joining_date)

    # The same figures on the server
    assert vacancies(admin, case['from'], case['designation']) == old_after
    assert vacancies(admin, case['to'], case['designation']) == new_after
    # The employee's service history: the old posting ended on the
    # relieving date, the new one open since the joining date
    transfer, = admin.model('bhmis.transfer', 'search_read',
        [('id', 'not in', list(known))], 0, None, None,
        ['state', 'order_number', 'from_posting', 'from_facility',
            'new_posting', 'employee'])
    assert transfer['state'] == 'joined'
    assert transfer['order_number'] == order_number
    assert transfer['employee'] == case['employee']
    assert transfer['from_posting'] == case['posting']
    assert transfer['from_facility'] == case['from']
    postings = admin.model('bhmis.posting', 'search_read',
        [('employee', '=', case['employee'])], 0, None,
        [('start_date', 'ASC')],
        ['facility', 'designation', 'start_date', 'end_date', 'primary',
            'type', 'order_number', 'order_date', 'transfer'])
    for posting in postings:
        for name in ['start_date', 'end_date', 'order_date']:
            posting[name] = date_from_rpc(posting[name])
    *_, ended, joined = postings
    assert ended['id'] == case['posting']
    assert (ended['facility'], ended['end_date']) == (
        case['from'], relieving_date)
    assert joined['id'] == transfer['new_posting']
    assert joined == dict(joined, facility=case['to'],
        designation=case['designation'], start_date=joining_date,
        end_date=None, primary=True, type='transfer',
        order_number=order_number, order_date=order_date,
        transfer=transfer['id'])
    open_ = [p for p in postings if p['primary'] and not p['end_date']]
    assert open_ == [joined]
    employee, = admin.model('company.employee', 'read', [case['employee']],
        ['facility', 'designation'])
    assert employee['facility'] == case['to']
    assert employee['designation'] == case['designation']
