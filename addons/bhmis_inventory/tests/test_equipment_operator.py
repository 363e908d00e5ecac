# SPDX-License-Identifier: GPL-3.0-or-later
"""Equipment without an operator, registered when bhmis_hr is installed:
an X-ray machine where no radiographer is posted."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company,
    set_company,
)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction

from bhmis_base.tests.tools import (
    DBTestCase,
    as_user,
    create_district,
    create_facility,
    create_user,
)
from bhmis_hr.tests.tools import create_employee
from bhmis_inventory.tests.test_equipment import create_equipment


def without_operator():
    "The asset tags the 'Equipment without an Operator' menu lists"
    pool = Pool()
    Equipment = pool.get('bhmis.equipment')
    Action = pool.get('ir.action.act_window')
    ModelData = pool.get('ir.model.data')
    action = Action(ModelData.get_id(
            'bhmis_inventory', 'act_equipment_without_operator'))
    domain = PYSONDecoder({}).decode(action.pyson_domain)
    return sorted(e.asset_tag for e in Equipment.search(domain))


class EquipmentOperatorTestCase(DBTestCase):
    "Test bhmis_inventory with bhmis_hr"
    module = 'bhmis_inventory'
    extras = ['bhmis_hr']

    @with_transaction()
    def test_xray_without_radiographer(self):
        "The X-ray machine is listed until a radiographer is posted"
        pool = Pool()
        Posting = pool.get('bhmis.posting')
        Equipment = pool.get('bhmis.equipment')
        quetta = create_district('QUETTA')
        dhq = create_facility('Q-DHQ', quetta, type='dhq')
        civil = create_facility('Q-CIVIL', quetta, type='civil')
        xray = create_equipment('XR-1', dhq)
        create_equipment('XR-2', civil)
        create_equipment('AC-1', dhq, code='AUTOCLAVE')
        condemned = create_equipment('XR-3', dhq)
        Equipment.condemn([condemned])
        company = create_company()
        with set_company(company):
            create_employee(company, 'MO-1', "Dr Nasir", facility=dhq)
            create_employee(company, 'RAD-0', "Gul Khan", facility=civil,
                code='RAD')
            self.assertEqual(without_operator(), ['XR-1'],
                msg="a medical officer does not operate the X-ray; an "
                "autoclave needs no operator")
            self.assertFalse(xray.operator_posted)
            radiographer = create_employee(company, 'RAD-1', "Saira",
                facility=dhq, code='RAD', start=dt.date(2024, 5, 1))
            self.assertEqual(without_operator(), [],
                msg="a radiographer is posted at the DHQ")
            self.assertTrue(Equipment(xray.id).operator_posted)
            posting, = Posting.search([('employee', '=', radiographer.id)])
            Posting.write([posting], {'end_date': dt.date(2025, 1, 31)})
            self.assertEqual(without_operator(), ['XR-1'],
                msg="the radiographer left")

    @with_transaction()
    def test_operator_list_scoped(self):
        "A DHO sees the equipment without an operator of their district"
        quetta, pishin = create_district('QUETTA'), create_district('PISHIN')
        create_equipment('XR-Q', create_facility('Q-DHQ', quetta, type='dhq'))
        create_equipment('XR-P', create_facility('P-DHQ', pishin, type='dhq'))
        dho = create_user('dho', 'group_dho', districts=[quetta])
        with as_user(dho):
            self.assertEqual(without_operator(), ['XR-Q'])
        nobody = create_user('nobody')
        with as_user(nobody), self.assertRaises(AccessError):
            without_operator()

