# SPDX-License-Identifier: GPL-3.0-or-later
"""Regression tests of the authorization holes of issue 12 in
bhmis_attendance, each played by the least-privileged user who could have
used it: the refusal, that nothing was written, and that the allowed path
still works."""
import datetime as dt
import uuid
from unittest import mock

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_attendance import face as engine
from bhmis_attendance import gallery
from bhmis_attendance.tests.test_module import burst_of, encoding, near
from bhmis_base.exceptions import ReadonlyFieldError, UnreadableTargetError
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr.tests.tools import create_employee

DAY = dt.date(2026, 11, 16)  # a Monday
MORNING = dt.datetime(2026, 11, 16, 3, 0)  # 08:00 in Quetta
MONTH = dt.date(2026, 11, 1)
MONTH_END = dt.date(2026, 11, 30)


class AuthorizationTestCase(DBTestCase):
    "Test the refusals of issue 12 in bhmis_attendance"

    module = 'bhmis_attendance'

    def setUp(self):
        super().setUp()
        gallery.clear()

    def setup_staff(self):
        """Ayesha and Bilal at a Quetta hospital, Chakar at a Pishin BHU;
        Ayesha and Chakar enrolled"""
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

    def check_in(self, device, vector, at):
        "Return the event of a check-in of the face vector at the device"
        Event = Pool().get('bhmis.attendance.event')
        event_id = str(uuid.uuid4())
        with mock.patch.object(engine, 'analyse_burst',
                return_value=burst_of(vector)):
            Event.check_in(device, [b'frame'], event_id, at)
        event, = Event.search([('event_id', '=', event_id)])
        return event

    def events(self):
        """An accepted check-in of Ayesha and a doubtful one pending
        review, at the Quetta hospital"""
        Device = Pool().get('bhmis.attendance.device')
        company, civil, bhu, staff, faces = self.setup_staff()
        device, _ = Device.register(civil)
        with set_company(company):
            accepted = self.check_in(device, faces['ayesha'], MORNING)
            pending = self.check_in(device, near(faces['ayesha'], 0.5),
                MORNING + dt.timedelta(hours=8))
        self.assertEqual((accepted.status, accepted.review_state),
            ('accepted', 'none'))
        self.assertEqual((pending.status, pending.review_state,
                pending.employee), ('review', 'pending', staff['ayesha']))
        return company, civil, bhu, staff, accepted, pending

    def today(self):
        "Review the day after the check-ins"
        return mock.patch.object(Pool().get('ir.date'), 'today',
            return_value=DAY + dt.timedelta(days=1))

    @with_transaction()
    def test_employee_of_decided_event_not_changed(self):
        """Issue 12 (a): an in-charge cannot give a check-in already
        accepted to someone else by writing its employee"""
        pool = Pool()
        Event = pool.get('bhmis.attendance.event')
        Line = pool.get('attendance.line')
        company, civil, _, staff, accepted, pending = self.events()
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[civil])
        with set_company(company), self.today(), as_user(incharge):
            Event.accept([Event(pending.id)])
        reviewed = Event(pending.id)
        self.assertEqual(reviewed.review_state, 'accepted')
        with set_company(company), as_user(incharge):
            for event in [accepted, reviewed]:
                with self.subTest(review_state=event.review_state), \
                        self.assertRaises(ReadonlyFieldError):
                    Event.write([Event(event.id)],
                        {'employee': staff['bilal'].id})
        for event in [accepted, reviewed]:
            event = Event(event.id)
            self.assertEqual((event.employee, event.line.employee),
                (staff['ayesha'], staff['ayesha']))
        self.assertEqual(Line.search([('employee', '=', staff['bilal'].id)]),
            [], msg="Bilal was given no attendance")

    @with_transaction()
    def test_pending_event_not_given_to_unreadable_employee(self):
        """Issue 12 (b): on a pending check-in of their facility, an
        in-charge cannot name an employee of another district; one of
        their own facility is fine"""
        pool = Pool()
        Event = pool.get('bhmis.attendance.event')
        Line = pool.get('attendance.line')
        company, civil, _, staff, _, pending = self.events()
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[civil])
        with set_company(company), as_user(incharge):
            with self.assertRaises(UnreadableTargetError):
                Event.write([Event(pending.id)],
                    {'employee': staff['chakar'].id})
        self.assertEqual(Event(pending.id).employee, staff['ayesha'])

        with set_company(company), self.today(), as_user(incharge):
            Event.write([Event(pending.id)], {'employee': staff['bilal'].id})
            Event.accept([Event(pending.id)])
        event = Event(pending.id)
        self.assertEqual((event.employee, event.review_state,
                event.line.employee),
            (staff['bilal'], 'accepted', staff['bilal']))
        self.assertEqual(
            Line.search([('employee', '=', staff['chakar'].id)]), [])

    @with_transaction()
    def test_event_status_not_written_directly(self):
        """Issue 12 (c): an in-charge cannot accept a check-in by writing
        its status or review state; the Accept button still works"""
        pool = Pool()
        Event = pool.get('bhmis.attendance.event')
        Line = pool.get('attendance.line')
        company, civil, _, staff, accepted, pending = self.events()
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[civil])
        lines = Line.search([])
        with set_company(company), as_user(incharge):
            for values in [{'status': 'accepted'},
                    {'review_state': 'accepted'},
                    {'status': 'accepted', 'review_state': 'accepted'},
                    {'reviewed_by': incharge.id},
                    {'line': accepted.line.id}]:
                with self.subTest(values=values), \
                        self.assertRaises(ReadonlyFieldError):
                    Event.write([Event(pending.id)], values)
            with self.assertRaises(ReadonlyFieldError):
                Event.write([Event(accepted.id)], {'status': 'rejected'})
        event = Event(pending.id)
        self.assertEqual((event.status, event.review_state,
                event.reviewed_by, event.line),
            ('review', 'pending', None, None))
        self.assertEqual(Event(accepted.id).status, 'accepted')
        self.assertEqual(Line.search([]), lines, msg="no attendance written")

        with set_company(company), self.today(), as_user(incharge):
            Event.accept([Event(pending.id)])
        event = Event(pending.id)
        self.assertEqual((event.status, event.review_state,
                event.reviewed_by), ('accepted', 'accepted', incharge))
        self.assertEqual(len(Line.search([])), len(lines) + 1)

    @with_transaction()
    def test_sheets_of_other_facility_unreadable(self):
        """Issue 12 (d): the attendance sheets and sheet lines of another
        facility's employees are not seen by an in-charge; a store keeper
        reads no one's hours, not even those of their own facility's
        staff"""
        pool = Pool()
        Line = pool.get('attendance.line')
        Sheet = pool.get('attendance.sheet')
        SheetLine = pool.get('attendance.sheet.line')
        company, civil, bhu, staff, _ = self.setup_staff()
        with set_company(company):
            Line.create([{'employee': staff[name].id,
                        'company': company.id,
                        'at': MORNING + dt.timedelta(hours=hours),
                        'date': DAY, 'type': type_}
                    for name in ['ayesha', 'chakar']
                    for hours, type_ in [(0, 'in'), (6, 'out')]])
            sheets = {s.employee: s.id for s in Sheet.search([])}
            sheet_lines = {l.employee: l.id for l in SheetLine.search([])}
        self.assertEqual(set(sheets), {staff['ayesha'], staff['chakar']})
        self.assertEqual(set(sheet_lines), set(sheets))
        users = [
            (create_user('incharge', 'group_facility_incharge',
                    facilities=[bhu]), staff['chakar'], staff['ayesha']),
            (create_user('civil', 'group_facility_incharge',
                    facilities=[civil]), staff['ayesha'], staff['chakar']),
            ]
        for user, own, other in users:
            for Model, ids in [(Sheet, sheets), (SheetLine, sheet_lines)]:
                with self.subTest(user=user.login, model=Model.__name__), \
                        set_company(company), as_user(user):
                    self.assertEqual(
                        [r.id for r in Model.search([])], [ids[own]])
                    self.assertEqual(Model.search_count(
                            [('employee', '=', other.id)]), 0)
                    with self.assertRaises(AccessError):
                        Model.read([ids[other]], ['employee'])
                    row, = Model.read([ids[own]], ['employee'])
                    self.assertEqual(row['employee'], own.id)
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[bhu])
        for Model, ids in [(Line, None), (Sheet, sheets),
                (SheetLine, sheet_lines)]:
            with self.subTest(user='keeper', model=Model.__name__), \
                    set_company(company), as_user(keeper):
                with self.assertRaises(AccessError):
                    Model.search([])
                if ids:
                    with self.assertRaises(AccessError):
                        Model.read([ids[staff['chakar']]], ['employee'])

    @with_transaction()
    def test_roster_lines_of_other_facility_unreadable(self):
        """Issue 12 (e): the roster lines of another facility are not
        visible, nor can lines be added to its roster"""
        pool = Pool()
        Roster = pool.get('bhmis.attendance.roster')
        RosterLine = pool.get('bhmis.attendance.roster.line')
        Shift = pool.get('bhmis.attendance.shift')
        _, civil, bhu, staff, _ = self.setup_staff()
        shift = {s.code: s for s in Shift.search([])}

        def roster(facility, name):
            record, = Roster.create([{'facility': facility.id,
                        'month': MONTH,
                        'lines': [('create', [{
                                        'employee': staff[name].id,
                                        'shift': shift['MORNING'].id,
                                        'start_date': MONTH,
                                        'end_date': MONTH_END}])]}])
            return record
        civil_roster = roster(civil, 'ayesha')
        bhu_roster = roster(bhu, 'chakar')
        civil_line, = civil_roster.lines
        bhu_line, = bhu_roster.lines
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[bhu])
        with as_user(incharge):
            self.assertEqual(RosterLine.search([]), [bhu_line])
            self.assertEqual(RosterLine.search_count(
                    [('roster', '=', civil_roster.id)]), 0)
            with self.assertRaises(AccessError):
                RosterLine.read([civil_line.id], ['employee'])
            with self.assertRaises(UnreadableTargetError):
                RosterLine.create([{'roster': civil_roster.id,
                            'employee': staff['chakar'].id,
                            'shift': shift['EVENING'].id,
                            'start_date': MONTH, 'end_date': MONTH_END}])
            self.assertEqual(RosterLine.read([bhu_line.id], ['employee']),
                [{'id': bhu_line.id, 'employee': staff['chakar'].id}])
            RosterLine.write([RosterLine(bhu_line.id)],
                {'shift': shift['EVENING'].id})
        self.assertEqual(RosterLine(bhu_line.id).shift, shift['EVENING'])
        self.assertEqual(len(Roster(civil_roster.id).lines), 1,
            msg="nothing added to the other facility's roster")

    @with_transaction()
    def test_hr_officer_reads_province_catalogues(self):
        """Issue 12: a district's HR officer reads the province's cadres,
        designations, leave types and shifts but does not change them; they
        declare their own district's local holidays, not the province's or
        another district's"""
        pool = Pool()
        Cadre = pool.get('bhmis.cadre')
        Designation = pool.get('bhmis.designation')
        LeaveType = pool.get('bhmis.leave.type')
        Shift = pool.get('bhmis.attendance.shift')
        Holiday = pool.get('bhmis.attendance.holiday')
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        officer = create_user('hr', 'group_hr_officer', districts=[quetta])
        casual, = LeaveType.search([('code', '=', 'CASUAL')])
        mo, = Designation.search([('code', '=', 'MO')])
        morning, = Shift.search([('code', '=', 'MORNING')])
        catalogues = [
            (Cadre, mo.cadre, {'name': "Renamed"}),
            (Designation, mo, {'name': "Renamed"}),
            (LeaveType, casual, {'days_per_year': 200}),
            (Shift, morning, {'start_time': dt.time(1, 0)}),
            ]
        with as_user(officer):
            for Model, record, values in catalogues:
                with self.subTest(model=Model.__name__):
                    self.assertIn(record, Model.search([]))
                    with self.assertRaises(AccessError):
                        Model.write([Model(record.id)], values)
                    with self.assertRaises(AccessError):
                        Model.delete([Model(record.id)])
            with self.assertRaises(AccessError):
                LeaveType.create([{'code': 'EXTRA', 'name': "Extra",
                            'days_per_year': 365}])
            for district in [None, pishin]:
                with self.subTest(district=district), \
                        self.assertRaises(AccessError):
                    Holiday.create([{'date': DAY, 'name': "Closed",
                                'district': district and district.id}])
            local, = Holiday.create([{'date': DAY, 'name': "Local fair",
                        'district': quetta.id}])
        self.assertEqual((LeaveType(casual.id).days_per_year,
                Shift(morning.id).start_time, Designation(mo.id).name !=
                "Renamed"), (20, morning.start_time, True))
        # (a refused create is rolled back with the request's transaction)
        self.assertEqual(Holiday(local.id).district, quetta)
