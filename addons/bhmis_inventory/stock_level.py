# SPDX-License-Identifier: GPL-3.0-or-later
"""Minimum and maximum months of stock by type of facility: below the
minimum a store orders, it orders up to the maximum."""
from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.facility import FACILITY_TYPES
from bhmis_base.guard import GuardedMixin

from .formulas import DEFAULT_MAX_MONTHS, DEFAULT_MIN_MONTHS


class StockLevel(GuardedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.stock_level'
    __string__ = "Months of Stock"
    facility_type = fields.Selection(FACILITY_TYPES, "Facility Type",
        required=True, sort=False)
    min_months = fields.Float("Minimum Months", required=True,
        domain=[('min_months', '>=', 0)],
        help="Below this many months of stock, the store is below its "
        "minimum and orders.")
    max_months = fields.Float("Maximum Months", required=True,
        domain=[('max_months', '>=', 0),
            ('max_months', '>=', Eval('min_months', 0))],
        help="A requisition orders up to this many months of stock; above "
        "it the store is overstocked.")
    _months_cache = Cache(__name__ + '.months_by_type', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('facility_type_unique', Unique(t, t.facility_type),
                'bhmis_inventory.msg_stock_level_unique'),
            ]
        cls._order = [('facility_type', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_min_months(cls):
        return DEFAULT_MIN_MONTHS

    @classmethod
    def default_max_months(cls):
        return DEFAULT_MAX_MONTHS

    @classmethod
    def months_by_type(cls):
        "Return {facility type: (min months, max months)}"
        result = cls._months_cache.get(None)
        if result is not None:
            return result
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.facility_type, table.min_months, table.max_months))
        result = {t: (lo, hi) for t, lo, hi in cursor}
        cls._months_cache.set(None, result)
        return result

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._months_cache.clear()
