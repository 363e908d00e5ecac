# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo leave of bhmis_hr: one demo employee in five (a few hundred at
most) has a leave around today, most of them approved, the others awaiting
the in-charge. Idempotent; deterministic for a given day (the leave is
placed around today so that attendance shows staff on leave)."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

SHARE = 5
MAX_REQUESTS = 300
APPROVED = 0.7
# Leave types of the demo, how often they are taken and for how many days
# (within the yearly entitlement, so that one leave always fits)
KINDS = [
    ('CASUAL', 50, (1, 5)),
    ('EARNED', 25, (5, 20)),
    ('MEDICAL', 20, (2, 10)),
    ('MATERNITY', 5, (90, 90)),
    ]


def load(rng):
    "Create the demo leave requests; return how many"
    pool = Pool()
    Employee = pool.get('company.employee')
    Request = pool.get('bhmis.leave.request')
    Type = pool.get('bhmis.leave.type')
    Date = pool.get('ir.date')
    if Request.search([('employee.personnel_number', 'like', 'DEMO-%')],
            limit=1):
        return 0
    # Ids only: trytond checks each browsed record against the whole list,
    # so browsing the province's 25,000 employees would take minutes
    table = Employee.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id,
            where=table.personnel_number.like('DEMO-%')
            & (table.hr_status == 'active'),
            order_by=[table.personnel_number.asc]))
    ids = [id_ for id_, in cursor]
    if not ids:
        return 0
    types = {t.code: t for t in Type.search([('code', 'in',
                    [code for code, _, _ in KINDS])])}
    today = Date.today()
    chosen = Employee.browse(rng.sample(ids,
            min(MAX_REQUESTS, max(len(ids) // SHARE, 1))))
    requests = Request.create([
            _request_values(employee, types, today, rng)
            for employee in chosen])
    # The workflow checks overlaps and balances of all at once
    Request.request(requests)
    Request.approve([r for r in requests if rng.random() < APPROVED])
    return len(requests)


def _request_values(employee, types, today, rng):
    code, _, (shortest, longest) = rng.choices(KINDS,
        weights=[weight for _, weight, _ in KINDS])[0]
    if code == 'MATERNITY' and employee.gender != 'female':
        code, _, (shortest, longest) = KINDS[0]
    start = today + dt.timedelta(days=rng.randint(-20, 20))
    return {
        'employee': employee.id,
        'type': types[code].id,
        'start_date': start,
        'end_date': start + dt.timedelta(
            days=rng.randint(shortest, longest) - 1),
        'reason': "Demo",
        }
