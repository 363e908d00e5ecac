# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of bhmis_inventory: medicines and units."""
from trytond.pool import Pool

from bhmis_inventory.product import medicine_name


def uom(symbol):
    Uom = Pool().get('product.uom')
    record, = Uom.search([('symbol', '=', symbol)])
    return record


def category(code):
    Category = Pool().get('bhmis.inventory.category')
    record, = Category.search([('code', '=', code)])
    return record


def create_medicine(code, generic_name, strength='500 mg',
        dosage_form='tablet', unit='tab', category_code='ANALGESIC',
        **values):
    Template = Pool().get('product.template')
    template, = Template.create([dict({
                    'code': code,
                    'name': medicine_name(generic_name, strength,
                        dosage_form),
                    'type': 'goods',
                    'medicine': True,
                    'generic_name': generic_name,
                    'strength': strength,
                    'dosage_form': dosage_form,
                    'default_uom': uom(unit).id,
                    'therapeutic_category': category(category_code).id,
                    'products': [('create', [{}])],
                    }, **values)])
    return template
