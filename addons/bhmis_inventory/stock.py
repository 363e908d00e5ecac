# SPDX-License-Identifier: GPL-3.0-or-later
"""Stores: each facility's Tryton warehouse, with the store that supplies it.

Every location of a store knows its facility, which scopes it: a store keeper
sees only their facility's locations, a district officer their district's.
Locations of no facility (Tryton's supplier, customer and lost-and-found
locations) stay visible to everyone who uses stock.
"""
from collections import defaultdict

from sql import Null
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from bhmis_base.scope import install_scope_rule

# The stores that supply others: the provincial depot supplies the district
# stores, which supply the facilities of their district
MSD, DISTRICT_STORE = 'msd', 'district_store'
STORE_BATCH = 100
# A store keeper also sees the store that supplies theirs and the stores
# theirs supplies (with their locations): the two ends of a dispatch
SCOPE_DOMAIN = [If(Eval('bhmis_unrestricted', False), [], [
            'OR',
            ('facility', '=', None),
            ('facility', 'in', Eval('facilities', [])),
            ('facility.district', 'in', Eval('districts', [])),
            ('supplied_stores.facility', 'in', Eval('own_facilities', [])),
            ('parent.supplied_stores.facility', 'in',
                Eval('own_facilities', [])),
            ('parent_store.facility', 'in', Eval('own_facilities', [])),
            ('parent.parent_store.facility', 'in', Eval('own_facilities', [])),
            ])]


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'
    facility = fields.Many2One('bhmis.facility', "Facility",
        ondelete='RESTRICT', readonly=True,
        help="The health facility whose store this location belongs to.")
    parent_store = fields.Many2One('stock.location', "Supplied From",
        ondelete='RESTRICT',
        domain=[
            ('type', '=', 'warehouse'),
            ('id', '!=', Eval('id', -1)),
            ],
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        help="The store that supplies this one: the Medical Stores Depot "
        "supplies the district stores, a district store the facilities of "
        "its district.")
    supplied_stores = fields.One2Many(
        'stock.location', 'parent_store', "Supplies", readonly=True,
        states={
            'invisible': Eval('type') != 'warehouse',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.facility, Index.Equality()),
                    (t.type, Index.Equality())),
                Index(t, (t.parent_store, Index.Equality())),
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__, SCOPE_DOMAIN)

    @classmethod
    def _update_mptt(cls, field_names, list_ids, values=None):
        """Many stores created at once leave the location tree to be
        rebuilt once at the end (create_stores): Tryton updates it record by
        record for a batch smaller than the table, each update rewriting
        half of it, and the province's 1,831 stores took minutes on
        PostgreSQL"""
        if Transaction().context.get('_bhmis_defer_tree'):
            return
        super()._update_mptt(field_names, list_ids, values=values)

    @classmethod
    def _set_warehouse_parent(cls, locations):
        """Stores created by create_stores get their children's parent in
        one UPDATE per batch: Tryton saves each child alone, and each save
        validates every warehouse of the database (quadratic: hours for the
        province's 1,800 stores)"""
        if not Transaction().context.get('_bhmis_new_stores'):
            return super()._set_warehouse_parent(locations)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        children = []
        for location in locations:
            if location.type != 'warehouse':
                continue
            ids = [location.input_location.id, location.output_location.id,
                location.storage_location.id]
            cursor.execute(*table.update([table.parent], [location.id],
                    where=table.id.in_(ids) & (table.parent == Null)))
            children.extend(ids)
        if children:
            cls._update_mptt(['parent'], [children])
            # What Tryton's write does: forget the children's cached values
            transaction = Transaction()
            transaction.counter += 1
            for cache in transaction.cache.values():
                if cls.__name__ in cache:
                    for id_ in children:
                        cache[cls.__name__].pop(id_, None)

    @classmethod
    def store_values(cls, facility):
        "The values of the warehouse of the facility and of its locations"
        def location(name, code):
            return {'name': name, 'code': '%s-%s' % (facility.code, code),
                'type': 'storage', 'facility': facility.id}
        return {
            'name': facility.name,
            'code': facility.code,
            'type': 'warehouse',
            'facility': facility.id,
            'input_location': location("Input", 'IN'),
            'output_location': location("Output", 'OUT'),
            'storage_location': location("Storage", 'STO'),
            }

    @classmethod
    def create_stores(cls, facilities):
        """Create the store of each facility that has none; set the parents
        of stores that have none; return the new stores"""
        with without_check_access(), Transaction().set_user(0):
            existing = {s.facility.id for s in cls.search([
                        ('type', '=', 'warehouse'),
                        ('facility', 'in', [f.id for f in facilities]),
                        ])}
            missing = [f for f in facilities if f.id not in existing]
            defer = len(missing) > STORE_BATCH
            with Transaction().set_context(_bhmis_new_stores=True,
                    _bhmis_defer_tree=defer):
                stores = cls._create_stores(missing)
            if defer:
                cls._rebuild_tree('parent', None, 0)
            cls.set_parent_stores()
        return stores

    @classmethod
    def _create_stores(cls, facilities):
        plans = [cls.store_values(f) for f in facilities]
        children = {}
        for name in ['input_location', 'output_location',
                'storage_location']:
            children[name] = cls.create([p[name] for p in plans])
        for number, plan in enumerate(plans):
            for name, records in children.items():
                plan[name] = records[number].id
        # In batches: validating the domains of 1,800 warehouses at once
        # builds an SQL expression deeper than SQLite allows
        stores = []
        for batch in grouped_slice(plans, STORE_BATCH):
            stores.extend(cls.create(list(batch)))
        return stores

    @classmethod
    def set_parent_stores(cls, stores=None):
        """Give a parent store to the stores without one (all when stores is
        None): the MSD's for a district store, else its district store's or
        the MSD's"""
        if stores is None:
            stores = cls.search([
                    ('type', '=', 'warehouse'),
                    ('facility', '!=', None),
                    ('parent_store', '=', None),
                    ('facility.type', '!=', MSD),
                    ])
        if not stores:
            return
        suppliers = cls.search([
                ('type', '=', 'warehouse'),
                ('facility.type', 'in', [MSD, DISTRICT_STORE]),
                ('facility.status', '!=', 'closed'),
                ], order=[('code', 'DESC')])
        # The first store by code wins when a district has two
        msd, districts = None, {}
        for supplier in suppliers:
            if supplier.facility.type == MSD:
                msd = supplier
            else:
                districts[supplier.facility.district.id] = supplier
        children = defaultdict(list)
        for store in stores:
            if store.parent_store or store.facility.type == MSD:
                continue
            parent = msd
            if store.facility.type != DISTRICT_STORE:
                parent = districts.get(store.facility.district.id, msd)
            if parent and parent != store:
                children[parent.id].append(store)
        # One write per supplier and batch: the domain of parent_store is
        # validated with one SQL expression per record
        for parent_id, supplied in children.items():
            for batch in grouped_slice(supplied, STORE_BATCH):
                cls.write(list(batch), {'parent_store': parent_id})

    @classmethod
    def rename_stores(cls, facilities):
        "Keep the names of the stores those of their facilities"
        with without_check_access(), Transaction().set_user(0):
            stores = cls.search([
                    ('type', '=', 'warehouse'),
                    ('facility', 'in', [f.id for f in facilities]),
                    ])
            to_write = []
            for store in stores:
                facility = store.facility
                if (store.name, store.code) != (facility.name, facility.code):
                    to_write.extend(([store], {
                                'name': facility.name,
                                'code': facility.code}))
            if to_write:
                cls.write(*to_write)

    @classmethod
    def delete_stores(cls, facilities):
        """Delete the stores of the facilities; refused by the database once
        stock has moved through them"""
        with without_check_access(), Transaction().set_user(0):
            stores = cls.search([
                    ('type', '=', 'warehouse'),
                    ('facility', 'in', [f.id for f in facilities]),
                    ])
            cls.write(cls.search([
                        ('parent_store', 'in', [s.id for s in stores]),
                        ]), {'parent_store': None})
            cls.delete(stores)


def stores_of(facilities):
    "Return {facility id: warehouse} of the facilities"
    Location = Pool().get('stock.location')
    return {s.facility.id: s for s in Location.search([
                ('type', '=', 'warehouse'),
                ('facility', 'in', [f.id for f in facilities]),
                ])}
