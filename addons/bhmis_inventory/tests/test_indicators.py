# SPDX-License-Identifier: GPL-3.0-or-later
"""Indicators, stock card and requisitions through the SQL path, with moves
on known days and figures computed by hand as OpenLMIS does."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module,
    drop_db,
    with_transaction,
)

from bhmis_base.exceptions import ScopeError, SegregationError
from bhmis_base.tests.tools import (
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_inventory import aggregates, indicators
from bhmis_inventory.exceptions import (
    RequisitionApprovalError,
    RequisitionQuantityError,
)
from bhmis_inventory.tests.tools import create_medicine

OCTOBER = dt.date(2026, 10, 1)
D = dt.date


class Stock:
    "Stores, medicines and done moves with known days"

    def __init__(self):
        pool = Pool()
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        self.facilities = {
            'msd': create_facility('MSD', quetta, type='msd'),
            'q-store': create_facility('Q-DS', quetta,
                type='district_store'),
            'p-store': create_facility('P-DS', pishin,
                type='district_store'),
            'q-bhu': create_facility('Q-BHU', quetta),
            'p-bhu': create_facility('P-BHU', pishin),
            }
        self.stores = {k: f.store for k, f in self.facilities.items()}
        self.supplier, = Location.search([('type', '=', 'supplier')])
        self.customer, = Location.search([('type', '=', 'customer')])
        self.lost, = Location.search([('type', '=', 'lost_found')])
        self.oxytocin = create_medicine('OXY', "Oxytocin", '10 IU/ml',
            dosage_form='injection', unit='amp', category_code='MATERNAL',
            tracer=True).products[0]
        self.zinc = create_medicine('ZNC', "Zinc sulphate", '20 mg',
            tracer=True).products[0]
        self.lot1, self.lot2, self.lot3 = Lot.create([
                {'number': 'L1', 'product': self.oxytocin.id,
                    'expiration_date': D(2026, 12, 15)},
                {'number': 'L2', 'product': self.oxytocin.id,
                    'expiration_date': D(2026, 10, 20)},
                {'number': 'L3', 'product': self.oxytocin.id,
                    'expiration_date': D(2027, 12, 31)},
                ])

    def storage(self, name):
        return self.stores[name].storage_location

    def move(self, date, from_, to, quantity, lot=None, reason=None,
            product=None, shipment=None, done=True):
        Move = Pool().get('stock.move')
        company = Pool().get('company.company')(self.company)
        product = product or self.oxytocin
        priced = from_.type == 'supplier' or to.type == 'customer'
        move, = Move.create([{
                    'product': product.id,
                    'unit': product.default_uom.id,
                    'quantity': quantity,
                    'from_location': from_.id,
                    'to_location': to.id,
                    'planned_date': date,
                    'effective_date': date,
                    'company': company.id,
                    'unit_price': Decimal('2.5') if priced else None,
                    'currency': company.currency.id if priced else None,
                    'lot': (lot or self.lot1).id,
                    'bhmis_reason': reason,
                    'shipment': str(shipment) if shipment else None,
                    }])
        if done:
            Move.do([move])
        return move

    def history(self):
        "The worked example: see the test's docstring"
        qds, bhu = self.storage('q-store'), self.storage('q-bhu')
        self.move(D(2026, 8, 1), self.supplier,
            self.stores['q-store'].input_location, 1000)
        # Inside one store: ignored
        self.move(D(2026, 8, 1), self.stores['q-store'].input_location,
            qds, 1000)
        self.move(D(2026, 8, 1), qds, bhu, 300)
        self.move(D(2026, 8, 15), bhu, self.customer, 100)
        self.move(D(2026, 9, 10), bhu, self.customer, 90)
        self.move(D(2026, 10, 10), bhu, self.customer, 110)
        self.move(D(2026, 10, 21), qds, bhu, 200)
        self.move(D(2026, 10, 21), qds, bhu, 20, lot=self.lot2)
        self.move(D(2026, 10, 25), bhu, self.customer, 30)
        self.move(D(2026, 10, 28), bhu, self.lost, 10, lot=self.lot2,
            reason='expired')
        self.move(D(2026, 10, 28), bhu, self.lost, 2, reason='lost_stolen')
        self.move(D(2026, 10, 30), self.lost, bhu, 4,
            reason='count_difference')
        # Pishin: stock never consumed
        self.move(D(2026, 10, 1), self.supplier, self.storage('p-bhu'), 50,
            lot=self.lot3)


class IndicatorsTestCase(unittest.TestCase):
    "Stock indicators, stock card and requisitions"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('bhmis_inventory')

    @classmethod
    def tearDownClass(cls):
        # A scenario run next restores the module's database from the cache
        drop_db()

    def setup_stock(self):
        CostPrice = Pool().get('product.cost_price')
        company = create_company()
        stock = Stock()
        stock.company = company.id
        CostPrice.create([{'product': stock.oxytocin.id,
                    'company': company.id, 'cost_price': Decimal('2.5')}])
        stock.history()
        return stock

    def figures(self, stock, facility, month=OCTOBER, product=None):
        rows = indicators.compute([stock.facilities[facility].id], month)
        product = product or stock.oxytocin
        found = [r for r in rows if r['product'] == product.id]
        return found[0] if found else None

    @with_transaction()
    def test_month_with_stock_out(self):
        """Q-BHU, oxytocin, October 2026 (31 days): opening 110; issued
        110 on the 10th, so closing 0 from the 10th to the 20th (11
        stock-out days); received 200 + 20 on the 21st; issued 30; lost 10
        expired and 2 stolen; 4 found at a count. Closing 182. N =
        140 × 31 / (31 − 11) = 217; AMC = (100 + 90 + 217) / 3; months
        of stock 182 / AMC; order 3 × AMC − 182 = 225"""
        stock = self.setup_stock()
        row = self.figures(stock, 'q-bhu')
        amc = (100 + 90 + 217) / 3
        expected = {
            'opening': 110, 'received': 220, 'dispatched': 0,
            'issued': 140, 'losses': 12, 'adjustments': 4, 'closing': 182,
            'stockout_days': 11, 'adjusted_consumption': 217,
            'status': 'within', 'expiring_quantity': 172,
            'expired_quantity': 10, 'wastage_quantity': 10,
            'wastage_value': 25,
            }
        self.maxDiff = None
        self.assertEqual({k: row[k] for k in expected}, expected)
        self.assertAlmostEqual(row['amc'], amc)
        self.assertAlmostEqual(row['months_of_stock'], 182 / amc)
        self.assertAlmostEqual(row['order_quantity'], 225)

    @with_transaction()
    def test_earlier_months_and_store(self):
        "August and September have no stock-out; the store dispatches"
        stock = self.setup_stock()
        august = self.figures(stock, 'q-bhu', D(2026, 8, 1))
        self.assertEqual((august['opening'], august['received'],
                august['issued'], august['closing'],
                august['stockout_days']), (0, 300, 100, 200, 0),
            msg="received on the 1st: no stock-out day")
        self.assertEqual(august['amc'], 100,
            msg="June and July, stocked out throughout, say nothing")
        store = self.figures(stock, 'q-store')
        self.assertEqual((store['opening'], store['received'],
                store['dispatched'], store['issued'], store['closing']),
            (700, 0, 220, 0, 480),
            msg="the move inside the store is not received twice")
        self.assertAlmostEqual(store['amc'], (300 + 0 + 220) / 3,
            msg="a store's consumption is what it dispatched")
        self.assertEqual(store['status'], 'within',
            msg="480 for 173 a month: between 2 and 6 months")
        pishin = self.figures(stock, 'p-bhu')
        self.assertEqual((pishin['closing'], pishin['amc'],
                pishin['status']), (50, 0, 'unknown'),
            msg="nothing consumed: months of stock unknown")
        self.assertIsNone(self.figures(stock, 'q-bhu',
                product=stock.zinc), msg="never stocked: no row")

    @with_transaction()
    def test_slices_of_facilities(self):
        """The stores in one query or one query per store give the same
        rows: a dispatch between two stores of one slice is still counted
        at both ends"""
        stock = self.setup_stock()
        ids = [f.id for f in stock.facilities.values()]
        together = indicators.compute(ids, OCTOBER)
        self.assertEqual(len(together), 3,
            msg="Q-DS, Q-BHU and P-BHU: the MSD never held any")
        real = indicators.IN_MAX
        indicators.IN_MAX = 1
        try:
            apart = indicators.compute(ids, OCTOBER)
        finally:
            indicators.IN_MAX = real
        self.assertEqual(apart, together)
        by_facility = {r['facility']: r for r in together}
        self.assertEqual(by_facility[stock.facilities['q-store'].id][
                'dispatched'], 220)
        self.assertEqual(by_facility[stock.facilities['q-bhu'].id][
                'received'], 220)

    @with_transaction()
    def test_indicator_rows_and_scope(self):
        "The stored rows match; a DHO sees their district's only"
        pool = Pool()
        Indicator = pool.get('bhmis.inventory.indicator')
        stock = self.setup_stock()
        self.assertEqual(Indicator.compute_month(D(2026, 10, 15)), 3)
        row, = Indicator.search([('facility.code', '=', 'Q-BHU')])
        self.assertEqual((row.month, row.closing, row.stockout_days,
                row.status, row.stocked_out, row.tracer),
            (OCTOBER, 182, 11, 'within', 0, True))
        self.assertEqual(Indicator.compute_month(OCTOBER), 3,
            msg="computing again replaces the month")
        self.assertEqual(Indicator.search_count([]), 3)
        theirs, = Indicator.search([('facility.code', '=', 'Q-BHU')])
        dho = create_user('dho', 'group_dho',
            districts=[stock.facilities['p-bhu'].district])
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[stock.facilities['p-bhu']])
        for user in [dho, keeper]:
            with self.subTest(user=user.login), as_user(user):
                rows = Indicator.search([])
                self.assertEqual([r.facility.code for r in rows],
                    ['P-BHU'])
                self.assertEqual([r['facility'] for r in indicators.compute(
                            indicators.visible_facilities(), OCTOBER)],
                    [stock.facilities['p-bhu'].id])
                self.assertEqual(indicators.visible_facilities(
                        facility=stock.facilities['q-bhu']), [],
                    msg="another facility's store: nothing")
                with self.assertRaises(AccessError):
                    Indicator.read([theirs.id], ['closing'])

    @with_transaction()
    def test_district_aggregates(self):
        """Quetta: Q-BHU has oxytocin within min–max and no zinc: 1 of 2
        pairs stocked out. Pishin: P-BHU has oxytocin (no consumption)
        and no zinc"""
        stock = self.setup_stock()
        figures = aggregates.tracer_availability(OCTOBER)
        districts = {d.code: v for d, v in figures['districts'].items()}
        self.assertEqual(
            {k: districts['QUETTA'][k] for k in ['facilities', 'pairs',
                    'stocked_out', 'stockout_rate', 'within_rate']},
            {'facilities': 1, 'pairs': 2, 'stocked_out': 1,
                'stockout_rate': 50, 'within_rate': 50},
            msg="stores are not service points")
        self.assertEqual(districts['PISHIN']['within_rate'], 0)
        tracers = {(d.code, p.code): v['stockout_rate']
            for (d, p), v in figures['tracers'].items()}
        self.assertEqual(tracers, {('QUETTA', 'OXY'): 0,
                ('QUETTA', 'ZNC'): 100, ('PISHIN', 'OXY'): 0,
                ('PISHIN', 'ZNC'): 100})
        dho = create_user('dho', 'group_dho',
            districts=[stock.facilities['p-bhu'].district])
        with as_user(dho):
            mine = aggregates.tracer_availability(OCTOBER)
        self.assertEqual([d.code for d in mine['districts']], ['PISHIN'])

    @with_transaction()
    def test_stock_card(self):
        "Every move of the lot in the store with its running balance"
        StockCard = Pool().get('bhmis.inventory.stock_card')
        stock = self.setup_stock()
        lines = StockCard.search([
                ('facility', '=', stock.facilities['q-bhu'].id),
                ('product', '=', stock.oxytocin.id),
                ('lot', '=', stock.lot1.id)])
        self.assertEqual([(l.date, l.kind, l.quantity_in, l.quantity_out,
                    l.balance) for l in lines], [
                (D(2026, 8, 1), 'received', 300, 0, 300),
                (D(2026, 8, 15), 'issued', 0, 100, 200),
                (D(2026, 9, 10), 'issued', 0, 90, 110),
                (D(2026, 10, 10), 'issued', 0, 110, 0),
                (D(2026, 10, 21), 'received', 200, 0, 200),
                (D(2026, 10, 25), 'issued', 0, 30, 170),
                (D(2026, 10, 28), 'loss', 0, 2, 168),
                (D(2026, 10, 30), 'adjustment_in', 4, 0, 172),
                ])
        self.assertEqual(lines[6].reason, 'lost_stolen')
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[stock.facilities['p-bhu']])
        with as_user(keeper):
            self.assertEqual(StockCard.search([
                        ('facility', '=', stock.facilities['q-bhu'].id)]),
                [], msg="another facility's stock card")

    @with_transaction()
    def test_dispatches_unconfirmed_and_short(self):
        """A dispatch shipped and not received is unconfirmed; one received
        with 5 of 50 lost in transit is short; a complete one is neither"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        stock = self.setup_stock()
        transit = Location(ModelData.get_id('stock', 'location_transit'))
        qds, bhu = stock.storage('q-store'), stock.storage('q-bhu')
        pishin_bhu = stock.storage('p-bhu')

        def shipment(state, to, moves):
            record, = Shipment.create([{
                        'company': stock.company, 'from_location': qds.id,
                        'to_location': to.id, 'state': state,
                        'planned_date': D(2026, 10, 25),
                        'planned_start_date': D(2026, 10, 25),
                        'effective_start_date': D(2026, 10, 25),
                        'effective_date': (D(2026, 10, 28)
                            if state == 'done' else None),
                        'internal_transit_location': transit.id}])
            for from_, to_, quantity, done in moves:
                stock.move(D(2026, 10, 25 if from_ == qds else 28),
                    from_, to_, quantity, shipment=record, done=done,
                    reason='transit_loss' if to_ == stock.lost else None)
            return record
        shipment('shipped', bhu, [(qds, transit, 30, True),
                (transit, bhu, 30, False)])
        shipment('done', bhu, [(qds, transit, 50, True),
                (transit, bhu, 45, True), (transit, stock.lost, 5, True)])
        shipment('done', pishin_bhu, [(qds, transit, 10, True),
                (transit, pishin_bhu, 10, True)])
        problems = aggregates.dispatch_problems(OCTOBER, [
                stock.facilities[k].id for k in ['q-bhu', 'p-bhu']])
        self.assertEqual({d.code: v for d, v in problems.items()},
            {'QUETTA': (1, 1), 'PISHIN': (0, 0)})
        self.assertEqual(aggregates.dispatch_problems(
                D(2026, 11, 1), [stock.facilities['q-bhu'].id]),
            {stock.facilities['q-bhu'].district: (1, 0)},
            msg="still unconfirmed in November; short was October's")
        row = self.figures(stock, 'q-bhu')
        self.assertEqual(row['received'], 220 + 45,
            msg="received from the transit location")

    @with_transaction()
    def test_requisition_to_dispatch(self):
        "Proposed from October's figures, approved by the supplying store"
        pool = Pool()
        Requisition = pool.get('bhmis.inventory.requisition')
        Move = pool.get('stock.move')
        stock = self.setup_stock()
        bhu = stock.facilities['q-bhu']
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[bhu])
        supplier_keeper = create_user('ds-keeper', 'group_store_keeper',
            facilities=[stock.facilities['q-store']])
        other = create_user('other', 'group_store_keeper',
            facilities=[stock.facilities['p-bhu']])
        with as_user(keeper):
            requisition, = Requisition.propose(
                [pool.get('stock.location')(bhu.store.id)], D(2026, 11, 1))
            line, = requisition.lines
            self.assertEqual((line.product, line.stock_on_hand,
                    line.proposed_quantity, line.quantity),
                (stock.oxytocin, 182, 225, 225))
            self.assertAlmostEqual(line.amc, 407 / 3)
            self.assertEqual(Requisition.propose(
                    [requisition.store], D(2026, 11, 1)), [],
                msg="one requisition a month")
            line.quantity = -5
            line.save()
            with self.assertRaises(RequisitionQuantityError):
                Requisition.submit([requisition])
            self.assertEqual(requisition.state, 'draft')
            line.quantity = 200
            line.save()
            Requisition.submit([requisition])
            # Refused: the requesting store is not the supplying side, and
            # who submitted does not approve
            with self.assertRaises((RequisitionApprovalError, ScopeError,
                        SegregationError)):
                Requisition.approve([requisition])
        with as_user(other):
            self.assertEqual(Requisition.search([]), [],
                msg="another facility's keeper sees nothing")
        # A provincial manager reads requisitions; approving is the
        # supplying store's
        manager = create_user('manager', 'group_provincial_manager')
        with as_user(manager):
            self.assertEqual(Requisition.search([]), [requisition])
            with self.assertRaises(AccessButtonError):
                Requisition.approve([Requisition(requisition.id)])
        requisition = Requisition(requisition.id)
        self.assertEqual((requisition.state, requisition.shipment),
            ('submitted', None))
        with as_user(supplier_keeper):
            Requisition.approve([Requisition(requisition.id)])
        requisition = Requisition(requisition.id)
        shipment = requisition.shipment
        self.assertEqual((requisition.state, shipment.state,
                shipment.from_location, shipment.to_location),
            ('approved', 'draft', stock.storage('q-store'),
                stock.storage('q-bhu')))
        move, = shipment.moves
        self.assertEqual((move.product, move.quantity),
            (stock.oxytocin, 200))
        self.assertEqual(requisition.fill_rate, 0)
        Move.write([move], {'quantity': 150, 'lot': stock.lot1.id,
                'effective_date': D(2026, 11, 3)})
        Move.do([move])
        self.assertEqual(Requisition(requisition.id).fill_rate, 0.75)
        figures = aggregates.requisition_fill_rates(D(2026, 11, 1),
            [bhu.id])
        self.assertEqual(figures, {bhu.district: 75})



if __name__ == '__main__':
    unittest.main()
