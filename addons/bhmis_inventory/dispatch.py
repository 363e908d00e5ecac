# SPDX-License-Identifier: GPL-3.0-or-later
"""Dispatch with proof of delivery: a store sends medicines to a store it
supplies on a Tryton internal shipment, through the transit location, and
the receiving store confirms what arrived.

Dispatching is all or nothing: the shipment is sent in full or not at all.
The receiving store's confirmation records, line by line, the quantity that
arrived; a shortage needs a reason and is posted from transit to the
lost-and-found location as a loss in transit. A dispatch not confirmed
within the configured number of days is overdue."""
import datetime

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from .exceptions import (
    DispatchConfirmError,
    DispatchStockError,
    DispatchSupplyError,
    ExpiredLotError,
)
from .issue import fefo
from .stock_check import check_store_scope, lot_quantities, reserve


def user_is_admin():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    if not transaction.user:
        return True
    return ModelData.get_id('bhmis_base', 'group_admin') in set(
        User.get_groups())


class ShipmentInternal(ScopedMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'
    _scope_facility = ('from_location.facility', 'to_location.facility')
    # The sending store dispatches; the receiving store confirms, and never
    # the person who sent it
    _button_scope = dict.fromkeys(
        ['bhmis_dispatch', 'wait', 'assign_try', 'assign_force', 'pack',
            'ship', 'cancel', 'draft'], ('from_location.facility',)) | {
        'bhmis_confirm': ('to_location.facility',),
        'do': ('to_location.facility',),
        }
    _button_segregation = {'bhmis_confirm': ('bhmis_dispatched_by',)}

    bhmis_dispatched_by = fields.Many2One('res.user', "Dispatched By",
        readonly=True)
    bhmis_short_reason = fields.Char("Reason for Shortage",
        states={
            'readonly': Eval('state') != 'shipped',
            'invisible': ~Eval('state').in_(['shipped', 'done']),
            },
        help="Why less arrived than was sent: required when the receiving "
        "store confirms a shortage.")
    bhmis_confirmations = fields.One2Many('bhmis.dispatch.confirmation',
        'shipment', "Proof of Delivery", readonly=True)
    bhmis_short = fields.Function(fields.Boolean("Short"),
        'get_bhmis_short', searcher='search_bhmis_short')
    bhmis_overdue = fields.Function(fields.Boolean("Overdue",
            help="Shipped and not confirmed by the receiving store within "
            "the days set in the inventory configuration."),
        'get_bhmis_overdue', searcher='search_bhmis_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'bhmis_dispatch': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'bhmis_confirm': {
                    'invisible': Eval('state') != 'shipped',
                    'depends': ['state'],
                    },
                })
        # Receiving goes through the confirmation of delivery
        cls._buttons['do']['invisible'] |= Eval('state') == 'shipped'

    @classmethod
    def overdue_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('bhmis.inventory.configuration')
        days = Configuration(1).dispatch_confirm_days
        return Date.today() - datetime.timedelta(days=days)

    def get_bhmis_overdue(self, name):
        return bool(self.state == 'shipped' and self.effective_start_date
            and self.effective_start_date < self.overdue_date())

    @classmethod
    def search_bhmis_overdue(cls, name, clause):
        _, operator, value = clause
        overdue = [
            ('state', '=', 'shipped'),
            ('effective_start_date', '<', cls.overdue_date()),
            ]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR',
            ('state', '!=', 'shipped'),
            ('effective_start_date', '=', None),
            ('effective_start_date', '>=', cls.overdue_date()),
            ]

    def get_bhmis_short(self, name):
        return any(c.short for c in self.bhmis_confirmations)

    @classmethod
    def search_bhmis_short(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('bhmis_confirmations.lines.short_quantity', '>', 0)]
        return [('bhmis_confirmations.lines.short_quantity', 'in', [0, None])]

    @classmethod
    def validate_fields(cls, shipments, field_names):
        super().validate_fields(shipments, field_names)
        if field_names and not (field_names & {
                    'from_location', 'to_location'}):
            return
        for shipment in shipments:
            shipment.check_supply()

    def check_supply(self):
        "A store dispatches only to the stores it supplies"
        from_store = self.from_location.warehouse
        to_store = self.to_location.warehouse
        if (not from_store or not to_store or from_store == to_store
                or not to_store.facility or not from_store.facility):
            return
        if to_store.parent_store == from_store or user_is_admin():
            return
        raise DispatchSupplyError(gettext(
                'bhmis_inventory.msg_dispatch_not_supplied',
                from_store=from_store.rec_name, to_store=to_store.rec_name))

    @classmethod
    @ModelView.button
    def bhmis_dispatch(cls, shipments):
        "Send the shipments in full, or nothing"
        pool = Pool()
        Move = pool.get('stock.move')
        for shipment in shipments:
            check_store_scope(shipment.from_location.warehouse)
            shipment.check_supply()
            if not shipment.moves:
                raise DispatchStockError(gettext(
                        'bhmis_inventory.msg_dispatch_empty',
                        shipment=shipment.rec_name))
        cls.propose_lots(shipments)
        cls.wait(shipments)
        shipments = cls.browse(shipments)
        # The lots named on the lines are locked and checked first
        for shipment in shipments:
            requests = {}
            for move in shipment.outgoing_moves:
                if move.lot:
                    key = (move.product, move.lot)
                    requests[key] = requests.get(key, 0) + move.quantity
            reserve(shipment.from_location, requests)
        cls.assign_try(shipments)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if shipment.state != 'assigned':
                raise DispatchStockError(gettext(
                        'bhmis_inventory.msg_dispatch_not_available',
                        shipment=shipment.rec_name))
            missing = [m for m in shipment.outgoing_moves if not m.lot]
            if missing:
                raise DispatchStockError(gettext(
                        'bhmis_inventory.msg_dispatch_no_lot',
                        shipment=shipment.rec_name,
                        product=missing[0].product.rec_name))
        cls.pack(shipments)
        cls.ship(shipments)
        cls.write(list(shipments), {
                'bhmis_dispatched_by': Transaction().user or None})
        for shipment in cls.browse(shipments):
            Move.write(list(shipment.incoming_moves), {
                    'bhmis_received_quantity': None})

    @classmethod
    def propose_lots(cls, shipments):
        """Give each line without a lot the lots that expire first;
        refuse expired lots and what the store does not hold"""
        pool = Pool()
        Move = pool.get('stock.move')
        Lot = pool.get('stock.lot')
        Date = pool.get('ir.date')
        today = Date.today()
        to_save, to_delete = [], []
        for shipment in shipments:
            moves = list(shipment.moves)
            for move in moves:
                if move.lot:
                    move.check_not_expired(today)
            todo = [m for m in moves if not m.lot]
            if not todo:
                continue
            available = lot_quantities(shipment.from_location,
                [m.product.id for m in todo])
            for move in moves:
                if move.lot:
                    key = (move.product.id, move.lot.id)
                    available[key] = available.get(key, 0) - move.quantity
            for move in todo:
                lots = [(lot_id, Lot(lot_id).expiration_date, quantity)
                    for (product_id, lot_id), quantity in available.items()
                    if product_id == move.product.id and lot_id]
                picked, left = fefo(lots, move.quantity, today)
                if move.unit.round(left) > 0:
                    raise DispatchStockError(gettext(
                            'bhmis_inventory.msg_dispatch_not_available',
                            shipment=shipment.rec_name))
                for lot_id, quantity in picked:
                    available[(move.product.id, lot_id)] -= quantity
                    to_save.append(Move(product=move.product, lot=lot_id,
                            quantity=quantity, unit=move.unit,
                            from_location=move.from_location,
                            to_location=move.to_location,
                            company=move.company, shipment=shipment,
                            planned_date=move.planned_date))
                to_delete.append(move)
        Move.delete(to_delete)
        Move.save(to_save)

    @classmethod
    @ModelView.button
    def bhmis_confirm(cls, shipments):
        """Record the quantities received, post any shortage as a loss in
        transit and receive the rest"""
        pool = Pool()
        Confirmation = pool.get('bhmis.dispatch.confirmation')
        Move = pool.get('stock.move')
        confirmations, losses = [], []
        for shipment in shipments:
            if shipment.state != 'shipped':
                raise DispatchConfirmError(gettext(
                        'bhmis_inventory.msg_dispatch_not_shipped',
                        shipment=shipment.rec_name))
            check_store_scope(shipment.to_location.warehouse)
            confirmation, loss_moves = Confirmation.from_shipment(shipment)
            confirmations.append(confirmation)
            losses.extend(loss_moves)
        Move.save(losses)
        Confirmation.save(confirmations)
        for confirmation in confirmations:
            for line in confirmation.lines:
                if line.loss_move:
                    line.loss_move.origin = line
        Move.save(losses)
        Move.do(losses)
        with Transaction().set_context(_bhmis_confirming=True):
            cls.do(shipments)

    @classmethod
    def do(cls, shipments):
        for shipment in shipments:
            if (shipment.transit_location and shipment.to_location.facility
                    and not Transaction().context.get('_bhmis_confirming')):
                raise DispatchConfirmError(gettext(
                        'bhmis_inventory.msg_dispatch_confirm_required',
                        shipment=shipment.rec_name))
        super().do(shipments)

    @property
    def _check_quantity_source_moves(self):
        moves = list(super()._check_quantity_source_moves)
        for confirmation in self.bhmis_confirmations:
            moves.extend(l.loss_move for l in confirmation.lines
                if l.loss_move)
        return moves

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('bhmis_confirmations')
        default.setdefault('bhmis_short_reason')
        default.setdefault('bhmis_dispatched_by')
        return super().copy(shipments, default=default)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'
    bhmis_received_quantity = fields.Float("Received Quantity",
        digits='unit',
        domain=['OR',
            ('bhmis_received_quantity', '=', None),
            [('bhmis_received_quantity', '>=', 0),
                ('bhmis_received_quantity', '<=', Eval('quantity', 0))],
            ],
        states={
            'readonly': Eval('state').in_(['done', 'cancelled']),
            },
        help="The quantity that arrived, when the receiving store confirms "
        "a dispatch; empty means all of it.")

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['bhmis.dispatch.confirmation.line']

    def check_not_expired(self, date):
        "An expired lot never leaves a store but as an adjustment"
        expiry = self.lot.expiration_date if self.lot else None
        if expiry and expiry < date:
            raise ExpiredLotError(gettext('bhmis_inventory.msg_lot_expired',
                    product=self.product.rec_name, lot=self.lot.rec_name,
                    expiry=expiry))


class Confirmation(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.dispatch.confirmation'
    __string__ = "Proof of Delivery"
    _history = True
    _scope_facility = ('shipment.to_location.facility',
        'shipment.from_location.facility')
    shipment = fields.Many2One('stock.shipment.internal', "Dispatch",
        required=True, readonly=True, ondelete='RESTRICT')
    date = fields.Date("Date", required=True, readonly=True)
    confirmed_by = fields.Many2One('res.user', "Confirmed By",
        readonly=True)
    reason = fields.Char("Reason for Shortage", readonly=True)
    lines = fields.One2Many('bhmis.dispatch.confirmation.line',
        'confirmation', "Lines", readonly=True)
    short = fields.Function(fields.Boolean("Short"), 'get_short')

    def get_short(self, name):
        return any(l.short_quantity for l in self.lines)

    def get_rec_name(self, name):
        return self.shipment.rec_name

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(mode, records, values=values,
            external=external)
        if mode == 'delete':
            raise DispatchConfirmError(gettext(
                    'bhmis_inventory.msg_confirmation_delete'))

    @classmethod
    def from_shipment(cls, shipment):
        """Return the unsaved confirmation of the shipment and the unsaved
        loss moves of its shortages; set the incoming moves to what
        arrived"""
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('bhmis.dispatch.confirmation.line')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        lost_found = Location(ModelData.get_id('stock',
                'location_lost_found'))
        today = Date.today()
        # A confirmation entered late keeps the day the goods arrived
        if shipment.effective_date and shipment.effective_date < today:
            today = shipment.effective_date
        confirmation = cls(shipment=shipment, date=today,
            confirmed_by=Transaction().user or None,
            reason=shipment.bhmis_short_reason)
        lines, losses = [], []
        for move in shipment.incoming_moves:
            received = move.bhmis_received_quantity
            if received is None:
                received = move.quantity
            short = move.unit.round(move.quantity - received)
            line = Line(product=move.product, lot=move.lot, unit=move.unit,
                dispatched_quantity=move.quantity,
                received_quantity=received, short_quantity=short)
            if short > 0:
                if not (shipment.bhmis_short_reason or '').strip():
                    raise DispatchConfirmError(gettext(
                            'bhmis_inventory.msg_dispatch_short_no_reason',
                            shipment=shipment.rec_name,
                            product=move.product.rec_name))
                loss = Move(product=move.product, lot=move.lot,
                    unit=move.unit, quantity=short,
                    from_location=move.from_location, to_location=lost_found,
                    planned_date=today, effective_date=today,
                    company=move.company, bhmis_reason='transit_loss')
                line.loss_move = loss
                losses.append(loss)
                move.quantity = received
                move.bhmis_received_quantity = received
                move.save()
            lines.append(line)
        confirmation.lines = lines
        return confirmation, losses


class ConfirmationLine(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.dispatch.confirmation.line'
    _scope_facility = ('confirmation.shipment.to_location.facility',
        'confirmation.shipment.from_location.facility')
    __string__ = "Proof of Delivery Line"
    _history = True
    confirmation = fields.Many2One('bhmis.dispatch.confirmation',
        "Confirmation", required=True, ondelete='CASCADE', readonly=True)
    product = fields.Many2One('product.product', "Medicine", required=True,
        readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", required=True,
        readonly=True)
    dispatched_quantity = fields.Float("Dispatched", digits='unit',
        required=True, readonly=True)
    received_quantity = fields.Float("Received", digits='unit',
        required=True, readonly=True)
    short_quantity = fields.Float("Short", digits='unit', required=True,
        readonly=True)
    loss_move = fields.Many2One('stock.move', "Loss Move", readonly=True)
