# SPDX-License-Identifier: GPL-3.0-or-later
"""Leave: types with a yearly entitlement, requests decided by the
employee's facility in-charge, balances by year, and the API attendance
reads (an employee on leave is not absent)."""
import datetime as dt
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract
from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Check,
    DeactivableMixin,
    Index,
    ModelSQL,
    ModelView,
    Workflow,
    fields,
)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from bhmis_base.bulk import BulkReadMixin
from bhmis_base.model import CodeNameMixin
from bhmis_base.scope import ProvinceCatalogueMixin, ScopedMixin

from .exceptions import (
    LeaveBalanceError,
    LeaveDatesError,
    LeaveDecisionError,
    LeaveDeleteError,
    LeaveOverlapError,
)

STATES = [
    ('draft', "Draft"),
    ('requested', "Requested"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ('cancelled', "Cancelled"),
    ]
# Requests in these states hold days: they may not overlap and they count
# against the balance
CLOSED_STATES = ['refused', 'cancelled']
BALANCE_STATES = ['requested', 'approved']
DRAFT = {'readonly': Eval('state') != 'draft'}


def year_days(table, year):
    """Return the SQL expression of the days of the leave of table that
    fall in year, and the condition that the leave touches year"""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Days of the year are portable where date subtraction is not (SQLite)
    start = Case((table.start_date < first, 1),
        else_=Extract('DOY', table.start_date))
    end = Case((table.end_date > last, last.timetuple().tm_yday),
        else_=Extract('DOY', table.end_date))
    return (end - start + 1,
        (table.start_date <= last) & (table.end_date >= first))


class LeaveType(ProvinceCatalogueMixin, CodeNameMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'bhmis.leave.type'
    __string__ = "Leave Type"
    days_per_year = fields.Integer("Days per Year", required=True,
        help="The yearly entitlement; 0 when each leave is sanctioned "
        "on its own.")
    counts_toward_balance = fields.Boolean("Counts toward Balance",
        help="Approved and requested days are deducted from the yearly "
        "entitlement, and a request beyond the remaining days is refused.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('days_per_year_positive', Check(t, t.days_per_year >= 0),
                'bhmis_hr.msg_leave_type_days_positive'),
            ]

    @classmethod
    def default_days_per_year(cls):
        return 0

    @classmethod
    def default_counts_toward_balance(cls):
        return True

    @property
    def limited(self):
        "Whether requests of this type must fit in a yearly balance"
        return bool(self.counts_toward_balance and self.days_per_year)


class LeaveRequest(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.leave.request'
    __string__ = "Leave Request"
    _history = True
    # Decided by the in-charge of the facility where the employee is posted
    _scope_facility = 'employee.facility'

    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT', states=DRAFT)
    facility = fields.Function(fields.Many2One('bhmis.facility', "Facility",
            help="Where the employee is posted now."),
        'get_facility', searcher='search_facility')
    type = fields.Many2One('bhmis.leave.type', "Type", required=True,
        ondelete='RESTRICT', states=DRAFT)
    start_date = fields.Date("Start Date", required=True, states=DRAFT)
    end_date = fields.Date("End Date", required=True, states=DRAFT,
        help="The last day of leave.")
    days = fields.Function(fields.Integer("Days",
            help="Calendar days from the start to the end date, "
            "both included."),
        'on_change_with_days')
    reason = fields.Text("Reason", states=DRAFT)
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True,
        help="Who approved or refused the request.")
    decision_date = fields.Date("Decided On", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.start_date, Index.Range())),
                Index(t, (t.start_date, Index.Range()),
                    (t.end_date, Index.Range()),
                    where=t.state == 'approved'),
                })
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'refused'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state').in_(CLOSED_STATES),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return '%s: %s %s – %s' % (self.employee.rec_name,
            self.type.rec_name, self.start_date, self.end_date)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('employee.rec_name',) + tuple(clause[1:])]

    def get_facility(self, name):
        return self.employee.facility.id if self.employee.facility else None

    @classmethod
    def search_facility(cls, name, clause):
        return [('employee.facility' + clause[0][len(name):],)
            + tuple(clause[1:])]

    @fields.depends('start_date', 'end_date')
    def on_change_with_days(self, name=None):
        if (self.start_date and self.end_date
                and self.end_date >= self.start_date):
            return (self.end_date - self.start_date).days + 1

    def days_in_year(self, year):
        "Return the days of leave that fall in year"
        start = max(self.start_date, dt.date(year, 1, 1))
        end = min(self.end_date, dt.date(year, 12, 31))
        return max((end - start).days + 1, 0)

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        cls.check_dates(requests, field_names)
        cls.check_overlap(requests, field_names)
        cls.check_balance(requests, field_names)

    @classmethod
    def check_dates(cls, requests, field_names=None):
        if field_names and not (field_names & {'start_date', 'end_date'}):
            return
        for request in requests:
            if request.end_date < request.start_date:
                raise LeaveDatesError(gettext('bhmis_hr.msg_leave_dates',
                        request=request.rec_name))

    @classmethod
    def check_overlap(cls, requests, field_names=None):
        "Refuse two leaves of an employee on the same day"
        fields_ = {'employee', 'start_date', 'end_date', 'state'}
        if field_names and not (field_names & fields_):
            return
        requests = [r for r in requests if r.state not in CLOSED_STATES]
        if not requests:
            return
        # Validation reads every request of the employees, whoever may see
        # them
        others = defaultdict(list)
        for other in cls.search([
                    ('employee', 'in', list({r.employee.id
                                for r in requests})),
                    ('state', 'not in', CLOSED_STATES),
                    ], order=[('start_date', 'ASC'), ('id', 'ASC')]):
            others[other.employee].append(other)
        for request in requests:
            for other in others[request.employee]:
                if (other != request
                        and other.start_date <= request.end_date
                        and request.start_date <= other.end_date):
                    raise LeaveOverlapError(gettext(
                            'bhmis_hr.msg_leave_overlap',
                            employee=request.employee.rec_name,
                            request=request.rec_name,
                            other=other.rec_name))

    @classmethod
    def check_balance(cls, requests, field_names=None):
        """Refuse requested or approved leave beyond the yearly entitlement
        of its type, year by year"""
        fields_ = {'employee', 'type', 'start_date', 'end_date', 'state'}
        if field_names and not (field_names & fields_):
            return
        requests = [r for r in requests
            if r.state in BALANCE_STATES and r.type.limited]
        years = sorted({year for r in requests
                for year in range(r.start_date.year, r.end_date.year + 1)})
        for year in years:
            in_year = [r for r in requests
                if r.start_date.year <= year <= r.end_date.year]
            # The requests are stored already: the sums include them
            days = cls.days_by_year(year, {r.employee.id for r in in_year})
            for request in in_year:
                taken, pending = days.get(
                    (request.employee.id, request.type.id), (0, 0))
                entitlement = request.type.days_per_year
                if taken + pending > entitlement:
                    own = request.days_in_year(year)
                    raise LeaveBalanceError(gettext(
                            'bhmis_hr.msg_leave_balance_exceeded',
                            request=request.rec_name,
                            type=request.type.rec_name,
                            year=year, days=own,
                            remaining=max(
                                entitlement - (taken + pending - own), 0),
                            entitlement=entitlement))

    @classmethod
    def days_by_year(cls, year, employees):
        """Return the approved and the requested days of leave in year by
        (employee id, leave type id) of the employees"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        days, touches = year_days(table, year)
        result = {}
        for sub_ids in grouped_slice([int(e) for e in employees],
                backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.employee, table.type,
                    Sum(Case((table.state == 'approved', days), else_=0)),
                    Sum(Case((table.state == 'requested', days), else_=0)),
                    where=touches
                    & table.state.in_(BALANCE_STATES)
                    & fields.SQL_OPERATORS['in'](table.employee, sub_ids),
                    group_by=[table.employee, table.type]))
            for employee, type_, taken, pending in cursor:
                result[employee, type_] = (int(taken), int(pending))
        return result

    @classmethod
    def employees_on_leave(cls, date, employees=None):
        """Return the set of ids of the employees on approved leave on date.

        This is the API of attendance: an employee on leave is not absent.
        `employees` (records or ids) restricts the answer to them; None
        asks about every employee. One query, however many employees are
        asked about; access rules are not applied: the caller shows only the
        employees its user may see.
        """
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Few are on leave on a day: one query for all of them costs less
        # than sending the ids of the employees asked about
        cursor.execute(*table.select(table.employee,
                where=(table.state == 'approved')
                & (table.start_date <= date) & (table.end_date >= date),
                group_by=[table.employee]))
        on_leave = {employee for employee, in cursor}
        if employees is not None:
            on_leave &= {int(e) for e in employees}
        return on_leave

    @classmethod
    def on_leave(cls, employee, date):
        "Return whether the employee (record or id) is on leave on date"
        return int(employee) in cls.employees_on_leave(date, [employee])

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state not in {'draft', 'cancelled'}:
                    raise LeaveDeleteError(gettext(
                            'bhmis_hr.msg_leave_delete',
                            request=request.rec_name))

    @classmethod
    def check_decider(cls, requests):
        "Refuse that employees decide on their own leave"
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if not user_id:
            return
        own = {e.id for e in User(user_id).employees}
        for request in requests:
            if request.employee.id in own:
                raise LeaveDecisionError(gettext(
                        'bhmis_hr.msg_leave_own_decision',
                        request=request.rec_name))

    @classmethod
    def decide(cls, requests):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.check_decider(requests)
        if requests:
            cls.write(requests, {
                    'decided_by': Transaction().user or None,
                    'decision_date': Date.today(),
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        cls.decide(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        cls.decide(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, requests):
        cls.write(requests, {'decided_by': None, 'decision_date': None})


class LeaveBalance(BulkReadMixin, ScopedMixin, ModelSQL, ModelView):
    """Entitlement, approved, requested and remaining days of leave by
    employee and type in the year of the context, computed in SQL"""
    __name__ = 'bhmis.leave.balance'
    __string__ = "Leave Balance"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee", readonly=True)
    type = fields.Many2One('bhmis.leave.type', "Type", readonly=True)
    year = fields.Integer("Year", readonly=True)
    entitlement = fields.Integer("Entitlement", readonly=True,
        help="The days of leave a year.")
    taken = fields.Integer("Taken", readonly=True,
        help="Approved days of leave in the year.")
    pending = fields.Integer("Pending", readonly=True,
        help="Days requested and awaiting a decision; a new request must "
        "fit in the remaining days less these.")
    remaining = fields.Integer("Remaining", readonly=True,
        help="The entitlement less the days taken.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('employee', 'ASC'), ('type', 'ASC'), ('id', 'ASC')]

    @classmethod
    def context_year(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Transaction().context.get('year') or Date.today().year

    @classmethod
    def table_query(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        Request = pool.get('bhmis.leave.request')
        Type = pool.get('bhmis.leave.type')
        employee, type_ = Employee.__table__(), Type.__table__()
        request = Request.__table__()
        year = cls.context_year()
        days, touches = year_days(request, year)
        used = request.select(request.employee, request.type,
            Sum(Case((request.state == 'approved', days), else_=0)
                ).as_('taken'),
            Sum(Case((request.state == 'requested', days), else_=0)
                ).as_('pending'),
            where=touches & request.state.in_(BALANCE_STATES),
            group_by=[request.employee, request.type])
        taken = cls.taken.sql_cast(Coalesce(used.taken, 0))
        pending = cls.pending.sql_cast(Coalesce(used.pending, 0))
        # A row by employee and type: the id combines both
        cursor = Transaction().connection.cursor()
        cursor.execute(*type_.select(Max(type_.id)))
        width = (cursor.fetchone()[0] or 0) + 1
        return employee.join(type_,
                condition=(type_.counts_toward_balance == Literal(True))
                & (type_.active == Literal(True))
            ).join(used, 'LEFT',
                condition=(used.employee == employee.id)
                & (used.type == type_.id)
            ).select(
                (employee.id * width + type_.id).as_('id'),
                employee.id.as_('employee'), type_.id.as_('type'),
                Literal(year).as_('year'),
                type_.days_per_year.as_('entitlement'),
                taken.as_('taken'), pending.as_('pending'),
                (type_.days_per_year - taken).as_('remaining'),
                # Who left service still shows the leave of the year
                where=(employee.hr_status == 'active')
                | (used.employee != Null))


class LeaveBalanceContext(ModelView):
    __name__ = 'bhmis.leave.balance.context'
    __string__ = "Leave Balance Context"
    year = fields.Integer("Year", required=True)

    @classmethod
    def default_year(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().year


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    leave_requests = fields.One2Many('bhmis.leave.request', 'employee',
        "Leave Requests", readonly=True)
    leave_balances = fields.One2Many('bhmis.leave.balance', 'employee',
        "Leave Balances", readonly=True,
        help="The leave of this year by type.")
