# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of BHMIS modules: users in a role, scoped like real ones."""
import contextlib

from trytond.pool import Pool
from trytond.transaction import Transaction, check_access


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
