# SPDX-License-Identifier: GPL-3.0-or-later
"""Monthly stock indicators (bhmis_inventory.indicators) on a province
database with three months of moves for the stores of one division.

A full `init --demo province` loads 25,000 employees and takes more than
10 minutes on PostgreSQL; this benchmark builds a lighter database of its
own: plain `bhmis init`, then in a child process the province demo data
of bhmis_base (37 districts, ~1,830 facilities and their stores) and of
bhmis_inventory (150 medicines and, with demo_bulk, the division's moves).
It measures, in process:

- the bulk load of the moves (demo_bulk, parameterised multi-row INSERTs);
- the indicators of the last complete month for one district's stores ×
  150 medicines (`indicators.compute`, one SQL aggregation), against
  Tryton's own way: `products_by_location` per medicine and per day of
  the three months the AMC needs (stock_date_end), on a sample of
  medicines scaled to the 150; both must give the same closing balances
  and stock-out days;
- the indicators of every store of the province for that month.
"""
import json
import time

from . import Row, StepError

NAME = 'inventory'
DISTRICT = 'QUETTA'
BASELINE_SAMPLE = 2


def _python():
    import sys
    return sys.executable


def run(workspace, backend, log, **kwargs):
    instance = workspace.instance(backend, 'inventory')
    log('init (no demo data, not timed)')
    instance.bhmis('init')
    result = instance.var / 'inventory.json'
    log('province facilities, 150 medicines, moves of the %s division'
        % DISTRICT)
    instance.run(_python(), '-m', 'benchmarks.inventory', 'prepare',
        str(result), timeout=3600)
    prepared = json.loads(result.read_text())
    log('%(moves)s moves written in %(seconds).1f s' % prepared)
    log('indicators of %s, then Tryton\'s products_by_location on %s '
        'medicines, then the province' % (DISTRICT, BASELINE_SAMPLE))
    instance.run(_python(), '-m', 'benchmarks.inventory', 'measure',
        str(result), timeout=3600)
    figures = json.loads(result.read_text())
    scaled = (figures['baseline'] * figures['products']
        / figures['sample'])
    return [
        Row(NAME, backend,
            'demo_bulk: %s done moves of one division, 3 months '
            '(multi-row INSERTs)' % prepared['moves'],
            prepared['seconds'], 's',
            'one ORM create() per move, %s timed, scaled'
            % prepared['orm_sample'],
            prepared['orm_seconds'] * prepared['moves']
            / prepared['orm_sample']),
        Row(NAME, backend,
            'monthly indicators of %s: %s stores × %s medicines (%s rows), '
            'one SQL aggregation' % (DISTRICT, figures['stores'],
                figures['products'], figures['rows']),
            figures['district'], 's',
            'products_by_location per medicine and day (%s medicines '
            'timed, scaled to %s)' % (figures['sample'],
                figures['products']), scaled),
        Row(NAME, backend,
            'monthly indicators of the province: %s stores (%s rows)'
            % (figures['province_stores'], figures['province_rows']),
            figures['province'], 's', 'the 60 s target', 60.0),
        ]


def _open():
    import os

    from bhmis import settings as settings_
    from bhmis.database import open_pool
    settings = settings_.load()
    settings_.write_trytond_conf(settings)
    os.environ['TRYTOND_CONFIG'] = str(settings.trytond_conf)
    return open_pool(settings)


def prepare(output):
    """In a child process: the province's facilities and medicines, then
    the division's moves (timed), committed; and one ORM create() per move
    for a sample, rolled back"""
    import datetime as dt
    import random

    with _open() as (pool, transaction):
        from bhmis_base import demo as base_demo
        from bhmis_inventory import demo, demo_bulk
        Template = pool.get('product.template')
        base_demo.load('province', random.Random(1))
        # The province catalogue without its moves, then the moves timed
        real_load = demo_bulk.load
        demo_bulk.load = lambda *args, **kwargs: 0
        try:
            demo.load('province', random.Random(3))
        finally:
            demo_bulk.load = real_load
        medicines = Template.search_count([('medicine', '=', True)])
        if medicines != 150:
            raise StepError('%s medicines' % medicines)
        transaction.commit()
        start = time.perf_counter()
        moves = demo_bulk.load('province', random.Random(4))
        transaction.commit()
        seconds = time.perf_counter() - start
        orm_sample, orm_seconds = _orm_sample(pool, dt)
        transaction.rollback()
    with open(output, 'w') as fp:
        json.dump({'moves': moves, 'seconds': seconds,
                'orm_sample': orm_sample, 'orm_seconds': orm_seconds}, fp)


def _orm_sample(pool, dt, count=20):
    "Time count moves created and done one ORM call at a time"
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    Product = pool.get('product.product')
    Lot = pool.get('stock.lot')
    store, = Location.search([('code', '=', 'QUETTA-DS-001')])
    customer, = Location.search([('type', '=', 'customer')], limit=1)
    product = Product.search([('medicine', '=', True)], limit=1)[0]
    lot, = Lot.search([('product', '=', product.id)], limit=1)
    company = pool.get('company.company').search([], limit=1)[0]
    start = time.perf_counter()
    for _ in range(count):
        move, = Move.create([{'product': product.id,
                    'unit': product.default_uom.id, 'quantity': 1,
                    'from_location': store.storage_location.id,
                    'to_location': customer.id, 'lot': lot.id,
                    'effective_date': dt.date.today(),
                    'planned_date': dt.date.today(),
                    'unit_price': 1, 'currency': company.currency.id,
                    'company': company.id}])
        Move.do([move])
    return count, time.perf_counter() - start


def measure(output):
    "In a child process: the timings of the indicators"
    with _open() as (pool, transaction):
        from bhmis_inventory import indicators
        District = pool.get('bhmis.district')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        today = pool.get('ir.date').today()
        month = indicators.add_months(indicators.month_start(today), -1)
        district, = District.search([('code', '=', DISTRICT)])
        facility_ids = indicators.visible_facilities(district)
        start = time.perf_counter()
        rows = indicators.compute(facility_ids, month)
        district_seconds = time.perf_counter() - start
        if len(rows) < 1000:
            raise StepError('%s indicator rows only' % len(rows))
        products = Product.search([('medicine', '=', True)],
            order=[('code', 'ASC')])
        # The sample: medicines the facilities stock, spread over the list
        sample = products[:40:40 // BASELINE_SAMPLE][:BASELINE_SAMPLE]
        stores = Location.search([('type', '=', 'warehouse'),
                ('facility', 'in', facility_ids)])
        start = time.perf_counter()
        baseline = _baseline(pool, stores, sample, month)
        baseline_seconds = time.perf_counter() - start
        by_key = {(r['facility'], r['product']): r for r in rows}
        for (store, product), (closing, stocked_out) in baseline.items():
            row = by_key.get((store.facility.id, product.id))
            expected = ((row['closing'], row['stockout_days']) if row
                else (0, (indicators.month_end(month) - month).days + 1))
            if (round(closing, 6), stocked_out) != (
                    round(expected[0], 6), expected[1]):
                raise StepError('%s %s: products_by_location says %s, the '
                    'indicators %s' % (store.code, product.code,
                        (closing, stocked_out), expected))
        province_ids = indicators.visible_facilities()
        start = time.perf_counter()
        province_rows = indicators.compute(province_ids, month)
        province_seconds = time.perf_counter() - start
        transaction.rollback()
    with open(output, 'w') as fp:
        json.dump({'district': district_seconds, 'rows': len(rows),
                'stores': len(facility_ids), 'products': len(products),
                'sample': len(sample), 'baseline': baseline_seconds,
                'province': province_seconds,
                'province_rows': len(province_rows),
                'province_stores': len(province_ids)}, fp)


def _baseline(pool, stores, products, month):
    """Tryton's way: the stock of every store at the end of each day of
    the month, one products_by_location call per medicine and day, for the
    closing balance and the stock-out days (the AMC would need the two
    months before as well: they are queried too)"""
    import datetime as dt

    from trytond.transaction import Transaction

    from bhmis_inventory import indicators
    Product = pool.get('product.product')
    first = indicators.add_months(month, 1 - indicators.AMC_MONTHS)
    end = indicators.month_end(month)
    result = {}
    for product in products:
        day = first
        out = {s.id: 0 for s in stores}
        closing = {}
        while day <= end:
            with Transaction().set_context(stock_date_end=day):
                quantities = Product.products_by_location(
                    [s.id for s in stores], with_childs=True,
                    grouping_filter=([product.id],))
            for store in stores:
                quantity = quantities.get((store.id, product.id), 0)
                closing[store.id] = quantity
                if day >= month and quantity <= 0:
                    out[store.id] += 1
            day += dt.timedelta(days=1)
        for store in stores:
            result[(store, product)] = (closing[store.id], out[store.id])
    return result


if __name__ == '__main__':
    import sys
    if sys.argv[1:2] == ['prepare']:
        prepare(sys.argv[2])
    elif sys.argv[1:2] == ['measure']:
        measure(sys.argv[2])
