# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo equipment: the items of each facility by its type (a DHQ hospital
has far more than a BHU), in mixed states.

small: the demo facilities' items, a few repairs done (so MTBF and MTTR
show), a breakdown reported, one under repair, one condemned, preventive
maintenance overdue, one transfer and X-ray machines at DHQ hospitals,
where no radiographer is posted. province: the items of every facility,
created in batches. Deterministic and idempotent."""
import datetime as dt
import random

from trytond.pool import Pool
from trytond.transaction import Transaction

# Items of a facility by type: category code → count
BY_TYPE = {
    'teaching': {'XRAY': 4, 'ULTRASOUND': 4, 'ECG': 6, 'AUTOCLAVE': 6,
        'O2-CONC': 10, 'REFRIGERATOR': 4, 'INCUBATOR': 6, 'ANAESTHESIA': 6,
        'DELIVERY-TABLE': 6, 'GENERATOR': 2, 'LAB-ANALYSER': 4,
        'SUCTION': 6},
    'dhq': {'XRAY': 2, 'ULTRASOUND': 2, 'ECG': 2, 'AUTOCLAVE': 3,
        'O2-CONC': 4, 'REFRIGERATOR': 2, 'INCUBATOR': 3, 'ANAESTHESIA': 2,
        'DELIVERY-TABLE': 3, 'GENERATOR': 1, 'LAB-ANALYSER': 2,
        'SUCTION': 3},
    'thq': {'XRAY': 1, 'ULTRASOUND': 1, 'ECG': 1, 'AUTOCLAVE': 2,
        'O2-CONC': 2, 'REFRIGERATOR': 1, 'INCUBATOR': 1, 'ANAESTHESIA': 1,
        'DELIVERY-TABLE': 2, 'GENERATOR': 1, 'LAB-ANALYSER': 1,
        'SUCTION': 1},
    'rhc': {'XRAY': 1, 'ECG': 1, 'AUTOCLAVE': 1, 'O2-CONC': 1,
        'REFRIGERATOR': 1, 'DELIVERY-TABLE': 1, 'GENERATOR': 1,
        'SUCTION': 1},
    'bhu': {'AUTOCLAVE': 1, 'REFRIGERATOR': 1, 'DELIVERY-TABLE': 1},
    'cd': {'REFRIGERATOR': 1},
    'mch': {'ULTRASOUND': 1, 'REFRIGERATOR': 1, 'DELIVERY-TABLE': 2,
        'INCUBATOR': 1, 'SUCTION': 1},
    'tb': {'XRAY': 1, 'LAB-ANALYSER': 1, 'REFRIGERATOR': 1},
    'msd': {'REFRIGERATOR': 4, 'GENERATOR': 2},
    'district_store': {'REFRIGERATOR': 2, 'GENERATOR': 1},
    }
BY_TYPE['civil'] = BY_TYPE['thq']
MAKES = {
    'XRAY': [("Shimadzu", "MobileDaRt Evolution"), ("Siemens", "Multix")],
    'ULTRASOUND': [("Mindray", "DC-40"), ("GE", "Logiq P9")],
    'ECG': [("Schiller", "Cardiovit AT-2"), ("Nihon Kohden", "ECG-1250")],
    'AUTOCLAVE': [("Tuttnauer", "3870EL"), ("Astell", "AMB240")],
    'O2-CONC': [("Philips", "EverFlo"), ("DeVilbiss", "525DS")],
    'REFRIGERATOR': [("Vestfrost", "MK 304"), ("Dometic", "TCW 3000")],
    'INCUBATOR': [("Dräger", "Isolette 8000"), ("Phoenix", "NI-2000")],
    'ANAESTHESIA': [("Dräger", "Fabius Plus"), ("Mindray", "WATO EX-35")],
    'DELIVERY-TABLE': [("Paramount", "DT-100"), ("Local", "Standard")],
    'GENERATOR': [("Jamal", "15 kVA"), ("Cummins", "C22 D5")],
    'LAB-ANALYSER': [("Mindray", "BC-20"), ("Erba", "Chem-7")],
    'SUCTION': [("Medela", "Dominant 50"), ("Yuwell", "7E-A")],
    }
DEPARTMENTS = {'XRAY': "Radiology", 'ULTRASOUND': "Radiology",
    'ECG': "Emergency", 'AUTOCLAVE': "CSSD", 'O2-CONC': "Ward",
    'REFRIGERATOR': "EPI", 'INCUBATOR': "Nursery",
    'ANAESTHESIA': "Operation Theatre", 'DELIVERY-TABLE': "Labour Room",
    'GENERATOR': "Services", 'LAB-ANALYSER': "Laboratory",
    'SUCTION': "Operation Theatre"}
STATUS_WEIGHTS = [('functional', 80), ('non_functional', 10),
    ('under_repair', 5), ('condemned', 5)]
BATCH = 500
PREFIX = 'EQ-'


def asset_tag(facility_code, category_code, number):
    return '%s%s-%s-%02d' % (PREFIX, facility_code, category_code, number)


def load(size):
    "Create the demo equipment of size; return the number of items created"
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Category = pool.get('bhmis.equipment.category')
    Equipment = pool.get('bhmis.equipment')
    Date = pool.get('ir.date')
    rng = random.Random('bhmis_inventory.equipment')
    today = Date.today()
    categories = {c.code: c for c in Category.search([])}
    cursor = Transaction().connection.cursor()
    table = Equipment.__table__()
    cursor.execute(*table.select(table.asset_tag,
            where=table.asset_tag.like(PREFIX + '%')))
    existing = {t for t, in cursor}
    first_run = not existing
    facilities = Facility.search([('status', '!=', 'closed')],
        order=[('code', 'ASC')])
    plans = []
    for facility in facilities:
        for code, count in BY_TYPE.get(facility.type, {}).items():
            for number in range(1, count + 1):
                tag = asset_tag(facility.code, code, number)
                make, model = rng.choice(MAKES[code])
                acquired = today - dt.timedelta(days=rng.randint(200, 3650))
                status = 'functional'
                if size == 'province':
                    status = rng.choices([s for s, _ in STATUS_WEIGHTS],
                        weights=[w for _, w in STATUS_WEIGHTS])[0]
                if tag in existing:
                    continue
                plans.append({
                        'asset_tag': tag,
                        'category': categories[code].id,
                        'facility': facility.id,
                        'department': DEPARTMENTS[code],
                        'make': make,
                        'model_name': model,
                        'serial': 'SN%08d' % rng.randint(0, 99999999),
                        'acquisition_date': acquired,
                        'acquisition_cost': rng.randint(50, 5000) * 1000,
                        'warranty_expiry': acquired + dt.timedelta(days=730),
                        'status': status,
                        })
    for start in range(0, len(plans), BATCH):
        Equipment.create(plans[start:start + BATCH])
    if size == 'small' and first_run and plans:
        _small_history(today)
    return len(plans)


def _small_history(today):
    """Repairs done, a breakdown, a repair under way, a condemned item and a
    transfer at the demo facilities"""
    pool = Pool()
    Equipment = pool.get('bhmis.equipment')
    Maintenance = pool.get('bhmis.equipment.maintenance')
    Transfer = pool.get('bhmis.equipment.transfer')
    Facility = pool.get('bhmis.facility')

    def item(facility_code, code, number=1):
        found = Equipment.search([('asset_tag', '=',
                    asset_tag(facility_code, code, number))])
        return found[0] if found else None

    def moment(days_ago, hour=9):
        return dt.datetime.combine(
            today - dt.timedelta(days=days_ago), dt.time(hour))

    done = []
    # Generators and X-ray machines fail most: repairs of a few hours to
    # days, so that MTBF and MTTR show by item and category
    for facility_code, code, repairs in [
            ('QUETTA-DHQ-001', 'XRAY', [(150, 26), (80, 50), (20, 8)]),
            ('QUETTA-DHQ-001', 'GENERATOR', [(120, 5), (60, 3), (10, 6)]),
            ('PISHIN-DHQ-001', 'XRAY', [(170, 72), (40, 30)]),
            ('QUETTA-CIVIL-001', 'AUTOCLAVE', [(90, 20)]),
            ('QUETTA-RHC-001', 'REFRIGERATOR', [(100, 12), (30, 4)]),
            ]:
        equipment = item(facility_code, code)
        if not equipment:
            continue
        for days_ago, hours in repairs:
            reported = moment(days_ago)
            done.append({'equipment': equipment.id, 'type': 'corrective',
                    'state': 'done', 'reported': reported,
                    'started': reported + dt.timedelta(hours=1),
                    'finished': reported + dt.timedelta(hours=hours),
                    'technician': "Biomedical Engineering Unit",
                    'description': "Breakdown repaired."})
    Maintenance.create(done)
    # A breakdown just reported and a repair under way
    broken = item('PISHIN-DHQ-001', 'INCUBATOR')
    repairing = item('QUETTA-DHQ-001', 'ULTRASOUND')
    open_ = Maintenance.create([
            {'equipment': e.id, 'type': 'corrective', 'reported': moment(d),
                'description': text}
            for e, d, text in [
                (broken, 3, "Heater does not warm up."),
                (repairing, 6, "Probe cable damaged."),
                ] if e])
    Maintenance.start([m for m in open_ if m.equipment == repairing])
    condemned = item('QUETTA-BHU-001', 'AUTOCLAVE')
    if condemned:
        Equipment.condemn([condemned])
    # Preventive maintenance overdue at the RHC
    overdue = [e for e in [item('QUETTA-RHC-001', 'GENERATOR'),
            item('QUETTA-RHC-001', 'SUCTION')] if e]
    Equipment.write(overdue,
        {'next_preventive_date': today - dt.timedelta(days=10)})
    # An oxygen concentrator lent by the DHQ to the RHC
    concentrator = item('QUETTA-DHQ-001', 'O2-CONC', 4)
    rhc = Facility.search([('code', '=', 'QUETTA-RHC-001')])
    if concentrator and rhc:
        transfer, = Transfer.create([{'equipment': concentrator.id,
                    'to_facility': rhc[0].id, 'to_department': "Emergency",
                    'date': today - dt.timedelta(days=15),
                    'reason': "Oxygen for the winter pneumonia cases."}])
        Transfer.send([transfer])
        Transfer.do([transfer])
