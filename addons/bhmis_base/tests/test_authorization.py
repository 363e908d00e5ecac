# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12's findings in the base module: secrets searched as an oracle,
lockout of the real user, read-only fields and targets out of scope."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, without_check_access

from bhmis_base.exceptions import (
    FacilityImportError,
    ReadonlyFieldError,
    UnreadableTargetError,
)
from bhmis_base.facility_import import import_facilities
from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)

SECRETS = ['password_hash', 'password_reset', 'password_reset_expire']


class BaseAuthorizationTestCase(DBTestCase):
    "Authorization of bhmis_base"
    module = 'bhmis_base'
    extras = []

    @with_transaction()
    def test_secrets_cannot_be_searched(self):
        "Finding 1: no user, admin included, searches on password fields"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        admin = User(ModelData.get_id('res', 'user_admin'))
        User.write([admin], {'password_reset': 'secret-reset',
                'password_reset_expire': dt.datetime(2099, 1, 1)})
        keeper = create_user('keeper', 'group_store_keeper')
        for user in [keeper, admin]:
            for field in SECRETS:
                for domain in [[(field, '>=', 's')], [(field, '!=', None)],
                        [('login', '=', 'admin'), (field, 'like', '$%')]]:
                    with self.subTest(user=user.login, domain=domain), \
                            as_user(user), self.assertRaises(AccessError):
                        User.search(domain)
                with self.subTest(user=user.login, order=field), \
                        as_user(user), self.assertRaises(AccessError):
                    User.search([], order=[(field, 'ASC')])
        for model in ['ir.session', 'res.user.login.attempt',
                'res.user.device']:
            with self.subTest(model=model), as_user(keeper), \
                    self.assertRaises(AccessError):
                pool.get(model).search([])

    @with_transaction()
    def test_wrong_passwords_lock_out_the_sender_only(self):
        "Finding 10: failing six times from one address locks that address"
        pool = Pool()
        User = pool.get('res.user')
        Attempt = pool.get('res.user.login.attempt')
        transaction = Transaction()
        with transaction.set_context(
                _request={'remote_addr': '203.0.113.7'}):
            for _ in range(7):
                Attempt.add('admin')
            self.assertEqual(Attempt.count('admin'), 7)
        with transaction.set_context(
                _request={'remote_addr': '198.51.100.20'}):
            self.assertEqual(Attempt.count('admin'), 0,
                "the real user elsewhere is not locked out")
        self.assertTrue(User)

    @with_transaction()
    def test_readonly_and_out_of_scope_fields_refused(self):
        "Finding 5: what the workflow sets is not written by hand"
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        q1 = create_facility('Q1', quetta)
        dho = create_user('dho', 'group_dho', districts=[quetta])
        admin_ = create_user('boss', 'group_admin')
        with as_user(admin_):
            with self.assertRaises(ReadonlyFieldError):
                Facility.write([Facility(q1.id)], {'status': 'closed'})
        with as_user(dho):
            with self.assertRaises(AccessError):
                Facility.write([Facility(q1.id)], {'district': pishin.id})
        self.assertEqual(Facility(q1.id).status, 'functional')
        self.assertTrue(issubclass(UnreadableTargetError, AccessError))

    @with_transaction()
    def test_dho_imports_into_own_district_only(self):
        "Finding 10: DHOs may import facilities, into their districts only"
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        Action = pool.get('ir.action.wizard')
        ModelData = pool.get('ir.model.data')
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        create_facility('P-1', pishin)
        dho = create_user('dho', 'group_dho', districts=[quetta])
        wizard = Action(ModelData.get_id(
                'bhmis_base', 'wizard_facility_import'))
        self.assertIn(ModelData.get_id('bhmis_base', 'group_dho'),
            [g.id for g in wizard.groups])
        moved = (b"code,name,type,district\n"
            b"Q-NEW,New BHU,bhu,QUETTA\n"
            b"P-1,Taken over,bhu,QUETTA\n")
        with as_user(dho), without_check_access(), \
                self.assertRaises(FacilityImportError) as context:
            import_facilities(moved, 'f.csv')
        self.assertEqual([str(p) for p in context.exception.problems], [
                "column code: facility 'P-1' is not one of yours"])
        self.assertEqual(Facility.search([('code', '=', 'P-1')])[0].district,
            pishin)
        self.assertEqual(Facility.search_count([('code', '=', 'Q-NEW')]), 0)
        # As the wizard runs it: without access checks, scoped by the import
        with as_user(dho), without_check_access():
            created, updated, _ = import_facilities(
                b"code,name,type,district\nQ-NEW,New BHU,bhu,QUETTA\n",
                'f.csv')
        self.assertEqual((created, updated), (1, 0))

