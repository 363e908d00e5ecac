# SPDX-License-Identifier: GPL-3.0-or-later
import datetime as dt
import io

import openpyxl
from trytond.exceptions import UserWarning
from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from bhmis_base.tests.tools import (
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr import cnic, report
from bhmis_hr.exceptions import (
    BPSError,
    CNICError,
    PostingClosedFacilityError,
    PostingOverlapError,
    TransferError,
)
from bhmis_hr.tests.tools import create_employee, designation, sanction


class HrTestCase(CompanyTestMixin, ModuleTestCase):
    "Test bhmis_hr module"
    module = 'bhmis_hr'

    def setup_province(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        return {
            'civil': create_facility('Q-CIVIL', quetta, type='civil'),
            'bhu': create_facility('Q-BHU', quetta),
            'pishin': create_facility('P-BHU', pishin),
            }

    def company_user(self, company, login, group, district):
        "A user of group in district, working for company"
        user = create_user(login, group, districts=[district])
        user.companies = [company]
        user.company = company
        user.save()
        return user

    def vacancies(self, facility):
        Vacancy = Pool().get('bhmis.vacancy')
        return {v.designation.code: (v.sanctioned, v.filled, v.vacant,
                v.surplus)
            for v in Vacancy.search([('facility', '=', facility.id)])}

    def test_cnic_normalise(self):
        for value, expected in [
                ('5440012345671', '54400-1234567-1'),
                ('54400-1234567-1', '54400-1234567-1'),
                (' 54400 1234567 1 ', '54400-1234567-1'),
                ('54400-1234567', None),
                ('5440012345A71', None),
                ('', None)]:
            with self.subTest(value=value):
                self.assertEqual(cnic.normalise(value), expected)

    @with_transaction()
    def test_employee_cnic(self):
        company = create_company()
        with set_company(company):
            employee = create_employee(company, 'P1', "Ayesha Baloch",
                cnic='5440012345671')
            self.assertEqual(employee.cnic, '54400-1234567-1')
            with self.assertRaises(CNICError):
                create_employee(company, 'P2', "Bad", cnic='12345')
            with self.assertRaises(CNICError):
                create_employee(company, 'P3', "Twin",
                    cnic='54400-1234567-1')

    @with_transaction()
    def test_cnic_reusable_after_service_ends(self):
        "Only employees in service need a unique CNIC"
        Employee = Pool().get('company.employee')
        company = create_company()
        with set_company(company):
            first = create_employee(company, 'P1', "A", cnic='5440012345671')
            Employee.write([first], {'hr_status': 'deceased'})
            create_employee(company, 'P2', "B", cnic='5440012345671')

    @with_transaction()
    def test_personnel_number_unique_and_bps(self):
        company = create_company()
        with set_company(company):
            with self.assertRaises(BPSError):
                create_employee(company, 'P9', "C", bps=23)
            create_employee(company, 'P1', "A", bps=17)
            with self.assertRaises(SQLConstraintError):
                create_employee(company, 'P1', "B")

    @with_transaction()
    def test_posting_sets_facility_and_vacancies(self):
        company = create_company()
        facilities = self.setup_province()
        civil = facilities['civil']
        sanction(civil, 'MO', 2)
        sanction(civil, 'SN', 1)
        with set_company(company):
            employee = create_employee(company, 'P1', "Dr A", civil)
        self.assertEqual(employee.facility, civil)
        self.assertEqual(self.vacancies(civil), {
                'MO': (2, 1, 1, 0), 'SN': (1, 0, 1, 0)})

    @with_transaction()
    def test_posting_overlap_refused(self):
        Posting = Pool().get('bhmis.posting')
        company = create_company()
        facilities = self.setup_province()
        with set_company(company):
            employee = create_employee(company, 'P1', "Dr A",
                facilities['civil'])
            with self.assertRaises(PostingOverlapError), \
                    Transaction().set_context(_skip_warnings=True):
                Posting.create([{'employee': employee.id,
                            'facility': facilities['bhu'].id,
                            'designation': designation('MO').id,
                            'start_date': dt.date(2021, 1, 1)}])

    @with_transaction()
    def test_posting_to_closed_facility_refused(self):
        Facility = Pool().get('bhmis.facility')
        company = create_company()
        facilities = self.setup_province()
        Facility.close([facilities['bhu']])
        with set_company(company):
            with self.assertRaises(PostingClosedFacilityError):
                create_employee(company, 'P1', "Dr A", facilities['bhu'])

    @with_transaction()
    def test_posting_beyond_sanctioned_warns_then_surplus(self):
        company = create_company()
        civil = self.setup_province()['civil']
        sanction(civil, 'MO', 1)
        Posting = Pool().get('bhmis.posting')
        with set_company(company):
            create_employee(company, 'P1', "Dr A", civil)
            second = create_employee(company, 'P2', "Dr B")
        values = {'employee': second.id, 'facility': civil.id,
            'designation': designation('MO').id,
            'start_date': dt.date(2021, 1, 1)}
        with self.assertRaises(UserWarning):
            Posting.create([values])
        self.assertEqual(self.vacancies(civil), {'MO': (1, 1, 0, 0)})
        with Transaction().set_context(_skip_warnings=True):
            Posting.create([values])
        self.assertEqual(self.vacancies(civil), {'MO': (1, 2, 0, 1)})

    @with_transaction()
    def test_transfer_workflow(self):
        pool = Pool()
        Transfer = pool.get('bhmis.transfer')
        company = create_company()
        facilities = self.setup_province()
        civil, bhu = facilities['civil'], facilities['bhu']
        sanction(civil, 'MO', 1)
        sanction(bhu, 'MO', 1)
        with set_company(company):
            employee = create_employee(company, 'P1', "Dr A", civil)
        transfer, = Transfer.create([{'employee': employee.id,
                    'to_facility': bhu.id,
                    'to_designation': designation('MO').id}])
        with self.assertRaises(TransferError):
            Transfer.approve([transfer])  # no order number
        Transfer.write([transfer], {'order_number': 'HD/2026/77',
                'order_date': dt.date(2026, 3, 1)})
        Transfer.approve([transfer])
        self.assertEqual(transfer.from_facility, civil)
        with self.assertRaises(TransferError):
            Transfer.relieve([transfer])  # no relieving date
        Transfer.write([transfer], {'relieving_date': dt.date(2026, 3, 5)})
        Transfer.relieve([transfer])
        employee = pool.get('company.employee')(employee.id)
        self.assertIsNone(employee.facility, "between relieving and joining")
        Transfer.write([transfer], {'joining_date': dt.date(2026, 3, 9)})
        Transfer.join([transfer])
        employee = pool.get('company.employee')(employee.id)
        self.assertEqual(employee.facility, bhu)
        self.assertEqual(
            [(p.facility.code, p.start_date, p.end_date, p.order_number)
                for p in sorted(employee.postings,
                    key=lambda p: p.start_date)],
            [('Q-CIVIL', dt.date(2020, 1, 1), dt.date(2026, 3, 5), None),
                ('Q-BHU', dt.date(2026, 3, 9), None, 'HD/2026/77')])
        self.assertEqual(self.vacancies(civil), {'MO': (1, 0, 1, 0)})
        self.assertEqual(self.vacancies(bhu), {'MO': (1, 1, 0, 0)})

    @with_transaction()
    def test_dho_sees_own_district_employees(self):
        Employee = Pool().get('company.employee')
        Vacancy = Pool().get('bhmis.vacancy')
        company = create_company()
        facilities = self.setup_province()
        sanction(facilities['pishin'], 'MO', 1)
        with set_company(company):
            create_employee(company, 'Q1', "Quetta Doc", facilities['civil'])
            create_employee(company, 'P1', "Pishin Doc", facilities['pishin'])
        dho = self.company_user(company, 'dho', 'group_dho',
            facilities['civil'].district)
        with as_user(dho):
            self.assertEqual(
                [e.personnel_number for e in Employee.search([])], ['Q1'])
            self.assertEqual(Vacancy.search([('facility.district.code', '=',
                            'PISHIN')]), [])

    @with_transaction()
    def test_transferred_employee_seen_from_both_districts(self):
        "Both districts see the employee of a transfer order between them"
        pool = Pool()
        Employee = pool.get('company.employee')
        Transfer = pool.get('bhmis.transfer')
        company = create_company()
        facilities = self.setup_province()
        with set_company(company):
            employee = create_employee(company, 'Q1', "Quetta Doc",
                facilities['civil'])
        transfer, = Transfer.create([{'employee': employee.id,
                    'to_facility': facilities['pishin'].id,
                    'to_designation': designation('MO').id,
                    'order_number': 'T-1'}])
        Transfer.approve([transfer])
        Transfer.write([transfer], {'relieving_date': dt.date(2026, 3, 5)})
        Transfer.relieve([transfer])
        users = [self.company_user(company, 'dho-%s' % facility, 'group_dho',
                facilities[facility].district)
            for facility in ['civil', 'pishin']]
        for user in users:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(
                    [e.rec_name for e in Employee.search([])],
                    ["Quetta Doc"])
                self.assertEqual(Transfer.search([]), [transfer])

    @with_transaction()
    def test_reports(self):
        "The HR reports give the figures managers read, in XLSX"
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        company = create_company()
        facilities = self.setup_province()
        civil, pishin = facilities['civil'], facilities['pishin']
        Facility.write([civil], {'catchment_population': 40_000})
        sanction(civil, 'MO', 3)
        sanction(pishin, 'MO', 1)
        with set_company(company):
            create_employee(company, 'Q1', "Dr A", civil)
            create_employee(company, 'Q2', "Dr B", civil)
        headers, rows = report.vacancy()
        self.assertEqual(headers[-4:],
            ["Sanctioned", "Filled", "Vacant", "Surplus"])
        self.assertEqual(sorted(r[-4:] for r in rows),
            [(1, 0, 1, 0), (3, 2, 1, 0)])
        _, rows = report.staff_list(facility=civil)
        self.assertEqual([r[1] for r in rows], ['Q1', 'Q2'])
        _, rows = report.workforce_density(district=civil.district)
        self.assertEqual(rows, [('Quetta', 'Medical', 2, 40_000, 0.5)])
        filename, data = report.render('vacancy', district=civil.district)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(filename, 'vacancy.xlsx')
        self.assertEqual([c.value for c in sheet[5]][-4:], [3, 2, 1, 0])
        self.assertIsNone(sheet['A6'].value, "Quetta only")

    @with_transaction()
    def test_personal_data_only_for_hr(self):
        "CNIC, phone and date of birth are not shown to other roles"
        Employee = Pool().get('company.employee')
        company = create_company()
        facilities = self.setup_province()
        with set_company(company):
            create_employee(company, 'Q1', "Quetta Doc", facilities['civil'],
                cnic='5440012345671', phone='0300-1234567')
        users = {group: self.company_user(company, group, group,
                facilities['civil'].district)
            for group in ['group_dho', 'group_hr_officer']}
        with as_user(users['group_hr_officer']):
            employee, = Employee.search([])
            self.assertEqual(employee.cnic, '54400-1234567-1')
        with as_user(users['group_dho']):
            employee, = Employee.search([])
            self.assertEqual(employee.personnel_number, 'Q1')
            with self.assertRaises(AccessError):
                Employee.read([employee.id], ['cnic'])
            form = Employee.fields_view_get(view_type='form')
            self.assertNotIn('cnic', form['fields'])
            self.assertNotIn('birth_date', form['fields'])
            self.assertIn('personnel_number', form['fields'])

    @with_transaction()
    def test_search_employees(self):
        "By name, personnel number or CNIC; by CNIC only for HR"
        Employee = Pool().get('company.employee')
        company = create_company()
        facilities = self.setup_province()
        with set_company(company):
            create_employee(company, 'Q-0001', "Ayesha Baloch",
                facilities['civil'], cnic='5440012345671')
            create_employee(company, 'Q-0002', "Hamid Kakar",
                facilities['bhu'], cnic='5440076543211')
        users = {group: self.company_user(company, group, group,
                facilities['civil'].district)
            for group in ['group_dho', 'group_hr_officer']}

        def found(term, operator='ilike'):
            return [e.personnel_number for e in Employee.search(
                    [('rec_name', operator, term)], order=[('id', 'ASC')])]
        with as_user(users['group_hr_officer']):
            self.assertEqual(found('%baloch%'), ['Q-0001'])
            self.assertEqual(found('%a%'), ['Q-0001', 'Q-0002'])
            self.assertEqual(found('q-0002'), ['Q-0002'])
            self.assertEqual(found('%Q-000%'), ['Q-0001', 'Q-0002'])
            for written in ['54400-7654321-1', '5440076543211',
                    ' 54400 7654321 1']:
                self.assertEqual(found(written), ['Q-0002'], written)
                self.assertEqual(found(written, '='), ['Q-0002'], written)
            self.assertEqual(found('%7654321%'), ['Q-0002'])
            self.assertEqual(found('54400-0000000-0'), [])
            self.assertEqual(found('%Baloch%', 'not ilike'), ['Q-0002'])
        with as_user(users['group_dho']):
            self.assertEqual(found('%baloch%'), ['Q-0001'])
            self.assertEqual(found('Q-0001'), ['Q-0001'])
            # Who holds a CNIC is personal data too
            self.assertEqual(found('54400-7654321-1'), [])
            self.assertEqual(found('%7654321%'), [])

    @with_transaction()
    def test_vacancy_search_read(self):
        "The report's rows read in bulk: order, slices and scope kept"
        Vacancy = Pool().get('bhmis.vacancy')
        company = create_company()
        facilities = self.setup_province()
        for facility, count in [('civil', 3), ('bhu', 1), ('pishin', 2)]:
            sanction(facilities[facility], 'MO', count)
            sanction(facilities[facility], 'SN', 1)
        with set_company(company):
            create_employee(company, 'Q1', "Dr A", facilities['civil'])
            create_employee(company, 'Q2', "Dr B", facilities['bhu'])
            create_employee(company, 'Q3', "Dr C", facilities['bhu'])
        fields = ['facility', 'designation', 'sanctioned', 'filled',
            'vacant', 'surplus']

        def expected(domain=(), offset=0, limit=None):
            return [{'id': v.id, 'facility': v.facility.id,
                    'designation': v.designation.id,
                    'sanctioned': v.sanctioned, 'filled': v.filled,
                    'vacant': v.vacant, 'surplus': v.surplus}
                for v in Vacancy.search(list(domain), offset, limit)]
        rows = Vacancy.search_read([], fields_names=list(fields))
        self.assertEqual(rows, expected())
        self.assertEqual(len(rows), 6)
        self.assertEqual(sorted((r['sanctioned'], r['filled'], r['vacant'],
                    r['surplus']) for r in rows),
            [(1, 0, 1, 0), (1, 0, 1, 0), (1, 0, 1, 0), (1, 2, 0, 1),
                (2, 0, 2, 0), (3, 1, 2, 0)])
        self.assertEqual(
            Vacancy.search_read([], 2, 3, None, list(fields)),
            expected(offset=2, limit=3))
        self.assertEqual(
            [r['id'] for r in Vacancy.search_read([], 0, None,
                    [('id', 'DESC')], ['id'])],
            sorted((r['id'] for r in rows), reverse=True))
        dho = create_user('dho', 'group_dho',
            districts=[facilities['pishin'].district])
        with as_user(dho):
            rows = Vacancy.search_read([], fields_names=list(fields))
            self.assertEqual({r['facility'] for r in rows},
                {facilities['pishin'].id})
            self.assertEqual(len(rows), 2)


del ModuleTestCase
