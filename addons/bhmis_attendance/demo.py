# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo attendance: a kiosk at each small-demo hospital, a published 24/7
roster at Civil Hospital Quetta, two weeks of check-ins of the small demo's
staff (most on time, some late, a few absent) and their daily attendance.
The province demo gets the kiosks only: its check-ins come from the
benchmarks.  Deterministic for a given day."""
import datetime as dt

from trytond.pool import Pool
from trytond.tools import timezone as tz

from . import setup

DAYS = 14
CIVIL = 'QUETTA-CIVIL-001'


def load(size, rng):
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Device = pool.get('bhmis.attendance.device')
    setup.run()
    hospitals = Facility.search([('open_24_7', '=', True),
            ('status', '!=', 'closed')], order=[('code', 'ASC')])
    created = 0
    if not Device.search([], limit=1):
        created = len(Device.create([{'facility': f.id, 'kind': 'kiosk',
                        'name': "Main entrance kiosk"} for f in hospitals]))
    _attendance_admins()
    if size != 'small':
        return created
    _roster()
    count = _check_ins(rng)
    if not count:
        return created
    Day = pool.get('bhmis.attendance.day')
    today = pool.get('ir.date').today()
    for back in range(DAYS, 0, -1):
        Day.compute(today - dt.timedelta(days=back))
    return created + count


def _attendance_admins():
    "Facility in-charges review doubtful check-ins with the photos"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('bhmis_attendance', 'group_attendance_admin')
    incharge = ModelData.get_id('bhmis_base', 'group_facility_incharge')
    users = [u for u in User.search([('groups', '=', incharge)])
        if group not in {g.id for g in u.groups}]
    if users:
        User.write(users, {'groups': [('add', [group])]})


def _roster():
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Employee = pool.get('company.employee')
    Roster = pool.get('bhmis.attendance.roster')
    Shift = pool.get('bhmis.attendance.shift')
    facilities = Facility.search([('code', '=', CIVIL)])
    if not facilities:
        return
    facility, = facilities
    shifts = {s.code: s for s in Shift.search([])}
    staff = Employee.search([('facility', '=', facility.id),
            ('hr_status', '=', 'active')], order=[('id', 'ASC')])
    today = pool.get('ir.date').today()
    for month in {(today - dt.timedelta(days=DAYS)).replace(day=1),
            today.replace(day=1)}:
        if Roster.search([('facility', '=', facility.id),
                    ('month', '=', month)]):
            continue
        last = (month + dt.timedelta(days=32)).replace(day=1) - (
            dt.timedelta(days=1))
        lines = []
        for n, employee in enumerate(staff):
            code = ['MORNING', 'EVENING', 'NIGHT'][n % 3]
            lines.append({'employee': employee.id,
                    'shift': shifts[code].id, 'start_date': month,
                    'end_date': last, 'weekly_off': str(n % 7)})
        roster, = Roster.create([{'facility': facility.id, 'month': month,
                    'lines': [('create', lines)]}])
        if not roster.coverage_gaps():
            Roster.publish([roster])


def _check_ins(rng):
    "Two weeks of punches of the small demo's staff; return how many"
    pool = Pool()
    Employee = pool.get('company.employee')
    Line = pool.get('attendance.line')
    Roster = pool.get('bhmis.attendance.roster')
    Leave = pool.get('bhmis.leave.request')
    if Line.search([], limit=1):
        return 0
    zone = tz.ZoneInfo(setup.TIMEZONE)
    today = pool.get('ir.date').today()
    staff = Employee.search([('hr_status', '=', 'active'),
            ('facility', '!=', None)], order=[('id', 'ASC')])
    values = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        shifts, _ = Roster.shifts_on(day, staff)
        on_leave = Leave.employees_on_leave(day, staff)
        for employee in staff:
            shift = shifts.get(employee.id)
            if not shift or employee.id in on_leave or rng.random() < 0.08:
                continue
            start, end = shift.rule.window(day)
            arrive = start + dt.timedelta(
                minutes=rng.choice([-20, -10, -5, 0, 5, 10, 25, 40]))
            leave = end + dt.timedelta(minutes=rng.choice(
                    [-50, -5, 0, 5, 15, 30]))
            for at, type_ in [(arrive, 'in'), (leave, 'out')]:
                if at.replace(tzinfo=zone) > dt.datetime.now(zone):
                    continue
                utc = at.replace(tzinfo=zone).astimezone(tz.UTC).replace(
                    tzinfo=None)
                values.append({'employee': employee.id,
                        'company': employee.company.id, 'at': utc,
                        'date': at.date(), 'type': type_})
    Line.create(values)
    return len(values)
