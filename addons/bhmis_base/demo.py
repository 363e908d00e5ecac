# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data of bhmis_base: tehsils, facilities and one user per role.

Deterministic (seeded) and idempotent: re-loading creates nothing twice.
"""
from trytond.pool import Pool

DEMO_PASSWORD = 'bhmis-demo'
# login, name, group, districts (codes; None: the whole province),
# facilities (codes)
DEMO_USERS = [
    ('manager', "Provincial Manager", 'group_provincial_manager', [], []),
    ('dho.quetta', "DHO Quetta", 'group_dho', ['QUETTA'], []),
    ('dho.pishin', "DHO Pishin", 'group_dho', ['PISHIN'], []),
    ('incharge.civil', "MS Civil Hospital Quetta", 'group_facility_incharge',
        [], ['QUETTA-CIVIL-001']),
    ('hr.quetta', "HR Officer Quetta", 'group_hr_officer', ['QUETTA'], []),
    ('store.quetta', "Store Keeper Quetta", 'group_store_keeper', [],
        ['QUETTA-DS-001']),
    # The 1129 cell answers the whole province's complaints
    ('complaints', "Complaint Officer 1129", 'group_complaint_officer',
        None, []),
    ('dhis2', "DHIS2 Administrator", 'group_dhis2_admin', [], []),
    ]
SMALL = {
    'QUETTA': [('civil', 1), ('dhq', 1), ('rhc', 1), ('bhu', 2),
        ('mch', 1), ('district_store', 1)],
    'PISHIN': [('dhq', 1), ('bhu', 2), ('cd', 1), ('district_store', 1)],
    }
# Facility mix of the province (DOMAIN.md), spread over all districts
PROVINCE_MIX = [('teaching', 5), ('dhq', 30), ('thq', 8), ('civil', 5),
    ('rhc', 100), ('bhu', 1000), ('cd', 540), ('mch', 90), ('tb', 15),
    ('msd', 1), ('district_store', 37)]
TYPE_NAMES = {
    'teaching': "Teaching Hospital", 'dhq': "DHQ Hospital",
    'thq': "THQ Hospital", 'civil': "Civil Hospital", 'rhc': "RHC",
    'bhu': "BHU", 'cd': "Civil Dispensary", 'mch': "MCH Centre",
    'tb': "TB Centre", 'msd': "Medical Stores Depot",
    'district_store': "District Store",
    }
TYPE_NAMES_UR = {
    'teaching': "ٹیچنگ ہسپتال", 'dhq': "ڈی ایچ کیو ہسپتال",
    'thq': "ٹی ایچ کیو ہسپتال", 'civil': "سول ہسپتال",
    'rhc': "دیہی مرکز صحت", 'bhu': "بنیادی مرکز صحت",
    'cd': "سول ڈسپنسری", 'mch': "زچہ بچہ مرکز", 'tb': "ٹی بی مرکز",
    'msd': "میڈیکل سٹورز ڈپو", 'district_store': "ضلعی سٹور",
    }
SHORT_CODES = {'district_store': 'DS'}
BEDS = {'teaching': (400, 900), 'dhq': (60, 250), 'thq': (30, 80),
    'civil': (30, 120), 'rhc': (10, 25), 'mch': (0, 10)}
POPULATION = {'bhu': (8000, 25000), 'rhc': (25000, 100000),
    'cd': (3000, 10000), 'mch': (10000, 50000)}


def _districts_for(size, District):
    if size == 'small':
        return District.search([('code', 'in', list(SMALL))],
            order=[('code', 'ASC')])
    return District.search([], order=[('code', 'ASC')])


def _plan(size, districts, rng):
    "Return [(district, type)] for every facility to create"
    if size == 'small':
        return [(d, kind) for d in districts
            for kind, count in SMALL[d.code] for _ in range(count)]
    plan = []
    for kind, count in PROVINCE_MIX:
        if kind == 'district_store':
            plan.extend((d, kind) for d in districts)
        elif kind in {'msd', 'teaching'}:
            quetta = [d for d in districts if d.code == 'QUETTA'] or districts
            plan.extend((quetta[0], kind) for _ in range(count))
        elif kind == 'dhq':
            plan.extend((d, kind) for d in districts[:count])
        else:
            plan.extend((rng.choice(districts), kind) for _ in range(count))
    return plan


def _tehsils(districts, rng):
    pool = Pool()
    Tehsil = pool.get('bhmis.tehsil')
    existing = {t.code for t in Tehsil.search([])}
    to_create = []
    for district in districts:
        for n in range(1, 4):
            code = '%s-T%s' % (district.code, n)
            if code not in existing:
                to_create.append({'code': code, 'district': district.id,
                        'name': "%s Tehsil %s" % (district.name, n),
                        'name_ur': "تحصیل %s %s" % (
                            district.name_ur or district.name, n)})
    Tehsil.create(to_create)
    by_district = {}
    for tehsil in Tehsil.search([('district', 'in', districts)]):
        by_district.setdefault(tehsil.district.id, []).append(tehsil)
    return by_district


def load(size, rng):
    pool = Pool()
    District = pool.get('bhmis.district')
    Facility = pool.get('bhmis.facility')
    districts = _districts_for(size, District)
    tehsils = _tehsils(districts, rng)
    existing = {f.code for f in Facility.search([])}
    counters, to_create = {}, []
    for district, kind in _plan(size, districts, rng):
        key = (district.code, kind)
        counters[key] = counters.get(key, 0) + 1
        number = counters[key]
        code = '%s-%s-%03d' % (
            district.code, SHORT_CODES.get(kind, kind.upper()), number)
        values = _facility_values(district, kind, number, tehsils, rng)
        if code not in existing:
            to_create.append(dict(values, code=code))
    Facility.create(to_create)
    _users()
    return len(to_create)


def _facility_values(district, kind, number, tehsils, rng):
    tehsil = rng.choice(tehsils[district.id])
    beds = BEDS.get(kind)
    population = POPULATION.get(kind)
    status = 'functional'
    if kind in {'bhu', 'cd'}:
        status = rng.choices(['functional', 'non_functional', 'closed'],
            weights=[85, 10, 5])[0]
    return {
        'name': "%s %s %s" % (TYPE_NAMES[kind], district.name, number),
        'name_ur': "%s %s %s" % (
            TYPE_NAMES_UR[kind], district.name_ur or district.name, number),
        'type': kind,
        'district': district.id,
        'tehsil': tehsil.id,
        'latitude': round(rng.uniform(25.0, 31.5), 6),
        'longitude': round(rng.uniform(61.0, 70.0), 6),
        'beds': rng.randint(*beds) if beds else None,
        'catchment_population': (
            rng.randint(*population) if population else None),
        'open_24_7': kind in {'teaching', 'dhq', 'thq', 'civil', 'rhc'},
        'status': status,
        'phone': '081-%07d' % rng.randint(0, 9999999),
        }


def _users():
    pool = Pool()
    User = pool.get('res.user')
    District = pool.get('bhmis.district')
    Facility = pool.get('bhmis.facility')
    ModelData = pool.get('ir.model.data')
    existing = {u.login for u in User.search([])}
    to_create = []
    for login, name, group, district_codes, facility_codes in DEMO_USERS:
        if login in existing:
            continue
        districts = District.search([('code', 'in', district_codes or [])])
        facilities = Facility.search([('code', 'in', facility_codes)])
        to_create.append({
                'login': login,
                'name': name,
                'password': DEMO_PASSWORD,
                'groups': [('add', [ModelData.get_id('bhmis_base', group)])],
                'bhmis_province': district_codes is None,
                'bhmis_districts': [('add', [d.id for d in districts])],
                'bhmis_facilities': [('add', [f.id for f in facilities])],
                })
    User.create(to_create)
