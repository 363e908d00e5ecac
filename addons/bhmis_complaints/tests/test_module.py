# SPDX-License-Identifier: GPL-3.0-or-later
"""Complaints on the database: filing, routing, the workflow and its
refusals, the clocks and the escalation job on a fixed clock, the
complainant's privacy as least-privileged users, feedback and follow-up."""
import datetime as dt
import io
import random

from PIL import Image
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from bhmis_base import demo as base_demo
from bhmis_base.tests.tools import as_user
from bhmis_complaints import demo, report, tracking
from bhmis_complaints.complaint import utcnow
from bhmis_complaints.exceptions import (
    AttachmentError,
    ComplaintError,
    ComplaintInputError,
    FeedbackRefused,
)
from bhmis_complaints.tests.tools import (
    FILED,
    at,
    public_values,
    setup_offices,
)

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def png():
    data = io.BytesIO()
    Image.new('RGB', (8, 8), 'red').save(data, 'PNG')
    return data.getvalue()


def file(values=None, when=FILED):
    Complaint = Pool().get('bhmis.complaint')
    with at(when):
        return Complaint.file_public(public_values(**(values or {})))


def move(complaint, button, when, **values):
    "Press button on complaint at when, after writing values"
    Complaint = Pool().get('bhmis.complaint')
    with at(when):
        if values:
            Complaint.write([complaint], values)
        getattr(Complaint, button)([complaint])
    return Complaint(complaint.id)


class ComplaintsTestCase(ModuleTestCase):
    "Test bhmis_complaints module"
    module = 'bhmis_complaints'

    @with_transaction()
    def test_file_public_routes_and_sets_clocks(self):
        "A web complaint gets a tracking number, its office and its clocks"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        offices = setup_offices()
        complaint = file()
        self.assertEqual(tracking.parse(complaint.tracking_number),
            complaint.tracking_number)
        self.assertEqual((complaint.state, complaint.channel,
                complaint.district, complaint.assigned_user),
            ('new', 'web', offices['quetta'], offices['focal']))
        self.assertEqual(complaint.filed_at, FILED)
        self.assertEqual(complaint.acknowledge_by, FILED + 24 * HOUR)
        self.assertEqual(complaint.resolve_by, FILED + 20 * DAY)
        self.assertEqual(complaint.deadline, FILED + 40 * DAY)

        # Bribery stays with the cell, whatever the facility
        bribery = file({'category_code': 'bribery'})
        self.assertIsNone(bribery.assigned_user)
        self.assertEqual(bribery.assigned_group.id,
            ModelData.get_id('bhmis_base', 'group_complaint_officer'))
        self.assertNotEqual(bribery.tracking_number,
            complaint.tracking_number)

        # Anonymous: no identity kept, whatever was sent
        anonymous = file({'anonymous': True, 'facility_code': None,
                'district_code': 'PISHIN'})
        self.assertEqual((anonymous.complainant_name, anonymous.phone,
                anonymous.cnic, anonymous.facility, anonymous.district),
            (None, None, None, None, offices['pishin']))

    @with_transaction()
    def test_file_public_bad_input_writes_nothing(self):
        "Codes the database does not know are named; nothing is written"
        Complaint = Pool().get('bhmis.complaint')
        Attachment = Pool().get('ir.attachment')
        setup_offices()
        cases = [
            ({'facility_code': 'NOWHERE'}, 'facility'),
            ({'facility_code': None, 'district_code': 'ATLANTIS'},
                'district'),
            ({'district_code': 'PISHIN'}, 'district'),
            ({'category_code': 'weather'}, 'category'),
            ({'attachments': [('photo.jpg', 'image/jpeg',
                            b'MZ\x90\x00' + b'\x00' * 64)]}, 'attachments'),
            ({'attachments': [('p%s.png' % i, 'image/png', png())
                        for i in range(4)]}, 'attachments'),
            ]
        for values, field in cases:
            with self.subTest(field=field, values=values):
                with self.assertRaises(ComplaintInputError) as refused:
                    file(values)
                self.assertEqual(list(refused.exception.errors), [field])
        self.assertEqual(Complaint.search_count([]), 0)
        self.assertEqual(Attachment.search_count([]), 0)

        complaint = file({'attachments': [('p.png', 'image/png', png())]})
        attachment, = Attachment.search([
                ('resource', '=', str(complaint))])
        self.assertEqual(attachment.name, 'p.png')

    @with_transaction()
    def test_attachments_checked_by_content(self):
        "A fourth file and an executable named .jpg are refused"
        Attachment = Pool().get('ir.attachment')
        setup_offices()
        complaint = file()
        Attachment.create([{'name': 'p%s.png' % i, 'type': 'data',
                    'resource': str(complaint), 'data': png()}
                for i in range(3)])
        with self.assertRaises(AttachmentError):
            Attachment.create([{'name': 'p4.png', 'type': 'data',
                        'resource': str(complaint), 'data': png()}])
        other = file()
        with self.assertRaises(AttachmentError):
            Attachment.create([{'name': 'photo.jpg', 'type': 'data',
                        'resource': str(other),
                        'data': b'MZ\x90\x00' + b'\x00' * 64}])

    @with_transaction()
    def test_escalation_on_fixed_clock(self):
        "Day 20 nothing, day 21 the district, day 41 the province, once"
        Complaint = Pool().get('bhmis.complaint')
        setup_offices()
        complaint = file()
        complaint = move(complaint, 'acknowledge', FILED + 2 * HOUR)

        def escalate(when):
            with at(when):
                return Complaint.escalate()

        self.assertEqual(escalate(FILED + 20 * DAY), [])
        self.assertIsNone(Complaint(complaint.id).escalation_level)

        district, = escalate(FILED + 20 * DAY + HOUR)
        self.assertEqual((district.complaint, district.level),
            (complaint, 'district'))
        self.assertEqual(escalate(FILED + 21 * DAY), [])
        self.assertEqual(Complaint(complaint.id).escalation_level,
            'district')
        with at(FILED + 21 * DAY):
            self.assertTrue(Complaint(complaint.id).overdue)

        self.assertEqual(escalate(FILED + 40 * DAY), [])
        province, = escalate(FILED + 40 * DAY + HOUR)
        self.assertEqual(province.level, 'province')
        self.assertEqual(escalate(FILED + 60 * DAY), [])
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.escalation_level, 'province')
        self.assertEqual([e.level for e in complaint.escalations],
            ['district', 'province'])

        # Time waiting on the citizen does not count
        paused = file()
        move(paused, 'acknowledge', FILED + HOUR)
        move(paused, 'assign', FILED + 2 * HOUR)
        move(paused, 'wait', FILED + 5 * DAY,
            public_reply="Which day did you go?")
        move(paused, 'start', FILED + 15 * DAY)
        self.assertEqual(escalate(FILED + 25 * DAY), [])
        paused = Complaint(paused.id)
        self.assertEqual(paused.resolve_by, FILED + 30 * DAY)
        with at(FILED + 25 * DAY):
            self.assertEqual(Complaint(paused.id).paused_days, 10.0)
        self.assertEqual(len(escalate(FILED + 30 * DAY + HOUR)), 1)

    @with_transaction()
    def test_workflow_history_and_refusals(self):
        "Steps only from the states that lead there, each one recorded"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        complaint = file()
        with self.assertRaises(ComplaintError):
            move(complaint, 'resolve', FILED + HOUR)
        with self.assertRaises(ComplaintError):
            move(complaint, 'reopen', FILED + HOUR)
        self.assertEqual(Complaint(complaint.id).state, 'new')
        with as_user(offices['focal']):
            complaint = move(complaint, 'acknowledge', FILED + HOUR)
            # Only the cell and the DHO assign
            with self.assertRaises(AccessButtonError):
                move(complaint, 'assign', FILED + 2 * HOUR)
        with as_user(offices['dho']):
            complaint = move(complaint, 'assign', FILED + 2 * HOUR)
        self.assertEqual(complaint.state, 'assigned')
        with as_user(offices['focal']):
            with self.assertRaises(ComplaintError):
                move(complaint, 'resolve', FILED + DAY)
            complaint = move(complaint, 'resolve', FILED + DAY,
                reason="Attendance register checked",
                public_reply="The doctor was warned.")
        self.assertEqual(complaint.state, 'resolved')
        self.assertEqual(
            [(t.from_state, t.to_state, t.user, t.at, t.public_reply)
                for t in complaint.transitions],
            [('new', 'acknowledged', offices['focal'], FILED + HOUR, None),
                ('acknowledged', 'assigned', offices['dho'],
                    FILED + 2 * HOUR, None),
                ('assigned', 'resolved', offices['focal'], FILED + DAY,
                    "The doctor was warned.")])
        self.assertEqual(complaint.transitions[-1].reason,
            "Attendance register checked")
        self.assertIsNone(complaint.public_reply)
        self.assertEqual(complaint.resolved_at, FILED + DAY)
        self.assertTrue(complaint.resolved_in_target)

        # Rejecting needs a reason the citizen reads, and the original
        duplicate = file()
        with self.assertRaises(ComplaintError):
            move(duplicate, 'reject', FILED + HOUR,
                public_reply="Already filed.")
        with self.assertRaises(ComplaintError):
            move(duplicate, 'reject', FILED + HOUR, reject_reason='duplicate',
                public_reply="Already filed.")
        duplicate = move(duplicate, 'reject', FILED + HOUR,
            reject_reason='duplicate', duplicate_of=complaint.id,
            public_reply="Already filed as %s." % complaint.tracking_number)
        self.assertEqual((duplicate.state, duplicate.duplicate_of),
            ('rejected', complaint))

        # A focal person cannot reject another facility's complaint
        pishin = file({'facility_code': 'P-BHU'})
        Complaint.write([pishin], {'reject_reason': 'abusive',
                'public_reply': "Abusive."})
        with as_user(offices['focal']):
            with self.assertRaises(AccessError):
                Complaint.reject([pishin])
            self.assertEqual(Complaint.search([]), [duplicate, complaint])
        self.assertEqual(Complaint(pishin.id).state, 'new')
        # Nor write the history by hand
        Transition = Pool().get('bhmis.complaint.transition')
        with as_user(offices['cell']):
            with self.assertRaises(AccessError):
                Transition.create([{'complaint': pishin.id,
                            'at': FILED, 'to_state': 'closed'}])

    @with_transaction()
    def test_identity_private_to_the_cell(self):
        "Focal persons and DHOs never read nor search who complained"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        complaint = file()
        file({'facility_code': 'P-BHU'})
        for login in ['focal', 'dho']:
            with self.subTest(login=login), as_user(offices[login]):
                self.assertEqual(Complaint.search([]), [complaint])
                row, = Complaint.read([complaint.id], ['description'])
                self.assertIn("not there", row['description'])
                for name in ['phone', 'complainant_name', 'cnic']:
                    with self.assertRaises(AccessError):
                        Complaint.read([complaint.id], [name])
                    with self.assertRaises(AccessError):
                        Complaint.search([(name, '=', 'x')])
                    with self.assertRaises(AccessError):
                        Complaint.search([], order=[(name, 'ASC')])
                self.assertEqual(Complaint.search(
                        [('rec_name', 'ilike', '%3001234567%')]), [])
        with as_user(offices['cell']):
            self.assertEqual(len(Complaint.search([])), 2)
            self.assertEqual(Complaint.search(
                    [('phone', '=', '+923001234567'),
                        ('facility', '=', offices['civil'].id)]),
                [complaint])
        with as_user(offices['hr']):
            with self.assertRaises(AccessError):
                Complaint.search([])

    @with_transaction()
    def test_feedback_reopen_and_closure(self):
        "Unsatisfied reopens, satisfied closes, a second rating is refused"
        Complaint = Pool().get('bhmis.complaint')
        Call = Pool().get('bhmis.complaint.call')
        offices = setup_offices()
        complaint = file()
        number = complaint.tracking_number
        with self.assertRaises(FeedbackRefused):
            Complaint.give_feedback(number, True, 5, "")
        move(complaint, 'assign', FILED + HOUR)
        move(complaint, 'resolve', FILED + DAY, public_reply="Warned.")
        with at(FILED + 2 * DAY):
            Complaint.give_feedback(number.lower(), False, 1, "Still away")
        complaint = Complaint(complaint.id)
        self.assertEqual((complaint.state, complaint.reopen_count,
                complaint.satisfied, complaint.rating),
            ('reopened', 1, False, 1))
        with self.assertRaises(FeedbackRefused):
            Complaint.give_feedback(number, True, 5, "")
        move(complaint, 'start', FILED + 3 * DAY)
        move(complaint, 'resolve', FILED + 4 * DAY, public_reply="Posted.")
        with at(FILED + 5 * DAY):
            Complaint.give_feedback(number, True, 4, "Thank you")
        complaint = Complaint(complaint.id)
        self.assertEqual((complaint.state, complaint.satisfied,
                complaint.rating), ('closed', True, 4))
        with self.assertRaises(FeedbackRefused):
            Complaint.give_feedback(number, True, 5, "")
        self.assertIsNone(Complaint.public_status('1129-NOPE'))

        # No answer in 7 days closes; the follow-up call log
        quiet = file()
        move(quiet, 'assign', FILED + HOUR)
        move(quiet, 'resolve', FILED + DAY, public_reply="Cleaned.")
        with at(FILED + 7 * DAY):
            self.assertEqual(Complaint.close_without_feedback(), [])
        with at(FILED + 8 * DAY + HOUR):
            self.assertEqual(Complaint.close_without_feedback(), [quiet])
        self.assertEqual(Complaint(quiet.id).state, 'closed')

        called = file()
        move(called, 'assign', FILED + HOUR)
        move(called, 'resolve', FILED + DAY, public_reply="Repaired.")
        with as_user(offices['focal']):
            with self.assertRaises(AccessError):
                Call.create([{'complaint': called.id,
                            'outcome': 'satisfied'}])
        with as_user(offices['cell']), at(FILED + 2 * DAY):
            for attempt in range(2):
                Call.create([{'complaint': called.id,
                            'outcome': 'unreachable'}])
            self.assertEqual(Complaint(called.id).state, 'resolved')
            Call.create([{'complaint': called.id,
                        'outcome': 'unreachable'}])
        self.assertEqual(Complaint(called.id).state, 'closed')

        unhappy = file()
        move(unhappy, 'assign', FILED + HOUR)
        move(unhappy, 'resolve', FILED + DAY, public_reply="Done.")
        with as_user(offices['cell']), at(FILED + 2 * DAY):
            Call.create([{'complaint': unhappy.id, 'outcome': 'unsatisfied',
                        'rating': 2, 'note': "Nothing changed"}])
        unhappy = Complaint(unhappy.id)
        self.assertEqual((unhappy.state, unhappy.rating),
            ('reopened', 2))
        self.assertEqual(unhappy.transitions[-1].user, offices['cell'])

    @with_transaction()
    def test_public_status_and_sms(self):
        "The citizen's view tells no one's name; SMS files and rates"
        Complaint = Pool().get('bhmis.complaint')
        setup_offices()
        complaint = file()
        move(complaint, 'assign', FILED + HOUR, reason="Internal note")
        move(complaint, 'resolve', FILED + DAY, reason="Internal",
            public_reply="The doctor was warned.")
        status = Complaint.public_status(complaint.tracking_number)
        self.assertEqual(status['status'], 'resolved')
        self.assertEqual((status['category'], status['facility'],
                status['district']), ('staff_absence', 'Q-CIVIL', 'QUETTA'))
        self.assertEqual(status['history'][-1]['public_reply'],
            "The doctor was warned.")
        text = repr(status)
        for secret in ['Internal', '3001234567', 'Gul Bano', '54400']:
            self.assertNotIn(secret, text)
        mistyped = complaint.tracking_number[:-1] + (
            '0' if complaint.tracking_number[-1] != '0' else '1')
        self.assertIsNone(Complaint.public_status(mistyped))
        self.assertIsNone(Complaint.public_status('hello'))

        with at(FILED + 2 * DAY):
            rated = Complaint.from_sms('03001234567',
                '%s 5 thanks' % complaint.tracking_number)
        self.assertEqual((rated, Complaint(complaint.id).state),
            (complaint, 'closed'))
        with at(FILED + 2 * DAY):
            sms = Complaint.from_sms('0300-1234567',
                "No vaccinator at BHU Killi for a week")
        self.assertEqual((sms.channel, sms.phone, sms.state,
                sms.category.code),
            ('sms', '+923001234567', 'new', 'other'))
        with self.assertRaises(ValueError):
            Complaint.from_sms('12345', "text")
        with self.assertRaises(ComplaintInputError):
            Complaint.from_sms('03001234567', "   ")

    @with_transaction()
    def test_demo_small(self):
        "About 60 complaints in every state, some escalated and reopened"
        Complaint = Pool().get('bhmis.complaint')
        base_demo.load('small', random.Random(1))
        # One clock for loading and checking: a paused complaint's
        # resolve_by moves on with the time
        with at(utcnow()):
            self.assertEqual(demo.load('small', random.Random(2)), 60)
            complaints = Complaint.search([])
            self.assertEqual({c.state for c in complaints},
                {s for s, _ in demo.STATE_WEIGHTS})
            self.assertGreater(len({c.channel for c in complaints}), 3)
            self.assertGreater(len({c.category for c in complaints}), 6)
            escalated = [c for c in complaints if c.escalation_level]
            self.assertTrue(escalated)
            for complaint in complaints:
                # The clocks agree with the back-dated history
                clock = complaint.compute_clock()
                self.assertEqual(complaint.resolve_by, clock.resolve_by)
                self.assertEqual(complaint.state,
                    complaint.transitions[-1].to_state
                    if complaint.transitions else 'new')
                if complaint.escalation_level:
                    self.assertGreater(complaint.days_open,
                        complaint.category.target_days)
            self.assertTrue(any(c.overdue for c in complaints))
            self.assertTrue(any(c.reopen_count for c in complaints))
            # The acknowledgements as sent at the time; nothing to send now
            messages = Pool().get('bhmis.complaint.message').search([])
            self.assertEqual(len(messages),
                len([c for c in complaints if c.phone]))
            self.assertEqual({(m.kind, m.state) for m in messages},
                {('acknowledgement', 'sent')})
            self.assertEqual(Pool().get('ir.queue').search_count([]), 0)
            self.assertEqual(demo.load('small', random.Random(2)), 0)
            focal, = Pool().get('res.user').search(
                [('login', '=', 'focal.civil')])
            with as_user(focal):
                seen = Complaint.search([])
            self.assertTrue(seen)
            self.assertEqual({c.facility.code for c in seen},
                {'QUETTA-CIVIL-001'})

    @with_transaction()
    def test_reports(self):
        "SLA figures by district and a register naming nobody"
        offices = setup_offices()
        fast = file()
        move(fast, 'acknowledge', FILED + HOUR)
        move(fast, 'assign', FILED + 2 * HOUR)
        move(fast, 'resolve', FILED + 2 * DAY, public_reply="Done.")
        with at(FILED + 3 * DAY):
            Pool().get('bhmis.complaint').give_feedback(
                fast.tracking_number, True, 5, "")
        slow = file({'facility_code': 'P-BHU'})
        move(slow, 'assign', FILED + 2 * DAY)
        move(slow, 'resolve', FILED + 25 * DAY, public_reply="Done.")
        file({'category_code': 'cleanliness'})
        with at(FILED + 30 * DAY):
            headers, rows = report.sla()
            self.assertEqual(headers[0], "District")
            self.assertEqual(rows, [
                    ('Pishin', 1, 1, 0.0, 0.0, 100.0, 25.0, None, 0.0),
                    ('Quetta', 2, 1, 50.0, 100.0, 100.0, 2.0, 100.0, 0.0),
                    ('Total', 3, 2, 33.3, 50.0, 100.0, 13.5, 100.0, 0.0),
                    ])
            _, rows = report.sla(district=offices['quetta'])
            self.assertEqual([r[:3] for r in rows],
                [('Quetta', 2, 1), ('Total', 2, 1)])
            _, rows = report.summary()
            self.assertEqual([r[:4] for r in rows], [
                    ('Cleanliness', 'Quetta', '2026-11', 1),
                    ('Staff Absence', 'Pishin', '2026-11', 1),
                    ('Staff Absence', 'Quetta', '2026-11', 1)])
            headers, rows = report.register()
            self.assertEqual(len(rows), 3)
            self.assertNotIn('+923001234567', repr(rows))
            self.assertNotIn('Gul Bano', repr(rows))
            name, data = report.render('complaints-register',
                district=offices['pishin'])
        self.assertEqual(name, 'complaints-register.xlsx')
        self.assertEqual(data[:2], b'PK')
        with as_user(offices['focal']), at(FILED + 30 * DAY):
            _, rows = report.register()
        self.assertEqual({r[5] for r in rows}, {'Q-CIVIL - Facility Q-CIVIL'})


del ModuleTestCase
