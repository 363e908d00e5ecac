# SPDX-License-Identifier: GPL-3.0-or-later
from sql.aggregate import Count
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from bhmis_base.history import field_changes
from bhmis_base.scope import ScopedMixin

from . import cnic
from .cadre import check_bps
from .exceptions import CNICError

GENDERS = [(None, ""), ('male', "Male"), ('female', "Female"),
    ('other', "Other")]
EMPLOYMENT_TYPES = [
    ('regular', "Regular"),
    ('contract', "Contract"),
    ('adhoc', "Ad hoc"),
    ('daily_wage', "Daily Wage"),
    ]
HR_STATUSES = [
    ('active', "Active"),
    ('suspended', "Suspended"),
    ('retired', "Retired"),
    ('resigned', "Resigned"),
    ('terminated', "Terminated"),
    ('deceased', "Deceased"),
    ]


class Employee(ScopedMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'
    _history = True
    # Seen where posted, and from both ends of their transfer orders (an
    # employee relieved but not yet joined has no facility)
    _scope_facility = (
        'facility', 'transfers.from_facility', 'transfers.to_facility')
    # Changed only where posted
    _scope_write = ('facility',)

    personnel_number = fields.Char("Personnel Number", strip=True,
        help="The number the Health Department gives the employee.")
    cnic = fields.Char("CNIC", strip=True,
        help="Computerised National Identity Card: 12345-1234567-1.")
    father_name = fields.Char("Father's Name", strip=True)
    gender = fields.Selection(GENDERS, "Gender")
    birth_date = fields.Date("Date of Birth")
    domicile = fields.Many2One('bhmis.district', "Domicile",
        ondelete='RESTRICT', help="The district of domicile.")
    phone = fields.Char("Phone", strip=True)
    cadre = fields.Many2One('bhmis.cadre', "Cadre", ondelete='RESTRICT')
    designation = fields.Many2One('bhmis.designation', "Designation",
        ondelete='RESTRICT',
        domain=[If(Eval('cadre'), [('cadre', '=', Eval('cadre', -1))], [])])
    bps = fields.Integer("BPS", help="Basic Pay Scale grade, 1 to 22.")
    employment_type = fields.Selection(
        [(None, "")] + EMPLOYMENT_TYPES, "Employment Type")
    hr_status = fields.Selection(HR_STATUSES, "Service Status",
        required=True, sort=False)
    hr_status_date = fields.Date("Service Status Date",
        help="Since when the service status applies.")
    hr_status_changes = fields.One2Many(
        'bhmis.employee.status_change', 'employee', "Service History",
        readonly=True)
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True,
        help="Where the employee is posted now (from the postings).")
    postings = fields.One2Many('bhmis.posting', 'employee', "Postings",
        readonly=True, help="The service history: every posting.")
    transfers = fields.One2Many('bhmis.transfer', 'employee',
        "Transfer Orders", readonly=True)
    qualifications = fields.One2Many('bhmis.employee.qualification',
        'employee', "Qualifications")
    registrations = fields.One2Many('bhmis.employee.registration',
        'employee', "Registrations")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('personnel_number_unique', Unique(t, t.personnel_number),
                'bhmis_hr.msg_personnel_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.cnic, Index.Equality())),
                Index(t, (t.facility, Index.Range())),
                })
        cls.start_date.string = "Date of Joining Service"

    @classmethod
    def default_hr_status(cls):
        return 'active'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('cnic'):
            values['cnic'] = cnic.normalise(values['cnic']) or values['cnic']
        return values

    @classmethod
    def validate_fields(cls, employees, field_names):
        super().validate_fields(employees, field_names)
        if field_names and not (field_names & {'cnic', 'bps', 'hr_status'}):
            return
        for employee in employees:
            if employee.cnic and not cnic.normalise(employee.cnic):
                raise CNICError(gettext('bhmis_hr.msg_cnic_invalid',
                        employee=employee.rec_name, cnic=employee.cnic))
            check_bps(employee.bps, employee.rec_name)
        cls.check_cnic_unique(employees)

    @classmethod
    def check_cnic_unique(cls, employees):
        "Refuse a CNIC that another employee in service has"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cnics = list({e.cnic for e in employees if e.cnic})
        for start in range(0, len(cnics), 1000):
            cursor.execute(*table.select(table.cnic,
                    where=table.cnic.in_(cnics[start:start + 1000])
                    & (table.hr_status == 'active'),
                    group_by=[table.cnic],
                    having=Count(table.id) > 1))
            row = cursor.fetchone()
            if row:
                raise CNICError(gettext('bhmis_hr.msg_cnic_active_unique',
                        cnic=row[0]))

    @classmethod
    def search_rec_name(cls, name, clause):
        """Employees are found by name, personnel number or CNIC.

        Not through the party's rec_name, which also searches its code,
        identifiers and contact mechanisms (three subqueries more for each
        search of the province's employees); the name through `where`,
        not `party.name`, which Tryton would turn into a UNION of two
        searches, each sorted whole before the first 50 rows are kept. A
        whole CNIC, however written, is an equality."""
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            return super().search_rec_name(name, clause)
        number = cnic.normalise(operand) if isinstance(operand, str) else None
        cnic_readable = cls._cnic_readable()
        if number and operator in {'=', 'like', 'ilike'}:
            # Digits, spaces and hyphens have no case and no wildcard: a
            # name cannot match, and indexes answer the rest
            domain = ['OR', ('personnel_number', '=', operand)]
            if cnic_readable:
                domain.append(('cnic', '=', number))
            return domain
        domain = ['OR',
            ('party', 'where', [('name', operator, operand, *extra)]),
            ('personnel_number', operator, operand, *extra),
            ]
        if cnic_readable:
            domain.append(('cnic', operator, operand, *extra))
        return domain

    @classmethod
    def _cnic_readable(cls):
        """Whether the user may read CNICs: a search by CNIC would tell
        the others whose it is"""
        if not Transaction().user:
            return True
        FieldAccess = Pool().get('ir.model.field.access')
        access = FieldAccess.get_access([cls.__name__])[cls.__name__]
        return bool(access.get('cnic', {}).get('read', True))

    @classmethod
    def update_facility(cls, employees):
        "Set the facility of employees from their open primary posting"
        to_write = []
        for employee in employees:
            postings = sorted((p for p in employee.postings
                    if p.primary and not p.end_date),
                key=lambda p: p.start_date)
            facility = postings[-1].facility if postings else None
            if employee.facility != facility:
                to_write.extend(([employee], {
                            'facility': facility.id if facility else None}))
        if to_write:
            # A derived value: whoever moved the posting may not see the
            # employee's new facility
            with without_check_access():
                cls.write(*to_write)


class EmployeeStatusChange(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.employee.status_change'
    __string__ = "Service Status Change"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee", readonly=True)
    date = fields.DateTime("Recorded", readonly=True)
    user = fields.Many2One('res.user', "Recorded By", readonly=True)
    hr_status = fields.Selection(HR_STATUSES, "Service Status",
        readonly=True)
    previous_hr_status = fields.Selection(
        [(None, "")] + HR_STATUSES, "Previous Status", readonly=True)
    hr_status_date = fields.Date("Since", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        return field_changes(Pool().get('company.employee'), 'hr_status',
            'employee', extra=['hr_status_date'])


class Qualification(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.employee.qualification'
    __string__ = "Qualification"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    degree = fields.Char("Degree", required=True, strip=True,
        help="For example MBBS, FCPS, BSc Nursing.")
    institution = fields.Char("Institution", strip=True)
    year = fields.Integer("Year")


COUNCILS = [
    ('pmdc', "PMDC"),
    ('pnc', "PNC"),
    ('other', "Other"),
    ]


class Registration(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.employee.registration'
    __string__ = "Professional Registration"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    council = fields.Selection(COUNCILS, "Council", required=True,
        help="PMDC for doctors and dentists, PNC for nurses and midwives.")
    number = fields.Char("Number", required=True, strip=True)
    expiry_date = fields.Date("Expiry Date")
    expiring = fields.Function(fields.Boolean("Expiring"),
        'get_expiring')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('expiry_date', 'ASC NULLS LAST'), ('id', 'ASC')]

    def get_expiring(self, name):
        Date_ = Pool().get('ir.date')
        if not self.expiry_date:
            return False
        return (self.expiry_date - Date_.today()).days <= 60

