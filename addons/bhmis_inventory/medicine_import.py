# SPDX-License-Identifier: GPL-3.0-or-later
"""Import of the medicine catalogue from CSV or XLSX: all rows valid, or
nothing written.

The MSD's list of medicines lives in spreadsheets; this brings it in.
Re-importing a file updates medicines by code and creates no duplicates.
"""
from dataclasses import dataclass, field

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import inactive_records
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base import tabular
from bhmis_base.problem import ImportWizardMixin, problem_text
from bhmis_base.tabular import TableError, read_table
from bhmis_base.xlsx import write_template

from .exceptions import MedicineImportError
from .product import DOSAGE_FORMS, medicine_name, tracking_values

COLUMNS = ('code', 'generic_name', 'strength', 'dosage_form', 'unit',
    'category', 'essential', 'tracer', 'cold_chain')
REQUIRED = ('code', 'generic_name', 'dosage_form', 'unit', 'category')
FLAGS = ('essential', 'tracer', 'cold_chain')
TEMPLATE_FILENAME = 'medicines-template.xlsx'
TRUE, FALSE = {'yes', 'y', 'true', '1'}, {'no', 'n', 'false', '0'}
FORMS = {value: value for value, _ in DOSAGE_FORMS}
FORMS.update({label.lower(): value for value, label in DOSAGE_FORMS})

# The English text of the problems only medicines have; message.xml has the
# same texts as msg_problem_<code> for translation (a test keeps them equal)
MESSAGES = {
    'unknown_unit': "unknown unit '%(value)s' (a unit of measure's name "
    "or symbol, such as tablet or tab)",
    'unknown_category': "unknown therapeutic category '%(value)s' (one of: "
    "%(expected)s)",
    'not_medicine': "code %(value)s is a product that is not a medicine",
    }


class InventoryProblem(tabular.Problem):
    "A problem of a medicine file that only inventory has"
    messages = MESSAGES
    module = 'bhmis_inventory'


def _problem(row, column, code, params):
    kind = InventoryProblem if code in MESSAGES else tabular.Problem
    return kind(row, column, code, params)


@dataclass
class Lookups:
    "What rows refer to, read once from the database for the whole file"
    # lower-case name or symbol of a unit of measure -> id
    units: dict = field(default_factory=dict)
    # lower-case code or name of a therapeutic category -> id
    categories: dict = field(default_factory=dict)
    category_codes: list = field(default_factory=list)
    # code of a product template -> (id, medicine, {field: value})
    templates: dict = field(default_factory=dict)


@dataclass
class Row:
    "A valid row: the values of the medicine, and the template it updates"
    number: int
    values: dict
    existing: int | None = None


def check_rows(records, lookups):
    """Validate medicine rows against lookups; return the Rows or raise
    TableError listing every problem"""
    rows, problems, codes = [], [], {}

    for number, record in records:
        def problem(column, kind, **params):
            problems.append(_problem(number, column, kind, params))

        for name in REQUIRED:
            if not record.get(name):
                problem(name, 'required')
        code = record.get('code', '')
        if code in codes:
            problem('code', 'code_twice', code=code, row=codes[code])
        elif code:
            codes[code] = number
        values = {'code': code, 'generic_name': record.get('generic_name'),
            'strength': record.get('strength') or None}
        form = record.get('dosage_form', '')
        if form:
            values['dosage_form'] = FORMS.get(form.lower())
            if values['dosage_form'] is None:
                problem('dosage_form', 'unknown_value', value=form,
                    expected=", ".join(v for v, _ in DOSAGE_FORMS))
        unit = record.get('unit', '')
        if unit:
            values['default_uom'] = lookups.units.get(unit.lower())
            if values['default_uom'] is None:
                problem('unit', 'unknown_unit', value=unit)
        category = record.get('category', '')
        if category:
            values['therapeutic_category'] = lookups.categories.get(
                category.lower())
            if values['therapeutic_category'] is None:
                problem('category', 'unknown_category', value=category,
                    expected=", ".join(lookups.category_codes))
        for name in FLAGS:
            flag = record.get(name, '')
            if flag:
                if flag.lower() not in TRUE | FALSE:
                    problem(name, 'not_yes_no', value=flag)
                values[name] = flag.lower() in TRUE
        existing = lookups.templates.get(code)
        if existing and not existing[1]:
            problem('code', 'not_medicine', value=code)
        values['name'] = medicine_name(values['generic_name'],
            values['strength'], values.get('dosage_form'))
        rows.append(Row(number, values,
                existing=existing[0] if existing else None))
    if problems:
        raise TableError(problems)
    return rows


def load_lookups(records):
    "Read what the records refer to, in a few queries"
    pool = Pool()
    Uom = pool.get('product.uom')
    Category = pool.get('bhmis.inventory.category')
    Template = pool.get('product.template')
    lookups = Lookups()
    for uom in Uom.search([]):
        lookups.units.setdefault(uom.name.lower(), uom.id)
        lookups.units.setdefault(uom.symbol.lower(), uom.id)
    for category in Category.search([], order=[('code', 'ASC')]):
        lookups.category_codes.append(category.code)
        lookups.categories[category.code.lower()] = category.id
        lookups.categories[category.name.lower()] = category.id
    codes = sorted({r['code'] for _, r in records if r.get('code')})
    with inactive_records():
        for template in Template.search_read([('code', 'in', codes)],
                fields_names=['code', 'medicine'] + list(VALUE_FIELDS)):
            lookups.templates[template['code']] = (template['id'],
                template['medicine'],
                {f: template[f] for f in VALUE_FIELDS})
    return lookups


# The template fields a row may set, read to write only what changed
VALUE_FIELDS = ('name', 'generic_name', 'strength', 'dosage_form',
    'default_uom', 'therapeutic_category', 'essential', 'tracer',
    'cold_chain')


def import_medicines(data, filename=None):
    """Create or update medicines from the file, all or nothing.

    Return (created, updated, warnings); raise MedicineImportError.
    """
    try:
        # Required cells are checked with the rest of each row, so that
        # every problem of the file is listed at once
        records = read_table(data, filename, COLUMNS)
        _check_header(records)
        lookups = load_lookups(records)
        rows = check_rows(records, lookups)
    except TableError as exception:
        raise MedicineImportError(gettext(
                'bhmis_inventory.msg_medicine_import_invalid',
                problems="\n".join(map(problem_text, exception.problems))),
            problems=exception.problems)
    return (*write_rows(rows, lookups), [])


def _check_header(records):
    header = set(records[0][1]) if records else set()
    missing = [tabular.Problem(1, name, 'column_missing')
        for name in REQUIRED if name not in header]
    if missing:
        raise TableError(missing)


def write_rows(rows, lookups):
    "Write the checked rows; return (created, updated)"
    Template = Pool().get('product.template')
    new = [r for r in rows if not r.existing]
    if new:
        Template.create([dict(r.values, type='goods', medicine=True,
                    products=[('create', [{}])], **tracking_values())
                for r in new])
    existing = {values[0]: values[2]
        for values in lookups.templates.values()}
    changes = []
    for row in rows:
        if not row.existing:
            continue
        current = existing[row.existing]
        changed = {name: value for name, value in row.values.items()
            if name in VALUE_FIELDS and current.get(name) != value}
        if changed:
            changes.extend(([Template(row.existing)], changed))
    if changes:
        Template.write(*changes)
    return len(new), len(rows) - len(new)


EXAMPLE = ['PCM-500-TAB', 'Paracetamol', '500 mg', 'tablet', 'tab',
    'ANALGESIC', 'yes', 'yes', 'no']
COLUMN_HELP = {
    'code': "Required. The medicine's code; re-importing updates the "
    "medicine with this code.",
    'generic_name': "Required. The generic (international) name.",
    'strength': "Such as 500 mg, 250 mg/5 ml or 10 IU/ml.",
    'dosage_form': "Required. " + ", ".join(v for v, _ in DOSAGE_FORMS)
    + ".",
    'unit': "Required. The dispensing unit: a unit of measure's name or "
    "symbol, such as tablet (tab), capsule (cap), bottle (btl), vial, "
    "ampoule (amp), sachet, tube, infusion bag (bag), inhaler (inh), "
    "suppository (supp) or Unit (u).",
    'category': "Required. The therapeutic category's code or name, such "
    "as ANTIBIOTIC or Antibiotics.",
    'essential': "yes or no: on the national essential medicines list.",
    'tracer': "yes or no: a tracer medicine.",
    'cold_chain': "yes or no: kept between 2 and 8 °C.",
    }


def template():
    "Return an XLSX file with the columns, an example row and their help"
    return write_template("Medicines", COLUMNS, EXAMPLE, COLUMN_HELP,
        width=14, help_width=(16, 90))


class ImportMedicinesStart(ModelView):
    __name__ = 'bhmis.inventory.medicine.import.start'
    __string__ = "Import Medicines"
    file = fields.Binary("File", required=True, filename='filename',
        help="CSV (UTF-8) or XLSX with the columns: " + ", ".join(COLUMNS))
    filename = fields.Char("File Name")
    template = fields.Binary("Template", readonly=True,
        filename='template_filename',
        help="An XLSX file with the columns and an example row, to fill in.")
    template_filename = fields.Char("Template File Name")

    @classmethod
    def default_template(cls):
        return template()

    @classmethod
    def default_template_filename(cls):
        return TEMPLATE_FILENAME


class ImportMedicinesResult(ModelView):
    __name__ = 'bhmis.inventory.medicine.import.result'
    __string__ = "Import Medicines"
    summary = fields.Text("Summary", readonly=True)


class ImportMedicines(ImportWizardMixin, Wizard):
    __name__ = 'bhmis.inventory.medicine.import'
    __string__ = "Import Medicines"
    _import = staticmethod(import_medicines)
    _done_message = 'bhmis_inventory.msg_medicine_import_done'
    start = StateView('bhmis.inventory.medicine.import.start',
        'bhmis_inventory.medicine_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('bhmis.inventory.medicine.import.result',
        'bhmis_inventory.medicine_import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
