# SPDX-License-Identifier: GPL-3.0-or-later
"""Issues and consumption at a facility: what left the store for patients
and wards, entered each day or once a month. Done, each line is a move from
the store to the customer location, with its lot; first-expiry-first-out is
proposed, expired lots are refused and stock never goes below zero."""
import datetime
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin

from .exceptions import ExpiredLotError, StockLotError
from .stock_check import check_store_scope, lot_quantities, reserve

PERIOD_TYPES = [
    ('daily', "Daily"),
    ('monthly', "Monthly"),
    ]
STORE_DOMAIN = [
    ('type', '=', 'warehouse'),
    ('facility', '!=', None),
    ]


def fefo(lots, quantity, today):
    """Split quantity over lots [(lot id, expiry date, available)] by
    earliest expiry, skipping expired and empty lots; return
    ([(lot id, quantity)], quantity left)"""
    picked = []
    for lot_id, expiry, available in sorted(lots,
            key=lambda l: (l[1] or datetime.date.max, l[0])):
        if quantity <= 0:
            break
        if available <= 0 or (expiry and expiry < today):
            continue
        take = min(available, quantity)
        picked.append((lot_id, take))
        quantity -= take
    return picked, quantity


def default_store():
    "The store of the user's only facility, if they have just one"
    pool = Pool()
    User = pool.get('res.user')
    user = User(Transaction().user)
    facilities = getattr(user, 'bhmis_facilities', None) or []
    if len(facilities) == 1 and facilities[0].store:
        return facilities[0].store.id


class Issue(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.stock.issue'
    __string__ = "Stock Issue"
    _scope_facility = 'store.facility'
    _states = {'readonly': Eval('state') != 'draft'}

    store = fields.Many2One('stock.location', "Store", required=True,
        domain=STORE_DOMAIN, states=_states,
        help="The facility's store the medicines were issued from.")
    date = fields.Date("Date", required=True, states=_states,
        help="The day of a daily entry, the last day of the month of a "
        "monthly one.")
    period_type = fields.Selection(PERIOD_TYPES, "Period", required=True,
        states=_states)
    lines = fields.One2Many('bhmis.stock.issue.line', 'issue', "Lines",
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'propose_lots': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
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
    def default_period_type(cls):
        return 'daily'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_store(cls):
        return default_store()

    def get_rec_name(self, name):
        return '%s %s' % (self.store.rec_name if self.store else '',
            self.date or '')

    @classmethod
    @ModelView.button
    def propose_lots(cls, issues):
        "Give each line without a lot the lots that expire first"
        pool = Pool()
        Line = pool.get('bhmis.stock.issue.line')
        Lot = pool.get('stock.lot')
        to_save, to_delete = [], []
        for issue in issues:
            check_store_scope(issue.store)
            todo = [l for l in issue.lines if not l.lot and l.product]
            if not todo:
                continue
            available = lot_quantities(issue.store.storage_location,
                [l.product.id for l in todo], date=issue.date)
            # What the issue's own lines already take
            for line in issue.lines:
                if line.lot and line.product:
                    key = (line.product.id, line.lot.id)
                    available[key] = available.get(key, 0) - line.quantity
            for line in todo:
                lots = [(lot_id, Lot(lot_id).expiration_date, quantity)
                    for (product_id, lot_id), quantity in available.items()
                    if product_id == line.product.id and lot_id]
                picked, left = fefo(lots, line.quantity, issue.date)
                for lot_id, quantity in picked:
                    available[(line.product.id, lot_id)] -= quantity
                    to_save.append(Line(issue=issue, product=line.product,
                            lot=lot_id, quantity=quantity))
                if left > 0:
                    line.quantity = left
                    to_save.append(line)
                else:
                    to_delete.append(line)
        Line.delete(to_delete)
        Line.save(to_save)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, issues):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        customer = Location(ModelData.get_id('stock', 'location_customer'))
        moves = []
        for issue in issues:
            check_store_scope(issue.store)
            requests = {}
            for line in issue.lines:
                line.check_lot()
                key = (line.product, line.lot)
                requests[key] = requests.get(key, 0) + line.quantity
            reserve(issue.store.storage_location, requests, date=issue.date)
            for line in issue.lines:
                line.move = line.get_move(customer)
                moves.append(line.move)
        Move.save(moves)
        pool.get('bhmis.stock.issue.line').save(
            [l for i in issues for l in i.lines])
        Move.do(moves)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, issues):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, issues):
        pass

    @classmethod
    def check_modification(cls, mode, issues, values=None, external=False):
        super().check_modification(mode, issues, values=values,
            external=external)
        if mode == 'delete':
            for issue in issues:
                if issue.state == 'done':
                    raise StockLotError(gettext(
                            'bhmis_inventory.msg_issue_delete_done',
                            issue=issue.rec_name))


class IssueLine(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.stock.issue.line'
    _scope_facility = 'issue.store.facility'
    __string__ = "Stock Issue Line"
    _states = {'readonly': Eval('issue_state') != 'draft'}

    issue = fields.Many2One('bhmis.stock.issue', "Issue", required=True,
        ondelete='CASCADE')
    product = fields.Many2One('product.product', "Medicine", required=True,
        domain=[('type', '=', 'goods')], states=_states)
    lot = fields.Many2One('stock.lot', "Lot",
        domain=[('product', '=', Eval('product', -1))], states=_states,
        help="Leave empty and use Propose Lots to take the lots that "
        "expire first.")
    expiration_date = fields.Function(fields.Date("Expiry"),
        'on_change_with_expiration_date')
    quantity = fields.Float("Quantity", required=True, digits='unit',
        domain=[('quantity', '>', 0)], states=_states)
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    move = fields.Many2One('stock.move', "Move", readonly=True)
    issue_state = fields.Function(fields.Selection('get_issue_states',
            "Issue State"), 'on_change_with_issue_state')

    @classmethod
    def get_issue_states(cls):
        return Pool().get('bhmis.stock.issue').fields_get(
            ['state'])['state']['selection']

    @fields.depends('issue', '_parent_issue.state')
    def on_change_with_issue_state(self, name=None):
        return self.issue.state if self.issue else 'draft'

    @fields.depends('lot')
    def on_change_with_expiration_date(self, name=None):
        return self.lot.expiration_date if self.lot else None

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('product', 'lot')
    def on_change_product(self):
        if self.lot and self.lot.product != self.product:
            self.lot = None

    def check_lot(self):
        if not self.lot:
            raise StockLotError(gettext('bhmis_inventory.msg_issue_no_lot',
                    product=self.product.rec_name))
        expiry = self.lot.expiration_date
        if expiry and expiry < self.issue.date:
            raise ExpiredLotError(gettext('bhmis_inventory.msg_lot_expired',
                    product=self.product.rec_name, lot=self.lot.rec_name,
                    expiry=expiry))

    def get_move(self, customer):
        pool = Pool()
        Move = pool.get('stock.move')
        issue = self.issue
        company = issue.company
        return Move(
            product=self.product,
            lot=self.lot,
            unit=self.product.default_uom,
            quantity=self.quantity,
            from_location=issue.store.storage_location,
            to_location=customer,
            planned_date=issue.date,
            effective_date=issue.date,
            company=company,
            unit_price=self.product.cost_price or Decimal(0),
            currency=company.currency,
            origin=self,
            )


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['bhmis.stock.issue.line']
