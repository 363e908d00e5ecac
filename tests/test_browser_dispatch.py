# SPDX-License-Identifier: GPL-3.0-or-later
"""Proof of delivery in a real browser: the store keeper of a Quetta BHU
logs in at /admin/, finds the dispatch of the district store waiting for
confirmation under Medicines & Equipment › Dispatches and confirms it; the
medicines are then in the BHU's store.

The dispatch is made over RPC by the Quetta district store keeper.

Run: python -m pytest tests/test_browser_dispatch.py
"""
import re

from tests import test_browser as back_office
from tests.conftest import DEMO_PASSWORD
from tests.test_browser import expect

browser, office = back_office.browser, back_office.office

KEEPER, KEEPER_NAME = 'store.bhu.quetta', "Store Keeper BHU Quetta"
SENDER = 'store.quetta'
QUANTITY = 10


def store(rpc, code):
    "The warehouse of the facility code, with its storage location"
    record, = rpc.model('stock.location', 'search_read', [
            ('type', '=', 'warehouse'), ('facility.code', '=', code)],
        0, None, None, ['storage_location', 'rec_name'])
    return record


def held(rpc, location, product):
    "The quantity of the product in the location, as the store card says"
    context = dict(rpc.context, locations=[location])
    record, = rpc.call('model.product.product.read', [product], ['quantity'],
        context)
    return record['quantity']


def dispatch(rpc, from_store, to_store, product):
    "Dispatch QUANTITY of product as the sender; return its id"
    shipment, = rpc.model('stock.shipment.internal', 'create', [{
                'from_location': from_store['storage_location'],
                'to_location': to_store['storage_location'],
                'moves': [('create', [{
                                'product': product['id'],
                                'quantity': QUANTITY,
                                'unit': product['default_uom'],
                                'from_location':
                                from_store['storage_location'],
                                'to_location': to_store['storage_location'],
                                }])],
                }])
    rpc.model('stock.shipment.internal', 'bhmis_dispatch', [shipment])
    return shipment


def test_store_keeper_confirms_dispatch(office, demo_server):
    admin = demo_server.rpc()
    district_store, bhu = store(admin, 'QUETTA-DS-001'), store(admin,
        'QUETTA-BHU-001')
    product, = admin.model('product.product', 'search_read',
        [('code', '=', 'PCM-500T')], 0, None, None, ['default_uom'])
    before = held(admin, bhu['storage_location'], product['id'])
    assert held(admin, district_store['storage_location'],
        product['id']) >= QUANTITY
    shipment_id = dispatch(demo_server.rpc(SENDER, DEMO_PASSWORD),
        district_store, bhu, product)
    shipment, = admin.model('stock.shipment.internal', 'read', [shipment_id],
        ['number', 'state'])
    assert shipment['state'] == 'shipped'
    keeper, = admin.model('res.user', 'search_read',
        [('login', '=', KEEPER)], 0, None, None, ['id'])

    office.login(KEEPER, DEMO_PASSWORD, KEEPER_NAME)
    office.open_menu('Health (BHMIS)', 'Medicines & Equipment',
        'Dispatches')
    tab = office.tab
    with office.step("open dispatch %s to confirm" % shipment['number']):
        expect(tab.get_by_role('tab', name=re.compile(
                    r'^\s*To Confirm\s+\d+'))).to_be_visible()
        row = tab.locator('.treeview tbody tr').filter(
            has_text=shipment['number'])
        expect(row).to_have_count(1)
        row.dblclick()
        expect(office.field('number')).to_have_value(shipment['number'])
        expect(office.field('state').locator('option:checked')
            ).to_have_text('Shipped')

    with office.step("confirm the delivery"):
        tab.locator('.form').get_by_role('button', name='Confirm Delivery',
            exact=True).click()
        expect(office.field('state').locator('option:checked')
            ).to_have_text('Done')
        expect(tab.locator('.form').get_by_role('button',
                name='Confirm Delivery', exact=True)).to_have_count(0)
        expect(office.page.locator('.error-dialog[role="dialog"]')
            ).to_have_count(0)

    shipment, = admin.model('stock.shipment.internal', 'read', [shipment_id],
        ['state', 'bhmis_confirmations', 'bhmis_short'])
    assert shipment['state'] == 'done'
    assert not shipment['bhmis_short']
    proof, = admin.model('bhmis.dispatch.confirmation', 'read',
        shipment['bhmis_confirmations'], ['confirmed_by'])
    assert proof['confirmed_by'] == keeper['id']
    assert held(admin, bhu['storage_location'],
        product['id']) == before + QUANTITY
