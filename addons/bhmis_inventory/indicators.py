# SPDX-License-Identifier: GPL-3.0-or-later
"""Stock indicators of stores, computed from their done moves.

A store is a facility's warehouse; every location of the store carries the
facility. A store's done moves are classified by the location at their
other end (moves inside one facility are ignored):

- from a supplier: received; from another facility's location or a
  location of no facility (a transit location): received;
- to a customer: issued (the patients' consumption); to another facility
  or a location of no facility: dispatched;
- to or from lost-and-found: losses and adjustments, with their reason
  (wastage is what was lost as expired or damaged).

One SQL aggregation gives, per facility and product, the stock before the
period and the day-by-day flows of each kind; the pure functions of
formulas.py turn them into OpenLMIS figures. Nothing is read record by
record and nothing is stored: the figures are the moves'.
"""
import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null, Union
from sql.aggregate import Max, Sum
from sql.conditionals import Case, Coalesce
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import formulas
from .move import WASTAGE

AMC_MONTHS = formulas.AMC_PERIODS
EXPIRY_DAYS = 90
# Facilities per query. trytond 8.0's grouped_slice without a size slices
# by one, and backend.MAX_QUERY_PARAMS (200 on SQLite) bounds OR chains: a
# flat IN list may be far longer (SQLite allows 32,766 parameters, a
# facility's store has about 7 locations), and each slice costs a scan of
# the moves, so the province is two slices.
IN_MAX = 1000
# Kinds that enter the store (+) or leave it (-)
SIGNS = {'received': 1, 'adjustment_in': 1, 'dispatched': -1,
    'issued': -1, 'loss': -1, 'wastage': -1}


def _decimal(value):
    "SQLite's aggregates of numeric columns come as bytes or floats"
    if value is None:
        return Decimal(0)
    if isinstance(value, bytes):
        value = value.decode()
    return Decimal(str(value))


def month_start(date):
    return date.replace(day=1)


def month_end(date):
    return date.replace(day=calendar.monthrange(date.year, date.month)[1])


def add_months(date, months):
    "The first day of the month `months` after date's"
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _location_ids(facility_ids):
    "The ids of the locations of the facilities' stores"
    Location = Pool().get('stock.location')
    location = Location.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*location.select(location.id,
            where=reduce_ids(location.facility, list(facility_ids))))
    return [i for i, in cursor]


def _company_ids():
    "Stock moves' indexes start with their company"
    Company = Pool().get('company.company')
    company = Company.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*company.select(company.id))
    return [i for i, in cursor] or [-1]


def _moves_query(facility_ids, start, end):
    """The union of a store's incoming (+) and outgoing (-) done moves
    until end, as (facility, product, date, kind, quantity) rows, where
    date is NULL for the moves before start"""
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    move = Move.__table__()
    from_, to = Location.__table__(), Location.__table__()
    product, template = Product.__table__(), Template.__table__()
    date = Coalesce(move.effective_date, move.planned_date)
    day = Case((date < start, Null), else_=date)
    base = (move
        .join(from_, condition=move.from_location == from_.id)
        .join(to, condition=move.to_location == to.id)
        .join(product, condition=move.product == product.id)
        .join(template, condition=product.template == template.id))
    where = ((move.state == 'done') & (date <= end)
        & move.company.in_(_company_ids())
        & (template.medicine == Literal(True)))
    wasted = move.bhmis_reason.in_(list(WASTAGE))
    # The moves by their location ids, not by a join to the locations of
    # the facilities: PostgreSQL then reads them from stock_move's
    # (company, location, date) indexes, 2.3 times faster for a district
    locations = _location_ids(facility_ids)

    def side(ours, other, kind):
        column = (move.to_location if ours is to else move.from_location)
        condition = (where
            & reduce_ids(column, locations)
            & (Coalesce(other.facility, -1) != ours.facility))
        return base.select(
            ours.facility.as_('facility'), move.product.as_('product'),
            day.as_('date'), kind.as_('kind'),
            move.internal_quantity.as_('quantity'),
            where=condition)
    incoming = side(to, from_, Case(
            (from_.type == 'lost_found', 'adjustment_in'),
            else_='received'))
    outgoing = side(from_, to, Case(
            (to.type == 'customer', 'issued'),
            ((to.type == 'lost_found') & wasted, 'wastage'),
            (to.type == 'lost_found', 'loss'),
            else_='dispatched'))
    return Union(incoming, outgoing, all_=True)


def flows(facility_ids, start, end):
    """Return ({(facility, product): opening}, {(facility, product):
    [(date, kind, quantity)]}) of the stores' done moves: the stock before
    start and the daily totals of each kind from start to end"""
    cursor = Transaction().connection.cursor()
    opening = defaultdict(Decimal)
    daily = defaultdict(list)
    for sub_ids in grouped_slice(sorted(facility_ids), IN_MAX):
        rows = _moves_query(list(sub_ids), start, end)
        sign = Case(*((rows.kind == k, s) for k, s in SIGNS.items()))
        cursor.execute(*rows.select(
                rows.facility, rows.product, rows.date, rows.kind,
                Sum(rows.quantity), Sum(rows.quantity * sign),
                group_by=[rows.facility, rows.product, rows.date,
                    rows.kind]))
        for facility, product, date, kind, quantity, signed in cursor:
            key = facility, product
            if date is None:
                opening[key] += _decimal(signed)
            else:
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                daily[key].append((date, kind, _decimal(quantity)))
    return opening, daily


def lot_quantities(facility_ids, date):
    """Return {(facility, product): [(lot, expiry date, quantity)]} of the
    lots on hand at the end of date (lots whose stock is not 0)"""
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    Lot = pool.get('stock.lot')
    cursor = Transaction().connection.cursor()
    result = defaultdict(list)
    for sub_ids in grouped_slice(sorted(facility_ids), IN_MAX):
        sub_ids = list(sub_ids)
        move = Move.__table__()
        from_, to = Location.__table__(), Location.__table__()
        lot = Lot.__table__()
        moved = Coalesce(move.effective_date, move.planned_date)
        base = (move
            .join(from_, condition=move.from_location == from_.id)
            .join(to, condition=move.to_location == to.id))
        where = ((move.state == 'done') & (moved <= date)
            & move.company.in_(_company_ids()) & (move.lot != Null))

        locations = _location_ids(sub_ids)

        def side(ours, other, sign):
            column = (move.to_location if ours is to
                else move.from_location)
            return base.select(ours.facility.as_('facility'),
                move.product.as_('product'), move.lot.as_('lot'),
                (move.internal_quantity * sign).as_('quantity'),
                where=where & reduce_ids(column, locations)
                & (Coalesce(other.facility, -1) != ours.facility))
        rows = Union(side(to, from_, 1), side(from_, to, -1), all_=True)
        total = Sum(rows.quantity)
        query = rows.join(lot, condition=rows.lot == lot.id).select(
            rows.facility, rows.product, rows.lot, Max(lot.expiration_date),
            total,
            group_by=[rows.facility, rows.product, rows.lot],
            having=total != 0)
        cursor.execute(*query)
        for facility, product, lot_id, expiry, quantity in cursor:
            if isinstance(expiry, str):
                expiry = dt.date.fromisoformat(expiry)
            result[(facility, product)].append((lot_id, expiry, quantity))
    return result


def cost_prices(product_ids):
    "Return {product: cost price} in the company of the context"
    pool = Pool()
    CostPrice = pool.get('product.cost_price')
    cost = CostPrice.__table__()
    company = Transaction().context.get('company')
    cursor = Transaction().connection.cursor()
    result = {}
    for sub_ids in grouped_slice(sorted(product_ids), IN_MAX):
        where = reduce_ids(cost.product, list(sub_ids))
        if company:
            where &= cost.company == company
        cursor.execute(*cost.select(cost.product, Max(cost.cost_price),
                where=where, group_by=[cost.product]))
        result.update((p, _decimal(c)) for p, c in cursor)
    return result


def month_levels(facility_ids):
    "Return {facility: (min months, max months)} of the facilities' types"
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Level = pool.get('bhmis.inventory.stock_level')
    levels = Level.months_by_type()
    facility = Facility.__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for sub_ids in grouped_slice(sorted(facility_ids), IN_MAX):
        cursor.execute(*facility.select(facility.id, facility.type,
                where=reduce_ids(facility.id, list(sub_ids))))
        for id_, type_ in cursor:
            result[id_] = levels.get(type_, (formulas.DEFAULT_MIN_MONTHS,
                    formulas.DEFAULT_MAX_MONTHS))
    return result


def _month_figures(opening, moves, start, end):
    "Totals, stock-out days and adjusted consumption of one month"
    totals = dict.fromkeys(SIGNS, Decimal(0))
    signed = []
    for date, kind, quantity in moves:
        totals[kind] += quantity
        signed.append((date, SIGNS[kind] * quantity))
    closing = opening + sum((q for _, q in signed), Decimal(0))
    if not signed:
        # No move: every day closes at the opening balance
        stocked_out = (end - start).days + 1 if opening <= 0 else 0
    else:
        stocked_out = formulas.stockout_days(opening, signed, start, end)
    # What left the store for use: issues to patients and, for a store
    # that supplies others, its dispatches to them
    consumed = totals['issued'] + totals['dispatched']
    adjusted = formulas.adjusted_consumption(max(consumed, 0), stocked_out,
        days_in_period=(end - start).days + 1)
    return totals, closing, stocked_out, adjusted


def compute(facility_ids, month, today=None):
    """Return the indicators of the stores of facility_ids for the month
    of the date `month`: one dict per facility and product that has moved
    through the store until the month's end"""
    start, end = month_start(month), month_end(month)
    first = add_months(start, 1 - AMC_MONTHS)
    opening, daily = flows(facility_ids, first, end)
    lots = lot_quantities(facility_ids, end)
    levels = month_levels(facility_ids)
    months = [(add_months(first, n), month_end(add_months(first, n)))
        for n in range(AMC_MONTHS)]
    keys = set(opening) | set(daily)
    prices = cost_prices({p for _, p in keys})
    results = []
    for key in sorted(keys):
        facility, product = key
        balance = opening.get(key, Decimal(0))
        by_month = defaultdict(list)
        for date, kind, quantity in daily.get(key, []):
            by_month[month_start(date)].append((date, kind, quantity))
        history = []
        for month_first, month_last in months:
            month_opening = balance
            totals, balance, stocked_out, adjusted = _month_figures(
                balance, by_month.get(month_first, []), month_first,
                month_last)
            history.append(adjusted)
        min_months, max_months = levels[facility]
        closing = balance
        amc = formulas.average_monthly_consumption(history)
        on_hand = [(e, q) for _, e, q in lots.get(key, [])]
        wastage = totals['wastage']
        results.append({
                'facility': facility,
                'product': product,
                'month': start,
                'opening': float(month_opening),
                'received': float(totals['received']),
                'dispatched': float(totals['dispatched']),
                'issued': float(totals['issued']),
                'losses': float(totals['loss'] + wastage),
                'adjustments': float(totals['adjustment_in']),
                'closing': float(closing),
                'stockout_days': stocked_out,
                'adjusted_consumption': adjusted,
                'amc': amc,
                'months_of_stock': formulas.months_of_stock(closing, amc),
                'min_months': min_months,
                'max_months': max_months,
                'order_quantity': formulas.order_quantity(
                    amc, max_months, closing),
                'status': formulas.stock_status(
                    closing, amc, min_months, max_months),
                'expiring_quantity': formulas.expiring_within(
                    on_hand, end, EXPIRY_DAYS),
                'expired_quantity': formulas.expired_quantity(on_hand, end),
                'wastage_quantity': float(wastage),
                'wastage_value': float(
                    wastage * prices.get(product, Decimal(0))),
                })
    return results


def visible_facilities(district=None, facility=None, types=None):
    """Return the ids of the facilities whose store the user sees (under
    their record rules), in the district or the facility when given"""
    Location = Pool().get('stock.location')
    domain = [('type', '=', 'warehouse'), ('facility', '!=', None)]
    if facility:
        domain.append(('facility', '=', facility.id))
    if district:
        domain.append(('facility.district', '=', district.id))
    if types:
        domain.append(('facility.type', 'in', types))
    stores = Location.search(domain, query=True)
    Store = Location.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*Store.select(Store.facility,
            where=Store.id.in_(stores)))
    return sorted(f for f, in cursor)
