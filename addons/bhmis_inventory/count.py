# SPDX-License-Identifier: GPL-3.0-or-later
"""Physical counts are Tryton inventories of a store, with lots. Confirming
one posts each difference as a move to or from the lost-and-found location
with the reason "count difference", and records them as a done adjustment
beside the others."""
from decimal import Decimal

from trytond.pool import Pool, PoolMeta

from bhmis_base.guard import GuardedMixin
from bhmis_base.scope import ScopedMixin


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    @property
    def lost_found_used(self):
        "A store without its own lost and found uses Tryton's"
        location = super().lost_found_used
        if not location and self.facility:
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            location = self.__class__(
                ModelData.get_id('stock', 'location_lost_found'))
        return location


class Inventory(ScopedMixin, metaclass=PoolMeta):
    __name__ = 'stock.inventory'
    _scope_facility = 'location.facility'

    @classmethod
    def confirm(cls, inventories):
        pool = Pool()
        Adjustment = pool.get('bhmis.stock.adjustment')
        AdjustmentLine = pool.get('bhmis.stock.adjustment.line')
        super().confirm(inventories)
        adjustments = []
        for inventory in inventories:
            store = inventory.location.warehouse
            if not store or not store.facility:
                continue
            lines = []
            for line in inventory.lines:
                for move in line.moves:
                    if move.state != 'done':
                        continue
                    sign = -1 if move.from_location == inventory.location \
                        else 1
                    lines.append(AdjustmentLine(product=move.product,
                            lot=move.lot, quantity=sign * move.quantity,
                            move=move))
            if lines:
                adjustments.append(Adjustment(store=store,
                        date=inventory.date, reason='count_difference',
                        company=inventory.company, inventory=inventory,
                        state='done', lines=lines))
        Adjustment.save(adjustments)


class InventoryLine(GuardedMixin, metaclass=PoolMeta):
    __name__ = 'stock.inventory.line'

    def get_move(self):
        move = super().get_move()
        if move:
            move.bhmis_reason = 'count_difference'
            if move.unit_price_required and move.unit_price is None:
                move.unit_price = Decimal(0)
        return move
