# SPDX-License-Identifier: GPL-3.0-or-later
"""Medicine (and equipment) reports as tables, computed from the moves under
the user's record rules, written as XLSX by the back office (Reports ›
Medicine and Equipment Reports) and by `bhmis report NAME --output FILE`.

Other files of this module add their reports with one line in EXTRA: a
module with REPORTS [(name, title)] and render(name, district=None,
facility=None, **options) returning (file name, XLSX bytes)."""
import datetime as dt
import importlib

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.columns import columns, selection_labels
from bhmis_base.xlsx import write_table

from . import aggregates, indicators

MODULE = 'bhmis_inventory'
STOCK_REPORTS = [
    ('stock-status', "Stock Status"),
    ('tracer-availability', "Tracer Medicine Availability"),
    ('expiry', "Expiring and Expired Stock"),
    ]
# Modules of bhmis_inventory with reports of their own, one line each
EXTRA = [
    'equipment_report',
    ]


def _extra():
    return [importlib.import_module('.' + name, __package__)
        for name in EXTRA]


REPORTS = STOCK_REPORTS + [r for m in _extra() for r in m.REPORTS]


def _name(record):
    return record.rec_name if record else ''


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def _records(model, ids):
    Model = Pool().get(model)
    return {r.id: r for r in aggregates._records(Model, ids)}


def _month(month):
    return indicators.month_start(
        month or Pool().get('ir.date').today())


def stock_status(district=None, facility=None, month=None, **_):
    Indicator = Pool().get('bhmis.inventory.indicator')
    month = _month(month)
    rows = indicators.compute(
        indicators.visible_facilities(district, facility), month)
    facilities = _records('bhmis.facility', {r['facility'] for r in rows})
    products = _records('product.product', {r['product'] for r in rows})
    statuses = dict(Indicator.fields_get(['status'])['status']['selection'])
    headers = columns(MODULE, 'district', 'facility', 'code', 'medicine',
        'opening', 'received', 'dispatched', 'issued', 'losses',
        'adjustments_in', 'closing', 'stockout_days', 'amc',
        'months_of_stock', 'status', 'order_quantity', 'expiring_90',
        'expired_in_stock', 'wastage_value')
    table = []
    for row in rows:
        facility_ = facilities[row['facility']]
        product = products[row['product']]
        table.append((_name(facility_.district), _name(facility_),
                product.code, product.name, row['opening'], row['received'],
                row['dispatched'], row['issued'], row['losses'],
                row['adjustments'], row['closing'], row['stockout_days'],
                _round(row['amc']), _round(row['months_of_stock']),
                statuses[row['status']], round(row['order_quantity']),
                row['expiring_quantity'], row['expired_quantity'],
                round(row['wastage_value'], 2)))
    table.sort(key=lambda r: (r[0], r[1], r[2]))
    return headers, table


def tracer_availability(district=None, facility=None, month=None, **_):
    figures = aggregates.tracer_availability(_month(month), district,
        facility)
    headers = columns(MODULE, 'district', 'facility', 'tracer_medicine',
        'facilities', 'stocked_out', 'stockout_rate', 'within_min_max',
        'fill_rate', 'dispatches_unconfirmed', 'dispatches_short')
    all_tracers, = columns(MODULE, 'all_tracers')
    table = []
    for district_, values in sorted(figures['districts'].items(),
            key=lambda i: _name(i[0])):
        table.append((_name(district_), '', all_tracers,
                values['facilities'], values['stocked_out'],
                _round(values['stockout_rate']),
                _round(values['within_rate']), _round(values['fill_rate']),
                values['unconfirmed'], values['short']))
        for (tracer_district, tracer), values in sorted(
                figures['tracers'].items(), key=lambda i: i[0][1].code):
            if tracer_district != district_:
                continue
            table.append((_name(district_), '', tracer.rec_name,
                    values['facilities'], values['stocked_out'],
                    _round(values['stockout_rate']),
                    _round(values['within_rate']), None, None, None))
        for facility_, values in sorted(figures['facilities'].items(),
                key=lambda i: i[0].code):
            if facility_.district != district_:
                continue
            table.append((_name(district_), _name(facility_), all_tracers,
                    1, values['stocked_out'],
                    _round(values['stockout_rate']),
                    _round(values['within_rate']), None, None, None))
    return headers, table


def expiry(district=None, facility=None, date=None, month=None, **_):
    "Lots with stock expiring within 90 days of the date, or expired"
    if date is None:
        date = (indicators.month_end(month) if month
            else Pool().get('ir.date').today())
    lots = indicators.lot_quantities(
        indicators.visible_facilities(district, facility), date)
    facilities = _records('bhmis.facility', {f for f, _ in lots})
    products = _records('product.product', {p for _, p in lots})
    limit = date + dt.timedelta(days=indicators.EXPIRY_DAYS)
    selected = [(key, lot_id, expiry_date, quantity)
        for key, values in lots.items()
        for lot_id, expiry_date, quantity in values
        if expiry_date and expiry_date <= limit and quantity > 0]
    lot_records = _records('stock.lot', {s[1] for s in selected})
    headers = columns(MODULE, 'district', 'facility', 'code', 'medicine',
        'lot', 'expiry', 'days_left', 'quantity', 'state')
    expired, expiring = columns(MODULE, 'expired', 'expiring')
    table = []
    for (facility_id, product_id), lot_id, expiry_date, quantity in selected:
        facility_ = facilities[facility_id]
        product = products[product_id]
        left = (expiry_date - date).days
        table.append((_name(facility_.district), _name(facility_),
                product.code, product.name, lot_records[lot_id].number,
                expiry_date, left, quantity,
                expired if left < 0 else expiring))
    table.sort(key=lambda r: (r[5], r[0], r[1], r[2]))
    return headers, table


BUILDERS = {
    'stock-status': stock_status,
    'tracer-availability': tracer_availability,
    'expiry': expiry,
    }


def render(name, district=None, facility=None, **options):
    "Return (file name, XLSX bytes) of the report name"
    for module in _extra():
        if name in dict(module.REPORTS):
            return module.render(name, district=district, facility=facility,
                **options)
    headers, rows = BUILDERS[name](
        district=district, facility=facility, **options)
    title = selection_labels('bhmis.inventory.report.start', 'report')[name]
    month = options.get('month')
    scope = ', '.join(_name(r) for r in (district, facility) if r)
    when = (month.strftime('%Y-%m') if month and name != 'expiry'
        else (options.get('date') or Pool().get('ir.date').today()
            ).isoformat())
    subtitle = '%s%s' % (scope + ' — ' if scope else '', when)
    data = write_table(title, headers, rows, subtitle=subtitle,
        right_to_left=Transaction().language == 'ur')
    return '%s.xlsx' % name, data


class StockReportStart(ModelView):
    __name__ = 'bhmis.inventory.report.start'
    __string__ = "Medicine Report"
    report = fields.Selection(REPORTS, "Report", required=True)
    month = fields.Date("Month", help="Any day of the month.")
    district = fields.Many2One('bhmis.district', "District")
    facility = fields.Many2One('bhmis.facility', "Facility")

    @classmethod
    def default_report(cls):
        return 'stock-status'

    @classmethod
    def default_month(cls):
        return indicators.month_start(Pool().get('ir.date').today())


class StockReportResult(ModelView):
    __name__ = 'bhmis.inventory.report.result'
    __string__ = "Medicine Report"
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class StockReport(Wizard):
    __name__ = 'bhmis.inventory.report'
    start = StateView('bhmis.inventory.report.start',
        'bhmis_inventory.stock_report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    result = StateView('bhmis.inventory.report.result',
        'bhmis_inventory.stock_report_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        # Wizards run without access checks: the report reads as the user
        with check_access():
            filename, data = render(self.start.report, self.start.district,
                self.start.facility, month=self.start.month)
        self.result.filename = filename
        self.result.file = data
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}
