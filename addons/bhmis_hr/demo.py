# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data of bhmis_hr: sanctioned posts by facility type, employees
posted against them (with a few vacancies and surpluses), a provincial
HR officer and leave (demo_leave). Deterministic and idempotent."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from . import demo_leave, setup

# Sanctioned posts of a facility by type (small demo); the province demo
# multiplies them to reach the province's tens of thousands of employees
POSTS = {
    'teaching': {'MO': 12, 'WMO': 8, 'SMO': 6, 'SPEC': 10, 'SN': 20,
        'HN': 2, 'MT': 6, 'RAD': 2, 'DISP': 4, 'WS': 10, 'MS': 1},
    'dhq': {'MO': 3, 'WMO': 2, 'SPEC': 1, 'SN': 3, 'DISP': 1, 'WS': 2,
        'MS': 1},
    'thq': {'MO': 2, 'WMO': 1, 'SN': 2, 'DISP': 1, 'WS': 1},
    'civil': {'MO': 3, 'WMO': 2, 'SN': 4, 'DISP': 1, 'WS': 2},
    'rhc': {'MO': 2, 'WMO': 1, 'SN': 1, 'LHV': 1, 'DISP': 1},
    'bhu': {'MO': 1, 'LHV': 1, 'DISP': 1, 'VAC': 1},
    'cd': {'DISP': 1},
    'mch': {'WMO': 1, 'LHV': 1, 'MW': 2},
    'tb': {'MO': 1, 'MT': 1},
    'msd': {'SK': 4},
    'district_store': {'SK': 1},
    }
PROVINCE_FACTOR = 5
BATCH = 1000
FIRST_NAMES = ["Ahmed", "Ayesha", "Bibi", "Daud", "Fatima", "Gul", "Hamid",
    "Jamila", "Karim", "Mahnoor", "Nasir", "Naseem", "Rahim", "Saira",
    "Shah", "Zarina", "Baran", "Mir", "Noor", "Sadia"]
FAMILY_NAMES = ["Baloch", "Kakar", "Achakzai", "Mengal", "Bugti", "Marri",
    "Rind", "Hazara", "Tareen", "Mandokhail", "Jamali", "Zehri"]
PROVINCIAL_HR = ('hr.province', "HR Officer (Province)")


def load(size, rng):
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Post = pool.get('bhmis.sanctioned_post')
    Designation = pool.get('bhmis.designation')
    company = setup.run()
    factor = PROVINCE_FACTOR if size == 'province' else 1
    designations = {d.code: d for d in Designation.search([])}
    existing_posts = {(p.facility.id, p.designation.id)
        for p in Post.search([])}
    facilities = Facility.search([('status', '!=', 'closed')],
        order=[('code', 'ASC')])
    posts = []
    for facility in facilities:
        for code, count in POSTS[facility.type].items():
            if (facility.id, designations[code].id) not in existing_posts:
                posts.append({'facility': facility.id,
                        'designation': designations[code].id,
                        'count': count * factor,
                        'bps': designations[code].bps_min})
    Post.create(posts)
    created = _employees(company, facilities, designations, factor, rng)
    _provincial_hr_officer()
    created += demo_leave.load(rng)
    return created


def _employees(company, facilities, designations, factor, rng):
    pool = Pool()
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    Posting = pool.get('bhmis.posting')
    if Employee.search([('personnel_number', 'like', 'DEMO-%')], limit=1):
        return 0
    plans = []
    for facility in facilities:
        for code, count in POSTS[facility.type].items():
            sanctioned = count * factor
            # Mostly filled; some posts vacant, a few beyond sanction
            filled = max(0, sanctioned + rng.choice([-1, 0, 0, 0, 1])
                if sanctioned > 1 else rng.choice([0, 1, 1, 1]))
            plans.extend((facility, designations[code]) for _ in range(filled))
    count = 0
    # In batches: Tryton checks the constraints of one create at once
    for start in range(0, len(plans), BATCH):
        batch = plans[start:start + BATCH]
        parties = Party.create([{'name': '%s %s' % (
                        rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES))}
                for _ in batch])
        employees = Employee.create([
                _employee_values(company, count + n, party, designation, rng)
                for n, (party, (_, designation)) in enumerate(
                    zip(parties, batch), 1)])
        with Transaction().set_context(_skip_warnings=True):
            Posting.create([{
                        'employee': employee.id, 'facility': facility.id,
                        'designation': designation.id,
                        'start_date': employee.start_date,
                        'type': 'initial'}
                    for employee, (facility, designation)
                    in zip(employees, batch)])
        count += len(employees)
    return count


def _employee_values(company, number, party, designation, rng):
    joined = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randint(0, 10000))
    return {
        'company': company.id,
        'party': party.id,
        'personnel_number': 'DEMO-%06d' % number,
        'cnic': '5%04d%07d%d' % (rng.randint(0, 9999),
            rng.randint(0, 9999999), rng.randint(1, 9)),
        'father_name': '%s %s' % (rng.choice(FIRST_NAMES),
            rng.choice(FAMILY_NAMES)),
        'gender': rng.choice(['male', 'female']),
        'birth_date': joined - dt.timedelta(days=365 * rng.randint(23, 30)),
        'cadre': designation.cadre.id,
        'designation': designation.id,
        'bps': designation.bps_min,
        'employment_type': rng.choices(
            ['regular', 'contract', 'adhoc', 'daily_wage'],
            weights=[80, 12, 5, 3])[0],
        'start_date': joined,
        'phone': '03%02d-%07d' % (rng.randint(0, 49), rng.randint(0, 9999999)),
        }


def _provincial_hr_officer():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    login, name = PROVINCIAL_HR
    if User.search([('login', '=', login)]):
        return
    User.create([{'login': login, 'name': name, 'password': 'bhmis-demo',
                'bhmis_province': True,
                'groups': [('add', [ModelData.get_id(
                                'bhmis_base', 'group_hr_officer')])]}])
