# SPDX-License-Identifier: GPL-3.0-or-later
"""The XLSX report writer, without a database."""
import datetime as dt
import io
import unittest

import openpyxl

from bhmis_base.xlsx import write_table


class WriteTableTestCase(unittest.TestCase):

    def test_table_reads_back(self):
        data = write_table("Vacancies", ["Facility", "Vacant", "Since"], [
                ("BHU Saryab", 2, dt.date(2026, 3, 1)),
                ("DHQ Pishin", 0, None)], subtitle="Quetta — 2026-11-26")
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet.title, "Vacancies")
        self.assertEqual(sheet['A1'].value, "Vacancies")
        self.assertEqual(sheet['A2'].value, "Quetta — 2026-11-26")
        self.assertEqual([c.value for c in sheet[4]],
            ["Facility", "Vacant", "Since"])
        self.assertEqual([c.value for c in sheet[5]],
            ["BHU Saryab", 2, dt.datetime(2026, 3, 1)])
        self.assertEqual([c.value for c in sheet[6]], ["DHQ Pishin", 0, None])
        self.assertEqual(sheet.freeze_panes, 'A5')

    def test_urdu_sheet_is_right_to_left(self):
        data = write_table("خالی آسامیاں", ["مرکز صحت"], [("کوئٹہ",)],
            right_to_left=True)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertTrue(sheet.sheet_view.rightToLeft)
        self.assertEqual(sheet['A5'].value, "کوئٹہ")
