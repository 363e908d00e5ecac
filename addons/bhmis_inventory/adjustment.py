# SPDX-License-Identifier: GPL-3.0-or-later
"""Adjustments of a store's stock with a reason code: expired, damaged,
lost or stolen, count difference. A line takes stock out (negative
quantity) to the lost-and-found location or brings found stock back
(positive). An adjustment worth more than the configured value waits for
the approval of a district store keeper before it is posted. The history
of adjustments and their lines is kept for audit."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from .exceptions import ExpiredLotError, StockLotError
from .issue import STORE_DOMAIN, default_store
from .stock_check import check_store_scope, reserve

REASONS = [
    ('expired', "Expired"),
    ('damaged', "Damaged"),
    ('lost_stolen', "Lost or Stolen"),
    ('count_difference', "Count Difference"),
    ]


def lost_found_location():
    pool = Pool()
    Location = pool.get('stock.location')
    ModelData = pool.get('ir.model.data')
    return Location(ModelData.get_id('stock', 'location_lost_found'))


def needs_approval(value, threshold):
    "An adjustment above the threshold (in absolute value) waits"
    return abs(value) > threshold


class Adjustment(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.stock.adjustment'
    __string__ = "Stock Adjustment"
    _history = True
    _scope_facility = 'store.facility'
    _states = {'readonly': Eval('state') != 'draft'}

    store = fields.Many2One('stock.location', "Store", required=True,
        domain=STORE_DOMAIN, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Selection(REASONS, "Reason", required=True,
        states=_states)
    description = fields.Char("Description", states=_states)
    lines = fields.One2Many('bhmis.stock.adjustment.line', 'adjustment',
        "Lines", states=_states)
    value = fields.Function(fields.Numeric("Value", digits=(16, 2),
            help="The sum of quantity × cost price of the lines, losses "
            "and gains together."), 'get_value')
    inventory = fields.Many2One('stock.inventory', "Count", readonly=True,
        help="The physical count whose differences this records.")
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting Approval"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('draft', 'done'),
            ('waiting', 'done'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'waiting',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'waiting']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_store(cls):
        return default_store()

    def get_value(self, name):
        return sum((l.value or Decimal(0) for l in self.lines), Decimal(0))

    def get_rec_name(self, name):
        return '%s %s' % (self.store.rec_name if self.store else '',
            self.date or '')

    @classmethod
    @ModelView.button
    def post(cls, adjustments):
        "Post those within the threshold; the others wait for approval"
        pool = Pool()
        Configuration = pool.get('bhmis.inventory.configuration')
        threshold = Configuration(1).adjustment_approval_value
        to_wait, to_do = [], []
        for adjustment in adjustments:
            check_store_scope(adjustment.store)
            for line in adjustment.lines:
                line.check_lot()
            if needs_approval(adjustment.value, threshold):
                to_wait.append(adjustment)
            else:
                to_do.append(adjustment)
        cls.wait(to_wait)
        cls.do(to_do)

    @classmethod
    @Workflow.transition('waiting')
    def wait(cls, adjustments):
        pass

    @classmethod
    @ModelView.button
    def approve(cls, adjustments):
        for adjustment in adjustments:
            check_store_scope(adjustment.store)
        cls.write(adjustments, {'approved_by': Transaction().user or None})
        cls.do(adjustments)

    @classmethod
    @Workflow.transition('done')
    def do(cls, adjustments):
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('bhmis.stock.adjustment.line')
        lost_found = lost_found_location()
        moves, lines = [], []
        for adjustment in adjustments:
            storage = adjustment.store.storage_location
            requests = {}
            for line in adjustment.lines:
                if line.quantity < 0:
                    key = (line.product, line.lot)
                    requests[key] = requests.get(key, 0) - line.quantity
            reserve(storage, requests, date=adjustment.date)
            for line in adjustment.lines:
                line.move = line.get_move(storage, lost_found)
                moves.append(line.move)
                lines.append(line)
        Move.save(moves)
        Line.save(lines)
        Move.do(moves)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, adjustments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, adjustments):
        pass

    @classmethod
    def check_modification(cls, mode, adjustments, values=None,
            external=False):
        super().check_modification(mode, adjustments, values=values,
            external=external)
        if mode == 'delete':
            for adjustment in adjustments:
                if adjustment.state in {'waiting', 'done'}:
                    raise StockLotError(gettext(
                            'bhmis_inventory.msg_adjustment_delete',
                            adjustment=adjustment.rec_name))


class AdjustmentLine(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.stock.adjustment.line'
    _scope_facility = 'adjustment.store.facility'
    __string__ = "Stock Adjustment Line"
    _history = True
    _states = {'readonly': Eval('adjustment_state') != 'draft'}

    adjustment = fields.Many2One('bhmis.stock.adjustment', "Adjustment",
        required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Medicine", required=True,
        domain=[('type', '=', 'goods')], states=_states)
    lot = fields.Many2One('stock.lot', "Lot", required=True,
        domain=[('product', '=', Eval('product', -1))], states=_states)
    quantity = fields.Float("Quantity", required=True, digits='unit',
        domain=[('quantity', '!=', 0)], states=_states,
        help="Negative for stock that left the store (expired, damaged, "
        "lost), positive for stock found.")
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    cost_price = fields.Function(fields.Numeric("Cost Price",
            digits=(16, 4)), 'on_change_with_cost_price')
    value = fields.Function(fields.Numeric("Value", digits=(16, 2)),
        'on_change_with_value')
    move = fields.Many2One('stock.move', "Move", readonly=True)
    adjustment_state = fields.Function(fields.Selection(
            'get_adjustment_states', "Adjustment State"),
        'on_change_with_adjustment_state')

    @classmethod
    def get_adjustment_states(cls):
        return Pool().get('bhmis.stock.adjustment').fields_get(
            ['state'])['state']['selection']

    @fields.depends('adjustment', '_parent_adjustment.state')
    def on_change_with_adjustment_state(self, name=None):
        return self.adjustment.state if self.adjustment else 'draft'

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('product')
    def on_change_with_cost_price(self, name=None):
        if self.product:
            return self.product.cost_price or Decimal(0)

    @fields.depends('product', 'quantity',
        methods=['on_change_with_cost_price'])
    def on_change_with_value(self, name=None):
        cost_price = self.on_change_with_cost_price()
        if cost_price is not None and self.quantity is not None:
            return (cost_price * Decimal(str(self.quantity))).quantize(
                Decimal('0.01'))

    def check_lot(self):
        "Found stock may not come back as an already expired lot"
        expiry = self.lot.expiration_date
        if (self.quantity > 0 and expiry
                and expiry < self.adjustment.date):
            raise ExpiredLotError(gettext('bhmis_inventory.msg_lot_expired',
                    product=self.product.rec_name, lot=self.lot.rec_name,
                    expiry=expiry))

    def get_move(self, storage, lost_found):
        pool = Pool()
        Move = pool.get('stock.move')
        adjustment = self.adjustment
        from_location, to_location = storage, lost_found
        if self.quantity > 0:
            from_location, to_location = lost_found, storage
        return Move(
            product=self.product, lot=self.lot,
            unit=self.product.default_uom, quantity=abs(self.quantity),
            from_location=from_location, to_location=to_location,
            planned_date=adjustment.date, effective_date=adjustment.date,
            company=adjustment.company, bhmis_reason=adjustment.reason,
            origin=self)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['bhmis.stock.adjustment.line']
