# SPDX-License-Identifier: GPL-3.0-or-later
"""Daily attendance: one status per employee per day, computed from the
roster, the check-ins, approved leave, official duty and public holidays
(the rules are in daily.py), and monthly absenteeism from it."""
import datetime as dt
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from bhmis_base.bulk import BulkReadMixin
from bhmis_base.scope import ScopedMixin

from . import daily

STATUSES = [
    ('present', "Present"),
    ('late', "Late"),
    ('left_early', "Left Early"),
    ('absent', "Absent"),
    ('on_leave', "On Leave"),
    ('off_duty', "Off Duty"),
    ('holiday', "Holiday"),
    ('official_duty', "Official Duty"),
    ]
# trytond 8.0 checks each browsed record against its whole list: batches
# keep that cost linear
BATCH = 250


def local_timezone():
    Company = Pool().get('company.company')
    companies = Company.search([], limit=1)
    name = companies[0].timezone if companies else None
    return tz.ZoneInfo(name) if name else tz.UTC


def to_utc(local, zone):
    "Tryton stores datetimes in UTC; the rules work in local time"
    if local is None:
        return None
    return local.replace(tzinfo=zone).astimezone(tz.UTC).replace(
        tzinfo=None)


def to_local(utc, zone):
    if utc is None:
        return None
    return utc.replace(tzinfo=tz.UTC).astimezone(zone).replace(tzinfo=None)


class Day(BulkReadMixin, ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.day'
    __string__ = "Daily Attendance"
    _scope_facility = 'facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True, ondelete='CASCADE')
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True)
    district = fields.Many2One('bhmis.district', "District", readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    month = fields.Date("Month", readonly=True)
    shift = fields.Many2One('bhmis.attendance.shift', "Shift",
        readonly=True)
    status = fields.Selection(STATUSES, "Status", required=True,
        readonly=True)
    first_in = fields.DateTime("First In", readonly=True)
    last_out = fields.DateTime("Last Out", readonly=True)
    late_minutes = fields.Integer("Minutes Late", readonly=True)
    early_minutes = fields.Integer("Minutes Early", readonly=True)
    worked_hours = fields.Float("Hours Worked", digits=(4, 2),
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('employee_date_unique', Unique(t, t.employee, t.date),
                'bhmis_attendance.msg_day_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range()),
                    (t.facility, Index.Range())),
                Index(t, (t.month, Index.Range()),
                    (t.district, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('employee', 'ASC'), ('id', 'DESC')]

    @classmethod
    def compute_yesterday(cls):
        "The cron job: compute the previous day"
        Date = Pool().get('ir.date')
        return cls.compute(Date.today() - dt.timedelta(days=1))

    @classmethod
    def recompute_past(cls, items):
        """Recompute the days before today of (employee, start, end)
        items: after a review decision, leave or official duty"""
        Date = Pool().get('ir.date')
        today = Date.today()
        by_date = defaultdict(set)
        for employee, start, end in items:
            day = start
            while day <= min(end, today - dt.timedelta(days=1)):
                by_date[day].add(int(employee))
                day += dt.timedelta(days=1)
        for day, employees in sorted(by_date.items()):
            cls.compute(day, employees)

    @classmethod
    def compute(cls, date, employees=None):
        """Compute the attendance of date for the employees (ids), by
        default every active employee with a facility; return the count"""
        pool = Pool()
        Employee = pool.get('company.employee')
        domain = [('hr_status', '=', 'active'), ('facility', '!=', None)]
        if employees is not None:
            domain.append(('id', 'in', [int(e) for e in employees]))
        count = 0
        cursor = Transaction().connection.cursor()
        with Transaction().set_context(_check_access=False,
                active_test=False):
            # The ids without instantiating 30,000 records
            cursor.execute(*Employee.search(domain, order=[], query=True))
            ids = [i for i, in cursor]
            for sub_ids in grouped_slice(ids, BATCH):
                batch = Employee.browse(list(sub_ids))
                count += cls._compute_batch(date, batch)
        return count

    @classmethod
    def _compute_batch(cls, date, employees):
        pool = Pool()
        Configuration = pool.get('bhmis.attendance.configuration')
        Roster = pool.get('bhmis.attendance.roster')
        Holiday = pool.get('bhmis.attendance.holiday')
        Leave = pool.get('bhmis.leave.request')
        Duty = pool.get('bhmis.attendance.official_duty')
        rules = Configuration.current().rules
        shifts, on_roster = Roster.shifts_on(date, employees)
        holidays = Holiday.districts_on([date])
        on_leave = Leave.employees_on_leave(date, employees)
        on_duty = Duty.employees_on(date)
        punches = cls.punches(date, employees)
        zone = local_timezone()
        rows = []
        for employee in employees:
            district = employee.facility.district.id
            holiday = date in holidays and (holidays[date] is None
                or district in holidays[date])
            shift = shifts.get(employee.id)
            if holiday and employee.id not in on_roster:
                shift = None
            result = daily.classify(date, shift.rule if shift else None,
                punches.get(employee.id, []),
                on_leave=employee.id in on_leave,
                official_duty=employee.id in on_duty,
                holiday=holiday, rules=rules)
            rows.append([employee.id, employee.facility.id, district, date,
                    date.replace(day=1), shift.id if shift else None,
                    result.status, to_utc(result.first_in, zone),
                    to_utc(result.last_out, zone),
                    result.late_minutes, result.early_minutes,
                    round(result.worked.total_seconds() / 3600, 2)])
        cls._replace(date, employees, rows)
        return len(rows)

    @classmethod
    def punches(cls, date, employees):
        """Return {employee id: [(local datetime, type)]} of the check-ins
        around date (a night shift's check-out falls on the next day)"""
        Line = Pool().get('attendance.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        zone = local_timezone()
        start = dt.datetime.combine(date - dt.timedelta(days=1), dt.time())
        end = dt.datetime.combine(date + dt.timedelta(days=2), dt.time())
        result = defaultdict(list)
        cursor.execute(*line.select(line.employee, line.at, line.type,
                where=line.employee.in_([e.id for e in employees])
                & (line.at >= start) & (line.at < end)))
        for employee, at, type_ in cursor:
            if isinstance(at, str):
                at = dt.datetime.fromisoformat(at)
            local = at.replace(tzinfo=tz.UTC).astimezone(zone).replace(
                tzinfo=None)
            result[employee].append((local, type_))
        return result

    @classmethod
    def _replace(cls, date, employees, rows):
        "Replace the days of employees on date by rows, in SQL: it is derived"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=(table.date == date)
                & table.employee.in_([e.id for e in employees])))
        if not rows:
            return
        columns = [table.employee, table.facility, table.district,
            table.date, table.month, table.shift, table.status,
            table.first_in, table.last_out, table.late_minutes,
            table.early_minutes, table.worked_hours, table.create_uid,
            table.create_date]
        user = Transaction().user
        cursor.execute(*table.insert(columns,
                [row + [user, CurrentTimestamp()] for row in rows]))


class Absenteeism(BulkReadMixin, ScopedMixin, ModelSQL, ModelView):
    "Days by status per employee and month, and the absenteeism rate"
    __name__ = 'bhmis.attendance.absenteeism'
    __string__ = "Monthly Absenteeism"
    _scope_facility = 'facility'
    employee = fields.Many2One('company.employee', "Employee")
    facility = fields.Many2One('bhmis.facility', "Facility")
    district = fields.Many2One('bhmis.district', "District")
    month = fields.Date("Month")
    expected = fields.Integer("Expected Days",
        help="Days rostered to work: present, late, left early or absent.")
    present = fields.Integer("Present")
    late = fields.Integer("Late")
    left_early = fields.Integer("Left Early")
    absent = fields.Integer("Absent")
    on_leave = fields.Integer("On Leave")
    official_duty = fields.Integer("Official Duty")
    rate = fields.Float("Absenteeism (%)", digits=(5, 1),
        help="Absent days over expected days; leave, official duty, days "
        "off and holidays are not expected days.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('rate', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Day = Pool().get('bhmis.attendance.day')
        day = Day.__table__()

        def days(*statuses):
            return Sum(Case((day.status.in_(list(statuses)), 1), else_=0))
        expected = days('present', 'late', 'left_early', 'absent')
        absent = days('absent')
        return day.select(
            # The groups are disjoint: their least day id is unique
            Min(day.id).as_('id'),
            day.employee.as_('employee'),
            day.facility.as_('facility'),
            day.district.as_('district'),
            day.month.as_('month'),
            expected.as_('expected'),
            days('present').as_('present'),
            days('late').as_('late'),
            days('left_early').as_('left_early'),
            absent.as_('absent'),
            days('on_leave').as_('on_leave'),
            days('official_duty').as_('official_duty'),
            Case((expected > 0, absent * Literal(100.0) / expected),
                else_=Null).as_('rate'),
            group_by=[day.employee, day.facility, day.district, day.month])
