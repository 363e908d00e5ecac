# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of BHMIS modules: users in a role, scoped like real ones."""
import contextlib
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, drop_db
from trytond.transaction import Transaction, check_access


class DBTestCase(unittest.TestCase):
    """Tests on a database with `module` and `extras` activated.

    Tryton's structural tests (ModuleTestCase) run once per module, in its
    test_module.py; a test case of a feature needs the database only."""
    module = None
    extras = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module([cls.module, *cls.extras])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


def create_district(code='QUETTA'):
    "Return the district shipped with that code"
    District = Pool().get('bhmis.district')
    district, = District.search([('code', '=', code)])
    return district


def create_facility(code, district, type='bhu', **values):
    Facility = Pool().get('bhmis.facility')
    facility, = Facility.create([dict(
                code=code, name="Facility %s" % code, type=type,
                district=district.id, **values)])
    return facility


def create_user(login, group=None, districts=(), facilities=()):
    """Create a user holding the bhmis_base role `group` (an XML id such as
    'group_dho'), answering for the given districts and facilities."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    groups = [ModelData.get_id('bhmis_base', group)] if group else []
    user, = User.create([{
                'login': login,
                'name': login,
                'groups': [('add', groups)],
                'bhmis_districts': [('add', [d.id for d in districts])],
                'bhmis_facilities': [('add', [f.id for f in facilities])],
                }])
    return user


@contextlib.contextmanager
def as_user(user):
    "Act as user with access rights and record rules enforced"
    transaction = Transaction()
    with transaction.set_user(user.id), check_access():
        yield
