# SPDX-License-Identifier: GPL-3.0-or-later
"""The equipment register: status workflow and history, maintenance,
reliability, transfers, scoping and the equipment status report."""
import datetime as dt
import io
import random

import openpyxl
import pytest
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from bhmis_base import demo as base_demo
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_inventory import demo_equipment, equipment_report, reliability
from bhmis_inventory.exceptions import (
    EquipmentCondemnedError,
    EquipmentTransferError,
)

D = dt.datetime


def category(code='XRAY'):
    Category = Pool().get('bhmis.equipment.category')
    record, = Category.search([('code', '=', code)])
    return record


def create_equipment(tag, facility, code='XRAY', **values):
    Equipment = Pool().get('bhmis.equipment')
    item, = Equipment.create([dict(asset_tag=tag, facility=facility.id,
                category=category(code).id, **values)])
    return item


def report_breakdown(item, reported, finished=None, started=None):
    "A corrective maintenance, repaired at finished when given"
    Maintenance = Pool().get('bhmis.equipment.maintenance')
    maintenance, = Maintenance.create([{
                'equipment': item.id, 'type': 'corrective',
                'reported': reported}])
    if finished:
        Maintenance.start([maintenance])
        Maintenance.write([maintenance], {
                'started': started or reported, 'finished': finished})
        Maintenance.finish([maintenance])
    return maintenance


class EquipmentTestCase(DBTestCase):
    "Test the equipment of bhmis_inventory"
    module = 'bhmis_inventory'

    def setup_facilities(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        return {
            'q-dhq': create_facility('Q-DHQ', quetta, type='dhq'),
            'q-bhu': create_facility('Q-BHU', quetta),
            'p-dhq': create_facility('P-DHQ', pishin, type='dhq'),
            }

    @with_transaction()
    def test_register(self):
        "An item registered gets its first preventive date from its category"
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'],
            make="Shimadzu", model_name="MobileDaRt",
            acquisition_date=dt.date(2026, 1, 10))
        self.assertEqual(item.status, 'functional')
        self.assertEqual(item.rec_name, 'BAL-0001 (X-ray Machine)')
        self.assertEqual(item.district, facilities['q-dhq'].district)
        self.assertEqual(item.next_preventive_date, dt.date(2026, 7, 9),
            msg="an X-ray machine is serviced every 180 days")
        own = create_equipment('BAL-0002', facilities['q-dhq'],
            acquisition_date=dt.date(2026, 1, 10), preventive_interval=30)
        self.assertEqual(own.next_preventive_date, dt.date(2026, 2, 9),
            msg="the item's interval wins over its category's")
        self.assertEqual(category('XRAY').equipment_count, 2)

    @with_transaction()
    def test_asset_tag_unique(self):
        facilities = self.setup_facilities()
        create_equipment('BAL-0001', facilities['q-dhq'])
        with self.assertRaises(ValidationError) as raised:
            create_equipment('BAL-0001', facilities['p-dhq'], code='ECG')
        self.assertIn('asset tag', str(raised.exception))

    @with_transaction()
    def test_bad_input_refused(self):
        facilities = self.setup_facilities()
        for values in [{'acquisition_cost': -5},
                {'preventive_interval': 0}]:
            with self.subTest(values=values), \
                    self.assertRaises(ValidationError):
                create_equipment('BAD', facilities['q-dhq'], **values)

    @with_transaction()
    def test_status_workflow_and_history(self):
        Equipment = Pool().get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'])
        Equipment.mark_non_functional([item])
        Equipment.mark_under_repair([item])
        Equipment.mark_functional([item])
        Equipment.condemn([item])
        self.assertEqual(item.status, 'condemned')
        Equipment.mark_functional([item])
        self.assertEqual(item.status, 'condemned',
            msg="condemned equipment stays condemned")
        history = [(c.previous_status, c.status)
            for c in reversed(item.status_changes)]
        self.assertEqual(history, [(None, 'functional'),
                ('functional', 'non_functional'),
                ('non_functional', 'under_repair'),
                ('under_repair', 'functional'),
                ('functional', 'condemned')])
        self.assertEqual({c.user.id for c in item.status_changes},
            {Transaction().user})
        with self.assertRaises(EquipmentCondemnedError):
            report_breakdown(item, D(2026, 3, 1))
        with self.assertRaises(EquipmentCondemnedError):
            Equipment.request_preventive([item])

    @with_transaction()
    def test_corrective_maintenance(self):
        "A breakdown stops the item until its repair is done"
        Maintenance = Pool().get('bhmis.equipment.maintenance')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'])
        first = report_breakdown(item, D(2026, 3, 1, 9))
        self.assertEqual(item.status, 'non_functional')
        second = report_breakdown(item, D(2026, 3, 2, 9))
        Maintenance.start([first])
        self.assertEqual((first.state, item.status),
            ('in_progress', 'under_repair'))
        self.assertTrue(first.started >= first.reported)
        Maintenance.finish([first])
        self.assertEqual(first.state, 'done')
        self.assertEqual(item.status, 'under_repair',
            msg="another breakdown is still open")
        Maintenance.cancel([second])
        self.assertEqual(item.status, 'functional',
            msg="the breakdown reported in error is cancelled")
        self.assertEqual(Maintenance.search([('facility', '=',
                        facilities['q-dhq'].id)], count=True), 2)

    @with_transaction()
    def test_maintenance_finished_before_started(self):
        Maintenance = Pool().get('bhmis.equipment.maintenance')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'])
        maintenance = report_breakdown(item, D(2026, 3, 1, 9))
        Maintenance.start([maintenance])
        with self.assertRaises(ValidationError):
            Maintenance.write([maintenance], {
                    'started': D(2026, 3, 2), 'finished': D(2026, 3, 1)})

    @with_transaction()
    def test_preventive_due_and_schedule(self):
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Maintenance = pool.get('bhmis.equipment.maintenance')
        facilities = self.setup_facilities()
        due = create_equipment('DUE', facilities['q-dhq'], code='GENERATOR',
            acquisition_date=dt.date(2026, 1, 1))
        later = create_equipment('LATER', facilities['q-dhq'],
            acquisition_date=dt.date(2026, 1, 1))
        condemned = create_equipment('GONE', facilities['q-dhq'],
            code='GENERATOR', acquisition_date=dt.date(2026, 1, 1))
        Equipment.condemn([condemned])
        self.assertEqual(due.next_preventive_date, dt.date(2026, 1, 31))
        overdue = Equipment.search([
                ('next_preventive_date', '<', dt.date(2026, 2, 15)),
                ('status', '!=', 'condemned')])
        self.assertEqual(overdue, [due], msg="the due list")
        requests = Equipment.request_due_preventive(dt.date(2026, 2, 15))
        self.assertEqual([(r.equipment, r.type, r.state) for r in requests],
            [(due, 'preventive', 'requested')])
        self.assertEqual(due.status, 'functional',
            msg="a preventive request leaves the item working")
        self.assertEqual(
            Equipment.request_due_preventive(dt.date(2026, 2, 15)), [],
            msg="one open request per item")
        request, = requests
        Maintenance.start([request])
        # Requested now: serviced the next day, in 3 hours
        started = request.reported + dt.timedelta(days=1)
        Maintenance.write([request], {'started': started,
                'finished': started + dt.timedelta(hours=3)})
        Maintenance.finish([request])
        self.assertEqual(due.next_preventive_date,
            request.finished.date() + dt.timedelta(days=30),
            msg="due again 30 days after the servicing")
        self.assertEqual(request.repair_hours, 27.0,
            msg="from the request to the end of the work")
        self.assertEqual(later.next_preventive_date, dt.date(2026, 6, 30))

    @with_transaction()
    def test_mtbf_mttr(self):
        "MTBF and MTTR of an item and its category, computed by hand"
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Maintenance = pool.get('bhmis.equipment.maintenance')
        Category = pool.get('bhmis.equipment.category')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'],
            acquisition_date=dt.date(2026, 1, 1))
        other = create_equipment('BAL-0002', facilities['p-dhq'],
            acquisition_date=dt.date(2026, 1, 31))
        report_breakdown(item, D(2026, 1, 11), D(2026, 1, 11, 10))
        report_breakdown(item, D(2026, 1, 21), D(2026, 1, 22, 6))
        cancelled = report_breakdown(item, D(2026, 1, 25))
        Maintenance.cancel([cancelled])
        with Transaction().set_context(reliability_date=dt.date(2026, 1, 31)):
            item, other = Equipment.browse([item.id, other.id])
            # 31 days in service = 744 h, down 10 h + 30 h
            self.assertEqual((item.failures, item.mtbf, item.mttr),
                (2, (744 - 40) / 2, 20.0))
            self.assertEqual((other.failures, other.mtbf, other.mttr),
                (0, None, None), msg="no failure: nothing to measure")
            xray, = Category.browse([category('XRAY').id])
            self.assertEqual((xray.equipment_count, xray.failures,
                    xray.mtbf, xray.mttr),
                (2, 2, (704 + 24) / 2, 20.0))

    @with_transaction()
    def test_transfer_keeps_history(self):
        Transfer = Pool().get('bhmis.equipment.transfer')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'],
            department="Radiology")
        for source, target in [('q-dhq', 'p-dhq'), ('p-dhq', 'q-bhu')]:
            transfer, = Transfer.create([{'equipment': item.id,
                        'to_facility': facilities[target].id,
                        'to_department': "OPD",
                        'date': dt.date(2026, 2, 1),
                        'reason': "Needed there"}])
            Transfer.send([transfer])
            self.assertEqual((transfer.state, item.facility),
                ('sent', facilities[source]),
                msg="the item stays until received")
            Transfer.do([transfer])
            self.assertEqual((transfer.state, transfer.from_facility),
                ('done', facilities[source]))
        self.assertEqual((item.facility, item.department),
            (facilities['q-bhu'], "OPD"))
        self.assertEqual(
            sorted((t.from_facility.code, t.to_facility.code)
                for t in item.transfers),
            [('P-DHQ', 'Q-BHU'), ('Q-DHQ', 'P-DHQ')],
            msg="the past locations")

    @with_transaction()
    def test_transfer_refused(self):
        pool = Pool()
        Transfer = pool.get('bhmis.equipment.transfer')
        Facility = pool.get('bhmis.facility')
        Equipment = pool.get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('BAL-0001', facilities['q-dhq'])
        with self.assertRaises(EquipmentTransferError):
            Transfer.create([{'equipment': item.id,
                        'to_facility': facilities['q-dhq'].id}])
        transfer, = Transfer.create([{'equipment': item.id,
                    'to_facility': facilities['p-dhq'].id}])
        Facility.close([facilities['p-dhq']])
        with self.assertRaises(EquipmentTransferError) as raised:
            Transfer.send([transfer])
        self.assertIn('closed', str(raised.exception))
        self.assertEqual((item.facility, transfer.state),
            (facilities['q-dhq'], 'draft'), msg="nothing moved")
        with self.assertRaises(ValidationError):
            Transfer.create([{'equipment': item.id,
                        'to_facility': facilities['p-dhq'].id}])
        Equipment.condemn([item])
        with self.assertRaises(ValidationError):
            Transfer.create([{'equipment': item.id,
                        'to_facility': facilities['q-bhu'].id}])

    @with_transaction()
    def test_store_keeper_scope(self):
        "A store keeper registers, reports and sends their facility's items"
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Transfer = pool.get('bhmis.equipment.transfer')
        facilities = self.setup_facilities()
        theirs = create_equipment('P-1', facilities['p-dhq'])
        keeper = create_user('keeper', 'group_store_keeper',
            facilities=[facilities['q-dhq']])
        other = create_user('other', 'group_store_keeper',
            facilities=[facilities['q-bhu']])
        with as_user(keeper):
            own = create_equipment('Q-1', facilities['q-dhq'])
            self.assertEqual(Equipment.search([]), [own])
            with self.assertRaises(AccessError):
                Equipment.read([theirs.id], ['asset_tag'])
            report_breakdown(own, D(2026, 3, 1))
            self.assertEqual(own.status, 'non_functional')
            # Another district is the province's to send to
            with self.assertRaises(AccessError):
                Transfer.create([{'equipment': own.id,
                            'to_facility': facilities['p-dhq'].id}])
        self.assertEqual(Transfer.search([]), [])
        transfer, = Transfer.create([{'equipment': own.id,
                    'to_facility': facilities['p-dhq'].id}])
        Transfer.send([transfer])
        Transfer.do([transfer])
        with as_user(keeper):
            self.assertEqual(Equipment.search([]), [],
                msg="the item left the keeper's facility")
            self.assertEqual(Transfer.search([]), [transfer],
                msg="the sender keeps the transfer")
        with as_user(other):
            self.assertEqual(Equipment.search([]), [])
            self.assertEqual(Transfer.search([]), [])
        self.assertEqual(Equipment(own.id).facility, facilities['p-dhq'])

    @with_transaction()
    def test_dho_reads_district_only(self):
        Equipment = Pool().get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('Q-1', facilities['q-bhu'])
        create_equipment('P-1', facilities['p-dhq'])
        dho = create_user('dho', 'group_dho',
            districts=[facilities['q-bhu'].district])
        with as_user(dho):
            self.assertEqual([e.asset_tag for e in Equipment.search([])],
                ['Q-1'])
            with self.assertRaises(AccessError):
                Equipment.write([Equipment(item.id)], {'department': "X"})
            with self.assertRaises(AccessButtonError):
                Equipment.mark_non_functional([Equipment(item.id)])
        self.assertEqual(item.status, 'functional')

    @with_transaction()
    def test_least_privileged_cannot_change_status(self):
        "A user of no BHMIS role neither reads equipment nor changes it"
        Equipment = Pool().get('bhmis.equipment')
        facilities = self.setup_facilities()
        item = create_equipment('Q-1', facilities['q-bhu'])
        nobody = create_user('nobody', facilities=[facilities['q-bhu']])
        with as_user(nobody):
            with self.assertRaises(AccessError):
                Equipment.mark_non_functional([Equipment(item.id)])
            with self.assertRaises(AccessError):
                Equipment.search([])
        self.assertEqual(item.status, 'functional')

    @with_transaction()
    def test_status_report(self):
        "The report counts by status and lists the items that do not work"
        Equipment = Pool().get('bhmis.equipment')
        facilities = self.setup_facilities()
        working = create_equipment('Q-1', facilities['q-dhq'],
            acquisition_date=dt.date(2026, 1, 1))
        broken = create_equipment('Q-2', facilities['q-dhq'],
            acquisition_date=dt.date(2026, 1, 1))
        create_equipment('P-1', facilities['p-dhq'])
        report_breakdown(working, D(2026, 1, 5), D(2026, 1, 5, 4))
        report_breakdown(broken, D(2026, 2, 5))
        Equipment.mark_under_repair([broken])
        name, data = equipment_report.render('equipment-status',
            district=facilities['q-dhq'].district)
        self.assertEqual(name, 'equipment-status.xlsx')
        book = openpyxl.load_workbook(io.BytesIO(data))
        summary = [[c.value for c in r]
            for r in book['Equipment Status'].iter_rows(min_row=5)]
        self.assertEqual(summary, [['Quetta', 'Q-DHQ - Facility Q-DHQ',
                    'X-ray Machine', 2, 1, 0, 1, 0, 2, summary[0][9], 4]],
            msg="Quetta only: two X-ray machines, one under repair")
        down = [[c.value for c in r]
            for r in book['Not Functional'].iter_rows(min_row=5)]
        self.assertEqual([r[2:4] + [r[6]] for r in down],
            [['Q-2', 'X-ray Machine', 'Under Repair']])

    @with_transaction()
    def test_summary_by_district(self):
        "The managers' graph counts by district and status, in scope"
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Summary = pool.get('bhmis.equipment.summary')
        facilities = self.setup_facilities()
        create_equipment('Q-1', facilities['q-dhq'])
        broken = create_equipment('Q-2', facilities['q-bhu'])
        create_equipment('P-1', facilities['p-dhq'])
        Equipment.mark_non_functional([broken])

        def rows():
            return sorted((r.district.code, r.category.code, r.total,
                    r.functional, r.not_functional)
                for r in Summary.search([]))
        self.assertEqual(rows(), [('PISHIN', 'XRAY', 1, 1, 0),
                ('QUETTA', 'XRAY', 2, 1, 1)])
        dho = create_user('dho', 'group_dho',
            districts=[facilities['p-dhq'].district])
        with as_user(dho):
            self.assertEqual(rows(), [('PISHIN', 'XRAY', 1, 1, 0)])

    @with_transaction()
    def test_demo_small(self):
        "The small demo: mixed states, repairs, a transfer; loaded once"
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Transfer = pool.get('bhmis.equipment.transfer')
        base_demo.load('small', random.Random(0))
        created = demo_equipment.load('small')
        self.assertGreater(created, 50)
        self.assertEqual(demo_equipment.load('small'), 0, msg="idempotent")
        self.assertEqual(Equipment.search([], count=True), created)
        dhq = Equipment.search([('facility.code', '=', 'QUETTA-DHQ-001')])
        self.assertEqual(len(dhq),
            sum(demo_equipment.BY_TYPE['dhq'].values()) - 1,
            msg="one oxygen concentrator lent to the RHC")
        statuses = {e.status for e in Equipment.search([])}
        self.assertTrue({'functional', 'non_functional', 'under_repair'}
            <= statuses, msg=statuses)
        xray, = Equipment.search([('asset_tag', '=',
                    demo_equipment.asset_tag('QUETTA-DHQ-001', 'XRAY', 1))])
        self.assertEqual((xray.failures, xray.mttr), (3, 28.0))
        self.assertEqual(Transfer.search([('state', '=', 'done')],
                count=True), 1)


def test_operating_hours_overlapping_repairs():
    start, end = D(2026, 1, 1), D(2026, 1, 2)
    repairs = [(D(2026, 1, 1, 2), D(2026, 1, 1, 6)),
        (D(2026, 1, 1, 4), D(2026, 1, 1, 8)),
        (D(2026, 1, 1, 20), None)]
    # down 2h-8h and 20h-24h: counted once where they overlap
    assert reliability.operating_hours(start, end, repairs) == 24 - 6 - 4
    assert reliability.item_figures(start, end, repairs) == (14.0, 3,
        [4.0, 4.0])
    assert reliability.operating_hours(end, start, []) == 0.0


def test_reliability_of_items():
    assert reliability.reliability([(100.0, 2, [1.0, 3.0]),
            (50.0, 1, [2.0])]) == (50.0, 2.0)
    assert reliability.reliability([]) == (None, None)
    with pytest.raises(ValueError):
        reliability.repair_hours(D(2026, 1, 2), D(2026, 1, 1))

