# SPDX-License-Identifier: GPL-3.0-or-later
"""Attendance reports as XLSX, in the back office (Reports › Attendance
Reports) and with `bhmis report attendance-daily|absenteeism|enrolment`;
each reads under the user's record rules."""
import datetime as dt
from collections import defaultdict

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.columns import columns, selection_labels
from bhmis_base.xlsx import write_table

from .daily import absenteeism_rate
from .day import local_timezone, to_local

REPORTS = [
    ('attendance-daily', "Daily Attendance"),
    ('absenteeism', "Monthly Absenteeism"),
    ('enrolment', "Face Enrolment"),
    ]


def _name(record):
    return record.rec_name if record else ''


def _scope(domain, district, facility, prefix=''):
    if facility:
        domain.append((prefix + 'facility', '=', facility.id))
    elif district:
        domain.append((prefix + 'district', '=', district.id))
    return domain


def attendance_daily(district=None, facility=None, date=None, **_):
    Day = Pool().get('bhmis.attendance.day')
    date = date or Pool().get('ir.date').today() - dt.timedelta(days=1)
    days = Day.search(_scope([('date', '=', date)], district, facility),
        order=[('facility', 'ASC'), ('employee', 'ASC')])
    labels = selection_labels('bhmis.attendance.day', 'status')
    zone = local_timezone()
    headers = columns('bhmis_attendance', 'facility', 'personnel_number',
        'employee', 'shift', 'status', 'first_in', 'last_out',
        'minutes_late', 'minutes_early', 'hours_worked')
    rows = [(_name(d.facility), d.employee.personnel_number,
            d.employee.party.name, _name(d.shift), labels[d.status],
            to_local(d.first_in, zone), to_local(d.last_out, zone),
            d.late_minutes, d.early_minutes,
            d.worked_hours) for d in days]
    return headers, rows


def absenteeism(district=None, facility=None, month=None, **_):
    "Per employee, then totals per facility and district"
    Absenteeism = Pool().get('bhmis.attendance.absenteeism')
    month = (month or Pool().get('ir.date').today()).replace(day=1)
    records = Absenteeism.search(
        _scope([('month', '=', month)], district, facility),
        order=[('district', 'ASC'), ('facility', 'ASC'),
            ('employee', 'ASC')])
    headers = columns('bhmis_attendance', 'district', 'facility',
        'employee', 'expected_days', 'present', 'late', 'left_early',
        'absent', 'on_leave', 'official_duty', 'absenteeism')
    keys = ['present', 'late', 'left_early', 'absent', 'on_leave',
        'official_duty']
    all_facilities, total = columns('bhmis_attendance', 'all_facilities',
        'total')
    rows, totals = [], defaultdict(lambda: defaultdict(int))
    for record in records:
        counts = {k: getattr(record, k) or 0 for k in keys}
        for group in [(record.district, record.facility),
                (record.district, None)]:
            for key, value in counts.items():
                totals[group][key] += value
        rows.append((_name(record.district), _name(record.facility),
                _name(record.employee), record.expected,
                *counts.values(), _rate(counts)))
    for (district_, facility_), counts in sorted(totals.items(),
            key=lambda i: (_name(i[0][0]), i[0][1] is None,
                _name(i[0][1]))):
        rows.append((_name(district_),
                _name(facility_) if facility_ else all_facilities,
                total, sum(counts[k] for k in keys[:4]),
                *(counts[k] for k in keys), _rate(counts)))
    return headers, rows


def _rate(counts):
    rate = absenteeism_rate(dict(counts))
    return round(rate * 100, 1) if rate is not None else None


def enrolment(district=None, facility=None, **_):
    "Enrolled staff over active staff per facility, with district totals"
    pool = Pool()
    Employee = pool.get('company.employee')
    domain = [('hr_status', '=', 'active'), ('facility', '!=', None)]
    if facility:
        domain.append(('facility', '=', facility.id))
    elif district:
        domain.append(('facility.district', '=', district.id))
    employees = Employee.search(domain, order=[])
    with Transaction().set_context(_check_access=False):
        enrolled = {e.id for e in Employee.browse(employees)
            if e.enrolled_faces}
    counts = defaultdict(lambda: [0, 0])
    for employee in employees:
        for key in [(employee.facility.district, employee.facility),
                (employee.facility.district, None)]:
            counts[key][0] += 1
            counts[key][1] += employee.id in enrolled
    headers = columns('bhmis_attendance', 'district', 'facility',
        'active_staff', 'enrolled', 'enrolled_percent')
    all_facilities, = columns('bhmis_attendance', 'all_facilities')
    rows = []
    for (district_, facility_), (active, done) in sorted(counts.items(),
            key=lambda i: (_name(i[0][0]), i[0][1] is None,
                _name(i[0][1]))):
        rows.append((_name(district_),
                _name(facility_) if facility_ else all_facilities,
                active, done, round(100.0 * done / active, 1)))
    return headers, rows


BUILDERS = {
    'attendance-daily': attendance_daily,
    'absenteeism': absenteeism,
    'enrolment': enrolment,
    }


def render(name, district=None, facility=None, **options):
    "Return (file name, XLSX bytes) of the report name"
    headers, rows = BUILDERS[name](
        district=district, facility=facility, **options)
    scope = ', '.join(_name(r) for r in (district, facility) if r)
    when = options.get('date') or options.get('month')
    subtitle = '%s%s' % (scope + ' — ' if scope else '',
        (when or Pool().get('ir.date').today()).isoformat())
    title = selection_labels('bhmis.attendance.report.start', 'report')[name]
    data = write_table(title, headers, rows,
        subtitle=subtitle, right_to_left=Transaction().language == 'ur')
    return '%s.xlsx' % name, data


class AttendanceReportStart(ModelView):
    __name__ = 'bhmis.attendance.report.start'
    __string__ = "Attendance Report"
    report = fields.Selection(REPORTS, "Report", required=True)
    district = fields.Many2One('bhmis.district', "District")
    facility = fields.Many2One('bhmis.facility', "Facility")
    date = fields.Date("Date",
        help="The day of the daily attendance; any day of the month of "
        "the absenteeism report.")

    @classmethod
    def default_report(cls):
        return 'attendance-daily'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today() - dt.timedelta(days=1)


class AttendanceReportResult(ModelView):
    __name__ = 'bhmis.attendance.report.result'
    __string__ = "Attendance Report"
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class AttendanceReport(Wizard):
    __name__ = 'bhmis.attendance.report'
    start = StateView('bhmis.attendance.report.start',
        'bhmis_attendance.report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    result = StateView('bhmis.attendance.report.result',
        'bhmis_attendance.report_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        date = self.start.date
        # Wizards run without access checks: the report reads as the user
        with check_access():
            filename, data = render(self.start.report, self.start.district,
                self.start.facility, date=date,
                month=date.replace(day=1) if date else None)
        self.result.filename = filename
        self.result.file = data
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}
