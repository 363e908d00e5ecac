# SPDX-License-Identifier: GPL-3.0-or-later
"""District and province indicators of the supply system, from the stores'
monthly indicators:

- tracer stock-out rate: the share of service points (facilities that are
  not stores) stocked out of each tracer medicine at the end of the month;
  a facility that never received a tracer is stocked out of it;
- the share of them between their minimum and maximum months of stock;
- fill rate of the approved requisitions of the month (dispatched ÷
  approved, each line up to what it approved);
- dispatches unconfirmed (sent, not yet received: Tryton's *shipped*) and
  short (received less than was sent).
"""
from collections import defaultdict

from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import without_check_access

from . import formulas, indicators
from .stock import DISTRICT_STORE, MSD


def _records(Model, ids):
    result = []
    for sub_ids in grouped_slice(sorted(ids), indicators.IN_MAX):
        result.extend(Model.browse(list(sub_ids)))
    return result


def tracer_availability(month, district=None, facility=None):
    """Return {'districts': {district: figures}, 'facilities': {facility:
    figures}, 'tracers': {(district, product): figures}} for the month,
    over the service points the user sees. Figures are dicts with
    facilities, pairs, stocked_out, within, stockout_rate, within_rate
    (rates in %, None without facilities); district figures add
    fill_rate, unconfirmed and short."""
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Product = pool.get('product.product')
    facility_ids = indicators.visible_facilities(district, facility)
    facilities = [f for f in _records(Facility, facility_ids)
        if f.type not in {MSD, DISTRICT_STORE} and f.status != 'closed']
    tracers = Product.search([('tracer', '=', True)], order=[('code', 'ASC')])
    rows = indicators.compute([f.id for f in facilities], month)
    status = {(r['facility'], r['product']): r['status'] for r in rows}

    def figures():
        return {'facilities': 0, 'pairs': 0, 'stocked_out': 0, 'within': 0}
    by_district = defaultdict(figures)
    by_facility = defaultdict(figures)
    by_tracer = defaultdict(figures)
    for facility_ in facilities:
        targets = [by_district[facility_.district], by_facility[facility_]]
        for target in targets:
            target['facilities'] += 1
        for tracer in tracers:
            state = status.get((facility_.id, tracer.id), 'stocked_out')
            per_tracer = by_tracer[(facility_.district, tracer)]
            per_tracer['facilities'] += 1
            for target in targets + [per_tracer]:
                target['pairs'] += 1
                target['stocked_out'] += state == 'stocked_out'
                target['within'] += state == 'within'
    for group in (by_district, by_facility, by_tracer):
        for values in group.values():
            pairs = values['pairs']
            values['stockout_rate'] = (
                100 * values['stocked_out'] / pairs if pairs else None)
            values['within_rate'] = (
                100 * values['within'] / pairs if pairs else None)
    fill_rates = requisition_fill_rates(month, facility_ids)
    dispatches = dispatch_problems(month, facility_ids)
    for district_, values in by_district.items():
        values['fill_rate'] = fill_rates.get(district_)
        values['unconfirmed'], values['short'] = dispatches.get(
            district_, (0, 0))
    return {'districts': dict(by_district), 'facilities': dict(by_facility),
        'tracers': dict(by_tracer)}


def requisition_fill_rates(month, facility_ids):
    """Return {district: fill rate in %} of the month's approved
    requisitions of the facilities"""
    Requisition = Pool().get('bhmis.inventory.requisition')
    lines = defaultdict(list)
    with without_check_access():
        for sub_ids in grouped_slice(facility_ids, indicators.IN_MAX):
            for requisition in Requisition.search([
                        ('state', '=', 'approved'),
                        ('month', '=', indicators.month_start(month)),
                        ('facility', 'in', list(sub_ids)),
                        ]):
                for line in requisition.lines:
                    lines[requisition.facility.district].append(
                        (line.quantity or 0, line.dispatched_quantity or 0))
    result = {}
    for district_, values in lines.items():
        rate = formulas.fill_rate(values)
        result[district_] = None if rate is None else 100 * rate
    return result


def dispatch_problems(month, facility_ids):
    """Return {district: (unconfirmed, short)}: dispatches to the stores of
    the facilities sent by the month's end and not received, and those
    received in the month with less than was sent"""
    Shipment = Pool().get('stock.shipment.internal')
    start = indicators.month_start(month)
    end = indicators.month_end(month)
    domain = ['OR',
        [('state', '=', 'shipped'),
            ('effective_start_date', '<=', end)],
        [('state', '=', 'done'),
            ('effective_date', '>=', start),
            ('effective_date', '<=', end)],
        ]
    result = defaultdict(lambda: [0, 0])
    with without_check_access():
        shipments = []
        for sub_ids in grouped_slice(facility_ids, indicators.IN_MAX):
            shipments.extend(Shipment.search([domain,
                        ('to_location.facility', 'in', list(sub_ids))]))
        for shipment in shipments:
            _count(shipment, result)
    return {d: tuple(c) for d, c in result.items()}


def _count(shipment, result):
    receiver = shipment.to_location.facility
    counts = result[receiver.district]
    if shipment.state == 'shipped':
        counts[0] += 1
        return
    sender = shipment.from_location.facility
    sent = received = 0
    for move in shipment.moves:
        if move.state != 'done':
            continue
        if move.from_location.facility == sender:
            sent += move.internal_quantity
        if move.to_location.facility == receiver:
            received += move.internal_quantity
    if received < sent:
        counts[1] += 1
