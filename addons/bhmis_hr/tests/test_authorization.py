# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12's findings in HR, each reproduced as the least-privileged user:
cross-district transfers and postings, workflow states written directly,
segregation of duties, the employee preference and scoped HR reports."""
import datetime as dt
import io

import openpyxl
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, without_check_access

from bhmis_base.exceptions import ReadonlyFieldError, SegregationError
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr import report
from bhmis_hr.tests.tools import create_employee, designation


class HrAuthorizationTestCase(DBTestCase):
    "Authorization of bhmis_hr"
    module = 'bhmis_hr'

    def setup_staff(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        company = create_company()
        civil = create_facility('Q-CIVIL', quetta, type='civil')
        bhu = create_facility('Q-BHU', quetta)
        p_bhu = create_facility('P-BHU', pishin)
        with set_company(company):
            quetta_doc = create_employee(company, 'Q1', "Quetta Doc", civil)
            pishin_doc = create_employee(company, 'P1', "Pishin Doc", p_bhu,
                cnic='54400-1234567-1', phone='03001234567')
        return company, quetta, civil, bhu, p_bhu, quetta_doc, pishin_doc

    def user(self, company, login, group, districts=(), facilities=()):
        user = create_user(login, group, districts=districts,
            facilities=facilities)
        user.companies = [company]
        user.company = company
        user.save()
        return user

    @with_transaction()
    def test_no_transfer_of_another_districts_employee(self):
        "Finding 2: hr.quetta cannot order a Pishin employee's transfer"
        pool = Pool()
        Transfer = pool.get('bhmis.transfer')
        Posting = pool.get('bhmis.posting')
        Employee = pool.get('company.employee')
        company, quetta, civil, bhu, p_bhu, _, pishin_doc = (
            self.setup_staff())
        hr = self.user(company, 'hr.q', 'group_hr_officer', [quetta])
        with set_company(company), as_user(hr):
            with self.assertRaises(AccessError):
                Transfer.create([{'employee': pishin_doc.id,
                            'to_facility': civil.id,
                            'to_designation': designation('MO').id}])
            with self.assertRaises(AccessError):
                Posting.create([{'employee': pishin_doc.id,
                            'facility': civil.id,
                            'designation': designation('MO').id,
                            'start_date': dt.date(2026, 1, 1)}])
            with self.assertRaises(AccessError):
                Employee.read([pishin_doc.id], ['cnic'])
        self.assertEqual(Transfer.search([]), [], "nothing written")
        self.assertEqual(len(Posting.search(
                    [('employee', '=', pishin_doc.id)])), 1)

    @with_transaction()
    def test_transfer_out_of_district_is_the_provinces(self):
        "Finding 2: a district officer moves nobody into another district"
        pool = Pool()
        Transfer = pool.get('bhmis.transfer')
        company, quetta, civil, bhu, p_bhu, quetta_doc, _ = (
            self.setup_staff())
        hr = self.user(company, 'hr.q', 'group_hr_officer', [quetta])
        with set_company(company), as_user(hr):
            with self.assertRaises(AccessError):
                Transfer.create([{'employee': quetta_doc.id,
                            'to_facility': p_bhu.id,
                            'to_designation': designation('MO').id}])
            # Within the district it works
            transfer, = Transfer.create([{'employee': quetta_doc.id,
                        'to_facility': bhu.id, 'order_number': 'T-1',
                        'to_designation': designation('MO').id}])
        self.assertEqual(transfer.state, 'draft')

    @with_transaction()
    def test_state_never_written_directly(self):
        "Finding 5: states change only through their buttons"
        pool = Pool()
        Transfer = pool.get('bhmis.transfer')
        company, quetta, civil, bhu, _, quetta_doc, _ = self.setup_staff()
        hr = self.user(company, 'hr.q', 'group_hr_officer', [quetta])
        with set_company(company), as_user(hr):
            transfer, = Transfer.create([{'employee': quetta_doc.id,
                        'to_facility': bhu.id, 'order_number': 'T-1',
                        'to_designation': designation('MO').id}])
            for values in [{'state': 'approved'},
                    {'from_facility': bhu.id}, {'new_posting': None}]:
                with self.subTest(values=values), \
                        self.assertRaises(ReadonlyFieldError):
                    Transfer.write([transfer], values)
            with self.assertRaises(ReadonlyFieldError):
                Transfer.create([{'employee': quetta_doc.id,
                            'to_facility': bhu.id, 'state': 'joined',
                            'to_designation': designation('MO').id}])
        self.assertEqual(Transfer(transfer.id).state, 'draft')

    @with_transaction()
    def test_keyer_does_not_approve(self):
        "Finding 9: whoever keys in a transfer order does not approve it"
        pool = Pool()
        Transfer = pool.get('bhmis.transfer')
        company, quetta, civil, bhu, _, quetta_doc, _ = self.setup_staff()
        keyer = self.user(company, 'hr.q', 'group_hr_officer', [quetta])
        approver = self.user(company, 'hr.p', 'group_hr_officer', [quetta])
        with set_company(company), as_user(keyer):
            transfer, = Transfer.create([{'employee': quetta_doc.id,
                        'to_facility': bhu.id, 'order_number': 'T-1',
                        'to_designation': designation('MO').id}])
            with self.assertRaises(SegregationError):
                Transfer.approve([transfer])
        self.assertEqual(Transfer(transfer.id).state, 'draft')
        self.assertIsNone(Transfer(transfer.id).approved_by)
        with set_company(company), as_user(approver):
            Transfer.approve([Transfer(transfer.id)])
        transfer = Transfer(transfer.id)
        self.assertEqual(transfer.state, 'approved')
        self.assertEqual(transfer.approved_by, approver)

    @with_transaction()
    def test_preference_employee_only_own(self):
        "Finding 10: a user acts only as one of their own employees"
        pool = Pool()
        User = pool.get('res.user')
        company, quetta, *_, quetta_doc, pishin_doc = self.setup_staff()
        hr = self.user(company, 'hr.q', 'group_hr_officer', [quetta])
        hr.employees = [quetta_doc]
        hr.save()
        # As RPC calls it: without access checks
        with set_company(company), as_user(hr), without_check_access():
            with self.assertRaises(AccessError):
                User.set_preferences({'employee': pishin_doc.id})
            User.set_preferences({'employee': quetta_doc.id})
        self.assertEqual(User(hr.id).employee, quetta_doc)

    @with_transaction()
    def test_staff_list_file_follows_the_readers_scope(self):
        "Finding 8: the report wizard reads as the user, not as root"
        pool = Pool()
        Wizard = pool.get('bhmis.hr.report', type='wizard')
        company, quetta, civil, *_ = self.setup_staff()
        incharge = self.user(company, 'ic', 'group_facility_incharge',
            facilities=[civil])
        with set_company(company), as_user(incharge):
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            wizard.start.report = 'staff-list'
            wizard.start.district = None
            wizard.start.facility = None
            wizard.start.year = 2026
            wizard.transition_create_()
        sheet = openpyxl.load_workbook(io.BytesIO(wizard.result.file)).active
        text = ' '.join(str(c.value) for row in sheet.iter_rows()
            for c in row if c.value is not None)
        self.assertIn("Quetta Doc", text)
        self.assertNotIn("Pishin Doc", text)
        headers, rows = report.staff_list()
        self.assertEqual(len(rows), 2, "root still reads the province")

    @with_transaction()
    def test_scoped_history_reads(self):
        "Finding 10: a scoped user reads employees as of a past date"
        pool = Pool()
        Employee = pool.get('company.employee')
        company, quetta, civil, *_, quetta_doc, pishin_doc = (
            self.setup_staff())
        dho = self.user(company, 'dho', 'group_dho', [quetta])
        with set_company(company), as_user(dho), \
                Transaction().set_context(_datetime=dt.datetime.now()):
            self.assertEqual(Employee.search([]), [quetta_doc])
            self.assertEqual(Employee.read([quetta_doc.id], ['facility']),
                [{'id': quetta_doc.id, 'facility': civil.id}])
            with self.assertRaises(AccessError):
                Employee.read([pishin_doc.id], ['facility'])

