# SPDX-License-Identifier: GPL-3.0-or-later
"""Stock moves of the small demo: the three months before today of
receipts at the district stores (the small demo has no Medical Stores
Depot; lots expiring within 90 days, lots already expired), dispatches to
the facilities (two left unconfirmed and overdue, one short with a reason),
monthly and daily consumption with a few stock-outs, an adjustment and a
count. Made with the documents' own methods, so the stock card is what a
store keeper would have produced. Deterministic and idempotent."""
import datetime as dt
import random
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

from .stock import DISTRICT_STORE, MSD

RECEIPT_REFERENCE = 'DEMO-RECEIPT-%s'
COMPANY_NAME = "Health Department, Government of Balochistan"
# The store keeper of a BHU, who confirms what the district store sends
BHU_KEEPER = ('store.bhu.quetta', "Store Keeper BHU Quetta",
    'QUETTA-BHU-001')
# Medicines the facilities use every month, with their monthly demand
CONSUMED = {'OXY-10I': 40, 'AMX-250C': 300, 'ORS-205': 200,
    'ZNC-20T': 150, 'PCM-500T': 600, 'IFA-T': 400, 'MET-500T': 120,
    'AMX-125S': 60, 'MIS-200T': 30, 'CTX-480T': 200}
# Sent short to the facilities, which stock out before the month ends
SCARCE = {'AMX-125S', 'ZNC-20T'}
# Received with a lot that expires within 90 days, or already expired
EXPIRING = {'MIS-200T', 'MET-500T', 'CIP-500T'}
EXPIRED = {'TTC-1E', 'POV-10'}


def bhu_keeper():
    "The demo store keeper of a Quetta BHU (bhmis_base's demo password)"
    pool = Pool()
    User = pool.get('res.user')
    Facility = pool.get('bhmis.facility')
    ModelData = pool.get('ir.model.data')
    from bhmis_base.demo import DEMO_PASSWORD
    login, name, code = BHU_KEEPER
    facilities = Facility.search([('code', '=', code)])
    if not facilities or User.search([('login', '=', login)]):
        return
    User.create([{'login': login, 'name': name, 'password': DEMO_PASSWORD,
                'groups': [('add', [ModelData.get_id('bhmis_base',
                                'group_store_keeper')])],
                'bhmis_facilities': [('add', [facilities[0].id])]}])


def company():
    "The Health Department, as bhmis_hr's setup makes it"
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    companies = Company.search([], limit=1)
    if companies:
        record, = companies
    else:
        currencies = Currency.search([('code', '=', 'PKR')], limit=1)
        if currencies:
            currency, = currencies
        else:
            currency, = Currency.create([{'code': 'PKR',
                        'numeric_code': '586', 'name': "Pakistani Rupee",
                        'symbol': 'Rs'}])
        party, = Party.create([{'name': COMPANY_NAME}])
        record, = Company.create([{'party': party.id,
                    'currency': currency.id}])
    users = User.search([('login', '!=', 'root')])
    without = [u for u in users if record not in u.companies]
    if without:
        User.write(without, {'companies': [('add', [record.id])],
                'company': record.id})
    return record


class Loader:
    def __init__(self, company, today):
        pool = Pool()
        self.pool = pool
        self.company = company
        self.today = today
        self.rng = random.Random('bhmis-inventory-moves')
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        self.supplier = Location(ModelData.get_id('stock',
                'location_supplier'))
        Party = pool.get('party.party')
        parties = Party.search([('name', '=', "National Pharma (demo)")])
        self.party = parties[0] if parties else Party.create([{
                        'name': "National Pharma (demo)"}])[0]

    def lots(self, products, month, facility):
        "A lot of each product for the store's receipt of the month"
        Lot = self.pool.get('stock.lot')
        values = []
        for product in products:
            expiry = month + dt.timedelta(days=self.rng.randint(400, 720))
            if product.code in EXPIRING and month == self.first_month:
                expiry = self.today + dt.timedelta(days=45)
            if product.code in EXPIRED and month == self.first_month:
                expiry = self.today - dt.timedelta(days=10)
            values.append({'number': '%s-%s-%s' % (product.code,
                        facility.district.code[:3], month.strftime('%y%m')),
                    'product': product.id,
                    'expiration_date': expiry})
        return dict(zip(products, Lot.create(values)))

    def receive(self, store, lines, date, reference):
        Shipment = self.pool.get('stock.shipment.in')
        Move = self.pool.get('stock.move')
        shipment, = Shipment.create([{
                    'reference': reference, 'supplier': self.party.id,
                    'warehouse': store.id,
                    'warehouse_input': store.input_location.id,
                    'warehouse_storage': store.storage_location.id,
                    'company': self.company.id, 'effective_date': date,
                    'planned_date': date}])
        Move.create([{'product': p.id, 'lot': lot.id, 'quantity': q,
                    'unit': p.default_uom.id,
                    'from_location': self.supplier.id,
                    'to_location': store.input_location.id,
                    'unit_price': p.cost_price,
                    'currency': self.company.currency.id,
                    'company': self.company.id, 'effective_date': date,
                    'planned_date': date, 'shipment': str(shipment)}
                for p, lot, q in lines])
        Shipment.receive([shipment])
        Shipment.do([shipment])

    def dispatch(self, from_store, to_store, lines, date, arrival=None,
            short=None):
        """Dispatch [(product, quantity)] on date; confirm it on arrival
        (leave it unconfirmed if None), short by {product: quantity}"""
        pool = self.pool
        Shipment = pool.get('stock.shipment.internal')
        lines = [(p, q) for p, q in lines if q > 0]
        if not lines:
            return
        shipment, = Shipment.create([{
                    'from_location': from_store.storage_location.id,
                    'to_location': to_store.storage_location.id,
                    'company': self.company.id,
                    'planned_start_date': date,
                    'planned_date': arrival or date,
                    'effective_start_date': date,
                    'moves': [('create', [{'product': p.id, 'quantity': q,
                                    'unit': p.default_uom.id,
                                    'from_location':
                                    from_store.storage_location.id,
                                    'to_location':
                                    to_store.storage_location.id,
                                    'company': self.company.id}
                                for p, q in lines])]}])
        Shipment.bhmis_dispatch([shipment])
        if arrival is None:
            return shipment
        shipment = Shipment(shipment.id)
        if short:
            for move in shipment.incoming_moves:
                if move.product in short:
                    move.bhmis_received_quantity = max(
                        move.quantity - short.pop(move.product), 0)
                    move.save()
            shipment.bhmis_short_reason = (
                "Two cartons damaged by rain on the road")
        shipment.effective_date = arrival
        shipment.save()
        Shipment.bhmis_confirm([shipment])
        return shipment

    def month_of(self, facility, district_store, month, first, last,
            last_month, short, by_code):
        """The facility's dispatch of the month and its consumption; return
        the number of documents"""
        rng = self.rng
        today = self.today
        lines = [(by_code[code], round(demand
                    * (1 if code not in SCARCE else 0.5)))
            for code, demand in CONSUMED.items() if code in by_code]
        arrival = month + dt.timedelta(days=8)
        if last_month and last:
            # Not confirmed: overdue by now
            arrival = None
        self.dispatch(district_store.store, facility.store, lines,
            month + dt.timedelta(days=6), arrival,
            short={by_code['ORS-205']: 50} if short else None)
        count = 1
        if arrival is None:
            return count
        end = min((month + dt.timedelta(days=32)).replace(day=1)
            - dt.timedelta(days=1), today - dt.timedelta(days=1))
        demand = {by_code[code]: round(q * rng.uniform(0.8, 1.3))
            for code, q in CONSUMED.items() if code in by_code}
        if first and last_month:
            # Daily entries for the last weeks of the month
            for day in range(10, 31, 5):
                date = month + dt.timedelta(days=day)
                if date > end:
                    break
                if self.issue(facility.store, {p: round(q / 6)
                            for p, q in demand.items()}, date, 'daily'):
                    count += 1
        elif self.issue(facility.store, demand, end, 'monthly'):
            count += 1
        return count

    def available(self, store, products, date):
        "{product: quantity} in the store on date"
        from .stock_check import lot_quantities
        quantities = lot_quantities(store.storage_location,
            [p.id for p in products], date=date)
        Lot = self.pool.get('stock.lot')
        result = {p: 0 for p in products}
        by_id = {p.id: p for p in products}
        for (product_id, lot_id), quantity in quantities.items():
            expiry = Lot(lot_id).expiration_date if lot_id else None
            if lot_id and (not expiry or expiry >= date):
                result[by_id[product_id]] += max(quantity, 0)
        return result

    def issue(self, store, demand, date, period_type):
        "Issue what the store holds of {product: demand} on date"
        Issue = self.pool.get('bhmis.stock.issue')
        held = self.available(store, list(demand), date)
        lines = [{'product': p.id, 'quantity': min(q, held[p])}
            for p, q in demand.items() if min(q, held[p]) > 0]
        if not lines:
            return
        issue, = Issue.create([{'store': store.id, 'date': date,
                    'period_type': period_type,
                    'company': self.company.id,
                    'lines': [('create', lines)]}])
        Issue.propose_lots([issue])
        Issue.do([issue])
        return issue


def months_before(today, count=3):
    "The first days of the count months before today's month"
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def lock_stock_tables():
    """Take the locks of the stock tables for the rest of the transaction.

    The documents lock moves and lots as they go, which Tryton 8 does by
    restarting the transaction with the locks taken first; the demo loader
    runs in one transaction that cannot be restarted, and alone, so it
    takes them up front as Transaction.start would."""
    transaction = Transaction()
    for table in ['stock_move', 'stock_lot']:
        if table not in transaction._locked_tables:
            transaction.database.lock(transaction.connection, table)
            transaction._locked_tables = (
                set(transaction._locked_tables) | {table})


def load_small():
    """Load three months of stock moves of the small demo; return the
    number of documents made (0 when they exist)"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.in')
    Facility = pool.get('bhmis.facility')
    Product = pool.get('product.product')
    Date = pool.get('ir.date')
    Adjustment = pool.get('bhmis.stock.adjustment')
    Inventory = pool.get('stock.inventory')
    if Shipment.search([('reference', 'like', RECEIPT_REFERENCE % '%')],
            limit=1):
        return 0
    district_stores = Facility.search([('type', '=', DISTRICT_STORE)],
        order=[('code', 'ASC')])
    if not district_stores:
        return 0
    lock_stock_tables()
    bhu_keeper()
    record = company()
    with Transaction().set_context(company=record.id,
            companies=[record.id]):
        products = Product.search([('medicine', '=', True)],
            order=[('code', 'ASC')])
        if not products:
            return 0
        rng = random.Random('bhmis-inventory-cost')
        for product in products:
            if not product.cost_price:
                product.cost_price = Decimal(rng.randint(5, 400))
        Product.save(products)
        today = Date.today()
        loader = Loader(record, today)
        by_code = {p.code: p for p in products}
        months = months_before(today)
        loader.first_month = months[0]
        count = 0
        facilities = {ds: Facility.search([
                    ('district', '=', ds.district.id),
                    ('type', 'not in', [MSD, DISTRICT_STORE]),
                    ], order=[('code', 'ASC')])
            for ds in district_stores}
        for number, month in enumerate(months):
            for ds in district_stores:
                lots = loader.lots(products, month, ds)
                loader.receive(ds.store, [(p, lots[p],
                            CONSUMED.get(p.code, 20) * 12)
                        for p in products],
                    month + dt.timedelta(days=1),
                    RECEIPT_REFERENCE % ('%s-%s' % (
                            ds.code, month.strftime('%Y%m'))))
                count += 1
                for facility in facilities[ds]:
                    count += loader.month_of(facility, ds, month,
                        first=facility == facilities[ds][0],
                        last=facility == facilities[ds][-1],
                        last_month=number == len(months) - 1,
                        short=(number == 1 and ds == district_stores[0]
                            and facility == facilities[ds][0]),
                        by_code=by_code)
        # A write-off of damaged stock at the first district store, and a
        # count there that finds a difference
        store = district_stores[0].store
        held = loader.available(store, [by_code['PCM-500T']], today)
        if held[by_code['PCM-500T']] >= 30:
            lot = _first_lot(loader, store, by_code['PCM-500T'], today)
            adjustment, = Adjustment.create([{'store': store.id,
                        'date': today - dt.timedelta(days=3),
                        'reason': 'damaged', 'company': record.id,
                        'description': "Water damage in the store room",
                        'lines': [('create', [{
                                        'product': by_code['PCM-500T'].id,
                                        'lot': lot.id, 'quantity': -30}])]}])
            Adjustment.post([adjustment])
            count += 1
        inventory, = Inventory.create([{
                    'location': store.storage_location.id,
                    'company': record.id,
                    'date': today - dt.timedelta(days=1)}])
        Inventory.complete_lines([inventory])
        inventory = Inventory(inventory.id)
        counted = [l for l in inventory.lines
            if l.product.code == 'IBU-400T' and l.expected_quantity][:1]
        for line in inventory.lines:
            line.quantity = line.expected_quantity
            if line in counted:
                line.quantity = line.expected_quantity - 12
        inventory.save()
        Inventory.confirm([inventory])
        count += 1
    return count


def _first_lot(loader, store, product, date):
    from .stock_check import lot_quantities
    Lot = loader.pool.get('stock.lot')
    quantities = lot_quantities(store.storage_location, [product.id],
        date=date)
    lots = [Lot(lot_id) for (_, lot_id), q in quantities.items()
        if lot_id and q >= 30]
    return sorted(lots, key=lambda l: (l.expiration_date, l.id))[0]
