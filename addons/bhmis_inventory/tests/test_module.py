# SPDX-License-Identifier: GPL-3.0-or-later
import random

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from bhmis_base.tests.tools import (
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_inventory import demo, setup
from bhmis_inventory.exceptions import MedicineTrackingError
from bhmis_inventory.tests.tools import create_medicine


class InventoryTestCase(CompanyTestMixin, ModuleTestCase):
    "Test bhmis_inventory module"
    module = 'bhmis_inventory'

    def setup_province(self):
        "The MSD, two district stores and a facility in each district"
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        return {
            'msd': create_facility('MSD', quetta, type='msd'),
            'q-store': create_facility('Q-DS', quetta, type='district_store'),
            'p-store': create_facility('P-DS', pishin, type='district_store'),
            'q-bhu': create_facility('Q-BHU', quetta),
            'p-bhu': create_facility('P-BHU', pishin),
            }

    @with_transaction()
    def test_facility_gets_store_with_parent(self):
        "Each new facility has its warehouse, supplied along MSD → district"
        facilities = self.setup_province()
        stores = {name: f.store for name, f in facilities.items()}
        for name, store in stores.items():
            with self.subTest(facility=name):
                self.assertEqual((store.type, store.code, store.name),
                    ('warehouse', facilities[name].code,
                        facilities[name].name))
                for location in [store.input_location,
                        store.output_location, store.storage_location]:
                    self.assertEqual(
                        (location.type, location.parent, location.facility),
                        ('storage', store, facilities[name]),
                        msg="the store's locations belong to the facility")
        self.assertEqual({name: s.parent_store for name, s in stores.items()},
            {'msd': None, 'q-store': stores['msd'],
                'p-store': stores['msd'], 'q-bhu': stores['q-store'],
                'p-bhu': stores['p-store']})

    @with_transaction()
    def test_many_stores_at_once(self):
        """A batch of facilities larger than a store batch gets its stores
        with the location tree rebuilt once: each store's locations are
        its children, and the stock in them is the store's"""
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        Location = pool.get('stock.location')
        from bhmis_inventory.stock import STORE_BATCH
        quetta = create_district('QUETTA')
        create_facility('Q-DS', quetta, type='district_store')
        facilities = Facility.create([{'code': 'BHU-%03d' % n,
                    'name': "BHU %s" % n, 'type': 'bhu',
                    'district': quetta.id}
                for n in range(STORE_BATCH + 20)])
        stores = [f.store for f in facilities]
        self.assertEqual(len({s.id for s in stores}), STORE_BATCH + 20)
        for store in [stores[0], stores[STORE_BATCH], stores[-1]]:
            with self.subTest(store=store.code):
                children = Location.search([
                        ('parent', 'child_of', [store.id]),
                        ('id', '!=', store.id)])
                self.assertEqual(set(children), {store.input_location,
                        store.output_location, store.storage_location})
                self.assertEqual(store.parent_store.code, 'Q-DS')
        new = create_facility('Q-BHU', quetta)
        self.assertEqual(len(Location.search([
                        ('parent', 'child_of', [new.store.id])])), 4,
            msg="a store made alone after them keeps the tree right")

    @with_transaction()
    def test_store_before_its_supplier(self):
        "setup fills in the parent of stores made before their supplier"
        Location = Pool().get('stock.location')
        quetta = create_district('QUETTA')
        bhu = create_facility('Q-BHU', quetta)
        self.assertIsNone(bhu.store.parent_store, msg="no supplier yet")
        store = create_facility('Q-DS', quetta, type='district_store')
        self.assertEqual(setup.run(), 0, msg="every facility has its store")
        self.assertEqual(Location(bhu.store.id).parent_store, store.store)
        self.assertEqual(setup.run(), 0, msg="idempotent")
        self.assertEqual(Location.search_count([
                    ('type', '=', 'warehouse'),
                    ('facility', '!=', None)]), 2)

    @with_transaction()
    def test_parent_store_editable(self):
        "An administrator may supply a facility from another store"
        Location = Pool().get('stock.location')
        facilities = self.setup_province()
        store = facilities['q-bhu'].store
        Location.write([store], {'parent_store': facilities['msd'].store.id})
        self.assertEqual(store.parent_store, facilities['msd'].store)

    @with_transaction()
    def test_store_follows_facility_name(self):
        Facility = Pool().get('bhmis.facility')
        facilities = self.setup_province()
        Facility.write([facilities['q-bhu']], {'name': "BHU Kuchlak"})
        self.assertEqual(facilities['q-bhu'].store.name, "BHU Kuchlak")

    @with_transaction()
    def test_facility_without_stock_deleted_with_store(self):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        Location = pool.get('stock.location')
        facilities = self.setup_province()
        before = Location.search_count([])
        Facility.delete([facilities['q-bhu']])
        self.assertEqual(Location.search_count([]), before - 4)

    @with_transaction()
    def test_store_keeper_sees_own_store_only(self):
        Location = Pool().get('stock.location')
        facilities = self.setup_province()
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-bhu']])
        own = facilities['q-bhu'].store
        with as_user(keeper):
            stores = Location.search([('type', '=', 'warehouse'),
                    ('facility', '!=', None)])
            self.assertEqual(set(stores), {Location(own.id),
                    Location(facilities['q-store'].store.id)},
                msg="its store and the store that supplies it")
            self.assertEqual(len(Location.search([
                            ('parent', 'child_of', [own.id])])), 4,
                msg="the store and its input, output and storage")
            other = facilities['p-bhu'].store.id
            self.assertEqual(Location.search([('id', '=', other)]), [])
            with self.assertRaises(AccessError):
                Location.read([other], ['name'])
            self.assertEqual(Location.search([
                        ('id', '=', facilities['q-store'].store.id)])[0]
                .storage_location.name, "Storage",
                msg="the supplier's locations, where a dispatch comes from")
            self.assertTrue(Location.search([('type', '=', 'supplier')]),
                msg="Tryton's supplier location is everyone's")
            self.assertTrue(Location.search([('type', '=', 'customer')]))
            self.assertTrue(Location.search([('type', '=', 'lost_found')]))

    @with_transaction()
    def test_dho_sees_district_stores(self):
        Location = Pool().get('stock.location')
        facilities = self.setup_province()
        dho = create_user('dho', 'group_dho',
            districts=[facilities['q-bhu'].district])
        with as_user(dho):
            codes = {s.code for s in Location.search([
                        ('type', '=', 'warehouse'),
                        ('facility', '!=', None)])}
        self.assertEqual(codes, {'MSD', 'Q-DS', 'Q-BHU'},
            msg="the MSD is in Quetta too")

    @with_transaction()
    def test_store_keeper_cannot_reassign_supply(self):
        Location = Pool().get('stock.location')
        facilities = self.setup_province()
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-bhu']])
        store = facilities['q-bhu'].store
        with as_user(keeper), self.assertRaises(AccessError):
            Location.write([Location(store.id)], {'parent_store': None})

    @with_transaction()
    def test_medicine_flags_and_lots(self):
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        medicine = create_medicine('AMX-250', "Amoxicillin", '250 mg',
            dosage_form='capsule', unit='cap', category_code='ANTIBIOTIC',
            essential=True, tracer=True)
        self.assertEqual(medicine.name, "Amoxicillin 250 mg Capsule")
        product, = medicine.products
        self.assertEqual((product.code, product.generic_name,
                product.dosage_form, product.default_uom.symbol,
                product.therapeutic_category.code, product.essential,
                product.tracer, product.cold_chain),
            ('AMX-250', "Amoxicillin", 'capsule', 'cap', 'ANTIBIOTIC', True,
                True, False))
        self.assertEqual(medicine.expiration_state, 'required',
            msg="every lot has an expiry date")
        supplier, = Location.search([('type', '=', 'supplier')], limit=1)
        storage, = Location.search([('type', '=', 'storage')], limit=1)
        self.assertTrue(product.lot_is_required(supplier, storage),
            msg="every receipt names its lot")
        with self.assertRaises(MedicineTrackingError):
            Template.write([medicine], {'lot_required': ['supplier']})
        with self.assertRaises(MedicineTrackingError):
            Template.write([medicine], {'expiration_state': 'optional'})
        self.assertEqual(Product.search([('tracer', '=', True)]), [product])

    @with_transaction()
    def test_store_keeper_cannot_edit_catalogue(self):
        Template = Pool().get('product.template')
        medicine = create_medicine('PCM-500', "Paracetamol")
        keeper = create_user('keeper', 'group_store_keeper')
        with as_user(keeper):
            self.assertEqual(len(Template.search(
                        [('medicine', '=', True)])), 1)
            with self.assertRaises(AccessError):
                Template.write([Template(medicine.id)], {'tracer': True})

    @with_transaction()
    def test_demo(self):
        "The demo catalogue has the tracer medicines; loading it twice adds "
        "nothing"
        Template = Pool().get('product.template')
        create_facility('Q-BHU', create_district('QUETTA'))
        self.assertEqual(demo.load('small', random.Random(1)), 42)
        self.assertEqual(demo.load('small', random.Random(1)), 0)
        tracers = {t.generic_name for t in Template.search(
                [('tracer', '=', True)])}
        self.assertEqual(len(tracers), 15, msg=sorted(tracers))
        self.assertEqual(len(demo.catalogue('province')), 150)


del ModuleTestCase
