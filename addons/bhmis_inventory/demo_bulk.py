# SPDX-License-Identifier: GPL-3.0-or-later
"""Three months of stock moves for the stores of one division, for the
province demo and the benchmarks: receipts from the supplier at the
district stores on the first of each month, their dispatches to the
facilities the same day, each facility's daily consumption of the
medicines it stocks (run dry when its supply falls short: stock-outs), and
a few expired lots written off.

About a million done moves: they are simulated in Python so that no stock
ever goes negative, then written with parameterised multi-row INSERTs
(python-sql), 1,000 rows a statement. One ORM create() per move would take
hours (see benchmarks/README.md). Deterministic for a given rng and month.
"""
import datetime as dt
from decimal import Decimal

from sql import Literal
from sql.functions import CurrentTimestamp
from trytond.pool import Pool
from trytond.transaction import Transaction

from .indicators import add_months, month_end, month_start
from .stock import DISTRICT_STORE, MSD

DIVISION = 'QUETTA'
MONTHS = 3
CHUNK = 1000
# How many of the catalogue's medicines each level of facility stocks
STOCKED = {'primary': 40, 'secondary': 100, 'tertiary': 150}
COMPANY_NAME = "Health Department, Government of Balochistan"


def _company():
    "The Health Department (as bhmis_hr's setup makes it, when absent)"
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    companies = Company.search([], limit=1, order=[('id', 'ASC')])
    if companies:
        return companies[0]
    currencies = Currency.search([('code', '=', 'PKR')], limit=1)
    if currencies:
        currency, = currencies
    else:
        currency, = Currency.create([{'code': 'PKR', 'numeric_code': '586',
                    'name': "Pakistani Rupee", 'symbol': 'Rs'}])
    party, = Party.create([{'name': COMPANY_NAME}])
    company, = Company.create([{'party': party.id,
                'currency': currency.id}])
    return company


def _lots(products, first, rng):
    """One lot a medicine (a store's stock of it stays one lot, so that no
    lot ever goes negative): one medicine in ten expires within 90 days
    of the last month's end, the others a year or more on"""
    Lot = Pool().get('stock.lot')
    end = month_end(add_months(first, MONTHS - 1))
    existing = {l.number: l.id for l in Lot.search([
                ('number', 'like', 'DEMO-%')])}
    to_create = []
    for number, product in enumerate(products):
        expiry = end + dt.timedelta(days=rng.randint(10, 80)
            if number % 10 == 0 else rng.randint(300, 700))
        key = 'DEMO-%s' % product.code
        if key not in existing:
            to_create.append({'number': key, 'product': product.id,
                    'expiration_date': expiry})
    existing.update((l.number, l.id) for l in Lot.create(to_create))
    return {p.id: existing['DEMO-%s' % p.code] for p in products}


def _cost_prices(products, company, rng):
    CostPrice = Pool().get('product.cost_price')
    existing = {c.product.id for c in CostPrice.search([
                ('product', 'in', [p.id for p in products]),
                ('company', '=', company.id)])}
    prices = {p.id: Decimal(rng.randint(5, 2000)) / 4 for p in products}
    CostPrice.create([{'product': p.id, 'company': company.id,
                'cost_price': prices[p.id]}
            for p in products if p.id not in existing])
    return prices


def plan(stores, products, first, rng):
    """Return the moves as tuples (product, quantity, from location, to
    location, date, reason) of the stores: {district store:
    [facility stores]} with their locations, for MONTHS months from first.

    Stores are (facility level, storage location id, input location id);
    the supplier, customer and lost-and-found locations are the strings
    'supplier', 'customer', 'lost'."""
    moves = []
    days = (month_end(add_months(first, MONTHS - 1)) - first).days + 1
    for district_store, facilities in stores.items():
        _, ds_storage, ds_input = district_store
        # Each month's receipt covers the month's dispatches and 10% more
        receipts = {}
        dispatches = []
        for level, storage, _ in facilities:
            stocked = products[:STOCKED.get(level, 40)]
            supply = rng.choice([1.0, 1.0, 1.0, 0.9, 0.6])
            for product in stocked:
                daily = rng.uniform(0.5, 20)
                stock = 0.0
                for day_number in range(days):
                    date = first + dt.timedelta(days=day_number)
                    if date.day == 1:
                        # Ordered up to 1.5 months of demand; some
                        # facilities get less than they ask
                        wanted = max(0.0, 45 * daily - stock)
                        sent = round(wanted * supply)
                        if sent > 0:
                            dispatches.append((product, sent, ds_storage,
                                    storage, date, None))
                            receipts[(product, date)] = receipts.get(
                                (product, date), 0) + sent
                            stock += sent
                    used = min(stock, round(rng.uniform(0.3, 1.7) * daily))
                    if used > 0:
                        moves.append((product, used, storage, 'customer',
                                date, None))
                        stock -= used
                if rng.random() < 0.05 and stock >= 2:
                    lost = rng.randint(1, int(stock))
                    moves.append((product, lost, storage, 'lost',
                            first + dt.timedelta(days=days - 5), 'expired'))
        for (product, date), quantity in sorted(receipts.items(),
                key=lambda item: (item[0][0].id, item[0][1])):
            quantity = round(quantity * 1.1)
            moves.append((product, quantity, 'supplier', ds_input, date,
                    None))
            moves.append((product, quantity, ds_input, ds_storage, date,
                    None))
        moves.extend(dispatches)
    return moves


def load(size, rng, division=DIVISION, today=None):
    """Create the moves of the division's stores (province only, once);
    return how many"""
    pool = Pool()
    Location = pool.get('stock.location')
    Product = pool.get('product.product')
    Move = pool.get('stock.move')
    if size != 'province':
        return 0
    today = today or pool.get('ir.date').today()
    first = add_months(month_start(today), -MONTHS)
    warehouses = Location.search([
            ('type', '=', 'warehouse'),
            ('facility.district.division.code', '=', division),
            ('facility.type', '!=', MSD),
            ('facility.status', '!=', 'closed'),
            ], order=[('code', 'ASC')])
    if not warehouses:
        return 0
    move = Move.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*move.select(move.id, limit=1,
            where=move.to_location.in_(
                [w.storage_location.id for w in warehouses])))
    if cursor.fetchone():
        return 0
    company = _company()
    products = Product.search([('medicine', '=', True)],
        order=[('code', 'ASC')])
    lots = _lots(products, first, rng)
    prices = _cost_prices(products, company, rng)
    district_stores = {w.facility.district.id: w for w in warehouses
        if w.facility.type == DISTRICT_STORE}
    stores = {}
    for warehouse in warehouses:
        if warehouse.facility.type == DISTRICT_STORE:
            continue
        parent = district_stores.get(warehouse.facility.district.id)
        if not parent:
            continue
        key = ('store', parent.storage_location.id, parent.input_location.id)
        stores.setdefault(key, []).append((warehouse.facility.level,
                warehouse.storage_location.id, None))
    planned = plan(stores, products, first, rng)
    return _insert(planned, lots, prices, company)


def _insert(planned, lots, prices, company):
    "Write the planned moves, done, with parameterised INSERTs"
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    move = Move.__table__()
    special = {
        'supplier': Location.search([('type', '=', 'supplier')],
            limit=1)[0].id,
        'customer': Location.search([('type', '=', 'customer')],
            limit=1)[0].id,
        'lost': Location.search([('type', '=', 'lost_found')],
            limit=1)[0].id,
        }
    cursor = Transaction().connection.cursor()
    columns = [move.product, move.unit, move.quantity, move.internal_quantity,
        move.from_location, move.to_location, move.planned_date,
        move.effective_date, move.state, move.company, move.lot,
        move.unit_price, move.currency, move.bhmis_reason,
        move.unit_price_updated, move.create_uid, move.create_date]
    currency = company.currency.id
    units = {}
    for product, *_ in planned:
        if product.id not in units:
            units[product.id] = product.default_uom.id
    for start in range(0, len(planned), CHUNK):
        values = []
        for product, quantity, from_, to, date, reason in planned[
                start:start + CHUNK]:
            priced = from_ == 'supplier' or to == 'customer'
            values.append([product.id, units[product.id], float(quantity),
                    float(quantity), special.get(from_, from_),
                    special.get(to, to), date, date, 'done', company.id,
                    lots[product.id],
                    prices[product.id] if priced else None,
                    currency if priced else None, reason, Literal(False),
                    0, CurrentTimestamp()])
        cursor.execute(*move.insert(columns, values))
    # Fresh statistics: a planner that still believes stock_move is empty
    # joins its 800,000 rows by nested loops (PostgreSQL's indicators of a
    # district took 34 s instead of 4 until autovacuum came by)
    cursor.execute('ANALYZE "%s"' % Move._table)
    return len(planned)
