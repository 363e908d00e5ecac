# SPDX-License-Identifier: GPL-3.0-or-later
"""What managers look at first: today at each facility and in each
district, sanctioned and filled posts (from HR) against staff present, on
leave, on official duty and not checked in.  One SQL query each, for the
date of the context (today by default)."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_base.bulk import BulkReadMixin
from bhmis_base.scope import ScopedMixin


def context_date():
    date = Transaction().context.get('date')
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return date or Pool().get('ir.date').today()


def facility_figures(date):
    """Return the query of (facility, district, sanctioned, filled,
    present, on_leave, official_duty) rows of every facility on date"""
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Post = pool.get('bhmis.sanctioned_post')
    Posting = pool.get('bhmis.posting')
    Employee = pool.get('company.employee')
    Line = pool.get('attendance.line')
    Leave = pool.get('bhmis.leave.request')
    Duty = pool.get('bhmis.attendance.official_duty')
    facility, post, posting = (Facility.__table__(), Post.__table__(),
        Posting.__table__())
    employee, line = Employee.__table__(), Line.__table__()
    leave, duty = Leave.__table__(), Duty.__table__()

    sanctioned = post.select(post.facility, Sum(post.count).as_('count'),
        group_by=[post.facility])
    filled = posting.select(posting.facility, Count(posting.id).as_('count'),
        where=(posting.end_date == Null)
        & (posting.primary == Literal(True)),
        group_by=[posting.facility])

    def staff_count(table, where):
        # Each employee once, at the facility they are posted at now
        people = table.join(employee,
            condition=table.employee == employee.id).select(
            employee.facility, table.employee, where=where,
            group_by=[employee.facility, table.employee])
        return people.select(people.facility,
            Count(people.employee).as_('count'),
            group_by=[people.facility])
    present = staff_count(line, (line.date == date) & (line.type == 'in'))
    on_leave = staff_count(leave, (leave.state == 'approved')
        & (leave.start_date <= date) & (leave.end_date >= date))
    on_duty = staff_count(duty,
        (duty.start_date <= date) & (duty.end_date >= date))

    query = facility
    columns = []
    for name, sub in [('sanctioned', sanctioned), ('filled', filled),
            ('present', present), ('on_leave', on_leave),
            ('official_duty', on_duty)]:
        query = query.join(sub, 'LEFT',
            condition=sub.facility == facility.id)
        columns.append(Coalesce(sub.count, 0).as_(name))
    return query.select(facility.id.as_('facility'),
        facility.district.as_('district'), *columns,
        where=facility.status != 'closed')


class TodayMixin:
    __slots__ = ()
    date = fields.Function(fields.Date("Date"), 'get_date')
    sanctioned = fields.Integer("Sanctioned")
    filled = fields.Integer("Filled")
    present = fields.Integer("Present",
        help="Staff who checked in on the day.")
    on_leave = fields.Integer("On Leave")
    official_duty = fields.Integer("Official Duty")
    absent = fields.Integer("Not Present",
        help="Filled posts less staff present, on leave or on official "
        "duty: absent, or off duty by the roster.")
    attendance_rate = fields.Float("Present (%)", digits=(5, 1),
        help="Present over filled less leave and official duty.")

    def get_date(self, name):
        return context_date()

    @classmethod
    def figures(cls, rows, group):
        filled = Sum(rows.filled)
        present = Sum(rows.present)
        away = Sum(rows.on_leave) + Sum(rows.official_duty)
        absent = filled - present - away
        return [
            Sum(rows.sanctioned).as_('sanctioned'), filled.as_('filled'),
            present.as_('present'), Sum(rows.on_leave).as_('on_leave'),
            Sum(rows.official_duty).as_('official_duty'),
            Case((absent > 0, absent), else_=0).as_('absent'),
            Case((filled - away > 0,
                    present * Literal(100.0) / (filled - away)),
                else_=Null).as_('attendance_rate'),
            ]


class FacilityToday(
        BulkReadMixin, TodayMixin, ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.facility_today'
    __string__ = "Attendance Today by Facility"
    _scope_facility = 'facility'
    facility = fields.Many2One('bhmis.facility', "Facility")
    district = fields.Many2One('bhmis.district', "District")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('district', 'ASC'), ('facility', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        rows = facility_figures(context_date())
        return rows.select(rows.facility.as_('id'),
            rows.facility.as_('facility'), rows.district.as_('district'),
            *cls.figures(rows, rows.facility),
            group_by=[rows.facility, rows.district])


class DistrictToday(TodayMixin, ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.district_today'
    __string__ = "Attendance Today by District"
    _scope_facility = None
    _scope_district = 'district'
    district = fields.Many2One('bhmis.district', "District")

    @classmethod
    def table_query(cls):
        rows = facility_figures(context_date())
        return rows.select(rows.district.as_('id'),
            rows.district.as_('district'),
            *cls.figures(rows, rows.district), group_by=[rows.district])


class TodayContext(ModelView):
    __name__ = 'bhmis.attendance.today.context'
    __string__ = "Attendance Day"
    date = fields.Date("Date", required=True)

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()
