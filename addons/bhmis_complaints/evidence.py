# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence beside a complaint, computed by the system when it arrives and
kept as it was then (stored fields), recomputed on demand by a button:

- staff absence or misbehaviour at a facility on a date: that day's
  attendance there (bhmis_attendance's daily attendance) and the linked
  employee's status, check-ins and leave that day;
- medicine not available: the facility store's stock of the medicine that
  day, its stock-out days in the month until that day (bhmis_inventory's
  flows and formulas) and its last delivery (the stock card);
- equipment not working: the item's status that day, its status history
  and its open maintenance requests.

A resolution "not substantiated" that the evidence contradicts (the staff
absent, the medicine out of stock, the equipment not working) needs the
officer's comment (the step's reason)."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from bhmis_attendance import daily
from bhmis_attendance.day import STATUSES as DAY_STATUSES
from bhmis_attendance.day import local_timezone, to_local
from bhmis_inventory import formulas, indicators
from bhmis_inventory.equipment import DOWN
from bhmis_inventory.equipment import STATUSES as EQUIPMENT_STATUSES
from bhmis_inventory.maintenance import OPEN as OPEN_MAINTENANCE

from .exceptions import ComplaintError

# The evidence each category calls for
KINDS = {
    'staff_absence': 'attendance',
    'staff_misbehaviour': 'attendance',
    'medicine_unavailable': 'stock',
    'equipment_not_working': 'equipment',
    }
EVIDENCE_KINDS = [
    (None, ""),
    ('attendance', "Attendance"),
    ('stock', "Stock"),
    ('equipment', "Equipment"),
    ]
RESOLUTIONS = [
    (None, ""),
    ('action_taken', "Action Taken"),
    ('not_substantiated', "Not Substantiated"),
    ('information_given', "Information Given"),
    ]
# Worked days (late is counted apart)
PRESENT = ('present', 'left_early')
# Not expected at work that day
NOT_ROSTERED = ('off_duty', 'holiday')
EVIDENCE_FIELDS = [
    'evidence_kind', 'evidence_at', 'evidence_date', 'evidence_rostered',
    'evidence_present', 'evidence_late', 'evidence_on_leave',
    'evidence_absent', 'evidence_employee_status',
    'evidence_employee_check_ins', 'evidence_employee_on_leave',
    'evidence_on_hand', 'evidence_stockout_days', 'evidence_last_delivery',
    'evidence_last_delivery_quantity', 'evidence_equipment_status',
    'evidence_status_history', 'evidence_open_maintenance',
    'evidence_supports']


def attendance_counts(statuses):
    """The day's counts of a facility from its employees' statuses:
    rostered (expected at work, on leave or on official duty), present,
    late, on leave and absent"""
    counts = dict.fromkeys(daily.STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return {
        'rostered': sum(n for s, n in counts.items()
            if s not in NOT_ROSTERED),
        'present': sum(counts[s] for s in PRESENT),
        'late': counts['late'],
        'on_leave': counts['on_leave'],
        'absent': counts['absent'],
        }


def supports(kind, values):
    """Whether the evidence backs the complaint: staff absent (the named
    employee, or anyone when none is linked), no stock that day, the
    equipment down that day or under an open maintenance request"""
    if kind == 'attendance':
        if values.get('evidence_employee_status'):
            return values['evidence_employee_status'] == 'absent'
        return bool(values.get('evidence_absent'))
    if kind == 'stock':
        on_hand = values.get('evidence_on_hand')
        return on_hand is not None and on_hand <= 0
    if kind == 'equipment':
        return (values.get('evidence_equipment_status') in DOWN
            or bool(values.get('evidence_open_maintenance')))
    return False


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    evidence_kind = fields.Selection(EVIDENCE_KINDS, "Evidence",
        readonly=True)
    evidence_at = fields.DateTime("Evidence Computed", readonly=True)
    evidence_date = fields.Date("Evidence Day", readonly=True,
        help="The day of the incident (of filing when not given).")
    evidence_rostered = fields.Integer("Rostered", readonly=True,
        help="The employees of the facility expected at work that day, "
        "on leave or on official duty.")
    evidence_present = fields.Integer("Present", readonly=True)
    evidence_late = fields.Integer("Late", readonly=True)
    evidence_on_leave = fields.Integer("On Leave", readonly=True)
    evidence_absent = fields.Integer("Absent", readonly=True)
    evidence_employee_status = fields.Selection(
        [(None, "")] + DAY_STATUSES, "Employee's Day", readonly=True)
    evidence_employee_check_ins = fields.Char("Employee's Check-ins",
        readonly=True)
    evidence_employee_on_leave = fields.Boolean("Employee on Leave",
        readonly=True)
    evidence_on_hand = fields.Float("On Hand That Day", readonly=True)
    evidence_stockout_days = fields.Integer("Stock-out Days This Month",
        readonly=True, help="The days of the month until that day that "
        "ended with no stock.")
    evidence_last_delivery = fields.Date("Last Delivery", readonly=True)
    evidence_last_delivery_quantity = fields.Float("Last Delivery Quantity",
        readonly=True)
    evidence_equipment_status = fields.Selection(
        [(None, "")] + EQUIPMENT_STATUSES, "Equipment Status That Day",
        readonly=True)
    evidence_status_history = fields.Text("Status History", readonly=True)
    evidence_open_maintenance = fields.Integer("Open Maintenance Requests",
        readonly=True)
    evidence_supports = fields.Boolean("Evidence Supports the Complaint",
        readonly=True)
    resolution = fields.Selection(RESOLUTIONS, "Resolution",
        states={'readonly': ~Eval('state').in_(
                ['assigned', 'in_progress'])},
        help="What the resolution found; \"not substantiated\" against "
        "the evidence needs a reason.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'compute_evidence': {
                    'invisible': ~Eval('evidence_kind'),
                    'depends': ['evidence_kind'],
                    },
                })

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default else {}
        for name in EVIDENCE_FIELDS + ['resolution']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    def create(cls, vlist):
        complaints = super().create(vlist)
        cls.store_evidence(complaints)
        return complaints

    @classmethod
    @ModelView.button
    def compute_evidence(cls, complaints):
        "Recompute the evidence from today's records"
        cls.store_evidence(complaints)

    @classmethod
    def store_evidence(cls, complaints):
        now = cls.now()
        to_write = []
        with without_check_access():
            for complaint in cls.browse([c.id for c in complaints]):
                kind = KINDS.get(complaint.category.code)
                values = dict.fromkeys(EVIDENCE_FIELDS)
                if kind and complaint.facility:
                    values.update(getattr(complaint, '_evidence_' + kind)())
                    values['evidence_kind'] = kind
                    values['evidence_at'] = now
                    values['evidence_date'] = complaint.evidence_day()
                values['evidence_supports'] = supports(kind, values)
                to_write.extend(([complaint], values))
            if to_write:
                # Written by the system: the officers only read it
                super().write(*to_write)

    def evidence_day(self):
        "The local day of the incident, else of the filing"
        at = self.incident_at or self.filed_at
        return to_local(at, local_timezone()).date()

    def _evidence_attendance(self):
        pool = Pool()
        Day = pool.get('bhmis.attendance.day')
        Employee = pool.get('company.employee')
        Leave = pool.get('bhmis.leave.request')
        date = self.evidence_day()
        if date <= self.now().date():
            # The attendance module's own computation, from the roster,
            # check-ins, leave and holidays as they are now (the nightly
            # job may not have run, and leave may have been approved since)
            employees = Employee.search([
                    ('facility', '=', self.facility.id),
                    ('hr_status', '=', 'active')])
            if employees:
                Day.compute(date, employees)
        days = Day.search([
                ('facility', '=', self.facility.id), ('date', '=', date)])
        values = {'evidence_' + k: v for k, v in attendance_counts(
                [d.status for d in days]).items()}
        if self.employee:
            values['evidence_employee_status'] = next(
                (d.status for d in days if d.employee == self.employee),
                None)
            punches = Day.punches(date, [self.employee]).get(
                self.employee.id, [])
            values['evidence_employee_check_ins'] = ', '.join(
                '%s %s' % (at.strftime('%H:%M'), type_)
                for at, type_ in sorted(punches) if at.date() == date)
            values['evidence_employee_on_leave'] = Leave.on_leave(
                self.employee, date)
        return values

    def _evidence_stock(self):
        pool = Pool()
        Location = pool.get('stock.location')
        StockCard = pool.get('bhmis.inventory.stock_card')
        if not self.product or not Location.search([
                    ('type', '=', 'warehouse'),
                    ('facility', '=', self.facility.id)], limit=1):
            return {}
        date = self.evidence_day()
        start = indicators.month_start(date)
        opening, flows = indicators.flows([self.facility.id], start, date)
        key = self.facility.id, self.product.id
        opening = opening.get(key, Decimal(0))
        signed = [(d, indicators.SIGNS[kind] * quantity)
            for d, kind, quantity in flows.get(key, [])]
        closing = formulas.daily_closing(opening, signed, start, date)
        deliveries = StockCard.search([
                ('facility', '=', self.facility.id),
                ('product', '=', self.product.id),
                ('kind', '=', 'received'),
                ('date', '<=', date),
                ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        return {
            'evidence_on_hand': closing[-1][1],
            'evidence_stockout_days': formulas.stockout_days(
                opening, signed, start, date),
            'evidence_last_delivery': (
                deliveries[0].date if deliveries else None),
            'evidence_last_delivery_quantity': (
                deliveries[0].quantity_in if deliveries else None),
            }

    def _evidence_equipment(self):
        pool = Pool()
        Change = pool.get('bhmis.equipment.status_change')
        Maintenance = pool.get('bhmis.equipment.maintenance')
        if not self.equipment:
            return {}
        end = dt.datetime.combine(
            self.evidence_day() + dt.timedelta(days=1), dt.time())
        changes = Change.search([('equipment', '=', self.equipment.id)],
            order=[('date', 'ASC'), ('id', 'ASC')])
        names = dict(EQUIPMENT_STATUSES)
        zone = local_timezone()
        status = None
        lines = []
        for change in changes:
            local = to_local(change.date, zone)
            if local < end:
                status = change.status
            lines.append('%s %s' % (local.strftime('%Y-%m-%d %H:%M'),
                    names[change.status]))
        open_ = Maintenance.search_count([
                ('equipment', '=', self.equipment.id),
                ('state', 'in', OPEN_MAINTENANCE),
                ])
        return {
            'evidence_equipment_status': status,
            'evidence_status_history': '\n'.join(lines),
            'evidence_open_maintenance': open_,
            }

    @classmethod
    def check_resolution(cls, complaints):
        "A resolution the evidence contradicts needs the officer's reason"
        for complaint in complaints:
            if (complaint.resolution == 'not_substantiated'
                    and complaint.evidence_supports
                    and not complaint.reason):
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_resolution_against_evidence',
                        complaint=complaint.rec_name))

    @classmethod
    def resolve(cls, complaints):
        cls.check_resolution(complaints)
        return super().resolve(complaints)
