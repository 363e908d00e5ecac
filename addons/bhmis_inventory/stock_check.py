# SPDX-License-Identifier: GPL-3.0-or-later
"""Stock never goes negative: before stock leaves a store, the lots are
locked and their quantity in the store is read again.

Tryton 8 locks records at the start of a transaction: the first attempt to
lock the lots aborts the transaction, and Tryton's dispatcher (and proteus,
and the test decorator) restarts it with the lots locked before anything
is read. A second store keeper who wants the same lot waits for the first
to commit (or fails after the configured retries) and then reads the stock
that is left, so two issues of the last units cannot both succeed. SQLite
runs one writing transaction at a time."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

from .exceptions import InsufficientStockError, StoreScopeError


def lock_lots(lot_ids):
    "Lock the lots against a concurrent removal of their stock"
    Lot = Pool().get('stock.lot')
    lot_ids = sorted(set(lot_ids))
    if lot_ids:
        Lot.lock(Lot.browse(lot_ids))


def lot_quantities(location, product_ids, date=None):
    """Return {(product id, lot id): quantity} in the location and its
    children, counting what is already reserved: the least of what it holds
    today and on date, so that a back-dated entry does not take the stock
    of that day below zero"""
    pool = Pool()
    Product = pool.get('product.product')
    Date = pool.get('ir.date')
    today = Date.today()
    dates = {today}
    if date and date < today:
        dates.add(date)
    by_date = []
    for end in sorted(dates):
        with Transaction().set_context(stock_date_end=end,
                stock_assign=True, forecast=False):
            quantities = Product.products_by_location([location.id],
                with_childs=True, grouping=('product', 'lot'),
                grouping_filter=(list(set(product_ids)),))
        totals = defaultdict(float)
        for (_, product_id, lot_id), quantity in quantities.items():
            totals[(product_id, lot_id)] += quantity
        by_date.append(totals)
    keys = set().union(*by_date)
    result = {k: min(t.get(k, 0) for t in by_date) for k in keys}
    return result


def reserve(location, requests, date=None):
    """Check that the location holds requests ({(product, lot): quantity});
    lock the lots first; raise InsufficientStockError otherwise"""
    lock_lots(lot.id for _, lot in requests)
    available = lot_quantities(location,
        [product.id for product, _ in requests], date=date)
    for (product, lot), quantity in requests.items():
        have = available.get((product.id, lot.id), 0)
        if product.default_uom.round(quantity - have) > 0:
            raise InsufficientStockError(gettext(
                    'bhmis_inventory.msg_insufficient_stock',
                    product=product.rec_name, lot=lot.rec_name,
                    store=(location.warehouse or location).rec_name,
                    available=product.default_uom.round(max(have, 0)),
                    quantity=quantity))


def check_store_scope(store):
    "The user must answer for the facility of the store"
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return
    unrestricted, districts, facilities = User.get_bhmis_scope()
    facility = store.facility
    if (unrestricted or facility is None or facility.id in facilities
            or facility.district.id in districts):
        return
    raise StoreScopeError(gettext('bhmis_inventory.msg_store_scope',
            store=store.rec_name))


def check_locations_readable(location_ids):
    """Quantities are asked only of locations the user reads: a store
    keeper cannot learn another district's stock through the context"""
    pool = Pool()
    Location = pool.get('stock.location')
    if not Transaction().user or not location_ids:
        return
    ids = sorted({int(i) for i in location_ids})
    with check_access():
        found = {l.id for l in Location.search([('id', 'in', ids)],
                order=[])}
    if set(ids) - found:
        raise StoreScopeError(gettext(
                'bhmis_inventory.msg_locations_scope'))
