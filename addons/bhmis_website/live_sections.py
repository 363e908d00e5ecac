# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts behind a facility page's live sections, read from attendance,
inventory, the equipment register and the complaints.

Each function returns only what its section shows (counts, available or
not, in time or not): never a name, a quantity or a record.  The caller
chooses whose rights apply: the public pages read as the website (every
facility, aggregates only), the managers' dashboard as the manager.
live.py turns the facts into figures.
"""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_attendance.day import local_timezone

from . import live


def today():
    """Today in the department's time zone (the website reads without a
    company in its context: ir.date would give the UTC day)"""
    return Pool().get('ir.date').today(timezone=local_timezone())


def staff_facts(facility, date):
    """[(cadre code, present now, rostered on date)] of the active staff
    of the cadres on duty posted at facility"""
    pool = Pool()
    Employee = pool.get('company.employee')
    Line = pool.get('attendance.line')
    Roster = pool.get('bhmis.attendance.roster')
    employees = Employee.search([
            ('facility', '=', facility.id),
            ('hr_status', '=', 'active'),
            ('cadre.code', 'in', list(live.ON_DUTY_CADRES)),
            ], order=[('id', 'ASC')])
    if not employees:
        return []
    punches = {}
    for line in Line.search([
                ('employee', 'in', [e.id for e in employees]),
                ('date', '=', date),
                ], order=[('at', 'ASC'), ('id', 'ASC')]):
        punches.setdefault(line.employee.id, []).append(
            (line.at, line.type))
    shifts, _ = Roster.shifts_on(date, employees)
    return [(e.cadre.code, live.present_now(punches.get(e.id, [])),
            shifts.get(e.id) is not None) for e in employees]


def tracer_facts(facility, date):
    """[(product id, code, name)] of the tracer medicines and {product id:
    stock on hand} of the facility's store at the end of date"""
    pool = Pool()
    Product = pool.get('product.product')
    tracers = Product.search([('tracer', '=', True)],
        order=[('code', 'ASC'), ('id', 'ASC')])
    rows = [(p.id, p.code, p.name) for p in tracers]
    store = facility.store
    if not store or not tracers:
        return rows, {}
    with Transaction().set_context(stock_date_end=date, forecast=False):
        quantities = Product.products_by_location([store.id],
            with_childs=True, grouping_filter=([p.id for p in tracers],))
    on_hand = {}
    for (_, product), quantity in quantities.items():
        on_hand[product] = on_hand.get(product, 0) + quantity
    return rows, on_hand


def equipment_facts(facility):
    "[(category name, status)] of the facility's machines"
    Equipment = Pool().get('bhmis.equipment')
    items = Equipment.search([('facility', '=', facility.id)],
        order=[('category', 'ASC'), ('id', 'ASC')])
    return [(e.category.rec_name, e.status) for e in items]


def complaint_facts(facility, year):
    """[resolved within the target] of the facility's complaints filed in
    year and resolved"""
    Complaint = Pool().get('bhmis.complaint')
    complaints = Complaint.search([
            ('facility', '=', facility.id),
            ('filed_at', '>=', dt.datetime(year, 1, 1)),
            ('filed_at', '<', dt.datetime(year + 1, 1, 1)),
            ('resolved_at', '!=', None),
            ], order=[('id', 'ASC')])
    now = Complaint.now()
    return [bool(c.compute_clock(now).resolved_in_target)
        for c in complaints]


def sections(facility, date, enabled, suppress=True):
    """{section: figures} of the enabled sections of facility on date,
    with the public's suppression of small numbers unless suppress is
    False"""
    threshold = live.SMALL_NUMBER if suppress else 0
    result = {}
    if 'staff' in enabled:
        rows = live.staff_on_duty(staff_facts(facility, date))
        result['staff'] = (live.public_staff(rows, threshold)
            if suppress else rows)
    if 'medicines' in enabled:
        tracers, on_hand = tracer_facts(facility, date)
        result['medicines'] = live.medicine_states(tracers, on_hand)
    if 'equipment' in enabled:
        result['equipment'] = live.equipment_states(
            equipment_facts(facility))
    if 'complaints' in enabled:
        figures = live.complaints_in_sla(
            complaint_facts(facility, date.year))
        if live.public_count(figures['resolved'], threshold) is None:
            figures = {'resolved': None, 'in_time': None, 'percent': None}
        result['complaints'] = figures
    return result
