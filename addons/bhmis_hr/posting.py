# SPDX-License-Identifier: GPL-3.0-or-later
from collections import Counter

from sql import Literal, Null
from sql.aggregate import Count, Sum
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from .exceptions import (
    PostingBeyondSanctionedWarning,
    PostingClosedFacilityError,
    PostingOverlapError,
)

POSTING_TYPES = [
    ('initial', "Initial Appointment"),
    ('transfer', "Transfer"),
    ('promotion', "Promotion"),
    ('deputation', "Deputation"),
    ('attachment', "Attachment"),
    ]


class Posting(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.posting'
    __string__ = "Posting"
    _history = True
    _scope_facility = 'facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT')
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        ondelete='RESTRICT')
    designation = fields.Many2One('bhmis.designation', "Designation",
        required=True, ondelete='RESTRICT')
    start_date = fields.Date("Start Date", required=True,
        domain=[If(Eval('end_date'),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date("End Date",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('start_date')), ())],
        help="Empty while the employee holds the posting.")
    primary = fields.Boolean("Primary",
        help="The substantive posting; an employee holds one at a time.")
    type = fields.Selection(POSTING_TYPES, "Type", required=True)
    order_number = fields.Char("Order Number", strip=True)
    order_date = fields.Date("Order Date")
    transfer = fields.Many2One('bhmis.transfer', "Transfer Order",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.start_date, Index.Range())),
                Index(t, (t.facility, Index.Range()),
                    (t.designation, Index.Range()),
                    where=(t.end_date == Null) & (t.primary == True)),  # noqa: E712
                })

    @classmethod
    def default_primary(cls):
        return True

    @classmethod
    def default_type(cls):
        return 'initial'

    def get_rec_name(self, name):
        return '%s: %s @ %s' % (self.employee.rec_name,
            self.designation.rec_name, self.facility.rec_name)

    @property
    def is_open(self):
        return self.primary and not self.end_date

    @classmethod
    def validate_fields(cls, postings, field_names):
        super().validate_fields(postings, field_names)
        cls.check_facility_open(postings, field_names)
        cls.check_overlap(postings, field_names)

    @classmethod
    def check_facility_open(cls, postings, field_names=None):
        if field_names and 'facility' not in field_names:
            return
        for posting in postings:
            if posting.is_open and posting.facility.status == 'closed':
                raise PostingClosedFacilityError(gettext(
                        'bhmis_hr.msg_posting_closed_facility',
                        facility=posting.facility.rec_name))

    @classmethod
    def check_overlap(cls, postings, field_names=None):
        fields_ = {'employee', 'start_date', 'end_date', 'primary'}
        if field_names and not (field_names & fields_):
            return
        # One query per thousand postings, not one search per posting
        primary = [p.id for p in postings if p.primary]
        table, other = cls.__table__(), cls.__table__()
        cursor = Transaction().connection.cursor()
        for start in range(0, len(primary), 1000):
            cursor.execute(*table.join(other, condition=(
                        (other.employee == table.employee)
                        & (other.id != table.id)
                        & (other.primary == Literal(True))
                        & ((other.end_date == Null)
                            | (other.end_date >= table.start_date))
                        & ((table.end_date == Null)
                            | (other.start_date <= table.end_date)))
                    ).select(table.id, other.id,
                    where=table.id.in_(primary[start:start + 1000]),
                    limit=1))
            row = cursor.fetchone()
            if row:
                posting, other_posting = cls.browse(row)
                raise PostingOverlapError(gettext(
                        'bhmis_hr.msg_posting_overlap',
                        employee=posting.employee.rec_name,
                        posting=other_posting.rec_name))

    @classmethod
    def create(cls, vlist):
        cls.check_sanctioned(vlist)
        return super().create(vlist)

    @classmethod
    def check_sanctioned(cls, vlist):
        "Warn before new postings fill more posts than are sanctioned"
        pool = Pool()
        Warning = pool.get('res.user.warning')
        Facility = pool.get('bhmis.facility')
        Designation = pool.get('bhmis.designation')
        new = Counter((v.get('facility'), v.get('designation'))
            for v in vlist
            if v.get('primary', True) and not v.get('end_date'))
        filled, sanctioned = cls.filled_and_sanctioned(set(new))
        beyond = sorted(k for k, n in new.items()
            if filled.get(k, 0) + n > sanctioned.get(k, 0))
        if beyond:
            key = Warning.format('posting_beyond_sanctioned', [
                    Facility(f) for f, _ in beyond])
            if Warning.check(key):
                facility, designation = beyond[0]
                raise PostingBeyondSanctionedWarning(key, gettext(
                        'bhmis_hr.msg_posting_beyond_sanctioned',
                        facility=Facility(facility).rec_name,
                        designation=Designation(designation).rec_name))

    @classmethod
    def filled_and_sanctioned(cls, keys):
        """Return the filled and sanctioned counts by (facility,
        designation) of the keys"""
        pool = Pool()
        Post = pool.get('bhmis.sanctioned_post')
        if not keys:
            return {}, {}
        cursor = Transaction().connection.cursor()
        posting, post = cls.__table__(), Post.__table__()
        facilities = list({f for f, _ in keys})
        cursor.execute(*posting.select(
                posting.facility, posting.designation, Count(posting.id),
                where=posting.facility.in_(facilities)
                & (posting.end_date == Null)
                & (posting.primary == True),  # noqa: E712
                group_by=[posting.facility, posting.designation]))
        filled = {(f, d): n for f, d, n in cursor}
        cursor.execute(*post.select(
                post.facility, post.designation, Sum(post.count),
                where=post.facility.in_(facilities),
                group_by=[post.facility, post.designation]))
        sanctioned = {(f, d): n for f, d, n in cursor}
        return filled, sanctioned

    @classmethod
    def on_modification(cls, mode, postings, field_names=None):
        pool = Pool()
        Employee = pool.get('company.employee')
        super().on_modification(mode, postings, field_names=field_names)
        if mode in {'create', 'write'}:
            Employee.update_facility(
                Employee.browse({p.employee.id for p in postings}))

    @classmethod
    def delete(cls, postings):
        pool = Pool()
        Employee = pool.get('company.employee')
        employees = {p.employee.id for p in postings}
        super().delete(postings)
        Employee.update_facility(Employee.browse(employees))
