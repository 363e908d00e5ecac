# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data of bhmis_inventory: the medicine catalogue (small: about 40
essential medicines, with the tracer medicines of maternal and child
health; province: 150) and the store of every facility. Deterministic and
idempotent. Lots, moves and equipment come with the flows."""
from trytond.pool import Pool
from trytond.tools import grouped_slice

from . import demo_bulk, demo_equipment, demo_moves, setup
from .product import medicine_name, tracking_values

# code, generic name, strength, dosage form, unit symbol, category,
# tracer, cold chain; all are on the essential medicines list
SMALL = [
    ('OXY-10I', "Oxytocin", "10 IU/ml", 'injection', 'amp', 'MATERNAL',
        True, True),
    ('MGS-50I', "Magnesium sulphate", "50%", 'injection', 'amp', 'MATERNAL',
        True, False),
    ('MIS-200T', "Misoprostol", "200 mcg", 'tablet', 'tab', 'MATERNAL',
        True, False),
    ('AMX-250C', "Amoxicillin", "250 mg", 'capsule', 'cap', 'ANTIBIOTIC',
        True, False),
    ('AMX-125S', "Amoxicillin", "125 mg/5 ml", 'suspension', 'btl',
        'ANTIBIOTIC', True, False),
    ('GEN-80I', "Gentamicin", "40 mg/ml", 'injection', 'amp', 'ANTIBIOTIC',
        True, False),
    ('CRO-1GI', "Ceftriaxone", "1 g", 'injection', 'vial', 'ANTIBIOTIC',
        True, False),
    ('ORS-205', "Oral rehydration salts", "20.5 g/l", 'sachet', 'sachet',
        'FLUIDS', True, False),
    ('ZNC-20T', "Zinc sulphate", "20 mg", 'tablet', 'tab', 'OTHER',
        True, False),
    ('PCM-500T', "Paracetamol", "500 mg", 'tablet', 'tab', 'ANALGESIC',
        True, False),
    ('PCM-120S', "Paracetamol", "120 mg/5 ml", 'syrup', 'btl', 'ANALGESIC',
        True, False),
    ('IFA-T', "Ferrous sulphate + folic acid", "200 mg + 0.4 mg", 'tablet',
        'tab', 'MATERNAL', True, False),
    ('SAL-100A', "Salbutamol", "100 mcg/dose", 'inhaler', 'inh', 'OTHER',
        True, False),
    ('MET-500T', "Metformin", "500 mg", 'tablet', 'tab', 'ANTIDIABETIC',
        True, False),
    ('AML-5T', "Amlodipine", "5 mg", 'tablet', 'tab', 'CARDIO',
        True, False),
    ('INS-R100', "Insulin (soluble)", "100 IU/ml", 'injection', 'vial',
        'ANTIDIABETIC', True, True),
    ('RL-1000', "Ringer's lactate", "1000 ml", 'infusion', 'bag', 'FLUIDS',
        True, False),
    ('NS-1000', "Sodium chloride", "0.9%, 1000 ml", 'infusion', 'bag',
        'FLUIDS', False, False),
    ('D5-1000', "Glucose", "5%, 1000 ml", 'infusion', 'bag', 'FLUIDS',
        False, False),
    ('IBU-400T', "Ibuprofen", "400 mg", 'tablet', 'tab', 'ANALGESIC',
        False, False),
    ('DIC-75I', "Diclofenac", "75 mg/3 ml", 'injection', 'amp',
        'ANALGESIC', False, False),
    ('CTX-480T', "Co-trimoxazole", "400 mg + 80 mg", 'tablet', 'tab',
        'ANTIBIOTIC', False, False),
    ('AZI-250C', "Azithromycin", "250 mg", 'capsule', 'cap', 'ANTIBIOTIC',
        False, False),
    ('CIP-500T', "Ciprofloxacin", "500 mg", 'tablet', 'tab', 'ANTIBIOTIC',
        False, False),
    ('MTZ-400T', "Metronidazole", "400 mg", 'tablet', 'tab', 'ANTIBIOTIC',
        False, False),
    ('DOX-100C', "Doxycycline", "100 mg", 'capsule', 'cap', 'ANTIBIOTIC',
        False, False),
    ('AMP-500I', "Ampicillin", "500 mg", 'injection', 'vial', 'ANTIBIOTIC',
        False, False),
    ('ART-20T', "Artemether + lumefantrine", "20 mg + 120 mg", 'tablet',
        'tab', 'ANTIMALARIAL', False, False),
    ('CQ-250T', "Chloroquine", "250 mg", 'tablet', 'tab', 'ANTIMALARIAL',
        False, False),
    ('PQ-75T', "Primaquine", "7.5 mg", 'tablet', 'tab', 'ANTIMALARIAL',
        False, False),
    ('ENA-5T', "Enalapril", "5 mg", 'tablet', 'tab', 'CARDIO',
        False, False),
    ('HCT-25T', "Hydrochlorothiazide", "25 mg", 'tablet', 'tab', 'CARDIO',
        False, False),
    ('ASA-75T', "Acetylsalicylic acid", "75 mg", 'tablet', 'tab', 'CARDIO',
        False, False),
    ('GLB-5T', "Glibenclamide", "5 mg", 'tablet', 'tab', 'ANTIDIABETIC',
        False, False),
    ('MDP-250T', "Methyldopa", "250 mg", 'tablet', 'tab', 'MATERNAL',
        False, False),
    ('BCG-V', "BCG vaccine", "20 doses", 'injection', 'vial', 'VACCINE',
        False, True),
    ('OPV-V', "Oral poliomyelitis vaccine", "20 doses", 'drops', 'vial',
        'VACCINE', False, True),
    ('PENTA-V', "Pentavalent vaccine (DTP-HepB-Hib)", "1 dose",
        'injection', 'vial', 'VACCINE', False, True),
    ('MR-V', "Measles and rubella vaccine", "10 doses", 'injection',
        'vial', 'VACCINE', False, True),
    ('TT-V', "Tetanus toxoid", "10 doses", 'injection', 'vial', 'VACCINE',
        False, True),
    ('POV-10', "Povidone iodine", "10%", 'other', 'btl', 'OTHER',
        False, False),
    ('TTC-1E', "Tetracycline eye ointment", "1%", 'ointment', 'tube',
        'ANTIBIOTIC', False, False),
    ]
# More of the list for the province: generic name, presentations
# (strength, dosage form, unit), category
MORE = [
    ("Amoxicillin", [("500 mg", 'capsule', 'cap'),
            ("250 mg/5 ml", 'suspension', 'btl')], 'ANTIBIOTIC'),
    ("Amoxicillin + clavulanic acid", [("625 mg", 'tablet', 'tab'),
            ("228 mg/5 ml", 'suspension', 'btl')], 'ANTIBIOTIC'),
    ("Cefixime", [("400 mg", 'capsule', 'cap'),
            ("100 mg/5 ml", 'suspension', 'btl')], 'ANTIBIOTIC'),
    ("Cefazolin", [("1 g", 'injection', 'vial')], 'ANTIBIOTIC'),
    ("Ceftriaxone", [("250 mg", 'injection', 'vial'),
            ("500 mg", 'injection', 'vial')], 'ANTIBIOTIC'),
    ("Cloxacillin", [("500 mg", 'capsule', 'cap'),
            ("250 mg", 'injection', 'vial')], 'ANTIBIOTIC'),
    ("Clarithromycin", [("500 mg", 'tablet', 'tab')], 'ANTIBIOTIC'),
    ("Erythromycin", [("250 mg", 'tablet', 'tab'),
            ("125 mg/5 ml", 'suspension', 'btl')], 'ANTIBIOTIC'),
    ("Azithromycin", [("200 mg/5 ml", 'suspension', 'btl'),
            ("500 mg", 'tablet', 'tab')], 'ANTIBIOTIC'),
    ("Benzathine benzylpenicillin", [("2.4 MIU", 'injection', 'vial')],
        'ANTIBIOTIC'),
    ("Benzylpenicillin", [("1 MIU", 'injection', 'vial')], 'ANTIBIOTIC'),
    ("Ciprofloxacin", [("250 mg", 'tablet', 'tab'),
            ("0.3%", 'drops', 'btl')], 'ANTIBIOTIC'),
    ("Metronidazole", [("200 mg/5 ml", 'suspension', 'btl'),
            ("500 mg/100 ml", 'infusion', 'bag')], 'ANTIBIOTIC'),
    ("Nitrofurantoin", [("100 mg", 'tablet', 'tab')], 'ANTIBIOTIC'),
    ("Co-trimoxazole", [("200 mg + 40 mg/5 ml", 'suspension', 'btl')],
        'ANTIBIOTIC'),
    ("Chloramphenicol", [("0.5%", 'drops', 'btl'),
            ("1 g", 'injection', 'vial')], 'ANTIBIOTIC'),
    ("Fusidic acid", [("2%", 'cream', 'tube')], 'ANTIBIOTIC'),
    ("Gentamicin", [("0.3%", 'drops', 'btl')], 'ANTIBIOTIC'),
    ("Paracetamol", [("250 mg/5 ml", 'suspension', 'btl'),
            ("1 g/100 ml", 'infusion', 'bag'),
            ("125 mg", 'suppository', 'supp')], 'ANALGESIC'),
    ("Ibuprofen", [("200 mg", 'tablet', 'tab'),
            ("100 mg/5 ml", 'suspension', 'btl')], 'ANALGESIC'),
    ("Diclofenac", [("50 mg", 'tablet', 'tab'),
            ("1%", 'other', 'tube')], 'ANALGESIC'),
    ("Tramadol", [("50 mg", 'capsule', 'cap'),
            ("100 mg/2 ml", 'injection', 'amp')], 'ANALGESIC'),
    ("Morphine", [("10 mg/ml", 'injection', 'amp')], 'ANALGESIC'),
    ("Pentazocine", [("30 mg/ml", 'injection', 'amp')], 'ANALGESIC'),
    ("Lidocaine", [("2%", 'injection', 'vial')], 'ANALGESIC'),
    ("Artesunate", [("60 mg", 'injection', 'vial')], 'ANTIMALARIAL'),
    ("Artemether", [("80 mg/ml", 'injection', 'amp')], 'ANTIMALARIAL'),
    ("Artemether + lumefantrine", [("80 mg + 480 mg", 'tablet', 'tab')],
        'ANTIMALARIAL'),
    ("Quinine", [("300 mg", 'tablet', 'tab'),
            ("300 mg/ml", 'injection', 'amp')], 'ANTIMALARIAL'),
    ("Chloroquine", [("50 mg/5 ml", 'syrup', 'btl')], 'ANTIMALARIAL'),
    ("Amlodipine", [("10 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Atenolol", [("50 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Bisoprolol", [("5 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Captopril", [("25 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Losartan", [("50 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Furosemide", [("40 mg", 'tablet', 'tab'),
            ("20 mg/2 ml", 'injection', 'amp')], 'CARDIO'),
    ("Spironolactone", [("25 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Atorvastatin", [("20 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Isosorbide dinitrate", [("5 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Digoxin", [("0.25 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Clopidogrel", [("75 mg", 'tablet', 'tab')], 'CARDIO'),
    ("Metformin", [("850 mg", 'tablet', 'tab')], 'ANTIDIABETIC'),
    ("Gliclazide", [("80 mg", 'tablet', 'tab')], 'ANTIDIABETIC'),
    ("Glimepiride", [("2 mg", 'tablet', 'tab')], 'ANTIDIABETIC'),
    ("Insulin (isophane)", [("100 IU/ml", 'injection', 'vial')],
        'ANTIDIABETIC'),
    ("Insulin (premixed 70/30)", [("100 IU/ml", 'injection', 'vial')],
        'ANTIDIABETIC'),
    ("Ergometrine", [("0.2 mg/ml", 'injection', 'amp')], 'MATERNAL'),
    ("Nifedipine", [("10 mg", 'tablet', 'tab')], 'MATERNAL'),
    ("Hydralazine", [("20 mg", 'injection', 'amp')], 'MATERNAL'),
    ("Folic acid", [("5 mg", 'tablet', 'tab')], 'MATERNAL'),
    ("Calcium carbonate", [("500 mg", 'tablet', 'tab')], 'MATERNAL'),
    ("Tranexamic acid", [("500 mg/5 ml", 'injection', 'amp')], 'MATERNAL'),
    ("Dexamethasone", [("4 mg/ml", 'injection', 'amp')], 'MATERNAL'),
    ("Anti-D immunoglobulin", [("300 mcg", 'injection', 'vial')],
        'MATERNAL'),
    ("Chlorhexidine", [("7.1%", 'other', 'tube')], 'MATERNAL'),
    ("Sodium chloride", [("0.9%, 500 ml", 'infusion', 'bag')], 'FLUIDS'),
    ("Glucose", [("10%, 500 ml", 'infusion', 'bag'),
            ("25%, 20 ml", 'injection', 'amp')], 'FLUIDS'),
    ("Glucose + sodium chloride", [("5% + 0.9%, 1000 ml", 'infusion',
                'bag')], 'FLUIDS'),
    ("Ringer's lactate", [("500 ml", 'infusion', 'bag')], 'FLUIDS'),
    ("Potassium chloride", [("15%, 10 ml", 'injection', 'amp')], 'FLUIDS'),
    ("Sodium bicarbonate", [("8.4%, 20 ml", 'injection', 'amp')],
        'FLUIDS'),
    ("Water for injection", [("10 ml", 'injection', 'amp')], 'FLUIDS'),
    ("Hepatitis B vaccine", [("10 doses", 'injection', 'vial')],
        'VACCINE'),
    ("Pneumococcal conjugate vaccine", [("1 dose", 'injection', 'vial')],
        'VACCINE'),
    ("Rotavirus vaccine", [("1 dose", 'drops', 'vial')], 'VACCINE'),
    ("Inactivated polio vaccine", [("5 doses", 'injection', 'vial')],
        'VACCINE'),
    ("Typhoid conjugate vaccine", [("5 doses", 'injection', 'vial')],
        'VACCINE'),
    ("Anti-rabies vaccine", [("1 dose", 'injection', 'vial')], 'VACCINE'),
    ("Anti-snake venom", [("10 ml", 'injection', 'vial')], 'VACCINE'),
    ("Tetanus immunoglobulin", [("250 IU", 'injection', 'vial')],
        'VACCINE'),
    ("Omeprazole", [("20 mg", 'capsule', 'cap'),
            ("40 mg", 'injection', 'vial')], 'OTHER'),
    ("Ranitidine", [("150 mg", 'tablet', 'tab')], 'OTHER'),
    ("Metoclopramide", [("10 mg", 'tablet', 'tab'),
            ("10 mg/2 ml", 'injection', 'amp')], 'OTHER'),
    ("Ondansetron", [("4 mg", 'tablet', 'tab')], 'OTHER'),
    ("Hyoscine butylbromide", [("20 mg/ml", 'injection', 'amp')],
        'OTHER'),
    ("Chlorphenamine", [("4 mg", 'tablet', 'tab'),
            ("2 mg/5 ml", 'syrup', 'btl')], 'OTHER'),
    ("Cetirizine", [("10 mg", 'tablet', 'tab')], 'OTHER'),
    ("Prednisolone", [("5 mg", 'tablet', 'tab')], 'OTHER'),
    ("Hydrocortisone", [("100 mg", 'injection', 'vial'),
            ("1%", 'cream', 'tube')], 'OTHER'),
    ("Adrenaline", [("1 mg/ml", 'injection', 'amp')], 'OTHER'),
    ("Aminophylline", [("250 mg/10 ml", 'injection', 'amp')], 'OTHER'),
    ("Beclometasone", [("100 mcg/dose", 'inhaler', 'inh')], 'OTHER'),
    ("Salbutamol", [("2 mg/5 ml", 'syrup', 'btl'),
            ("4 mg", 'tablet', 'tab')], 'OTHER'),
    ("Albendazole", [("400 mg", 'tablet', 'tab')], 'OTHER'),
    ("Mebendazole", [("100 mg", 'tablet', 'tab')], 'OTHER'),
    ("Diazepam", [("5 mg", 'tablet', 'tab'),
            ("10 mg/2 ml", 'injection', 'amp')], 'OTHER'),
    ("Phenobarbital", [("30 mg", 'tablet', 'tab')], 'OTHER'),
    ("Carbamazepine", [("200 mg", 'tablet', 'tab')], 'OTHER'),
    ("Fluconazole", [("150 mg", 'capsule', 'cap')], 'OTHER'),
    ("Clotrimazole", [("1%", 'cream', 'tube'),
            ("100 mg", 'suppository', 'supp')], 'OTHER'),
    ("Nystatin", [("100,000 IU/ml", 'suspension', 'btl')], 'OTHER'),
    ("Permethrin", [("5%", 'cream', 'tube')], 'OTHER'),
    ("Silver sulfadiazine", [("1%", 'cream', 'tube')], 'OTHER'),
    ("Vitamin A", [("200,000 IU", 'capsule', 'cap')], 'OTHER'),
    ("Multivitamin", [("", 'syrup', 'btl')], 'OTHER'),
    ("Vitamin B complex", [("", 'injection', 'amp')], 'OTHER'),
    ("Ferrous sulphate", [("200 mg", 'tablet', 'tab')], 'OTHER'),
    ("Oral rehydration salts (low osmolarity)", [("1 l", 'sachet',
                'sachet')], 'FLUIDS'),
    ]
PROVINCE_COUNT = 150
FORM_CODES = {'tablet': 'T', 'capsule': 'C', 'syrup': 'S',
    'suspension': 'S', 'injection': 'I', 'infusion': 'F', 'cream': 'CR',
    'ointment': 'O', 'drops': 'D', 'inhaler': 'A', 'sachet': 'P',
    'suppository': 'SP', 'other': 'X'}


def catalogue(size):
    "Return the rows of the demo catalogue, as the import columns"
    rows = [{'code': code, 'generic_name': generic, 'strength': strength,
            'dosage_form': form, 'unit': unit, 'category': category,
            'essential': True, 'tracer': tracer, 'cold_chain': cold}
        for code, generic, strength, form, unit, category, tracer, cold
        in SMALL]
    if size != 'province':
        return rows
    for number, (generic, presentations, category) in enumerate(MORE, 1):
        for variant, (strength, form, unit) in enumerate(presentations, 1):
            rows.append({
                    'code': 'EML-%03d%s%s' % (
                        number, FORM_CODES[form], variant),
                    'generic_name': generic, 'strength': strength or None,
                    'dosage_form': form, 'unit': unit, 'category': category,
                    'essential': True, 'tracer': False,
                    'cold_chain': category == 'VACCINE'})
    return rows[:PROVINCE_COUNT]


def load(size, rng):
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Category = pool.get('bhmis.inventory.category')
    setup.run()
    units = {u.symbol: u.id for u in Uom.search([])}
    categories = {c.code: c.id for c in Category.search([])}
    rows = catalogue(size)
    existing = {t.code for t in Template.search(
            [('code', 'in', [r['code'] for r in rows])])}
    to_create = []
    for row in rows:
        if row['code'] in existing:
            continue
        values = {k: v for k, v in row.items()
            if k not in {'unit', 'category'}}
        to_create.append(dict(values,
                name=medicine_name(row['generic_name'], row['strength'],
                    row['dosage_form']),
                type='goods', medicine=True,
                default_uom=units[row['unit']],
                therapeutic_category=categories[row['category']],
                products=[('create', [{}])], **tracking_values()))
    # In batches: SQLite cannot parse the validation of 150 at once
    for batch in grouped_slice(to_create, 25):
        Template.create(list(batch))
    demo_equipment.load(size)
    if size == 'small':
        demo_moves.load_small()
    demo_bulk.load(size, rng)
    return len(to_create)
