# SPDX-License-Identifier: GPL-3.0-or-later
"""The electronic stock card: every done move in or out of a store, by
medicine and lot, with the running balance (an SQL window sum), as
OpenBoxes and the paper bin card show it."""
from sql import Union, Window
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from bhmis_base.scope import ScopedMixin

from .move import REASONS

KINDS = [
    ('received', "Received"),
    ('dispatched', "Dispatched"),
    ('issued', "Issued"),
    ('loss', "Loss"),
    ('adjustment_in', "Adjustment In"),
    ]


class StockCard(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.stock_card'
    __string__ = "Stock Card"
    _scope_facility = 'facility'

    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True)
    product = fields.Many2One('product.product', "Medicine", readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    date = fields.Date("Date", readonly=True)
    move = fields.Many2One('stock.move', "Move", readonly=True)
    other_location = fields.Many2One('stock.location', "From / To",
        readonly=True,
        help="Where the stock came from or went to.")
    kind = fields.Selection(KINDS, "Kind", readonly=True)
    reason = fields.Selection(REASONS, "Reason", readonly=True)
    quantity_in = fields.Float("In", readonly=True)
    quantity_out = fields.Float("Out", readonly=True)
    balance = fields.Float("Balance", readonly=True,
        help="The stock of the lot in the store after this move.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('facility', 'ASC'), ('product', 'ASC'),
            ('lot', 'ASC'), ('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        from_, to = Location.__table__(), Location.__table__()
        base = (move
            .join(from_, condition=move.from_location == from_.id)
            .join(to, condition=move.to_location == to.id))
        date = Coalesce(move.effective_date, move.planned_date)

        def side(ours, other, sign, kind):
            return base.select(
                # Incoming sides even, outgoing odd: unique ids
                (move.id * 2 + (0 if sign > 0 else 1)).as_('id'),
                ours.facility.as_('facility'), move.product.as_('product'),
                move.lot.as_('lot'), date.as_('date'),
                move.id.as_('move'), other.id.as_('other_location'),
                kind.as_('kind'), move.bhmis_reason.as_('reason'),
                (move.internal_quantity * sign).as_('signed'),
                where=(move.state == 'done') & (ours.facility != None)  # noqa: E711
                & (Coalesce(other.facility, -1) != ours.facility))
        rows = Union(
            side(to, from_, 1, Case(
                    (from_.type == 'lost_found', 'adjustment_in'),
                    else_='received')),
            side(from_, to, -1, Case(
                    (to.type == 'customer', 'issued'),
                    (to.type == 'lost_found', 'loss'),
                    else_='dispatched')),
            all_=True)
        window = Window([rows.facility, rows.product, rows.lot],
            order_by=[rows.date.asc, rows.id.asc])
        return rows.select(
            rows.id, rows.facility, rows.product, rows.lot, rows.date,
            rows.move,
            rows.other_location, rows.kind, rows.reason,
            Case((rows.signed > 0, rows.signed), else_=0).as_('quantity_in'),
            Case((rows.signed < 0, -rows.signed),
                else_=0).as_('quantity_out'),
            Sum(rows.signed, window=window).as_('balance'))
