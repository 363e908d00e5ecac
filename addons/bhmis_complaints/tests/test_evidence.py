# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence beside a complaint: the day's attendance at the facility, the
store's stock of the medicine, the equipment's status; computed at intake,
kept as it was then, recomputed by the button, read within the
complaint's scope only; a "not substantiated" resolution against it needs
a reason."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from bhmis_base.exceptions import ReadonlyFieldError
from bhmis_base.tests.tools import DBTestCase, as_user
from bhmis_complaints import evidence
from bhmis_complaints.complaint import utcnow
from bhmis_complaints.exceptions import ComplaintError
from bhmis_complaints.tests.tools import FILED, at, file, setup_offices
from bhmis_hr.tests.tools import create_employee
from bhmis_inventory.tests.tools import create_medicine

HOUR = dt.timedelta(hours=1)
# FILED is 10:00 in Quetta on Monday 2 November 2026
DAY = dt.date(2026, 11, 2)



def test_attendance_counts():
    "Rostered is everyone expected, on leave or on duty that day"
    counts = evidence.attendance_counts(['present', 'left_early', 'late',
            'absent', 'absent', 'on_leave', 'official_duty', 'off_duty',
            'holiday'])
    assert counts == {'rostered': 7, 'present': 2, 'late': 1,
        'on_leave': 1, 'absent': 2}
    assert evidence.attendance_counts([]) == {'rostered': 0, 'present': 0,
        'late': 0, 'on_leave': 0, 'absent': 0}


def test_attendance_counts_refuse_unknown_status():
    try:
        evidence.attendance_counts(['asleep'])
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown status is counted")


def test_supports():
    "What evidence backs a complaint"
    assert evidence.supports('attendance', {'evidence_absent': 1})
    assert not evidence.supports('attendance', {'evidence_absent': 0})
    # The named employee decides when linked
    assert not evidence.supports('attendance', {'evidence_absent': 3,
            'evidence_employee_status': 'present'})
    assert evidence.supports('attendance', {'evidence_absent': 0,
            'evidence_employee_status': 'absent'})
    assert not evidence.supports('attendance', {
            'evidence_employee_status': 'on_leave'})
    assert evidence.supports('stock', {'evidence_on_hand': 0.0})
    assert not evidence.supports('stock', {'evidence_on_hand': 12.0})
    assert not evidence.supports('stock', {'evidence_on_hand': None})
    assert evidence.supports('equipment', {
            'evidence_equipment_status': 'under_repair'})
    assert evidence.supports('equipment', {
            'evidence_equipment_status': 'functional',
            'evidence_open_maintenance': 1})
    assert not evidence.supports('equipment', {
            'evidence_equipment_status': 'functional',
            'evidence_open_maintenance': 0})
    assert not evidence.supports(None, {'evidence_absent': 4})


class EvidenceTestCase(DBTestCase):
    "Evidence of bhmis_complaints on the database"
    module = 'bhmis_complaints'

    def setup_staff(self, offices):
        "Four employees of the Quetta hospital and their 2 November"
        pool = Pool()
        Line = pool.get('attendance.line')
        Leave = pool.get('bhmis.leave.request')
        LeaveType = pool.get('bhmis.leave.type')
        company = create_company()
        company.timezone = 'Asia/Karachi'
        company.save()
        civil = offices['civil']
        with set_company(company):
            staff = {
                name: create_employee(company, 'P%s' % n, name, civil)
                for n, name in enumerate(
                    ['Ayesha', 'Bilal', 'Chakar', 'Dur'])}
            # Morning shift 08:00-14:00 local (UTC+5)
            Line.create([
                    {'employee': staff['Ayesha'].id, 'company': company.id,
                        'at': dt.datetime(2026, 11, 2, 2, 55),
                        'date': DAY, 'type': 'in'},
                    {'employee': staff['Bilal'].id, 'company': company.id,
                        'at': dt.datetime(2026, 11, 2, 4, 10),
                        'date': DAY, 'type': 'in'},
                    ])
            casual, = LeaveType.search([('code', '=', 'CASUAL')])
            leave, = Leave.create([{'employee': staff['Dur'].id,
                        'type': casual.id, 'start_date': DAY,
                        'end_date': DAY}])
            Leave.request([leave])
            Leave.approve([leave])
        return company, staff

    @with_transaction()
    def test_attendance_at_intake_kept_and_recomputed(self):
        "The day's attendance is stored at filing and changes on demand"
        pool = Pool()
        Complaint = pool.get('bhmis.complaint')
        Line = pool.get('attendance.line')
        offices = setup_offices()
        company, staff = self.setup_staff(offices)
        complaint = file()
        self.assertEqual(
            (complaint.evidence_kind, complaint.evidence_date,
                complaint.evidence_at, complaint.evidence_rostered,
                complaint.evidence_present, complaint.evidence_late,
                complaint.evidence_on_leave, complaint.evidence_absent),
            ('attendance', DAY, FILED, 4, 1, 1, 1, 1))
        self.assertTrue(complaint.evidence_supports,
            msg="Chakar was absent")
        self.assertIsNone(complaint.evidence_employee_status)

        # A late check-in of Chakar does not change what was seen
        with set_company(company):
            Line.create([{'employee': staff['Chakar'].id,
                        'company': company.id,
                        'at': dt.datetime(2026, 11, 2, 3, 0),
                        'date': DAY, 'type': 'in'}])
        Day = pool.get('bhmis.attendance.day')
        Day.compute(DAY)
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.evidence_absent, 1)

        # The officer links the named employee and recomputes
        with as_user(offices['focal']):
            Complaint.write([complaint], {'employee': staff['Bilal'].id})
            with at(FILED + HOUR):
                Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(
            (complaint.evidence_at, complaint.evidence_absent,
                complaint.evidence_present, complaint.evidence_employee_status,
                complaint.evidence_employee_check_ins,
                complaint.evidence_employee_on_leave),
            (FILED + HOUR, 0, 2, 'late', '09:10 in', False))
        self.assertFalse(complaint.evidence_supports,
            msg="Bilal came, late")

        Complaint.write([complaint], {'employee': staff['Dur'].id})
        Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual((complaint.evidence_employee_status,
                complaint.evidence_employee_check_ins,
                complaint.evidence_employee_on_leave),
            ('on_leave', '', True))

    @with_transaction()
    def test_no_evidence_without_facility_or_for_other_categories(self):
        offices = setup_offices()
        self.setup_staff(offices)
        cleanliness = file(category_code='cleanliness')
        self.assertEqual((cleanliness.evidence_kind,
                cleanliness.evidence_at, cleanliness.evidence_supports),
            (None, None, False))
        unsure = file(facility_code=None, district_code='QUETTA')
        self.assertEqual((unsure.evidence_kind, unsure.evidence_rostered),
            (None, None))

    @with_transaction()
    def test_stock_of_the_medicine(self):
        "On hand that day, stock-out days of the month, last delivery"
        pool = Pool()
        Complaint = pool.get('bhmis.complaint')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        offices = setup_offices()
        company = create_company()
        store = offices['civil'].store
        supplier, = Location.search([('type', '=', 'supplier')])
        customer, = Location.search([('type', '=', 'customer')])
        product = create_medicine('AMX', "Amoxicillin").products[0]
        lot, = Lot.create([{'number': 'L1', 'product': product.id,
                    'expiration_date': dt.date(2028, 1, 1)}])

        def move(date, from_, to, quantity):
            priced = from_.type == 'supplier' or to.type == 'customer'
            record, = Move.create([{
                        'product': product.id, 'lot': lot.id,
                        'unit': product.default_uom.id,
                        'quantity': quantity,
                        'from_location': from_.id, 'to_location': to.id,
                        'planned_date': date, 'effective_date': date,
                        'company': company.id,
                        'unit_price': Decimal('2') if priced else None,
                        'currency': company.currency.id if priced else None,
                        }])
            Move.do([record])

        with set_company(company):
            move(dt.date(2026, 10, 5), supplier, store.storage_location, 100)
            move(dt.date(2026, 10, 20), store.storage_location, customer,
                100)
        complaint = file(category_code='medicine_unavailable')
        self.assertEqual((complaint.evidence_kind,
                complaint.evidence_on_hand), ('stock', None),
            msg="no medicine named yet")
        Complaint.write([complaint], {'product': product.id})
        with at(FILED):
            Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(
            (complaint.evidence_on_hand, complaint.evidence_stockout_days,
                complaint.evidence_last_delivery,
                complaint.evidence_last_delivery_quantity,
                complaint.evidence_supports),
            (0.0, 2, dt.date(2026, 10, 5), 100.0, True))

        # A delivery recorded later for 1 November: kept until recomputed
        with set_company(company):
            move(dt.date(2026, 11, 1), supplier, store.storage_location, 40)
        self.assertEqual(Complaint(complaint.id).evidence_on_hand, 0.0)
        Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(
            (complaint.evidence_on_hand, complaint.evidence_stockout_days,
                complaint.evidence_last_delivery,
                complaint.evidence_supports),
            (40.0, 0, dt.date(2026, 11, 1), False))

    @with_transaction()
    def test_equipment_status_and_open_maintenance(self):
        pool = Pool()
        Complaint = pool.get('bhmis.complaint')
        Equipment = pool.get('bhmis.equipment')
        EquipmentCategory = pool.get('bhmis.equipment.category')
        Maintenance = pool.get('bhmis.equipment.maintenance')
        offices = setup_offices()
        xray, = EquipmentCategory.search([('code', '=', 'XRAY')])
        item, = Equipment.create([{'asset_tag': 'QC-XR-1',
                    'facility': offices['civil'].id,
                    'category': xray.id}])
        now = utcnow()
        breakdown, = Maintenance.create([{'equipment': item.id,
                    'type': 'corrective', 'reported': now - HOUR}])
        # The incident now, not an hour ago: the breakdown's status change
        # is dated now, and an hour earlier may be the day before in
        # Pakistan (between 19:00 and 20:00 UTC)
        complaint = file(when=now, category_code='equipment_not_working',
            incident_at=now)
        Complaint.write([complaint], {'equipment': item.id})
        with at(now):
            Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(
            (complaint.evidence_kind, complaint.evidence_equipment_status,
                complaint.evidence_open_maintenance,
                complaint.evidence_supports),
            ('equipment', 'non_functional', 1, True))
        history = complaint.evidence_status_history.splitlines()
        self.assertEqual([line.split(' ', 2)[2] for line in history],
            ["Functional", "Non-Functional"])

        Maintenance.cancel([breakdown])
        self.assertEqual(Complaint(complaint.id).evidence_open_maintenance,
            1, msg="kept as it was until recomputed")
        with at(now):
            Complaint.compute_evidence([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual((complaint.evidence_equipment_status,
                complaint.evidence_open_maintenance,
                complaint.evidence_supports),
            ('functional', 0, False))

    @with_transaction()
    def test_evidence_in_the_complaints_scope_only(self):
        "The focal person reads it; others nothing; nobody writes it"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        self.setup_staff(offices)
        complaint = file()
        pishin = file(facility_code='P-BHU')
        with as_user(offices['focal']):
            row, = Complaint.read([complaint.id], ['evidence_absent'])
            self.assertEqual(row['evidence_absent'], 1)
            with self.assertRaises(AccessError):
                Complaint.read([pishin.id], ['evidence_absent'])
            with self.assertRaises(AccessError):
                Complaint.compute_evidence([Complaint(pishin.id)])
            with self.assertRaises(ReadonlyFieldError):
                Complaint.write([Complaint(complaint.id)],
                    {'evidence_absent': 0})
        with as_user(offices['hr']):
            with self.assertRaises(AccessError):
                Complaint.read([complaint.id], ['evidence_absent'])
        self.assertEqual(Complaint(complaint.id).evidence_absent, 1)
        # Never on the public API
        status = Complaint.public_status(complaint.tracking_number)
        self.assertFalse([k for k in status if 'evidence' in k])
        self.assertNotIn('absent', repr(status))

    @with_transaction()
    def test_resolution_against_evidence_needs_a_reason(self):
        "Not substantiated while the staff was absent: refused unexplained"
        Complaint = Pool().get('bhmis.complaint')
        offices = setup_offices()
        self.setup_staff(offices)
        complaint = file()
        self.assertTrue(complaint.evidence_supports)
        with as_user(offices['dho']), at(FILED + HOUR):
            Complaint.assign([complaint])
        with as_user(offices['focal']), at(FILED + 2 * HOUR):
            Complaint.write([complaint], {'resolution': 'not_substantiated',
                    'public_reply': "The staff was on duty."})
            with self.assertRaises(ComplaintError) as refused:
                Complaint.resolve([complaint])
            self.assertIn("evidence", str(refused.exception))
            self.assertEqual(Complaint(complaint.id).state, 'assigned')
            Complaint.write([complaint], {
                    'reason': "Chakar was on a polio campaign, letter seen"})
            Complaint.resolve([complaint])
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.state, 'resolved')
        self.assertEqual(complaint.transitions[-1].reason,
            "Chakar was on a polio campaign, letter seen")

        # Action taken needs no more than the reply
        other = file()
        Complaint.assign([other])
        Complaint.write([other], {'resolution': 'action_taken',
                'public_reply': "The doctor was warned."})
        Complaint.resolve([other])
        self.assertEqual(Complaint(other.id).state, 'resolved')

    @with_transaction()
    def test_resolution_message_in_urdu(self):
        pool = Pool()
        Complaint = pool.get('bhmis.complaint')
        Translation = pool.get('ir.translation')
        offices = setup_offices()
        self.setup_staff(offices)
        # Tests activate English only: load the module's Urdu catalogue
        Translation.translation_import('ur', 'bhmis_complaints', [
                str(Path(__file__).parent.parent / 'locale' / 'ur.po')])
        complaint = file()
        Complaint.assign([complaint])
        Complaint.write([complaint], {'resolution': 'not_substantiated',
                'public_reply': "OK"})
        with Transaction().set_context(language='ur'):
            with self.assertRaises(ComplaintError) as refused:
                Complaint.resolve([complaint])
        self.assertIn("شواہد", str(refused.exception))
