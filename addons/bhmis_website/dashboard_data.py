# SPDX-License-Identifier: GPL-3.0-or-later
"""What the dashboard reads: per group (district, or facility when the
managers' twin drills into a district) and month, the numerator and
denominator of each measure, from the modules' own reports and
indicators:

- attendance: the monthly absenteeism of bhmis_attendance (days by
  status), rate = 1 - daily.absenteeism_rate;
- posts: bhmis_hr's vacancies (sanctioned less vacant over sanctioned),
  today's only: posts have no history;
- medicines: bhmis_inventory's monthly stock indicators of tracer
  medicines at service points, with the definition of
  aggregates.tracer_availability (a tracer never received is out);
- sla and satisfaction: bhmis_complaints' report rows (the SLA clock of
  each complaint), by the month of filing.

Every read goes through the models' searches, so the record rules of the
reading user apply: the public site reads as the website (everything,
shown only as aggregates), the twin as the manager (their districts).
"""
import datetime as dt
from collections import defaultdict

from sql.aggregate import Count, Sum
from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_complaints import report as complaints_report
from bhmis_inventory.stock import DISTRICT_STORE, MSD

from . import dashboard


def _group_column(table, by):
    return table.facility if by == 'facility' else table.district


def _cursor():
    return Transaction().connection.cursor()


def _month(value):
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value


def attendance(pairs, month_list, by='district', district=None):
    Absenteeism = Pool().get('bhmis.attendance.absenteeism')
    domain = [('month', '>=', month_list[0]), ('month', '<=', month_list[-1])]
    if district:
        domain.append(('district', '=', district))
    rows = Absenteeism.search(domain, query=True, order=[])
    records = Absenteeism.table_query()
    group = _group_column(records, by)
    cursor = _cursor()
    cursor.execute(*records.select(group, records.month,
            Sum(records.expected), Sum(records.absent),
            where=records.id.in_(rows),
            group_by=[group, records.month]))
    for key, month, expected, absent in cursor:
        expected, absent = int(expected or 0), int(absent or 0)
        dashboard.add(pairs[key]['attendance'], _month(month),
            expected - absent, expected)


def posts(pairs, month_list, by='district', district=None):
    Vacancy = Pool().get('bhmis.vacancy')
    domain = [('district', '=', district)] if district else []
    this_month = month_list[-1]
    for vacancy in Vacancy.search(domain, order=[]):
        key = (vacancy.facility.id if by == 'facility'
            else vacancy.district.id)
        sanctioned = vacancy.sanctioned or 0
        dashboard.add(pairs[key]['posts'], this_month,
            sanctioned - (vacancy.vacant or 0), sanctioned)


def medicines(pairs, month_list, by='district', district=None):
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Indicator = pool.get('bhmis.inventory.indicator')
    Product = pool.get('product.product')
    tracers = Product.search([('tracer', '=', True)], count=True)
    if not tracers:
        return
    domain = [('type', 'not in', [MSD, DISTRICT_STORE]),
        ('status', '!=', 'closed')]
    if district:
        domain.append(('district', '=', district))
    facilities = Facility.search(domain, order=[])
    points = {f.id: f.district.id for f in facilities}
    indicator_domain = [('tracer', '=', True),
        ('month', '>=', month_list[0]), ('month', '<=', month_list[-1])]
    if district:
        indicator_domain.append(('district', '=', district))
    rows = Indicator.search(indicator_domain, query=True, order=[])
    table = Indicator.__table__()
    cursor = _cursor()
    cursor.execute(*table.select(table.facility, table.month,
            Count(table.id), Sum(table.stocked_out),
            where=table.id.in_(rows),
            group_by=[table.facility, table.month]))
    computed = defaultdict(lambda: defaultdict(int))
    for facility, month, lines, stocked_out in cursor:
        if facility not in points:
            continue
        month = _month(month)
        # In stock: tracers with a row not stocked out; the tracers
        # without a row were never received
        computed[month][facility] = int(lines or 0) - int(stocked_out or 0)
    for month, in_stock in computed.items():
        for facility, district_ in points.items():
            key = facility if by == 'facility' else district_
            dashboard.add(pairs[key]['medicines'], month,
                in_stock.get(facility, 0), tracers)


def complaints(pairs, month_list, by='district', district=None):
    District = Pool().get('bhmis.district')
    first, last = month_list[0], month_list[-1]
    scope = District(district) if district else None
    wanted = {m.strftime('%Y-%m') for m in month_list}
    by_month = {m.strftime('%Y-%m'): m for m in month_list}
    for year in range(first.year, last.year + 1):
        for item in complaints_report._complaints(district=scope, year=year):
            if item['month'] not in wanted:
                continue
            complaint = item['complaint']
            owner = complaint.facility if by == 'facility' else (
                complaint.district)
            if owner is None:
                continue
            month = by_month[item['month']]
            if item['resolved']:
                dashboard.add(pairs[owner.id]['sla'], month,
                    int(bool(item['resolved_in_target'])), 1)
            if item['satisfied'] is not None:
                dashboard.add(pairs[owner.id]['satisfaction'], month,
                    int(bool(item['satisfied'])), 1)


READERS = (attendance, posts, medicines, complaints)


def read(month_list, by='district', district=None):
    """{group id: {measure: {month: (numerator, denominator)}}} of every
    measure"""
    pairs = defaultdict(lambda: defaultdict(dict))
    for reader in READERS:
        reader(pairs, month_list, by=by, district=district)
    return pairs


def names(by='district', district=None):
    "{id: name} of the groups shown: every district, or its facilities"
    pool = Pool()
    if by == 'facility':
        Facility = pool.get('bhmis.facility')
        records = Facility.search([('district', '=', district),
                ('type', 'not in', [MSD, DISTRICT_STORE])],
            order=[('name', 'ASC')])
    else:
        District = pool.get('bhmis.district')
        records = District.search([], order=[('name', 'ASC')])
    return {r.id: r.rec_name for r in records}
