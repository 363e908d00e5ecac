# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of the stock flows: a small province with stores,
medicines with a cost price, lots and receipts."""
import datetime
from decimal import Decimal

from trytond.pool import Pool

from bhmis_base.tests.tools import create_district, create_facility
from bhmis_inventory.tests.tools import create_medicine


def setup_province():
    "The MSD, the Quetta district store, two Quetta BHUs and a Pishin BHU"
    quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
    return {
        'msd': create_facility('MSD', quetta, type='msd'),
        'q-store': create_facility('Q-DS', quetta, type='district_store'),
        'q-bhu': create_facility('Q-BHU', quetta),
        'q-bhu2': create_facility('Q-BHU2', quetta),
        'p-store': create_facility('P-DS', pishin, type='district_store'),
        'p-bhu': create_facility('P-BHU', pishin),
        }


def medicine(code='PCM-500', generic_name="Paracetamol", cost_price='2'):
    Product = Pool().get('product.product')
    template = create_medicine(code, generic_name)
    product, = template.products
    Product.write([product], {'cost_price': Decimal(cost_price)})
    return product


def lot(product, number, expiry):
    Lot = Pool().get('stock.lot')
    record, = Lot.create([{'number': number, 'product': product.id,
                'expiration_date': expiry}])
    return record


def location(xml_id):
    pool = Pool()
    Location = pool.get('stock.location')
    ModelData = pool.get('ir.model.data')
    return Location(ModelData.get_id('stock', xml_id))


def supplier_party(name="Supplier"):
    Party = Pool().get('party.party')
    parties = Party.search([('name', '=', name)])
    if parties:
        return parties[0]
    party, = Party.create([{'name': name}])
    return party


def receive(store, lines, company, date=None):
    """Receive [(product, lot, quantity)] from a supplier into the store;
    return the done receipt"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.in')
    Move = pool.get('stock.move')
    shipment, = Shipment.create([{
                'supplier': supplier_party().id,
                'warehouse': store.id,
                'warehouse_input': store.input_location.id,
                'warehouse_storage': store.storage_location.id,
                'company': company.id,
                'effective_date': date,
                }])
    supplier = shipment.supplier_location or location('location_supplier')
    Move.create([{
                'product': product.id, 'lot': lot.id,
                'quantity': quantity,
                'unit': product.default_uom.id,
                'from_location': supplier.id,
                'to_location': store.input_location.id,
                'unit_price': product.cost_price,
                'currency': company.currency.id,
                'company': company.id,
                'effective_date': date,
                'shipment': str(shipment),
                } for product, lot, quantity in lines])
    Shipment.receive([shipment])
    Shipment.do([shipment])
    return shipment


def dispatch_draft(from_store, to_store, lines, company):
    "Return a draft dispatch of [(product, lot or None, quantity)]"
    Shipment = Pool().get('stock.shipment.internal')
    shipment, = Shipment.create([{
                'from_location': from_store.storage_location.id,
                'to_location': to_store.storage_location.id,
                'company': company.id,
                'moves': [('create', [{
                                'product': product.id,
                                'lot': lot.id if lot else None,
                                'quantity': quantity,
                                'unit': product.default_uom.id,
                                'from_location':
                                from_store.storage_location.id,
                                'to_location': to_store.storage_location.id,
                                'company': company.id,
                                } for product, lot, quantity in lines])],
                }])
    return shipment


def issue_draft(store, lines, company, date=None, period_type='daily'):
    "Return a draft issue of [(product, lot or None, quantity)]"
    pool = Pool()
    Issue = pool.get('bhmis.stock.issue')
    Date = pool.get('ir.date')
    issue, = Issue.create([{
                'store': store.id, 'company': company.id,
                'date': date or Date.today(), 'period_type': period_type,
                'lines': [('create', [{
                                'product': product.id,
                                'lot': lot.id if lot else None,
                                'quantity': quantity,
                                } for product, lot, quantity in lines])],
                }])
    return issue


def quantity(store, product, lot=None, date=None):
    "The quantity of the product (lot) in the store's storage"
    pool = Pool()
    Product = pool.get('product.product')
    Date = pool.get('ir.date')
    from trytond.transaction import Transaction
    with Transaction().set_context(stock_date_end=date or Date.today()):
        if lot is None:
            return Product.products_by_location(
                [store.storage_location.id], with_childs=True,
                grouping_filter=([product.id],)).get(
                (store.storage_location.id, product.id), 0)
        return Product.products_by_location(
            [store.storage_location.id], with_childs=True,
            grouping=('product', 'lot'),
            grouping_filter=([product.id], [lot.id])).get(
            (store.storage_location.id, product.id, lot.id), 0)


def days(n):
    return datetime.timedelta(days=n)
