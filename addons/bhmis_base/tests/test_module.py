# SPDX-License-Identifier: GPL-3.0-or-later
import datetime as dt
import re
from pathlib import Path

from trytond.exceptions import UserWarning
from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from bhmis_base.exceptions import DHIS2UIDError, FacilityImportError, GPSError
from bhmis_base.facility_import import import_facilities
from bhmis_base.problem import problem_text
from bhmis_base.scope import SCOPE_RULE_NAME
from bhmis_base.tabular import MESSAGES, Problem
from bhmis_base.tests.tools import (
    as_user,
    create_district,
    create_facility,
    create_user,
)

CSV = (
    "code,name,name_ur,type,district,latitude,longitude,beds,open_24_7\n"
    "IMP-1,Civil Hospital Quetta,سول ہسپتال کوئٹہ,civil,Quetta,30.19,67.01,"
    "120,yes\n"
    "IMP-2,BHU Pishin,,bhu,PISHIN,,,,no\n").encode()


class BhmisBaseTestCase(ModuleTestCase):
    "Test bhmis_base module"
    module = 'bhmis_base'

    def setup_facilities(self):
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        facilities = {
            'Q1': create_facility('Q1', quetta, type='dhq'),
            'Q2': create_facility('Q2', quetta),
            'P1': create_facility('P1', pishin),
            }
        return quetta, pishin, facilities

    @with_transaction()
    def test_geography_shipped(self):
        "The 8 divisions and 37 districts are there, with Urdu names"
        pool = Pool()
        Division = pool.get('bhmis.division')
        District = pool.get('bhmis.district')
        self.assertEqual(Division.search_count([]), 8)
        self.assertEqual(District.search_count([]), 37)
        quetta = create_district('QUETTA')
        self.assertEqual(quetta.name_ur, 'کوئٹہ')
        self.assertEqual(quetta.division.name, 'Quetta')
        with Transaction().set_context(language='ur'):
            self.assertEqual(District(quetta.id).rec_name, 'کوئٹہ')

    @with_transaction()
    def test_new_district_without_code_change(self):
        "An administrator adds a district as data"
        pool = Pool()
        District = pool.get('bhmis.district')
        Division = pool.get('bhmis.division')
        division, = Division.search([('code', '=', 'QUETTA')])
        district, = District.create([{'code': 'NEW', 'name': "New District",
                        'division': division.id}])
        self.assertEqual(District.search([('rec_name', 'ilike', '%new%')]),
            [district])

    @with_transaction()
    def test_facility_code_unique(self):
        quetta = create_district()
        create_facility('F1', quetta)
        with self.assertRaises(SQLConstraintError):
            create_facility('F1', quetta)

    @with_transaction()
    def test_facility_level_from_type(self):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        quetta = create_district()
        dhq = create_facility('F1', quetta, type='dhq')
        bhu = create_facility('F2', quetta, type='bhu')
        self.assertEqual((dhq.level, bhu.level), ('secondary', 'primary'))
        self.assertEqual(Facility.search([('level', '=', 'primary')]), [bhu])
        self.assertEqual(dhq.rec_name, 'F1 - Facility F1')

    @with_transaction()
    def test_facility_gps(self):
        "Impossible coordinates are refused, far ones need confirmation"
        quetta = create_district()
        for n, (latitude, longitude) in enumerate(
                [(91, 66), (30, -181), (30, None)]):
            with self.subTest(latitude=latitude, longitude=longitude):
                with self.assertRaises(GPSError):
                    create_facility('G%s' % n, quetta, latitude=latitude,
                        longitude=longitude)
        create_facility('OK1', quetta, latitude=30.19, longitude=67.01)
        with self.assertRaises(UserWarning):
            create_facility('OK2', quetta, latitude=31.52, longitude=74.35)

    @with_transaction()
    def test_facility_dhis2_uid(self):
        quetta = create_district()
        create_facility('D1', quetta, dhis2_uid='ImspTQPwCqd')
        with self.assertRaises(DHIS2UIDError):
            create_facility('D2', quetta, dhis2_uid='1mspTQPwCq!')

    @with_transaction()
    def test_facility_status_workflow_and_history(self):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        quetta = create_district()
        facility = create_facility('S1', quetta)
        self.assertEqual(facility.status, 'functional')
        Facility.mark_non_functional([facility])
        Facility.write([facility], {'beds': 4})  # not a status change
        Facility.close([facility])
        Facility.reopen([facility])
        facility = Facility(facility.id)
        self.assertEqual(facility.status, 'functional')
        changes = sorted(facility.status_changes, key=lambda c: c.id)
        self.assertEqual(
            [(c.previous_status, c.status) for c in changes],
            [(None, 'functional'), ('functional', 'non_functional'),
                ('non_functional', 'closed'), ('closed', 'functional')])
        self.assertTrue(all(isinstance(c.date, dt.datetime)
                for c in changes))

    @with_transaction()
    def test_scope_rule_installed(self):
        "The mixin installs one readable scope rule per scoped model"
        RuleGroup = Pool().get('ir.rule.group')
        groups = RuleGroup.search([
                ('model', '=', 'bhmis.facility'),
                ('name', '=', SCOPE_RULE_NAME)])
        self.assertEqual(len(groups), 1)
        self.assertTrue(groups[0].global_p)
        self.assertIn('facilities', groups[0].rules[0].domain)

    @with_transaction()
    def test_dho_sees_only_own_district(self):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        StatusChange = pool.get('bhmis.facility.status_change')
        quetta, pishin, facilities = self.setup_facilities()
        dho = create_user('dho', 'group_dho', districts=[quetta])
        with as_user(dho):
            self.assertEqual(
                sorted(f.code for f in Facility.search([])), ['Q1', 'Q2'])
            self.assertEqual(sorted(c.facility.code for c in
                    StatusChange.search([])), ['Q1', 'Q2'])
            with self.assertRaises(AccessError):
                Facility.read([facilities['P1'].id], ['name'])
            # May update facilities of the district, not create them
            Facility.write([Facility(facilities['Q1'].id)], {'beds': 50})
            with self.assertRaises(AccessError):
                Facility.write([Facility(facilities['P1'].id)], {'beds': 5})
            with self.assertRaises(AccessError):
                create_facility('Q3', quetta)

    @with_transaction()
    def test_facility_incharge_sees_only_own_facility(self):
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        Summary = pool.get('bhmis.facility.summary')
        quetta, pishin, facilities = self.setup_facilities()
        incharge = create_user('ms', 'group_facility_incharge',
            facilities=[facilities['Q2']])
        with as_user(incharge):
            self.assertEqual(Facility.search([]), [facilities['Q2']])
            with self.assertRaises(AccessError):
                Facility.write([facilities['Q2']], {'beds': 1})
            summary, = Summary.search([])
            self.assertEqual((summary.facilities, summary.type), (1, 'bhu'))

    @with_transaction()
    def test_user_without_districts_sees_nothing(self):
        Facility = Pool().get('bhmis.facility')
        self.setup_facilities()
        nobody = create_user('nobody')
        with as_user(nobody):
            self.assertEqual(Facility.search([]), [])

    @with_transaction()
    def test_province_wide_roles_see_everything(self):
        Facility = Pool().get('bhmis.facility')
        self.setup_facilities()
        for group in ['group_provincial_manager', 'group_dhis2_admin',
                'group_admin']:
            user = create_user(group, group)
            with self.subTest(group=group), as_user(user):
                self.assertEqual(Facility.search_count([]), 3)

    @with_transaction()
    def test_whole_province_flag(self):
        "A provincial officer answers for every district without a list"
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        User = pool.get('res.user')
        self.setup_facilities()
        officer = create_user('hr.province', 'group_hr_officer')
        with as_user(officer):
            self.assertEqual(Facility.search_count([]), 0)
        User.write([officer], {'bhmis_province': True})
        with as_user(officer):
            self.assertEqual(Facility.search_count([]), 3)

    @with_transaction()
    def test_scope_follows_user_changes(self):
        "Giving a user a district shows its facilities at once"
        pool = Pool()
        Facility = pool.get('bhmis.facility')
        User = pool.get('res.user')
        quetta, pishin, _ = self.setup_facilities()
        dho = create_user('dho', 'group_dho', districts=[quetta])
        with as_user(dho):
            self.assertEqual(Facility.search_count([]), 2)
        User.write([dho], {'bhmis_districts': [('add', [pishin.id])]})
        with as_user(dho):
            self.assertEqual(Facility.search_count([]), 3)

    @with_transaction()
    def test_summary(self):
        Summary = Pool().get('bhmis.facility.summary')
        quetta, pishin, _ = self.setup_facilities()
        rows = {(s.district.code, s.type): s.facilities
            for s in Summary.search([])}
        self.assertEqual(rows, {('QUETTA', 'dhq'): 1, ('QUETTA', 'bhu'): 1,
                ('PISHIN', 'bhu'): 1})

    @with_transaction()
    def test_import_creates_then_updates(self):
        Facility = Pool().get('bhmis.facility')
        created, updated, warnings = import_facilities(CSV, 'f.csv')
        self.assertEqual((created, updated, warnings), (2, 0, []))
        facility, = Facility.search([('code', '=', 'IMP-1')])
        self.assertEqual((facility.type, facility.district.code,
                facility.beds, facility.open_24_7, facility.name_ur),
            ('civil', 'QUETTA', 120, True, 'سول ہسپتال کوئٹہ'))
        changed = CSV.replace(b'120,yes', b'150,yes')
        self.assertEqual(import_facilities(changed, 'f.csv')[:2], (0, 2))
        self.assertEqual(Facility.search_count([]), 2)
        self.assertEqual(Facility(facility.id).beds, 150)

    @with_transaction()
    def test_import_invalid_writes_nothing(self):
        Facility = Pool().get('bhmis.facility')
        bad = CSV + b"IMP-3,Nowhere,,bhu,Lahore,,,,\nIMP-1,Again,,bhu,Quetta\n"
        with self.assertRaises(FacilityImportError) as context:
            import_facilities(bad, 'f.csv')
        self.assertEqual([str(p) for p in context.exception.problems], [
                "row 4, column district: unknown district 'Lahore'",
                "row 5, column code: code IMP-1 is already on row 2"])
        self.assertIn("nothing was written", context.exception.message)
        self.assertEqual(Facility.search_count([]), 0)

    @with_transaction()
    def test_import_outside_own_districts(self):
        "A DHO cannot import facilities into another district"
        Facility = Pool().get('bhmis.facility')
        quetta = create_district('QUETTA')
        dho = create_user('dho', 'group_dho', districts=[quetta])
        with as_user(dho), self.assertRaises(FacilityImportError) as context:
            import_facilities(CSV, 'f.csv')
        self.assertEqual([str(p) for p in context.exception.problems], [
                "row 3, column district: district 'PISHIN' is not one of "
                "yours"])
        self.assertEqual(Facility.search_count([]), 0)

    @with_transaction()
    def test_import_warns_outside_province(self):
        Facility = Pool().get('bhmis.facility')
        csv = CSV.replace(b'30.19,67.01', b'31.52,74.35')
        created, _, warnings = import_facilities(csv, 'f.csv')
        self.assertEqual(created, 2)
        self.assertEqual([str(w) for w in warnings], [
                "row 2, column latitude/longitude: 31.52, 74.35 is outside "
                "Balochistan"])
        self.assertEqual(Facility.search_count([]), 2)

    @with_transaction()
    def test_problem_messages_match_catalogue(self):
        "Every file problem has its message, with the same English text"
        for code, text in MESSAGES.items():
            params = {name: 'X' for name in re.findall(r'%\((\w+)\)s', text)}
            problem = Problem(3, 'district', code, params)
            with self.subTest(code=code):
                self.assertEqual(problem_text(problem), str(problem))

    @with_transaction(context={'language': 'ur'})
    def test_problems_in_urdu(self):
        "An Urdu user reads the import problems in Urdu"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        self.assertEqual(Lang.get('ur').direction, 'rtl')
        # Tests activate English only: load the module's Urdu catalogue
        Translation.translation_import('ur', 'bhmis_base', [
                str(Path(__file__).parent.parent / 'locale' / 'ur.po')])
        problem = Problem(4, 'district', 'unknown_district',
            {'value': 'Lahore'})
        self.assertEqual(problem_text(problem),
            "قطار 4, کالم district: نامعلوم ضلع 'Lahore'")


del ModuleTestCase
