# SPDX-License-Identifier: GPL-3.0-or-later
"""The stock flows: receipts, dispatches with proof of delivery, issues,
adjustments and counts, as the store keepers use them."""
import random
from decimal import Decimal

from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from bhmis_base.exceptions import UnreadableTargetError
from bhmis_base.tests.tools import DBTestCase, as_user, create_user
from bhmis_inventory import demo
from bhmis_inventory.exceptions import (
    DispatchConfirmError,
    DispatchStockError,
    DispatchSupplyError,
    ExpiredLotError,
    InsufficientStockError,
    ReceiptStoreError,
    StockLotError,
    StoreScopeError,
)
from bhmis_inventory.issue import fefo
from bhmis_inventory.tests.flow_tools import (
    days,
    dispatch_draft,
    issue_draft,
    lot,
    medicine,
    quantity,
    receive,
    setup_province,
)


def moves_to(location_type, product):
    Move = Pool().get('stock.move')
    return Move.search([('product', '=', product.id),
            ('to_location.type', '=', location_type),
            ('state', '=', 'done')])


class FlowsTestCase(DBTestCase):
    """Test the stock flows of bhmis_inventory (the structural tests of the
    module are in test_module)"""

    module = 'bhmis_inventory'

    def stock_up(self):
        """A province whose Quetta district store received two lots of
        paracetamol: one expiring in 30 days, one in a year"""
        Date = Pool().get('ir.date')
        self.today = Date.today()
        self.facilities = setup_province()
        self.stores = {k: f.store for k, f in self.facilities.items()}
        self.pcm = medicine()
        self.early = lot(self.pcm, 'E-1', self.today + days(30))
        self.late = lot(self.pcm, 'L-1', self.today + days(365))
        receive(self.stores['q-store'], [(self.pcm, self.early, 100),
                (self.pcm, self.late, 200)], self.company)

    def dispatch_draft(self, to, lines):
        "A draft dispatch of the lines from the Quetta district store"
        return dispatch_draft(self.stores['q-store'], self.stores[to], lines,
            self.company)

    def test_fefo(self):
        "First expiry first out, skipping expired and empty lots"
        import datetime
        today = datetime.date(2026, 3, 1)
        lots = [(1, datetime.date(2026, 9, 1), 50),
            (2, datetime.date(2026, 4, 1), 30),
            (3, datetime.date(2026, 2, 1), 100),
            (4, datetime.date(2026, 3, 15), 0)]
        self.assertEqual(fefo(lots, 40, today), ([(2, 30), (1, 10)], 0))
        self.assertEqual(fefo(lots, 100, today), ([(2, 30), (1, 50)], 20),
            msg="the expired lot 3 is never proposed")

    def _company(self):
        return create_company()

    # -- receipts --------------------------------------------------------
    @with_transaction()
    def test_receipt_at_district_store(self):
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            self.assertEqual(quantity(self.stores['q-store'], self.pcm), 300)
            self.assertEqual(quantity(self.stores['q-store'], self.pcm,
                    self.early), 100)
            self.assertEqual(len(moves_to('storage', self.pcm)), 4,
                msg="supplier → input, input → storage per lot")

    @with_transaction()
    def test_receipt_refused_at_facility(self):
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            with self.assertRaises(ReceiptStoreError):
                receive(self.stores['q-bhu'], [(self.pcm, self.late, 5)],
                    self.company)

    # -- dispatch --------------------------------------------------------
    @with_transaction()
    def test_dispatch_confirm_full(self):
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            shipment = self.dispatch_draft('q-bhu', [(self.pcm, None, 120)])
            Shipment.bhmis_dispatch([shipment])
            self.assertEqual(shipment.state, 'shipped')
            self.assertEqual(
                sorted((m.lot.number, m.quantity)
                    for m in shipment.outgoing_moves),
                [('E-1', 100), ('L-1', 20)])
            self.assertEqual(quantity(self.stores['q-store'], self.pcm), 180)
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 0,
                msg="in transit until confirmed")
            self.assertEqual(Shipment.search([('bhmis_overdue', '=', True)]),
                [])
            Shipment.bhmis_confirm([shipment])
            self.assertEqual(shipment.state, 'done')
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 120)
            confirmation, = shipment.bhmis_confirmations
            self.assertFalse(confirmation.short)
            self.assertEqual(moves_to('lost_found', self.pcm), [])

    @with_transaction()
    def test_dispatch_short_needs_reason(self):
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Move = pool.get('stock.move')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            shipment = self.dispatch_draft('q-bhu',
                [(self.pcm, self.late, 50)])
            Shipment.bhmis_dispatch([shipment])
            move, = shipment.incoming_moves
            Move.write([move], {'bhmis_received_quantity': 45})
            with self.assertRaises(DispatchConfirmError):
                Shipment.bhmis_confirm([Shipment(shipment.id)])
            self.assertEqual(Shipment(shipment.id).state, 'shipped',
                msg="nothing half-written")
            self.assertEqual(Move(move.id).quantity, 50)
            Shipment.write([shipment], {
                    'bhmis_short_reason': "Carton crushed in transit"})
            Shipment.bhmis_confirm([Shipment(shipment.id)])
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.state, 'done')
            self.assertTrue(shipment.bhmis_short)
            self.assertEqual(Shipment.search([('bhmis_short', '=', True)]),
                [shipment])
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 45)
            loss, = moves_to('lost_found', self.pcm)
            self.assertEqual((loss.quantity, loss.bhmis_reason,
                    loss.lot), (5, 'transit_loss', self.late))
            line, = shipment.bhmis_confirmations[0].lines
            self.assertEqual((line.dispatched_quantity,
                    line.received_quantity, line.short_quantity),
                (50, 45, 5))

    @with_transaction()
    def test_dispatch_all_or_nothing(self):
        Shipment = Pool().get('stock.shipment.internal')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            other = medicine('AMX-250', "Amoxicillin")
            shipment = self.dispatch_draft('q-bhu',
                [(self.pcm, None, 10), (other, None, 10)])
            with self.assertRaises(DispatchStockError):
                Shipment.bhmis_dispatch([shipment])
            self.assertEqual(Shipment(shipment.id).state, 'draft')
            # The caller's transaction is rolled back by Tryton; here the
            # error came before anything was shipped
            self.assertEqual(quantity(self.stores['q-store'], self.pcm), 300)

    @with_transaction()
    def test_dispatch_only_to_supplied_store(self):
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            keeper = create_user('ds.quetta', 'group_store_keeper',
                facilities=[self.facilities['q-store']])
            # Refused: a store it does not supply, and which the keeper
            # cannot even read (another district)
            with as_user(keeper), self.assertRaises(
                    (DispatchSupplyError, UnreadableTargetError)):
                self.dispatch_draft('p-bhu', [(self.pcm, None, 10)])
            # The administrator may send anywhere
            shipment = self.dispatch_draft('p-bhu', [(self.pcm, None, 10)])
            self.assertTrue(shipment.id)

    @with_transaction()
    def test_dispatch_overdue(self):
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Configuration = pool.get('bhmis.inventory.configuration')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            shipment = self.dispatch_draft('q-bhu', [(self.pcm, None, 10)])
            Shipment.bhmis_dispatch([shipment])
            Shipment.write([shipment], {
                    'effective_start_date': self.today - days(8)})
            self.assertEqual(Shipment.search([('bhmis_overdue', '=', True)]),
                [shipment], msg="8 days > the default 7")
            self.assertTrue(Shipment(shipment.id).bhmis_overdue)
            Configuration.write([Configuration(1)],
                {'dispatch_confirm_days': 10})
            self.assertEqual(Shipment.search([('bhmis_overdue', '=', True)]),
                [])

    @with_transaction()
    def test_receiving_keeper_confirms_other_cannot(self):
        Shipment = Pool().get('stock.shipment.internal')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            shipment = self.dispatch_draft('q-bhu', [(self.pcm, None, 10)])
            Shipment.bhmis_dispatch([shipment])
            other = create_user('bhu2', 'group_store_keeper',
                facilities=[self.facilities['q-bhu2']])
            receiver = create_user('bhu1', 'group_store_keeper',
                facilities=[self.facilities['q-bhu']])
            with as_user(other):
                self.assertEqual(Shipment.search([]), [],
                    msg="a keeper of another facility sees nothing")
                with self.assertRaises((AccessError, StoreScopeError)):
                    Shipment.bhmis_confirm([Shipment(shipment.id)])
            with as_user(receiver):
                self.assertEqual(Shipment.search([]), [shipment])
                Shipment.bhmis_confirm([Shipment(shipment.id)])
            self.assertEqual(Shipment(shipment.id).state, 'done')

    @with_transaction()
    def test_moves_scoped_to_stores(self):
        """Keepers see their stores' moves and both halves of their
        dispatches; the sending keeper's dispatch syncs its transit half
        once"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Move = pool.get('stock.move')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            sender = create_user('ds.quetta', 'group_store_keeper',
                facilities=[self.facilities['q-store']])
            receiver = create_user('bhu1', 'group_store_keeper',
                facilities=[self.facilities['q-bhu']])
            other = create_user('bhu2', 'group_store_keeper',
                facilities=[self.facilities['q-bhu2']])
            shipment = self.dispatch_draft('q-bhu', [(self.pcm, None, 120)])
            with as_user(sender):
                Shipment.bhmis_dispatch([Shipment(shipment.id)])
                mine = Move.search([])
                self.assertEqual(len(Shipment(shipment.id).incoming_moves),
                    2, msg="one transit move per lot, made once")
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.state, 'shipped')
            halves = set(shipment.moves)
            self.assertEqual(len(halves), 4)
            self.assertTrue(halves <= set(mine))
            self.assertEqual(len(mine), 4 + 4,
                msg="the dispatch, and the receipt's 2 lots in and stored")
            with as_user(receiver):
                self.assertEqual(set(Move.search([])), halves,
                    msg="the receiver sees the dispatch only")
                Shipment.bhmis_confirm([Shipment(shipment.id)])
            with as_user(other):
                self.assertEqual(Move.search([]), [])
                with self.assertRaises(AccessError):
                    Move.read([m.id for m in halves], ['quantity'])
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 120)

    @with_transaction()
    def test_done_without_confirmation_refused(self):
        Shipment = Pool().get('stock.shipment.internal')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            shipment = self.dispatch_draft('q-bhu', [(self.pcm, None, 10)])
            Shipment.bhmis_dispatch([shipment])
            with self.assertRaises(DispatchConfirmError):
                Shipment.do([shipment])

    # -- issues ----------------------------------------------------------
    def stock_facility(self, amount=50):
        Shipment = Pool().get('stock.shipment.internal')
        shipment = self.dispatch_draft('q-bhu', [
                (self.pcm, self.early, amount), (self.pcm, self.late, amount)])
        Shipment.bhmis_dispatch([shipment])
        Shipment.bhmis_confirm([shipment])

    @with_transaction()
    def test_issue_fefo_and_done(self):
        Issue = Pool().get('bhmis.stock.issue')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            self.stock_facility()
            issue = issue_draft(self.stores['q-bhu'],
                [(self.pcm, None, 70)], self.company)
            Issue.propose_lots([issue])
            issue = Issue(issue.id)
            self.assertEqual(sorted((l.lot.number, l.quantity)
                    for l in issue.lines), [('E-1', 50), ('L-1', 20)])
            Issue.do([issue])
            self.assertEqual(issue.state, 'done')
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 30)
            self.assertEqual(sum(m.quantity
                    for m in moves_to('customer', self.pcm)), 70)

    @with_transaction()
    def test_issue_expired_lot_refused(self):
        pool = Pool()
        Issue = pool.get('bhmis.stock.issue')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            self.stock_facility()
            issue = issue_draft(self.stores['q-bhu'],
                [(self.pcm, self.early, 5)], self.company,
                date=self.today)
            Issue.write([issue], {'date': self.today})
            # The lot expired yesterday
            pool.get('stock.lot').write([self.early],
                {'expiration_date': self.today - days(1)})
            with self.assertRaises(ExpiredLotError) as context:
                Issue.do([issue])
            self.assertIn('E-1', context.exception.message)
            self.assertEqual(Issue(issue.id).state, 'draft')
            self.assertEqual(moves_to('customer', self.pcm), [])
            proposed = issue_draft(self.stores['q-bhu'],
                [(self.pcm, None, 5)], self.company)
            Issue.propose_lots([proposed])
            self.assertEqual([l.lot.number for l in Issue(proposed.id).lines],
                ['L-1'], msg="FEFO skips the expired lot")

    @with_transaction()
    def test_issue_never_negative(self):
        Issue = Pool().get('bhmis.stock.issue')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            self.stock_facility()
            issue = issue_draft(self.stores['q-bhu'],
                [(self.pcm, self.late, 30), (self.pcm, self.late, 21)],
                self.company)
            with self.assertRaises(InsufficientStockError):
                Issue.do([issue])
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm,
                    self.late), 50, msg="nothing issued")
            self.assertEqual(moves_to('customer', self.pcm), [])
            without_lot = issue_draft(self.stores['q-bhu'],
                [(self.pcm, None, 1)], self.company)
            with self.assertRaises(StockLotError):
                Issue.do([without_lot])

    @with_transaction()
    def test_issue_scoped_to_facility(self):
        Issue = Pool().get('bhmis.stock.issue')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            self.stock_facility()
            issue = issue_draft(self.stores['q-bhu'],
                [(self.pcm, self.late, 3)], self.company)
            other = create_user('bhu2', 'group_store_keeper',
                facilities=[self.facilities['q-bhu2']])
            own = create_user('bhu1', 'group_store_keeper',
                facilities=[self.facilities['q-bhu']])
            dho = create_user('dho', 'group_dho',
                districts=[self.facilities['q-bhu'].district])
            with as_user(other):
                self.assertEqual(Issue.search([]), [])
                with self.assertRaises(AccessError):
                    Issue.do([Issue(issue.id)])
            with as_user(dho):
                self.assertEqual(Issue.search([]), [issue])
            with as_user(own):
                self.assertEqual(Issue.search([]), [issue])
                Issue.do([Issue(issue.id)])
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm,
                    self.late), 47)

    # -- adjustments -----------------------------------------------------
    def adjustment(self, store, reason, lines):
        Adjustment = Pool().get('bhmis.stock.adjustment')
        adjustment, = Adjustment.create([{
                    'store': store.id, 'company': self.company.id,
                    'date': self.today, 'reason': reason,
                    'lines': [('create', [{
                                    'product': p.id, 'lot': l.id,
                                    'quantity': q}
                                for p, l, q in lines])],
                    }])
        return adjustment

    @with_transaction()
    def test_adjustment_within_threshold_posted(self):
        Adjustment = Pool().get('bhmis.stock.adjustment')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            adjustment = self.adjustment(self.stores['q-store'], 'damaged',
                [(self.pcm, self.late, -10)])
            self.assertEqual(adjustment.value, Decimal('-20.00'))
            other = create_user('bhu', 'group_store_keeper',
                facilities=[self.facilities['q-bhu2']])
            with as_user(other):
                self.assertEqual(Adjustment.search([]), [],
                    msg="a keeper of another facility sees nothing")
                with self.assertRaises(AccessError):
                    Adjustment.post([Adjustment(adjustment.id)])
            self.assertEqual(Adjustment(adjustment.id).state, 'draft')
            Adjustment.post([adjustment])
            self.assertEqual(adjustment.state, 'done')
            self.assertEqual(quantity(self.stores['q-store'], self.pcm,
                    self.late), 190)
            loss, = moves_to('lost_found', self.pcm)
            self.assertEqual(loss.bhmis_reason, 'damaged')

    @with_transaction()
    def test_adjustment_above_threshold_needs_approval(self):
        pool = Pool()
        Adjustment = pool.get('bhmis.stock.adjustment')
        Configuration = pool.get('bhmis.inventory.configuration')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            Configuration.write([Configuration(1)],
                {'adjustment_approval_value': Decimal(100)})
            keeper = create_user('ds.quetta', 'group_store_keeper',
                facilities=[self.facilities['q-store']])
            approver = create_user('dsk.quetta', None,
                districts=[self.facilities['q-store'].district])
            pool.get('res.user').write([approver], {'groups': [('add', [
                                pool.get('ir.model.data').get_id(
                                    'bhmis_inventory',
                                    'group_district_store_keeper')])]})
            adjustment = self.adjustment(self.stores['q-store'],
                'lost_stolen', [(self.pcm, self.late, -60)])
            with as_user(keeper):
                Adjustment.post([Adjustment(adjustment.id)])
                self.assertEqual(Adjustment(adjustment.id).state, 'waiting')
                with self.assertRaises(AccessButtonError):
                    Adjustment.approve([Adjustment(adjustment.id)])
            self.assertEqual(quantity(self.stores['q-store'], self.pcm,
                    self.late), 200, msg="not posted until approved")
            with as_user(approver):
                Adjustment.approve([Adjustment(adjustment.id)])
            adjustment = Adjustment(adjustment.id)
            self.assertEqual((adjustment.state, adjustment.approved_by),
                ('done', approver))
            self.assertEqual(quantity(self.stores['q-store'], self.pcm,
                    self.late), 140)
            loss, = moves_to('lost_found', self.pcm)
            self.assertEqual(loss.bhmis_reason, 'lost_stolen')

    @with_transaction()
    def test_adjustment_gain_and_negative(self):
        Adjustment = Pool().get('bhmis.stock.adjustment')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            gain = self.adjustment(self.stores['q-store'],
                'count_difference', [(self.pcm, self.late, 5)])
            Adjustment.post([gain])
            self.assertEqual(quantity(self.stores['q-store'], self.pcm,
                    self.late), 205)
            too_much = self.adjustment(self.stores['q-store'], 'expired',
                [(self.pcm, self.early, -101)])
            with self.assertRaises(InsufficientStockError):
                Adjustment.post([too_much])
            self.assertEqual(Adjustment(too_much.id).state, 'draft')

    # -- counts ----------------------------------------------------------
    @with_transaction()
    def test_count_posts_differences_as_adjustment(self):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Adjustment = pool.get('bhmis.stock.adjustment')
        self.company = self._company()
        with set_company(self.company):
            self.stock_up()
            store = self.stores['q-store']
            inventory, = Inventory.create([{
                        'location': store.storage_location.id,
                        'company': self.company.id,
                        'date': self.today,
                        }])
            Inventory.complete_lines([inventory])
            inventory = Inventory(inventory.id)
            for line in inventory.lines:
                line.quantity = (97 if line.lot == self.early
                    else line.expected_quantity)
                line.save()
            Inventory.confirm([inventory])
            self.assertEqual(quantity(store, self.pcm, self.early), 97)
            adjustment, = Adjustment.search([
                    ('inventory', '=', inventory.id)])
            self.assertEqual((adjustment.state, adjustment.reason,
                    [(l.lot, l.quantity) for l in adjustment.lines]),
                ('done', 'count_difference', [(self.early, -3)]))
            loss, = moves_to('lost_found', self.pcm)
            self.assertEqual(loss.bhmis_reason, 'count_difference')

    # -- demo ------------------------------------------------------------
    @with_transaction()
    def test_demo_moves(self):
        "Three months of moves, consistent and loaded once"
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Issue = pool.get('bhmis.stock.issue')
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        Date = pool.get('ir.date')
        self.company = self._company()
        with set_company(self.company):
            setup_province()
            demo.load('small', random.Random(1))
            dispatches = Shipment.search_count([])
            self.assertEqual(Shipment.search_count(
                    [('bhmis_overdue', '=', True)]), 2,
                msg="the last dispatch of each district store")
            self.assertEqual(Shipment.search_count(
                    [('bhmis_short', '=', True)]), 1)
            self.assertEqual({i.period_type for i in Issue.search([])},
                {'daily', 'monthly'})
            self.assertEqual({m.bhmis_reason for m in Move.search([
                            ('to_location.type', '=', 'lost_found')])},
                {'transit_loss', 'damaged', 'count_difference'})
            today = Date.today()
            self.assertTrue(all(m.effective_date < today for m in
                    Move.search([('to_location.type', '=', 'customer')])))
            stores = Location.search([('type', '=', 'warehouse'),
                    ('facility', '!=', None)])
            with Transaction().set_context(stock_date_end=today):
                quantities = Product.products_by_location(
                    [s.storage_location.id for s in stores],
                    with_childs=True)
            self.assertFalse([q for q in quantities.values() if q < 0],
                msg="never negative")
            self.assertIn(0, quantities.values(), msg="stock-outs")
            demo.load('small', random.Random(1))
            self.assertEqual(Shipment.search_count([]), dispatches,
                msg="loaded once")

