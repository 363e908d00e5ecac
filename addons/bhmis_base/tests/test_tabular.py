# SPDX-License-Identifier: GPL-3.0-or-later
"""The CSV/XLSX reader and the facility row checks, without a database."""
import io
import unittest

import openpyxl

from bhmis_base.facility_import import COLUMNS, REQUIRED, check_rows
from bhmis_base.geo import gps_problem, inside_province
from bhmis_base.tabular import TableError, read_table

HEADER = 'code,name,type,district\n'


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


class ReadTableTestCase(unittest.TestCase):

    def read(self, text, **kwargs):
        data = text.encode() if isinstance(text, str) else text
        return read_table(data, columns=COLUMNS, required=REQUIRED, **kwargs)

    def problems(self, text, **kwargs):
        with self.assertRaises(TableError) as context:
            self.read(text, **kwargs)
        return [str(p) for p in context.exception.problems]

    def test_csv_rows_numbered_as_in_a_spreadsheet(self):
        rows = self.read(HEADER + 'A1,Alpha,bhu,Quetta\n\nA2,Beta,rhc,Pishin\n')
        self.assertEqual([n for n, _ in rows], [2, 4])
        self.assertEqual(rows[1][1]['district'], 'Pishin')

    def test_header_is_case_insensitive_and_bom_ignored(self):
        rows = self.read('\ufeffCODE,Name,Type,District\nA1,Alpha,bhu,Q\n')
        self.assertEqual(rows[0][1]['code'], 'A1')

    def test_bad_files(self):
        for text, expected in [
                ('', "the file is empty"),
                ('\n\n', "the file has no header row"),
                (HEADER, "the file has no data rows"),
                ('code,name\nA,B\n', "row 1, column type: required column is missing"),
                (HEADER.strip() + ',colour\nA,B,bhu,Q,red\n', "row 1, column colour: unknown column"),
                (HEADER + 'A1,Alpha,bhu,Quetta,extra\n', "row 2: 5 cells but the header has 4 columns"),
                (HEADER + ',Alpha,bhu,Quetta\n', "row 2, column code: is required"),
                (HEADER + 'A1,"Alpha,bhu,Quetta\n', "malformed CSV"),
                (b'code,name,type,district\n\xff\xfe,x,bhu,q\n', "not UTF-8"),
                (b'PK\x03\x04garbage', "not a readable XLSX"),
                ]:
            with self.subTest(text=text):
                problems = self.problems(text)
                self.assertTrue(any(expected in p for p in problems),
                    msg="%r not in %r" % (expected, problems))

    def test_too_large(self):
        problems = self.problems(HEADER + 'A,B,bhu,Q\n' * 10, max_bytes=100)
        self.assertIn("more than the", problems[0])

    def test_every_problem_reported_at_once(self):
        problems = self.problems(
            HEADER + ',Alpha,bhu,Quetta\nA2,,rhc,Pishin\n')
        self.assertEqual(problems, [
                "row 2, column code: is required",
                "row 3, column name: is required"])

    def test_xlsx(self):
        rows = self.read(xlsx([['code', 'name', 'type', 'district', 'beds'],
                    ['A1', 'Alpha', 'bhu', 'Quetta', 12]]))
        self.assertEqual(rows, [(2, {'code': 'A1', 'name': 'Alpha',
                        'type': 'bhu', 'district': 'Quetta', 'beds': '12'})])


class CheckRowsTestCase(unittest.TestCase):
    districts = {'quetta': 1, 'qta': 1, 'pishin': 2}
    tehsils = {(1, 'city'): 10}

    def row(self, **values):
        record = {'code': 'A1', 'name': 'Alpha', 'type': 'bhu',
            'district': 'Quetta'}
        record.update(values)
        return record

    def check(self, *records, **kwargs):
        return check_rows(list(enumerate(records, 2)), self.districts,
            self.tehsils, **kwargs)

    def problems(self, *records, **kwargs):
        with self.assertRaises(TableError) as context:
            self.check(*records, **kwargs)
        return [str(p) for p in context.exception.problems]

    def test_values(self):
        checked = self.check(self.row(tehsil='City', latitude='30.18',
                longitude='66.99', beds='20', open_24_7='Yes',
                status='Non-Functional', dhis2_uid='ImspTQPwCqd',
                catchment_population='25000', name_ur='الفا'))
        self.assertEqual(checked.values, [{'code': 'A1', 'name': 'Alpha',
                    'name_ur': 'الفا', 'type': 'bhu', 'district': 1,
                    'tehsil': 10, 'latitude': 30.18, 'longitude': 66.99,
                    'beds': 20, 'catchment_population': 25000,
                    'open_24_7': True, 'status': 'non_functional',
                    'dhis2_uid': 'ImspTQPwCqd'}])
        self.assertEqual(checked.warnings, [])

    def test_problems_name_row_and_column(self):
        problems = self.problems(
            self.row(type='hospital'),
            self.row(code='A2', district='Lahore'),
            self.row(code='A3', latitude='95', longitude='66'),
            self.row(code='A4', latitude='30'),
            self.row(code='A5', beds='-3'),
            self.row(code='A6', beds='many'),
            self.row(code='A7', open_24_7='sometimes'),
            self.row(code='A8', status='open'),
            self.row(code='A9', dhis2_uid='123'),
            self.row(code='A2', tehsil='Nowhere'),
            )
        self.assertEqual(problems, [
                "row 2, column type: unknown type 'hospital' (one of: "
                "bhu, cd, civil, dhq, district_store, mch, msd, rhc, "
                "tb, teaching, thq)",
                "row 3, column district: unknown district 'Lahore'",
                "row 4, column latitude/longitude: latitude must be "
                "between -90 and 90",
                "row 5, column latitude/longitude: latitude and longitude "
                "go together",
                "row 6, column beds: must be 0 or more",
                "row 7, column beds: 'many' is not a whole number",
                "row 8, column open_24_7: 'sometimes' is not yes or no",
                "row 9, column status: unknown status 'open' (one of: "
                "closed, functional, non_functional)",
                "row 10, column dhis2_uid: '123' is not a DHIS2 id "
                "(a letter then 10 letters or digits)",
                "row 11, column code: code A2 is already on row 3",
                "row 11, column tehsil: unknown tehsil 'Nowhere' in "
                "district 'Quetta'",
                ])

    def test_district_by_code_and_scope(self):
        self.assertEqual(self.check(self.row(district='QTA')).values[0][
                'district'], 1)
        problems = self.problems(self.row(district='Pishin'),
            allowed_districts={1})
        self.assertEqual(problems, [
                "row 2, column district: district 'Pishin' is not one of "
                "yours"])

    def test_outside_province_is_a_warning(self):
        checked = self.check(self.row(latitude='33.6', longitude='73.0'))
        self.assertEqual([str(w) for w in checked.warnings], [
                "row 2, column latitude/longitude: 33.6, 73.0 is outside "
                "Balochistan"])


class GPSTestCase(unittest.TestCase):

    def test_gps(self):
        self.assertIsNone(gps_problem(None, None))
        self.assertIsNone(gps_problem(30.18, 66.99))
        self.assertTrue(gps_problem(30.18, None))
        self.assertTrue(gps_problem(-91, 0))
        self.assertTrue(gps_problem(0, 181))
        self.assertTrue(inside_province(30.18, 66.99))
        self.assertFalse(inside_province(31.52, 74.35), msg="Lahore")
