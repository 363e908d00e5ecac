# SPDX-License-Identifier: GPL-3.0-or-later
"""Shifts, public holidays and official duty: what a day of work is
expected to be, before anyone checks in."""

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    fields,
)
from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_base.guard import GuardedMixin
from bhmis_base.model import CodeNameMixin
from bhmis_base.scope import (
    PROVINCE_RULE_NAME,
    ProvinceCatalogueMixin,
    ScopedMixin,
    install_scope_rule,
    province_write_domain,
)

from . import daily
from .exceptions import HolidayError, OfficialDutyError, ShiftError

SHIFT_KINDS = [
    ('morning', "Morning"),
    ('evening', "Evening"),
    ('night', "Night"),
    ('custom', "Custom"),
    ]


class Shift(ProvinceCatalogueMixin, CodeNameMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.shift'
    __string__ = "Shift"
    kind = fields.Selection(SHIFT_KINDS, "Kind", required=True, sort=False,
        help="24/7 facilities must cover the morning, evening and night "
        "kinds every day.")
    start_time = fields.Time("Start", required=True)
    end_time = fields.Time("End", required=True,
        help="An end before the start means the shift ends the next day; "
        "the shift belongs to the day it starts.")
    crosses_midnight = fields.Function(
        fields.Boolean("Crosses Midnight"), 'get_crosses_midnight')

    @classmethod
    def default_kind(cls):
        return 'custom'

    def get_crosses_midnight(self, name):
        return bool(self.start_time and self.end_time
            and self.end_time <= self.start_time)

    @classmethod
    def validate_fields(cls, shifts, field_names):
        super().validate_fields(shifts, field_names)
        if field_names and not (field_names & {'start_time', 'end_time'}):
            return
        for shift in shifts:
            if shift.start_time == shift.end_time:
                raise ShiftError(gettext(
                        'bhmis_attendance.msg_shift_zero',
                        shift=shift.rec_name))

    @property
    def rule(self):
        "The shift as the daily rules know it"
        return daily.Shift(start=self.start_time, end=self.end_time)


class Holiday(GuardedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.holiday'
    __string__ = "Public Holiday"
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, strip=True)
    name_ur = fields.Char("Urdu Name", strip=True)
    district = fields.Many2One('bhmis.district', "District",
        ondelete='CASCADE',
        help="Only in this district (a local holiday); empty for the whole "
        "province.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # A district's HR officer declares the local holidays of their
        # districts; a province-wide holiday is the administrator's
        install_scope_rule(cls.__name__, province_write_domain('district'),
            name=PROVINCE_RULE_NAME, read=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_district_unique', Unique(t, t.date, t.district),
                'bhmis_attendance.msg_holiday_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))

    def get_rec_name(self, name):
        label = (self.name_ur if Transaction().language == 'ur'
            and self.name_ur else self.name)
        return '%s (%s)' % (label, self.date)

    @classmethod
    def validate_fields(cls, holidays, field_names):
        super().validate_fields(holidays, field_names)
        for holiday in holidays:
            # A province-wide holiday twice on a date escapes the unique
            # constraint (NULL district)
            if holiday.district is None and cls.search([
                        ('date', '=', holiday.date),
                        ('district', '=', None),
                        ('id', '!=', holiday.id)], limit=1):
                raise HolidayError(gettext(
                        'bhmis_attendance.msg_holiday_unique'))

    @classmethod
    def districts_on(cls, dates):
        """Return {date: set of district ids or None for every district}
        of the holidays on dates"""
        result = {}
        for holiday in cls.search([('date', 'in', list(dates))]):
            if holiday.district is None:
                result[holiday.date] = None
            elif result.get(holiday.date, set()) is not None:
                result.setdefault(holiday.date, set()).add(
                    holiday.district.id)
        return result


class OfficialDuty(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.official_duty'
    __string__ = "Official Duty"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True)
    purpose = fields.Char("Purpose", required=True,
        help="The meeting, training or duty elsewhere; the order number "
        "if there is one.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.employee, Index.Range()), (t.start_date, Index.Range())))
        cls._order.insert(0, ('start_date', 'DESC'))

    @classmethod
    def validate_fields(cls, duties, field_names):
        super().validate_fields(duties, field_names)
        for duty in duties:
            if duty.end_date < duty.start_date:
                raise OfficialDutyError(gettext(
                        'bhmis_attendance.msg_official_duty_dates'))

    @classmethod
    def employees_on(cls, date):
        "Return the ids of employees on official duty on date"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.employee,
                where=(table.start_date <= date) & (table.end_date >= date),
                group_by=[table.employee]))
        return {employee for employee, in cursor}

    @classmethod
    def create(cls, vlist):
        duties = super().create(vlist)
        cls.recompute(duties)
        return duties

    @classmethod
    def write(cls, *args):
        duties = sum(args[::2], [])
        before = [(d.employee, d.start_date, d.end_date) for d in duties]
        super().write(*args)
        cls.recompute(duties, before)

    @classmethod
    def delete(cls, duties):
        before = [(d.employee, d.start_date, d.end_date) for d in duties]
        super().delete(duties)
        Pool().get('bhmis.attendance.day').recompute_past(before)

    @classmethod
    def recompute(cls, duties, before=()):
        Pool().get('bhmis.attendance.day').recompute_past(list(before) + [
                (d.employee, d.start_date, d.end_date) for d in duties])

