# SPDX-License-Identifier: GPL-3.0-or-later
"""The monthly stock indicators of every store and medicine, kept for the
back office's lists and graphs.

The rows are computed from the moves by indicators.compute() (one SQL
aggregation) and replaced whole for a month: by the monthly cron, or on
demand (Compute Stock Indicators). Nobody types them.
"""
import datetime as dt

from sql import Literal
from sql.functions import CurrentTimestamp
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.scope import ScopedMixin

from . import indicators
from .formulas import STATUSES

STATUS_SELECTION = [
    ('stocked_out', "Stocked Out"),
    ('below_min', "Below Minimum"),
    ('within', "Within Min–Max"),
    ('overstocked', "Overstocked"),
    ('unknown', "No Consumption"),
    ]
assert {s for s, _ in STATUS_SELECTION} == set(STATUSES)
FIGURES = ['opening', 'received', 'dispatched', 'issued', 'losses',
    'adjustments', 'closing', 'stockout_days', 'adjusted_consumption',
    'amc', 'months_of_stock', 'order_quantity', 'expiring_quantity',
    'expired_quantity', 'wastage_quantity', 'wastage_value', 'status']


class Indicator(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.indicator'
    __string__ = "Stock Indicator"
    _scope_facility = 'facility'

    month = fields.Date("Month", readonly=True,
        help="The first day of the month.")
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True,
        ondelete='CASCADE')
    district = fields.Many2One('bhmis.district', "District", readonly=True)
    product = fields.Many2One('product.product', "Medicine", readonly=True,
        ondelete='CASCADE')
    tracer = fields.Boolean("Tracer", readonly=True)
    opening = fields.Float("Opening Balance", readonly=True)
    received = fields.Float("Received", readonly=True)
    dispatched = fields.Float("Dispatched", readonly=True,
        help="Sent to the stores this store supplies.")
    issued = fields.Float("Issued", readonly=True,
        help="Issued to patients (consumption).")
    losses = fields.Float("Losses", readonly=True,
        help="Expired, damaged, lost or stolen, count differences.")
    adjustments = fields.Float("Adjustments In", readonly=True,
        help="Found at a count or otherwise added back.")
    closing = fields.Float("Closing Balance", readonly=True)
    stockout_days = fields.Integer("Stock-Out Days", readonly=True,
        help="Days of the month whose closing stock on hand was 0.")
    adjusted_consumption = fields.Float("Adjusted Consumption",
        readonly=True, help="Consumption over the days with stock, scaled "
        "to the whole month (OpenLMIS).")
    amc = fields.Float("AMC", readonly=True,
        help="Average monthly consumption over the last 3 months.")
    months_of_stock = fields.Float("Months of Stock", readonly=True,
        digits=(16, 1))
    order_quantity = fields.Float("Order Quantity", readonly=True,
        help="AMC × maximum months − stock on hand.")
    status = fields.Selection(STATUS_SELECTION, "Status", readonly=True,
        sort=False)
    stocked_out = fields.Integer("Stocked Out", readonly=True,
        help="1 when stocked out at the end of the month.")
    within_min_max = fields.Integer("Within Min–Max", readonly=True,
        help="1 when between its minimum and maximum months of stock.")
    line_count = fields.Integer("Stores × Medicines", readonly=True)
    expiring_quantity = fields.Float("Expiring within 90 Days",
        readonly=True)
    expired_quantity = fields.Float("Expired in Stock", readonly=True)
    wastage_quantity = fields.Float("Wastage", readonly=True,
        help="Lost as expired or damaged.")
    wastage_value = fields.Float("Wastage Value", readonly=True,
        digits=(16, 2), help="Wastage × the medicine's cost price.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.month, Index.Range()),
                    (t.facility, Index.Equality())),
                Index(t, (t.district, Index.Equality()),
                    (t.month, Index.Range())),
                })
        cls._order = [('month', 'DESC'), ('facility', 'ASC'),
            ('product', 'ASC'), ('id', 'ASC')]

    @classmethod
    def compute_month(cls, month, facility_ids=None):
        """Replace the rows of the month of the facilities (all stores when
        None) by the figures of their moves; return the number of rows"""
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        month = indicators.month_start(month)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        with without_check_access():
            if facility_ids is None:
                facility_ids = indicators.visible_facilities()
            rows = indicators.compute(facility_ids, month)
            facility, product = Facility.__table__(), Product.__table__()
            template = Template.__table__()
            districts, tracers = {}, {}
            for sub_ids in grouped_slice(facility_ids, indicators.IN_MAX):
                cursor.execute(*facility.select(facility.id,
                        facility.district,
                        where=reduce_ids(facility.id, list(sub_ids))))
                districts.update(cursor)
            product_ids = sorted({r['product'] for r in rows})
            for sub_ids in grouped_slice(product_ids, indicators.IN_MAX):
                cursor.execute(*product.join(template,
                        condition=product.template == template.id).select(
                        product.id, template.tracer,
                        where=reduce_ids(product.id, list(sub_ids))))
                tracers.update((p, bool(t)) for p, t in cursor)
            for sub_ids in grouped_slice(facility_ids, indicators.IN_MAX):
                cursor.execute(*table.delete(where=(table.month == month)
                        & reduce_ids(table.facility, list(sub_ids))))
            columns = ['month', 'facility', 'district', 'product', 'tracer',
                'line_count', 'stocked_out', 'within_min_max'] + FIGURES
            for chunk in grouped_slice(rows, 500):
                values = [[month, r['facility'], districts[r['facility']],
                        r['product'], tracers.get(r['product'], False), 1,
                        int(r['status'] == 'stocked_out'),
                        int(r['status'] == 'within')]
                    + [r[f] for f in FIGURES]
                    + [0, CurrentTimestamp()] for r in chunk]
                cursor.execute(*table.insert(
                        [getattr(table, c) for c in columns]
                        + [table.create_uid, table.create_date],
                        [[Literal(v) if isinstance(v, bool) else v
                                for v in row] for row in values]))
        return len(rows)

    @classmethod
    def compute_last_month(cls):
        "The cron's: last month's figures, and this month's so far"
        today = Pool().get('ir.date').today()
        this_month = indicators.month_start(today)
        cls.compute_month(this_month - dt.timedelta(days=1))
        cls.compute_month(this_month)


class ComputeStart(ModelView):
    __name__ = 'bhmis.inventory.indicator.compute.start'
    __string__ = "Compute Stock Indicators"
    month = fields.Date("Month", required=True,
        help="Any day of the month to compute.")

    @classmethod
    def default_month(cls):
        return indicators.month_start(Pool().get('ir.date').today())


class Compute(Wizard):
    __name__ = 'bhmis.inventory.indicator.compute'
    start = StateView('bhmis.inventory.indicator.compute.start',
        'bhmis_inventory.indicator_compute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'compute', 'tryton-ok', default=True),
            ])
    compute = StateTransition()

    def transition_compute(self):
        Indicator = Pool().get('bhmis.inventory.indicator')
        # The user's own stores: a district officer refreshes their
        # district's figures
        Indicator.compute_month(self.start.month,
            indicators.visible_facilities())
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('bhmis.inventory.indicator|compute_last_month',
                    "Compute the Stock Indicators"),
                ('bhmis.inventory.requisition|propose_all',
                    "Propose the Monthly Requisitions"),
                ])
