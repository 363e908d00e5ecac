# SPDX-License-Identifier: GPL-3.0-or-later
"""The import of employees: row checks without a database, then the import
itself, all or nothing."""
import datetime as dt
import io
import re
import unittest

import openpyxl
from trytond.modules.company.tests import (
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_base.problem import problem_text
from bhmis_base.tabular import TableError, read_table
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr.employee_import import (
    COLUMNS,
    MESSAGES,
    REQUIRED,
    TEMPLATE_FILENAME,
    Existing,
    FacilityRef,
    HRProblem,
    Lookups,
    check_rows,
    import_employees,
    parse_date,
    template,
)
from bhmis_hr.exceptions import EmployeeImportError
from bhmis_hr.tests.tools import create_employee, sanction

HEADER = ",".join(COLUMNS) + "\n"
CLEAN = (HEADER
    + "IMP-1,54400-1234567-1,Ayesha Baloch,Abdul Rahim,f,1990-05-01,Quetta,"
    ",WMO,17,regular,01/03/2018,Q-CIVIL,\n"
    + "IMP-2,5440076543211,Karim Kakar,,male,12/11/1985,PISHIN,MEDICAL,"
    "Medical Officer,17,contract,2015-07-01,P-BHU,2016-01-01\n"
    + "IMP-3,,Naseem Bugti,,Female,,,,SN,16,ad hoc,2020-02-01,,\n")
BROKEN = (
    "IMP-4,12345,Bad Cnic,,,,,,MO,,,2020-01-01,,\n"
    "IMP-5,,Nowhere,,,,,,MO,,,2020-01-01,Q-NOWHERE,\n"
    "IMP-1,,Again,,,,,,MO,,,,,\n"
    "IMP-6,,Bad Date,,,31/02/2020,,,MO,,,2020-13-01,,\n")
BROKEN_PROBLEMS = [
    "row 5, column cnic: '12345' is not a CNIC (13 digits, as "
    "12345-1234567-1)",
    "row 6, column facility_code: unknown facility 'Q-NOWHERE'",
    "row 7, column personnel_number: IMP-1 is already on row 2",
    "row 8, column date_of_birth: '31/02/2020' is not a date (YYYY-MM-DD "
    "or DD/MM/YYYY)",
    "row 8, column date_of_joining: '2020-13-01' is not a date "
    "(YYYY-MM-DD or DD/MM/YYYY)",
    ]

QUETTA_BHU = FacilityRef(30, 'Q-BHU', 1, False)
PISHIN_BHU = FacilityRef(31, 'P-BHU', 2, False)
CLOSED = FacilityRef(32, 'Q-OLD', 1, True)


def lookups(**values):
    return Lookups(**dict({
                'districts': {'quetta': 1, 'qta': 1, 'pishin': 2},
                'cadres': {'medical': 10, 'nursing': 11},
                'designations': {'mo': (20, 10), 'medical officer': (20, 10),
                    'wmo': (22, 10), 'sn': (21, 11)},
                'facilities': {'q-bhu': QUETTA_BHU, 'p-bhu': PISHIN_BHU,
                    'q-old': CLOSED},
                }, **values))


def existing(facility=None, **values):
    return Existing(7, 70, "Old Name", facility, values)


class CheckRowsTestCase(unittest.TestCase):
    "The rows of an employee file, checked without a database"

    def row(self, **values):
        record = {'personnel_number': 'P1', 'name': 'Ayesha Baloch',
            'designation': 'MO'}
        record.update(values)
        return record

    def check(self, *records, **kwargs):
        return check_rows(list(enumerate(records, 2)), lookups(**kwargs))

    def problems(self, *records, **kwargs):
        with self.assertRaises(TableError) as context:
            self.check(*records, **kwargs)
        return [str(p) for p in context.exception.problems]

    def test_values_and_posting(self):
        row, = self.check(self.row(cnic='5440012345671',
                father_name='Abdul Rahim', gender='F',
                date_of_birth='01/05/1990', domicile_district='QTA',
                cadre='Medical', designation='Medical Officer', bps='17',
                employment_type='Daily Wage', date_of_joining='2018-03-01',
                facility_code='q-bhu')).rows
        self.assertEqual(row.values, {'personnel_number': 'P1',
                'cnic': '54400-1234567-1', 'father_name': 'Abdul Rahim',
                'gender': 'female', 'birth_date': dt.date(1990, 5, 1),
                'domicile': 1, 'cadre': 10, 'designation': 20, 'bps': 17,
                'employment_type': 'daily_wage',
                'start_date': dt.date(2018, 3, 1)})
        self.assertEqual(row.posting, {'facility': 30, 'designation': 20,
                'start_date': dt.date(2018, 3, 1), 'type': 'initial'},
            msg="the posting starts on the date of joining")

    def test_only_required_columns(self):
        row, = self.check(self.row(designation='SN')).rows
        self.assertEqual(row.values, {'personnel_number': 'P1',
                'designation': 21, 'cadre': 11}, msg="cadre from designation")
        self.assertIsNone(row.posting)

    def test_spellings(self):
        for column, text, name, value in [
                ('gender', 'm', 'gender', 'male'),
                ('gender', 'Other', 'gender', 'other'),
                ('employment_type', 'Ad hoc', 'employment_type', 'adhoc'),
                ('employment_type', 'ad-hoc', 'employment_type', 'adhoc'),
                ('employment_type', 'adhoc', 'employment_type', 'adhoc'),
                ('employment_type', 'daily_wage', 'employment_type',
                    'daily_wage'),
                ('employment_type', 'CONTRACT', 'employment_type',
                    'contract'),
                ('date_of_birth', '1990-05-01', 'birth_date',
                    dt.date(1990, 5, 1)),
                ('date_of_birth', '01/05/1990', 'birth_date',
                    dt.date(1990, 5, 1)),
                ('cnic', '54400 1234567 1', 'cnic', '54400-1234567-1'),
                ]:
            with self.subTest(column=column, text=text):
                row, = self.check(self.row(**{column: text})).rows
                self.assertEqual(row.values[name], value)

    def test_parse_date(self):
        self.assertEqual(parse_date('2020-02-29'), dt.date(2020, 2, 29))
        self.assertEqual(parse_date('29/02/2020'), dt.date(2020, 2, 29))
        for text in ['29/02/2021', '2020-02-30', '02/29/2020', '2020/02/01',
                '1 March 2020', '2020-02-01T10:00:00']:
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_date(text)

    def test_problems_name_row_and_column(self):
        problems = self.problems(
            self.row(cnic='12345'),
            self.row(personnel_number='P2', facility_code='Q-NOWHERE'),
            self.row(name='Again'),
            self.row(personnel_number='P3', date_of_birth='31/02/2020',
                date_of_joining='2020-13-01'),
            self.row(personnel_number='P4', gender='x', bps='23',
                employment_type='permanent'),
            self.row(personnel_number='P5', designation='Surgeon',
                cadre='Dental', domicile_district='Lahore', bps='high'),
            self.row(personnel_number='P6', cadre='Nursing'),
            self.row(personnel_number='P7', facility_code='Q-OLD',
                date_of_joining='2020-01-01'),
            self.row(personnel_number='P8', facility_code='Q-BHU'),
            self.row(personnel_number='P9', posting_start='2020-01-01'),
            self.row(personnel_number='P10', cnic='54400-1234567-1'),
            self.row(personnel_number='P11', cnic='5440012345671'),
            )
        self.assertEqual(problems, [
                "row 2, column cnic: '12345' is not a CNIC (13 digits, as "
                "12345-1234567-1)",
                "row 3, column facility_code: unknown facility 'Q-NOWHERE'",
                "row 4, column personnel_number: P1 is already on row 2",
                "row 5, column date_of_birth: '31/02/2020' is not a date "
                "(YYYY-MM-DD or DD/MM/YYYY)",
                "row 5, column date_of_joining: '2020-13-01' is not a date "
                "(YYYY-MM-DD or DD/MM/YYYY)",
                "row 6, column gender: unknown value 'x' (one of: male, "
                "female, other)",
                "row 6, column bps: must be between 1 and 22",
                "row 6, column employment_type: unknown value 'permanent' "
                "(one of: regular, contract, adhoc, daily_wage)",
                "row 7, column domicile_district: unknown district 'Lahore'",
                "row 7, column designation: no code or name 'Surgeon'",
                "row 7, column cadre: no code or name 'Dental'",
                "row 7, column bps: 'high' is not a whole number",
                "row 8, column cadre: designation 'MO' is not of cadre "
                "'Nursing'",
                "row 9, column facility_code: facility 'Q-OLD' is closed",
                "row 10, column posting_start: is required",
                "row 11, column facility_code: is required",
                "row 13, column cnic: 54400-1234567-1 is already on row 12",
                ])

    def test_existing_employee(self):
        employees = {'P1': existing(QUETTA_BHU, start_date=dt.date(2019,
                        1, 1))}
        row, = self.check(self.row(facility_code='Q-BHU'),
            employees=employees).rows
        self.assertIsNone(row.posting, msg="already posted there")
        self.assertEqual(row.existing.id, 7)
        self.assertEqual(self.problems(self.row(facility_code='P-BHU'),
                employees=employees), [
                "row 2, column facility_code: the employee is posted at "
                "Q-BHU: move them with a transfer order"])
        unposted = {'P1': existing(start_date=dt.date(2019, 1, 1))}
        row, = self.check(self.row(facility_code='P-BHU'),
            employees=unposted).rows
        self.assertEqual(row.posting['start_date'], dt.date(2019, 1, 1),
            msg="from the date of joining already recorded")

    def test_cnic_of_another_employee_in_service(self):
        cnics = {'54400-1234567-1': 'P9'}
        self.assertEqual(self.problems(self.row(cnic='5440012345671'),
                cnics=cnics), [
                "row 2, column cnic: CNIC 54400-1234567-1 is that of "
                "employee P9, in service"])
        self.check(self.row(personnel_number='P9', cnic='5440012345671'),
            cnics=cnics)

    def test_scope(self):
        "A user answering for Quetta imports into Quetta only"
        scope = {'allowed_districts': {1}, 'allowed_facilities': {31}}
        joined = {'date_of_joining': '2020-01-01'}
        self.check(self.row(facility_code='Q-BHU', **joined), **scope)
        self.check(self.row(facility_code='P-BHU', **joined), **scope)
        self.assertEqual(self.problems(
                self.row(facility_code='P-BHU', **joined),
                allowed_districts={1}), [
                "row 2, column facility_code: facility 'P-BHU' is not one of "
                "yours"])
        self.assertEqual(self.problems(self.row(),
                allowed_districts={1},
                employees={'P1': existing(PISHIN_BHU)}), [
                "row 2, column personnel_number: employee P1 is posted at "
                "P-BHU, which is not one of yours"])

    def test_template_reads_back(self):
        "The template's example row is a valid row"
        rows = read_table(template(), TEMPLATE_FILENAME, COLUMNS, REQUIRED)
        self.assertEqual([n for n, _ in rows], [2])
        self.assertEqual(list(rows[0][1]), list(COLUMNS))
        self.assertEqual(rows[0][1]['date_of_birth'], '1990-05-01')
        row, = check_rows(rows, lookups(facilities={
                    'quetta-bhu-001': QUETTA_BHU})).rows
        self.assertEqual(row.values['start_date'], dt.date(2018, 3, 1))

    def test_xlsx_cells(self):
        "Date cells and numbers typed in a spreadsheet read as text"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(['personnel_number', 'name', 'designation', 'cnic',
                'date_of_birth', 'date_of_joining', 'bps'])
        sheet.append([1234, 'Ayesha', 'MO', 5440012345671,
                dt.datetime(1990, 5, 1), dt.date(2018, 3, 1), 17])
        data = io.BytesIO()
        workbook.save(data)
        rows = read_table(data.getvalue(), 'e.xlsx', COLUMNS, REQUIRED)
        row, = check_rows(rows, lookups()).rows
        self.assertEqual(row.values, {'personnel_number': '1234',
                'cnic': '54400-1234567-1', 'birth_date': dt.date(1990, 5, 1),
                'start_date': dt.date(2018, 3, 1), 'bps': 17,
                'designation': 20, 'cadre': 10})


class EmployeeImportTestCase(DBTestCase):
    "Test the import of employees"
    module = 'bhmis_hr'

    def setup_province(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        return {
            'civil': create_facility('Q-CIVIL', quetta, type='civil'),
            'bhu': create_facility('Q-BHU', quetta),
            'pishin': create_facility('P-BHU', pishin),
            }

    def counts(self):
        pool = Pool()
        return tuple(pool.get(name).search_count([]) for name in [
                'company.employee', 'bhmis.posting', 'party.party'])

    @with_transaction()
    def test_import_creates_then_updates(self):
        pool = Pool()
        Employee = pool.get('company.employee')
        company = create_company()
        facilities = self.setup_province()
        sanction(facilities['civil'], 'WMO', 1)
        sanction(facilities['pishin'], 'MO', 1)
        with set_company(company):
            result = import_employees(CLEAN.encode(), 'e.csv')
            self.assertEqual(result, (3, 0, []))
            counts = self.counts()
            ayesha, = Employee.search([('personnel_number', '=', 'IMP-1')])
            self.assertEqual((ayesha.party.name, ayesha.cnic,
                    ayesha.father_name, ayesha.gender, ayesha.birth_date,
                    ayesha.domicile.code, ayesha.cadre.code,
                    ayesha.designation.code, ayesha.bps,
                    ayesha.employment_type, ayesha.start_date,
                    ayesha.facility, ayesha.company),
                ("Ayesha Baloch", '54400-1234567-1', "Abdul Rahim", 'female',
                    dt.date(1990, 5, 1), 'QUETTA', 'MEDICAL', 'WMO', 17,
                    'regular', dt.date(2018, 3, 1), facilities['civil'],
                    company))
            posting, = ayesha.postings
            self.assertEqual((posting.type, posting.start_date,
                    posting.designation.code, posting.primary),
                ('initial', dt.date(2018, 3, 1), 'WMO', True))
            karim, = Employee.search([('personnel_number', '=', 'IMP-2')])
            self.assertEqual([(p.facility, p.start_date)
                    for p in karim.postings],
                [(facilities['pishin'], dt.date(2016, 1, 1))])
            naseem, = Employee.search([('personnel_number', '=', 'IMP-3')])
            self.assertEqual((naseem.facility, naseem.employment_type,
                    naseem.cadre.code), (None, 'adhoc', 'NURSING'))

            changed = CLEAN.replace("Ayesha Baloch,", "Ayesha Khan,").replace(
                ",SN,16,", ",SN,17,")
            result = import_employees(changed.encode(), 'e.csv')
            self.assertEqual(result, (0, 3, []))
            self.assertEqual(self.counts(), counts, msg="no duplicates")
            self.assertEqual(Employee(ayesha.id).party.name, "Ayesha Khan")
            self.assertEqual(Employee(naseem.id).bps, 17)

    @with_transaction()
    def test_import_broken_rows_writes_nothing(self):
        company = create_company()
        self.setup_province()
        with set_company(company):
            before = self.counts()
            with self.assertRaises(EmployeeImportError) as context:
                import_employees((CLEAN + BROKEN).encode(), 'e.csv')
            self.assertEqual(self.counts(), before)
        problems = context.exception.problems
        self.assertEqual([str(p) for p in problems], BROKEN_PROBLEMS)
        self.assertIn("nothing was written", context.exception.message)
        for problem in problems:
            self.assertIn(problem_text(problem), context.exception.message)

    @with_transaction()
    def test_import_outside_own_district(self):
        "A DHO cannot import employees into another district"
        company = create_company()
        facilities = self.setup_province()
        dho = create_user('dho', 'group_dho',
            districts=[facilities['civil'].district])
        with set_company(company):
            before = self.counts()
            with as_user(dho), \
                    self.assertRaises(EmployeeImportError) as context:
                import_employees(CLEAN.encode(), 'e.csv')
            self.assertEqual(self.counts(), before)
        self.assertEqual([str(p) for p in context.exception.problems], [
                "row 3, column facility_code: facility 'P-BHU' is not one of "
                "yours"])

    @with_transaction()
    def test_import_does_not_move_a_posted_employee(self):
        company = create_company()
        facilities = self.setup_province()
        with set_company(company):
            create_employee(company, 'IMP-2', "Karim Kakar",
                facilities['civil'])
            with self.assertRaises(EmployeeImportError) as context:
                import_employees(CLEAN.encode(), 'e.csv')
            self.assertEqual([str(p) for p in context.exception.problems], [
                    "row 3, column facility_code: the employee is posted at "
                    "Q-CIVIL: move them with a transfer order"])
            moved = CLEAN.replace(",P-BHU,2016-01-01", ",Q-CIVIL,")
            self.assertEqual(
                import_employees(moved.encode(), 'e.csv')[:2], (2, 1))
            self.assertEqual(Pool().get('bhmis.posting').search_count([]), 2,
                msg="one posting each")

    @with_transaction()
    def test_import_warns_beyond_sanctioned(self):
        Vacancy = Pool().get('bhmis.vacancy')
        company = create_company()
        facilities = self.setup_province()
        sanction(facilities['bhu'], 'MO', 1)
        rows = "".join("IMP-%s,,Doctor %s,,,,,,MO,,,2020-01-01,Q-BHU,\n"
            % (n, n) for n in range(1, 4))
        with set_company(company):
            created, _, warnings = import_employees(
                (HEADER + rows).encode(), 'e.csv')
        self.assertEqual(created, 3)
        self.assertEqual([str(w) for w in warnings], [
                "row 3, column facility_code: 2 MO beyond the sanctioned "
                "posts of Q-BHU: they count as surplus"])
        vacancy, = Vacancy.search([('facility', '=', facilities['bhu'].id)])
        self.assertEqual((vacancy.filled, vacancy.surplus), (3, 2))

    @with_transaction()
    def test_wizard_with_template(self):
        pool = Pool()
        Start = pool.get('bhmis.employee.import.start')
        Wizard = pool.get('bhmis.employee.import', type='wizard')
        company = create_company()
        self.setup_province()
        defaults = Start.default_get(['template', 'template_filename'])
        self.assertEqual(defaults['template_filename'], TEMPLATE_FILENAME)
        self.assertEqual(defaults['template'][:4], b'PK\x03\x04')
        with set_company(company):
            session_id, _, _ = Wizard.create()
            result = Wizard.execute(session_id, {'start': {
                        'file': CLEAN.encode(), 'filename': 'e.csv'}},
                'import_')
        self.assertEqual(result['view']['defaults']['summary'].splitlines(), [
                "3 employees created, 0 updated.",
                "row 2, column facility_code: 1 WMO beyond the sanctioned "
                "posts of Q-CIVIL: they count as surplus",
                "row 3, column facility_code: 1 Medical Officer beyond the "
                "sanctioned posts of P-BHU: they count as surplus",
                ], msg="postings without sanctioned posts are surplus")

    @with_transaction()
    def test_problem_messages_match_catalogue(self):
        "Every HR file problem has its message, with the same English text"
        for code, text in MESSAGES.items():
            params = {name: 'X' for name in re.findall(r'%\((\w+)\)s', text)}
            problem = HRProblem(3, 'cnic', code, params)
            with self.subTest(code=code):
                self.assertEqual(problem_text(problem), str(problem))

