# SPDX-License-Identifier: GPL-3.0-or-later
"""Likely duplicates of a complaint and their merge: same facility and
category within 7 days and a similar description; merged through the
workflow, the duplicate's history kept and its number pointing to the
original."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_base.tests.tools import DBTestCase, as_user
from bhmis_complaints.exceptions import ComplaintError
from bhmis_complaints.tests import tools
from bhmis_complaints.tests.tools import FILED, at, setup_offices

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
XRAY = "The X-ray machine of the hospital is broken since Monday"


def file(when=FILED, **values):
    return tools.file(when, **dict({
                'category_code': 'equipment_not_working',
                'description': XRAY}, **values))


class DuplicatesTestCase(DBTestCase):
    "Duplicates of bhmis_complaints on the database"
    module = 'bhmis_complaints'

    @with_transaction()
    def test_likely_duplicates(self):
        "Same facility, category, 7 days and a similar text only"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        original = file()
        again = file(FILED + 2 * DAY,
            description="x-ray machine broken at the hospital, since Monday",
            language='en')
        later = file(FILED + 10 * DAY)
        other_text = file(FILED + DAY,
            description="Nobody cleans the toilets of the ward")
        other_category = file(FILED + DAY, category_code='other')
        other_facility = file(FILED + DAY, facility_code='P-BHU')
        self.assertEqual(Complaint(original.id).likely_duplicates, (again,))
        self.assertEqual(Complaint(again.id).likely_duplicates, (original,))
        for complaint in [later, other_text, other_category,
                other_facility]:
            with self.subTest(complaint=complaint.description):
                self.assertNotIn(original,
                    Complaint(complaint.id).likely_duplicates)
        self.assertEqual(Complaint(later.id).likely_duplicates, ())

        # A focal person is shown only what they may read
        with as_user(offices['focal']):
            self.assertEqual(Complaint(again.id).likely_duplicates,
                (original,))
        with as_user(offices['hr']):
            with self.assertRaises(AccessError):
                Complaint.read([again.id], ['likely_duplicates'])

    @with_transaction()
    def test_merge_through_the_workflow(self):
        "The duplicate is rejected, its number answers with the original"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        original = file()
        duplicate = file(FILED + DAY, language='en')
        with as_user(offices['focal']), at(FILED + DAY + HOUR):
            Complaint.acknowledge([duplicate])
            Complaint.write([duplicate], {'duplicate_of': original.id})
            Complaint.merge([duplicate])
        duplicate = Complaint(duplicate.id)
        self.assertEqual(
            (duplicate.state, duplicate.reject_reason,
                duplicate.duplicate_of),
            ('rejected', 'duplicate', original))
        self.assertEqual(
            [(t.from_state, t.to_state, t.user) for t in
                duplicate.transitions],
            [('new', 'acknowledged', offices['focal']),
                ('acknowledged', 'rejected', offices['focal'])])
        reply = duplicate.transitions[-1].public_reply
        self.assertIn(original.tracking_number, reply)
        self.assertIn("already filed", reply)

        status = Complaint.public_status(duplicate.tracking_number)
        self.assertEqual(status['status'], 'rejected')
        self.assertEqual(status['duplicate_of'], {
                'tracking_number': original.tracking_number,
                'status': 'new',
                'resolve_by': original.resolve_by.isoformat() + 'Z'})
        with at(FILED + 2 * DAY):
            Complaint.assign([original])
        self.assertEqual(Complaint.public_status(
                duplicate.tracking_number)['duplicate_of']['status'],
            'assigned', msg="the original's status as it is now")
        self.assertIsNone(
            Complaint.public_status(original.tracking_number)[
                'duplicate_of'])
        self.assertNotIn(
            'Gul Bano', repr(Complaint.public_status(
                    duplicate.tracking_number)))

    @with_transaction()
    def test_merge_refused(self):
        "Without an original, into a rejected one, or out of scope"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        original = file()
        duplicate = file(FILED + DAY)
        with as_user(offices['cell']):
            with self.assertRaises(AccessButtonError):
                # The button shows only once the original is chosen
                Complaint.merge([duplicate])
        with self.assertRaises(ComplaintError):
            Complaint.merge([duplicate])
        rejected = file(FILED + DAY)
        Complaint.write([rejected], {'reject_reason': 'abusive',
                'public_reply': "Abusive."})
        Complaint.reject([rejected])
        Complaint.write([duplicate], {'duplicate_of': rejected.id})
        with self.assertRaises(ComplaintError) as refused:
            Complaint.merge([duplicate])
        self.assertIn("rejected", str(refused.exception))
        self.assertEqual(Complaint(duplicate.id).state, 'new')

        # A focal person cannot merge another facility's complaint
        pishin = file(FILED + DAY, facility_code='P-BHU')
        Complaint.write([pishin], {'duplicate_of': original.id})
        with as_user(offices['focal']):
            with self.assertRaises(AccessError):
                Complaint.merge([pishin])
        self.assertEqual(Complaint(pishin.id).state, 'new')
        # Nor can the HR officer press it at all
        Complaint.write([duplicate], {'duplicate_of': original.id})
        with as_user(offices['hr']):
            with self.assertRaises(AccessError):
                Complaint.merge([Complaint(duplicate.id)])
        self.assertEqual(Complaint(duplicate.id).state, 'new')
