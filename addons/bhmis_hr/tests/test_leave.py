# SPDX-License-Identifier: GPL-3.0-or-later
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr.exceptions import (
    LeaveBalanceError,
    LeaveDatesError,
    LeaveDecisionError,
    LeaveDeleteError,
    LeaveOverlapError,
)
from bhmis_hr.tests.tools import create_employee


def leave_type(code):
    Type = Pool().get('bhmis.leave.type')
    record, = Type.search([('code', '=', code)])
    return record


def create_leave(employee, code, start, end, state='draft'):
    "Create a leave request and take it through the workflow to state"
    Request = Pool().get('bhmis.leave.request')
    request, = Request.create([{'employee': employee.id,
                'type': leave_type(code).id,
                'start_date': start, 'end_date': end}])
    if state in {'requested', 'approved', 'refused'}:
        Request.request([request])
    if state in {'approved', 'refused'}:
        getattr(Request, {'approved': 'approve',
                'refused': 'refuse'}[state])([request])
    if state == 'cancelled':
        Request.cancel([request])
    return request


class LeaveTestCase(DBTestCase):
    "Test leave of bhmis_hr"
    module = 'bhmis_hr'

    def setup_staff(self):
        "Return the company, facilities and a doctor of each facility"
        company = create_company()
        quetta = create_district('QUETTA')
        civil = create_facility('Q-CIVIL', quetta, type='civil')
        bhu = create_facility('Q-BHU', quetta)
        with set_company(company):
            doctors = {
                'civil': create_employee(company, 'C1', "Dr Civil", civil),
                'bhu': create_employee(company, 'B1', "Dr BHU", bhu),
                }
        return company, {'civil': civil, 'bhu': bhu}, doctors

    def incharge(self, login, company, facility):
        user = create_user(login, 'group_facility_incharge',
            facilities=[facility])
        user.companies = [company]
        user.company = company
        user.save()
        return user

    def balances(self, employee, year):
        Balance = Pool().get('bhmis.leave.balance')
        with Transaction().set_context(year=year):
            return {b.type.code: (b.entitlement, b.taken, b.pending,
                    b.remaining)
                for b in Balance.search([('employee', '=', employee.id)])}

    @with_transaction()
    def test_leave_types_shipped(self):
        "The six leave types come as data with their yearly entitlement"
        Type = Pool().get('bhmis.leave.type')
        self.assertEqual(
            {t.code: (t.days_per_year, t.counts_toward_balance, bool(
                        t.name_ur))
                for t in Type.search([])},
            {'CASUAL': (20, True, True), 'EARNED': (48, True, True),
                'MEDICAL': (30, True, True), 'MATERNITY': (90, True, True),
                'EX-PAKISTAN': (0, False, True), 'STUDY': (0, False, True)})

    @with_transaction()
    def test_days_inclusive(self):
        Request = Pool().get('bhmis.leave.request')
        for start, end, days in [
                (dt.date(2026, 3, 2), dt.date(2026, 3, 2), 1),
                (dt.date(2026, 3, 2), dt.date(2026, 3, 6), 5),
                (dt.date(2024, 2, 28), dt.date(2024, 3, 1), 3),
                (dt.date(2026, 3, 6), dt.date(2026, 3, 2), None)]:
            with self.subTest(start=start, end=end):
                request = Request(start_date=start, end_date=end)
                self.assertEqual(request.on_change_with_days(), days)

    @with_transaction()
    def test_balances_by_year(self):
        "Approved days are taken, requested are pending, counted per year"
        company, _, doctors = self.setup_staff()
        doctor = doctors['civil']
        with set_company(company):
            create_leave(doctor, 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6), 'approved')
            create_leave(doctor, 'CASUAL', dt.date(2026, 4, 1),
                dt.date(2026, 4, 2), 'requested')
            create_leave(doctor, 'CASUAL', dt.date(2026, 5, 1),
                dt.date(2026, 5, 9), 'refused')
            create_leave(doctor, 'EARNED', dt.date(2025, 12, 30),
                dt.date(2026, 1, 3), 'approved')
            create_leave(doctor, 'STUDY', dt.date(2026, 6, 1),
                dt.date(2026, 8, 31), 'approved')
        self.assertEqual(self.balances(doctor, 2026), {
                'CASUAL': (20, 5, 2, 15), 'EARNED': (48, 3, 0, 45),
                'MEDICAL': (30, 0, 0, 30), 'MATERNITY': (90, 0, 0, 90)},
            msg="study leave has no balance")
        self.assertEqual(self.balances(doctor, 2025)['EARNED'],
            (48, 2, 0, 46), msg="2 of the 5 days fall in 2025")
        employee = Pool().get('company.employee')(doctor.id)
        with Transaction().set_context(year=2026):
            employee = Pool().get('company.employee')(doctor.id)
            self.assertEqual(
                {b.type.code: b.taken for b in employee.leave_balances
                    if b.taken},
                {'CASUAL': 5, 'EARNED': 3}, msg="shown on the employee")
        self.assertEqual(len(employee.leave_requests), 5)

    @with_transaction()
    def test_end_before_start_refused(self):
        company, _, doctors = self.setup_staff()
        with set_company(company), self.assertRaises(LeaveDatesError):
            create_leave(doctors['civil'], 'CASUAL', dt.date(2026, 3, 6),
                dt.date(2026, 3, 2))

    @with_transaction()
    def test_overlap_refused(self):
        "Two leaves of an employee cannot share a day unless one is closed"
        company, _, doctors = self.setup_staff()
        doctor = doctors['civil']
        Request = Pool().get('bhmis.leave.request')
        with set_company(company):
            first = create_leave(doctor, 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6), 'approved')
            for start, end, refused in [
                    (dt.date(2026, 3, 6), dt.date(2026, 3, 7), True),
                    (dt.date(2026, 2, 20), dt.date(2026, 3, 2), True),
                    (dt.date(2026, 2, 20), dt.date(2026, 3, 20), True),
                    (dt.date(2026, 3, 3), dt.date(2026, 3, 3), True),
                    (dt.date(2026, 3, 7), dt.date(2026, 3, 8), False),
                    ]:
                with self.subTest(start=start, end=end):
                    if refused:
                        with self.assertRaises(LeaveOverlapError):
                            create_leave(doctor, 'MEDICAL', start, end)
                        # Tests run in one transaction: remove what the
                        # refused create stored before it was checked
                        Request.delete(Request.search(
                                [('id', '>', first.id)]))
                    else:
                        create_leave(doctor, 'MEDICAL', start, end,
                            'cancelled')
            create_leave(doctors['bhu'], 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6))
            Request.cancel([first])
            create_leave(doctor, 'MEDICAL', dt.date(2026, 3, 3),
                dt.date(2026, 3, 3))
            with self.assertRaises(LeaveOverlapError):
                Request.draft([first])

    @with_transaction()
    def test_over_balance_refused(self):
        "A request beyond the days left of its type in a year is refused"
        company, _, doctors = self.setup_staff()
        doctor = doctors['civil']
        with set_company(company):
            create_leave(doctor, 'CASUAL', dt.date(2026, 1, 5),
                dt.date(2026, 1, 19), 'approved')  # 15 days
            create_leave(doctor, 'CASUAL', dt.date(2026, 12, 27),
                dt.date(2027, 1, 5), 'requested')  # 5 in 2026, 5 in 2027
            self.assertEqual(self.balances(doctor, 2026)['CASUAL'],
                (20, 15, 5, 5))
            self.assertEqual(self.balances(doctor, 2027)['CASUAL'],
                (20, 0, 5, 20))
            # Sanctioned case by case: no yearly balance
            create_leave(doctor, 'EX-PAKISTAN', dt.date(2026, 3, 1),
                dt.date(2026, 8, 31), 'approved')
            create_leave(doctor, 'CASUAL', dt.date(2026, 2, 2),
                dt.date(2026, 2, 2))
            with self.assertRaises(LeaveBalanceError) as error:
                create_leave(doctor, 'CASUAL', dt.date(2026, 2, 3),
                    dt.date(2026, 2, 3), 'requested')
            self.assertEqual(error.exception.message,
                'The leave "Dr Civil: Casual Leave 2026-02-03 – 2026-02-03" '
                'needs 1 days of Casual Leave in 2026, but only 0 of the 20 '
                'days a year remain.')

    @with_transaction()
    def test_incharge_decides_for_own_facility(self):
        """The in-charge of the employee's facility approves the request; the
        in-charge of another facility neither sees nor approves it"""
        Request = Pool().get('bhmis.leave.request')
        company, facilities, doctors = self.setup_staff()
        civil_incharge = self.incharge('incharge.civil', company,
            facilities['civil'])
        bhu_incharge = self.incharge('incharge.bhu', company,
            facilities['bhu'])
        with set_company(company):
            request = create_leave(doctors['civil'], 'CASUAL',
                dt.date(2026, 3, 2), dt.date(2026, 3, 6), 'requested')
        self.assertEqual(request.facility, facilities['civil'])
        self.assertEqual(
            Request.search([('facility.code', '=', 'Q-CIVIL')]), [request])
        self.assertEqual(
            Request.search([('facility', '=', facilities['bhu'].id)]), [])

        with as_user(bhu_incharge):
            self.assertEqual(Request.search([]), [])
            with self.assertRaises(AccessError):
                Request.approve([Request(request.id)])
        with as_user(civil_incharge):
            self.assertEqual(Request.search([('state', '=', 'requested')]),
                [request])
            Request.approve([Request(request.id)])
            request = Request(request.id)
            self.assertEqual(
                (request.state, request.decided_by, request.days),
                ('approved', civil_incharge, 5))
            # Requests are keyed in for the facility's own staff only
            Request.create([{'employee': doctors['civil'].id,
                        'type': leave_type('MEDICAL').id,
                        'start_date': dt.date(2026, 4, 1),
                        'end_date': dt.date(2026, 4, 2)}])
            with self.assertRaises(AccessError):
                Request.create([{'employee': doctors['bhu'].id,
                            'type': leave_type('MEDICAL').id,
                            'start_date': dt.date(2026, 4, 1),
                            'end_date': dt.date(2026, 4, 2)}])

    @with_transaction()
    def test_nobody_decides_own_leave(self):
        Request = Pool().get('bhmis.leave.request')
        company, facilities, doctors = self.setup_staff()
        incharge = self.incharge('incharge.civil', company,
            facilities['civil'])
        incharge.employees = [doctors['civil']]
        incharge.save()
        with set_company(company):
            request = create_leave(doctors['civil'], 'CASUAL',
                dt.date(2026, 3, 2), dt.date(2026, 3, 6), 'requested')
        with as_user(incharge):
            for button in [Request.approve, Request.refuse]:
                with self.subTest(button=button.__name__), \
                        self.assertRaises(LeaveDecisionError):
                    button([Request(request.id)])
        self.assertEqual(Request(request.id).state, 'requested')

    @with_transaction()
    def test_delete_only_draft_or_cancelled(self):
        Request = Pool().get('bhmis.leave.request')
        company, _, doctors = self.setup_staff()
        with set_company(company):
            approved = create_leave(doctors['civil'], 'CASUAL',
                dt.date(2026, 3, 2), dt.date(2026, 3, 6), 'approved')
            draft = create_leave(doctors['civil'], 'CASUAL',
                dt.date(2026, 4, 2), dt.date(2026, 4, 6))
        with self.assertRaises(LeaveDeleteError):
            Request.delete([approved])
        Request.delete([draft])
        Request.cancel([approved])
        Request.delete([approved])
        self.assertEqual(Request.search([]), [])

    @with_transaction()
    def test_employees_on_leave(self):
        "Attendance asks who is on approved leave on a day"
        Request = Pool().get('bhmis.leave.request')
        company, facilities, doctors = self.setup_staff()
        with set_company(company):
            nurse = create_employee(company, 'C2', "Nurse", facilities['civil'],
                code='SN')
            clerk = create_employee(company, 'C3', "Clerk")
            create_leave(doctors['civil'], 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6), 'approved')
            create_leave(doctors['bhu'], 'CASUAL', dt.date(2026, 3, 6),
                dt.date(2026, 3, 6), 'approved')
            create_leave(nurse, 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6), 'requested')
            create_leave(clerk, 'CASUAL', dt.date(2026, 3, 2),
                dt.date(2026, 3, 6), 'cancelled')
        civil, bhu = doctors['civil'].id, doctors['bhu'].id
        for date, employees, expected in [
                (dt.date(2026, 3, 1), None, set()),
                (dt.date(2026, 3, 2), None, {civil}),
                (dt.date(2026, 3, 6), None, {civil, bhu}),
                (dt.date(2026, 3, 6), [doctors['bhu'], nurse, clerk], {bhu}),
                (dt.date(2026, 3, 6), [civil], {civil}),
                (dt.date(2026, 3, 6), [], set()),
                (dt.date(2026, 3, 7), None, set()),
                ]:
            with self.subTest(date=date, employees=employees):
                self.assertEqual(
                    Request.employees_on_leave(date, employees), expected)
        self.assertTrue(Request.on_leave(doctors['civil'], dt.date(2026, 3, 4)))
        self.assertFalse(Request.on_leave(nurse, dt.date(2026, 3, 4)),
            msg="requested leave is not leave yet")

