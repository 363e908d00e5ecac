# SPDX-License-Identifier: GPL-3.0-or-later
"""HR reports as tables, each computed with one SQL aggregation or search
under the user's record rules, and written as XLSX by the back office
(Reports › HR Reports) and by `bhmis report NAME --output FILE.xlsx`."""
import datetime as dt
from collections import defaultdict

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.columns import columns, selection_labels
from bhmis_base.xlsx import write_table

REPORTS = [
    ('staff-list', "Staff List"),
    ('vacancy', "Vacancies"),
    ('workforce-density', "Workforce Density"),
    ('leave-register', "Leave Register"),
    ]


def _name(record):
    return record.rec_name if record else ''


def staff_list(district=None, facility=None, **_):
    Employee = Pool().get('company.employee')
    domain = [('hr_status', '=', 'active')]
    if facility:
        domain.append(('facility', '=', facility.id))
    elif district:
        domain.append(('facility.district', '=', district.id))
    employees = Employee.search(domain, order=[
            ('facility', 'ASC'), ('designation', 'ASC'),
            ('personnel_number', 'ASC')])
    headers = columns('bhmis_hr', 'facility', 'personnel_number', 'name',
        'father_name', 'cadre', 'designation', 'bps', 'employment_type',
        'joined')
    types = selection_labels('company.employee', 'employment_type')
    rows = [(_name(e.facility), e.personnel_number, e.party.name,
            e.father_name, _name(e.cadre), _name(e.designation), e.bps,
            types.get(e.employment_type, e.employment_type), e.start_date)
        for e in employees]
    return headers, rows


def vacancy(district=None, facility=None, **_):
    Vacancy = Pool().get('bhmis.vacancy')
    domain = []
    if facility:
        domain.append(('facility', '=', facility.id))
    elif district:
        domain.append(('district', '=', district.id))
    headers = columns('bhmis_hr', 'district', 'facility', 'cadre',
        'designation', 'sanctioned', 'filled', 'vacant', 'surplus')
    rows = [(_name(v.district), _name(v.facility), _name(v.cadre),
            _name(v.designation), v.sanctioned, v.filled, v.vacant,
            v.surplus) for v in Vacancy.search(domain)]
    return headers, rows


def workforce_density(district=None, **_):
    """Employees in post per 10,000 people of the catchment populations,
    by district and cadre (WHO NHWA style)"""
    pool = Pool()
    Vacancy = pool.get('bhmis.vacancy')
    Facility = pool.get('bhmis.facility')
    domain = [('district', '=', district.id)] if district else []
    filled = defaultdict(int)
    for row in Vacancy.search(domain):
        filled[(row.district, row.cadre)] += row.filled
    population = defaultdict(int)
    for facility in Facility.search(domain):
        population[facility.district] += facility.catchment_population or 0
    headers = columns('bhmis_hr', 'district', 'cadre', 'in_post',
        'catchment_population', 'per_10000')
    rows = []
    for (district_, cadre), count in sorted(filled.items(),
            key=lambda i: (_name(i[0][0]), _name(i[0][1]))):
        people = population.get(district_, 0)
        rows.append((_name(district_), _name(cadre), count, people,
                round(count * 10_000 / people, 2) if people else None))
    return headers, rows


def leave_register(district=None, facility=None, year=None, **_):
    Request = Pool().get('bhmis.leave.request')
    year = year or Pool().get('ir.date').today().year
    domain = [('start_date', '<=', dt.date(year, 12, 31)),
        ('end_date', '>=', dt.date(year, 1, 1)),
        ('state', 'in', ['requested', 'approved'])]
    if facility:
        domain.append(('employee.facility', '=', facility.id))
    elif district:
        domain.append(('employee.facility.district', '=', district.id))
    requests = Request.search(domain, order=[('start_date', 'ASC')])
    headers = columns('bhmis_hr', 'employee', 'facility', 'leave_type',
        'from', 'to', 'days', 'state')
    states = selection_labels('bhmis.leave.request', 'state')
    rows = [(r.employee.rec_name, _name(r.employee.facility), r.type.rec_name,
            r.start_date, r.end_date, r.days, states.get(r.state, r.state))
        for r in requests]
    return headers, rows


BUILDERS = {
    'staff-list': staff_list,
    'vacancy': vacancy,
    'workforce-density': workforce_density,
    'leave-register': leave_register,
    }


def render(name, district=None, facility=None, year=None, **_):
    "Return (file name, XLSX bytes) of the report name"
    headers, rows = BUILDERS[name](
        district=district, facility=facility, year=year)
    title = selection_labels('bhmis.hr.report.start', 'report')[name]
    scope = ', '.join(_name(r) for r in (district, facility) if r)
    subtitle = '%s%s' % (scope + ' — ' if scope else '',
        Pool().get('ir.date').today().isoformat())
    data = write_table(title, headers, rows, subtitle=subtitle,
        right_to_left=Transaction().language == 'ur')
    return '%s.xlsx' % name, data


class HRReportStart(ModelView):
    __name__ = 'bhmis.hr.report.start'
    __string__ = "HR Report"
    report = fields.Selection(REPORTS, "Report", required=True)
    district = fields.Many2One('bhmis.district', "District")
    facility = fields.Many2One('bhmis.facility', "Facility")
    year = fields.Integer("Year", help="For the leave register.")

    @classmethod
    def default_report(cls):
        return 'vacancy'

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year


class HRReportResult(ModelView):
    __name__ = 'bhmis.hr.report.result'
    __string__ = "HR Report"
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class HRReport(Wizard):
    __name__ = 'bhmis.hr.report'
    start = StateView('bhmis.hr.report.start',
        'bhmis_hr.hr_report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    result = StateView('bhmis.hr.report.result',
        'bhmis_hr.hr_report_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        # Wizards run without access checks: the report reads as the user
        with check_access():
            filename, data = render(self.start.report, self.start.district,
                self.start.facility, self.start.year)
        self.result.filename = filename
        self.result.file = data
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}

