# SPDX-License-Identifier: GPL-3.0-or-later
"""Attendance models: devices, check-ins, review, rosters and the daily
computation, on the database, with synthetic face encodings where the
camera is not the point (the real pipeline is in test_face.py and
tests/test_attendance_api.py)."""
import datetime as dt
import uuid
from unittest import mock

import numpy
from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from bhmis_attendance import face as engine
from bhmis_attendance import gallery
from bhmis_attendance.exceptions import (
    DuplicateFaceError,
    EnrolmentError,
    RosterError,
)
from bhmis_base.tests.tools import (
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr.tests.tools import create_employee

DAY = dt.date(2026, 11, 16)  # a Monday


def encoding(seed):
    "A synthetic 128-d encoding; different seeds are different people"
    vector = numpy.random.default_rng(seed).normal(size=128)
    return (vector / numpy.linalg.norm(vector) * 0.9).astype(numpy.float32)


def near(vector, distance, seed=99):
    "An encoding at distance from vector"
    noise = numpy.random.default_rng(seed).normal(size=128)
    noise = noise / numpy.linalg.norm(noise) * distance
    return (vector + noise).astype(numpy.float32)


def burst_of(vector, live=True):
    sample = engine.FaceSample(encoding=vector, location=(10, 60, 60, 10),
        sharpness=100.0, brightness=120.0,
        image=numpy.zeros((80, 80, 3), dtype=numpy.uint8))
    return engine.Burst(sample=sample, index=0, ears=[], live=live)


class AttendanceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test bhmis_attendance module"
    module = 'bhmis_attendance'

    def setUp(self):
        super().setUp()
        gallery.clear()

    def setup_staff(self):
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        company = create_company()
        company.timezone = 'Asia/Karachi'
        company.save()
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        civil = create_facility('Q-CIVIL', quetta, type='civil',
            latitude=30.2, longitude=67.0, open_24_7=True)
        bhu = create_facility('P-BHU', pishin)
        with set_company(company):
            staff = {
                'ayesha': create_employee(company, 'P1', "Ayesha", civil),
                'bilal': create_employee(company, 'P2', "Bilal", civil),
                'chakar': create_employee(company, 'P3', "Chakar", bhu),
                }
        faces = {name: encoding(n) for n, name in enumerate(staff)}
        Face.create([{'employee': staff[name].id,
                    'encoding': engine.encoding_to_bytes(faces[name])}
                for name in ['ayesha', 'chakar']])
        return company, civil, bhu, staff, faces

    def check_in(self, device, vector, at, live=True, event_id=None,
            **values):
        Event = Pool().get('bhmis.attendance.event')
        with mock.patch.object(engine, 'analyse_burst',
                return_value=burst_of(vector, live)):
            return Event.check_in(device, [b'frame'],
                event_id or str(uuid.uuid4()), at, **values)

    @with_transaction()
    def test_device_key_shown_once_and_revoked(self):
        Device = Pool().get('bhmis.attendance.device')
        _, civil, *_ = self.setup_staff()
        device, key = Device.register(civil)
        self.assertNotIn(key, (device.key_hash, device.code),
            msg="the key is not stored")
        self.assertEqual(Device.authenticate(key), device)
        self.assertIsNone(Device.authenticate(key + 'x'))
        Device.revoke([device])
        self.assertIsNone(Device.authenticate(key),
            msg="a revoked key is refused")

    @with_transaction()
    def test_checkin_accept_in_then_out(self):
        pool = Pool()
        Device = pool.get('bhmis.attendance.device')
        Line = pool.get('attendance.line')
        company, civil, _, staff, faces = self.setup_staff()
        device, _ = Device.register(civil)
        with set_company(company):
            morning = dt.datetime(2026, 11, 16, 3, 0)  # 08:00 in Quetta
            first = self.check_in(device, near(faces['ayesha'], 0.3),
                morning)
            again = self.check_in(device, faces['ayesha'],
                morning + dt.timedelta(seconds=30))
            out = self.check_in(device, faces['ayesha'],
                morning + dt.timedelta(hours=6))
        self.assertEqual((first['status'], first['type']),
            ('accepted', 'in'))
        self.assertEqual(first['employee']['personnel_number'], 'P1')
        self.assertEqual(again['type'], 'in',
            msg="pressing twice is one punch")
        self.assertEqual(out['type'], 'out')
        lines = Line.search([('employee', '=', staff['ayesha'].id)],
            order=[('at', 'ASC')])
        self.assertEqual([(l.type, l.date) for l in lines],
            [('in', DAY), ('out', DAY)])

    @with_transaction()
    def test_night_checkout_after_midnight_is_out(self):
        Device = Pool().get('bhmis.attendance.device')
        company, civil, _, staff, faces = self.setup_staff()
        device, _ = Device.register(civil)
        evening = dt.datetime(2026, 11, 16, 15, 0)  # 20:00 in Quetta
        with set_company(company):
            first = self.check_in(device, faces['ayesha'], evening)
            morning = self.check_in(device, faces['ayesha'],
                evening + dt.timedelta(hours=12))
            next_night = self.check_in(device, faces['ayesha'],
                evening + dt.timedelta(hours=24))
        self.assertEqual([first['type'], morning['type'],
                next_night['type']], ['in', 'out', 'in'])

    @with_transaction()
    def test_checkin_review_reject_liveness_geofence(self):
        pool = Pool()
        Device = pool.get('bhmis.attendance.device')
        Event = pool.get('bhmis.attendance.event')
        Line = pool.get('attendance.line')
        company, civil, _, staff, faces = self.setup_staff()
        kiosk, _ = Device.register(civil)
        phone, _ = Device.register(civil, kind='phone', liveness=False)
        at = dt.datetime(2026, 11, 16, 3, 0)
        with set_company(company):
            doubtful = self.check_in(kiosk, near(faces['ayesha'], 0.5), at)
            stranger = self.check_in(kiosk, encoding(42), at)
            photo = self.check_in(kiosk, faces['ayesha'], at, live=False)
            far = self.check_in(phone, faces['ayesha'], at,
                latitude=30.3, longitude=67.0)
            near_ = self.check_in(phone, faces['ayesha'], at,
                latitude=30.2005, longitude=67.0)
        self.assertEqual(doubtful['status'], 'review')
        self.assertEqual((stranger['status'], stranger['reason']),
            ('rejected', 'unknown_face'))
        self.assertEqual(photo['reason'], 'liveness_failed')
        self.assertEqual(far['reason'], 'outside_geofence')
        self.assertEqual(near_['status'], 'accepted')
        self.assertEqual(len(Line.search([])), 1,
            msg="only the accepted check-in wrote a line")
        pending, = Event.search([('review_state', '=', 'pending')])
        self.assertEqual(pending.employee, staff['ayesha'])
        self.assertTrue(pending.evidence, msg="the evidence is kept")

    @with_transaction()
    def test_resent_event_answers_the_same_and_writes_nothing(self):
        pool = Pool()
        Device = pool.get('bhmis.attendance.device')
        Event = pool.get('bhmis.attendance.event')
        company, civil, _, _, faces = self.setup_staff()
        device, _ = Device.register(civil)
        event_id = str(uuid.uuid4())
        at = dt.datetime(2026, 11, 16, 3, 0)
        with set_company(company):
            first = self.check_in(device, faces['ayesha'], at,
                event_id=event_id)
            self.assertEqual(Event.answered(device, event_id), first)
            with self.assertRaises(UserError):
                self.check_in(device, faces['ayesha'], at,
                    event_id=event_id)

    @with_transaction()
    def test_facility_roster_searched_before_province(self):
        pool = Pool()
        Device = pool.get('bhmis.attendance.device')
        company, civil, bhu, staff, faces = self.setup_staff()
        device, _ = Device.register(bhu)
        with set_company(company):
            result = self.check_in(device, faces['ayesha'],
                dt.datetime(2026, 11, 16, 3, 0))
        self.assertEqual(result['status'], 'accepted',
            msg="staff of another facility are found in the province")
        self.assertEqual(result['employee']['personnel_number'], 'P1')

    @with_transaction()
    def test_review_decisions_recorded_and_scoped(self):
        pool = Pool()
        Device = pool.get('bhmis.attendance.device')
        Event = pool.get('bhmis.attendance.event')
        Day = pool.get('bhmis.attendance.day')
        company, civil, bhu, staff, faces = self.setup_staff()
        device, _ = Device.register(civil)
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[civil])
        other = create_user('other', 'group_facility_incharge',
            facilities=[bhu])
        at = dt.datetime(2026, 11, 16, 3, 5)
        with set_company(company):
            self.check_in(device, near(faces['ayesha'], 0.5), at)
            self.check_in(device, near(faces['ayesha'], 0.5, seed=7),
                at + dt.timedelta(hours=1))
        with as_user(other):
            self.assertEqual(Event.search([]), [],
                msg="another facility's in-charge sees nothing")
        with set_company(company), as_user(incharge), \
                mock.patch.object(Pool().get('ir.date'), 'today',
                    return_value=DAY + dt.timedelta(days=1)):
            first, second = Event.search([('review_state', '=', 'pending')],
                order=[('captured_at', 'ASC')])
            Event.accept([first])
            Event.reject([second])
        self.assertEqual(first.review_state, 'accepted')
        self.assertEqual(first.reviewed_by.login, 'incharge')
        self.assertEqual(first.line.type, 'in')
        self.assertEqual(second.status, 'rejected')
        self.assertIsNone(second.line)
        day, = Day.search([('employee', '=', staff['ayesha'].id)])
        self.assertEqual((day.date, day.status), (DAY, 'present'),
            msg="accepting a past check-in recomputes the day")

    @with_transaction()
    def test_duplicate_face_refused_and_flagged(self):
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        Flag = pool.get('bhmis.attendance.duplicate_flag')
        company, civil, _, staff, faces = self.setup_staff()
        sample = burst_of(near(faces['ayesha'], 0.2)).sample
        with mock.patch.object(engine, 'decode'), \
                mock.patch.object(engine, 'analyse', return_value=sample), \
                mock.patch.object(engine, 'thumbnail', return_value=b'jpg'):
            with self.assertRaises(DuplicateFaceError) as context:
                Face.enrol(staff['bilal'], [b'photo'])
            self.assertEqual(context.exception.code, 'duplicate_face')
            self.assertFalse(Face.search([
                        ('employee', '=', staff['bilal'].id)]))
            self.assertFalse(Flag.search([]),
                msg="enrol() raises; the caller decides to flag")
            faces_, refused = Face.enrol_or_flag(staff['bilal'], [b'photo'],
                'command')
            self.assertEqual((faces_, refused.code), ([], 'duplicate_face'))
            flag, = Flag.search([])
            self.assertEqual((flag.employee, flag.other),
                (staff['bilal'], staff['ayesha']))
            other = burst_of(encoding(77)).sample
            with mock.patch.object(engine, 'analyse', return_value=other):
                faces_, = Face.enrol(staff['bilal'], [b'photo'])
        self.assertEqual(faces_.employee, staff['bilal'])

    @with_transaction()
    def test_gallery_follows_enrolments_and_deletions(self):
        "Each process's gallery sees a new face at once, and a deleted one go"
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        State = pool.get('bhmis.attendance.gallery_state')
        _, civil, _, staff, faces = self.setup_staff()

        def state():
            row, = State.search_read([], fields_names=['faces', 'last_face'])
            return row['faces'], row['last_face']
        first = gallery.current()
        self.assertEqual(sorted(first.keys()),
            sorted([staff['ayesha'].id, staff['chakar'].id]))
        self.assertEqual(state(),
            (2, max(f.id for f in Face.search([]))))
        new, = Face.create([{'employee': staff['bilal'].id,
                    'encoding': engine.encoding_to_bytes(faces['bilal'])}])
        self.assertEqual(state(), (3, new.id))
        found = gallery.current()
        self.assertIs(found, first, msg="the new face appended")
        self.assertEqual(found.search(faces['bilal'])[0][0],
            staff['bilal'].id)
        Face.delete(Face.search([('employee', '=', staff['chakar'].id)]))
        self.assertEqual(state()[0], 2)
        found = gallery.current()
        self.assertNotIn(staff['chakar'].id, found,
            msg="a deleted face is no longer matched")
        self.assertEqual(sorted(found.keys()),
            sorted([staff['ayesha'].id, staff['bilal'].id]))
        admin = create_user('att', 'group_facility_incharge',
            facilities=[civil])
        self.add_group(admin, 'bhmis_attendance', 'group_attendance_admin')
        with as_user(admin):
            with self.assertRaises(UserError):
                State.search([])

    @with_transaction()
    def test_enrol_bad_photo_writes_nothing(self):
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        _, _, _, staff, _ = self.setup_staff()
        with self.assertRaises(EnrolmentError) as context:
            Face.enrol(staff['bilal'], [b'not an image'])
        self.assertEqual(context.exception.code, 'bad_image')
        with self.assertRaises(EnrolmentError):
            Face.enrol(staff['bilal'], [])
        self.assertFalse(Face.search([('employee', '=', staff['bilal'].id)]))

    @with_transaction()
    def test_biometrics_deleted_when_leaving_service(self):
        pool = Pool()
        Employee = pool.get('company.employee')
        Face = pool.get('bhmis.attendance.face')
        Log = pool.get('bhmis.attendance.biometric_log')
        _, _, _, staff, _ = self.setup_staff()
        self.assertEqual(staff['ayesha'].enrolled_faces, 1)
        Employee.write([staff['ayesha']], {'hr_status': 'retired'})
        self.assertFalse(Face.search([
                    ('employee', '=', staff['ayesha'].id)]))
        log, = Log.search([])
        self.assertEqual((log.employee, log.action),
            (staff['ayesha'], 'deleted_left_service'))
        Employee.forget_biometrics([staff['chakar']])
        self.assertEqual(len(Log.search([
                        ('action', '=', 'deleted_request')])), 1)

    @with_transaction()
    def test_biometric_data_only_for_attendance_admin(self):
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        _, civil, *_ = self.setup_staff()
        hr = create_user('hr', 'group_hr_officer',
            districts=[civil.district])
        with as_user(hr):
            with self.assertRaises(UserError):
                Face.search([])
        admin = create_user('att', 'group_facility_incharge',
            facilities=[civil])
        self.add_group(admin, 'bhmis_attendance', 'group_attendance_admin')
        with as_user(admin):
            self.assertEqual(len(Face.search([])), 1,
                msg="the attendance administrator of the facility sees "
                "its enrolled face only")

    def add_group(self, user, module, xml_id):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        User.write([user], {'groups': [
                    ('add', [ModelData.get_id(module, xml_id)])]})

    @with_transaction()
    def test_roster_24_7_needs_three_shifts(self):
        pool = Pool()
        Roster = pool.get('bhmis.attendance.roster')
        Shift = pool.get('bhmis.attendance.shift')
        _, civil, _, staff, _ = self.setup_staff()
        self.assertTrue(civil.open_24_7)
        shift = {s.code: s for s in Shift.search([])}
        month = dt.date(2026, 11, 1)
        end = dt.date(2026, 11, 30)
        roster, = Roster.create([{'facility': civil.id, 'month': month,
                    'lines': [('create', [
                                {'employee': staff['ayesha'].id,
                                    'shift': shift['MORNING'].id,
                                    'start_date': month, 'end_date': end},
                                {'employee': staff['bilal'].id,
                                    'shift': shift['NIGHT'].id,
                                    'start_date': month, 'end_date': end},
                                ])]}])
        with self.assertRaises(RosterError) as context:
            Roster.publish([roster])
        self.assertIn('evening', context.exception.message)
        Roster.write([roster], {'lines': [('create', [
                            {'employee': staff['bilal'].id,
                                'shift': shift['EVENING'].id,
                                'start_date': month, 'end_date': end}])]})
        Roster.publish([roster])
        self.assertEqual(roster.state, 'published')

    @with_transaction()
    def test_daily_night_shift_leave_holiday(self):
        pool = Pool()
        Roster = pool.get('bhmis.attendance.roster')
        Shift = pool.get('bhmis.attendance.shift')
        Day = pool.get('bhmis.attendance.day')
        Line = pool.get('attendance.line')
        Leave = pool.get('bhmis.leave.request')
        LeaveType = pool.get('bhmis.leave.type')
        Holiday = pool.get('bhmis.attendance.holiday')
        company, civil, bhu, staff, _ = self.setup_staff()
        shift = {s.code: s for s in Shift.search([])}
        month = dt.date(2026, 11, 1)
        end = dt.date(2026, 11, 30)
        roster, = Roster.create([{'facility': civil.id, 'month': month,
                    'lines': [('create', [
                                {'employee': staff['ayesha'].id,
                                    'shift': shift['NIGHT'].id,
                                    'start_date': month, 'end_date': end},
                                {'employee': staff['bilal'].id,
                                    'shift': shift['MORNING'].id,
                                    'start_date': month, 'end_date': end},
                                {'employee': staff['bilal'].id,
                                    'shift': shift['EVENING'].id,
                                    'start_date': month, 'end_date': end},
                                ])]}])
        Roster.publish([roster])
        # Ayesha: night of the 16th, 20:05 to 08:00 on the 17th (local)
        with set_company(company):
            Line.create([
                    {'employee': staff['ayesha'].id, 'company': company.id,
                        'at': dt.datetime(2026, 11, 16, 15, 5),
                        'date': DAY, 'type': 'in'},
                    {'employee': staff['ayesha'].id, 'company': company.id,
                        'at': dt.datetime(2026, 11, 17, 3, 0),
                        'date': DAY + dt.timedelta(days=1), 'type': 'out'},
                    ])
            casual, = LeaveType.search([('code', '=', 'CASUAL')])
            leave, = Leave.create([{'employee': staff['bilal'].id,
                        'type': casual.id, 'start_date': DAY,
                        'end_date': DAY}])
            Leave.request([leave])
            Leave.approve([leave])
        Holiday.create([{'date': DAY, 'name': "Test Day",
                    'district': bhu.district.id}])
        self.assertEqual(Day.compute(DAY), 3)
        days = {d.employee.personnel_number: d for d in Day.search([
                    ('date', '=', DAY)])}
        self.assertEqual(days['P1'].status, 'present')
        self.assertEqual(days['P1'].worked_hours, 11.92)
        self.assertEqual(days['P2'].status, 'on_leave')
        self.assertEqual(days['P3'].status, 'holiday',
            msg="Pishin's local holiday, no roster there")
        Day.compute(DAY)
        self.assertEqual(len(Day.search([('date', '=', DAY)])), 3,
            msg="recomputing replaces the day")
        Day.compute(DAY + dt.timedelta(days=1))
        day, = Day.search([('employee', '=', staff['ayesha'].id),
                ('date', '=', DAY + dt.timedelta(days=1))])
        self.assertEqual(day.status, 'absent',
            msg="the morning check-out belongs to the night before")


del ModuleTestCase
