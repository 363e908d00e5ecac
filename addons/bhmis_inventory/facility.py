# SPDX-License-Identifier: GPL-3.0-or-later
"""Every facility of the registry has its store, from the day it is
created."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Facility(metaclass=PoolMeta):
    __name__ = 'bhmis.facility'
    # A store keeper also reads the facilities at the other end of their
    # dispatches (the store that supplies theirs, the stores theirs
    # supplies), as they read those stores; they change only their own
    _scope_facility = ('id', 'locations.supplied_stores.facility',
        'locations.parent_store.facility')
    _scope_write = ('id',)
    locations = fields.One2Many('stock.location', 'facility', "Locations",
        readonly=True)
    store = fields.Function(fields.Many2One('stock.location', "Store",
            help="The facility's store (a warehouse) where its medicines "
            "are kept."),
        'get_store')

    @classmethod
    def get_store(cls, facilities, name):
        from .stock import stores_of
        stores = stores_of(facilities)
        return {f.id: stores[f.id].id if f.id in stores else None
            for f in facilities}

    @classmethod
    def on_modification(cls, mode, facilities, field_names=None):
        pool = Pool()
        Location = pool.get('stock.location')
        super().on_modification(mode, facilities, field_names=field_names)
        if mode == 'create':
            Location.create_stores(facilities)
        elif mode == 'write' and (field_names or set()) & {'code', 'name'}:
            Location.rename_stores(facilities)

    @classmethod
    def delete(cls, facilities):
        pool = Pool()
        Location = pool.get('stock.location')
        Location.delete_stores(facilities)
        super().delete(facilities)
