# SPDX-License-Identifier: GPL-3.0-or-later
"""Regression tests of the authorization holes of issue 12 in
bhmis_inventory, each played by the least-privileged user who could have
used it: the refusal, that nothing was written, and that the allowed path
still works."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from bhmis_base.exceptions import (
    ReadonlyFieldError,
    ScopeError,
    SegregationError,
    UnreadableTargetError,
)
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_inventory.exceptions import (
    EquipmentTransferError,
    StoreScopeError,
)
from bhmis_inventory.tests.flow_tools import (
    dispatch_draft,
    issue_draft,
    lot,
    medicine,
    quantity,
    receive,
    setup_province,
)
from bhmis_inventory.tests.test_equipment import create_equipment

RECEIVED = dt.date(2026, 10, 1)
ISSUED = dt.date(2026, 11, 16)
EXPIRY = dt.date(2028, 12, 31)
MONTH = dt.date(2026, 11, 1)


class AuthorizationTestCase(DBTestCase):
    "Test the refusals of issue 12 in bhmis_inventory"

    module = 'bhmis_inventory'

    # -- equipment -------------------------------------------------------
    def setup_facilities(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        return {
            'q-dhq': create_facility('Q-DHQ', quetta, type='dhq'),
            'q-bhu': create_facility('Q-BHU', quetta),
            'p-dhq': create_facility('P-DHQ', pishin, type='dhq'),
            }

    def draft_transfer(self, item, to):
        "A draft transfer prepared by the administrator"
        Transfer = Pool().get('bhmis.equipment.transfer')
        transfer, = Transfer.create([{'equipment': item.id,
                    'to_facility': to.id, 'date': dt.date(2026, 11, 16),
                    'reason': "Needed there"}])
        return transfer

    @with_transaction()
    def test_keeper_cannot_transfer_other_district_equipment(self):
        """Issue 12 (a): a Quetta store keeper neither files a transfer of
        a Pishin machine nor does one filed by someone else"""
        pool = Pool()
        Transfer = pool.get('bhmis.equipment.transfer')
        Equipment = pool.get('bhmis.equipment')
        facilities = self.setup_facilities()
        theirs = create_equipment('P-1', facilities['p-dhq'])
        own = create_equipment('Q-1', facilities['q-dhq'])
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-dhq'], facilities['q-bhu']])
        filed = self.draft_transfer(theirs, facilities['q-dhq'])
        with as_user(keeper):
            with self.assertRaises(UnreadableTargetError):
                Transfer.create([{'equipment': theirs.id,
                            'to_facility': facilities['q-bhu'].id,
                            'date': dt.date(2026, 11, 16)}])
            self.assertEqual(Transfer.search([]), [filed],
                msg="seen from the receiving facility only")
            with self.assertRaises(ScopeError):
                Transfer.send([Transfer(filed.id)])
        self.assertEqual(Transfer.search([]), [filed],
            msg="nothing created")
        filed = Transfer(filed.id)
        self.assertEqual((filed.state, filed.from_facility),
            ('draft', None))
        self.assertEqual(Equipment(theirs.id).facility, facilities['p-dhq'],
            msg="the machine did not move")

        # The keeper sends their own machine between their facilities, and
        # the in-charge of the receiving one confirms its receipt
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[facilities['q-bhu']])
        with as_user(keeper):
            transfer, = Transfer.create([{'equipment': own.id,
                        'to_facility': facilities['q-bhu'].id,
                        'date': dt.date(2026, 11, 16)}])
            Transfer.send([transfer])
        with as_user(incharge):
            Transfer.do([Transfer(transfer.id)])
        transfer = Transfer(transfer.id)
        self.assertEqual((transfer.state, transfer.from_facility),
            ('done', facilities['q-dhq']))
        self.assertEqual(Equipment(own.id).facility, facilities['q-bhu'])

    @with_transaction()
    def test_incharge_cannot_pull_dhq_equipment(self):
        """Issue 12 (b): a facility in-charge cannot transfer the DHQ's
        equipment of the same district into their own facility"""
        pool = Pool()
        Transfer = pool.get('bhmis.equipment.transfer')
        Equipment = pool.get('bhmis.equipment')
        facilities = self.setup_facilities()
        dhq_item = create_equipment('Q-DHQ-1', facilities['q-dhq'])
        incharge = create_user('incharge', 'group_facility_incharge',
            facilities=[facilities['q-bhu']])
        filed = self.draft_transfer(dhq_item, facilities['q-bhu'])
        with as_user(incharge):
            with self.assertRaises(UnreadableTargetError):
                Transfer.create([{'equipment': dhq_item.id,
                            'to_facility': facilities['q-bhu'].id,
                            'date': dt.date(2026, 11, 16)}])
            with self.assertRaises(AccessError):
                Transfer.write([Transfer(filed.id)],
                    {'reason': "We need it more"})
            with self.assertRaises(ScopeError):
                Transfer.send([Transfer(filed.id)])
        self.assertEqual(Transfer.search([]), [filed],
            msg="nothing created")
        filed = Transfer(filed.id)
        self.assertEqual((filed.state, filed.reason),
            ('draft', "Needed there"))
        self.assertEqual(Equipment(dhq_item.id).facility,
            facilities['q-dhq'], msg="the machine stayed at the DHQ")

    @with_transaction()
    def test_sender_does_not_confirm_receipt(self):
        """Issue 12 (9), equipment: whoever sends an item does not confirm
        its receipt, nor does anyone without the receiving facility; the
        item stays where it was until the receiving facility confirms"""
        pool = Pool()
        Transfer = pool.get('bhmis.equipment.transfer')
        Equipment = pool.get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('Q-1', facilities['q-dhq'])
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-dhq'], facilities['q-bhu']])
        sender_side = create_user('dhq', 'group_store_keeper',
            facilities=[facilities['q-dhq']])
        receiver = create_user('incharge', 'group_facility_incharge',
            facilities=[facilities['q-bhu']])
        with as_user(keeper):
            transfer, = Transfer.create([{'equipment': item.id,
                        'to_facility': facilities['q-bhu'].id,
                        'date': dt.date(2026, 11, 16)}])
            Transfer.send([transfer])
            with self.assertRaises(SegregationError):
                Transfer.do([Transfer(transfer.id)])
            # Sent and not received, it cannot be sent a second time
            second, = Transfer.create([{'equipment': item.id,
                        'to_facility': facilities['q-bhu'].id,
                        'date': dt.date(2026, 11, 17)}])
            with self.assertRaises(EquipmentTransferError):
                Transfer.send([second])
        with as_user(sender_side):
            with self.assertRaises(ScopeError):
                Transfer.do([Transfer(transfer.id)])
        transfer = Transfer(transfer.id)
        self.assertEqual((transfer.state, transfer.sent_by,
                transfer.received_by, Equipment(item.id).facility),
            ('sent', keeper, None, facilities['q-dhq']),
            msg="still in transit at the sending facility")
        self.assertEqual(Transfer(second.id).state, 'draft')

        with as_user(receiver):
            Transfer.do([Transfer(transfer.id)])
        transfer = Transfer(transfer.id)
        self.assertEqual((transfer.state, transfer.received_by,
                Equipment(item.id).facility),
            ('done', receiver, facilities['q-bhu']))

    @with_transaction()
    def test_equipment_status_not_written_directly(self):
        """Issue 12 (d): a store keeper cannot bring condemned equipment
        back by writing its status"""
        Equipment = Pool().get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('Q-1', facilities['q-dhq'])
        Equipment.condemn([item])
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-dhq']])
        with as_user(keeper):
            with self.assertRaises(ReadonlyFieldError):
                Equipment.write([Equipment(item.id)],
                    {'status': 'functional'})
            with self.assertRaises(ReadonlyFieldError):
                Equipment.create([{'asset_tag': 'Q-2',
                            'facility': facilities['q-dhq'].id,
                            'category': item.category.id,
                            'status': 'condemned'}])
            Equipment.write([Equipment(item.id)], {'department': "Store"})
        item = Equipment(item.id)
        self.assertEqual((item.status, item.department),
            ('condemned', "Store"))
        self.assertEqual(
            [(c.previous_status, c.status) for c in item.status_changes],
            [('functional', 'condemned'), (None, 'functional')],
            msg="no status change recorded")
        self.assertEqual(Equipment.search([('asset_tag', '=', 'Q-2')]), [])

    # -- stock -----------------------------------------------------------
    def stock_up(self):
        """A province whose Quetta district store received paracetamol on
        1 October 2026"""
        self.facilities = setup_province()
        self.stores = {k: f.store for k, f in self.facilities.items()}
        self.pcm = medicine()
        self.lot = lot(self.pcm, 'L-1', EXPIRY)
        receive(self.stores['q-store'], [(self.pcm, self.lot, 300)],
            self.company, date=RECEIVED)
        receive(self.stores['p-store'], [(self.pcm, self.lot, 40)],
            self.company, date=RECEIVED)

    def keeper(self, login, *keys):
        return create_user(login, 'group_store_keeper',
            facilities=[self.facilities[k] for k in keys])

    def adjustment(self, store, lines, reason='damaged'):
        Adjustment = Pool().get('bhmis.stock.adjustment')
        adjustment, = Adjustment.create([{
                    'store': store.id, 'company': self.company.id,
                    'date': ISSUED, 'reason': reason,
                    'lines': [('create', [{
                                    'product': p.id, 'lot': l.id,
                                    'quantity': q}
                                for p, l, q in lines])],
                    }])
        return adjustment

    @with_transaction()
    def test_dispatcher_cannot_confirm_delivery(self):
        """Issue 12 (c): the keeper who dispatched cannot confirm the
        delivery, even holding the receiving store too; a keeper of the
        receiving facility can"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Confirmation = pool.get('bhmis.dispatch.confirmation')
        self.company = create_company()
        with set_company(self.company):
            self.stock_up()
            both = self.keeper('both', 'q-store', 'q-bhu')
            sender = self.keeper('sender', 'q-store')
            receiver = self.keeper('receiver', 'q-bhu')
            shipment = dispatch_draft(self.stores['q-store'],
                self.stores['q-bhu'], [(self.pcm, None, 120)], self.company)
            with as_user(both):
                Shipment.bhmis_dispatch([Shipment(shipment.id)])
            shipment = Shipment(shipment.id)
            self.assertEqual((shipment.state, shipment.bhmis_dispatched_by),
                ('shipped', both))
            with as_user(both):
                with self.assertRaises(SegregationError):
                    Shipment.bhmis_confirm([Shipment(shipment.id)])
                with self.assertRaises(ReadonlyFieldError):
                    Shipment.write([Shipment(shipment.id)],
                        {'bhmis_dispatched_by': receiver.id})
            with as_user(sender):
                with self.assertRaises(ScopeError):
                    Shipment.bhmis_confirm([Shipment(shipment.id)])
            shipment = Shipment(shipment.id)
            self.assertEqual((shipment.state, shipment.bhmis_dispatched_by),
                ('shipped', both), msg="nothing received")
            self.assertEqual(Confirmation.search([]), [])
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 0)

            with as_user(receiver):
                Shipment.bhmis_confirm([Shipment(shipment.id)])
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.state, 'done')
            confirmation, = shipment.bhmis_confirmations
            self.assertEqual(confirmation.create_uid, receiver)
            self.assertEqual(quantity(self.stores['q-bhu'], self.pcm), 120)

    @with_transaction()
    def test_requisition_state_not_written_directly(self):
        """Issue 12 (d): a store keeper cannot approve their requisition
        by writing its state"""
        Requisition = Pool().get('bhmis.inventory.requisition')
        self.company = create_company()
        with set_company(self.company):
            self.facilities = setup_province()
            store = self.facilities['q-bhu'].store
            keeper = self.keeper('keeper', 'q-bhu')
            with as_user(keeper):
                with self.assertRaises(ReadonlyFieldError):
                    Requisition.create([{'store': store.id, 'month': MONTH,
                                'state': 'approved'}])
                requisition, = Requisition.create([{
                            'store': store.id, 'month': MONTH}])
                for values in [{'state': 'approved'},
                        {'approved_by': keeper.id},
                        {'supplier_facility': self.facilities['q-bhu'].id}]:
                    with self.subTest(values=values), \
                            self.assertRaises(ReadonlyFieldError):
                        Requisition.write([Requisition(requisition.id)],
                            values)
            requisition = Requisition(requisition.id)
            self.assertEqual((requisition.state, requisition.approved_by,
                    requisition.facility, requisition.supplier_facility,
                    requisition.shipment),
                ('draft', None, self.facilities['q-bhu'],
                    self.facilities['q-store'], None))
            self.assertEqual(Requisition.search([]), [requisition],
                msg="the refused creation left nothing")

    @with_transaction()
    def test_adjustment_state_not_written_directly(self):
        """Issue 12 (d): a store keeper cannot post or approve an
        adjustment by writing its state; the button still posts it"""
        Adjustment = Pool().get('bhmis.stock.adjustment')
        self.company = create_company()
        with set_company(self.company):
            self.stock_up()
            keeper = self.keeper('keeper', 'q-store')
            adjustment = self.adjustment(self.stores['q-store'],
                [(self.pcm, self.lot, -10)])
            with as_user(keeper):
                for values in [{'state': 'done'}, {'state': 'waiting'},
                        {'approved_by': keeper.id}]:
                    with self.subTest(values=values), \
                            self.assertRaises(ReadonlyFieldError):
                        Adjustment.write([Adjustment(adjustment.id)],
                            values)
            adjustment = Adjustment(adjustment.id)
            self.assertEqual((adjustment.state, adjustment.approved_by),
                ('draft', None))
            self.assertEqual(quantity(self.stores['q-store'], self.pcm),
                300, msg="nothing posted")
            with as_user(keeper):
                Adjustment.post([Adjustment(adjustment.id)])
            self.assertEqual(Adjustment(adjustment.id).state, 'done')
            self.assertEqual(quantity(self.stores['q-store'], self.pcm),
                290)

    @with_transaction()
    def test_lines_of_other_district_unreadable(self):
        """Issue 12 (e): the issue, adjustment and proof-of-delivery lines
        of another district are neither found nor read"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        IssueLine = pool.get('bhmis.stock.issue.line')
        AdjustmentLine = pool.get('bhmis.stock.adjustment.line')
        ConfirmationLine = pool.get('bhmis.dispatch.confirmation.line')
        self.company = create_company()
        with set_company(self.company):
            self.stock_up()
            shipment = dispatch_draft(self.stores['q-store'],
                self.stores['q-bhu'], [(self.pcm, None, 50)], self.company)
            Shipment.bhmis_dispatch([shipment])
            Shipment.bhmis_confirm([shipment])
            issue = issue_draft(self.stores['q-bhu'],
                [(self.pcm, self.lot, 5)], self.company, date=ISSUED)
            adjustment = self.adjustment(self.stores['q-store'],
                [(self.pcm, self.lot, -3)])
            confirmation, = Shipment(shipment.id).bhmis_confirmations
            lines = {
                IssueLine: [l.id for l in issue.lines],
                AdjustmentLine: [l.id for l in adjustment.lines],
                ConfirmationLine: [l.id for l in confirmation.lines],
                }
            pishin = self.keeper('pishin', 'p-store', 'p-bhu')
            with as_user(pishin):
                for Line, ids in lines.items():
                    with self.subTest(model=Line.__name__):
                        self.assertEqual(Line.search([]), [])
                        self.assertEqual(Line.search_count([]), 0)
                        with self.assertRaises(AccessError):
                            Line.read(ids, ['product'])
            for Line, keys in [(IssueLine, ['q-bhu']),
                    (AdjustmentLine, ['q-store']),
                    (ConfirmationLine, ['q-bhu']),
                    (ConfirmationLine, ['q-store'])]:
                own = self.keeper('own-%s-%s' % (Line.__name__, keys[0]),
                    *keys)
                with self.subTest(model=Line.__name__, keys=keys), \
                        as_user(own):
                    ids = lines[Line]
                    self.assertEqual([l.id for l in Line.search([])], ids)
                    self.assertEqual(len(Line.read(ids, ['product'])),
                        len(ids))

    @with_transaction()
    def test_quantity_of_other_district_store_refused(self):
        """Issue 12 (f): a store keeper cannot learn another district's
        stock through the locations of the context"""
        pool = Pool()
        Product = pool.get('product.product')
        self.company = create_company()
        with set_company(self.company):
            self.stock_up()
            keeper = self.keeper('keeper', 'q-store')
            own = self.stores['q-store'].storage_location.id
            theirs = self.stores['p-store'].storage_location.id
            for locations in [[theirs], [own, theirs]]:
                context = {'locations': locations,
                    'stock_date_end': ISSUED}
                with self.subTest(locations=locations), as_user(keeper), \
                        Transaction().set_context(context):
                    with self.assertRaises(StoreScopeError):
                        Product.search_read([('id', '=', self.pcm.id)],
                            fields_names=['quantity'])
                    with self.assertRaises(StoreScopeError):
                        Product.read([self.pcm.id], ['quantity'])
                    with self.assertRaises(StoreScopeError):
                        Product.search([('quantity', '>', 0)])
            with as_user(keeper), Transaction().set_context(
                    locations=[own], stock_date_end=ISSUED):
                row, = Product.search_read([('id', '=', self.pcm.id)],
                    fields_names=['quantity'])
                self.assertEqual(row['quantity'], 300)
                self.assertEqual(Product.read([self.pcm.id],
                        ['quantity'])[0]['quantity'], 300)
                self.assertEqual(Product.search([('quantity', '>', 0)]),
                    [self.pcm])

    @with_transaction()
    def test_quantities_by_warehouse_of_other_district_refused(self):
        """Issue 12 (f): nor through Tryton's Quantities by Warehouse (and
        their moves) with another district's warehouse in the context,
        should a store keeper be given Tryton's Stock group as well"""
        pool = Pool()
        Quantities = pool.get('stock.product_quantities_warehouse')
        QuantityMoves = pool.get('stock.product_quantities_warehouse.move')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        self.company = create_company()
        with set_company(self.company):
            self.stock_up()
            keeper = self.keeper('keeper', 'q-store')
            User.write([keeper], {'groups': [('add',
                            [ModelData.get_id('stock', 'group_stock')])]})
            for Model in [Quantities, QuantityMoves]:
                with self.subTest(model=Model.__name__), as_user(keeper):
                    with Transaction().set_context(
                            warehouse=self.stores['p-store'].id,
                            product=self.pcm.id):
                        with self.assertRaises(StoreScopeError):
                            Model.search_read([], fields_names=['date'])
                    with Transaction().set_context(
                            warehouse=self.stores['q-store'].id,
                            product=self.pcm.id):
                        self.assertTrue(Model.search_read([],
                                fields_names=['date']))
