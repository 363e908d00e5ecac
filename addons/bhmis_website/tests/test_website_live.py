# SPDX-License-Identifier: GPL-3.0-or-later
"""The live sections' figures and the public's suppression of small
numbers, without a database."""
import datetime as dt
import unittest

from bhmis_website import live

T = dt.datetime(2026, 11, 2, 8, 0)


class PublicCountTest(unittest.TestCase):

    def test_under_five_people_is_not_shown(self):
        for count, shown in [(0, None), (1, None), (4, None), (5, 5),
                (12, 12), (None, None)]:
            self.assertEqual(live.public_count(count), shown, msg=count)

    def test_threshold_zero_shows_everything(self):
        self.assertEqual(live.public_count(0, threshold=0), 0)
        self.assertEqual(live.public_count(3, threshold=0), 3)


class PresentNowTest(unittest.TestCase):

    def test_last_punch_decides(self):
        hour = dt.timedelta(hours=1)
        cases = [
            ([], False),
            ([(T, 'in')], True),
            ([(T, 'in'), (T + hour, 'out')], False),
            ([(T + hour, 'out'), (T, 'in')], False),
            ([(T, 'in'), (T + hour, 'out'), (T + 2 * hour, 'in')], True),
            # Out then in at the same instant: a changeover, still here
            ([(T, 'in'), (T, 'out')], True),
            ]
        for punches, expected in cases:
            self.assertEqual(live.present_now(punches), expected,
                msg=punches)


class StaffOnDutyTest(unittest.TestCase):

    def test_counts_by_cadre_in_order(self):
        people = ([('NURSING', True, True)] * 6
            + [('MEDICAL', True, True)] * 2 + [('MEDICAL', False, True)]
            + [('MEDICAL', False, False)] + [('SUPPORT', True, True)] * 9)
        rows = live.staff_on_duty(people)
        self.assertEqual(rows, [
                {'cadre': 'MEDICAL', 'present': 2, 'rostered': 3,
                    'posted': 4},
                {'cadre': 'NURSING', 'present': 6, 'rostered': 6,
                    'posted': 6},
                ], msg="support staff are not doctors or nurses; a cadre "
            "without anyone posted (dental) is left out")

    def test_public_staff_hides_small_counts(self):
        rows = live.public_staff([{'cadre': 'MEDICAL', 'present': 2,
                    'rostered': 7, 'posted': 9}])
        self.assertEqual(rows, [{'cadre': 'MEDICAL', 'present': None,
                    'rostered': 7, 'posted': 9}])


class SectionsTest(unittest.TestCase):

    def test_medicines_are_available_or_not_never_quantities(self):
        states = live.medicine_states(
            [(1, 'ORS-205', "ORS"), (2, 'ZNC-20T', "Zinc"),
                (3, 'OXY-10I', "Oxytocin")],
            {1: 250.0, 2: 0, 4: 9})
        self.assertEqual(states, [('ORS-205', "ORS", True),
                ('ZNC-20T', "Zinc", False), ('OXY-10I', "Oxytocin", False)])

    def test_equipment_working_without_condemned(self):
        states = live.equipment_states([('X-ray', 'functional'),
                ('X-ray', 'under_repair'), ('Ultrasound', 'condemned'),
                ('ECG', 'non_functional')])
        self.assertEqual(dict(states), {
                'X-ray': {'total': 2, 'working': 1},
                'ECG': {'total': 1, 'working': 0}})

    def test_complaints_in_sla(self):
        self.assertEqual(live.complaints_in_sla([True, True, False]),
            {'resolved': 3, 'in_time': 2, 'percent': 67})
        self.assertEqual(live.complaints_in_sla([]),
            {'resolved': 0, 'in_time': 0, 'percent': None})

    def test_switches(self):
        self.assertEqual(live.enabled_sections({}, {}), list(live.SECTIONS))
        self.assertEqual(live.enabled_sections({'staff': False},
                {'equipment': False}), ['medicines', 'complaints'])
