# SPDX-License-Identifier: GPL-3.0-or-later
"""Two store keepers issuing the last units of the same lot at the same
moment cannot both succeed: two processes, each in its own PostgreSQL
transaction, issue the same 10 units; exactly one issue is done and the
stock is 0, never negative.

Meaningful only on PostgreSQL (SQLite runs one writing transaction at a
time); the PostgreSQL run of the suite runs it."""
import os
import subprocess
import sys
import tempfile
import unittest

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME,
)
from trytond.transaction import Transaction

from bhmis_base.tests.tools import DBTestCase, create_user
from bhmis_inventory.tests.flow_tools import (
    days,
    issue_draft,
    lot,
    medicine,
    quantity,
    receive,
    setup_province,
)

ON_POSTGRESQL = os.environ.get('TRYTOND_DATABASE_URI', '').startswith(
    'postgresql')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))


@unittest.skipUnless(ON_POSTGRESQL,
    "two concurrent writing transactions need PostgreSQL")
class IssueRaceTestCase(DBTestCase):
    "The last units of a lot issued twice at the same moment"

    module = 'bhmis_inventory'

    def prepare(self):
        """Commit a BHU holding 10 units of one lot, its two store keepers
        and their two draft issues of those 10 units"""
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            pool.init()
            Shipment = pool.get('stock.shipment.internal')
            Date = pool.get('ir.date')
            company = create_company()
            with set_company(company):
                facilities = setup_province()
                store = facilities['q-store'].store
                bhu = facilities['q-bhu'].store
                product = medicine()
                last = lot(product, 'LAST-1', Date.today() + days(200))
                receive(store, [(product, last, 10)], company)
                from bhmis_inventory.tests.flow_tools import dispatch_draft
                shipment = dispatch_draft(store, bhu, [(product, last, 10)],
                    company)
                Shipment.bhmis_dispatch([shipment])
                Shipment.bhmis_confirm([shipment])
                keepers = [create_user(login, 'group_store_keeper',
                        facilities=[facilities['q-bhu']])
                    for login in ('keeper.morning', 'keeper.evening')]
                for keeper in keepers:
                    pool.get('res.user').write([keeper], {
                            'companies': [('add', [company.id])],
                            'company': company.id})
                issues = [issue_draft(bhu, [(product, last, 10)], company)
                    for _ in keepers]
            ids = (bhu.id, product.id, last.id, company.id)
            result = (ids, [(i.id, k.id) for i, k in zip(issues, keepers)])
            transaction.commit()
        return result

    def test_last_units_issued_once(self):
        (bhu_id, product_id, lot_id, company_id), work = self.prepare()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                filter(None, [os.path.join(ROOT, 'addons'), ROOT,
                        os.environ.get('PYTHONPATH')])))
        with tempfile.TemporaryDirectory() as barrier:
            workers = [subprocess.Popen([sys.executable, '-m',
                        'bhmis_inventory.tests.race_worker', DB_NAME,
                        str(issue_id), str(user_id), str(company_id), barrier,
                        'keeper%s' % n],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True)
                for n, (issue_id, user_id) in enumerate(work)]
            outcomes, errors = [], []
            for worker in workers:
                out, err = worker.communicate(timeout=300)
                self.assertEqual(worker.returncode, 0, msg=err)
                outcomes.append(out.strip().splitlines()[-1])
                errors.append(err[-2000:])
        self.assertEqual(sum(o == 'done' for o in outcomes), 1,
            msg="exactly one keeper issued the last units: %s %s" % (
                outcomes, errors))
        loser, = [o for o in outcomes if o != 'done']
        self.assertTrue(loser.endswith('InsufficientStockError'),
            msg="the other is told there is not enough stock: %s" % loser)

        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0, context={
                    'company': company_id}):
            Issue = pool.get('bhmis.stock.issue')
            Location = pool.get('stock.location')
            Product = pool.get('product.product')
            Lot = pool.get('stock.lot')
            self.assertEqual(sorted(i.state for i in Issue.browse(
                        [i for i, _ in work])), ['done', 'draft'])
            self.assertEqual(quantity(Location(bhu_id), Product(product_id),
                    Lot(lot_id)), 0, msg="stock is 0, never negative")
