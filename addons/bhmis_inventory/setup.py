# SPDX-License-Identifier: GPL-3.0-or-later
"""What every BHMIS database needs for inventory: a store for each facility
of the registry, with its parent store for supply. Idempotent."""
from trytond.pool import Pool


def run():
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Location = pool.get('stock.location')
    facilities = Facility.search([], order=[('code', 'ASC')])
    stores = Location.create_stores(facilities)
    # Stores created before their district store or the MSD existed
    Location.set_parent_stores()
    return len(stores)
