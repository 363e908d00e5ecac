# SPDX-License-Identifier: GPL-3.0-or-later
"""Import of employees and their first posting from CSV or XLSX: all rows
valid, or nothing written.

The HR data of the province lives in spreadsheets; this brings it in.
Re-importing a file updates employees by personnel number and creates no
duplicates; an empty cell leaves the employee's value as it is.
"""
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import (
    Transaction,
    inactive_records,
    without_check_access,
)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base import tabular
from bhmis_base.problem import ImportWizardMixin, problem_text
from bhmis_base.tabular import TableError, read_table
from bhmis_base.xlsx import write_template

from . import cnic as cnic_
from . import setup
from .cadre import BPS_RANGE
from .employee import EMPLOYMENT_TYPES
from .exceptions import EmployeeImportError

COLUMNS = ('personnel_number', 'cnic', 'name', 'father_name', 'gender',
    'date_of_birth', 'domicile_district', 'cadre', 'designation', 'bps',
    'employment_type', 'date_of_joining', 'facility_code', 'posting_start')
REQUIRED = ('personnel_number', 'name', 'designation')
TEMPLATE_FILENAME = 'employees-template.xlsx'
# Rows written per ORM call: Tryton checks the constraints of a call at once,
# but browsing n records costs n² (each checks the ids of all), so 1,000
# rows a call is slower than 250 (25,000 employees: 75 s against 53 s)
BATCH = 250
DATE_FORMATS = ('%Y-%m-%d', '%d/%m/%Y')
GENDERS = {'male': 'male', 'm': 'male', 'female': 'female', 'f': 'female',
    'other': 'other'}
EMPLOYMENT_TYPE_VALUES = [t for t, _ in EMPLOYMENT_TYPES]
EMPLOYMENT_TYPE_ALIASES = {'ad_hoc': 'adhoc'}

# The English text of the problems only HR has; message.xml has the same
# texts as msg_problem_<code> for translation (a test keeps them equal).
MESSAGES = {
    'cadre_mismatch': "designation '%(designation)s' is not of cadre "
    "'%(cadre)s'",
    'cnic_in_use': "CNIC %(value)s is that of employee %(employee)s, "
    "in service",
    'employee_not_yours': "employee %(value)s is posted at %(facility)s, "
    "which is not one of yours",
    'posted_elsewhere': "the employee is posted at %(facility)s: move them "
    "with a transfer order",
    'beyond_sanctioned': "%(count)s %(designation)s beyond the sanctioned "
    "posts of %(facility)s: they count as surplus",
    }


class HRProblem(tabular.Problem):
    "A problem of an employee file that only HR has"
    messages = MESSAGES
    module = 'bhmis_hr'


def _problem(row, column, code, params):
    kind = HRProblem if code in MESSAGES else tabular.Problem
    return kind(row, column, code, params)


class FacilityRef(NamedTuple):
    id: int
    code: str
    district: int
    closed: bool


class Existing(NamedTuple):
    "An employee already in the database"
    id: int
    party: int
    name: str
    facility: FacilityRef | None
    values: dict


@dataclass
class Lookups:
    "What rows refer to, read once from the database for the whole file"
    # lower-case name or code of a district -> id
    districts: dict = field(default_factory=dict)
    # lower-case code or name of a cadre -> id
    cadres: dict = field(default_factory=dict)
    # lower-case code or name of a designation -> (id, cadre id)
    designations: dict = field(default_factory=dict)
    # lower-case code of a facility -> FacilityRef
    facilities: dict = field(default_factory=dict)
    # personnel number -> Existing
    employees: dict = field(default_factory=dict)
    # CNIC -> personnel number of the employee in service who has it
    cnics: dict = field(default_factory=dict)
    # district ids the importing user answers for; None: the province
    allowed_districts: set | None = None
    allowed_facilities: set = field(default_factory=set)

    def in_scope(self, facility):
        return (self.allowed_districts is None
            or facility.district in self.allowed_districts
            or facility.id in self.allowed_facilities)


@dataclass
class Row:
    "A valid row: the employee's values and the posting to create"
    number: int
    name: str
    values: dict
    existing: Existing | None = None
    posting: dict | None = None
    # As written in the file, to name them in warnings
    facility_code: str = ''
    designation: str = ''


@dataclass
class Checked:
    "Validated rows ready to write, and what is worth telling the user"
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def parse_date(text):
    "Return the date of YYYY-MM-DD or DD/MM/YYYY; raise ValueError"
    for format_ in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    raise ValueError(text)


def check_rows(records, lookups):
    """Validate employee rows against lookups; return Checked or raise
    TableError listing every problem."""
    checked, problems = Checked(), []
    seen = {'personnel_number': {}, 'cnic': {}}
    for number, record in records:
        checked.rows.append(
            _check_row(number, record, lookups, seen, problems))
    if problems:
        raise TableError(problems)
    return checked


def _check_row(number, record, lookups, seen, problems):
    def problem(column, code, **params):
        problems.append(_problem(number, column, code, params))

    def once(column, value):
        if value in seen[column]:
            problem(column, 'value_twice', value=value,
                row=seen[column][value])
        else:
            seen[column][value] = number

    personnel_number = record['personnel_number']
    once('personnel_number', personnel_number)
    row = Row(number, record['name'], {'personnel_number': personnel_number},
        existing=lookups.employees.get(personnel_number),
        facility_code=record.get('facility_code', ''),
        designation=record['designation'])
    _check_person(record, row, lookups, problem, once)
    _check_service(record, row, lookups, problem)
    _check_posting(record, row, lookups, problem)
    return row


def _date(record, column, values, name, problem):
    text = record.get(column, '')
    if text:
        try:
            values[name] = parse_date(text)
        except ValueError:
            problem(column, 'bad_date', value=text)


def _check_person(record, row, lookups, problem, once):
    values = row.values
    if record.get('cnic'):
        cnic = cnic_.normalise(record['cnic'])
        if not cnic:
            problem('cnic', 'bad_cnic', value=record['cnic'])
        else:
            once('cnic', cnic)
            holder = lookups.cnics.get(cnic)
            if holder and holder != values['personnel_number']:
                problem('cnic', 'cnic_in_use', value=cnic, employee=holder)
            values['cnic'] = cnic
    if record.get('father_name'):
        values['father_name'] = record['father_name']
    gender = record.get('gender', '')
    if gender:
        if gender.lower() not in GENDERS:
            problem('gender', 'unknown_value', value=gender,
                expected="male, female, other")
        values['gender'] = GENDERS.get(gender.lower())
    _date(record, 'date_of_birth', values, 'birth_date', problem)
    domicile = record.get('domicile_district', '')
    if domicile:
        values['domicile'] = lookups.districts.get(domicile.lower())
        if values['domicile'] is None:
            problem('domicile_district', 'unknown_district', value=domicile)


def _check_service(record, row, lookups, problem):
    values = row.values
    designation, cadre = lookups.designations.get(
        record['designation'].lower(), (None, None))
    if designation is None:
        problem('designation', 'unknown_code', value=record['designation'])
    values['designation'] = designation
    if record.get('cadre'):
        given = lookups.cadres.get(record['cadre'].lower())
        if given is None:
            problem('cadre', 'unknown_code', value=record['cadre'])
        elif cadre is not None and given != cadre:
            problem('cadre', 'cadre_mismatch',
                designation=record['designation'], cadre=record['cadre'])
        cadre = given
    if cadre is not None:
        values['cadre'] = cadre
    if record.get('bps'):
        try:
            values['bps'] = int(record['bps'])
        except ValueError:
            problem('bps', 'not_whole_number', value=record['bps'])
        else:
            if values['bps'] not in BPS_RANGE:
                problem('bps', 'out_of_range', minimum=BPS_RANGE[0],
                    maximum=BPS_RANGE[-1])
    kind = record.get('employment_type', '')
    if kind:
        value = kind.lower().replace('-', '_').replace(' ', '_')
        value = EMPLOYMENT_TYPE_ALIASES.get(value, value)
        if value not in EMPLOYMENT_TYPE_VALUES:
            problem('employment_type', 'unknown_value', value=kind,
                expected=", ".join(EMPLOYMENT_TYPE_VALUES))
        values['employment_type'] = value
    _date(record, 'date_of_joining', values, 'start_date', problem)


def _check_posting(record, row, lookups, problem):
    existing = row.existing
    current = existing.facility if existing else None
    if current and not lookups.in_scope(current):
        problem('personnel_number', 'employee_not_yours',
            value=row.values['personnel_number'], facility=current.code)
    start = {}
    _date(record, 'posting_start', start, 'start_date', problem)
    code = record.get('facility_code', '')
    if not code:
        if record.get('posting_start'):
            problem('facility_code', 'required')
        return
    facility = lookups.facilities.get(code.lower())
    if facility is None:
        problem('facility_code', 'unknown_facility', value=code)
        return
    if not lookups.in_scope(facility):
        problem('facility_code', 'facility_not_yours', value=code)
    if current:
        if current.id != facility.id:
            problem('facility_code', 'posted_elsewhere',
                facility=current.code)
        return
    if facility.closed:
        problem('facility_code', 'facility_closed', value=code)
    start_date = (start.get('start_date') or row.values.get('start_date')
        or (existing.values.get('start_date') if existing else None))
    if start_date is None:
        # A date given but not readable is reported already
        if not (record.get('posting_start')
                or record.get('date_of_joining')):
            problem('posting_start', 'required')
        return
    row.posting = {'facility': facility.id, 'start_date': start_date,
        'designation': row.values['designation'], 'type': 'initial'}


def load_lookups(records, allowed_districts=None, allowed_facilities=()):
    "Read what the records refer to, in a few queries"
    pool = Pool()
    District = pool.get('bhmis.district')
    Cadre = pool.get('bhmis.cadre')
    Designation = pool.get('bhmis.designation')
    Facility = pool.get('bhmis.facility')
    lookups = Lookups(allowed_districts=allowed_districts,
        allowed_facilities=set(allowed_facilities))
    for district in District.search([]):
        lookups.districts[district.name.lower()] = district.id
        lookups.districts[district.code.lower()] = district.id
    for cadre in Cadre.search([]):
        lookups.cadres[cadre.name.lower()] = cadre.id
        lookups.cadres[cadre.code.lower()] = cadre.id
    for designation in Designation.search([]):
        value = (designation.id, designation.cadre.id)
        lookups.designations[designation.name.lower()] = value
        lookups.designations[designation.code.lower()] = value
    by_id = {}
    for facility in Facility.search_read([],
            fields_names=['code', 'district', 'status']):
        by_id[facility['id']] = lookups.facilities[
            facility['code'].lower()] = FacilityRef(facility['id'],
            facility['code'], facility['district'],
            facility['status'] == 'closed')
    numbers = sorted({r['personnel_number'] for _, r in records})
    lookups.employees = _employees(numbers, by_id)
    cnics = sorted({cnic_.normalise(r['cnic']) for _, r in records
            if cnic_.normalise(r.get('cnic', ''))})
    lookups.cnics = _cnics_in_service(cnics)
    return lookups


def _chunks(values, size=BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


# The employee fields a row may set, read to write only what changed
VALUE_FIELDS = ['personnel_number', 'cnic', 'father_name', 'gender',
    'birth_date', 'domicile', 'cadre', 'designation', 'bps',
    'employment_type', 'start_date']


def _employees(numbers, facilities):
    Employee = Pool().get('company.employee')
    employees = {}
    with inactive_records():
        for chunk in _chunks(numbers):
            for values in Employee.search_read(
                    [('personnel_number', 'in', chunk)],
                    fields_names=VALUE_FIELDS + [
                        'party', 'party.name', 'facility']):
                employees[values['personnel_number']] = Existing(
                    values['id'], values['party'], values['party.']['name'],
                    facilities.get(values['facility']),
                    {f: values[f] for f in VALUE_FIELDS})
    return employees


def _cnics_in_service(cnics):
    Employee = Pool().get('company.employee')
    holders = {}
    with inactive_records():
        for chunk in _chunks(cnics):
            for values in Employee.search_read([
                        ('cnic', 'in', chunk),
                        ('hr_status', '=', 'active'),
                        ], fields_names=['cnic', 'personnel_number']):
                holders[values['cnic']] = values['personnel_number']
    return holders


def import_employees(data, filename=None):
    """Create or update employees and their first posting from the file, all
    or nothing.

    Return (created, updated, warnings); raise EmployeeImportError.
    """
    User = Pool().get('res.user')
    unrestricted, districts, facilities = User.get_bhmis_scope()
    # The import checks the user's districts and facilities itself, against
    # the whole province: a new employee is in nobody's scope until posted
    with without_check_access():
        try:
            records = read_table(data, filename, COLUMNS, REQUIRED)
            lookups = load_lookups(records,
                None if unrestricted else set(districts), facilities)
            checked = check_rows(records, lookups)
        except TableError as exception:
            raise EmployeeImportError(gettext(
                    'bhmis_hr.msg_employee_import_invalid',
                    problems="\n".join(
                        map(problem_text, exception.problems))),
                problems=exception.problems)
        warnings = checked.warnings + beyond_sanctioned(checked.rows)
        created, updated = write_rows(checked.rows)
    return created, updated, warnings


def beyond_sanctioned(rows):
    """Return a warning for each facility and designation that the new
    postings fill beyond its sanctioned posts, at the first row beyond"""
    Posting = Pool().get('bhmis.posting')
    rows = [r for r in rows if r.posting]
    keys = [(r.posting['facility'], r.posting['designation']) for r in rows]
    filled, sanctioned = Posting.filled_and_sanctioned(set(keys))
    posted, first = Counter(), {}
    for row, key in zip(rows, keys):
        posted[key] += 1
        if filled.get(key, 0) + posted[key] > sanctioned.get(key, 0):
            first.setdefault(key, row)
    warnings = []
    for key, row in first.items():
        beyond = filled.get(key, 0) + posted[key] - sanctioned.get(key, 0)
        warnings.append(HRProblem(row.number, 'facility_code',
                'beyond_sanctioned', {'count': min(beyond, posted[key]),
                    'designation': row.designation,
                    'facility': row.facility_code}))
    return warnings


def _company():
    pool = Pool()
    Company = pool.get('company.company')
    User = pool.get('res.user')
    transaction = Transaction()
    if transaction.context.get('company'):
        return Company(transaction.context['company'])
    user = User(transaction.user)
    if user.company:
        return user.company
    companies = Company.search([], limit=1)
    return companies[0] if companies else setup.run()


def write_rows(rows):
    "Write the checked rows in batches; return (created, updated)"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Posting = pool.get('bhmis.posting')
    company = _company()
    sequence = Party._code_sequence()
    new = [r for r in rows if not r.existing]
    employee_ids = {}
    for batch in _chunks(new):
        parties = [{'name': r.name} for r in batch]
        if sequence:
            # One sequence update for the batch instead of one per party
            for values, code in zip(parties, sequence.get_many(len(batch))):
                values['code'] = code
        parties = Party.create(parties)
        employees = Employee.create([
                dict(r.values, party=p.id, company=company.id)
                for r, p in zip(batch, parties)])
        employee_ids.update(
            (r.number, e.id) for r, e in zip(batch, employees))
    names, changes = [], []
    for row in rows:
        if not row.existing:
            continue
        employee_ids[row.number] = row.existing.id
        if row.name != row.existing.name:
            names.extend(([Party(row.existing.party)], {'name': row.name}))
        changed = {name: value for name, value in row.values.items()
            if row.existing.values.get(name) != value}
        if changed:
            changes.extend(([Employee(row.existing.id)], changed))
    for batch in _chunks(names, 2 * BATCH):
        Party.write(*batch)
    for batch in _chunks(changes, 2 * BATCH):
        Employee.write(*batch)
    postings = [dict(r.posting, employee=employee_ids[r.number])
        for r in rows if r.posting]
    # Postings beyond the sanctioned posts are reported with the result
    with Transaction().set_context(_skip_warnings=True):
        for batch in _chunks(postings):
            Posting.create(batch)
    return len(new), len(rows) - len(new)


EXAMPLE = ['P-000123', '54400-1234567-1', 'Ayesha Baloch', 'Abdul Rahim',
    'female', dt.date(1990, 5, 1), 'Quetta', 'MEDICAL', 'WMO', 17,
    'regular', dt.date(2018, 3, 1), 'QUETTA-BHU-001', dt.date(2018, 3, 1)]
COLUMN_HELP = {
    'personnel_number': "Required. The Health Department's number; "
    "re-importing updates the employee with this number.",
    'cnic': "13 digits, as 12345-1234567-1.",
    'name': "Required. Full name.",
    'father_name': "",
    'gender': "male, female or other (m, f).",
    'date_of_birth': "YYYY-MM-DD or DD/MM/YYYY, or a date cell.",
    'domicile_district': "District name or code.",
    'cadre': "Code or name; taken from the designation when empty.",
    'designation': "Required. Code or name, such as MO or Medical Officer.",
    'bps': "Basic Pay Scale grade, 1 to 22.",
    'employment_type': "regular, contract, adhoc or daily_wage.",
    'date_of_joining': "Date of joining service.",
    'facility_code': "Where the employee is posted, such as "
    "QUETTA-BHU-001; the initial posting is created.",
    'posting_start': "Start of the posting; the date of joining when empty.",
    }


def template():
    "Return an XLSX file with the columns, an example row and their help"
    return write_template("Employees", COLUMNS, EXAMPLE, COLUMN_HELP)


class ImportEmployeesStart(ModelView):
    __name__ = 'bhmis.employee.import.start'
    __string__ = "Import Employees"
    file = fields.Binary("File", required=True, filename='filename',
        help="CSV (UTF-8) or XLSX with the columns: " + ", ".join(COLUMNS))
    filename = fields.Char("File Name")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename',
        help="An XLSX file with the columns and an example row, to fill in.")
    template_filename = fields.Char("Template File Name")

    @classmethod
    def default_template(cls):
        return template()

    @classmethod
    def default_template_filename(cls):
        return TEMPLATE_FILENAME


class ImportEmployeesResult(ModelView):
    __name__ = 'bhmis.employee.import.result'
    __string__ = "Import Employees"
    summary = fields.Text("Summary", readonly=True)


class ImportEmployees(ImportWizardMixin, Wizard):
    __name__ = 'bhmis.employee.import'
    __string__ = "Import Employees"
    _import = staticmethod(import_employees)
    _done_message = 'bhmis_hr.msg_employee_import_done'
    start = StateView('bhmis.employee.import.start',
        'bhmis_hr.employee_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('bhmis.employee.import.result',
        'bhmis_hr.employee_import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
