# SPDX-License-Identifier: GPL-3.0-or-later
"""Monthly duty rosters: who works which shift on which days at a facility.

A roster line gives an employee a shift over a span of the month with a
weekly day off; a rotation is several lines.  Publishing checks that a
24/7 facility has its morning, evening and night shifts covered every day.
Employees of a facility without a published roster work the default
morning shift, Monday to Saturday."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from . import daily
from .exceptions import RosterError

WEEKDAYS = [
    (None, "None"),
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]
DRAFT = {'readonly': Eval('state') != 'draft'}
# The government's working week when no roster says otherwise
DEFAULT_SHIFT_CODE = 'MORNING'
DEFAULT_DAY_OFF = 6


class Roster(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.roster'
    __string__ = "Duty Roster"
    _scope_facility = 'facility'
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        ondelete='CASCADE', states=DRAFT)
    month = fields.Date("Month", required=True, states=DRAFT,
        help="Any day of the month; stored as its first day.")
    lines = fields.One2Many('bhmis.attendance.roster.line', 'roster',
        "Lines", states=DRAFT)
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('facility_month_unique', Unique(t, t.facility, t.month),
                'bhmis_attendance.msg_roster_unique'),
            ]
        cls._order.insert(0, ('month', 'DESC'))
        cls._transitions |= {('draft', 'published'), ('published', 'draft')}
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return '%s %s' % (self.facility.rec_name,
            self.month.strftime('%Y-%m') if self.month else '')

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('month'):
                values['month'] = values['month'].replace(day=1)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        args = list(args)
        for values in args[1::2]:
            if values.get('month'):
                values['month'] = values['month'].replace(day=1)
        super().write(*args)

    @property
    def days(self):
        return daily.month_days(self.month.year, self.month.month)

    def coverage_gaps(self):
        assignments = []
        for line in self.lines:
            for day in line.days():
                assignments.append((day, line.shift.kind))
        return daily.coverage_gaps(self.days, assignments)

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, rosters):
        for roster in rosters:
            if roster.facility.open_24_7:
                gaps = roster.coverage_gaps()
                if gaps:
                    first = sorted(gaps)[:5]
                    raise RosterError(gettext(
                            'bhmis_attendance.msg_roster_gaps',
                            roster=roster.rec_name, count=len(gaps),
                            days=', '.join('%s (%s)' % (
                                    d.isoformat(), ', '.join(gaps[d]))
                                for d in first)))
        cls.recompute(rosters)

    @classmethod
    def recompute(cls, rosters):
        "The past days of the rosters' staff follow the roster in force"
        pool = Pool()
        Employee = pool.get('company.employee')
        Day = pool.get('bhmis.attendance.day')
        for roster in rosters:
            with Transaction().set_context(_check_access=False):
                staff = Employee.search(
                    [('facility', '=', roster.facility.id)])
            Day.recompute_past([(e, roster.days[0], roster.days[-1])
                    for e in staff])

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, rosters):
        cls.recompute(rosters)

    @classmethod
    def shifts_on(cls, date, employees):
        """Return {employee id: Shift record or None (day off)} for date
        and the set of ids of employees on a published roster.

        Employees of a facility with a published roster for the month get
        their line's shift or a day off; the others the default shift
        (which does not work on public holidays)."""
        pool = Pool()
        Line = pool.get('bhmis.attendance.roster.line')
        Shift = pool.get('bhmis.attendance.shift')
        month = date.replace(day=1)
        with Transaction().set_context(active_test=False,
                _check_access=False):
            rostered = {r.facility.id for r in cls.search([
                        ('month', '=', month), ('state', '=', 'published')])}
            lines = Line.search([
                    ('roster.month', '=', month),
                    ('roster.state', '=', 'published'),
                    ('start_date', '<=', date), ('end_date', '>=', date),
                    ])
            default = Shift.search([('code', '=', DEFAULT_SHIFT_CODE)],
                limit=1)
        default = default[0] if default else None
        by_employee = {}
        for line in lines:
            if line.works_on(date):
                by_employee.setdefault(line.employee.id, line.shift)
        result, on_roster = {}, set()
        for employee in employees:
            if employee.facility and employee.facility.id in rostered:
                on_roster.add(employee.id)
            if employee.id in by_employee:
                result[employee.id] = by_employee[employee.id]
            elif employee.facility and employee.facility.id in rostered:
                result[employee.id] = None
            elif date.weekday() == DEFAULT_DAY_OFF:
                result[employee.id] = None
            else:
                result[employee.id] = default
        return result, on_roster


class RosterLine(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.roster.line'
    _scope_facility = 'roster.facility'
    __string__ = "Duty Roster Line"
    roster = fields.Many2One('bhmis.attendance.roster', "Roster",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    shift = fields.Many2One('bhmis.attendance.shift', "Shift",
        required=True, ondelete='RESTRICT')
    start_date = fields.Date("From", required=True)
    end_date = fields.Date("To", required=True)
    weekly_off = fields.Selection(WEEKDAYS, "Weekly Day Off", sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.roster, Index.Range()),
                (t.start_date, Index.Range())))
        cls._order.insert(0, ('start_date', 'ASC'))

    @classmethod
    def default_weekly_off(cls):
        return None

    def works_on(self, date):
        return (self.start_date <= date <= self.end_date
            and (self.weekly_off is None
                or date.weekday() != int(self.weekly_off)))

    def days(self):
        day = self.start_date
        while day <= self.end_date:
            if self.works_on(day):
                yield day
            day += dt.timedelta(days=1)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            month = line.roster.month
            last = daily.month_days(month.year, month.month)[-1]
            if not (month <= line.start_date <= line.end_date <= last):
                raise RosterError(gettext(
                        'bhmis_attendance.msg_roster_line_dates',
                        employee=line.employee.rec_name,
                        roster=line.roster.rec_name))
