# SPDX-License-Identifier: GPL-3.0-or-later
"""The import of medicines: all or nothing, every problem listed, re-import
updates by code."""
import io
import re

import openpyxl
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from bhmis_base.problem import problem_text
from bhmis_base.tests.tools import DBTestCase
from bhmis_inventory.exceptions import MedicineImportError
from bhmis_inventory.medicine_import import (
    COLUMNS,
    MESSAGES,
    TEMPLATE_FILENAME,
    InventoryProblem,
    import_medicines,
    template,
)

HEADER = ",".join(COLUMNS) + "\n"
CLEAN = (HEADER
    + "PCM-500,Paracetamol,500 mg,tablet,tab,ANALGESIC,yes,yes,no\n"
    + "AMX-125S,Amoxicillin,125 mg/5 ml,Suspension,bottle,Antibiotics,yes,"
    "yes,\n"
    + "OXY-10,Oxytocin,10 IU/ml,injection,AMP,maternal,yes,yes,yes\n")
BROKEN = (
    "ORS-1,Oral rehydration salts,20.5 g/L,sachet,sachet,FLUIDS,maybe,"
    "yes,no\n"
    "MET-500,Metformin,500 mg,tablet,tab,ANTICANCER,yes,yes,no\n"
    "SAL-100,Salbutamol,100 mcg,spray,inh,OTHER,yes,yes,no\n"
    "PCM-500,Paracetamol,500 mg,tablet,tab,ANALGESIC,yes,yes,no\n"
    ",Zinc,20 mg,tablet,tablets,OTHER,yes,yes,no\n")
BROKEN_PROBLEMS = [
    "row 5, column essential: 'maybe' is not yes or no",
    "row 6, column category: unknown therapeutic category 'ANTICANCER' "
    "(one of: ANALGESIC, ANTIBIOTIC, ANTIDIABETIC, ANTIMALARIAL, CARDIO, "
    "FLUIDS, MATERNAL, OTHER, VACCINE)",
    "row 7, column dosage_form: unknown value 'spray' (one of: tablet, "
    "capsule, syrup, suspension, injection, infusion, cream, ointment, "
    "drops, inhaler, sachet, suppository, other)",
    "row 8, column code: code PCM-500 is already on row 2",
    "row 9, column code: is required",
    "row 9, column unit: unknown unit 'tablets' (a unit of measure's name "
    "or symbol, such as tablet or tab)",
    ]


class MedicineImportTestCase(DBTestCase):
    "Test the import of medicines"
    module = 'bhmis_inventory'

    def medicines(self):
        Template = Pool().get('product.template')
        return {t.code: t for t in Template.search([])}

    @with_transaction()
    def test_import_creates_then_updates(self):
        Product = Pool().get('product.product')
        self.assertEqual(import_medicines(CLEAN.encode(), 'm.csv'),
            (3, 0, []))
        medicines = self.medicines()
        self.assertEqual(sorted(medicines), ['AMX-125S', 'OXY-10', 'PCM-500'])
        oxytocin = medicines['OXY-10']
        self.assertEqual((oxytocin.name, oxytocin.generic_name,
                oxytocin.strength, oxytocin.dosage_form,
                oxytocin.default_uom.symbol,
                oxytocin.therapeutic_category.code, oxytocin.essential,
                oxytocin.tracer, oxytocin.cold_chain, oxytocin.medicine,
                oxytocin.expiration_state),
            ("Oxytocin 10 IU/ml Injection", "Oxytocin", "10 IU/ml",
                'injection', 'amp', 'MATERNAL', True, True, True, True,
                'required'))
        self.assertFalse(medicines['AMX-125S'].cold_chain,
            msg="an empty flag is no")
        products = Product.search([])

        changed = CLEAN.replace("PCM-500,Paracetamol,500 mg,tablet,tab,"
            "ANALGESIC,yes,yes,no", "PCM-500,Paracetamol,500 mg,tablet,tab,"
            "ANALGESIC,yes,no,no")
        self.assertEqual(import_medicines(changed.encode(), 'm.csv'),
            (0, 3, []))
        self.assertEqual(Product.search([]), products, msg="no duplicates")
        self.assertFalse(self.medicines()['PCM-500'].tracer)

    @with_transaction()
    def test_import_broken_rows_writes_nothing(self):
        with self.assertRaises(MedicineImportError) as context:
            import_medicines((CLEAN + BROKEN).encode(), 'm.csv')
        self.assertEqual(self.medicines(), {})
        problems = context.exception.problems
        self.assertEqual([str(p) for p in problems], BROKEN_PROBLEMS)
        self.assertIn("nothing was written", context.exception.message)
        for problem in problems:
            self.assertIn(problem_text(problem), context.exception.message)

    @with_transaction()
    def test_import_missing_column(self):
        with self.assertRaises(MedicineImportError) as context:
            import_medicines(b"code,generic_name\nX,Y\n", 'm.csv')
        self.assertEqual([str(p) for p in context.exception.problems], [
                "row 1, column dosage_form: required column is missing",
                "row 1, column unit: required column is missing",
                "row 1, column category: required column is missing",
                ])

    @with_transaction()
    def test_import_refuses_product_not_medicine(self):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('symbol', '=', 'u')])
        Template.create([{'name': "Syringe", 'code': 'PCM-500',
                    'default_uom': unit.id,
                    'products': [('create', [{}])]}])
        with self.assertRaises(MedicineImportError) as context:
            import_medicines(CLEAN.encode(), 'm.csv')
        self.assertEqual([str(p) for p in context.exception.problems], [
                "row 2, column code: code PCM-500 is a product that is not "
                "a medicine"])

    @with_transaction()
    def test_import_xlsx(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for line in CLEAN.splitlines():
            sheet.append(line.split(','))
        data = io.BytesIO()
        workbook.save(data)
        self.assertEqual(import_medicines(data.getvalue(), 'm.xlsx'),
            (3, 0, []))

    @with_transaction()
    def test_template_reads_back(self):
        "The downloadable template imports as it is"
        self.assertEqual(import_medicines(template(), TEMPLATE_FILENAME),
            (1, 0, []))

    @with_transaction()
    def test_wizard(self):
        pool = Pool()
        Start = pool.get('bhmis.inventory.medicine.import.start')
        Wizard = pool.get('bhmis.inventory.medicine.import', type='wizard')
        defaults = Start.default_get(['template', 'template_filename'])
        self.assertEqual(defaults['template_filename'], TEMPLATE_FILENAME)
        self.assertEqual(defaults['template'][:4], b'PK\x03\x04')
        session_id, _, _ = Wizard.create()
        result = Wizard.execute(session_id, {'start': {
                    'file': CLEAN.encode(), 'filename': 'm.csv'}}, 'import_')
        self.assertEqual(result['view']['defaults']['summary'],
            "3 medicines created, 0 updated.")

    @with_transaction()
    def test_problem_messages_match_catalogue(self):
        "Every medicine file problem has its message, with the same text"
        for code, text in MESSAGES.items():
            params = {name: 'X' for name in re.findall(r'%\((\w+)\)s', text)}
            problem = InventoryProblem(3, 'unit', code, params)
            with self.subTest(code=code):
                self.assertEqual(problem_text(problem), str(problem))

